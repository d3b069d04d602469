/**
 * The words every feature uses for the same facts: a token's status, a
 * connection's state, the "expiring soon" window. One vocabulary, so the tree,
 * the hover, the diagnostics and the status bar never disagree (README "How it
 * works": statuses are the server's `active`/`revoked` plus `expiring` and
 * `expired` derived from the clock, see `core/tokens.ts`).
 *
 * Localized and built on use: `vscode.l10n` is ready once activation started.
 */
import * as vscode from 'vscode';
import type { DisplayStatus } from '../core/tokens';
import { expiryWarningDays } from '../infra/settings';

/** A display status as a word: `active`, `expiring soon`, `expired`, `revoked`. */
export function statusLabel(status: DisplayStatus): string {
  switch (status) {
    case 'active':
      return vscode.l10n.t('active');
    case 'expiring':
      return vscode.l10n.t('expiring soon');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'revoked':
      return vscode.l10n.t('revoked');
  }
}

/** A connection's state as a word, for the states other than `ready` (`no URL`, `signed out`, `unreachable`). */
export function stateText(state: string): string {
  switch (state) {
    case 'needsServer':
      return vscode.l10n.t('no URL');
    case 'needsSignIn':
      return vscode.l10n.t('signed out');
    case 'error':
      return vscode.l10n.t('unreachable');
    default:
      return state;
  }
}

/** The "expiring soon" window in ms (setting `telegrafController.expiryWarningDays`, in days). */
export function expiringWindowMs(): number {
  return expiryWarningDays() * 24 * 3600 * 1000;
}
