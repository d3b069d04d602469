import * as vscode from 'vscode';
import * as ui from './ui';
import { ControllerError, isAuthFailure } from '../core/api/errors';
import { Commands } from '../constants';
import type { Logger } from './logger';
import { registeredCommands } from './commandRegistry';

/** Thrown by a command handler when the user cancelled; ends the command silently. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Registers a command whose failures are handled in one place: a cancellation
 * ends silently; a ControllerError shows its `userMessage`; anything else shows
 * its message. An expected ControllerError (see {@link isExpected}) is logged
 * as a one-line warning; anything else with its stack. The notification
 * offers "Show Log". Optional `onError` sees the error first (e.g. to sign out
 * on a 401).
 */
export function registerCommand(
  id: string,
  handler: (...args: any[]) => unknown,
  log: Logger,
  onError?: (e: unknown) => Promise<void> | void,
): vscode.Disposable {
  const registration = vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      if (isExpected(e)) log.warn(`${id}: ${e.message}`);
      else log.error(e instanceof Error ? e : String(e));
      await onError?.(e);
      const text = e instanceof ControllerError ? e.userMessage : e instanceof Error ? e.message : String(e);
      const showLog = vscode.l10n.t('Show Log');
      // Signed out by the controller (session ended, credential revoked or expired): offer to sign in and run
      // the same command again. Safe for every command: destructive ones ask for confirmation again.
      const retry = isAuthFailure(e) && !NO_RETRY.has(id) ? vscode.l10n.t('Sign In and Retry') : undefined;
      const buttons = retry ? [retry, showLog] : [showLog];
      void ui.showErrorMessage(text, ...buttons).then(async (choice) => {
        if (choice === showLog) void vscode.commands.executeCommand(Commands.showLog);
        if (retry && choice === retry) {
          await vscode.commands.executeCommand(Commands.signIn);
          await vscode.commands.executeCommand(id, ...args);
        }
      });
      return undefined;
    }
  });
  registeredCommands.add(id);
  return {
    dispose: () => {
      registeredCommands.delete(id);
      registration.dispose();
    },
  };
}

/** Commands that are themselves the sign-in: never offered "Sign In and Retry". */
const NO_RETRY = new Set<string>([Commands.connect, Commands.signIn, Commands.signOut]);

/** ControllerError kinds that are the user's or the network's situation, not a bug (no stack trace in the log). */
const EXPECTED_KINDS = new Set<string>([
  'missing-auth',
  'invalid-token-format',
  'invalid-token',
  'token-expired',
  'session-expired',
  'forbidden',
  'not-found',
  'validation',
  'conflict',
  'locked',
  'rate-limited',
  'dns',
  'connection-refused',
  'timeout',
  'tls',
  'proxy',
]);

/**
 * True for a ControllerError a command can expect in normal use: rejected
 * credentials, an unreachable controller, any 4xx answer. Such failures are
 * logged without a stack trace.
 */
export function isExpected(e: unknown): e is ControllerError {
  if (!(e instanceof ControllerError)) return false;
  return EXPECTED_KINDS.has(e.kind) || (e.status !== undefined && e.status >= 400 && e.status < 500);
}

/** Returns `value`, or throws {@link Cancelled} when it is undefined (a dismissed prompt). */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}
