/**
 * Defence in depth for logs and messages: removes anything that looks like a
 * Telegraf Controller token value (`tc-apiv1_…`, MODEL.md Part A "Tokens"),
 * a bearer/token authorization header value, or a cookie value.
 */

const TOKEN_VALUE = /tc-apiv1_[A-Za-z0-9._~+/=-]*/g;
const AUTH_HEADER = /\b(Bearer|Token)\s+[A-Za-z0-9_\-.~+/=]{8,}/g;
const COOKIE = /\b(cookie|set-cookie)(["']?\s*[:=]\s*["']?)[^\s"';,]+/gi;

/**
 * Returns `text` with token values replaced by `tc-apiv1_…`,
 * `Bearer <x>` / `Token <x>` by `Bearer [redacted]`, and cookie values by
 * `[redacted]`. Pure; never throws.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(TOKEN_VALUE, 'tc-apiv1_…')
    .replace(AUTH_HEADER, '$1 [redacted]')
    .replace(COOKIE, '$1$2[redacted]');
}
