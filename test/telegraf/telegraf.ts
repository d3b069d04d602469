/**
 * The real Telegraf for tests: the binaries `scripts/build-telegraf.sh`
 * builds into `.telegraf/<version>/telegraf` (pinned v1.40.1; v1.38.3 is the
 * last line that reads `INFLUX_TOKEN`), and `telegraf config check` /
 * `telegraf secrets set` run the way a user runs them.
 *
 * A missing binary fails under `CI=true` (the real-Telegraf tests never skip
 * silently in CI); elsewhere the tests are skipped with the command that builds it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PINNED_TELEGRAF_VERSION } from '../emulator/telegrafModule';

export { PINNED_TELEGRAF_VERSION };
/** The 1.38 line: reads `INFLUX_TOKEN` and sends the `Token` scheme when it fetches a config. */
export const TELEGRAF_138 = 'v1.38.3';

export const ROOT = path.resolve(__dirname, '../..');

/** `.telegraf/<version>/telegraf` of this checkout. */
export function telegrafPath(version: string = PINNED_TELEGRAF_VERSION): string {
  return path.join(ROOT, '.telegraf', version, 'telegraf');
}

/**
 * The binary of `version`, or `undefined` when it is not built (outside CI).
 * Throws under `CI=true` when it is missing, naming the command that builds it.
 */
export function telegrafBinary(version: string = PINNED_TELEGRAF_VERSION): string | undefined {
  const bin = telegrafPath(version);
  if (existsSync(bin)) return bin;
  const how = `bash scripts/build-telegraf.sh${version === PINNED_TELEGRAF_VERSION ? '' : ` ${version}`}`;
  if (process.env.CI === 'true') throw new Error(`The real Telegraf ${version} is missing (${path.relative(ROOT, bin)}): .ci/run builds it with \`${how}\`.`);
  return undefined;
}

/** The skip reason for a missing binary (outside CI). */
export function missingReason(version: string = PINNED_TELEGRAF_VERSION): string {
  return `Telegraf ${version} is not built: run \`bash scripts/build-telegraf.sh${version === PINNED_TELEGRAF_VERSION ? '' : ` ${version}`}\``;
}

/** Whether `unshare -Ur` works here: it gives each check its own (empty) kernel keyring for `secretstores.os`. */
export const CAN_UNSHARE: boolean = (() => {
  const r = spawnSync('unshare', ['-Ur', 'true'], { stdio: 'ignore' });
  return r.status === 0;
})();

/** A secret to put into a store before the check: `telegraf --config <file> secrets set <store> <key> <value>`. */
export interface SecretToSet {
  store: string;
  key: string;
  value: string;
}

/** Outcome of `telegraf config check`. */
export interface CheckResult {
  ok: boolean;
  /** Exit code (null when killed). */
  code: number | null;
  /** The `E!` lines (timestamps removed), joined with newlines. */
  errors: string;
  /** The 1-based line of a TOML syntax error (`error parsing data: line N: …`), when that is why it failed. */
  syntaxErrorLine?: number;
  /** All output. */
  output: string;
}

const CHECK_SCRIPT = `
bin="$1"; file="$2"; shift 2
while [ "$#" -ge 3 ]; do
  "$bin" --config "$file" secrets set "$1" "$2" "$3" >/dev/null 2>&1 || true
  shift 3
done
exec "$bin" config check --config "$file"
`;

/**
 * Runs `telegraf config check --config <file>` with exactly `env` (PATH and
 * HOME are always the caller's), after setting `secrets` with `telegraf secrets set`. With
 * `unshare -Ur` available, the whole run has its own kernel keyring, so an
 * `[[secretstores.os]]` secret never reaches the user's keyring. Times out
 * after `timeoutMs` (default 30 s).
 */
export function configCheck(bin: string, file: string, env: Record<string, string>, secrets: SecretToSet[] = [], timeoutMs = 30_000): Promise<CheckResult> {
  const args = [bin, file, ...secrets.flatMap((s) => [s.store, s.key, s.value])];
  const [cmd, argv] = CAN_UNSHARE ? ['unshare', ['-Ur', 'sh', '-c', CHECK_SCRIPT, 'check', ...args]] : ['sh', ['-c', CHECK_SCRIPT, 'check', ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv as string[], {
      cwd: path.dirname(file),
      env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const errors = output
        .split('\n')
        .filter((l) => /\sE! /.test(l))
        .map((l) => l.replace(/^\S+\s+E!\s+/, '').replaceAll(file, '<file>'))
        .join('\n');
      const syntax = /error parsing data: line (\d+)/.exec(errors);
      resolve({ ok: code === 0, code, errors, output, ...(syntax ? { syntaxErrorLine: Number(syntax[1]) } : {}) });
    });
  });
}

/** Every variable name a config refers to as `${NAME…}` or `$NAME` (comments included; over-approximation is harmless). */
export function envVarNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g)) names.add((m[1] ?? m[2])!);
  return [...names].sort();
}

/** Every `@{store:key}` secret reference in a text. */
export function secretRefs(text: string): Array<{ store: string; key: string }> {
  const seen = new Map<string, { store: string; key: string }>();
  for (const m of text.matchAll(/@\{([A-Za-z0-9_]+):([A-Za-z0-9_]+)\}/g)) seen.set(`${m[1]}:${m[2]}`, { store: m[1]!, key: m[2]! });
  return [...seen.values()];
}
