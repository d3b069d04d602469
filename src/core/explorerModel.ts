/**
 * The pure model of the token explorer's view state: grouping and sort
 * choices, the filter syntax (parse, format, describe) and matching. The list
 * itself (sorting, grouping, windowing, bulk summaries) is in `tokenQuery.ts`.
 * No `vscode` import: unit-tested with node:test.
 *
 * Times: `now` and windows are UTC ms; token times are the contract's RFC 3339
 * UTC strings (docs/api-contract.md `Token`).
 */
import type { Token } from './api/contract';
import { RESOURCES, hasPermission, type Action, type ResourceId } from './resources';
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
  /** Status filter: true hides revoked tokens (absent = shown). */
  hideRevoked?: boolean;
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
  return { groupBy, sortBy, ...(filter ? { filter } : {}), ...(o.hideRevoked === true ? { hideRevoked: true } : {}) };
}

/** The JSON form of a view state for workspaceState: the filter as its query string. */
export function serializeViewState(s: ExplorerViewState): { groupBy: GroupBy; sortBy: SortBy; filter?: string; hideRevoked?: boolean } {
  return {
    groupBy: s.groupBy,
    sortBy: s.sortBy,
    ...(s.filter ? { filter: formatTokenFilter(s.filter) } : {}),
    ...(s.hideRevoked ? { hideRevoked: true } : {}),
  };
}

// ---------------------------------------------------------------------------
// Filter syntax
// ---------------------------------------------------------------------------

/** Result of {@link parseTokenFilter}: a filter (undefined when the query is empty), or an error sentence. */
export type FilterParse = { filter: TokenFilter | undefined; error?: undefined } | { filter?: undefined; error: string };

/** Help text of the filter syntax, for the input box prompt. */
export const FILTER_SYNTAX_HELP = 'Words match the description; owner:NAME, prefix:tc-apiv1_abc, resource:action (e.g. heartbeat:write).';

/** True when `s` looks like a whole token value rather than its public prefix (docs/api-contract.md: prefix = first 12 characters). */
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
      if (!perm)
        return { error: `Unknown permission "${term}". Use resource:action, e.g. heartbeat:write; resources: ${RESOURCES.map((r) => r.id).join(', ')}.` };
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
