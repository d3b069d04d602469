/**
 * Every identifier the extension shares with package.json: command, view,
 * context-key, setting and secret ids. Kept in one place so a test can check
 * that package.json and the code agree.
 */

/** Extension-wide prefix of commands, settings and context keys. */
export const PREFIX = 'telegrafController';

/** Command ids (package.json `contributes.commands`). */
export const Commands = {
  connect: 'telegrafController.connect',
  signIn: 'telegrafController.signIn',
  signOut: 'telegrafController.signOut',
  refresh: 'telegrafController.refresh',
  createToken: 'telegrafController.createToken',
  revokeToken: 'telegrafController.revokeToken',
  deleteToken: 'telegrafController.deleteToken',
  copyTokenId: 'telegrafController.copyTokenId',
  copyTokenValue: 'telegrafController.copyTokenValue',
  insertToken: 'telegrafController.insertToken',
  showLog: 'telegrafController.showLog',
  // Connections
  addConnection: 'telegrafController.addConnection',
  renameConnection: 'telegrafController.renameConnection',
  removeConnection: 'telegrafController.removeConnection',
  setActiveConnection: 'telegrafController.setActiveConnection',
  // Explorer view state
  groupByNone: 'telegrafController.groupByNone',
  groupByStatus: 'telegrafController.groupByStatus',
  groupByOwner: 'telegrafController.groupByOwner',
  sortByCreated: 'telegrafController.sortByCreated',
  sortByExpires: 'telegrafController.sortByExpires',
  sortByDescription: 'telegrafController.sortByDescription',
  filterTokens: 'telegrafController.filterTokens',
  clearFilter: 'telegrafController.clearFilter',
  /** Hides or shows revoked tokens in the Tokens view (status filter; checked while hidden). */
  toggleHideRevoked: 'telegrafController.toggleHideRevoked',
  /** Internal (Delete key in the Tokens view): deletes the selected tokens after one confirmation. */
  deleteSelectedTokens: 'telegrafController.deleteSelectedTokens',
  /** Internal (tree menu, several rows selected): Revoke with the selection, under a plural title. */
  revokeSelectedTokens: 'telegrafController.revokeSelectedTokens',
  /** Internal (tree menu, several rows selected): Delete with the selection, under a plural title. */
  deleteSelectedTokensMenu: 'telegrafController.deleteSelectedTokensMenu',
  /** Internal (tree menu, several rows selected): Reassign with the selection, under a plural title. */
  reassignSelectedTokens: 'telegrafController.reassignSelectedTokens',
  /** Internal (Enter in the Tokens view): opens the details of the focused token. */
  openSelectedToken: 'telegrafController.openSelectedToken',
  /** Internal (Ctrl+C / Cmd+C in the Tokens view): copies the focused token's value when stored, else its ID. */
  copySelectedToken: 'telegrafController.copySelectedToken',
  /** Internal (tree "Show more…" row): shows the next items of a long list. */
  loadMore: 'telegrafController.loadMore',
  // Token actions
  reassignToken: 'telegrafController.reassignToken',
  copyTokenPrefix: 'telegrafController.copyTokenPrefix',
  showTokenDetails: 'telegrafController.showTokenDetails',
  showExpiringTokens: 'telegrafController.showExpiringTokens',
  /** Internal (tree menu): makes the token's connection active, then runs Insert Token into Config. */
  insertTokenFromTree: 'telegrafController.insertTokenFromTree',
  /** Internal (tree menu): makes the token's connection active, then runs Rotate Token. */
  rotateTokenFromTree: 'telegrafController.rotateTokenFromTree',
  testToken: 'telegrafController.testToken',
  rotateToken: 'telegrafController.rotateToken',
  checkConfigTokens: 'telegrafController.checkConfigTokens',
  checkConfigWithTelegraf: 'telegrafController.checkConfigWithTelegraf',
  /** Internal (CodeLens): puts the cursor into an `[[outputs.heartbeat]]` and runs insertToken. */
  setHeartbeatToken: 'telegrafController.setHeartbeatToken',
  /** Internal (completion): follow-up after a token item of `token = ` completion was accepted. */
  completionFollowUp: 'telegrafController.completionFollowUp',
  /** Internal (quick fix): follow-up after a plaintext token was replaced with the env reference. */
  plaintextReplacedFollowUp: 'telegrafController.plaintextReplacedFollowUp',
  /** Internal (quick fix): replaces a plaintext token with a secret-store reference. */
  replaceWithSecretReference: 'telegrafController.replaceWithSecretReference',
  /** Internal (quick fix): leak response, revokes a plaintext token on the server and replaces it. */
  revokeAndReplace: 'telegrafController.revokeAndReplace',
  // Starting an agent from a controller config
  showConfigurations: 'telegrafController.showConfigurations',
  copyAgentStartCommand: 'telegrafController.copyAgentStartCommand',
  testAgentStart: 'telegrafController.testAgentStart',
  // Deployment files (Compose, Kubernetes, Helm, systemd, env files, Windows)
  addTokenToDeployment: 'telegrafController.addTokenToDeployment',
  /** Internal (quick fix): applies a deployment-file fix (reference + value into a 0600 env file). */
  applyDeploymentFix: 'telegrafController.applyDeploymentFix',
  /** Internal (quick fix): leak response for a token in a deployment file. */
  revokeAndReplaceInDeployment: 'telegrafController.revokeAndReplaceInDeployment',
} as const;

