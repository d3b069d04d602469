import * as vscode from 'vscode';
import { ClipboardGuard, type ClearOutcome, type StatePort } from '../core/clipboardGuard';
import { clipboardClearSeconds } from './settings';
import type { Logger } from './logger';
import * as ui from './ui';

/** In-memory state until {@link activateClipboardGuard} runs (tests that skip activation). */
function memoryState(): StatePort {
  const m = new Map<string, unknown>();
  return { get: <T>(k: string) => m.get(k) as T | undefined, update: async (k, v) => void (v === undefined ? m.delete(k) : m.set(k, v)) };
}

let guard: ClipboardGuard = new ClipboardGuard({ clipboard: vscode.env.clipboard, state: memoryState() });

/**
 * Creates the window's clipboard guard on `globalState` (see
 * src/core/clipboardGuard.ts) and resumes a pending clear left by a previous
 * window (a reload). `onCheck` hears each outcome (for the log). Call once at
 * activation; dispose on deactivation.
 */
export function activateClipboardGuard(globalState: vscode.Memento, onCheck?: (outcome: ClearOutcome) => void): vscode.Disposable {
  guard.dispose();
  guard = new ClipboardGuard({ clipboard: vscode.env.clipboard, state: globalState, ...(onCheck ? { onCheck } : {}) });
  void guard.resume();
  const current = guard;
  return { dispose: () => current.dispose() };
}

/**
 * Copies a secret to the clipboard and, after `telegrafController.clipboardClearSeconds`
 * (default 60 s), clears it only if the clipboard still holds it (compared by
 * hash; what the user copied afterwards is never cleared). The pending clear
 * survives a window reload (hash and deadline in globalState, never the value).
 * In a browser that does not grant clipboard reading, nothing is cleared.
 * Returns the delay in seconds (0 = not cleared).
 */
export async function copySecret(value: string): Promise<number> {
  return guard.copy(value, clipboardClearSeconds());
}

/**
 * What to do with each clipboard check (the `onCheck` of
 * {@link activateClipboardGuard}): log it, and when the clipboard could not
 * be read (a browser that does not grant clipboard reading), say that the
 * value may still be there: the promise to clear it could not be kept.
 */
export function clipboardCheckReporter(log: Logger): (outcome: ClearOutcome) => void {
  return (outcome) => {
    log.info(`clipboard check after copying a token value: ${outcome}`);
    if (outcome === 'unreadable')
      void ui.showWarningMessage(
        vscode.l10n.t(
          'A token value you copied may still be on the clipboard: this browser does not let VS Code read the clipboard, so it could not check and clear it. Copy something else to replace it.',
        ),
      );
  };
}
