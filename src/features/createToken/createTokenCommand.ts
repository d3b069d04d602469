import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import { pickText } from '../../core/text';
import type { CreateTokenRequest } from '../../core/api/contract';
import { isCreateOutcomeUnknown } from '../../core/api/createOutcome';
import { suggestPresetForConfig } from '../../core/config/presetSuggestion';

import { Commands } from '../../constants';
import { registerCommand, required } from '../../infra/commands';
import { canManageTokens, type Role } from '../../core/permissions';
import type { ConnectionManager } from '../../services/connectionManager';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../../services/controllerConnection';
import { watchSession } from './createTokenController';
import { CreateTokenPanel, type CreateTokenDeps, type CreateTokenOptions } from './createTokenPanel';
import type { TokenStore } from '../../services/tokenStore';
import { settleUnknownCreate } from './unknownOutcome';
import { roleLabel } from '../../services/words';

/** Services the Create Token command wires into the panel. */
export interface CreateTokenServices {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
}

/** Called with the id of each token created through {@link createTokenDeps} (the form's create path). */
const createdListeners = new Set<(tokenId: string) => void>();

/**
 * The panel's dependencies: creating a token calls the API, stores the value
 * in SecretStorage under the token's id (keyed by origin), updates the tree and
 * writes an activity-log line without the value. `hooks.configUri`: the
 * Telegraf config the form was opened from ("Insert into Config…" on the
 * created token inserts there rather than asking).
 */
export function createTokenDeps(
  { connection, store, vault, log }: CreateTokenServices,
  hooks: { configUri?: () => vscode.Uri | undefined } = {},
): CreateTokenDeps {
  return {
    session: async () => {
      const user = connection.user;
      // The form already names the user ("Signed in as bob (Manager) on …"): only the connection's name/host here.
      return user ? { user, connectionLabel: connection.name } : undefined;
    },
    createToken: async (req: CreateTokenRequest) => {
      const origin = connection.origin;
      const sentAt = Date.now();
      try {
        const created = await connection.api().createToken(req);
        if (origin) {
          await vault.storeTokenValue(
            origin,
            { id: created.token.id, description: created.token.description, expiresAt: created.token.expiresAt, prefix: created.token.prefix },
            created.value,
          );
        }
        store.upsert(created.token);
        await store.refreshStored();
        log.info(`[${connection.label}] created token ${created.token.id} "${ui.tokenName(created.token.description, 80)}" (value stored in secret storage)`);
        for (const l of [...createdListeners]) l(created.token.id);
        return created;
      } catch (e) {
        // Timed out after sending, or a 201 cut off: look on the controller instead of inviting a duplicate.
        if (isCreateOutcomeUnknown(e)) return settleUnknownCreate({ connection, store, log }, e, req, sentAt);
        if (await connection.noteFailure(e)) store.clear();
        throw e;
      }
    },
    existingDescriptions: async () => {
      const me = connection.user;
      return store.snapshot.tokens.filter((t) => t.status === 'active' && (!me || t.userId === me.id)).map((t) => t.description);
    },
    copyValue: async (tokenId: string) => {
      // Checked here (not only inside the command, which reports its own errors) so the form
      // never says "Copied" when nothing was copied.
      const origin = connection.origin;
      const value = origin ? await vault.getTokenValue(origin, tokenId) : undefined;
      if (!value)
        throw new Error(
          vscode.l10n.t('The value of this token is no longer stored in this VS Code (it was revoked, rotated or deleted), so nothing was copied.'),
        );
      await vscode.commands.executeCommand(Commands.copyTokenValue, tokenId);
    },
    insertIntoConfig: async (tokenId: string) => {
      // Into the config the form was opened from, when it was opened from one.
      const uri = hooks.configUri?.();
      await vscode.commands.executeCommand(Commands.insertToken, tokenId, uri ? { uri: uri.toString() } : undefined);
    },
    log,
    t: (message, ...args) => vscode.l10n.t(message, ...args),
  };
}

/**
 * Registers "Create Token": opens the create form (a WebviewPanel), or asks
 * to connect first. With `flow.returnCreated` (a command that offered "Create
 * New Token…") the command resolves to the id of the first token the form
 * creates, or undefined when the form closes first.
 */
export function registerCreateToken(context: vscode.ExtensionContext, services: CreateTokenServices, manager?: ConnectionManager): vscode.Disposable[] {
  let formConfig: vscode.Uri | undefined;
  const deps = createTokenDeps(services, { configUri: () => formConfig });
  return [
    // Sign-in, sign-out, another user or another active connection: the open form shows the new session
    // (otherwise it would keep the old identity and role until reopened).
    watchSession(services.connection, () => CreateTokenPanel.current, services.log),
    registerCommand(
      Commands.createToken,
      async (options?: CreateTokenOptions, flow?: { returnCreated?: boolean }): Promise<string | undefined> => {
        const ready = () => services.connection.current.state === 'ready';
        const canCreate = (c: { current: { state: string }; user?: { role: Role } }) => c.current.state === 'ready' && !!c.user && canManageTokens(c.user.role);
        const others = manager?.all.filter((h) => h !== manager.active && canCreate(h.connection)) ?? [];
        if (!canCreate(services.connection) && manager && others.length > 0) {
          // The active connection cannot create tokens, another one can: the user picks where (and it becomes the active one).
          const pick = required(
            await ui.showQuickPick(
              others.map((h) => ({
                label: pickText(h.name, 60),
                description: `${pickText(h.connection.user!.username, 40)} (${roleLabel(h.connection.user!.role)})`,
                detail: pickText(h.url, 200),
                key: h.key,
              })),
              { placeHolder: vscode.l10n.t('Create the token on which connection? (It becomes the active connection.)') },
            ),
          );
          await manager.setActive(pick.key);
        }
        if (!ready()) {
          // A configured controller that is signed out offers Sign In; none configured, Connect….
          const configured = !!services.connection.current.url;
          const choice = await ui.showInformationMessage(
            vscode.l10n.t('Sign in to a Telegraf Controller to create a token.'),
            configured ? vscode.l10n.t('Sign In…') : vscode.l10n.t('Connect…'),
          );
          if (choice) await vscode.commands.executeCommand(configured ? Commands.signIn : Commands.connect);
          if (!ready()) return undefined;
        }
        let opts = options && typeof options === 'object' && !('kind' in options) ? options : undefined;
        const doc = vscode.window.activeTextEditor?.document;
        // The caller's options win (a deployment file names itself); else the Telegraf config in the editor suggests.
        const suggestion = !opts && doc ? suggestPresetForConfig(doc.fileName, doc.getText()) : undefined;
        formConfig = suggestion ? doc?.uri : undefined;
        // Opened from a Telegraf config: pre-select the least set that file needs, and say why.
        if (!opts && suggestion) opts = { preset: suggestion.preset, reason: suggestion.reason };
        // A command that goes on with the new token (Insert, Add Token) gives it to an agent: never an earlier draft's permissions.
        if (!opts && flow?.returnCreated === true) opts = { preset: 'telegraf-agent' };
        const panel = CreateTokenPanel.createOrShow(context.extensionUri, deps, opts);
        if (flow?.returnCreated !== true) return undefined;
        return new Promise<string | undefined>((resolve) => {
          const done = (id: string | undefined) => {
            createdListeners.delete(done);
            resolve(id);
          };
          createdListeners.add(done);
          panel.onDidClose(() => done(undefined));
        });
      },
      services.log,
    ),
  ];
}
