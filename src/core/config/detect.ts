/**
 * Detection of credentials in Telegraf configs: where a token lives, how it is
 * written (literal, env var, secret-store reference, …), which secret stores
 * exist, which heartbeat outputs exist, and whether a file is a Telegraf
 * config at all. Operates on the model of `parse.ts`. No `vscode` import.
 *
 * Telegraf facts encoded (docs/api-contract.md "How Telegraf uses a token" and the
 * fixtures README): env references are `${VAR}`, `$VAR`, `${VAR:-def}`,
 * `${VAR-def}`, `${VAR:?err}`, `${VAR?err}` with `$$` a literal `$`; secret
 * references are `@{store_id:key}` with only `[A-Za-z0-9_]` in both parts;
 * `&{param[:default]}` is a Telegraf Controller dynamic value; controller
 * token values start with `tc-apiv1_`.
 */

import { directKeys, findDirectKey, parseTelegrafConfig } from './parse';
import { decodeTomlString } from './text';
import type { ConfigKey, ConfigTable, Range, ScalarNode, TelegrafConfig } from './types';

/** Prefix of every Telegraf Controller API token value (docs/api-contract.md "Tokens"). */
export const CONTROLLER_TOKEN_PREFIX = 'tc-apiv1_';

/**
 * A Telegraf Controller token literal: the prefix and its `[A-Za-z0-9_-]` tail.
 * Global (`g`): use it with `matchAll`/`replace`, or copy it
 * (`new RegExp(CONTROLLER_TOKEN_RE.source)`) before `exec`/`test`, since
 * `lastIndex` is shared.
 */
export const CONTROLLER_TOKEN_RE = /tc-apiv1_[A-Za-z0-9_-]+/g;

/**
 * How a credential is written:
 * - `controller-literal`: contains a `tc-apiv1_…` value in plain text;
 * - `literal`: any other plain value (e.g. an InfluxDB token);
 * - `placeholder`: a literal that looks like a stand-in (`BUCKET_TOKEN`, `YOUR_TOKEN`, `<token>`);
 * - `empty`: `""` (or only whitespace);
 * - `env`: an environment reference (`${VAR}`, `$VAR`, `${VAR:-def}`, …);
 * - `secret`: a secret-store reference `@{id:key}`;
 * - `dynamic`: a Telegraf Controller dynamic value `&{param}`.
 */
export type TokenClassification = 'controller-literal' | 'literal' | 'placeholder' | 'empty' | 'env' | 'secret' | 'dynamic';

/** Result of `classifyCredential`. */
export interface CredentialClass {
  classification: TokenClassification;
  /** For env references: the variable name (first reference when several). */
  envVar?: string;
  /** For `${VAR:-def}` / `${VAR-def}`: the default text. */
  envDefault?: string;
  /** For secret references: the store id and the secret key. */
  storeId?: string;
  secretKey?: string;
  /** For dynamic values: the parameter name (before any `:default`). */
  dynamicName?: string;
}

/** Where a credential was found. */
export type TokenSiteKind = 'token-key' | 'authorization-header' | 'controller-literal';

/** A place where a credential lives. */
export interface TokenSite {
  /**
   * `token-key`: a `token` key of an `inputs.*`/`outputs.*` plugin;
   * `authorization-header`: an `Authorization` entry of a `headers` table;
   * `controller-literal`: any other string that holds a `tc-apiv1_` value.
   */
  kind: TokenSiteKind;
  /** The table holding the key (`undefined` for root keys). */
  table: ConfigTable | undefined;
  /** The key holding the credential. */
  key: ConfigKey;
  /**
   * Range of the string contents, without quotes (for an unquoted value such
   * as `token = ${X}`: the raw value; for a string inside an array: that string's contents).
   */
  valueRange: Range;
  /** Raw text of `valueRange` (may be a secret: never log it). */
  raw: string;
  /** Whether the value is a quoted string. */
  quoted: boolean;
  /**
   * The part of `valueRange` that holds the credential: after the `Bearer ` /
   * `Token ` scheme of an Authorization header; the `tc-apiv1_…` literal
   * itself for `controller-literal` sites; otherwise equal to `valueRange`.
   */
  credentialRange: Range;
  /** For Authorization headers: the scheme as written (`Bearer`, `Token`, …). */
  scheme?: string;
  classification: TokenClassification;
  envVar?: string;
  envDefault?: string;
  storeId?: string;
  secretKey?: string;
  /** For secret references: the `[[secretstores.*]]` with that id, when the file has one. */
  store?: SecretStore;
  dynamicName?: string;
}

