/**
 * The env files "Add to Env File…" wrote a token value into, remembered per
 * workspace so that "Rotate Token…" follows the token there even when the
 * file is outside the workspace (`/etc/default/telegraf`, `~/telegraf.env`).
 * Only absolute paths are remembered, never a value. Pure bookkeeping over
 * the stored list; the shell (src/features/configFiles/deployments/
 * writtenEnvFiles.ts) reads and updates the workspace state.
 */
import { shQuote } from '../agentStart/generators';

/** workspaceState key of the list (absolute paths, most recent first; never a value). */
export const WRITTEN_ENV_FILES_KEY = 'telegrafController.writtenEnvFiles';

/** Most env files remembered: older ones are forgotten first. */
export const MAX_WRITTEN_ENV_FILES = 20;

/** Longest path remembered (a longer string is not a path this extension wrote). */
const MAX_PATH_LENGTH = 4096;

/** True for an absolute POSIX path (`/etc/default/telegraf`) or Windows path (`C:\…`, `\\server\share\…`) without control characters. */
export function isRememberablePath(p: unknown): p is string {
  return (
    typeof p === 'string' &&
    p.length > 1 &&
    p.length <= MAX_PATH_LENGTH &&
    !/[\u0000-\u001f\u007f]/.test(p) &&
    (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'))
  );
}

/**
 * The remembered list from whatever the workspace state holds: an array of
 * paths (or its JSON text); anything else is an empty list, entries that are
 * not absolute paths are dropped, duplicates and entries past
 * {@link MAX_WRITTEN_ENV_FILES} too.
 */
export function parseWrittenEnvFiles(raw: unknown): string[] {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw) as unknown;
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const p of list) {
    if (!isRememberablePath(p) || out.includes(p)) continue;
    out.push(p);
    if (out.length === MAX_WRITTEN_ENV_FILES) break;
  }
  return out;
}

/** `list` with `file` first (moved there when already in it), at most {@link MAX_WRITTEN_ENV_FILES} entries. Unchanged when `file` is not an absolute path. */
export function rememberEnvFile(list: readonly string[], file: string): string[] {
  const clean = parseWrittenEnvFiles(list);
  if (!isRememberablePath(file)) return clean;
  return [file, ...clean.filter((p) => p !== file)].slice(0, MAX_WRITTEN_ENV_FILES);
}

/** `/home/me/telegraf.env` → `~/telegraf.env` when under `home`; otherwise the path as it is. */
export function displayEnvFilePath(file: string, home: string | undefined): string {
  if (!home || home === '/') return file;
  const h = home.replace(/[\\/]+$/, '');
  const sep = file.includes('\\') && !file.includes('/') ? '\\' : '/';
  return file.startsWith(`${h}${sep}`) ? `~${sep}${file.slice(h.length + 1)}` : file;
}

/**
 * The command that restarts the agent reading `file`, when it is known: the
 * systemd unit `unit` that names it (`EnvironmentFile=`), else, from its
 * path, the packaged `telegraf` service for `/etc/default/telegraf` and files
 * under `/etc/telegraf/`. Undefined otherwise (the service is not known: the
 * user restarts the agent that reads it).
 */
export function envFileRestartCommand(file: string, unit?: string): string | undefined {
  if (unit) return `sudo systemctl restart ${shQuote(unit)}`;
  return file === '/etc/default/telegraf' || file.startsWith('/etc/telegraf/') ? 'sudo systemctl restart telegraf' : undefined;
}

/** The command to edit `file` by hand (VS Code cannot read or write it), with the restart when known ({@link envFileRestartCommand}). */
export function envFileEditCommand(file: string, unit?: string): string {
  const restart = envFileRestartCommand(file, unit);
  return `sudoedit ${shQuote(file)}${restart ? ` && ${restart}` : ''}`;
}
