/**
 * The pure model of the token explorer: filter syntax, matching, sorting,
 * grouping (none / by status / by owner), the "permissions narrow on
 * reassign" preview, bulk-result summaries and the "stored tokens expiring
 * soon" selection. No `vscode` import: unit-tested with node:test.
 *
 * Times: `now` and windows are UTC ms; token times are the contract's RFC 3339
 * UTC strings (MODEL.md Part B `Token`).
 */
import type { BulkResult, Token } from './api/contract';
import {
  ACTIONS,
  RESOURCES,
  countPermissions,
  effectivePermissions,
  hasPermission,
  normalizePermissions,
  type Action,
  type Permissions,
  type ResourceId,
  type Role,
} from './permissions';
import { displayStatus, parseTime, DEFAULT_EXPIRING_WINDOW_MS, type DisplayStatus } from './tokens';
import { TOKEN_PREFIX_LENGTH, TOKEN_VALUE_PREFIX } from './api/contract';

// ---------------------------------------------------------------------------
// View state
// ---------------------------------------------------------------------------

/** How the explorer groups tokens. `owner` is meant for Owners/Administrators (who see every user's tokens). */
export type GroupBy = 'none' | 'status' | 'owner';

/** How tokens are ordered inside a group: newest first, soonest expiry first, or by description (A→Z). */
export type SortBy = 'created' | 'expires' | 'description';

/** Every grouping, in menu order. */
export const GROUP_BYS: readonly GroupBy[] = ['none', 'status', 'owner'];
/** Every sort order, in menu order. */
export const SORT_BYS: readonly SortBy[] = ['created', 'expires', 'description'];

/** A permission a filter asks for, e.g. `heartbeat:write`. */
export interface PermissionTerm {
  resource: ResourceId;
  action: Action;
}

/**
 * A token filter. Every present field must match (AND):
 * - `text`: words that must all occur in the description (case-insensitive);
 * - `owner`: occurs in the owner's user name (case-insensitive);
 * - `prefix`: the start of the token's public prefix (`tc-apiv1_` optional);
 * - `permission`: the token's effective permissions grant it.
 */
export interface TokenFilter {
  text?: string;
  owner?: string;
  prefix?: string;
  permission?: PermissionTerm;
}

/** What the explorer remembers per workspace (never a token value). */
export interface ExplorerViewState {
  groupBy: GroupBy;
  sortBy: SortBy;
  /** Absent when no filter is active. */
  filter?: TokenFilter;
}

/** The state of a fresh workspace: no grouping, newest first, no filter. */
export const DEFAULT_VIEW_STATE: ExplorerViewState = { groupBy: 'none', sortBy: 'created' };

/**
 * Reads a remembered view state leniently: unknown or invalid fields fall back
 * to {@link DEFAULT_VIEW_STATE}; a filter that does not parse is dropped.
 */
export function parseViewState(raw: unknown): ExplorerViewState {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const groupBy = GROUP_BYS.includes(o.groupBy as GroupBy) ? (o.groupBy as GroupBy) : DEFAULT_VIEW_STATE.groupBy;
  const sortBy = SORT_BYS.includes(o.sortBy as SortBy) ? (o.sortBy as SortBy) : DEFAULT_VIEW_STATE.sortBy;
  let filter: TokenFilter | undefined;
  if (typeof o.filter === 'string') {
    const parsed = parseTokenFilter(o.filter);
    if (!parsed.error) filter = parsed.filter;
  }
  return filter ? { groupBy, sortBy, filter } : { groupBy, sortBy };
}

/** The JSON form of a view state for workspaceState: the filter as its query string. */
export function serializeViewState(s: ExplorerViewState): { groupBy: GroupBy; sortBy: SortBy; filter?: string } {
  return s.filter ? { groupBy: s.groupBy, sortBy: s.sortBy, filter: formatTokenFilter(s.filter) } : { groupBy: s.groupBy, sortBy: s.sortBy };
}

// ---------------------------------------------------------------------------
// Filter syntax
// ---------------------------------------------------------------------------

