/**
 * The env files "Add to Env File…" wrote a token value into, remembered in
 * the workspace state (absolute paths only, never a value; bounded list:
 * src/core/deploy/writtenEnvFiles.ts), so that "Rotate Token…" follows the
 * token into those outside the workspace (rotateHook.ts).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { displayEnvFilePath, parseWrittenEnvFiles, rememberEnvFile, WRITTEN_ENV_FILES_KEY } from '../../../core/deploy';

/** The remembered env files (absolute paths, most recent first). */
export function writtenEnvFiles(memento: vscode.Memento | undefined): string[] {
  return memento ? parseWrittenEnvFiles(memento.get<unknown>(WRITTEN_ENV_FILES_KEY)) : [];
}

/** Remembers that "Add to Env File…" wrote a value into `uri` (a `file:` URI; its path only). */
export async function rememberWrittenEnvFile(memento: vscode.Memento | undefined, uri: vscode.Uri): Promise<void> {
  if (!memento || uri.scheme !== 'file') return;
  await memento.update(WRITTEN_ENV_FILES_KEY, rememberEnvFile(writtenEnvFiles(memento), uri.fsPath));
}

/** How a remembered env file is named in dialogs: `~/telegraf.env` under the home folder, else its absolute path. */
export function envFileLabel(uri: vscode.Uri): string {
  return displayEnvFilePath(uri.fsPath, os.homedir());
}
