/**
 * Insertion planning for Telegraf configs: where and how to write a token
 * reference, a new `[[outputs.heartbeat]]` block or a `[[secretstores.*]]`
 * table. Plans are plain offset-based `TextEdit`s against the text given (the
 * VS Code layer turns them into a `WorkspaceEdit`). No `vscode` import.
 *
 * Rules every plan follows: the file's EOL style is used for every new line
 * (never a bare LF in a CRLF file), a BOM is kept, new keys take the
 * indentation of their neighbours, a key is never duplicated, commented lines
 * (`# [outputs.heartbeat.status]`) are never edited except the sample's
 * commented-out `# token = ""` of the table a token is added to (it becomes
 * the token line, in the user's style), and text
 * outside the edited lines stays byte-identical. Token values never appear in
 * summaries or error messages.
 *
 * Telegraf facts encoded: `[[outputs.heartbeat]]` options `url`,
 * `instance_id`, `interval`, `include`, `token` (Telegraf >= 1.37, docs/api-contract.md
 * Part A "How Telegraf uses a token"; plugin README); a key written after a
 * sub-table header such as `[outputs.heartbeat.status]` belongs to the
 * sub-table (fixtures README, fixture 06); secret-store ids and keys contain
 * only `[A-Za-z0-9_]` (docs/api-contract.md); `secretstores.jose` needs `path`
 * and prompts for `password` at startup when it is not set (Telegraf
 * `plugins/secretstores/jose/sample.conf`).
 */

import { findTokenSites, heartbeatAt, heartbeatOutputs, secretStores } from './detect';
import type { TokenSite } from './detect';
import { directKeys, findDirectKey, parseTelegrafConfig, sameTable, tableAt } from './parse';
import { pluginOf, takesToken } from './plugins';
import {
  escapeBasicString,
  indentationAt,
  isBlankLine,
  isLiteralStringSafe,
  lineContentEnd,
  lineEndWithEol,
  lineOf,
  lineStartOf,
  quoteBasicString,
} from './text';
import type { ConfigKey, ConfigTable, TelegrafConfig, TextEdit } from './types';

/** The environment variable Telegraf >= 1.39 itself sends as a Bearer token (docs/api-contract.md). */
export const DEFAULT_TOKEN_ENV_VAR = 'TELEGRAF_CONTROLLER_TOKEN';

/** Default `instance_id` of a new heartbeat: the Controller's dynamic value for the agent id. */
export const DEFAULT_INSTANCE_ID = '&{agent_id}';

/**
 * The comment written above `instance_id = "&{agent_id}"`: Telegraf
 * Controller substitutes dynamic values such as `&{agent_id}` when it serves
 * a config (docs/api-contract.md; Telegraf itself never sees them).
 */
export const INSTANCE_ID_NOTE: readonly string[] = [
  "## &{agent_id}: Telegraf Controller puts in each agent's id when it serves",
  '## this config (telegraf --config <controller URL>); a local file sends it as written.',
];

/** Default heartbeat `interval` (the plugin's default, `1m`). */
export const DEFAULT_HEARTBEAT_INTERVAL = '1m';

/**
 * Default heartbeat `include`: `hostname` (the plugin default) and `status`
 * (the agent status the Controller shows). Both are accepted by every
 * heartbeat version since 1.37.
 */
export const DEFAULT_HEARTBEAT_INCLUDE: readonly string[] = ['hostname', 'status'];

/** Default directory of a new `[[secretstores.jose]]` (Telegraf's sample). */
export const DEFAULT_JOSE_PATH = '/etc/telegraf/secrets';

/**
 * The environment variable a `[[secretstores.jose]]` added by the editor reads
 * its password from (`password = "${TELEGRAF_SECRETS_PASSWORD}"`): without a
 * password Telegraf prompts on the terminal at every start, so a service
 * could not start unattended (`plugins/secretstores/jose/jose.go`: the prompt
 * is used only when `password` is empty). Checked with a real Telegraf in
 * test/telegraf/agent.test.ts.
 */
export const JOSE_PASSWORD_VAR = 'TELEGRAF_SECRETS_PASSWORD';

/** Why a plan could not be made. */
export type ConfigEditErrorCode =
  | 'invalid-name'
  | 'invalid-reference'
  | 'invalid-option'
  | 'invalid-offset'
  | 'table-not-found'
  | 'ambiguous-target'
  | 'no-target'
  | 'stale-site'
  | 'overlapping-edits'
  | 'no-token-here';