/** A `[[secretstores.<type>]]` table with its `id`. */
export interface SecretStore {
  /** The store id (`id = "…"`), used in `@{id:key}`. */
  id: string;
  /** Plugin type: `os`, `jose`, `docker`, `vault`, `http`, `oauth2`, `systemd`, … */
  type: string;
  table: ConfigTable;
}

/**
 * The environment variable a `[[secretstores.jose]]` takes its password from
 * (`password = "${NAME}"` or `"$NAME"`, both of which Telegraf expands), if it is written that way: `telegraf secrets set`
 * needs the same password, or it stores a secret the agent cannot decrypt.
 */
export function storePasswordVar(store: SecretStore): string | undefined {
  const value = findDirectKey(store.table, 'password')?.scalars[0]?.value;
  const m = typeof value === 'string' ? /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(value.trim()) : null;
  return m ? (m[1] ?? m[2]) : undefined;
}

const SECRET_REF_RE = /@\{([A-Za-z0-9_]+):([A-Za-z0-9_]+)\}/;
const DYNAMIC_RE = /&\{([^}:]*)(?::[^}]*)?\}/;
const AUTH_SCHEME_RE = /^([A-Za-z][A-Za-z0-9_-]*)([ \t]+)/;

/** An env reference found in a string. */
export interface EnvReference {
  name: string;
  /** Text after `:-`/`-` (default) or `:?`/`?` (error), when present. */
  operand?: string;
  operator?: ':-' | '-' | ':?' | '?';
  /** Range inside the searched string. */
  range: Range;
}

/**
 * Env references in a string value, as Telegraf's strict env handling reads
 * them (compose-go template syntax; `$$` is an escaped `$`, unknown forms are
 * left alone).
 */
export function findEnvReferences(s: string): EnvReference[] {
  const out: EnvReference[] = [];
  let i = s.indexOf('$');
  while (i !== -1 && i < s.length) {
    const next = s[i + 1];
    if (next === '$') {
      i = s.indexOf('$', i + 2);
      continue;
    }
    if (next === '{') {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?)([^}]*))?\}/.exec(s.slice(i));
      if (m) {
        const ref: EnvReference = { name: m[1] as string, range: { start: i, end: i + m[0].length } };
        if (m[2] !== undefined) {
          ref.operator = m[2] as EnvReference['operator'];
          ref.operand = m[3] ?? '';
        }
        out.push(ref);
        i = s.indexOf('$', i + m[0].length);
        continue;
      }
    } else {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i));
      if (m) {
        out.push({ name: m[1] as string, range: { start: i, end: i + m[0].length } });
        i = s.indexOf('$', i + m[0].length);
        continue;
      }
    }
    i = s.indexOf('$', i + 1);
  }
  return out;
}

const PLACEHOLDER_TESTS: RegExp[] = [
  /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/, // BUCKET_TOKEN, YOUR_TOKEN, INFLUX_TOKEN
  /^(?:token|secret|password|changeme|apitoken|api_token|apikey|api_key|xxx+|\*+|\.\.\.+|…)$/i,
  /^<[^<>]*>$/, // <token>
  /^\{\{?[^{}]*\}?\}$/, // {token}, {{ token }} (a template left in place)
  /\b(?:your|my)[-_ ]?(?:api[-_ ]?)?(?:token|key|secret)/i,
  /change[-_ ]?me|replace[-_ ]?(?:me|with|this)|insert[-_ ]?(?:here|token)|paste[-_ ]?(?:here|token)|placeholder|^todo$|^fixme$/i,
];

