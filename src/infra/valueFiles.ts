import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatMode, isOwnerOnly, VALUE_FILE_MODE } from '../core/fileMode';
import * as ui from './ui';

/** What happened to one file's mode. */
export type ValueFileMode = 'created-0600' | 'already-strict' | 'tightened' | 'left-as-is' | 'not-applicable';

/**
 * Makes files that now hold a token value readable by their owner only
 * (README.md "Where your secrets live"; src/core/fileMode.ts):
 * - a file this command `created` gets mode 0600 at once;
 * - an existing file keeps its mode when it is already as strict; otherwise
 *   the user is told (one warning naming every such file and its mode) and
 *   the files are set to 0600 only with the user's consent.
 * Only files on disk (`file:` scheme) on POSIX systems; others are
 * 'not-applicable'. Call after the edit has been applied (and saved).
 * Never throws: a file that cannot be read or changed is reported in the log
 * through `log` and left as it is.
 */
export async function secureValueFiles(
  files: ReadonlyArray<{ uri: vscode.Uri; created: boolean }>,
  log: { warn(m: string): void; info(m: string): void },
): Promise<Map<string, ValueFileMode>> {
  const out = new Map<string, ValueFileMode>();
  const loose: Array<{ uri: vscode.Uri; mode: number }> = [];
  for (const { uri, created } of files) {
    if (uri.scheme !== 'file' || process.platform === 'win32') {
      out.set(uri.toString(), 'not-applicable');
      continue;
    }
    try {
      if (created) {
        await fs.chmod(uri.fsPath, VALUE_FILE_MODE);
        out.set(uri.toString(), 'created-0600');
        continue;
      }
      const { mode } = await fs.stat(uri.fsPath);
      if (isOwnerOnly(mode)) out.set(uri.toString(), 'already-strict');
      else loose.push({ uri, mode });
    } catch (e) {
      log.warn(`could not check or set the mode of ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
      out.set(uri.toString(), 'left-as-is');
    }
  }
  if (loose.length === 0) return out;
  const list = loose.map((l) => `${path.basename(l.uri.fsPath)} (${formatMode(l.mode)})`).join(', ');
  const restrict = vscode.l10n.t('Restrict to Me (0600)');
  const choice = await ui.showWarningMessage(
    loose.length === 1
      ? vscode.l10n.t('{0} now holds a token value and other users on this computer can read it. Restrict it to you (mode 0600)?', list)
      : vscode.l10n.t('These files now hold a token value and other users on this computer can read them: {0}. Restrict them to you (mode 0600)?', list),
    restrict,
  );
  for (const l of loose) {
    if (choice !== restrict) {
      log.info(`left the mode of ${l.uri.fsPath} (${formatMode(l.mode)}), which holds a token value, as it is: the user did not restrict it`);
      out.set(l.uri.toString(), 'left-as-is');
      continue;
    }
    try {
      await fs.chmod(l.uri.fsPath, VALUE_FILE_MODE);
      log.info(`restricted ${l.uri.fsPath} to mode 0600 (it holds a token value; was ${formatMode(l.mode)})`);
      out.set(l.uri.toString(), 'tightened');
    } catch (e) {
      log.warn(`could not restrict ${l.uri.fsPath} to mode 0600: ${e instanceof Error ? e.message : String(e)}`);
      out.set(l.uri.toString(), 'left-as-is');
    }
  }
  return out;
}

/**
 * Creates `uri` as an empty file with mode 0600 before a value is written
 * into it, so the value is never on disk readable by others (not even between
 * the save and a chmod). Returns false when not applicable (not a `file:`
 * URI, Windows) or when the file exists already; then the caller creates it
 * through its WorkspaceEdit and calls {@link secureValueFiles}.
 */
export async function createOwnerOnlyFile(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file' || process.platform === 'win32') return false;
  try {
    await fs.writeFile(uri.fsPath, '', { mode: VALUE_FILE_MODE, flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when this process may write the existing file `uri` (its owner and
 * mode allow it; a `root`-owned `/etc/default/telegraf` usually does not).
 * Not a `file:` URI: true (the file system provider decides on write).
 */
export async function canWriteFile(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return true;
  try {
    await fs.access(uri.fsPath, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The permission bits of the file `uri` (`file:` URIs on POSIX systems), undefined when not applicable or unreadable. */
export async function permissionBits(uri: vscode.Uri): Promise<number | undefined> {
  if (uri.scheme !== 'file' || process.platform === 'win32') return undefined;
  try {
    return (await fs.stat(uri.fsPath)).mode & 0o777;
  } catch {
    return undefined;
  }
}

/**
 * Gives the file `uri` its permission bits `mode` again when a save changed
 * them (an editor that saves by replacing the file), so a file that held a
 * value owner-only keeps it so. Never throws: a failure is logged.
 */
export async function keepPermissionBits(uri: vscode.Uri, mode: number | undefined, log: { warn(m: string): void }): Promise<void> {
  if (mode === undefined) return;
  const now = await permissionBits(uri);
  if (now === undefined || now === mode) return;
  try {
    await fs.chmod(uri.fsPath, mode);
  } catch (e) {
    log.warn(`could not give ${uri.fsPath} its mode ${formatMode(mode)} again (now ${formatMode(now)}): ${e instanceof Error ? e.message : String(e)}`);
  }
}
