/**
 * Composition root: creates the services, wires them together and registers
 * the commands, views and providers. No logic lives here.
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys, Views } from './constants';
import { canManageTokens } from './core/permissions';
import { registerCommand } from './infra/commands';
import { createLogger } from './infra/logger';
import { SecretVault } from './infra/secretVault';
import { controllerUrl } from './infra/settings';
import { registerConnectionCommands } from './features/connection/connectionCommands';
import { ControllerConnection } from './features/connection/controllerConnection';
import { createTokenDeps, registerCreateToken } from './features/createTokenCommand';
import { registerInsertToken } from './features/configFiles/insertTokenCommand';
import { registerTokenCommands } from './features/explorer/tokenCommands';
import { TokenStore } from './features/explorer/tokenStore';
import { TokenTreeProvider } from './features/explorer/tokenTreeProvider';

/** What `activate` returns in test mode only (never in normal use: it would expose SecretStorage to other extensions). */
export interface TestApi {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  treeProvider: TokenTreeProvider;
  view: vscode.TreeView<unknown>;
  /** The same create path the form uses (API, SecretStorage, tree, log). */
  createToken: ReturnType<typeof createTokenDeps>['createToken'];
  /** Folder of this extension's log files. */
  logUri: vscode.Uri;
}

/** Activates the extension. Lazy: runs on the Tokens view, a command, or a TOML/Telegraf file. */
export function activate(context: vscode.ExtensionContext): TestApi | undefined {
  const log = createLogger();
  const vault = new SecretVault(context.secrets);
  const connection = new ControllerConnection(vault, log);
  const store = new TokenStore(connection, vault, log);
  const treeProvider = new TokenTreeProvider(store, connection);
  const view = vscode.window.createTreeView(Views.tokens, { treeDataProvider: treeProvider, showCollapseAll: false });
  context.subscriptions.push(log, vault, connection, store, treeProvider, view);

  const syncView = () => {
    const s = connection.current;
    void vscode.commands.executeCommand('setContext', ContextKeys.state, s.state);
    void vscode.commands.executeCommand('setContext', ContextKeys.canCreate, s.state === 'ready' && !!s.user && canManageTokens(s.user.role));
    view.description = s.state === 'ready' && s.user ? `${connection.label} (${s.user.role})` : s.url ? new URL(s.url).host : undefined;
    if (s.state === 'ready' && s.user && !canManageTokens(s.user.role)) {
      view.message = `Signed in as ${s.user.username}, a Viewer: Viewers cannot manage tokens. Sign in with another account to list or create tokens.`;
    } else if (s.state === 'error') {
      view.message = s.message;
    } else if (s.state === 'needsSignIn' && s.message) {
      view.message = s.message;
    } else {
      view.message = undefined;
    }
  };

  context.subscriptions.push(
    connection.onDidChange((s) => {
      syncView();
      if (s.state === 'ready' && s.user && canManageTokens(s.user.role)) void store.refresh();
      else store.clear();
    }),
    vault.onDidChange(() => void store.refreshStored()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('telegrafController.url')) {
        const url = controllerUrl();
        if (url !== connection.current.url) void connection.open(url);
      } else if (e.affectsConfiguration('telegrafController') || e.affectsConfiguration('http')) {
        if (connection.current.url) void connection.open(connection.current.url);
      }
    }),
    registerCommand(Commands.showLog, () => log.show(), log),
    ...registerConnectionCommands(connection, log),
    ...registerTokenCommands({ connection, store, vault, log }),
    ...registerCreateToken(context, { connection, store, vault, log }),
    ...registerInsertToken({ connection, store, vault, log }, context.workspaceState),
  );

  syncView();
  void connection.open(controllerUrl());

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    connection,
    store,
    vault,
    treeProvider,
    view: view as vscode.TreeView<unknown>,
    createToken: createTokenDeps({ connection, store, vault, log }).createToken,
    logUri: context.logUri,
  };
}

/** Nothing to do: every resource is a disposable in `context.subscriptions`. */
export function deactivate(): void {}
