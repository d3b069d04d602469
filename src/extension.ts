/**
 * Composition root: creates the services, wires them together and registers
 * the views, commands and providers. No logic lives here.
 *
 * Activation loads only what the Tokens view needs to show itself. Command
 * implementations, the config-file features, the create panel, the status bar
 * and the API client (with zod and undici) are separate bundles, required on
 * first use (esbuild.mjs, build/lazy-bundles.mjs): a command runs a stand-in
 * that loads them (infra/lazyCommands.ts); the config features load when a
 * Telegraf config is open or the workspace has one; the API client on the
 * first request.
 */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, Commands, TOKEN_URI_SCHEME } from './constants';
import { activateClipboardGuard, clipboardCheckReporter } from './infra/clipboard';
import { registerCommand } from './infra/commands';
import { CommandStandIns } from './infra/lazyCommands';
import { createLogger } from './infra/logger';
import { Notifier } from './infra/notify';
import { SecretVault } from './infra/secretVault';
import { ActiveConnection, ActiveTokenStore, ConnectionManager } from './services/connectionManager';
import type { ControllerConnection } from './services/controllerConnection';
import type { Services } from './services/tokenArgs';
import type { TokenStore } from './services/tokenStore';
import { ControllerAuthProvider, authProviderLabel } from './features/connection/authProvider';
import { registerConnectionCommands } from './features/connection/connectionCommands';
import { Freshness } from './features/connection/freshness';
import { registerAgentStart } from './features/agentStart';
import { registerConfigFeatures } from './features/configFiles';
import { registerInsertToken } from './features/configFiles/insertTokenCommand';
import { createTokenDeps, registerCreateToken } from './features/createToken/createTokenCommand';
import { registerExplorerCommands } from './features/explorer/explorerCommands';
import { ExplorerState } from './features/explorer/explorerState';
import { ExpiryStatusBar, registerExpiryCommands } from './features/explorer/expiryStatusBar';
import { TokenDecorationProvider } from './features/explorer/tokenDecorations';
import { TokenDetailsProvider } from './features/explorer/tokenDetails';
import { registerTokenCommands } from './features/explorer/tokenCommands';
import type { TokenTreeProvider } from './features/explorer/tokenTreeProvider';
import { createTokensView, registerSelectionKeys } from './features/explorer/tokensView';
import { registerDeploymentFeatures } from './features/configFiles/deployments';
import { registerTelegrafCheck } from './features/telegrafCheck';

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

/** A loader that runs once and remembers its result. */
function once<T>(load: () => T): () => T {
  let done: { value: T } | undefined;
  return () => (done ??= { value: load() }).value;
}

/**
 * True for a document the config features work on: Telegraf configs (`.conf`,
 * `.toml`, the `telegraf` language) and the deployment files that give agents
 * their tokens (Compose, Kubernetes, Helm, env files, systemd units; README
 * "Deploying agents").
 */
function isConfigLike(doc: vscode.TextDocument): boolean {
  return (
    ['toml', 'telegraf', 'yaml', 'dockercompose', 'dotenv'].includes(doc.languageId) ||
    /\.(conf|toml|ya?ml|env|service)$|(^|\/)\.env[^/]*$|(^|\/)env_file$/i.test(doc.uri.path)
  );
}

