/**
 * Telegraf versions and what they mean for tokens. No `vscode` import.
 *
 * Facts encoded (docs/api-contract.md "How Telegraf uses a token", checked against
 * the Telegraf sources in the Go module cache: `config/config.go`
 * `fetchConfig`, `plugins/outputs/heartbeat`):
 * - Telegraf >= 1.39 sends `TELEGRAF_CONTROLLER_TOKEN` from its environment
 *   as `Authorization: Bearer …` when it downloads a config from a URL, and
 *   falls back to `INFLUX_TOKEN` (as `Token …`) when that is unset;
 * - Telegraf <= 1.38 knows only `INFLUX_TOKEN`, sent as `Token …`;
 * - `[[outputs.heartbeat]]` exists since Telegraf 1.37 and always sends its
 *   `token` option as `Authorization: Bearer …`.
 */
import { shQuote } from '../agentStart/generators';

/** A parsed `telegraf --version`. */
export interface TelegrafVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed, e.g. `1.40.1` or `1.37.0-c3db479e`. */
  text: string;
}

/**
 * Parses the output of `telegraf --version` (`Telegraf 1.40.1`,
 * `Telegraf v1.38.3 (git: HEAD@2f4c3f1e)`, `Telegraf 1.37.0-c3db479e (git: …)`).
 * `undefined` when no `major.minor.patch` follows the word Telegraf (a
 * development build printing `Telegraf unknown`, or another program).
 */
