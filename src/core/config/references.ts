/**
 * Where Telegraf Controller token values are USED in a Telegraf config and
 * what each use needs, for the editor features (diagnostics, hover, quick
 * fixes, Test Token, Rotate): the `tc-apiv1_…` literals with the site that
 * holds them, the permission each use needs, every occurrence of one value,
 * the heartbeat URL to test against, and the completion context of
 * `token = `. No `vscode` import; offsets are UTF-16 indices into the text
 * as read (see `types.ts`).
 *
 * Controller behaviour encoded (docs/api-contract.md "Tokens" and "How Telegraf
 * uses a token"): an agent's token needs `heartbeat:write` for the
 * `[[outputs.heartbeat]]` output and `configs:read` to download its config
 * from `/api/configs/<id>/toml`; heartbeats go to port 8000,
 * `/agents/heartbeat`.
 */

import { CONTROLLER_TOKEN_RE, findControllerTokenLiterals, findTokenSites, heartbeatAt } from './detect';
import type { TokenSite } from './detect';
import { envReference, planReplaceSite } from './insert';
import { directKeys, findDirectKey, parseTelegrafConfig, tableAt } from './parse';
import type { ConfigTable, Range, TelegrafConfig, TextEdit } from './types';
import { isControllerConfigUrl, otherHostThan } from './configUrl';

/** A permission a token use needs, as `resource` + `action` (docs/api-contract.md `Permissions`). */
export interface RequiredPermission {
  resource: 'heartbeat' | 'configs';
  action: 'write' | 'read';
  /** Why, for messages: `heartbeat-output` or `config-url`. */
  reason: 'heartbeat-output' | 'config-url';
}

/** The permission of the heartbeat output (docs/api-contract.md "Tokens", last bullet). */
export const HEARTBEAT_WRITE: RequiredPermission = { resource: 'heartbeat', action: 'write', reason: 'heartbeat-output' };
/** The permission of a config download from `/api/configs/<id>/toml` (docs/api-contract.md). */
export const CONFIGS_READ: RequiredPermission = { resource: 'configs', action: 'read', reason: 'config-url' };

export { isControllerConfigUrl } from './configUrl';

/** The string values of `url` / `urls` / `address` keys of a table (direct keys only). */
function tableUrls(table: ConfigTable): string[] {
  const out: string[] = [];
  for (const k of directKeys(table)) {
    if (k.keyPath.length !== 1 || !['url', 'urls', 'address'].includes(k.keyPath[0] as string)) continue;
    for (const s of k.scalars) if (s.kind === 'string' && s.value !== undefined) out.push(s.value);
  }
  return out;
}

/**
 * The host a heartbeat output `table` reports to when its `url` is a plain
 * URL whose host differs from `controllerUrl`'s (the connection the token
 * belongs to; loopback names count as one host): the token would be sent there. Undefined when it reports to
 * the controller's host, when `url` is missing, or when it is a reference
 * (`${…}`, `@{…}`) this file does not resolve.
 */
export function heartbeatReportsElsewhere(table: ConfigTable, controllerUrl: string): string | undefined {
  const url = tableUrls(table)[0];
  return url ? otherHostThan(url, controllerUrl) : undefined;
}

/**
 * What a credential site needs: `heartbeat:write` when it belongs to an
 * `[[outputs.heartbeat]]` (also through a sub-table such as its
 * `[outputs.heartbeat.headers]`); `configs:read` when its plugin's
 * `url`/`urls` points at a controller config URL. Empty when the use is not
 * a controller one (e.g. an InfluxDB output).
 */
export function requiredPermissions(cfg: TelegrafConfig, site: Pick<TokenSite, 'table'>): RequiredPermission[] {
  const out: RequiredPermission[] = [];
  if (heartbeatAt(cfg, site.table)) out.push(HEARTBEAT_WRITE);
  let plugin: ConfigTable | undefined = site.table;
  while (plugin && plugin.parentIndex !== undefined) plugin = cfg.tables[plugin.parentIndex];
  const tables = [site.table, plugin].filter((t, i, a): t is ConfigTable => !!t && a.indexOf(t) === i);
  if (tables.some((t) => tableUrls(t).some(isControllerConfigUrl))) out.push(CONFIGS_READ);
  return out;
}

