/**
 * Parsing of Telegraf configuration files into a position-carrying model.
 *
 * Strategy: mask unquoted substitutions (`${VAR}`, `$VAR`, `@{id:key}`,
 * `&{param}`) and the BOM with same-length text, parse with
 * `toml-eslint-parser` (TOML 1.1, gives ranges); when that still fails (for
 * example duplicate keys, or a truncated file), fall back to the tolerant
 * scanner of `scanner.ts`. Telegraf facts relied on (fixtures README, docs/api-contract.md
 * Part A): a leading UTF-8 BOM is stripped by Telegraf; unquoted `${VAR}`
 * only works with `--non-strict-env-handling`.
 *
 * No `vscode` import. Offsets are UTF-16 indices into the text as read.
 */

import type * as TomlParser from 'toml-eslint-parser' with { 'resolution-mode': 'import' };
import { flattenScalars, maskSubstitutions, scanConfig } from './scanner';
import type { RawKey, RawModel, RawTable, RawValue } from './scanner';
import { BOM, computeLineStarts, detectEol, indentationAt, lineEndWithEol, lineOf, lineStartOf } from './text';
import type { ConfigKey, ConfigParseError, ConfigTable, Range, ScalarNode, StringStyle, TelegrafConfig } from './types';

// toml-eslint-parser is ESM-only; this project's TypeScript is CommonJS. The
// bundler (esbuild) and Node >= 20.19 (tsx for tests) both resolve a require()
// of it; the types come from the import above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml = require('toml-eslint-parser') as typeof TomlParser;

type AstKeyValue = TomlParser.AST.TOMLKeyValue;
type AstContent = TomlParser.AST.TOMLContentNode;

/** Options of `parseTelegrafConfig`. */
export interface ParseOptions {
  /** Use the tolerant scanner even when the text is valid TOML. Default `false`. */
  scanner?: boolean;
}

/** Indentation used for keys when the file gives no example. */
export const DEFAULT_KEY_INDENT = '  ';

function rangeOf(node: { range: [number, number] }): Range {
  return { start: node.range[0], end: node.range[1] };
}

function convertValue(node: AstContent, masks: Map<number, number>): RawValue {
  const range = rangeOf(node);
  if (masks.get(range.start) === range.end) {
    return { range, kind: 'substitution', scalars: [{ range, kind: 'substitution' }] };
  }
  switch (node.type) {
    case 'TOMLArray': {
      const scalars: ScalarNode[] = [];
      for (const el of node.elements) scalars.push(...flattenScalars(convertValue(el, masks)));
      return { range, kind: 'array', scalars };
    }
    case 'TOMLInlineTable':
      return { range, kind: 'inline-table', scalars: [], children: node.body.map((kv) => convertKeyValue(kv, masks)) };
    case 'TOMLValue': {
      if (node.kind === 'string') {
        const style: StringStyle = node.multiline ? (node.style === 'basic' ? 'multiline-basic' : 'multiline-literal') : node.style;
        const delim = node.multiline ? 3 : 1;
        const contentRange = { start: range.start + delim, end: range.end - delim };
        const scalar: ScalarNode = { range, kind: 'string', style, contentRange, value: node.value };
        return { range, kind: 'string', style, contentRange, value: node.value, scalars: [scalar] };
      }
      const kind = node.kind === 'integer' || node.kind === 'float' || node.kind === 'boolean' ? node.kind : 'datetime';
      return { range, kind, scalars: [{ range, kind }] };
    }
  }
}

function convertKeyValue(kv: AstKeyValue, masks: Map<number, number>): RawKey {
  return {
    keyPath: kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value)),
    keyRange: rangeOf(kv.key),
    value: convertValue(kv.value, masks),
  };
}

/** Where the header that starts at `start` ends (just past `]` or `]]`). */
function headerEnd(text: string, keyEnd: number, isArray: boolean): number {
  let i = keyEnd;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === ']') i++;
  if (isArray && text[i] === ']') i++;
  return i;
}

