/**
 * Running the user's own Telegraf: finding the binary, `telegraf --version`
 * and `telegraf config check` on a private temporary copy of a buffer. No
 * `vscode` import; the editor layer decides whether running is allowed
 * (trusted workspaces only) and where the binary comes from (the
 * `telegrafController.telegrafPath` setting, else `telegraf` on PATH). A
 * Telegraf is never downloaded.
 *
 * `telegraf config check` reads the files given with `--config`,
 * initialises every plugin (secret stores included) and never starts one:
 * no input gathers, no output connects or sends (`telegraf config check
 * --help`, Telegraf v1.40.1). Its stdin is closed so that a plugin asking for
 * a password (a `jose` store without one) fails instead of waiting.
 */

import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTelegrafVersion, type TelegrafVersion } from './version';

/** Default time limit of one Telegraf run, in ms. */
export const DEFAULT_TELEGRAF_TIMEOUT_MS = 20_000;

/** Why Telegraf could not be used. */
export type TelegrafRunErrorCode = 'not-found' | 'not-executable' | 'timeout' | 'failed-to-start' | 'not-telegraf';

/** A typed failure to run Telegraf (never contains file contents). */
export class TelegrafRunError extends Error {
  override readonly name = 'TelegrafRunError';
  constructor(
    readonly code: TelegrafRunErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Result of one run: exit code (`null` when killed), combined output. */
export interface TelegrafRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Options of a run. */
export interface RunOptions {
  /** Time limit in ms (default `DEFAULT_TELEGRAF_TIMEOUT_MS`); on expiry the process is killed and `timeout` thrown. */
  timeoutMs?: number;
  /** Working directory (default: the temporary directory of the run, or the OS temp dir). */
  cwd?: string;
  /** Environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Aborts the run (the process is killed). */
  signal?: AbortSignal;
}

/** Runs `bin args…` with stdin closed, capturing output (at most 1 MiB each). */
export function runTelegraf(bin: string, args: readonly string[], options: RunOptions = {}): Promise<TelegrafRun> {
  const timeout = options.timeoutMs ?? DEFAULT_TELEGRAF_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      [...args],
      {
        cwd: options.cwd ?? os.tmpdir(),
        env: options.env ?? process.env,
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: 1024 * 1024,
        windowsHide: true,
        encoding: 'utf8',
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error) {
          const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string | null; signal?: string | null };
          if (e.code === 'ENOENT') return reject(new TelegrafRunError('not-found', `Telegraf was not found at ${bin}.`));
          if (e.code === 'EACCES') return reject(new TelegrafRunError('not-executable', `${bin} cannot be run (permission denied).`));
          if (e.killed && e.signal === 'SIGKILL' && !options.signal?.aborted) {
            return reject(new TelegrafRunError('timeout', `Telegraf did not finish within ${Math.round(timeout / 1000)} s and was stopped.`));
          }
          if (typeof e.code === 'number') return resolve({ exitCode: e.code, stdout, stderr });
          if (e.code === 'ABORT_ERR') return reject(error);
          if (e.signal) return resolve({ exitCode: null, stdout, stderr });
          return reject(new TelegrafRunError('failed-to-start', `Telegraf could not be started: ${e.message}`));
        }
        resolve({ exitCode: 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** `telegraf --version`, parsed. Throws `TelegrafRunError('not-telegraf')` when the output names no version. */
export async function telegrafVersion(bin: string, options: RunOptions = {}): Promise<TelegrafVersion> {
  const r = await runTelegraf(bin, ['--version'], { timeoutMs: 10_000, ...options });
  const v = parseTelegrafVersion(`${r.stdout}\n${r.stderr}`);
  if (!v) throw new TelegrafRunError('not-telegraf', `${bin} --version printed no Telegraf version.`);
  return v;
}

/**
 * The first executable `telegraf` (`telegraf.exe` on Windows) in the
 * directories of `pathVar` (the PATH), or `undefined`.
 */
export async function findOnPath(pathVar: string | undefined = process.env.PATH, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const names = platform === 'win32' ? ['telegraf.exe', 'telegraf'] : ['telegraf'];
  for (const dir of (pathVar ?? '').split(platform === 'win32' ? ';' : ':')) {
    if (!dir) continue;
    for (const n of names) {
      const candidate = path.join(dir, n);
      try {
        const st = await fs.stat(candidate);
        if (!st.isFile()) continue;
        if (platform !== 'win32') await fs.access(candidate, fsConstants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Result of `checkConfigText`. */
export interface ConfigCheckRun extends TelegrafRun {
  /** Path of the private copy that Telegraf read (already deleted): to replace in messages. */
  tempPath: string;
}

/**
 * Runs `telegraf config check --config <copy>` on `text`: the text is written
 * to a new private directory (`mkdtemp`, mode 0700) as `<fileName>` with mode
 * 0600 (exclusive create), checked, and the directory removed again whatever
 * happens. `cwd` is where relative paths in the config resolve (the file's
 * directory, as for an agent started there).
 */
export async function checkConfigText(bin: string, text: string, fileName: string, options: RunOptions = {}): Promise<ConfigCheckRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tc-telegraf-check-'));
  try {
    await fs.chmod(dir, 0o700);
    const base = path.basename(fileName).replace(/[^A-Za-z0-9._-]/g, '_') || 'telegraf.conf';
    const tempPath = path.join(dir, base.endsWith('.conf') || base.endsWith('.toml') ? base : `${base}.conf`);
    await fs.writeFile(tempPath, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    const r = await runTelegraf(bin, ['config', 'check', '--config', tempPath], { ...options, cwd: options.cwd ?? dir });
    return { ...r, tempPath };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