/** Whether a literal looks like a stand-in rather than a real credential. */
export function looksLikePlaceholder(value: string): boolean {
  const v = value.trim();
  return PLACEHOLDER_TESTS.some((re) => re.test(v));
}

/**
 * Classifies a credential string (already without quotes and scheme).
 * Precedence: empty, controller literal (a `tc-apiv1_` value in plain text
 * wins even inside `${VAR:-…}`), secret reference, env reference, dynamic
 * value, placeholder, literal.
 */
export function classifyCredential(value: string): CredentialClass {
  const out: CredentialClass = { classification: 'literal' };
  const env = findEnvReferences(value)[0];
  if (env) {
    out.envVar = env.name;
    if (env.operator === ':-' || env.operator === '-') out.envDefault = env.operand ?? '';
  }
  const secret = SECRET_REF_RE.exec(value);
  if (secret) {
    out.storeId = secret[1] as string;
    out.secretKey = secret[2] as string;
  }
  const dyn = DYNAMIC_RE.exec(value);
  if (dyn) out.dynamicName = dyn[1] as string;

  if (value.trim() === '') out.classification = 'empty';
  else if (value.includes(CONTROLLER_TOKEN_PREFIX)) out.classification = 'controller-literal';
  else if (secret) out.classification = 'secret';
  else if (env) out.classification = 'env';
  else if (dyn) out.classification = 'dynamic';
  else if (looksLikePlaceholder(value)) out.classification = 'placeholder';
  return out;
}

/** Plugin categories whose `token` key is a credential. */
const TOKEN_PLUGIN_CATEGORIES = new Set(['inputs', 'outputs']);

function isTokenKey(table: ConfigTable | undefined, key: ConfigKey): boolean {
  if (!table || key.inlineTablePath !== undefined || key.keyPath.length !== 1 || key.keyPath[0] !== 'token') return false;
  // Only a plugin's own key: [[outputs.x]] / [[inputs.x]], not [outputs.x.sub] nor secret stores.
  return table.path.length === 2 && TOKEN_PLUGIN_CATEGORIES.has(table.path[0] as string);
}

function isHeadersPath(path: readonly string[]): boolean {
  const last = path[path.length - 1];
  return last === 'headers' || last === 'http_headers';
}

function isAuthorizationKey(table: ConfigTable | undefined, key: ConfigKey): boolean {
  const last = key.keyPath[key.keyPath.length - 1];
  if (last === undefined || last.toLowerCase() !== 'authorization') return false;
  // headers = { Authorization = "…" }
  if (key.inlineTablePath && isHeadersPath(key.inlineTablePath)) return true;
  // headers.Authorization = "…" (dotted key)
  if (key.keyPath.length >= 2 && isHeadersPath(key.keyPath.slice(0, -1))) return true;
  // [outputs.http.headers]  Authorization = "…"
  return !!table && key.inlineTablePath === undefined && key.keyPath.length === 1 && isHeadersPath(table.path);
}

function stringSiteRanges(key: ConfigKey): { valueRange: Range; quoted: boolean } | undefined {
  if (key.valueKind === 'string' && key.contentRange) return { valueRange: key.contentRange, quoted: true };
  if (key.valueKind === 'substitution' || key.valueKind === 'invalid') return { valueRange: key.valueRange, quoted: false };
  return undefined;
}