/** Result of {@link parseTokenFilter}: a filter (undefined when the query is empty), or an error sentence. */
export type FilterParse = { filter: TokenFilter | undefined; error?: undefined } | { filter?: undefined; error: string };

/** Help text of the filter syntax, for the input box prompt. */
export const FILTER_SYNTAX_HELP = 'Words match the description; owner:NAME, prefix:tc-apiv1_abc, resource:action (e.g. heartbeat:write).';

/** True when `s` looks like a whole token value rather than its public prefix (MODEL.md Part B: prefix = first 12 characters). */
export function looksLikeTokenValue(s: string): boolean {
  return s.startsWith(TOKEN_VALUE_PREFIX) && s.length > TOKEN_PREFIX_LENGTH;
}

function parsePermission(s: string): PermissionTerm | undefined {
  const m = /^([a-z_ ]+):(read|write|delete)$/i.exec(s.trim());
  if (!m) return undefined;
  const wanted = m[1]!.toLowerCase().replace(/\s+/g, '_');
  const res = RESOURCES.find((r) => r.id === wanted || r.label.toLowerCase().replace(/\s+/g, '_') === wanted);
  const action = m[2]!.toLowerCase() as Action;
  if (!res || !res.actions.includes(action)) return undefined;
  return { resource: res.id, action };
}

function tokenize(query: string): string[] {
  const out: string[] = [];
  const re = /(\w+:)?"([^"]*)"|\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query))) out.push(m[2] !== undefined ? `${m[1] ?? ''}${m[2]}` : m[0]);
  return out;
}

/**
 * Parses the filter query the user types, e.g.
 * `agent prod owner:bob perm:heartbeat:write prefix:tc-apiv1_ab`.
 * Terms: `owner:` (or `user:`), `prefix:`, `perm:`/`permission:` followed by
 * `resource:action`, a bare `resource:action` with a known resource, and
 * words (matched against the description). Values with spaces may be quoted:
 * `owner:"jane doe"`. Returns `{ error }` for an unknown permission, an empty
 * value, a repeated term, or anything that looks like a whole token value
 * (a filter is remembered per workspace, so it must never hold a secret).
 */
export function parseTokenFilter(query: string): FilterParse {
  const terms = tokenize(query.trim());
  if (terms.length === 0) return { filter: undefined };
  const filter: TokenFilter = {};
  const words: string[] = [];
  for (const term of terms) {
    if (looksLikeTokenValue(term.replace(/^prefix:/i, ''))) {
      return { error: 'That looks like a token value. Filter by its prefix only (the first 12 characters), never the value.' };
    }
    const kv = /^(owner|user|prefix|perm|permission):(.*)$/i.exec(term);
    if (kv) {
      const key = kv[1]!.toLowerCase();
      const value = kv[2]!.trim();
      if (!value) return { error: `"${kv[1]}:" needs a value.` };
      if (key === 'owner' || key === 'user') {
        if (filter.owner !== undefined) return { error: 'Only one owner: term is allowed.' };
        filter.owner = value;
      } else if (key === 'prefix') {
        if (filter.prefix !== undefined) return { error: 'Only one prefix: term is allowed.' };
        filter.prefix = value;
      } else {
        const p = parsePermission(value);
        if (!p) return { error: `Unknown permission "${value}". Use resource:action, e.g. heartbeat:write or configs:read.` };
        if (filter.permission) return { error: 'Only one permission term is allowed.' };
        filter.permission = p;
      }
      continue;
    }
    const colon = /^([a-z_]+):(\S*)$/i.exec(term);
    const namesResource = colon !== null && RESOURCES.some((r) => r.id === colon[1]!.toLowerCase());
    if (namesResource || /^[a-z_]+:(read|write|delete)$/i.test(term)) {
      const perm = parsePermission(term);
      if (!perm) return { error: `Unknown permission "${term}". Use resource:action, e.g. heartbeat:write; resources: ${RESOURCES.map((r) => r.id).join(', ')}.` };
      if (filter.permission) return { error: 'Only one permission term is allowed.' };
      filter.permission = perm;
      continue;
    }
    words.push(term);
  }
  if (words.length) filter.text = words.join(' ');
  return { filter };
}

