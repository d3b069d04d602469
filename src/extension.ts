/**
 * Composition root: registers the views, commands and providers, and nothing
 * more. No logic lives here.
 *
 * Activation loads only this bundle: the Tokens view over a stand-in data
 * provider (features/explorer/tokensTree.ts), a stand-in for every command
 * (infra/lazyCommands.ts), the token-details content provider. The services
 * and features behind them (app.ts: connections, SecretStorage, the tree
 * data, decorations, the Accounts-menu provider; then the API client with
 * zod and undici, the commands, the config-file features, the create panel)
 * are separate bundles (esbuild.mjs, build/lazy-bundles.mjs), created on the
 * next turn after activation or on first use, whichever comes first.
 */
import * as vscode from 'vscode';
import { TOKEN_URI_SCHEME } from './constants';
import { CommandStandIns } from './infra/lazyCommands';
import type { ControllerConnection } from './services/controllerConnection';
import type { TokenStore } from './services/tokenStore';
import type { ConnectionManager } from './services/connectionManager';
import type { Notifier } from './infra/notify';
import type { SecretVault } from './infra/secretVault';
import type { ControllerAuthProvider } from './features/connection/authProvider';
import type { Freshness } from './features/connection/freshness';
import type { ExplorerState } from './features/explorer/explorerState';
import type { ExpiryStatusBar } from './features/explorer/expiryStatusBar';
import type { TokenDecorationProvider } from './features/explorer/tokenDecorations';
import type { TokenTreeProvider } from './features/explorer/tokenTreeProvider';
import { createTokensTree } from './features/explorer/tokensTree';
import { createApp, type App } from './app';

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
  createToken: App['createToken'];
  /** The open create form's options (suggested preset and reason); undefined when no form is open. */
  createFormOptions: App['createFormOptions'];
  /** Folder of this extension's log files. */
  logUri: vscode.Uri;
}

/** Activates the extension. Lazy: runs on the Tokens view, a command, or a TOML/Telegraf file. */
export function activate(context: vscode.ExtensionContext): TestApi | undefined {
  let app: App | undefined;
  const load = (): App => (app ??= createApp({ context, tree, standIns, detailsChanged }));
  const tree = createTokensTree(() => load().tokensView.treeProvider);
  const detailsChanged = new vscode.EventEmitter<vscode.Uri>();
  // Every contributed command: a stand-in until its implementation is loaded.
  const contributed = ((context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes?.commands ?? []).map(
    (c) => c.command,
  );
  const standIns = new CommandStandIns(contributed, () => load().loadAll());
  context.subscriptions.push(
    tree,
    detailsChanged,
    standIns,
    vscode.workspace.registerTextDocumentContentProvider(TOKEN_URI_SCHEME, {
      onDidChange: detailsChanged.event,
      provideTextDocumentContent: (uri) => load().details().provideTextDocumentContent(uri),
    }),
  );
  // Next turn: the services, the view's data, the connections.
  setImmediate(load);

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    get connection() {
      return load().connection;
    },
    get store() {
      return load().store;
    },
    get manager() {
      return load().manager;
    },
    get explorerState() {
      return load().explorerState;
    },
    get statusBar() {
      return load().background().statusBar;
    },
    get authProvider() {
      return load().authProvider;
    },
    get decorations() {
      return load().decorations;
    },
    get freshness() {
      return load().background().freshness;
    },
    get notifier() {
      return load().notifier;
    },
    get vault() {
      return load().vault;
    },
    get treeProvider() {
      return load().tokensView.treeProvider;
    },
    view: tree.view as vscode.TreeView<unknown>,
    get createToken() {
      return load().createToken;
    },
    createFormOptions: () => load().createFormOptions(),
    logUri: context.logUri,
  };
}

/** Nothing to do: every resource is a disposable in `context.subscriptions`. */
export function deactivate(): void {}
