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
} as const;

/** Name of the log output channel. */
export const LOG_CHANNEL_NAME = 'Telegraf Controller';