function convertAst(text: string, ast: TomlParser.AST.TOMLProgram, maskRanges: Range[]): RawModel {
  const masks = new Map<number, number>();
  for (const r of maskRanges) masks.set(r.start, r.end);
  const model: RawModel = { tables: [], rootKeys: [] };
  const top = ast.body[0];
  for (const node of top.body) {
    if (node.type === 'TOMLKeyValue') {
      model.rootKeys.push(convertKeyValue(node, masks));
      continue;
    }
    const isArray = node.kind === 'array';
    const table: RawTable = {
      path: node.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value)),
      isArray,
      headerRange: { start: node.range[0], end: headerEnd(text, node.key.range[1], isArray) },
      keys: node.body.map((kv) => convertKeyValue(kv, masks)),
    };
    model.tables.push(table);
  }
  return model;
}

function makeKeys(text: string, lineStarts: number[], raw: RawKey[], prefix: string[] | undefined, out: ConfigKey[]): void {
  for (const rk of raw) {
    const line = lineOf(lineStarts, rk.keyRange.start);
    const v = rk.value;
    const key: ConfigKey = {
      key: rk.keyPath.join('.'),
      keyPath: rk.keyPath,
      keyRange: rk.keyRange,
      valueRange: v.range,
      valueText: text.slice(v.range.start, v.range.end),
      valueKind: v.kind,
      scalars: v.scalars,
      line,
      lineStart: lineStarts[line] ?? 0,
    };
    if (v.value !== undefined) key.value = v.value;
    if (v.style !== undefined) key.stringStyle = v.style;
    if (v.contentRange !== undefined) key.contentRange = v.contentRange;
    if (prefix !== undefined) key.inlineTablePath = prefix;
    out.push(key);
    if (v.children) makeKeys(text, lineStarts, v.children, [...(prefix ?? []), ...rk.keyPath], out);
  }
}

function finalize(
  text: string,
  raw: RawModel,
  parseMode: 'toml' | 'scanner',
  parseError: ConfigParseError | undefined,
  unquotedSubstitutions: Range[],
): TelegrafConfig {
  const lineStarts = computeLineStarts(text);
  const rootKeys: ConfigKey[] = [];
  makeKeys(text, lineStarts, raw.rootKeys, undefined, rootKeys);

  const tables: ConfigTable[] = raw.tables.map((rt, index) => {
    const headerLineStart = lineStartOf(text, rt.headerRange.start);
    const keys: ConfigKey[] = [];
    makeKeys(text, lineStarts, rt.keys, undefined, keys);
    return {
      index,
      name: rt.path.join('.'),
      path: rt.path,
      isArray: rt.isArray,
      headerRange: rt.headerRange,
      headerLineStart,
      headerIndent: text.slice(headerLineStart, rt.headerRange.start),
      line: lineOf(lineStarts, rt.headerRange.start),
      bodyStart: lineEndWithEol(text, rt.headerRange.end),
      bodyEnd: text.length,
      keys,
      indent: '',
    };
  });

  let keyIndent: string | undefined;
  const lastByPath = new Map<string, number>();
  for (const t of tables) {
    const next = tables[t.index + 1];
    if (next) t.bodyEnd = next.headerLineStart;
    const firstDirect = t.keys.find((k) => k.inlineTablePath === undefined);
    if (firstDirect) {
      t.indent = indentationAt(text, firstDirect.lineStart);
      keyIndent ??= t.indent;
    }
    for (let j = t.path.length - 1; j >= 1; j--) {
      const parent = lastByPath.get(t.path.slice(0, j).join('\u0000'));
      if (parent !== undefined) {
        t.parentIndex = parent;
        break;
      }
    }
    lastByPath.set(t.path.join('\u0000'), t.index);
  }
  keyIndent ??= DEFAULT_KEY_INDENT;
  for (const t of tables) {
    if (!t.keys.some((k) => k.inlineTablePath === undefined)) t.indent = keyIndent;
  }

  const cfg: TelegrafConfig = {
    text,
    eol: detectEol(text),
    hasBom: text.startsWith(BOM),
    endsWithEol: text.endsWith('\n'),
    parseMode,
    tables,
    rootKeys,
    unquotedSubstitutions,
    keyIndent,
    lineStarts,
  };
  if (parseError) cfg.parseError = parseError;
  return cfg;
}