/** View ids (package.json `contributes.views`). */
export const Views = {
  container: 'telegrafController',
  tokens: 'telegrafController.tokens',
} as const;

/** Context keys used in `when` clauses. */
export const ContextKeys = {
  /** `needsServer` | `needsSignIn` | `ready` | `error` (drives the welcome views). */
  state: 'telegrafController.state',
  /** True when the signed-in user may create tokens (not a Viewer). */
  canCreate: 'telegrafController.canCreate',
  /** Explorer grouping: `none` | `status` | `owner`. */
  groupBy: 'telegrafController.groupBy',
  /** Explorer sort order: `created` | `expires` | `description`. */
  sortBy: 'telegrafController.sortBy',
  /** True while a token filter is active. */
  filterActive: 'telegrafController.filterActive',
  /** True while revoked tokens are hidden (status filter). */
  hideRevoked: 'telegrafController.hideRevoked',
  /** True when any signed-in connection is an Owner/Administrator (grouping by owner, reassign). */
  anyAdmin: 'telegrafController.anyAdmin',
  /** Number of configured connections. */
  connectionCount: 'telegrafController.connectionCount',
  /** True when the active connection was signed out by the controller (401), not merely never signed in. */
  sessionEnded: 'telegrafController.sessionEnded',
} as const;

/** Values of the {@link ContextKeys.state} context key. */
export type ViewState = 'needsServer' | 'needsSignIn' | 'ready' | 'error';

/** Setting ids (package.json `contributes.configuration`), without the prefix. */
export const Settings = {
  url: 'url',
  caFile: 'caFile',
  allowUntrustedCertificates: 'allowUntrustedCertificates',
  requestTimeoutMs: 'requestTimeoutMs',
  connectTimeoutMs: 'connectTimeoutMs',
  envVarName: 'envVarName',
  clipboardClearSeconds: 'clipboardClearSeconds',
  connections: 'connections',
  expiryWarningDays: 'expiryWarningDays',
  heartbeatPort: 'heartbeatPort',
  autoRefreshSeconds: 'autoRefreshSeconds',
  checkConfigTokens: 'checkConfigTokens',
  telegrafPath: 'telegrafPath',
  checkConfigOnSave: 'checkConfigOnSave',
} as const;

/** Name of the log output channel. */
export const LOG_CHANNEL_NAME = 'Telegraf Controller';

/** URI scheme of token items (`resourceUri`, for file decorations) and of the read-only token details documents. */
export const TOKEN_URI_SCHEME = 'telegraf-controller-token';

/** Id of the authentication provider (Accounts menu). */
export const AUTH_PROVIDER_ID = 'telegrafController';
