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
 * True when a failed request that changes state may nevertheless have been
 * applied: it reached the controller (no DNS, refused, TLS or proxy failure,
 * no connect timeout) and no definite answer came back.
 */
export function mayHaveBeenApplied(e: ControllerError): boolean {
  if (e.kind === 'timeout') return !hasCode(e, 'UND_ERR_CONNECT_TIMEOUT');
  if (e.kind === 'network') return true;
  if (e.kind === 'protocol') return e.status === undefined || (e.status >= 200 && e.status < 300);
  if (e.kind === 'server') return e.status === 502 || e.status === 504;
  return false;
}

function hasCode(e: unknown, code: string, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const o = e as { code?: unknown; cause?: unknown };
  return o.code === code || hasCode(o.cause, code, depth + 1);
}
