/**
 * Defence in depth for logs and messages: removes anything that looks like a
 * Telegraf Controller token value (`tc-apiv1_…`, docs/api-contract.md "Tokens"),
 * a bearer/token authorization header value, or a cookie value.
 */

// At least 4 characters after `tc-apiv1_`: a token's 12-character prefix (`tc-apiv1_` + 3, shown in lists and
// confirmations so the user can tell tokens apart; docs/api-contract.md "Shapes") is no secret and stays readable.
const TOKEN_VALUE = /tc-apiv1_[A-Za-z0-9._~+/=-]{4,}/g;
const AUTH_HEADER = /\b(Bearer|Token)\s+[A-Za-z0-9_\-.~+/=]{8,}/g;
const COOKIE = /\b(cookie|set-cookie)(["']?\s*[:=]\s*["']?)[^\s"';,]+/gi;

/** Shortest remembered secret that is redacted (a shorter one would blank ordinary words). */
export const MIN_REMEMBERED_LENGTH = 4;

/** At most this many secrets are remembered; the oldest is dropped first. */
const MAX_REMEMBERED = 64;

/** Secrets in play (a password just typed, a session id) → until when (epoch ms) they are redacted. In memory only. */
const remembered = new Map<string, number>();

/**
 * Remembers `value` so that {@link redactSecrets} replaces it by `[redacted]`
 * wherever it appears (a server message that echoes the password just typed or
 * the session id), for `ttlMs` (default: until {@link forgetSecret}). Kept in
 * memory only; values shorter than {@link MIN_REMEMBERED_LENGTH} are ignored.
 */
export function rememberSecret(value: string, ttlMs = Number.POSITIVE_INFINITY, now = Date.now()): void {
  if (value.length < MIN_REMEMBERED_LENGTH) return;
  remembered.delete(value);
  remembered.set(value, now + ttlMs);
  while (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
}

/** Stops redacting `value` (see {@link rememberSecret}). */
export function forgetSecret(value: string): void {
  remembered.delete(value);
}

/** Remembers each cookie value of a `Cookie` header (`a=1; b=2`): the session id(s). */
export function rememberCookieValues(cookieHeader: string): void {
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) rememberSecret(pair.slice(eq + 1).trim());
  }
}

function redactRemembered(text: string, now: number): string {
  if (remembered.size === 0) return text;
  const live: string[] = [];
  for (const [v, until] of remembered) {
    if (until <= now) remembered.delete(v);
    else live.push(v);
  }
  live.sort((a, b) => b.length - a.length);
  for (const v of live) if (text.includes(v)) text = text.split(v).join('[redacted]');
  return text;
}

/**
 * Returns `text` with remembered secrets (see {@link rememberSecret}: the
 * password just typed, the session id) replaced by `[redacted]`, token values
 * by `tc-apiv1_…`, `Bearer <x>` / `Token <x>` by `Bearer [redacted]`, and
 * cookie values by `[redacted]`. Every log line and every message shown passes
 * here (src/infra/logger.ts, src/infra/ui.ts, the API client's error
 * messages). Never throws.
 */
export function redactSecrets(text: string): string {
  return redactRemembered(text, Date.now()).replace(TOKEN_VALUE, 'tc-apiv1_…').replace(AUTH_HEADER, '$1 [redacted]').replace(COOKIE, '$1$2[redacted]');
}
