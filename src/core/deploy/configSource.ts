/**
 * Where a Telegraf agent loads its configuration from, read from its command
 * line (a Compose `command:`, a container's `command`/`args`, a systemd
 * `ExecStart=`), and whether giving it the controller token is safe.
 *
 * Telegraf adds `Authorization: Bearer $TELEGRAF_CONTROLLER_TOKEN` (1.39 and
 * later; else `Token $INFLUX_TOKEN`) to EVERY configuration it downloads over
 * HTTP(S) (`--config <url>`; `fetchConfig` in Telegraf's config/config.go,
 * v1.40.1). So the token must only be set for an agent whose `--config` URLs
 * are Telegraf Controller ones (`…/api/configs/<id>/toml`, docs/api-contract.md):
 * an agent that loads its configuration from InfluxDB
 * (`/api/v2/telegrafs/<id>`) would send the controller token there instead of
 * its InfluxDB token, and InfluxDB would refuse the download. Pure; no
 * `vscode` import.
 */
import { isControllerConfigUrl } from '../config/configUrl';

/**
 * Words of a command line as a shell or systemd splits it: whitespace
 * separates, `'…'` and `"…"` group, a backslash-newline continues. Variable
 * references are kept as written (`$NAME`, `${NAME}`, `$(NAME)`).
 */
export function commandWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  const s = line.replace(/\\\r?\n/g, ' ');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

/** The values of Telegraf's `--config` flags in `words` (`--config X`, `-config X`, `--config=X`, `-config=X`). */
export function configFlagValues(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const m = /^--?config(?:=(.*))?$/.exec(words[i]!);
    if (!m) continue;
    if (m[1] !== undefined) out.push(m[1]);
    else if (i + 1 < words.length) out.push(words[++i]!);
  }
  return out;
}

/** What one `--config` value is. */
export type ConfigSource =
  /** A Telegraf Controller config URL: the token belongs there. */
  | { kind: 'controller'; url: string }
  /** Another HTTP(S) URL (InfluxDB `/api/v2/telegrafs/…`, a web server): the token would be sent there. */
  | { kind: 'other-url'; url: string }
  /** A file or directory on the agent's host: nothing is sent. */
  | { kind: 'file'; path: string }
  /** A variable the file does not set (`$TELEGRAF_CONF` from an env file on the host): unknown. */
  | { kind: 'unresolved'; variable: string; written: string };

const VAR_RE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+=])([^}]*))?\}|\(([A-Za-z_][A-Za-z0-9_]*)\)|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * What `value` (a `--config` value as written) is, with its variables
 * (`$NAME`, `${NAME}`, `${NAME:-default}`, Kubernetes `$(NAME)`) replaced by
 * `lookup`; a variable without a value and without a default is unresolved.
 */
export function classifyConfigSource(value: string, lookup: (name: string) => string | undefined = () => undefined): ConfigSource {
  let unresolved: string | undefined;
  const expanded = value.replace(VAR_RE, (whole, braced?: string, op?: string, arg?: string, paren?: string, bare?: string) => {
    const name = (braced ?? paren ?? bare)!;
    const v = lookup(name);
    if (v !== undefined && !(op?.startsWith(':') && v === '')) return op === '+' || op === ':+' ? (arg ?? '') : v;
    if (op === '-' || op === ':-' || op === '=' || op === ':=') return arg ?? '';
    unresolved ??= name;
    return whole;
  });
  if (unresolved) return { kind: 'unresolved', variable: unresolved, written: value };
  if (/^https?:\/\//i.test(expanded)) return isControllerConfigUrl(expanded) ? { kind: 'controller', url: expanded } : { kind: 'other-url', url: expanded };
  return { kind: 'file', path: expanded };
}

/**
 * A URL as shown in messages: scheme, host and path; user info, query and
 * fragment (which may carry credentials) left out.
 */
export function displayUrl(url: string): string {
  return url.replace(/[?#].*$/s, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The verdict of {@link checkConfigSources}. */
export interface ConfigSourceCheck {
  /** English reason not to add the token (an HTTP(S) `--config` that is not a controller URL). */
  blocking?: string;
  /** English warning (a `--config` whose value the file does not show). */
  warning?: string;
}

/**
 * Whether an agent started with `words` may be given the token in `varName`
 * (see the module comment): blocked when a `--config` is an HTTP(S) URL other
 * than a Telegraf Controller one; a warning when a `--config` comes from a
 * variable the file does not set; nothing otherwise (no `--config` URL, a
 * controller URL, local files). With `inContainer` (Compose, Kubernetes), a
 * controller URL on a loopback address is a warning too: it names the
 * container itself.
 */
export function checkConfigSources(
  words: readonly string[],
  varName: string,
  lookup?: (name: string) => string | undefined,
  inContainer = false,
  controllerUrl?: string,
): ConfigSourceCheck {
  const sources = configFlagValues(words).map((v) => classifyConfigSource(v, lookup));
  // A controller URL of another controller than the one the token comes from: the token would go there and be refused.
  const home = controllerUrl ? hostOf(controllerUrl) : undefined;
  const foreign = home
    ? sources.find((s): s is Extract<ConfigSource, { kind: 'controller' }> => s.kind === 'controller' && !isLoopbackUrl(s.url) && hostOf(s.url) !== home)
    : undefined;
  if (foreign)
    return {
      warning: `The agent loads its configuration from ${displayUrl(foreign.url)}, not from the controller you are signed in to (${home}): Telegraf sends ${varName} there, and that controller refuses a token it did not issue. Add a token of that controller instead, unless it is this one under another name.`,
    };
  const loopback = inContainer
    ? sources.find((s): s is Extract<ConfigSource, { kind: 'controller' }> => s.kind === 'controller' && isLoopbackUrl(s.url))
    : undefined;
  if (loopback)
    return {
      warning: `The agent loads its configuration from ${displayUrl(loopback.url)}: inside a container that address is the container itself, not the controller's machine. Use the controller's host name or address as the container sees it.`,
    };
  const other = sources.find((s): s is Extract<ConfigSource, { kind: 'other-url' }> => s.kind === 'other-url');
  if (other)
    return {
      blocking: `The agent loads its configuration from ${displayUrl(other.url)}, which is not a Telegraf Controller config URL (…/api/configs/<id>/toml). Telegraf sends ${varName} with every configuration it downloads, so that server would receive the controller token in place of its own credential and refuse the download. Point --config at the controller's configuration URL first, then add the token.`,
    };
  const unknown = sources.find((s): s is Extract<ConfigSource, { kind: 'unresolved' }> => s.kind === 'unresolved');
  if (unknown)
    return {
      warning: `The agent's --config is ${unknown.written}, which this file does not set: Telegraf sends ${varName} to that URL, so make sure ${unknown.variable} is a Telegraf Controller configuration URL (…/api/configs/<id>/toml), not an InfluxDB one.`,
    };
  return {};
}

/** Whether `url`'s host is a loopback address (`localhost`, `127.x.x.x`, `[::1]`). */
function isLoopbackUrl(url: string): boolean {
  const host = hostOf(url);
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
}

/** The lower-cased host of an HTTP(S) URL ('' when it has none). */
function hostOf(url: string): string {
  return /^https?:\/\/(?:[^/@]*@)?(\[[^\]]*\]|[^/:?#]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
}
