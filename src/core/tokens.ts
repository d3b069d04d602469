/**
 * Token status and expiry as the explorer shows them. Pure: times are passed in
 * as UTC ms (`now`) and read from the token's RFC 3339 UTC strings.
 *
 * Source: docs/api-contract.md "Tokens" (states Active/Revoked; an active token past
 * its expiration is rejected with `Token expired`) and Part B `Token`.
 */

/** Minimal token shape these helpers need (a subset of the contract's `Token`). */
export interface TokenTimes {
  readonly status: 'active' | 'revoked';
  /** RFC 3339 UTC string, or null = never expires. */
  readonly expiresAt: string | null;
  readonly revokedAt?: string | null;
}

/** Status shown to the user: the server's status, with `expired` and `expiring` derived from the clock. */
export type DisplayStatus = 'active' | 'expiring' | 'expired' | 'revoked';

/** Default "expiring soon" window: 7 days, in ms. */
export const DEFAULT_EXPIRING_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * The display status of a token at `now` (UTC ms): `revoked` wins, then
 * `expired` (expiresAt ≤ now), then `expiring` (within `windowMs`), else `active`.
 * An unparsable `expiresAt` is treated as never expiring.
 */
export function displayStatus(token: TokenTimes, now: number, windowMs = DEFAULT_EXPIRING_WINDOW_MS): DisplayStatus {
  if (token.status === 'revoked') return 'revoked';
  const exp = parseTime(token.expiresAt);
  if (exp === undefined) return 'active';
  if (exp <= now) return 'expired';
  if (exp - now <= windowMs) return 'expiring';
  return 'active';
}

/** Parses an RFC 3339 string to UTC ms; `undefined` for null/empty/invalid. */
export function parseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A unit of `RelativeParts`, largest first. */
export type TimeUnit = 'year' | 'month' | 'day' | 'hour' | 'minute';

/**
 * A duration as data, for the UI to put into words: `count` `unit`s
 * (rounded to the nearest, see {@link relativeParts}), in the future when
 * `future`; undefined under 30 seconds ("just now").
 */
export interface RelativeParts {
  count: number;
  unit: TimeUnit;
  future: boolean;
}

const UNITS: Array<[number, TimeUnit]> = [
  [365 * 24 * 3600e3, 'year'],
  [30 * 24 * 3600e3, 'month'],
  [24 * 3600e3, 'day'],
  [3600e3, 'hour'],
  [60e3, 'minute'],
];

/**
 * `deltaMs` (positive: in the future) in its largest unit, rounded to the
 * nearest: a token made a few seconds ago to last 7 days expires "in 7 days",
 * not "in 6 days". A unit is used from half of the next smaller unit short
 * of one (23 h 30 min is "1 day", 59 min 30 s is "1 hour"); undefined under
 * 30 seconds ("just now").
 */
export function relativeParts(deltaMs: number): RelativeParts | undefined {
  const abs = Math.abs(deltaMs);
  for (let i = 0; i < UNITS.length; i++) {
    const [size, unit] = UNITS[i]!;
    const slack = (UNITS[i + 1]?.[0] ?? 60e3) / 2;
    if (abs >= size - slack) return { count: Math.max(1, Math.round(abs / size)), unit, future: deltaMs >= 0 };
  }
  return undefined;
}

/**
 * A short relative phrase in English for a duration in ms: `in 12 days`,
 * `3 hours ago`, `in 5 minutes`, `just now` (core messages and logs; the UI
 * uses `relativeLabel` of services/words.ts, localized).
 */
export function relativeTime(deltaMs: number): string {
  const p = relativeParts(deltaMs);
  if (!p) return 'just now';
  const phrase = `${p.count} ${p.unit}${p.count === 1 ? '' : 's'}`;
  return p.future ? `in ${phrase}` : `${phrase} ago`;
}

/**
 * A token's expiry as data: `never` expires, `expires`/`expired` at `at`, or
 * `revoked` at `at` (undefined when the controller gives no time); UTC ms.
 */
export type ExpiryParts = { kind: 'never' } | { kind: 'expires' | 'expired'; at: number } | { kind: 'revoked'; at: number | undefined };

/** The expiry of `token` at `now` as data (see `ExpiryParts`). */
export function expiryParts(token: TokenTimes, now: number): ExpiryParts {
  if (token.status === 'revoked') return { kind: 'revoked', at: parseTime(token.revokedAt ?? null) };
  const exp = parseTime(token.expiresAt);
  if (exp === undefined) return { kind: 'never' };
  return { kind: exp <= now ? 'expired' : 'expires', at: exp };
}

/**
 * The expiry phrase in English: `never expires`, `expires in 12 days`,
 * `expired 3 days ago`, or `revoked 2 hours ago` for revoked tokens (the UI
 * uses `expiryLabel` of services/words.ts, localized).
 */
export function expiryText(token: TokenTimes, now: number): string {
  const e = expiryParts(token, now);
  switch (e.kind) {
    case 'never':
      return 'never expires';
    case 'revoked':
      return e.at === undefined ? 'revoked' : `revoked ${relativeTime(e.at - now)}`;
    default:
      return `${e.kind} ${relativeTime(e.at - now)}`;
  }
}

/**
 * The expiry phrase for text that stays on screen after it is computed
 * (diagnostics in Problems): the moment itself, never an age that goes stale,
 * so it agrees with the explorer whenever it is read. `never expires`,
 * `expires on 2026-12-09 14:03 UTC`, `expired on …`, `revoked on …` (or
 * `revoked` when the controller gives no time).
 */
export function expiryFact(token: TokenTimes, now: number): string {
  if (token.status === 'revoked') {
    const at = parseTime(token.revokedAt ?? null);
    return at === undefined ? 'revoked' : `revoked on ${formatUtc(at)}`;
  }
  const exp = parseTime(token.expiresAt);
  if (exp === undefined) return 'never expires';
  return exp <= now ? `expired on ${formatUtc(exp)}` : `expires on ${formatUtc(exp)}`;
}

/** Formats UTC ms as `2026-12-09 14:03 UTC`. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
