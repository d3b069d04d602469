/**
 * What the create flow does when a create's outcome is unknown (it timed
 * out after sending, or its 201 was cut off): it asks the controller what
 * exists (`findCreatedTokens`, core) instead of inviting a second create,
 * says what it found, and offers to revoke a token whose value never reached
 * us (an orphan nobody can use). See README "Creating tokens" and
 * docs/api-contract.md "Tokens" (the value is shown once).
 */
import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import type { CreateTokenRequest, Token } from '../../core/api/contract';
import { findCreatedTokens, type CreatedTokenQuery } from '../../core/api/createOutcome';
import { ControllerError } from '../../core/api/errors';
import { isUnusableToken } from '../../core/api/contract';
import type { Logger } from '../../infra/logger';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';

/** What `settleUnknownCreate` needs. */
export interface UnknownOutcomeDeps {
  connection: ControllerConnection;
  store: TokenStore;
  log: Logger;
}

/**
 * Settles a create whose outcome is unknown. Never resolves: it always throws
 * a `ControllerError` (same kind as `error`) whose `userMessage` says what is
 * on the controller now — nothing (so creating again is safe), or the
 * orphaned token(s), revoked or kept as the user chose in a modal prompt —
 * or, when the controller cannot be asked either, that VS Code checks again
 * in the background and says what it finds then.
 *
 * @param error the create's error (`outcomeUnknown` is true)
 * @param req the request that was sent
 * @param sentAt when it was sent, ms since the epoch
 */
export async function settleUnknownCreate(deps: UnknownOutcomeDeps, error: ControllerError, req: CreateTokenRequest, sentAt: number): Promise<never> {
  const { connection, store, log } = deps;
  const name = ui.tokenName(req.description.trim(), 80);
  const fail = (userMessage: string): never => {
    throw new ControllerError({
      kind: error.kind,
      userMessage,
      cause: error,
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.route ? { route: error.route } : {}),
    });
  };
  log.warn(`[${connection.label}] create of "${name}" has an unknown outcome (${error.kind}); looking for it on the controller`);
  const query = { description: req.description, ...(connection.user ? { userId: connection.user.id } : {}), sentAt };
  let found;
  try {
    found = await findCreatedTokens(connection.api(), query);
  } catch (e) {
    log.warn(`[${connection.label}] looking for "${name}" after an unknown create outcome failed: ${e instanceof ControllerError ? e.message : String(e)}`);
    recheckLater(deps, query, name);
    return fail(
      vscode.l10n.t(
        'The controller did not confirm the create, and checking whether "{0}" was created failed. VS Code checks again in the background and tells you what it finds; do not create it again before that.',
        name,
      ),
    );
  }
  if (found.length === 0) {
    log.info(`[${connection.label}] no token "${name}" was created: creating again is safe`);
    return fail(
      vscode.l10n.t('The controller did not confirm the create, and no token "{0}" exists on it: nothing was created. You can create it again.', name),
    );
  }
  for (const t of found) store.upsert(t);
  // The controller answers: the list, and any error left by the failed create, are brought up to date.
  void store.refresh().catch(() => undefined);
  log.warn(`[${connection.label}] the create of "${name}" happened but its value was lost: ${found.map((t) => t.id).join(', ')}`);
  const revoke = vscode.l10n.t('Revoke');
  const choice = await ui.showWarningMessage(
    found.length === 1
      ? vscode.l10n.t('The token "{0}" was created, but its value never arrived, so nothing can use it. Revoke it?', name)
      : vscode.l10n.t('{0} tokens "{1}" were created, but their values never arrived, so nothing can use them. Revoke them?', found.length, name),
    {
      modal: true,
      detail: vscode.l10n.t('The controller shows a token value only once. Revoking keeps the record for audit; then create the token again to get a value.'),
    },
    revoke,
  );
  if (choice !== revoke) {
    return fail(
      vscode.l10n.t(
        'The token "{0}" was created, but its value never arrived. It is kept in the Tokens view without a value; revoke it there, then create a new one.',
        name,
      ),
    );
  }
  const failed = await revokeOrphans(deps, found, name);
  return fail(
    failed === 0
      ? vscode.l10n.t('The token "{0}" was created without its value reaching VS Code, and it is revoked now. Create it again to get a value.', name)
      : vscode.l10n.t(
          'The token "{0}" was created without its value reaching VS Code; revoking it failed. Revoke it in the Tokens view, then create it again.',
          name,
        ),
  );
}

