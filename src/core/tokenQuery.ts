/**
 * The token explorer's list: sorting, grouping (none / by status / by owner),
 * the filter applied, windowing of long lists, the "permissions narrow on
 * reassign" preview, bulk-result summaries and the "stored tokens expiring
 * soon" selection. No `vscode` import: unit-tested with node:test. The view
 * state and filter syntax are in `explorerModel.ts` (loaded at activation;
 * this module is loaded with the tree, see esbuild.mjs).
 *
 * Times: `now` and windows are UTC ms; token times are the contract's RFC 3339
 * UTC strings (docs/api-contract.md `Token`).
 */
import type { BulkResult, Token } from './api/contract';
import { matchesFilter, type ExplorerViewState, type GroupBy, type SortBy } from './explorerModel';
import { ACTIONS, RESOURCES, countPermissions, effectivePermissions, hasPermission, normalizePermissions, type Permissions, type Role } from './permissions';
import { displayStatus, parseTime, DEFAULT_EXPIRING_WINDOW_MS, type DisplayStatus } from './tokens';

// ---------------------------------------------------------------------------
// Sorting and grouping
// ---------------------------------------------------------------------------

let collatorInstance: Intl.Collator | undefined;
/** The description/label collator, created on first use (building it at module load costs activation time). */
function collator(): Intl.Collator {
  return (collatorInstance ??= new Intl.Collator('en', { sensitivity: 'base', numeric: true }));
}

/**
 * A sorted copy of `tokens`: `created` newest first; `expires` soonest first, revoked tokens after the active ones
 * (never-expiring last); `description` A→Z (case-insensitive, numeric-aware).
 * Ties: newest first, then id, so the order is stable across reloads.
 */
export function sortTokens(tokens: readonly Token[], sortBy: SortBy): Token[] {
  const created = (t: Token) => parseTime(t.createdAt) ?? 0;
  const tie = (a: Token, b: Token) => created(b) - created(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const out = [...tokens];
  switch (sortBy) {
    case 'created':
      return out.sort(tie);
    case 'expires': {
      // Revoked tokens are no longer "about to expire": they come after every active one (then by expiry).
      const exp = (t: Token) => (t.status === 'revoked' ? 2 * 8.64e15 : 0) + (parseTime(t.expiresAt) ?? 8.64e15);
      return out.sort((a, b) => {
        const x = exp(a);
        const y = exp(b);
        return x === y ? tie(a, b) : x < y ? -1 : 1;
      });
    }
    case 'description':
      return out.sort((a, b) => collator().compare(a.description, b.description) || tie(a, b));
  }
}

/** Labels of the status groups, in display order (docs/api-contract.md "States" plus the derived expiry states). */
export const STATUS_GROUPS: ReadonlyArray<{ status: DisplayStatus; label: string }> = [
  { status: 'active', label: 'Active' },
  { status: 'expiring', label: 'Expiring soon' },
  { status: 'expired', label: 'Expired' },
  { status: 'revoked', label: 'Revoked' },
];

/** A group of the explorer: a stable key (`status:active`, `owner:<userId>`, `all`), a label and its tokens in display order. */
export interface TokenGroup {
  key: string;
  label: string;
  tokens: Token[];
}

/**
 * Splits already-sorted tokens into groups, keeping their order inside each
 * group. `none` → one group `all`; `status` → the non-empty groups of
 * {@link STATUS_GROUPS} in that order (status at `now`, "expiring" within
 * `windowMs`); `owner` → one group per owner (`userId`), by user name A→Z.
 */
export function groupTokens(sorted: readonly Token[], groupBy: GroupBy, now: number, windowMs = DEFAULT_EXPIRING_WINDOW_MS): TokenGroup[] {
  if (groupBy === 'none') return [{ key: 'all', label: 'All tokens', tokens: [...sorted] }];
  if (groupBy === 'status') {
    const by = new Map<DisplayStatus, Token[]>();
    for (const t of sorted) {
      const s = displayStatus(t, now, windowMs);
      let list = by.get(s);
      if (!list) by.set(s, (list = []));
      list.push(t);
    }
    return STATUS_GROUPS.filter((g) => by.has(g.status)).map((g) => ({ key: `status:${g.status}`, label: g.label, tokens: by.get(g.status)! }));
  }
  const by = new Map<string, TokenGroup>();
  for (const t of sorted) {
    let g = by.get(t.userId);
    if (!g) by.set(t.userId, (g = { key: `owner:${t.userId}`, label: t.username || t.userId, tokens: [] }));
    g.tokens.push(t);
  }
  return [...by.values()].sort((a, b) => collator().compare(a.label, b.label) || (a.key < b.key ? -1 : 1));
}

/** Result of {@link queryTokens}: how many tokens there are, how many pass the filter, and the groups to show. */
export interface TokenQueryResult {
  total: number;
  matched: number;
  groups: TokenGroup[];
}

/** Filter, then sort, then group: the whole pipeline of the explorer for one connection. */
export function queryTokens(tokens: readonly Token[], state: ExplorerViewState, now: number, windowMs = DEFAULT_EXPIRING_WINDOW_MS): TokenQueryResult {
  const matched =
    state.filter || state.hideRevoked ? tokens.filter((t) => !(state.hideRevoked && t.status === 'revoked') && matchesFilter(t, state.filter)) : tokens;
  return { total: tokens.length, matched: matched.length, groups: groupTokens(sortTokens(matched, state.sortBy), state.groupBy, now, windowMs) };
}

// ---------------------------------------------------------------------------
// Reassign preview
// ---------------------------------------------------------------------------

/** What reassigning a token to a user of `role` does to its permissions (docs/api-contract.md "Reassign": narrowed to the new owner's role). */
export interface ReassignPreview {
  /** Effective permissions after the move. */
  effective: Permissions;
  /** `resource:action` pairs the token loses, in grid order. */
  removed: string[];
  /** Number of pairs kept, and before. */
  kept: number;
  before: number;
  /** True when nothing would remain (the controller refuses such a move with 409). */
  empty: boolean;
}

/** Computes {@link ReassignPreview} with `effectivePermissions` (the same rule the controller applies). */
export function reassignPreview(current: Permissions, role: Role): ReassignPreview {
  const before = normalizePermissions(current);
  const effective = effectivePermissions(before, role);
  const removed: string[] = [];
  for (const r of RESOURCES) {
    for (const a of ACTIONS) if (hasPermission(before, r.id, a) && !hasPermission(effective, r.id, a)) removed.push(`${r.id}:${a}`);
  }
  const kept = countPermissions(effective);
  return { effective, removed, kept, before: countPermissions(before), empty: kept === 0 };
}

/**
 * One line saying how the permissions of `tokens` would narrow for a target
 * of `role`: `keeps all 2 permissions`, `narrows to 9 of 26 — loses
 * users:write, users:delete, +15 more`, `none of its permissions fit a
 * viewer: cannot be reassigned`; for several tokens a count of each case.
 */
export function describeReassign(tokens: ReadonlyArray<Pick<Token, 'permissions'>>, role: Role, maxListed = 3): string {
  const previews = tokens.map((t) => reassignPreview(t.permissions, role));
  if (previews.length === 1) {
    const p = previews[0]!;
    if (p.empty) return `none of its permissions fit a ${role}: cannot be reassigned`;
    if (p.removed.length === 0) return `keeps all ${p.before} permission${p.before === 1 ? '' : 's'}`;
    const listed = p.removed.slice(0, maxListed).join(', ');
    const more = p.removed.length > maxListed ? `, +${p.removed.length - maxListed} more` : '';
    return `narrows to ${p.kept} of ${p.before} — loses ${listed}${more}`;
  }
  const narrowed = previews.filter((p) => !p.empty && p.removed.length > 0).length;
  const blocked = previews.filter((p) => p.empty).length;
  const same = previews.length - narrowed - blocked;
  const parts = [];
  if (same) parts.push(`${same} keep${same === 1 ? 's' : ''} all permissions`);
  if (narrowed) parts.push(`${narrowed} narrowed to the ${role} role`);
  if (blocked) parts.push(`${blocked} cannot move (nothing fits a ${role})`);
  return parts.join(', ');
}

// ---------------------------------------------------------------------------
// Bulk results
// ---------------------------------------------------------------------------

/** Per-token outcome of a bulk action: ids that succeeded, and failures with the controller's reason. */
export interface BulkSummary {
  ok: string[];
  failed: Array<{ id: string; error: string }>;
}

/**
 * Matches the controller's per-id results (docs/api-contract.md bulk routes) to the
 * ids that were sent. An id without a result counts as failed ("no result"),
 * results for ids that were not sent are ignored.
 */
export function summarizeBulk(ids: readonly string[], results: readonly BulkResult[]): BulkSummary {
  const byId = new Map(results.map((r) => [r.id, r]));
  const out: BulkSummary = { ok: [], failed: [] };
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) out.failed.push({ id, error: 'The controller returned no result for this token.' });
    else if (r.ok) out.ok.push(id);
    else out.failed.push({ id, error: r.error || 'failed' });
  }
  return out;
}

