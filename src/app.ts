/**
 * The services and features behind the registrations of `extension.ts`:
 * created once, right after activation (or sooner, when VS Code first asks the
 * Tokens view for rows or a command runs). A separate bundle (esbuild.mjs,
 * build/lazy-bundles.mjs), so that activation itself loads almost nothing.
 *
 * Created here: the connections and their token lists, SecretStorage, the
 * Tokens view's data, decorations and Accounts-menu provider, and the loaders
 * of the other bundles (commands, status bar and freshness, token details,
 * config-file features). No logic lives here: only wiring.
 */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID } from './constants';
import { activateClipboardGuard, clipboardCheckReporter } from './infra/clipboard';
import { registerCommand } from './infra/commands';
import { Commands } from './constants';
import type { CommandStandIns } from './infra/lazyCommands';
import { createLogger, type Logger } from './infra/logger';
import { Notifier } from './infra/notify';
import { SecretVault } from './infra/secretVault';
import { ActiveConnection, ActiveTokenStore, ConnectionManager } from './services/connectionManager';
import type { Services } from './services/tokenArgs';
import { TokenUsage } from './services/tokenUsage';
import { ControllerAuthProvider, authProviderLabel } from './features/connection/authProvider';
import { registerConnectionCommands } from './features/connection/connectionCommands';
import { Freshness } from './features/connection/freshness';
import { registerAgentStart } from './features/agentStart';
import { registerConfigFeatures } from './features/configFiles';
import { registerInsertToken } from './features/configFiles/insertTokenCommand';
import { createTokenDeps, registerCreateToken } from './features/createToken/createTokenCommand';
import type { CreateTokenOptions } from './features/createToken/createTokenController';
import { CreateTokenPanel } from './features/createToken/createTokenPanel';
import { registerExplorerCommands } from './features/explorer/explorerCommands';
import { ExplorerState } from './features/explorer/explorerState';
import { ExpiryStatusBar, registerExpiryCommands } from './features/explorer/expiryStatusBar';
import { TokenDecorationProvider } from './features/explorer/tokenDecorations';
import { TokenDetailsProvider } from './features/explorer/tokenDetails';
import { registerTokenCommands } from './features/explorer/tokenCommands';
import type { TokensTree } from './features/explorer/tokensTree';
import { bindTokensView, registerSelectionKeys, type TokensView } from './features/explorer/tokensView';
import { registerDeploymentFeatures } from './features/configFiles/deployments';
import { registerTelegrafCheck } from './features/telegrafCheck';

/** What `extension.ts` created at activation and hands over. */
export interface Shell {
  readonly context: vscode.ExtensionContext;
  readonly tree: TokensTree;
  readonly standIns: CommandStandIns;
  /** Fired when an open token-details document changes (the content provider is registered at activation). */
  readonly detailsChanged: vscode.EventEmitter<vscode.Uri>;
}

/** The created services and the loaders of the features. */
export interface App extends Services {
  readonly manager: ConnectionManager;
  readonly explorerState: ExplorerState;
  readonly notifier: Notifier;
  readonly decorations: TokenDecorationProvider;
  readonly authProvider: ControllerAuthProvider;
  readonly tokensView: TokensView;
  readonly log: Logger;
  /** The status bar and the freshness triggers (created on first use). */
  background(): { statusBar: ExpiryStatusBar; freshness: Freshness };
  /** The token-details content provider (created on first use). */
  details(): TokenDetailsProvider;
  /** Registers every command and the config-file features (idempotent; the stand-ins' loader). */
  loadAll(): void;
  /** Loads the config-file features (idempotent), with the stand-ins out of the way. */
  loadConfigFeatures(): void;
  /** The create path the form uses (API, SecretStorage, tree, log). */
  createToken: ReturnType<typeof createTokenDeps>['createToken'];
  /** The open create form's options (suggested preset and reason); undefined when no form is open. */
  createFormOptions(): CreateTokenOptions | undefined;
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
export function isConfigLike(doc: vscode.TextDocument): boolean {
  return (
    ['toml', 'telegraf', 'yaml', 'dockercompose', 'dotenv'].includes(doc.languageId) ||
    /\.(conf|toml|ya?ml|env|service)$|(^|\/)\.env[^/]*$|(^|\/)env_file$/i.test(doc.uri.path)
  );
}

/**
 * Creates the services, binds the Tokens view, registers the decorations and
 * the authentication provider, then (on the next turn) reads the connections,
 * starts the status bar and the freshness triggers, and loads the config
 * features when a config is open or the workspace has one.
 */
export function createApp({ context, tree, standIns, detailsChanged }: Shell): App {
  const log = createLogger();
  const vault = new SecretVault(context.secrets);
  const notifier = new Notifier(context.globalState);
  const manager = new ConnectionManager(vault, log, context.workspaceState);
  const connection = new ActiveConnection(manager);
  const store = new ActiveTokenStore(manager);
  const services: Services = { connection, store, vault, log };
  // Filled in by the config features, read by the explorer's Revoke and Delete confirmations.
  const usage = new TokenUsage();
  const explorerState = new ExplorerState(context.workspaceState);
  const tokensView = bindTokensView(tree, manager, connection, explorerState);
  const decorations = new TokenDecorationProvider();
  const authProvider = new ControllerAuthProvider(manager);
  context.subscriptions.push(log, vault, manager, connection, store, explorerState, tokensView, decorations, authProvider);

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
  const commands = once(() =>
    context.subscriptions.push(
      registerCommand(Commands.showLog, () => log.show(), log),
      ...registerConnectionCommands(manager, notifier, log),
      ...registerExplorerCommands(explorerState, manager, log),
      ...registerExpiryCommands(background().statusBar, log),
      ...registerTokenCommands({ ...services, manager, notifier, usage }),
      ...registerCreateToken(context, services, manager),
      ...registerSelectionKeys(tree.view as vscode.TreeView<unknown>, log),
      ...registerAgentStart(services),
    ),
  );
  const configFeatures = once(() => {
    const deployments = registerDeploymentFeatures({ ...services, workspaceState: context.workspaceState, usage });
    context.subscriptions.push(
      ...registerInsertToken({ ...services, usage }, context.workspaceState),
      ...registerConfigFeatures({ ...services, context, deployments: deployments.hook, usage }),
      ...deployments.disposables,
      ...registerTelegrafCheck(log),
    );
  });
  const loadConfigFeatures = () => standIns.load(configFeatures);

  const networkKeys = ['caFile', 'allowUntrustedCertificates', 'requestTimeoutMs', 'connectTimeoutMs'].map((k) => `telegrafController.${k}`);
  context.subscriptions.push(
    vscode.window.registerFileDecorationProvider(decorations),
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

  // Next turn: read the connections (first use of the API client), then start the status bar and the
  // freshness triggers; load the config features when a config is open or the workspace has one.
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

  return {
    ...services,
    manager,
    explorerState,
    notifier,
    decorations,
    authProvider,
    tokensView,
    background,
    details,
    loadAll: () => {
      commands();
      configFeatures();
    },
    loadConfigFeatures,
    get createToken() {
      return createTokenDeps(services).createToken;
    },
    createFormOptions: () => CreateTokenPanel.current?.options,
  };
}
