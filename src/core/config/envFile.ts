/**
 * Editing an environment file that holds the token for the agent: a systemd
 * `EnvironmentFile` such as `/etc/default/telegraf` (`NAME=value` lines) or a
 * `.env` (also `export NAME=value`). Pure; offsets are UTF-16 indices into the
 * text as read. Source: docs/api-contract.md "How Telegraf uses a token"
 * (`TELEGRAF_CONTROLLER_TOKEN` / `INFLUX_TOKEN` from the agent's environment).
 */
import type { TextEdit } from './types';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The edit that makes `name` hold `value` in the env file `text`: the value of
 * the first active `NAME=…` / `export NAME=…` line is replaced (commented lines
 * are left alone); otherwise `NAME=value` is appended on a line of its own,
 * with the file's line ending (CRLF when the file uses it) and a final line
 * break. Values with spaces, quotes, `#` or `$` are double-quoted with `"`,
 * `\`, `$` and `` ` `` escaped. Throws `Error` for an invalid variable name or
 * a value with a line break.
 */
export function planEnvFileEntry(text: string, name: string, value: string): TextEdit {
  if (!NAME_RE.test(name)) throw new Error(`"${name}" is not a valid environment variable name.`);
  if (/[\r\n]/.test(value)) throw new Error('An environment value cannot contain a line break.');
  const quoted = /^[A-Za-z0-9_\-.~+/=:@%,]*$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = new RegExp(`^([ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=)(.*?)(\\r?)$`, 'm');
  const m = line.exec(text);
  if (m) {
    const start = m.index + m[1]!.length;
    return { start, end: start + m[2]!.length, newText: quoted };
  }
  const needsBreak = text.length > 0 && !text.endsWith('\n');
  return { start: text.length, end: text.length, newText: `${needsBreak ? eol : ''}${name}=${quoted}${eol}` };
}
