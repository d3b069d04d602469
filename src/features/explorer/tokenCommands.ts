import * as vscode from 'vscode';
import type { Token } from '../../core/api/contract';
import { displayText } from '../../core/text';
import { displayStatus, expiryText } from '../../core/tokens';
import { Commands } from '../../constants';
import { copySecret } from '../../infra/clipboard';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../connection/controllerConnection';
import type { TokenNode } from './tokenTreeProvider';
import type { TokenStore } from './tokenStore';

/** Everything the token commands need. */
export interface TokenCommandDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
}

/** The argument a token command receives: a tree node, a token id (from other commands/tests), or nothing (palette). */
export type TokenArg = TokenNode | { id: string } | string | undefined;

/**
 * Resolves the token a command acts on: the tree item it was invoked on, an
 * id, or (from the palette) a quick pick of the tokens that `filter` accepts.
 * Throws Cancelled when the user dismisses the pick.
 */
export async function resolveToken(deps: TokenCommandDeps, arg: TokenArg, placeHolder: string, filter: (t: Token, stored: boolean) => boolean = () => true): Promise<Token> {
  if (arg && typeof arg === 'object' && 'kind' in arg && arg.kind === 'token') return arg.token;
  const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'id' in arg ? arg.id : undefined;
  if (id) {
    const found = deps.store.find(id) ?? (await deps.connection.api().getToken(id));
    return found;
  }
  if (!deps.store.snapshot.loadedAt) await deps.store.refresh();
  const { tokens, stored } = deps.store.snapshot;
  const now = Date.now();
  const candidates = tokens.filter((t) => filter(t, stored.has(t.id)));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('No token fits this command.');
    throw new Cancelled();
  }
  const pick = required(
    await vscode.window.showQuickPick(
      candidates.map((t) => ({
        label: `${stored.has(t.id) ? '$(key) ' : ''}${displayText(t.description, 80)}`,
        description: `${displayStatus(t, now)} · ${expiryText(t, now)}`,
        detail: `${displayText(t.username, 40)} · ${t.prefix}… · ${t.id}`,
        token: t,
      })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    ),
  );
  return pick.token;
}

/** Registers Refresh, Revoke, Delete, Copy Token ID and Copy Token Value. */
export function registerTokenCommands(deps: TokenCommandDeps): vscode.Disposable[] {
  const { connection, store, vault, log } = deps;
  const onError = async (e: unknown) => {
    if (await connection.noteFailure(e)) store.clear();
  };
  const who = () => connection.label;
  return [
    registerCommand(Commands.refresh, () => store.refresh(), log),
    registerCommand(
      Commands.revokeToken,
      async (arg: TokenArg) => {
        const token = await resolveToken(deps, arg, 'Revoke which token?', (t) => t.status === 'active');
        const name = displayText(token.description, 80);
        const confirm = await vscode.window.showWarningMessage(
          `Revoke the token "${name}" (${token.prefix}…)?`,
          { modal: true, detail: 'Every agent or script that uses it is rejected from now on. Revoking cannot be undone; the record is kept for audit.' },
          'Revoke',
        );
        if (confirm !== 'Revoke') throw new Cancelled();
        const updated = await connection.api().revokeToken(token.id);
        store.upsert(updated);
        log.info(`[${who()}] revoked token ${token.id} "${name}"`);
        void vscode.window.showInformationMessage(`Revoked "${name}".`);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.deleteToken,
      async (arg: TokenArg) => {
        const token = await resolveToken(deps, arg, 'Delete which token?');
        const name = displayText(token.description, 80);
        const confirm = await vscode.window.showWarningMessage(
          `Delete the token "${name}" (${token.prefix}…)?`,
          {
            modal: true,
            detail:
              token.status === 'active'
                ? 'The token stops working and its record is removed completely. To keep an audit record, revoke it instead.'
                : 'The revoked token\'s record is removed completely.',
          },
          'Delete',
        );
        if (confirm !== 'Delete') throw new Cancelled();
        await connection.api().deleteToken(token.id);
        store.remove(token.id);
        if (connection.origin) await vault.deleteTokenValue(connection.origin, token.id);
        log.info(`[${who()}] deleted token ${token.id} "${name}"`);
        void vscode.window.showInformationMessage(`Deleted "${name}".`);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.copyTokenId,
      async (arg: TokenArg) => {
        const token = await resolveToken(deps, arg, 'Copy the ID of which token?');
        await vscode.env.clipboard.writeText(token.id);
        void vscode.window.setStatusBarMessage(`Copied token ID ${token.id}`, 3000);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.copyTokenValue,
      async (arg: TokenArg) => {
        const token = await resolveToken(deps, arg, 'Copy the value of which token?', (_t, stored) => stored);
        const origin = connection.origin;
        const value = origin ? await vault.getTokenValue(origin, token.id) : undefined;
        if (!value) throw new Error(`The value of "${displayText(token.description, 80)}" is not stored in this VS Code. Token values are shown only once, at creation.`);
        const seconds = await copySecret(value);
        log.info(`[${who()}] copied the value of token ${token.id} to the clipboard`);
        void vscode.window.setStatusBarMessage(
          seconds > 0 ? `Token value copied; the clipboard is cleared in ${seconds} s.` : 'Token value copied.',
          5000,
        );
      },
      log,
      onError,
    ),
  ];
}
