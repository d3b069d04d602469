/**
 * The tolerant side of parsing: masking of unquoted substitutions (so that a
 * strict TOML parser can run with unchanged offsets) and a robust scanner used
 * when the strict parse still fails. Both work on the raw text; offsets are
 * UTF-16 indices into it. No `vscode` import.
 */

import { BOM, decodeTomlString, isWs, lexString } from './text';
import type { Range, ScalarNode, ValueKind } from './types';

/** A value as read by either parser, before keys are flattened into tables. */
export interface RawValue {
  range: Range;
  kind: ValueKind;
  style?: ScalarNode['style'];
  contentRange?: Range;
  value?: string;
  /** Scalar leaves (see `ConfigKey.scalars`). */
  scalars: ScalarNode[];
  /** For an inline table: its entries. */
  children?: RawKey[];
}

/** A key-value pair as read by either parser. */
export interface RawKey {
  keyPath: string[];
  keyRange: Range;
  value: RawValue;
}

/** A table header and its direct key-values as read by either parser. */
export interface RawTable {
  path: string[];
  isArray: boolean;
  headerRange: Range;
  keys: RawKey[];
}

/** Output of either parser. */
export interface RawModel {
  tables: RawTable[];
  rootKeys: RawKey[];
}

/**
 * End offset of a substitution starting at `i` (`${…}`, `$VAR`, `@{…}`,
 * `&{…}`, closed on the same line), or `i` when there is none.
 */
export function substitutionEnd(text: string, i: number): number {
  const ch = text[i];
  if (ch !== '$' && ch !== '@' && ch !== '&') return i;
  const next = text[i + 1];
  if (next === '{') {
    let j = i + 2;
    while (j < text.length && text[j] !== '}' && text[j] !== '\n') j++;
    return text[j] === '}' ? j + 1 : i;
  }
  if (ch === '$' && next !== undefined && /[A-Za-z_]/.test(next)) {
    let j = i + 2;
    while (j < text.length && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
    return j;
  }
  return i;
}

/**
 * Replaces every unquoted substitution (outside strings and comments) with a
 * same-length basic string (`"xx…"`), and a leading BOM with a space, so a
 * strict TOML parser sees valid values at the same offsets.
 * Returns the masked text and the ranges that were replaced (BOM excluded).
 */
export function maskSubstitutions(text: string): { masked: string; ranges: Range[] } {
  const ranges: Range[] = [];
  const n = text.length;
  let i = text.startsWith(BOM) ? 1 : 0;
  while (i < n) {
    const ch = text[i];
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const s = lexString(text, i);
      i = Math.max(s.range.end, i + 1);
      continue;
    }
    if (ch === '$' || ch === '@' || ch === '&') {
      const end = substitutionEnd(text, i);
      if (end - i >= 2) {
        ranges.push({ start: i, end });
        i = end;
        continue;
      }
    }
    i++;
  }
  if (ranges.length === 0 && !text.startsWith(BOM)) return { masked: text, ranges };
  let masked = '';
  let last = 0;
  if (text.startsWith(BOM)) {
    masked = ' ';
    last = 1;
  }
  for (const r of ranges) {
    masked += text.slice(last, r.start) + '"' + 'x'.repeat(r.end - r.start - 2) + '"';
    last = r.end;
  }
  masked += text.slice(last);
  return { masked, ranges };
}

const INTEGER_RE = /^[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*)$/;
const FLOAT_RE = /^[+-]?(?:inf|nan|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?)$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}/;
const TIME_RE = /^\d{2}:\d{2}/;

/** Best-effort kind of an unquoted scalar. */
function bareKind(raw: string): ValueKind {
  if (raw === 'true' || raw === 'false') return 'boolean';
  if (INTEGER_RE.test(raw)) return 'integer';
  if (FLOAT_RE.test(raw)) return 'float';
  if (DATE_RE.test(raw) || TIME_RE.test(raw)) return 'datetime';
  return 'invalid';
}