/** Activates the extension. Lazy: runs on the Tokens view, a command, or a TOML/Telegraf file. */
export function activate(context: vscode.ExtensionContext): TestApi | undefined {
  const log = createLogger();
  const vault = new SecretVault(context.secrets);
  const notifier = new Notifier(context.globalState);
  const manager = new ConnectionManager(vault, log, context.workspaceState);
  const connection = new ActiveConnection(manager);
  const store = new ActiveTokenStore(manager);
  const services: Services = { connection, store, vault, log };
  const explorerState = new ExplorerState(context.workspaceState);
  const tokensView = createTokensView(manager, connection, explorerState);
  const { view } = tokensView;
  const decorations = new TokenDecorationProvider();
  const authProvider = new ControllerAuthProvider(manager);
  context.subscriptions.push(log, vault, manager, connection, store, explorerState, tokensView, decorations, authProvider);

  // Loaded on first use (separate bundles).
  const background = once(() => {
    const statusBar = new ExpiryStatusBar(manager, vault, notifier, log);
    const freshness = new Freshness(manager, vault, log);
    context.subscriptions.push(statusBar, freshness);
    context.subscriptions.push(activateClipboardGuard(context.globalState, clipboardCheckReporter(log)));
    return { statusBar, freshness };
  });
  const details = once(() => {
    const provider = new TokenDetailsProvider(manager);
    context.subscriptions.push(
      provider,
      provider.onDidChange((uri) => detailsChanged.fire(uri)),
    );
    return provider;
  });
  const detailsChanged = new vscode.EventEmitter<vscode.Uri>();
  const commands = once(() =>
    context.subscriptions.push(
      ...registerConnectionCommands(manager, notifier, log),
      ...registerExplorerCommands(explorerState, manager, log),
      ...registerExpiryCommands(background().statusBar, log),
      ...registerTokenCommands({ ...services, manager, notifier }),
      ...registerCreateToken(context, services, manager),
      ...registerSelectionKeys(view, log),
      ...registerAgentStart(services),
    ),
  );
  const configFeatures = once(() => {
    const deployments = registerDeploymentFeatures({ ...services, workspaceState: context.workspaceState });
    context.subscriptions.push(
      ...registerInsertToken(services, context.workspaceState),
      ...registerConfigFeatures({ ...services, context, deployments: deployments.hook }),
      ...deployments.disposables,
      ...registerTelegrafCheck(log),
    );
  });
  context.subscriptions.push(registerCommand(Commands.showLog, () => log.show(), log));
  // Every other contributed command: a stand-in until its implementation is loaded.
  const contributed = ((context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes?.commands ?? []).map(
    (c) => c.command,
  );
  const standIns = new CommandStandIns(contributed, () => {
    commands();
    configFeatures();
  });
  const loadConfigFeatures = () => standIns.load(configFeatures);

  const networkKeys = ['caFile', 'allowUntrustedCertificates', 'requestTimeoutMs', 'connectTimeoutMs'].map((k) => `telegrafController.${k}`);
  context.subscriptions.push(
    detailsChanged,
    standIns,
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.workspace.registerTextDocumentContentProvider(TOKEN_URI_SCHEME, {
      onDidChange: detailsChanged.event,
      provideTextDocumentContent: (uri) => details().provideTextDocumentContent(uri),
    }),
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, authProviderLabel(), authProvider, { supportsMultipleAccounts: true }),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (isConfigLike(doc)) loadConfigFeatures();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('telegrafController.url') || e.affectsConfiguration('telegrafController.connections')) {
        void manager.reload();
      } else if (networkKeys.some((k) => e.affectsConfiguration(k)) || e.affectsConfiguration('http')) {
        void manager.reopenAll();
      }
      if (e.affectsConfiguration('telegrafController.expiryWarningDays')) {
        tokensView.scheduleRefresh();
        decorations.refresh();
      }
    }),
  );

  // After activation: read the connections (first use of the API client), then start the status bar
  // and the freshness triggers; load the config features when a config is open or the workspace has one.
  setImmediate(() => {
    void manager.reload().finally(background);
    if (vscode.workspace.textDocuments.some(isConfigLike)) loadConfigFeatures();
    else
      // One level of braces only: the search (ripgrep) refuses nested alternate groups.
      void vscode.workspace
        .findFiles(
          '{**/telegraf.conf,**/telegraf.d/*.conf,**/*.telegraf.conf,**/docker-compose*.yml,**/docker-compose*.yaml,**/compose*.yml,**/compose*.yaml,**/*.service}',
          '**/node_modules/**',
          1,
        )
        .then(
          (found) => {
            if (found.length > 0) loadConfigFeatures();
          },
          (e: unknown) => log.warn(`Looking for Telegraf configs and deployment files in the workspace failed: ${e instanceof Error ? e.message : String(e)}`),
        );
  });

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    connection,
    store,
    manager,
    explorerState,
    get statusBar() {
      return background().statusBar;
    },
    authProvider,
    decorations,
    get freshness() {
      return background().freshness;
    },
    notifier,
    vault,
    get treeProvider() {
      return tokensView.treeProvider;
    },
    view,
    get createToken() {
      return createTokenDeps(services).createToken;
    },
    logUri: context.logUri,
  };
}

/** Nothing to do: every resource is a disposable in `context.subscriptions`. */
export function deactivate(): void {}
