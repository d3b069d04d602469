/**
 * Validation of the environment variable name the extension writes into
 * Telegraf configs as `${NAME}` and into env files as `NAME=value`
 * (setting `telegrafController.envVarName`, README.md "Settings").
 *
 * The name must be a plain variable name, `[A-Z_][A-Z0-9_]*`, and must not be
 * one that changes how programs run or where they connect: setting it to a
 * token value in an env file or a service environment would otherwise load a
 * library (`LD_PRELOAD`), replace the program search path (`PATH`), inject
 * interpreter options (`NODE_OPTIONS`, `PYTHONSTARTUP`, `PERL5OPT`), run a
 * shell file (`BASH_ENV`, `ENV`) or redirect traffic (`HTTPS_PROXY`).
 */

/** The plain-name rule (also the `pattern` of the setting in package.json). */
export const ENV_VAR_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

/** Names refused exactly. */
export const REFUSED_ENV_VAR_NAMES: ReadonlySet<string> = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'IFS',
  'PS1',
  'PS2',
  'PS4',
  'PROMPT_COMMAND',
  'BASH_ENV',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'CDPATH',
  'GLOBIGNORE',
  'ZDOTDIR',
  'NODE_OPTIONS',
  'NODE_PATH',
  'RUBYOPT',
  'RUBYLIB',
  'PERLLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'GCONV_PATH',
  'LOCPATH',
  'HOSTALIASES',
  'RESOLV_HOST_CONF',
  'TMPDIR',
  'USER',
  'LOGNAME',
  'GODEBUG',
  'GOGC',
  'GOMAXPROCS',
  'GOMEMLIMIT',
  'GOTRACEBACK',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'BROWSER',
]);

/** Name prefixes refused (dynamic loader, interpreters, git). */
export const REFUSED_ENV_VAR_PREFIXES: readonly string[] = ['LD_', 'DYLD_', 'PYTHON', 'PERL5', 'GIT_', 'BASH_FUNC_', 'MALLOC_', 'GLIBC_'];

/** Result of {@link checkEnvVarName}: `reason` is an English sentence for a person. */
export type EnvVarNameCheck = { ok: true } | { ok: false; problem: 'not-plain' | 'refused'; reason: string };

/**
 * Checks a candidate `telegrafController.envVarName`. Pure; never throws.
 * @returns `{ ok: true }`, or `{ ok: false, reason }` for a name that is not
 *   `[A-Z_][A-Z0-9_]*` or that is refused (see {@link REFUSED_ENV_VAR_NAMES} and the
 *   refused prefixes `LD_`, `DYLD_`, `PYTHON`, `PERL5`, …).
 */
export function checkEnvVarName(name: string): EnvVarNameCheck {
  if (!ENV_VAR_NAME_PATTERN.test(name)) {
    return {
      ok: false,
      problem: 'not-plain',
      reason: 'it is not a plain environment variable name (capital letters, digits and "_", not starting with a digit)',
    };
  }
  if (REFUSED_ENV_VAR_NAMES.has(name) || REFUSED_ENV_VAR_PREFIXES.some((p) => name.startsWith(p))) {
    return { ok: false, problem: 'refused', reason: 'this variable changes how programs run or where they connect; a token must not be put into it' };
  }
  return { ok: true };
}