/** Revokes the orphans `found` (their values never arrived); returns how many revokes failed. */
async function revokeOrphans(deps: UnknownOutcomeDeps, found: readonly Token[], name: string): Promise<number> {
  const { connection, store, log } = deps;
  let failed = 0;
  for (const t of found) {
    try {
      const r = await connection.api().revokeToken(t.id);
      store.upsert(isUnusableToken(r) ? { ...t, status: 'revoked', revokedAt: new Date().toISOString() } : r);
      log.info(`[${connection.label}] revoked orphaned token ${t.id} "${name}"`);
    } catch (e) {
      failed++;
      log.warn(`[${connection.label}] revoking orphaned token ${t.id} failed: ${e instanceof ControllerError ? e.message : String(e)}`);
    }
  }
  return failed;
}

/** Delays of the background checks after a failed one, ms (about four minutes in all). */
export const RECHECK_DELAYS_MS = [3_000, 10_000, 30_000, 60_000, 120_000];

/**
 * After the check itself failed (the controller does not answer): checks
 * again in the background, with the delays of {@link RECHECK_DELAYS_MS},
 * until the controller answers; then says what exists, and offers to revoke
 * an orphan (a notification: the user may be doing something else by then).
 * Gives up silently (logged) after the last delay or when the connection
 * changes.
 */
function recheckLater(deps: UnknownOutcomeDeps, query: CreatedTokenQuery, name: string): void {
  const { connection, store, log } = deps;
  const origin = connection.origin;
  let attempt = 0;
  const tick = async (): Promise<void> => {
    if (connection.origin !== origin || connection.current.state !== 'ready') {
      log.warn(`[${connection.label}] stopped checking for "${name}": the connection changed`);
      return;
    }
    let found: Token[];
    try {
      found = await findCreatedTokens(connection.api(), query);
    } catch (e) {
      attempt++;
      if (attempt < RECHECK_DELAYS_MS.length) schedule();
      else log.warn(`[${connection.label}] gave up checking for "${name}": ${e instanceof ControllerError ? e.message : String(e)}`);
      return;
    }
    if (found.length === 0) {
      void store.refresh().catch(() => undefined);
      log.info(`[${connection.label}] checked again: no token "${name}" was created`);
      void ui.showInformationMessage(vscode.l10n.t('The controller answers again: no token "{0}" was created. You can create it again.', name));
      return;
    }
    for (const t of found) store.upsert(t);
    // The controller answers again: the list, and the error a refresh left while it did not, are brought up to date.
    void store.refresh().catch(() => undefined);
    log.warn(`[${connection.label}] checked again: the create of "${name}" happened but its value was lost: ${found.map((t) => t.id).join(', ')}`);
    const revoke = vscode.l10n.t('Revoke');
    const choice = await ui.showWarningMessage(
      vscode.l10n.t('The controller answers again: "{0}" was created, but its value never arrived, so nothing can use it. Revoke it?', name),
      revoke,
    );
    if (choice !== revoke) return;
    const failed = await revokeOrphans(deps, found, name);
    if (failed === 0) void ui.showInformationMessage(vscode.l10n.t('Revoked "{0}" (its value never arrived). Create it again to get a value.', name));
    else void ui.showErrorMessage(vscode.l10n.t('Revoking "{0}" failed. Revoke it in the Tokens view.', name));
  };
  const schedule = () => {
    const timer = setTimeout(() => void tick(), RECHECK_DELAYS_MS[attempt]);
    timer.unref?.();
  };
  schedule();
}
