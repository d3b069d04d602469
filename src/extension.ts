/**
 * Composition root: creates the services, wires them together and registers
 * the commands, views and providers. No logic lives here.
 */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, Commands, ContextKeys, TOKEN_URI_SCHEME, Views } from './constants';
import { canManageTokens, isTokenAdmin } from './core/permissions';
import { registerCommand } from './infra/commands';
import { createLogger } from './infra/logger';
import { Notifier } from './infra/notify';
import { SecretVault } from './infra/secretVault';
import { ControllerAuthProvider, authProviderLabel } from './features/connection/authProvider';
import { registerConnectionCommands } from './features/connection/connectionCommands';
import { ActiveConnection, ActiveTokenStore, ConnectionManager } from './features/connection/connectionManager';
import type { ControllerConnection } from './features/connection/controllerConnection';
import { Freshness } from './features/connection/freshness';
import { registerExplorerCommands } from './features/explorer/explorerCommands';
import { ExplorerState } from './features/explorer/explorerState';
import { ExpiryStatusBar, registerExpiryCommands } from './features/explorer/expiryStatusBar';
import { TokenDecorationProvider } from './features/explorer/tokenDecorations';
import { TokenDetailsProvider } from './features/explorer/tokenDetails';
import { createTokenDeps, registerCreateToken } from './features/createTokenCommand';
import { registerInsertToken } from './features/configFiles/insertTokenCommand';
import { registerConfigFeatures } from './features/configFiles';
import { registerAgentStart } from './features/agentStart';
import { registerDeploymentFeatures } from './features/deployments';
import { registerTokenCommands } from './features/explorer/tokenCommands';
import type { TokenStore } from './features/explorer/tokenStore';
import { TokenTreeProvider, filterMessage, viewDescription } from './features/explorer/tokenTreeProvider';

/** What `activate` returns in test mode only (never in normal use: it would expose SecretStorage to other extensions). */
export interface TestApi {
  /** The active connection (what other features receive). */
  connection: ControllerConnection;
  /** The active connection's token list. */
  store: TokenStore;
  /** Every configured connection, the active one, add/rename/remove. */
  manager: ConnectionManager;
  /** Grouping, sort order, filter of the explorer. */
  explorerState: ExplorerState;
  /** The status-bar item (active connection, expiring stored tokens). */
  statusBar: ExpiryStatusBar;
  /** The Accounts-menu provider. */
  authProvider: ControllerAuthProvider;
  /** Decorations of token items. */
  decorations: TokenDecorationProvider;
  /** Freshness triggers (focus, interval, SecretStorage changes). */
  freshness: Freshness;
  /** "Don't Show Again" notifications. */
  notifier: Notifier;
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
  const notifier = new Notifier(context.globalState);
  const manager = new ConnectionManager(vault, log, context.workspaceState);
  const connection = new ActiveConnection(manager);
  const store = new ActiveTokenStore(manager);
  const explorerState = new ExplorerState(context.workspaceState);
  const treeProvider = new TokenTreeProvider(manager, explorerState);
  const view = vscode.window.createTreeView(Views.tokens, { treeDataProvider: treeProvider, showCollapseAll: false, canSelectMany: true });
  const decorations = new TokenDecorationProvider();
  const details = new TokenDetailsProvider(manager);
  const statusBar = new ExpiryStatusBar(manager, vault, notifier, log);
  const freshness = new Freshness(manager, vault, log);
  const authProvider = new ControllerAuthProvider(manager);
  context.subscriptions.push(log, vault, manager, connection, store, explorerState, treeProvider, view, decorations, details, statusBar, freshness, authProvider);

  const syncView = () => {
    const s = connection.current;
    const all = manager.all;
    void vscode.commands.executeCommand('setContext', ContextKeys.state, s.state);
    void vscode.commands.executeCommand('setContext', ContextKeys.canCreate, s.state === 'ready' && !!s.user && canManageTokens(s.user.role));
    void vscode.commands.executeCommand('setContext', ContextKeys.connectionCount, all.length);
    void vscode.commands.executeCommand('setContext', ContextKeys.sessionEnded, s.state === 'needsSignIn' && !!s.message);
    void vscode.commands.executeCommand('setContext', ContextKeys.anyAdmin, all.some((h) => !!h.connection.user && isTokenAdmin(h.connection.user.role)));
    view.description = viewDescription(manager, explorerState);
    let message: string | undefined;
    if (all.length > 1) {
      message = undefined; // each connection node shows its own state
    } else if (s.state === 'ready' && s.user && !canManageTokens(s.user.role)) {
      message = vscode.l10n.t('Signed in as {0}, a Viewer: Viewers cannot manage tokens. Sign in with another account to list or create tokens.', s.user.username);
    } else if (s.state === 'error') {
      message = s.message;
    } else if (s.state === 'needsSignIn' && s.message) {
      message = s.message;
    }
    // The filter is also in the description, but a narrow side bar cuts the title: say it above the list too.
    const filter = filterMessage(explorerState);
    view.message = [message, filter].filter(Boolean).join('\n') || undefined;
  };

  const deployments = registerDeploymentFeatures({ connection, store, vault, log });
  const networkKeys = ['caFile', 'allowUntrustedCertificates', 'requestTimeoutMs', 'connectTimeoutMs'].map((k) => `telegrafController.${k}`);
  context.subscriptions.push(
    manager.onDidChange(syncView),
    manager.onDidChangeState(syncView),
    explorerState.onDidChange(syncView),
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.workspace.registerTextDocumentContentProvider(TOKEN_URI_SCHEME, details),
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, authProviderLabel(), authProvider, { supportsMultipleAccounts: true }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('telegrafController.url') || e.affectsConfiguration('telegrafController.connections')) {
        void manager.reload();
      } else if (networkKeys.some((k) => e.affectsConfiguration(k)) || e.affectsConfiguration('http')) {
        void manager.reopenAll();
      }
      if (e.affectsConfiguration('telegrafController.expiryWarningDays')) {
        treeProvider.scheduleRefresh();
        decorations.refresh();
      }
    }),
    registerCommand(Commands.showLog, () => log.show(), log),
    ...registerConnectionCommands(manager, notifier, log),
    ...registerExplorerCommands(explorerState, manager, log),
    ...registerExpiryCommands(statusBar, log),
    ...registerTokenCommands({ connection, store, vault, log, manager, notifier, selection: () => view.selection }),
    ...registerCreateToken(context, { connection, store, vault, log }),
    ...registerInsertToken({ connection, store, vault, log }, context.workspaceState),
    ...registerConfigFeatures({ connection, store, vault, log, context, deployments: deployments.hook }),
    ...deployments.disposables,
    ...registerAgentStart({ connection, store, vault, log }),
  );

  syncView();
  void manager.reload();

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    connection,
    store,
    manager,
    explorerState,
    statusBar,
    authProvider,
    decorations,
    freshness,
    notifier,
    vault,
    treeProvider,
    view: view as vscode.TreeView<unknown>,
    createToken: createTokenDeps({ connection, store, vault, log }).createToken,
    logUri: context.logUri,
  };
}

/** Nothing to do: every resource is a disposable in `context.subscriptions`. */
export function deactivate(): void {}
