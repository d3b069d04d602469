/**
 * Composition root: creates the services, wires them together and registers
 * the commands, views and providers. No logic lives here.
 */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, Commands, TOKEN_URI_SCHEME } from './constants';
import { registerCommand } from './infra/commands';
import { createLogger } from './infra/logger';
import { Notifier } from './infra/notify';
import { SecretVault } from './infra/secretVault';
import { ControllerAuthProvider, authProviderLabel } from './features/connection/authProvider';
import { registerConnectionCommands } from './features/connection/connectionCommands';
import { ActiveConnection, ActiveTokenStore, ConnectionManager } from './services/connectionManager';
import type { ControllerConnection } from './services/controllerConnection';
import { Freshness } from './features/connection/freshness';
import { registerExplorerCommands } from './features/explorer/explorerCommands';
import { ExplorerState } from './features/explorer/explorerState';
import { ExpiryStatusBar, registerExpiryCommands } from './features/explorer/expiryStatusBar';
import { TokenDecorationProvider } from './features/explorer/tokenDecorations';
import { TokenDetailsProvider } from './features/explorer/tokenDetails';
import { createTokenDeps, registerCreateToken } from './features/createToken/createTokenCommand';
import { registerInsertToken } from './features/configFiles/insertTokenCommand';
import { registerConfigFeatures } from './features/configFiles';
import { registerTokenCommands } from './features/explorer/tokenCommands';
import type { TokenStore } from './services/tokenStore';
import type { TokenTreeProvider } from './features/explorer/tokenTreeProvider';
import { createTokensView } from './features/explorer/tokensView';

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
  const tokensView = createTokensView(manager, connection, explorerState);
  const { treeProvider, view } = tokensView;
  const decorations = new TokenDecorationProvider();
  const details = new TokenDetailsProvider(manager);
  const statusBar = new ExpiryStatusBar(manager, vault, notifier, log);
  const freshness = new Freshness(manager, vault, log);
  const authProvider = new ControllerAuthProvider(manager);
  context.subscriptions.push(log, vault, manager, connection, store, explorerState, tokensView, decorations, details, statusBar, freshness, authProvider);

  const networkKeys = ['caFile', 'allowUntrustedCertificates', 'requestTimeoutMs', 'connectTimeoutMs'].map((k) => `telegrafController.${k}`);
  context.subscriptions.push(
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
    ...registerTokenCommands({ connection, store, vault, log, manager, notifier }),
    ...registerCreateToken(context, { connection, store, vault, log }),
    ...registerInsertToken({ connection, store, vault, log }, context.workspaceState),
    ...registerConfigFeatures({ connection, store, vault, log, context }),
  );

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
    view,
    createToken: createTokenDeps({ connection, store, vault, log }).createToken,
    logUri: context.logUri,
  };
}

/** Nothing to do: every resource is a disposable in `context.subscriptions`. */
export function deactivate(): void {}
