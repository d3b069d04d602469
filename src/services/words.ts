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
import { displayText } from '../core/text';
import { displayStatus, expiryParts, relativeParts, type DisplayStatus, type TokenTimes } from '../core/tokens';
import { expiryWarningDays } from '../infra/settings';
import type { ControllerConnection } from './controllerConnection';

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

/** The heading of a Group By: Status group: `Active`, `Expiring soon`, `Expired`, `Revoked`. */
export function statusGroupLabel(status: DisplayStatus): string {
  switch (status) {
    case 'active':
      return vscode.l10n.t('Active');
    case 'expiring':
      return vscode.l10n.t('Expiring soon');
    case 'expired':
      return vscode.l10n.t('Expired');
    case 'revoked':
      return vscode.l10n.t('Revoked');
  }
}

/** A controller role as a word (docs/api-contract.md "Roles"): `owner`, `administrator`, `manager`, `viewer`; another value as given. */
export function roleLabel(role: string): string {
  switch (role) {
    case 'owner':
      return vscode.l10n.t('owner');
    case 'administrator':
      return vscode.l10n.t('administrator');
    case 'manager':
      return vscode.l10n.t('manager');
    case 'viewer':
      return vscode.l10n.t('viewer');
    default:
      return role;
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

/** A duration relative to now, localized: `in 12 days`, `3 hours ago`, `just now` (positive `deltaMs`: in the future). */
export function relativeLabel(deltaMs: number): string {
  const p = relativeParts(deltaMs);
  if (!p) return vscode.l10n.t('just now');
  const n = p.count;
  const one = n === 1;
  if (p.future) {
    switch (p.unit) {
      case 'year':
        return one ? vscode.l10n.t('in 1 year') : vscode.l10n.t('in {0} years', n);
      case 'month':
        return one ? vscode.l10n.t('in 1 month') : vscode.l10n.t('in {0} months', n);
      case 'day':
        return one ? vscode.l10n.t('in 1 day') : vscode.l10n.t('in {0} days', n);
      case 'hour':
        return one ? vscode.l10n.t('in 1 hour') : vscode.l10n.t('in {0} hours', n);
      case 'minute':
        return one ? vscode.l10n.t('in 1 minute') : vscode.l10n.t('in {0} minutes', n);
    }
  }
  switch (p.unit) {
    case 'year':
      return one ? vscode.l10n.t('1 year ago') : vscode.l10n.t('{0} years ago', n);
    case 'month':
      return one ? vscode.l10n.t('1 month ago') : vscode.l10n.t('{0} months ago', n);
    case 'day':
      return one ? vscode.l10n.t('1 day ago') : vscode.l10n.t('{0} days ago', n);
    case 'hour':
      return one ? vscode.l10n.t('1 hour ago') : vscode.l10n.t('{0} hours ago', n);
    case 'minute':
      return one ? vscode.l10n.t('1 minute ago') : vscode.l10n.t('{0} minutes ago', n);
  }
}

/** A token's expiry, localized: `never expires`, `expires in 12 days`, `expired 3 days ago`, `revoked 2 hours ago`. */
export function expiryLabel(token: TokenTimes, now: number): string {
  const e = expiryParts(token, now);
  switch (e.kind) {
    case 'never':
      return vscode.l10n.t('never expires');
    case 'revoked':
      return e.at === undefined ? vscode.l10n.t('revoked') : vscode.l10n.t('revoked {0}', relativeLabel(e.at - now));
    case 'expired':
      return vscode.l10n.t('expired {0}', relativeLabel(e.at - now));
    case 'expires':
      return vscode.l10n.t('expires {0}', relativeLabel(e.at - now));
  }
}

/** A token's status and expiry for quick picks and completions, localized: `expiring soon · expires in 3 days`. */
export function statusAndExpiry(token: TokenTimes, now: number): string {
  return `${statusLabel(displayStatus(token, now, expiringWindowMs()))} · ${expiryLabel(token, now)}`;
}

/**
 * The error text of a command that needs a signed-in connection, for
 * `connection` as it is now: "Sign In" for a configured controller that is
 * signed out, "is not reachable" for one that failed, "Connect…" when none is
 * configured. `why`: an optional sentence appended, such as where the command
 * sends what it checks.
 */
export function signInFirst(connection: Pick<ControllerConnection, 'current' | 'name'>, why?: string): string {
  const name = displayText(connection.name, 60);
  const base = !connection.current.url
    ? vscode.l10n.t('Connect to a Telegraf Controller first ("Telegraf Controller: Connect…").')
    : connection.current.state === 'error'
      ? vscode.l10n.t('The Telegraf Controller "{0}" is not reachable right now: sign in again once it answers ("Telegraf Controller: Sign In").', name)
      : vscode.l10n.t('Sign in to the Telegraf Controller "{0}" first ("Telegraf Controller: Sign In").', name);
  return why ? `${base} ${why}` : base;
}