/** Characters that end an unquoted key segment. */
function isKeyStop(ch: string | undefined): boolean {
  return (
    ch === undefined ||
    ch === ' ' ||
    ch === '\t' ||
    ch === '\n' ||
    ch === '\r' ||
    ch === '=' ||
    ch === '.' ||
    ch === '[' ||
    ch === ']' ||
    ch === '{' ||
    ch === '}' ||
    ch === ',' ||
    ch === '#' ||
    ch === '"' ||
    ch === "'"
  );
}

/** Characters that end an unquoted value. */
function isBareValueStop(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ',' || ch === ']' || ch === '}' || ch === '#';
}

class ScanFailure extends Error {}

/**
 * A tolerant line-oriented reader for TOML-like Telegraf configs. It accepts
 * unquoted substitutions, duplicate keys, indented headers, BOM, CRLF, and
 * recovers from any malformed line by skipping to the next line. Multi-line
 * strings, arrays and inline tables are followed across lines so that text
 * inside them is never taken for headers or keys.
 */
class Scanner {
  private pos: number;
  private readonly n: number;
  readonly model: RawModel = { tables: [], rootKeys: [] };

  constructor(private readonly text: string) {
    this.n = text.length;
    this.pos = text.startsWith(BOM) ? 1 : 0;
  }

  run(): RawModel {
    let current: RawKey[] = this.model.rootKeys;
    while (this.pos < this.n) {
      this.skipWs();
      const ch = this.text[this.pos];
      if (ch === undefined) break;
      if (ch === '\n' || ch === '\r') {
        this.pos++;
        continue;
      }
      if (ch === '#') {
        this.skipToEol();
        continue;
      }
      const lineStartPos = this.pos;
      try {
        if (ch === '[') {
          const table = this.parseHeader();
          this.model.tables.push(table);
          current = table.keys;
          this.expectLineEnd();
        } else {
          const kv = this.parseKeyValue();
          current.push(kv);
          this.expectLineEnd();
        }
      } catch (e) {
        if (!(e instanceof ScanFailure)) throw e;
        // Recover: continue on the line after the failure (never before the line start).
        if (this.pos < lineStartPos) this.pos = lineStartPos;
        this.skipToEol();
      }
    }
    return this.model;
  }

  private fail(): never {
    throw new ScanFailure();
  }

  private skipWs(): void {
    while (isWs(this.text[this.pos])) this.pos++;
  }

  private skipToEol(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl === -1 ? this.n : nl + 1;
  }