/** The canonical query string of a filter (round-trips through {@link parseTokenFilter}). */
export function formatTokenFilter(f: TokenFilter): string {
  const q = (v: string) => (/\s|"/.test(v) ? `"${v.replace(/"/g, '')}"` : v);
  const parts: string[] = [];
  if (f.text) parts.push(f.text);
  if (f.owner) parts.push(`owner:${q(f.owner)}`);
  if (f.prefix) parts.push(`prefix:${q(f.prefix)}`);
  if (f.permission) parts.push(`${f.permission.resource}:${f.permission.action}`);
  return parts.join(' ');
}

/** A short phrase for the view's description, e.g. `"agent" · owner bob · heartbeat:write`. */
export function describeTokenFilter(f: TokenFilter): string {
  const parts: string[] = [];
  if (f.text) parts.push(`"${f.text}"`);
  if (f.owner) parts.push(`owner ${f.owner}`);
  if (f.prefix) parts.push(`prefix ${f.prefix}`);
  if (f.permission) parts.push(`${f.permission.resource}:${f.permission.action}`);
  return parts.join(' · ');
}

/** True when `token` passes every term of `filter` (an undefined filter passes everything). */
export function matchesFilter(token: Token, filter: TokenFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.text) {
    const d = token.description.toLowerCase();
    for (const w of filter.text.toLowerCase().split(/\s+/)) if (w && !d.includes(w)) return false;
  }
  if (filter.owner && !(token.username || token.userId).toLowerCase().includes(filter.owner.toLowerCase())) return false;
  if (filter.prefix) {
    const p = filter.prefix;
    if (!token.prefix.startsWith(p) && !token.prefix.slice(TOKEN_VALUE_PREFIX.length).startsWith(p)) return false;
  }
  if (filter.permission && !hasPermission(token.permissions, filter.permission.resource, filter.permission.action)) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Sorting and grouping
// ---------------------------------------------------------------------------

let collatorInstance: Intl.Collator | undefined;
/** The description/label collator, created on first use (building it at module load costs activation time). */
function collator(): Intl.Collator {
  return (collatorInstance ??= new Intl.Collator('en', { sensitivity: 'base', numeric: true }));
}

/**
 * A sorted copy of `tokens`: `created` newest first; `expires` soonest first
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
      const exp = (t: Token) => parseTime(t.expiresAt) ?? Number.POSITIVE_INFINITY;
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

/** Labels of the status groups, in display order (MODEL.md Part A "States" plus the derived expiry states). */
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
  const matched = state.filter ? tokens.filter((t) => matchesFilter(t, state.filter)) : tokens;
  return { total: tokens.length, matched: matched.length, groups: groupTokens(sortTokens(matched, state.sortBy), state.groupBy, now, windowMs) };
}

// ---------------------------------------------------------------------------
// Reassign preview
// ---------------------------------------------------------------------------

/** What reassigning a token to a user of `role` does to its permissions (MODEL.md Part A "Reassign": narrowed to the new owner's role). */
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
 * Matches the controller's per-id results (MODEL.md Part B bulk routes) to the
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

/** Days (≥ 0, rounded up) until `expiresAt`; 0 when already expired; undefined for never. */
export function daysLeft(expiresAt: string | null, now: number): number | undefined {
  const at = parseTime(expiresAt);
  if (at === undefined) return undefined;
  return Math.max(0, Math.ceil((at - now) / (24 * 3600 * 1000)));
}

/** Windowing of long lists in the tree: the first `limit` items and how many are left. */
export function windowed<T>(items: readonly T[], limit: number): { shown: T[]; remaining: number } {
  const n = Math.max(0, Math.floor(limit));
  return { shown: items.slice(0, n), remaining: Math.max(0, items.length - n) };
}
