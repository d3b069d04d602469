import * as vscode from 'vscode';
import { ControllerError } from '../core/api/errors';
import { Commands } from '../constants';
import type { Logger } from './logger';

/** Thrown by a command handler when the user cancelled; ends the command silently. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Registers a command whose failures are handled in one place: a cancellation
 * ends silently; a ControllerError shows its `userMessage`; anything else shows
 * its message. Every failure is logged with its stack, and the notification
 * offers "Show Log". Optional `onError` sees the error first (e.g. to sign out
 * on a 401).
 */
export function registerCommand(
  id: string,
  handler: (...args: any[]) => unknown,
  log: Logger,
  onError?: (e: unknown) => Promise<void> | void,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      log.error(e instanceof Error ? e : String(e));
      await onError?.(e);
      const text = e instanceof ControllerError ? e.userMessage : e instanceof Error ? e.message : String(e);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(text, showLog).then((choice) => {
        if (choice === showLog) void vscode.commands.executeCommand(Commands.showLog);
      });
      return undefined;
    }
  });
}

/** Returns `value`, or throws {@link Cancelled} when it is undefined (a dismissed prompt). */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}