export function parseTelegrafVersion(output: string): TelegrafVersion | undefined {
  const m = /\bTelegraf\s+v?(\d+)\.(\d+)\.(\d+)([-+][0-9A-Za-z.-]+)?/i.exec(output);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}` };
}

/** `<0`, `0`, `>0` like a comparator, on major.minor.patch only. */
export function compareVersions(a: Pick<TelegrafVersion, 'major' | 'minor' | 'patch'>, b: Pick<TelegrafVersion, 'major' | 'minor' | 'patch'>): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Whether `v` is at least `major.minor`. */
export function atLeast(v: TelegrafVersion, major: number, minor: number): boolean {
  return compareVersions(v, { major, minor, patch: 0 }) >= 0;
}

/** The environment variable Telegraf >= 1.39 sends when it downloads a config. */
export const CONTROLLER_TOKEN_ENV = 'TELEGRAF_CONTROLLER_TOKEN';
/** The environment variable Telegraf <= 1.38 sends (and newer ones fall back to). */
export const INFLUX_TOKEN_ENV = 'INFLUX_TOKEN';

/** What a Telegraf version does with a controller token. */
export interface TelegrafCapabilities {
  /** The variable it sends first when it downloads its config from a URL. */
  configUrlEnvVar: typeof CONTROLLER_TOKEN_ENV | typeof INFLUX_TOKEN_ENV;
  /** The `Authorization` scheme of that download. */
  configUrlScheme: 'Bearer' | 'Token';
  /** Every variable it reads for the download, in order. */
  configUrlEnvVars: string[];
  /** Whether `[[outputs.heartbeat]]` exists (>= 1.37). */
  heartbeatOutput: boolean;
}

/** The capabilities of Telegraf `v` (see the file comment for the sources). */
export function capabilitiesOf(v: TelegrafVersion): TelegrafCapabilities {
  const newer = atLeast(v, 1, 39);
  return {
    configUrlEnvVar: newer ? CONTROLLER_TOKEN_ENV : INFLUX_TOKEN_ENV,
    configUrlScheme: newer ? 'Bearer' : 'Token',
    configUrlEnvVars: newer ? [CONTROLLER_TOKEN_ENV, INFLUX_TOKEN_ENV] : [INFLUX_TOKEN_ENV],
    heartbeatOutput: atLeast(v, 1, 37),
  };
}

/**
 * Why the env-var name setting does not fit Telegraf `v`, or `undefined`
 * when it does: `TELEGRAF_CONTROLLER_TOKEN` with Telegraf <= 1.38 (which
 * never reads it for a config download); any other name than the two
 * Telegraf reads (it can still feed a `${NAME}` reference in a config, but
 * the config download does not send it).
 */
export function envVarNameMisfit(name: string, v: TelegrafVersion): string | undefined {
  const caps = capabilitiesOf(v);
  if (caps.configUrlEnvVars.includes(name)) return undefined;
  if (name === CONTROLLER_TOKEN_ENV) {
    return `Telegraf ${v.text} does not read ${CONTROLLER_TOKEN_ENV} (Telegraf 1.39 and later do): when it downloads its config from the controller it sends ${INFLUX_TOKEN_ENV} with the Token scheme. Set the environment variable name to ${INFLUX_TOKEN_ENV}, or upgrade Telegraf.`;
  }
  return `Telegraf ${v.text} sends only ${caps.configUrlEnvVars.join(' or ')} when it downloads its config from the controller, not ${name}.`;
}

/**
 * The command that stores a secret for a `@{store:key}` reference: Telegraf's
 * `secrets set` reads the secret-store definitions from the config, which it
 * looks for at the default location unless `--config` (given before the
 * subcommand) names the file; without a value on the command line it prompts
 * for it, so the value stays out of the shell history. `configPath` is quoted
 * for a POSIX shell.
 */
export function secretsSetCommand(configPath: string, storeId: string, key: string): string {
  return `telegraf --config ${shQuote(configPath)} secrets set ${storeId} ${key}`;
}

/** Secret-store types whose values `telegraf secrets set` writes (Telegraf v1.40.1: only the os and jose stores implement `Set`). */
export const SETTABLE_SECRET_STORES: readonly string[] = ['os', 'jose'];

/** How the value of a `@{store:key}` reference is put where the agent runs: see {@link secretValueCommand}. */
export interface SecretValueCommand {
  /** `telegraf`: `telegraf secrets set`; `docker`: a file for a Docker (Compose) secret. */
  kind: 'telegraf' | 'docker';
  command: string;
}

/**
 * The command that stores the value of `@{storeId:key}` for a store of type
 * `type` (`[[secretstores.<type>]]`; undefined when the config does not say):
 * - `os`, `jose` or unknown: {@link secretsSetCommand} (prompts for the value);
 *   for a jose store whose password comes from `${passwordVar}`, the command
 *   first stops unless that variable is set (Telegraf would otherwise store a
 *   secret the agent cannot decrypt);
 * - `docker`: Telegraf reads the secret from `/run/secrets/<key>` inside the
 *   container (the plugin's README) and `secrets set` is refused ("does not
 *   support setting secrets"): the command writes a value typed at a hidden
 *   prompt into the file `<key>` (mode 0600, for Compose `secrets:` with
 *   `file:`: the container's user must be able to read it, the plugin's
 *   README runs the service with `user:`), never on a command line; bash;
 * - any other store (vault, http, systemd, …): undefined, set in that
 *   store's own tool.
 */
export function secretValueCommand(
  type: string | undefined,
  configPath: string,
  storeId: string,
  key: string,
  passwordVar?: string,
): SecretValueCommand | undefined {
  // A jose store encrypts with the password of its config: without it set, `secrets set` stores what the agent cannot decrypt.
  if (type === 'jose' && passwordVar)
    return {
      kind: 'telegraf',
      command: `: "\${${passwordVar}:?set ${passwordVar} to the password of the jose store first}" && ${secretsSetCommand(configPath, storeId, key)}`,
    };
  if (type === 'docker')
    return {
      kind: 'docker',
      command: `read -rsp 'Telegraf Controller token: ' TC_TOKEN && echo && (umask 077 && printf %s "$TC_TOKEN" > ${shQuote(key)}); unset TC_TOKEN`,
    };
  if (type === undefined || SETTABLE_SECRET_STORES.includes(type)) return { kind: 'telegraf', command: secretsSetCommand(configPath, storeId, key) };
  return undefined;
}