  /** Whitespace, line breaks and comments (inside arrays and inline tables). */
  private skipBlanks(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.pos++;
      else if (ch === '#') {
        const nl = this.text.indexOf('\n', this.pos);
        this.pos = nl === -1 ? this.n : nl;
      } else return;
    }
  }

  /** After a header or value: only whitespace and a comment may remain on the line. */
  private expectLineEnd(): void {
    this.skipWs();
    const ch = this.text[this.pos];
    if (ch === undefined) return;
    if (ch === '#' || ch === '\n' || (ch === '\r' && this.text[this.pos + 1] === '\n')) {
      this.skipToEol();
      return;
    }
    this.fail();
  }

  private parseHeader(): RawTable {
    const start = this.pos;
    const isArray = this.text[this.pos + 1] === '[';
    this.pos += isArray ? 2 : 1;
    this.skipWs();
    const { path } = this.parseKeyPath();
    this.skipWs();
    if (this.text[this.pos] !== ']') this.fail();
    this.pos++;
    if (isArray) {
      if (this.text[this.pos] !== ']') this.fail();
      this.pos++;
    }
    return { path, isArray, headerRange: { start, end: this.pos }, keys: [] };
  }

  private parseKeyPath(): { path: string[]; range: Range } {
    const path: string[] = [];
    const start = this.pos;
    let end: number;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === '"' || ch === "'") {
        const s = lexString(this.text, this.pos);
        if (!s.terminated || s.style === 'multiline-basic' || s.style === 'multiline-literal') this.fail();
        path.push(decodeTomlString(this.text.slice(s.contentRange.start, s.contentRange.end), s.style));
        this.pos = s.range.end;
      } else {
        const segStart = this.pos;
        while (!isKeyStop(this.text[this.pos])) this.pos++;
        if (this.pos === segStart) this.fail();
        path.push(this.text.slice(segStart, this.pos));
      }
      end = this.pos;
      this.skipWs();
      if (this.text[this.pos] === '.') {
        this.pos++;
        this.skipWs();
        continue;
      }
      break;
    }
    return { path, range: { start, end } };
  }

  private parseKeyValue(): RawKey {
    const { path, range } = this.parseKeyPath();
    this.skipWs();
    if (this.text[this.pos] !== '=') this.fail();
    this.pos++;
    this.skipWs();
    const value = this.parseValue();
    return { keyPath: path, keyRange: range, value };
  }

  private parseValue(): RawValue {
    const text = this.text;
    const start = this.pos;
    const ch = text[start];
    if (ch === undefined || ch === '\n' || ch === '\r' || ch === '#') {
      // A half-typed `key =` with nothing after it: an empty value, so that
      // an edit fills this key instead of adding a second one.
      const range = { start, end: start };
      return { range, kind: 'invalid', scalars: [{ range, kind: 'invalid' }] };
    }
    if (ch === '"' || ch === "'") {
      const s = lexString(text, start);
      if (!s.terminated) this.fail();
      this.pos = s.range.end;
      const value = decodeTomlString(text.slice(s.contentRange.start, s.contentRange.end), s.style);
      const node: ScalarNode = { range: s.range, kind: 'string', style: s.style, contentRange: s.contentRange, value };
      return { range: s.range, kind: 'string', style: s.style, contentRange: s.contentRange, value, scalars: [node] };
    }
    if (ch === '[') return this.parseArray();
    if (ch === '{') return this.parseInlineTable();
    const subEnd = substitutionEnd(text, start);
    if (subEnd > start + 1) {
      this.pos = subEnd;
      const range = { start, end: subEnd };
      return { range, kind: 'substitution', scalars: [{ range, kind: 'substitution' }] };
    }
    while (!isBareValueStop(text[this.pos])) this.pos++;
    // A local date-time may use a space instead of "T": 1979-05-27 07:32:00
    if (/^\d{4}-\d{2}-\d{2}$/.test(text.slice(start, this.pos)) && text[this.pos] === ' ' && /^\d{2}:/.test(text.slice(this.pos + 1, this.pos + 4))) {
      this.pos++;
      while (!isBareValueStop(text[this.pos])) this.pos++;
    }
    if (this.pos === start) this.fail();
    const range = { start, end: this.pos };
    const kind = bareKind(text.slice(start, this.pos));
    return { range, kind, scalars: [{ range, kind }] };
  }

  private parseArray(): RawValue {
    const start = this.pos;
    this.pos++;
    const scalars: ScalarNode[] = [];
    for (;;) {
      this.skipBlanks();
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail();
      if (ch === ']') {
        this.pos++;
        break;
      }
      const v = this.parseValue();
      scalars.push(...flattenScalars(v));
      this.skipBlanks();
      const sep = this.text[this.pos];
      if (sep === ',') {
        this.pos++;
        continue;
      }
      if (sep === ']') {
        this.pos++;
        break;
      }
      this.fail();
    }
    return { range: { start, end: this.pos }, kind: 'array', scalars };
  }

  private parseInlineTable(): RawValue {
    const start = this.pos;
    this.pos++;
    const children: RawKey[] = [];
    for (;;) {
      this.skipBlanks();
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail();
      if (ch === '}') {
        this.pos++;
        break;
      }
      children.push(this.parseKeyValue());
      this.skipBlanks();
      const sep = this.text[this.pos];
      if (sep === ',') {
        this.pos++;
        continue;
      }
      if (sep === '}') {
        this.pos++;
        break;
      }
      this.fail();
    }
    return { range: { start, end: this.pos }, kind: 'inline-table', scalars: [], children };
  }
}

/** All scalar leaves of a value, including those of inline-table entries. */
export function flattenScalars(v: RawValue): ScalarNode[] {
  if (!v.children) return v.scalars;
  const out = [...v.scalars];
  for (const c of v.children) out.push(...flattenScalars(c.value));
  return out;
}

/**
 * Reads `text` with the tolerant scanner. Never throws; malformed lines are
 * skipped (a malformed multi-line value is abandoned at the failure point).
 */
export function scanConfig(text: string): RawModel {
  return new Scanner(text).run();
}