function buildSite(
  cfg: TelegrafConfig,
  kind: TokenSiteKind,
  table: ConfigTable | undefined,
  key: ConfigKey,
  valueRange: Range,
  quoted: boolean,
  stores: Map<string, SecretStore>,
  credentialRange?: Range,
): TokenSite {
  const raw = cfg.text.slice(valueRange.start, valueRange.end);
  let cred = credentialRange ?? valueRange;
  let scheme: string | undefined;
  if (kind === 'authorization-header') {
    const m = AUTH_SCHEME_RE.exec(raw);
    if (m) {
      scheme = m[1];
      cred = { start: valueRange.start + m[0].length, end: valueRange.end };
    }
  }
  const credText = cfg.text.slice(cred.start, cred.end);
  // Classify the decoded text (escapes are rare in credentials but possible).
  const style = quoted ? (key.stringStyle ?? 'basic') : 'literal';
  const cls = classifyCredential(kind === 'controller-literal' ? credText : decodeTomlString(credText, style));
  const site: TokenSite = { kind, table, key, valueRange, raw, quoted, credentialRange: cred, ...cls };
  if (scheme !== undefined) site.scheme = scheme;
  if (cls.storeId !== undefined) {
    const store = stores.get(cls.storeId);
    if (store) site.store = store;
  }
  return site;
}

/**
 * Every place a credential lives, in document order:
 * `token` keys of `[[inputs.*]]`/`[[outputs.*]]` plugins (never of secret
 * stores: their `token`/`token_file` authenticate to the store itself),
 * `Authorization` entries of `headers` / `http_headers` (inline tables,
 * dotted keys or `[….headers]` sub-tables), and any other string holding a
 * `tc-apiv1_` value (one site per literal). Commented lines are never sites;
 * keys such as `heartbeat_interval`, `token_url`, `token_file`, `api_token`
 * are not `token` keys.
 */
export function findTokenSites(cfg: TelegrafConfig): TokenSite[] {
  const stores = new Map(secretStores(cfg).map((s) => [s.id, s] as const));
  const sites: TokenSite[] = [];
  const visit = (table: ConfigTable | undefined, keys: ConfigKey[]): void => {
    for (const key of keys) {
      let covered: Range | undefined;
      if (isTokenKey(table, key) || isAuthorizationKey(table, key)) {
        const r = stringSiteRanges(key);
        if (r) {
          const kind: TokenSiteKind = isTokenKey(table, key) ? 'token-key' : 'authorization-header';
          sites.push(buildSite(cfg, kind, table, key, r.valueRange, r.quoted, stores));
          covered = r.valueRange;
        }
      }
      for (const scalar of key.scalars) {
        const content = scalarContent(scalar);
        if (covered && content.start >= covered.start && content.end <= covered.end) continue;
        const text = cfg.text.slice(content.start, content.end);
        if (!text.includes(CONTROLLER_TOKEN_PREFIX)) continue;
        for (const m of text.matchAll(CONTROLLER_TOKEN_RE)) {
          const lit = { start: content.start + (m.index ?? 0), end: content.start + (m.index ?? 0) + m[0].length };
          sites.push(buildSite(cfg, 'controller-literal', table, key, content, scalar.kind === 'string', stores, lit));
        }
      }
    }
  };
  visit(undefined, cfg.rootKeys);
  for (const t of cfg.tables) visit(t, t.keys);
  return sites;
}

function scalarContent(s: ScalarNode): Range {
  return s.contentRange ?? s.range;
}

/**
 * Ranges of every `tc-apiv1_[A-Za-z0-9_-]+` literal outside comments: inside
 * string values (also in arrays and inline tables) and in unquoted values.
 * Intended for "token in plain text" diagnostics. Parses `text` (linear).
 */
