/**
 * Which environment variable a Telegraf agent reads its controller token
 * from, and which `Authorization` scheme it sends it with, by Telegraf
 * version. Editor-free.
 *
 * Documented behaviour (docs/api-contract.md "How Telegraf uses a token", and
 * Telegraf's `config/config.go` `fetchConfig`): when the agent downloads a
 * `--config http(s)://…` URL, Telegraf ≥ 1.39 sends
 * `Authorization: Bearer $TELEGRAF_CONTROLLER_TOKEN` if that variable is SET
 * (even to an empty string), otherwise `Authorization: Token $INFLUX_TOKEN`;
 * Telegraf ≤ 1.38 knows only `INFLUX_TOKEN` (Token scheme). The value is sent
 * as is: no trimming, so a trailing newline breaks the header.
 * `[[outputs.heartbeat]]` exists since Telegraf 1.37.
 */

/** A Telegraf release line, `{ major: 1, minor: 40 }`. */
export interface TelegrafVersion {
  major: number;
  minor: number;
}

/** The release line the generators assume when none is given (the project's pinned Telegraf, v1.40.1). */
export const CURRENT_TELEGRAF: TelegrafVersion = { major: 1, minor: 40 };

/** The newest release line that knows only `INFLUX_TOKEN` (the last `Token`-scheme line). */
export const LAST_INFLUX_TOKEN_TELEGRAF: TelegrafVersion = { major: 1, minor: 38 };

/** The environment variable and header scheme an agent of one version uses for the controller. */
export interface TokenVariable {
  /** `TELEGRAF_CONTROLLER_TOKEN` (≥ 1.39) or `INFLUX_TOKEN` (≤ 1.38). */
  name: 'TELEGRAF_CONTROLLER_TOKEN' | 'INFLUX_TOKEN';
  /** `Bearer` (≥ 1.39) or `Token` (≤ 1.38): the `Authorization` scheme of the config download. */
  scheme: 'Bearer' | 'Token';
  /** The version this was decided for. */
  version: TelegrafVersion;
  /** True when the version has `[[outputs.heartbeat]]` (≥ 1.37). */
  heartbeat: boolean;
}

/**
 * Parses a Telegraf version or image tag: `1.40`, `v1.38.3`, `1.39-alpine`,
 * `telegraf:1.26`, `1.40.1`. Returns undefined for anything without a
 * `major.minor` (`latest`, `alpine`, empty), which callers treat as "current".
 */
export function parseTelegrafVersion(text: string | undefined): TelegrafVersion | undefined {
  if (!text) return undefined;
  const tag = text.includes(':') ? text.slice(text.lastIndexOf(':') + 1) : text;
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(tag.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** `a` is the same release line as `b` or newer. */
export function atLeast(a: TelegrafVersion, b: TelegrafVersion): boolean {
  return a.major > b.major || (a.major === b.major && a.minor >= b.minor);
}

/** `1.40`. */
export function versionText(v: TelegrafVersion): string {
  return `${v.major}.${v.minor}`;
}

/**
 * The variable and scheme for `version` (a string as {@link parseTelegrafVersion}
 * takes, or a parsed version); {@link CURRENT_TELEGRAF} when absent or unparsable.
 */
export function tokenVariableFor(version?: string | TelegrafVersion): TokenVariable {
  const v = (typeof version === 'string' ? parseTelegrafVersion(version) : version) ?? CURRENT_TELEGRAF;
  const bearer = atLeast(v, { major: 1, minor: 39 });
  return {
    name: bearer ? 'TELEGRAF_CONTROLLER_TOKEN' : 'INFLUX_TOKEN',
    scheme: bearer ? 'Bearer' : 'Token',
    version: v,
    heartbeat: atLeast(v, { major: 1, minor: 37 }),
  };
}
