/**
 * Typed errors of the controller client. Every failure of `ControllerClient`
 * is a `ControllerError` with a `kind` a caller can switch on and a
 * `userMessage` sentence to show a person.
 *
 * Messages never contain a token value, cookie or password: they are built
 * from the kind, the HTTP status, the route template and the server's
 * `message` field (which the server never fills with a secret).
 *
 * Source of the 401 kinds: docs/api-contract.md "Authentication".
 * No `vscode` import.
 */

/** What went wrong, coarse enough to decide what to do next. */
export type ErrorKind =
  /** 401 `Missing or invalid Authorization header`: no credential was sent or accepted. */
  | 'missing-auth'
  /** 401 `Invalid token format`: the stored token does not start with `tc-apiv1_`. */
  | 'invalid-token-format'
  /** 401 `Invalid token`: unknown, revoked, deleted, or its user disabled. */
  | 'invalid-token'
  /** 401 `Token expired`. */
  | 'token-expired'
  /** 401 while signed in with a session cookie: the session ended. */
  | 'session-expired'
  /** 403: the role or token lacks the permission. */
  | 'forbidden'
  /** 404 for an item (token, user, config) the route names. */
  | 'not-found'
  /** 404 for the route itself: this controller has no such endpoint (another version, or a proxy in front). Not a missing item. */
  | 'route-missing'
  /** 400 (see `fieldErrors`). */
  | 'validation'
  /** 409. */
  | 'conflict'
  /** 423: the account is locked after failed logins. */
  | 'locked'
  /** 429 (see `retryAfterMs`). */
  | 'rate-limited'
  /** 5xx, or another unexpected status. */
  | 'server'
  /** Any other transport failure (connection reset, socket closed early). */
  | 'network'
  /** The host name does not resolve. */
  | 'dns'
  /** Nothing listens on the port. */
  | 'connection-refused'
  /** Connect or response timeout. */
  | 'timeout'
  /** Certificate or handshake failure. */
  | 'tls'
  /** The answer is not what the contract says: non-JSON, truncated, wrong shape, an HTML page. */
  | 'protocol'
  /** The configured proxy refused or failed the request. */
  | 'proxy';

/** Constructor fields of a `ControllerError`. */
export interface ControllerErrorInit {
  kind: ErrorKind;
  /** Sentence for a person. */
  userMessage: string;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** The server's `message` (or `error`) field, verbatim. */
  serverMessage?: string;
  /** Delay the server asked for (429 / 503 `Retry-After`), in ms. */
  retryAfterMs?: number;
  /** 400 field errors: field name (dot path) → message. */
  fieldErrors?: Record<string, string>;
  /** `METHOD /path/template` of the request, e.g. `POST /api/tokens/:id/revoke` (never carries a query or secret). */
  route?: string;
  /** Underlying error (kept for the log; its message may be technical). */
  cause?: unknown;
  /** True when a request that changes state may have been applied although no usable answer arrived (see `ControllerError.outcomeUnknown`). */
  outcomeUnknown?: boolean;
}

/**
 * Every failure of the controller client. `message` (for logs) is
 * `"<route>: <kind>[ <status>]: <userMessage>"`; `userMessage` is for people.
 */
export class ControllerError extends Error {
  /** What went wrong. */
  readonly kind: ErrorKind;
  /** HTTP status, when an answer arrived. */
  readonly status?: number;
  /** The server's own message, verbatim (e.g. `Token expired`). */
  readonly serverMessage?: string;
  /** A sentence for a person, saying what happened and, where possible, what to do. */
  readonly userMessage: string;
  /** Delay the server asked for before retrying, in ms (from `Retry-After`). */
  readonly retryAfterMs?: number;
  /** 400 field errors: field name → message. */
  readonly fieldErrors?: Record<string, string>;
  /** `METHOD /path/template` of the failed request. */
  readonly route?: string;
  /**
   * True when the request changes state (POST/DELETE), reached the
   * controller, and may have been applied although no usable answer came
   * back: a timeout after sending, a connection closed mid-answer, a 2xx
   * whose body was cut off, a 502/504 from a gateway. The caller checks the
   * server (e.g. `findCreatedTokens`) instead of telling the user to retry.
   */
  readonly outcomeUnknown: boolean;

