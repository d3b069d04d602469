/**
 * The services every token feature receives, and how a command finds the
 * token it acts on. Shared by the explorer (context menus) and the config-file
 * features (Insert, Rotate, quick fixes), so neither reaches into the other.
 */
import * as vscode from 'vscode';
import type { Token } from '../core/api/contract';
import { pickText } from '../core/text';

import { Cancelled, required } from '../infra/commands';
import * as ui from '../infra/ui';
import type { Logger } from '../infra/logger';
import type { SecretVault } from '../infra/secretVault';
import type { ControllerConnection } from './controllerConnection';
import type { TokenStore } from './tokenStore';
import { statusAndExpiry } from './words';
import { displayStatus } from '../core/tokens';

/**
 * The services a feature works with: the *active* connection, its token list,
 * SecretStorage and the log. One shape for every feature.
 */
export interface Services {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
}

/** A token row of the Tokens view, as a command receives it (the explorer's tree node for a token has this shape). */
export interface TokenRow {
  kind: 'token';
  token: Token;
  stored?: boolean;
  connectionKey?: string;
}

/**
 * The argument a token command receives: a tree row, a token id (from other
 * commands/tests), `{ id }`, `{ ids, connectionKey? }` for several tokens, or
 * nothing (palette).
 */
export type TokenArg = TokenRow | { kind: string } | { id: string } | { ids: string[]; connectionKey?: string } | string | undefined;

/** True when `arg` is a token row of the tree. */
export function isTokenRow(arg: unknown): arg is TokenRow {
  return !!arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'token' && !!(arg as { token?: unknown }).token;
}

/** Quick-pick items for tokens: key icon when stored, status and expiry (and `note`, a caveat, when it gives one), owner, prefix and id (server text neutralised). */
export function tokenPickItems(
  tokens: readonly Token[],
  stored: ReadonlySet<string>,
  now: number,
  note?: (t: Token) => string | undefined,
): Array<vscode.QuickPickItem & { token: Token }> {
  return tokens.map((t) => ({
    label: `${stored.has(t.id) ? '$(key) ' : ''}${pickText(ui.tokenName(t.description, 80))}`,
    description: [statusAndExpiry(t, now), note?.(t)].filter(Boolean).join(' · '),
    detail: `${pickText(t.username, 40)} · ${pickText(t.prefix, 40)}… · ${pickText(t.id, 80)}`,
    token: t,
  }));
}

/**
 * Resolves the token a command acts on: the tree row it was invoked on, an
 * id, or (from the palette) a quick pick of the tokens that `filter` accepts.
 * Uses the connection and list in `services` (the active connection). Throws
 * `Cancelled` when the user dismisses the pick, no token fits, or the user
 * chose `createNew` ("Create New Token…", offered when given) and it did not
 * resolve to the id of a token it created (with one, that token is the
 * answer: the command goes on with it); a
 * `ControllerError` when an id is looked up on the server and fails.
 * `note`: a caveat of a token for this command, shown in its description;
 * tokens with one are listed after the others.
 */
export async function resolveToken(
  services: Services,
  arg: TokenArg,
  placeHolder: string,
  filter: (t: Token, stored: boolean) => boolean = () => true,
  createNew?: () => Thenable<unknown>,
  note?: (t: Token) => string | undefined,
): Promise<Token> {
  if (isTokenRow(arg)) return arg.token;
  const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'id' in arg ? arg.id : undefined;
  if (id) return services.store.find(id) ?? (await services.connection.api().getToken(id));
  if (!services.store.snapshot.loadedAt) await services.store.refresh();
  const { tokens, stored } = services.store.snapshot;
  const candidates = tokens.filter((t) => filter(t, stored.has(t.id)));
  if (candidates.length === 0 && !createNew) {
    void ui.showInformationMessage(vscode.l10n.t('No token fits this command.'));
    throw new Cancelled();
  }
  type Item = vscode.QuickPickItem & { token?: Token; create?: true };
  // Tokens with a note (a caveat for this command) after the others.
  const ordered = note ? [...candidates.filter((t) => !note(t)), ...candidates.filter((t) => note(t))] : candidates;
  const items: Item[] = tokenPickItems(ordered, stored, Date.now(), note);
  if (createNew) {
    if (items.length) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: `$(add) ${vscode.l10n.t('Create New Token…')}`,
      detail: vscode.l10n.t('Opens the create form; its value is stored in this VS Code.'),
      create: true,
    });
  }
  const pick = required(await ui.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true }));
  if (pick.create || !pick.token) {
    // The form answers with the id of the token it created (undefined when closed first): the command goes on with it.
    const created = await createNew?.();
    const token = typeof created === 'string' ? services.store.find(created) : undefined;
    if (token) return token;
    throw new Cancelled();
  }
  return pick.token;
}

/**
 * How a stored token is offered in a picker of values (Test Token, Test Agent
 * Start): its status and expiry when the token list has it; otherwise "not in
 * the token list" once the list is complete (deleted on the controller, or
 * another account's), else just "stored value". `usable` is false for a
 * revoked, expired or missing token: such values are listed after the usable ones.
 */
export function storedValueFacts(token: Token | undefined, store: TokenStore, now: number): { description: string; usable: boolean } {
  if (token) return { description: statusAndExpiry(token, now), usable: ['active', 'expiring'].includes(displayStatus(token, now)) };
  return {
    description: store.snapshot.loadedAt !== undefined ? vscode.l10n.t('not in the token list (deleted?)') : vscode.l10n.t('stored value'),
    usable: store.snapshot.loadedAt === undefined,
  };
}
