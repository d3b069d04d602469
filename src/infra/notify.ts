import * as vscode from 'vscode';
import * as ui from './ui';

/** globalState key prefix of "Don't Show Again" flags (booleans only, never a token value). */
const PREFIX = 'telegrafController.dontShowAgain.';

/** The button every repeatable notification offers (localized; called on use, after activation started). */
export function dontShowAgain(): string {
  return vscode.l10n.t("Don't Show Again");
}

/**
 * Notifications that repeat (after every revoke, at every start, …) with a
 * "Don't Show Again" button remembered in globalState under a fixed `id`.
 * Errors and partial failures are never shown through this: they must not be
 * hideable.
 */
export class Notifier {
  constructor(private readonly globalState: vscode.Memento) {}

  /** True when the user chose "Don't Show Again" for `id`. */
  isSuppressed(id: string): boolean {
    return this.globalState.get<boolean>(PREFIX + id) === true;
  }

  /** Shows the notification unless suppressed; returns the chosen action (undefined when dismissed, suppressed or "Don't Show Again"). */
  async info(id: string, message: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('info', id, message, actions);
  }

  /** Same as {@link info}, as a warning. */
  async warn(id: string, message: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('warning', id, message, actions);
  }

  /** Forgets every "Don't Show Again" choice. */
  async resetAll(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.globalState.update(PREFIX + id, undefined);
  }

  private async show(level: 'info' | 'warning', id: string, message: string, actions: string[]): Promise<string | undefined> {
    if (this.isSuppressed(id)) return undefined;
    const fn = level === 'info' ? ui.showInformationMessage : ui.showWarningMessage;
    const dontShow = dontShowAgain();
    const choice = await fn(message, ...actions, dontShow);
    if (choice === dontShow) {
      await this.globalState.update(PREFIX + id, true);
      return undefined;
    }
    return choice;
  }
}