/**
 * Parses a Telegraf configuration file (any text, including empty, BOM, CRLF,
 * unquoted substitutions, duplicate `[[plugin]]` tables). Never throws.
 * Commented lines (`# token = ""`, `# [[outputs.heartbeat]]`) are never keys
 * or tables. `parseMode` says whether strict TOML parsing succeeded (after
 * masking) or the tolerant scanner was used (`parseError` says why).
 * Linear in the size of the text.
 *
 * `options.scanner: true` skips the strict parser (tests compare both paths;
 * `parseError` is then unset).
 */
export function parseTelegrafConfig(text: string, options: ParseOptions = {}): TelegrafConfig {
  const { masked, ranges } = maskSubstitutions(text);
  if (options.scanner) return finalize(text, scanConfig(text), 'scanner', undefined, ranges);
  try {
    const ast = toml.parseTOML(masked, { tomlVersion: '1.1' });
    return finalize(text, convertAst(masked, ast, ranges), 'toml', undefined, ranges);
  } catch (e) {
    const lineStarts = computeLineStarts(text);
    let parseError: ConfigParseError;
    if (e instanceof toml.ParseError) {
      parseError = { message: e.message, offset: e.index, line: Math.max(0, e.lineNumber - 1) };
    } else {
      parseError = { message: e instanceof Error ? e.message : 'TOML parse failed', offset: 0, line: 0 };
    }
    if (parseError.offset > text.length) parseError.offset = text.length;
    // `key =` with its value missing: the parser stops where the next line starts; Telegraf (and the user) name the key's line.
    {
      const before = /=[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*$/.exec(text.slice(0, parseError.offset));
      if (before) parseError.offset = before.index;
    }
    parseError.line = lineOf(lineStarts, parseError.offset);
    return finalize(text, scanConfig(text), 'scanner', parseError, ranges);
  }
}

/**
 * The table whose header line or body contains `offset` (UTF-16), i.e. the
 * table a key typed at `offset` would belong to. Sub-tables such as
 * `[outputs.heartbeat.status]` are their own tables. `undefined` before the
 * first header. O(log n).
 */
export function tableAt(cfg: TelegrafConfig, offset: number): ConfigTable | undefined {
  const tables = cfg.tables;
  let lo = 0;
  let hi = tables.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((tables[mid] as ConfigTable).headerLineStart <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found === -1 ? undefined : tables[found];
}

/** Direct keys of a table (no inline-table entries), in document order. */
export function directKeys(table: { keys: ConfigKey[] }): ConfigKey[] {
  return table.keys.filter((k) => k.inlineTablePath === undefined);
}

/** The first direct key of `table` named exactly `name` (single segment), if any. */
export function findDirectKey(table: { keys: ConfigKey[] }, name: string): ConfigKey | undefined {
  return table.keys.find((k) => k.inlineTablePath === undefined && k.keyPath.length === 1 && k.keyPath[0] === name);
}

/**
 * The table of `cfg` that is "the same" as `table` from an earlier parse of the
 * same text: same header offset and name. `undefined` when there is none.
 */
export function sameTable(cfg: TelegrafConfig, table: Pick<ConfigTable, 'headerRange' | 'name'>): ConfigTable | undefined {
  return cfg.tables.find((t) => t.headerRange.start === table.headerRange.start && t.name === table.name);
}

/** 0-based line of `offset` in the parsed text. */
export function lineAt(cfg: TelegrafConfig, offset: number): number {
  return lineOf(cfg.lineStarts, offset);
}