/** A typed planning error. Messages never contain token values. */
export class ConfigEditError extends Error {
  override readonly name = 'ConfigEditError';
  constructor(
    readonly code: ConfigEditErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const STORE_NAME_RE = /^[A-Za-z0-9_]+$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `${NAME}`, the string content that makes Telegraf read the token from the
 * environment. Throws `ConfigEditError('invalid-name')` unless `name` matches
 * `[A-Za-z_][A-Za-z0-9_]*`.
 */
export function envReference(name: string = DEFAULT_TOKEN_ENV_VAR): string {
  if (!ENV_NAME_RE.test(name)) {
    throw new ConfigEditError(
      'invalid-name',
      `Environment variable names may only contain letters, digits and "_" and must not start with a digit (got "${name}").`,
    );
  }
  return '${' + name + '}';
}

/**
 * `@{storeId:key}`, a secret-store reference. Throws
 * `ConfigEditError('invalid-name')` unless both parts match `[A-Za-z0-9_]+`
 * (Telegraf docs/CONFIGURATION.md, docs/api-contract.md).
 */
export function secretReference(storeId: string, key: string): string {
  if (!STORE_NAME_RE.test(storeId)) {
    throw new ConfigEditError('invalid-name', `Secret-store ids may only contain letters, digits and "_" (got "${storeId}").`);
  }
  if (!STORE_NAME_RE.test(key)) {
    throw new ConfigEditError('invalid-name', `Secret names may only contain letters, digits and "_" (got "${key}").`);
  }
  return '@{' + storeId + ':' + key + '}';
}

/**
 * Applies non-overlapping edits (offsets into `text`) and returns the new
 * text. Insertions at the same offset are applied in the order given.
 * Throws `ConfigEditError('overlapping-edits' | 'invalid-offset')`.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  let out = '';
  let last = 0;
  for (const { e } of sorted) {
    if (e.start < 0 || e.end > text.length || e.start > e.end) {
      throw new ConfigEditError('invalid-offset', `Edit range ${e.start}-${e.end} is outside the text (length ${text.length}).`);
    }
    if (e.start < last) throw new ConfigEditError('overlapping-edits', `Edits overlap at offset ${e.start}.`);
    out += text.slice(last, e.start) + e.newText;
    last = e.end;
  }
  return out + text.slice(last);
}

/** How `planSetToken` placed the reference. */
export type SetTokenTarget = 'replaced' | 'added-key' | 'at-cursor' | 'new-heartbeat';

/** Result of `planSetToken`. */
export interface SetTokenPlan {
  /** Edits against the given text (empty when the value is already the reference). */
  edits: TextEdit[];
  /** One human sentence for the UI (1-based line numbers; never the value). */
  summary: string;
  target: SetTokenTarget;
  /** The table the token was written to (in the parse of the given text), when there is one. */
  table?: ConfigTable;
}

/** Options of `planAddHeartbeat`. */
export interface AddHeartbeatOptions {
  /** Heartbeat endpoint, e.g. `http://controller:8000/agents/heartbeat`. Required, non-empty. */
  url: string;
  /** Default `&{agent_id}` (substituted by Telegraf Controller when it serves the config). */
  instanceId?: string;
  /** Telegraf duration, default `1m`. */
  interval?: string;
  /** Default `["hostname", "status"]`. */
  include?: readonly string[];
  /** String content for `token = "…"` (e.g. `envReference()`); omitted when undefined. */
  token?: string;
  /**
   * `auto` (default): right after the OUTPUT PLUGINS banner when the file has
   * one (and it is safe), else at the end. `end`: always at the end.
   */
  placement?: 'auto' | 'end';
}

/** Options of `planSetToken`. */
export interface SetTokenOptions {
  /** The string content to write (e.g. `${TELEGRAF_CONTROLLER_TOKEN}`); escaped as needed. Non-empty. */
  reference: string;
  /** UTF-16 offset of the editor cursor. */
  cursorOffset?: number;
  /** A table from a parse of the same text (matched by header offset and name). */
  table?: Pick<ConfigTable, 'headerRange' | 'name'>;
  /**
   * Used only without `cursorOffset`/`table` when the file has no heartbeat
   * output: a new `[[outputs.heartbeat]]` with these options (and the token) is added.
   */
  heartbeat?: Omit<AddHeartbeatOptions, 'token'>;
}

function validateReference(reference: string): void {
  if (typeof reference !== 'string' || reference.length === 0) {
    throw new ConfigEditError('invalid-reference', 'The token reference to write is empty.');
  }
}

function humanTable(t: ConfigTable): string {
  return `${t.isArray ? '[[' : '['}${t.name}${t.isArray ? ']]' : ']'} (line ${t.line + 1})`;
}

/**
 * Edit that makes `key`'s value the string `reference`: only the string
 * contents are replaced for single-line basic strings (and literal strings
 * when `reference` fits one); any other value is replaced whole with a basic
 * string. Trailing whitespace and comments after the value are kept.
 * `undefined` when the value already equals `reference`.
 */
function replaceValueEdit(text: string, key: ConfigKey, reference: string): TextEdit | undefined {
  if (key.valueKind === 'string' && key.value === reference) return undefined;
  if (key.valueRange.start === key.valueRange.end) {
    // A half-typed `token =`: fill it in (with a space after a bare `=`).
    const space = text[key.valueRange.start - 1] === '=' ? ' ' : '';
    return { start: key.valueRange.start, end: key.valueRange.end, newText: space + quoteBasicString(reference) };
  }
  if (key.valueKind === 'string' && key.contentRange) {
    if (key.stringStyle === 'basic') {
      return { start: key.contentRange.start, end: key.contentRange.end, newText: escapeBasicString(reference) };
    }
    if (key.stringStyle === 'literal' && isLiteralStringSafe(reference)) {
      return { start: key.contentRange.start, end: key.contentRange.end, newText: reference };
    }
  }
  return { start: key.valueRange.start, end: key.valueRange.end, newText: quoteBasicString(reference) };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Offset of the first COMMENTED sub-table header of `table` inside its body
 * (e.g. `  # [outputs.heartbeat.status]`), or `table.bodyEnd`. A new direct
 * key must go before it so that uncommenting the sub-table later does not
 * capture the key.
 */
function commentedSubTableLimit(text: string, table: ConfigTable): number {
  const re = new RegExp(`^[ \\t]*#+[ \\t]*\\[\\[?[ \\t]*${escapeRegExp(table.name)}[ \\t]*\\.`, 'm');
  const body = text.slice(table.bodyStart, table.bodyEnd);
  const m = re.exec(body);
  return m ? table.bodyStart + m.index : table.bodyEnd;
}

/**
 * Edit adding `name = valueText` as a direct key of `table`: on a new line
 * after `instance_id`, else `url`, else the last direct key (all only before
 * any commented sub-table header), else after the header line; indented like
 * the anchor key (or the table's key indentation).
 */
function addKeyEdit(cfg: TelegrafConfig, table: ConfigTable, name: string, valueText: string): { edit: TextEdit; after?: ConfigKey } {
  const limit = commentedSubTableLimit(cfg.text, table);
  const candidates = directKeys(table).filter((k) => k.valueRange.end <= limit);
  const anchor = candidates.find((k) => k.key === 'instance_id') ?? candidates.find((k) => k.key === 'url') ?? candidates[candidates.length - 1];
  const anchorEnd = anchor ? anchor.valueRange.end : table.headerRange.end;
  const indent = anchor ? indentationAt(cfg.text, anchor.lineStart) : table.indent;
  const at = lineContentEnd(cfg.text, anchorEnd);
  const edit = { start: at, end: at, newText: cfg.eol + indent + name + ' = ' + valueText };
  return anchor ? { edit, after: anchor } : { edit };
}

/**
 * A commented-out `token` option of `table` (`  # token = ""`, as in every
 * Telegraf sample config), in the table's own part (before any commented
 * sub-table header): its line and how it was written. Prose such as
 * `## Token for bearer authentication` is not one.
 */
function commentedTokenLine(text: string, table: ConfigTable): { start: number; end: number; indent: string; equals: string; quote: '"' | "'" } | undefined {
  const limit = commentedSubTableLimit(text, table);
  const re = /^([ \t]*)#+[ \t]*token([ \t]*=[ \t]*)(["']?)[^\r\n]*$/gm;
  const body = text.slice(table.bodyStart, limit);
  const m = re.exec(body);
  if (!m) return undefined;
  const start = table.bodyStart + m.index;
  return { start, end: lineContentEnd(text, start), indent: m[1] ?? '', equals: m[2] ?? ' = ', quote: m[3] === "'" ? "'" : '"' };
}

function setTokenInTable(cfg: TelegrafConfig, table: ConfigTable, reference: string): SetTokenPlan {
  const existing = findDirectKey(table, 'token');
  if (existing) {
    const edit = replaceValueEdit(cfg.text, existing, reference);
    return {
      edits: edit ? [edit] : [],
      summary: edit
        ? `Replaced the token value of ${humanTable(table)} on line ${existing.line + 1}.`
        : `The token of ${humanTable(table)} already has this value.`,
      target: 'replaced',
      table,
    };
  }
  const commented = commentedTokenLine(cfg.text, table);
  if (commented) {
    // Uncomment the sample's `# token = ""` in the user's style (indentation, spacing, quotes).
    const value = commented.quote === "'" && isLiteralStringSafe(reference) ? `'${reference}'` : quoteBasicString(reference);
    return {
      edits: [{ start: commented.start, end: commented.end, newText: `${commented.indent}token${commented.equals}${value}` }],
      summary: `Set the commented-out token of ${humanTable(table)} on line ${lineOf(cfg.lineStarts, commented.start) + 1}.`,
      target: 'added-key',
      table,
    };
  }
  const { edit, after } = addKeyEdit(cfg, table, 'token', quoteBasicString(reference));
  return {
    edits: [edit],
    summary: `Added a token to ${humanTable(table)}${after ? ` after "${after.key}"` : ''}.`,
    target: 'added-key',
    table,
  };
}

/**
 * A cursor where an insertion cannot break the text: never before a BOM,
 * never between `\r` and `\n`, never inside a surrogate pair (moved one
 * unit back in the last two cases).
 */
function normalizeCursor(text: string, cursor: number): number {
  if (cursor === 0 && text.startsWith('\ufeff')) return 1;
  if (cursor > 0 && text.charCodeAt(cursor - 1) === 13 && text.charCodeAt(cursor) === 10) return cursor - 1;
  const prev = text.charCodeAt(cursor - 1);
  const next = text.charCodeAt(cursor);
  if (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return cursor - 1;
  return cursor;
}

/** Where the cursor is, in words, for a refusal: `[agent] (line 1)`, `the top of the file`. */
function placeName(table: ConfigTable | undefined, plugin: ConfigTable | undefined): string {
  if (plugin) return humanTable(plugin);
  if (table) return humanTable(table);
  return 'The top of the file (before any table)';
}

function refuseHere(what: string, why: string): ConfigEditError {
  return new ConfigEditError(
    'no-token-here',
    `${what} ${why} Put the cursor inside a plugin that takes a token, such as [[outputs.heartbeat]], or choose the heartbeat instead.`,
  );
}

/**
 * The cursor case of `planSetToken`: a token goes only where Telegraf reads
 * one, i.e. as a direct `token` key of a plugin that takes it (see
 * `takesToken`), or into the credential of an `Authorization` header the
 * cursor is in. Never into another key's value (a Starlark script, a URL),
 * never into `[agent]`, `[global_tags]`, a secret store, a plugin without a
 * `token` option, or the top level.
 */
function planAtCursor(cfg: TelegrafConfig, cursor: number, reference: string): SetTokenPlan {
  const text = cfg.text;
  const table = tableAt(cfg, cursor);
  const plugin = pluginOf(cfg, table);
  const keys = table ? table.keys : cfg.rootKeys;
  // The innermost value holding the cursor (an inline-table entry rather than its table).
  const inside = keys
    .filter((k) => k.valueRange.start < cursor && cursor < k.valueRange.end)
    .sort((a, b) => a.valueRange.end - a.valueRange.start - (b.valueRange.end - b.valueRange.start))[0];
  if (inside) {
    // The credential of an Authorization header the cursor is in may be replaced.
    const site = findTokenSites(cfg).find((s) => s.table === table && s.kind === 'authorization-header' && s.key.keyRange.start === inside.keyRange.start);
    if (site) return { ...planReplaceSite(text, site, reference), target: 'replaced' };
  }
  if (!plugin || !takesToken(plugin)) {
    if (inside) {
      throw refuseHere(
        `The cursor is inside the value of "${inside.key}" on line ${inside.line + 1};`,
        'a token reference is never written into another value.',
      );
    }
    const why = !plugin
      ? 'takes no token.'
      : plugin.path[0] === 'secretstores'
        ? 'is a secret store: its options authenticate to the store, not to Telegraf Controller.'
        : 'has no "token" option in Telegraf.';
    throw refuseHere(placeName(table, plugin), why);
  }
  if (findDirectKey(plugin, 'token')) return setTokenInTable(cfg, plugin, reference);
  // A blank line at the cursor, unless the plugin's sample has a commented-out token to take its place.
  if (table === plugin && !inside && isBlankLine(text, cursor) && cursor < commentedSubTableLimit(text, plugin) && !commentedTokenLine(text, plugin)) {
    const start = Math.max(lineStartOf(text, cursor), cfg.hasBom ? 1 : 0);
    const end = lineContentEnd(text, cursor);
    const ws = text.slice(start, end);
    const indent = ws.length > 0 ? ws : plugin.indent;
    return {
      edits: [{ start, end, newText: indent + 'token = ' + quoteBasicString(reference) }],
      summary: `Added a token line to ${humanTable(plugin)} at the cursor.`,
      target: 'at-cursor',
      table: plugin,
    };
  }
  return setTokenInTable(cfg, plugin, reference);
}

/**
 * Plans writing a token reference.
 * - `table` given (a sub-table of a heartbeat means the heartbeat): set its
 *   `token` — replace only the string contents of an existing `token` (also
 *   an empty one), else add `token = "…"` as a direct key (see `addKeyEdit`;
 *   commented `# token = ""` lines are left untouched).
 * - `cursorOffset` inside an `[[outputs.heartbeat]]` (or one of its
 *   sub-tables): the same for that heartbeat.
 * - `cursorOffset` elsewhere: only a plugin that takes a token (see
 *   `takesToken`) gets one: its `token` is replaced (also a half-typed
 *   `token =`), or on a blank line of the plugin's own table a
 *   `token = "…"` line is written at the cursor, else the key is added as
 *   above. Inside an `Authorization` header value the credential is
 *   replaced. Anywhere else (`[agent]`, `[global_tags]`, a secret store, a
 *   plugin without a `token` option, a sub-table of one, the top level, or
 *   inside another key's value such as a Starlark script) nothing is planned
 *   and `ConfigEditError('no-token-here')` says why. The cursor is never
 *   used before a BOM, between `\r` and `\n` or inside a surrogate pair.
 * - neither: the only heartbeat of the file; with no heartbeat and
 *   `heartbeat` options a new heartbeat block is added.
 * Throws `ConfigEditError` with `invalid-reference` (empty), `invalid-offset`,
 * `table-not-found`, `ambiguous-target` (several heartbeats, no cursor/table),
 * `no-target` or `no-token-here`.
 */
export function planSetToken(text: string, options: SetTokenOptions): SetTokenPlan {
  validateReference(options.reference);
  const cfg = parseTelegrafConfig(text);
  if (options.table) {
    const t = sameTable(cfg, options.table);
    if (!t) throw new ConfigEditError('table-not-found', `The table [${options.table.name}] is no longer at the same place in the file.`);
    return setTokenInTable(cfg, heartbeatAt(cfg, t) ?? t, options.reference);
  }
  if (options.cursorOffset !== undefined) {
    const given = options.cursorOffset;
    if (!Number.isInteger(given) || given < 0 || given > text.length) {
      throw new ConfigEditError('invalid-offset', `Cursor offset ${given} is outside the text (length ${text.length}).`);
    }
    const cursor = normalizeCursor(text, given);
    const hb = heartbeatAt(cfg, tableAt(cfg, cursor));
    if (hb) return setTokenInTable(cfg, hb, options.reference);
    return planAtCursor(cfg, cursor, options.reference);
  }
  const hbs = heartbeatOutputs(cfg);
  if (hbs.length === 1) return setTokenInTable(cfg, hbs[0] as ConfigTable, options.reference);
  if (hbs.length > 1) {
    throw new ConfigEditError('ambiguous-target', `The file has ${hbs.length} [[outputs.heartbeat]] tables; choose one.`);
  }
  if (options.heartbeat) {
    const edits = planAddHeartbeatIn(cfg, { ...options.heartbeat, token: options.reference });
    return { edits, summary: 'Added an [[outputs.heartbeat]] block with the token.', target: 'new-heartbeat' };
  }
  throw new ConfigEditError('no-target', 'The file has no [[outputs.heartbeat]] table; add one first.');
}

/**
 * Plans replacing the credential of a detected site (from `findTokenSites` on
 * the same text) with `reference`: only the credential part is rewritten (the
 * `Bearer `/`Token ` scheme of an Authorization header and the quotes stay);
 * an unquoted value is replaced by a quoted one. Throws
 * `ConfigEditError('stale-site')` when the text no longer holds the site,
 * `invalid-reference` when it is empty or cannot go in a literal string.
 */
export function planReplaceSite(text: string, site: TokenSite, reference: string): { edits: TextEdit[]; summary: string } {
  validateReference(reference);
  const fresh = findTokenSites(parseTelegrafConfig(text)).find(
    (s) =>
      s.kind === site.kind &&
      s.valueRange.start === site.valueRange.start &&
      s.valueRange.end === site.valueRange.end &&
      s.credentialRange.start === site.credentialRange.start &&
      s.credentialRange.end === site.credentialRange.end &&
      s.raw === site.raw &&
      s.key.key === site.key.key,
  );
  if (!fresh) throw new ConfigEditError('stale-site', 'The file changed since the token was detected; detect again.');
  const { valueRange, credentialRange } = fresh;
  const where = `"${fresh.key.key}"${fresh.table ? ` of ${humanTable(fresh.table)}` : ''} on line ${fresh.key.line + 1}`;
  if (!fresh.quoted) {
    return {
      edits: [{ start: valueRange.start, end: valueRange.end, newText: quoteBasicString(reference) }],
      summary: `Replaced the unquoted value of ${where}.`,
    };
  }
  const current = text.slice(credentialRange.start, credentialRange.end);
  const style = fresh.key.scalars.find((s) => s.contentRange?.start === valueRange.start)?.style ?? fresh.key.stringStyle;
  const literal = style === 'literal' || style === 'multiline-literal';
  if (literal && !isLiteralStringSafe(reference)) {
    throw new ConfigEditError('invalid-reference', 'The reference cannot be written inside a literal (single-quoted) string.');
  }
  const newText = literal ? reference : escapeBasicString(reference);
  if (newText === current) return { edits: [], summary: `The credential of ${where} already has this value.` };
  return {
    edits: [{ start: credentialRange.start, end: credentialRange.end, newText }],
    summary: `Replaced the credential of ${where}.`,
  };
}

const RULE_RE = /^#{10,}[ \t]*$/;

/** Where a block may go around a section banner (see `findBanner`). */
interface BannerSlot {
  /** Start of the banner's first `####` line: a block inserted here goes before the banner. */
  before: number;
  /** Start of the line after the banner's last `####` line: a block inserted here goes after it. */
  after: number;
}

/**
 * The first banner titled `title` (three comment lines: `####…`,
 * `#   TITLE   #`, `####…`, as in Telegraf's generated config) at which a
 * table can be inserted safely, or `undefined`. Unsafe: the banner is inside
 * a value, or keys of the table above follow it (a new header would capture them).
 */
function findBanner(cfg: TelegrafConfig, title: string): BannerSlot | undefined {
  const text = cfg.text;
  const starts = cfg.lineStarts;
  const titleRe = new RegExp(`^#[ \\t]*${escapeRegExp(title)}[ \\t]*#?[ \\t]*$`);
  const lineText = (i: number): string => {
    const s = starts[i] ?? text.length;
    return text.slice(s, lineContentEnd(text, s));
  };
  for (let i = 1; i + 1 < starts.length; i++) {
    const line = lineText(i);
    if (!line.includes(title) || !titleRe.test(line)) continue;
    if (!RULE_RE.test(lineText(i - 1)) || !RULE_RE.test(lineText(i + 1))) continue;
    const before = starts[i - 1] as number;
    const table = tableAt(cfg, before);
    const keys = table ? table.keys : cfg.rootKeys;
    if (keys.some((k) => k.valueRange.end > before)) continue;
    return { before, after: lineEndWithEol(text, starts[i + 1] as number) };
  }
  return undefined;
}

/** Key indentation of the plugin tables nearest to `offset` (before, else after), else the file's. */
function neighbourIndent(cfg: TelegrafConfig, offset: number): string {
  const plugins = cfg.tables.filter((t) => t.path.length <= 2 && directKeys(t).length > 0);
  let before: ConfigTable | undefined;
  let after: ConfigTable | undefined;
  for (const t of plugins) {
    if (t.headerLineStart < offset) before = t;
    else if (!after) after = t;
  }
  return (before ?? after)?.indent ?? cfg.keyIndent;
}

/**
 * Edit inserting `lines` (without line breaks) as a new block at the end of
 * the text: completes a missing final line break first, keeps one blank line
 * before the block (unless the text is empty or already ends with a blank
 * line), ends with a line break. Never inserts before a BOM.
 */
function appendBlockEdit(cfg: TelegrafConfig, lines: string[]): TextEdit {
  const text = cfg.text;
  const eol = cfg.eol;
  const contentStart = cfg.hasBom ? 1 : 0;
  let prefix = '';
  if (text.length > contentStart) {
    if (!text.endsWith('\n')) {
      // The last line has no terminator: complete it, then separate unless it is blank.
      const lastStart = lineStartOf(text, text.length);
      prefix = eol + (isBlankLine(text, lastStart) ? '' : eol);
    } else {
      const lastLineStart = lineStartOf(text, text.length - 1);
      prefix = isBlankLine(text, lastLineStart) ? '' : eol;
    }
  }
  return { start: text.length, end: text.length, newText: prefix + lines.join(eol) + eol };
}

/** Edit inserting `lines` as a block starting at line start `at`, with blank lines around it. */
function insertBlockAtLineEdit(cfg: TelegrafConfig, at: number, lines: string[]): TextEdit {
  const text = cfg.text;
  const eol = cfg.eol;
  if (at >= text.length) return appendBlockEdit(cfg, lines);
  const nextBlank = isBlankLine(text, at);
  return { start: at, end: at, newText: eol + lines.join(eol) + eol + (nextBlank ? '' : eol) };
}

/** Edit inserting `lines` as a block ending just before line start `at`, separated by blank lines. */
function insertBlockBeforeLineEdit(cfg: TelegrafConfig, at: number, lines: string[]): TextEdit {
  const text = cfg.text;
  const eol = cfg.eol;
  const contentStart = cfg.hasBom ? 1 : 0;
  const prevBlank = at <= contentStart || isBlankLine(text, at - 1);
  return { start: at, end: at, newText: (prevBlank ? '' : eol) + lines.join(eol) + eol + eol };
}

function validateOptionString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigEditError('invalid-option', `The heartbeat option "${name}" must be a non-empty string.`);
  }
  return value;
}

function planAddHeartbeatIn(cfg: TelegrafConfig, options: AddHeartbeatOptions): TextEdit[] {
  const url = validateOptionString('url', options.url);
  const instanceId = validateOptionString('instance_id', options.instanceId ?? DEFAULT_INSTANCE_ID);
  const interval = validateOptionString('interval', options.interval ?? DEFAULT_HEARTBEAT_INTERVAL);
  const include = options.include ?? DEFAULT_HEARTBEAT_INCLUDE;
  include.forEach((v) => validateOptionString('include', v));
  if (options.token !== undefined) validateReference(options.token);

  const banner = options.placement === 'end' ? undefined : findBanner(cfg, 'OUTPUT PLUGINS')?.after;
  const indent = neighbourIndent(cfg, banner ?? cfg.text.length);
  const lines = [
    '# Send heartbeats to Telegraf Controller',
    '[[outputs.heartbeat]]',
    `${indent}url = ${quoteBasicString(url)}`,
    ...(instanceId === DEFAULT_INSTANCE_ID ? INSTANCE_ID_NOTE.map((l) => indent + l) : []),
    `${indent}instance_id = ${quoteBasicString(instanceId)}`,
    `${indent}interval = ${quoteBasicString(interval)}`,
    `${indent}include = [${include.map(quoteBasicString).join(', ')}]`,
  ];
  if (options.token !== undefined) lines.push(`${indent}token = ${quoteBasicString(options.token)}`);
  return [banner === undefined ? appendBlockEdit(cfg, lines) : insertBlockAtLineEdit(cfg, banner, lines)];
}

/**
 * Plans a complete `[[outputs.heartbeat]]` block (`url`, `instance_id`,
 * `interval`, `include`, and `token` when given), placed right after the
 * `OUTPUT PLUGINS` banner when the file has one, else appended at the end.
 * Keys are indented like the neighbouring plugin tables; the file's EOL is
 * used; a missing final line break is added before appending; the result ends
 * with a line break. Commented blocks (`# [[outputs.influxdb_v2]]`) are never
 * touched. Throws `ConfigEditError('invalid-option' | 'invalid-reference')`.
 */
export function planAddHeartbeat(text: string, options: AddHeartbeatOptions): TextEdit[] {
  return planAddHeartbeatIn(parseTelegrafConfig(text), options);
}

/** Secret-store plugin types `planAddSecretStore` can write. */
export type SecretStoreType = 'os' | 'jose' | 'docker';

/** Options of `planAddSecretStore`. */
export interface AddSecretStoreOptions {
  /** Store id, `[A-Za-z0-9_]+`. */
  id: string;
  type: SecretStoreType;
  /** jose only: directory of the secrets (default `/etc/telegraf/secrets`). */
  path?: string;
  /** jose only: password (may itself be a reference); when absent Telegraf prompts at startup. */
  password?: string;
}

const STORE_COMMENTS: Record<SecretStoreType, string> = {
  os: "# Secrets from the operating system's keyring",
  jose: '# Secrets in local files encrypted with JOSE',
  docker: '# Secrets from Docker secrets (/run/secrets)',
};

/**
 * Plans a `[[secretstores.<type>]]` table with `id = "…"` (plus, for `jose`,
 * `path` and `password` or a commented `password` line noting the startup
 * prompt), unless a store with that id already exists (then no edits). The
 * table goes after the last existing secret store, else after a `SECRETSTORE
 * PLUGINS` banner, else just before the `OUTPUT PLUGINS` banner, else at the
 * end of the file. Throws `ConfigEditError('invalid-name' | 'invalid-option')`.
 */
export function planAddSecretStore(text: string, options: AddSecretStoreOptions): TextEdit[] {
  if (!STORE_NAME_RE.test(options.id)) {
    throw new ConfigEditError('invalid-name', `Secret-store ids may only contain letters, digits and "_" (got "${options.id}").`);
  }
  if (!Object.prototype.hasOwnProperty.call(STORE_COMMENTS, options.type)) {
    throw new ConfigEditError('invalid-option', `Unsupported secret-store type "${String(options.type)}" (use os, jose or docker).`);
  }
  const cfg = parseTelegrafConfig(text);
  const stores = secretStores(cfg);
  if (stores.some((s) => s.id === options.id)) return [];
  const last = stores[stores.length - 1]?.table ?? [...cfg.tables].reverse().find((t) => t.path[0] === 'secretstores' && t.path.length === 2);
  const indent = last ? last.indent : neighbourIndent(cfg, cfg.text.length);
  const lines = [STORE_COMMENTS[options.type], `[[secretstores.${options.type}]]`, `${indent}id = ${quoteBasicString(options.id)}`];
  if (options.type === 'jose') {
    lines.push(`${indent}path = ${quoteBasicString(validateOptionString('path', options.path ?? DEFAULT_JOSE_PATH))}`);
    if (options.password !== undefined) {
      lines.push(`${indent}password = ${quoteBasicString(validateOptionString('password', options.password))}`);
    } else {
      lines.push(`${indent}## Without a password Telegraf prompts for it at startup.`, `${indent}# password = ""`);
    }
  }
  if (!last) {
    const storeBanner = findBanner(cfg, 'SECRETSTORE PLUGINS');
    if (storeBanner) return [insertBlockAtLineEdit(cfg, storeBanner.after, lines)];
    const outputBanner = findBanner(cfg, 'OUTPUT PLUGINS');
    if (outputBanner) return [insertBlockBeforeLineEdit(cfg, outputBanner.before, lines)];
    return [appendBlockEdit(cfg, lines)];
  }
  return [insertBlockAtLineEdit(cfg, tableBlockEnd(cfg, last), lines)];
}

/**
 * Start of the line just after the block of `table`: its header, its keys
 * and the comment lines that belong to it (say a commented `# password = ""`
 * or `## note`), but not the comments that introduce what follows (a
 * `####` banner, or a `# Description` line directly above the next header).
 * In an indented table a comment belongs to it when it is indented at least
 * like the table's keys; in an unindented table when it follows the keys
 * without a blank line and is not directly above the next header.
 */
function tableBlockEnd(cfg: TelegrafConfig, table: ConfigTable): number {
  const text = cfg.text;
  const lastValueEnd = table.keys.reduce((m, k) => Math.max(m, k.valueRange.end), table.headerRange.end);
  let end = lineEndWithEol(text, lastValueEnd);
  const lines: Array<{ start: number; next: number; content: string }> = [];
  for (let pos = end; pos < table.bodyEnd;) {
    const next = lineEndWithEol(text, pos);
    lines.push({ start: pos, next, content: text.slice(pos, lineContentEnd(text, pos)) });
    if (next <= pos) break;
    pos = next;
  }
  const isComment = (l: { content: string }): boolean => /^[ \t]*#/.test(l.content);
  const isBlank = (l: { content: string }): boolean => l.content.trim() === '';
  const indentOf = (l: { content: string }): number => (/^[ \t]*/.exec(l.content) as RegExpExecArray)[0].length;
  const keyIndent = table.indent.length;
  // Comments directly above the next header (no blank line between) introduce it.
  let lead = lines.length;
  if (table.bodyEnd < text.length) {
    while (lead > 0 && isComment(lines[lead - 1]!) && (keyIndent === 0 || indentOf(lines[lead - 1]!) < keyIndent)) lead--;
  }
  let blankSeen = false;
  for (let i = 0; i < lead; i++) {
    const l = lines[i]!;
    if (isBlank(l)) {
      blankSeen = true;
      continue;
    }
    if (!isComment(l) || RULE_RE.test(l.content.trim())) break;
    const belongs = keyIndent > 0 ? indentOf(l) >= keyIndent && indentOf(l) > table.headerIndent.length : !blankSeen;
    if (!belongs) break;
    end = l.next;
    blankSeen = false;
  }
  return end;
}