export function findControllerTokenLiterals(text: string | TelegrafConfig): Range[] {
  const source = typeof text === 'string' ? text : text.text;
  if (!source.includes(CONTROLLER_TOKEN_PREFIX)) return [];
  const cfg = typeof text === 'string' ? parseTelegrafConfig(source) : text;
  const out: Range[] = [];
  const visit = (keys: ConfigKey[]): void => {
    for (const key of keys) {
      for (const scalar of key.scalars) {
        const content = scalarContent(scalar);
        const slice = source.slice(content.start, content.end);
        if (!slice.includes(CONTROLLER_TOKEN_PREFIX)) continue;
        for (const m of slice.matchAll(CONTROLLER_TOKEN_RE)) {
          const start = content.start + (m.index ?? 0);
          out.push({ start, end: start + m[0].length });
        }
      }
    }
  };
  visit(cfg.rootKeys);
  for (const t of cfg.tables) visit(t.keys);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Controller token literals (outside comments) that `before` holds and
 * `after` no longer does: the values an edit replaced, such as an older token
 * Insert Token overwrote. Each value once, in order of appearance.
 */
export function replacedTokenLiterals(before: string, after: string): string[] {
  const values = (t: string) => findControllerTokenLiterals(t).map((r) => t.slice(r.start, r.end));
  const kept = new Set(values(after));
  return [...new Set(values(before))].filter((v) => !kept.has(v));
}

/** Every `[[secretstores.<type>]]` that has a string `id`, in document order. */
export function secretStores(cfg: TelegrafConfig): SecretStore[] {
  const out: SecretStore[] = [];
  for (const t of cfg.tables) {
    if (t.path.length !== 2 || t.path[0] !== 'secretstores') continue;
    const id = findDirectKey(t, 'id');
    if (id?.value === undefined) continue;
    out.push({ id: id.value, type: t.path[1] as string, table: t });
  }
  return out;
}

/** Every `[[outputs.heartbeat]]` (or `[outputs.heartbeat]`) table, in document order. */
export function heartbeatOutputs(cfg: TelegrafConfig): ConfigTable[] {
  return cfg.tables.filter((t) => t.name === 'outputs.heartbeat');
}

/**
 * The `[[outputs.heartbeat]]` that a key at `offset` would belong to: the
 * table at `offset` itself, or the heartbeat a sub-table such as
 * `[outputs.heartbeat.status]` belongs to. `undefined` elsewhere.
 */
export function heartbeatAt(cfg: TelegrafConfig, table: ConfigTable | undefined): ConfigTable | undefined {
  let t = table;
  while (t) {
    if (t.name === 'outputs.heartbeat') return t;
    t = t.parentIndex === undefined ? undefined : cfg.tables[t.parentIndex];
  }
  return undefined;
}

/**
 * Groups (of two or more) of plugin tables (`inputs.*`, `outputs.*`, …, as
 * `[[…]]`) that have the same name and the same direct keys and values —
 * typically a block pasted twice (fixture 16). Telegraf runs each copy.
 */
export function duplicatePlugins(cfg: TelegrafConfig): ConfigTable[][] {
  const groups = new Map<string, ConfigTable[]>();
  for (const t of cfg.tables) {
    if (!t.isArray || t.path.length !== 2) continue;
    const sig =
      t.name +
      '\u0000' +
      directKeys(t)
        .map((k) => `${k.key}=${k.valueText}`)
        .join('\u0000');
    const g = groups.get(sig);
    if (g) g.push(t);
    else groups.set(sig, [t]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

const TELEGRAF_TABLE_RE = /^[ \t]*\[\[[ \t]*(?:inputs|outputs|processors|aggregators|secretstores)\.[^\]\r\n]*\]\]|^[ \t]*\[[ \t]*agent[ \t]*\]/m;

/**
 * Whether a file looks like a Telegraf configuration: named `telegraf.conf`
 * or `<name>.telegraf.conf` (even when empty), any `.conf` under a
 * `telegraf.d/` directory, or a `.conf`/`.toml`
 * file with an uncommented Telegraf table (`[[inputs.*]]`, `[[outputs.*]]`,
 * `[[processors.*]]`, `[[aggregators.*]]`, `[[secretstores.*]]`, `[agent]`).
 * `fileName` may be a path or a URI path with `/` or `\` separators.
 */
export function isTelegrafConfig(fileName: string, text: string): boolean {
  const norm = fileName.replace(/\\/g, '/');
  const base = (norm.split('/').pop() ?? '').toLowerCase();
  if (base === 'telegraf.conf' || base.endsWith('.telegraf.conf')) return true;
  const isConfExt = base.endsWith('.conf');
  if (isConfExt && /(?:^|\/)telegraf\.d\//i.test(norm)) return true;
  if (!isConfExt && !base.endsWith('.toml')) return false;
  return TELEGRAF_TABLE_RE.test(text.startsWith('\ufeff') ? text.slice(1) : text);
}