/** One plaintext `tc-apiv1_…` value in a config, with where and how it is used. */
export interface TokenValueUse {
  /** The literal (a secret: never log it). */
  value: string;
  /** Range of the literal itself. */
  range: Range;
  /** The credential site holding it (the `token` key, the Authorization header, or any other string). */
  site: TokenSite;
  /** What this use needs on the controller. */
  needs: RequiredPermission[];
}

/**
 * Every plaintext controller token value outside comments, in document order,
 * each with the site that holds it and the permissions that use needs. Sites
 * of kind `token-key`/`authorization-header` win over the generic
 * `controller-literal` site of the same range.
 */
export function controllerTokenUses(cfg: TelegrafConfig): TokenValueUse[] {
  const literals = findControllerTokenLiterals(cfg);
  if (literals.length === 0) return [];
  const sites = findTokenSites(cfg);
  const out: TokenValueUse[] = [];
  for (const r of literals) {
    const holding = sites.filter((s) => s.credentialRange.start <= r.start && r.end <= s.credentialRange.end);
    const site = holding.find((s) => s.kind !== 'controller-literal') ?? holding[0];
    if (!site) continue;
    out.push({ value: cfg.text.slice(r.start, r.end), range: r, site, needs: requiredPermissions(cfg, site) });
  }
  return out;
}

/** Ranges of every plaintext occurrence of exactly `value` (a `tc-apiv1_…` value) outside comments. */
export function findValueOccurrences(cfg: TelegrafConfig | string, value: string): Range[] {
  const text = typeof cfg === 'string' ? cfg : cfg.text;
  if (!value || !text.includes(value)) return [];
  return findControllerTokenLiterals(cfg).filter((r) => r.end - r.start === value.length && text.slice(r.start, r.end) === value);
}

/** How {@link planRewriteValue} rewrites occurrences: with a new value (rotation) or an env reference (leak response). */
export type RewriteMode = { kind: 'value'; newValue: string } | { kind: 'env'; name: string };

/**
 * Edits turning every plaintext occurrence of `oldValue` in `text` into the
 * form of `mode`: `value` replaces just the literal with `newValue` (the
 * quotes, a `Bearer ` scheme and anything around it stay); `env` replaces
 * the credential of the site holding it with `${name}` (see
 * `planReplaceSite`; a credential holding the value twice is edited once).
 * Comments are never touched. Throws `ConfigEditError('invalid-name')` for
 * an invalid env name.
 */
export function planRewriteValue(text: string, oldValue: string, mode: RewriteMode): TextEdit[] {
  if (!oldValue || !text.includes(oldValue)) return [];
  const cfg = parseTelegrafConfig(text);
  if (mode.kind === 'value') return findValueOccurrences(cfg, oldValue).map((r) => ({ start: r.start, end: r.end, newText: mode.newValue }));
  const reference = envReference(mode.name);
  const edits: TextEdit[] = [];
  const seen = new Set<string>();
  for (const use of controllerTokenUses(cfg)) {
    if (use.value !== oldValue) continue;
    for (const e of planReplaceSite(text, use.site, reference).edits) {
      const k = `${e.start}:${e.end}`;
      if (!seen.has(k)) {
        seen.add(k);
        edits.push(e);
      }
    }
  }
  return edits;
}

/** The credential site whose credential range contains `offset` (ends inclusive), if any. */
export function siteAt(cfg: TelegrafConfig, offset: number): TokenSite | undefined {
  return findTokenSites(cfg).find((s) => s.credentialRange.start <= offset && offset <= s.credentialRange.end);
}

/** The plaintext value use whose literal contains `offset` (ends inclusive), if any. */
export function valueUseAt(cfg: TelegrafConfig, offset: number): TokenValueUse | undefined {
  return controllerTokenUses(cfg).find((u) => u.range.start <= offset && offset <= u.range.end);
}

/** The `tc-apiv1_…` literal inside a site's credential, when the credential holds one. */
export function literalOfSite(cfg: TelegrafConfig, site: TokenSite): { value: string; range: Range } | undefined {
  const text = cfg.text.slice(site.credentialRange.start, site.credentialRange.end);
  const m = new RegExp(CONTROLLER_TOKEN_RE.source).exec(text);
  if (!m) return undefined;
  const start = site.credentialRange.start + m.index;
  return { value: m[0], range: { start, end: start + m[0].length } };
}