/** Adds `b` to `a` (for bulk work sent in chunks). */
export function mergeBulk(a: BulkSummary, b: BulkSummary): BulkSummary {
  return { ok: [...a.ok, ...b.ok], failed: [...a.failed, ...b.failed] };
}

/** Splits `items` into chunks of at most `size` (≥ 1). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

// ---------------------------------------------------------------------------
// Expiry awareness
// ---------------------------------------------------------------------------

/** Minimal shape of a stored-token reference (the SecretVault index; no value). */
export interface ExpiringCandidate {
  id: string;
  /** RFC 3339 UTC string or null (never expires). */
  expiresAt: string | null;
}

/**
 * The stored tokens that expire within `windowMs` of `now` (UTC ms), including
 * those already expired, soonest first; ids in `exclude` (e.g. known to be
 * revoked or deleted on the server) are left out.
 */
export function expiringWithin<T extends ExpiringCandidate>(refs: readonly T[], now: number, windowMs: number, exclude: ReadonlySet<string> = new Set()): T[] {
  return refs
    .filter((r) => !exclude.has(r.id))
    .map((r) => ({ r, at: parseTime(r.expiresAt) }))
    .filter((x): x is { r: T; at: number } => x.at !== undefined && x.at - now <= windowMs)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.r);
}

/**
 * Days (≥ 0) until `expiresAt`, as the expiry phrase counts them
 * (rounded as `relativeParts` of core/tokens.ts does: "expires in 7 days" is a 7d badge,
 * "expires in 22 hours" 0d); 0 when already expired; undefined for never.
 */
export function daysLeft(expiresAt: string | null, now: number): number | undefined {
  const at = parseTime(expiresAt);
  if (at === undefined) return undefined;
  const days = (at - now) / (24 * 3600 * 1000);
  // From 23 h 30 min, as relativeParts starts saying "1 day".
  return days < 1 - 1 / 48 ? 0 : Math.round(days);
}

/** Windowing of long lists in the tree: the first `limit` items and how many are left. */
export function windowed<T>(items: readonly T[], limit: number): { shown: T[]; remaining: number } {
  const n = Math.max(0, Math.floor(limit));
  return { shown: items.slice(0, n), remaining: Math.max(0, items.length - n) };
}