  constructor(init: ControllerErrorInit) {
    super(
      `${init.route ? `${init.route}: ` : ''}${init.kind}${init.status !== undefined ? ` ${init.status}` : ''}: ${init.userMessage}`,
      init.cause !== undefined ? { cause: init.cause } : undefined,
    );
    this.name = 'ControllerError';
    this.kind = init.kind;
    this.userMessage = init.userMessage;
    if (init.status !== undefined) this.status = init.status;
    if (init.serverMessage !== undefined) this.serverMessage = init.serverMessage;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.fieldErrors !== undefined) this.fieldErrors = init.fieldErrors;
    if (init.route !== undefined) this.route = init.route;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}

/** Kinds that mean "the credential is not accepted: sign in again / set a new token". */
export const AUTH_FAILURE_KINDS: readonly ErrorKind[] = ['missing-auth', 'invalid-token-format', 'invalid-token', 'token-expired', 'session-expired'];

/** True when `e` is a `ControllerError` of a 401 class that means "sign in again". */
export function isAuthFailure(e: unknown): boolean {
  return e instanceof ControllerError && AUTH_FAILURE_KINDS.includes(e.kind);
}

/** True when `e` is a `ControllerError` (narrowing helper). */
export function isControllerError(e: unknown): e is ControllerError {
  return e instanceof ControllerError;
}

/** True for failures where the same request may succeed later (network-ish, 429, 5xx). */
export function isTransient(e: unknown): boolean {
  return (
    e instanceof ControllerError &&
    (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'connection-refused' || e.kind === 'rate-limited' || e.kind === 'server')
  );
}

/**
 * Default sentence for each kind, used when nothing more specific is known.
 * Callers may prefer the server's message for `validation`/`conflict`.
 */
export const DEFAULT_USER_MESSAGES: Readonly<Record<ErrorKind, string>> = {
  'missing-auth': 'The controller did not accept the request because no credential was sent. Sign in again.',
  'invalid-token-format': 'The stored API token is not a Telegraf Controller token (it must start with tc-apiv1_). Set a new token.',
  'invalid-token': 'The controller rejected the API token: it is unknown, revoked or deleted, or its user is disabled. Sign in again or set a new token.',
  'token-expired': 'The API token has expired. Sign in again or set a new token.',
  'session-expired': 'Your session with the controller has ended. Sign in again.',
  forbidden: 'Your role or token does not allow this action on the controller.',
  'not-found': 'The controller does not know this item; it may have been deleted.',
  'route-missing': 'The controller does not offer this request (HTTP 404 for the route itself); it may run a different version than this extension expects.',
  validation: 'The controller rejected the request as invalid.',
  conflict: 'The controller reported a conflict with the current state; refresh and try again.',
  locked: 'The account is locked after too many failed sign-in attempts. Wait 15 minutes or ask an administrator.',
  'rate-limited': 'The controller is receiving too many requests. Try again shortly.',
  server: 'The controller reported an internal error. Try again later, or check the controller logs.',
  network: 'The connection to the controller failed. Check the network and the controller URL.',
  dns: 'The controller host name could not be resolved. Check telegrafController.url.',
  'connection-refused': 'Nothing is answering at the controller URL. Check that the controller is running and telegrafController.url is correct.',
  timeout: 'The controller did not answer in time. Check that it is reachable, or raise the timeout.',
  tls: "The controller's certificate is not trusted. Set telegrafController.caFile to your CA's PEM file, or (not recommended) allow an untrusted certificate for this connection.",
  protocol: 'The controller answered in a format this version does not understand.',
  proxy: 'The proxy refused or failed the connection to the controller. Check HTTPS_PROXY / http.proxy and NO_PROXY.',
};