/**
 * The heartbeat URL to test a token against: the `url` of the heartbeat
 * table when it is a plain http(s) URL (no `${…}`/`@{…}`/`&{…}`) on the SAME
 * host name as the configured controller (a token is never sent to another
 * host) and not plain `http:` when the controller uses `https:`, else `fallback` (the controller's documented heartbeat URL, port
 * 8000 `/agents/heartbeat`). `controllerUrl` is the configured controller URL.
 */
export function heartbeatTestUrl(heartbeat: ConfigTable | undefined, controllerUrl: string, fallback: string): { url: string; fromConfig: boolean } {
  const raw = heartbeat ? findDirectKey(heartbeat, 'url')?.value : undefined;
  if (raw && !/[$@&]\{|\$[A-Za-z_]/.test(raw)) {
    try {
      const u = new URL(raw);
      const c = new URL(controllerUrl);
      const scheme = u.protocol === 'https:' || (u.protocol === 'http:' && c.protocol === 'http:');
      if (scheme && u.hostname.toLowerCase() === c.hostname.toLowerCase() && !u.username && !u.password) {
        return { url: u.toString(), fromConfig: true };
      }
    } catch {
      /* not a URL: use the fallback */
    }
  }
  return { url: fallback, fromConfig: false };
}

/** Where a `token = …` completion applies (see `tokenCompletionContext`). */
export interface TokenCompletionContext {
  /** The plugin table (`[[inputs.*]]` / `[[outputs.*]]`) the key belongs to. */
  table: ConfigTable;
  /** Range the completion replaces. */
  replaceRange: Range;
  /**
   * `'"'` or `"'"` when the cursor is inside an opened string (insert the
   * reference without quotes); `undefined` when no quote was typed (insert a
   * quoted basic string).
   */
  quote: '"' | "'" | undefined;
  /** What was typed between the quote (or `=`) and the cursor. */
  typed: string;
}

const TOKEN_LINE_RE = /^[ \t]*token[ \t]*=[ \t]*/;

/**
 * The completion context when `offset` is in the value of a `token = ` line
 * of a plugin table (`[[inputs.*]]`/`[[outputs.*]]`, not a secret store nor
 * a sub-table): after `token = `, after `token = "` (inside the string, up to
 * a closing quote if there is one), or in an unquoted value being typed such
 * as `token = ${TEL`. `undefined` elsewhere (including comments and after a
 * complete string). Parses `cfg` when not given.
 */
export function tokenCompletionContext(text: string, offset: number, cfg?: TelegrafConfig): TokenCompletionContext | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  const before = text.slice(lineStart, offset);
  const m = TOKEN_LINE_RE.exec(before);
  if (!m) return undefined;
  const valueStart = lineStart + m[0].length;
  const typedAll = before.slice(m[0].length);
  let lineEnd = offset;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const after = text.slice(offset, lineEnd);
  let quote: '"' | "'" | undefined;
  let start: number;
  let end: number;
  let typed: string;
  const first = typedAll[0];
  if (first === '"' || first === "'") {
    const rest = typedAll.slice(1);
    if (rest.includes(first) || rest.startsWith(first + first)) return undefined;
    quote = first;
    typed = rest;
    start = valueStart + 1;
    const close = after.indexOf(first);
    end = close === -1 ? offset + (/^[^\s#]*/.exec(after)?.[0].length ?? 0) : offset + close;
  } else {
    if (!/^[^\s"'#=]*$/.test(typedAll)) return undefined;
    typed = typedAll;
    start = valueStart;
    end = offset + (/^[^\s"'#]*/.exec(after)?.[0].length ?? 0);
  }
  const parsed = cfg ?? parseTelegrafConfig(text);
  const table = tableAt(parsed, offset);
  if (!table || table.path.length !== 2 || (table.path[0] !== 'inputs' && table.path[0] !== 'outputs')) return undefined;
  return { table, replaceRange: { start, end }, quote, typed };
}
