/**
 * Low-level text helpers for Telegraf config files: line index, EOL style,
 * TOML string lexing (shared by the masker and the tolerant scanner), string
 * decoding and escaping. Offsets are UTF-16 indices into the text as read.
 * No `vscode` import.
 */

import type { Range, StringStyle } from './types';

/** U+FEFF, the byte order mark as JavaScript sees it (one code unit). */
export const BOM = '\ufeff';

/**
 * Offsets of the start of every line. Lines end at `\n` (a `\r\n` pair ends
 * at its `\n`); a lone `\r` does not end a line (TOML does not allow it).
 */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

/** 0-based line containing `offset`, by binary search over `lineStarts`. */
export function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Offset where the line containing `offset` ends, BEFORE its terminator
 * (`\r\n` or `\n`), or `text.length` on the last line.
 */
export function lineContentEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return text.length;
  return nl > 0 && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/** Offset just past the line terminator of the line containing `offset` (or `text.length`). */
export function lineEndWithEol(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** Offset of the start of the line containing `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The dominant line ending: `'\r\n'` when at least as many `\n` are preceded by
 * `\r` as not, otherwise `'\n'`; `'\n'` when the text has no line break.
 */
export function detectEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  let i = text.indexOf('\n');
  while (i !== -1) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
    i = text.indexOf('\n', i + 1);
  }
  return crlf > 0 && crlf >= lf ? '\r\n' : '\n';
}

/** Whether `ch` (one UTF-16 unit) is TOML whitespace (space or tab). */
export function isWs(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** Result of lexing one TOML string starting at a quote. */
export interface LexedString {
  style: StringStyle;
  /** Range from the opening to just past the closing delimiter (or where lexing stopped). */
  range: Range;
  /** Raw contents between the delimiters. */
  contentRange: Range;
  /** `false` when the string is not closed (line end for single-line, EOF for multi-line). */
  terminated: boolean;
}

/**
 * Lexes the TOML string whose opening quote is at `pos` (`"`, `'`, `"""` or
 * `'''`). Never throws: an unterminated single-line string stops before the
 * line break, an unterminated multi-line string at the end of the text.
 */
export function lexString(text: string, pos: number): LexedString {
  const q = text[pos] as '"' | "'";
  const n = text.length;
  const multi = text[pos + 1] === q && text[pos + 2] === q;
  if (multi) {
    const style: StringStyle = q === '"' ? 'multiline-basic' : 'multiline-literal';
    let i = pos + 3;
    while (i < n) {
      const ch = text[i];
      if (ch === '\\' && q === '"') {
        i += 2;
        continue;
      }
      if (ch === q && text[i + 1] === q && text[i + 2] === q) {
        // Up to two extra quotes before the closing delimiter belong to the content.
        let run = 3;
        while (run < 5 && text[i + run] === q) run++;
        const end = i + run;
        return { style, range: { start: pos, end }, contentRange: { start: pos + 3, end: end - 3 }, terminated: true };
      }
      i++;
    }
    return { style, range: { start: pos, end: n }, contentRange: { start: pos + 3, end: n }, terminated: false };
  }
  const style: StringStyle = q === '"' ? 'basic' : 'literal';
  let i = pos + 1;
  while (i < n) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) break;
    if (ch === '\\' && q === '"') {
      if (text[i + 1] === '\n' || text[i + 1] === '\r' || i + 1 >= n) break;
      i += 2;
      continue;
    }
    if (ch === q) {
      return { style, range: { start: pos, end: i + 1 }, contentRange: { start: pos + 1, end: i }, terminated: true };
    }
    i++;
  }
  return { style, range: { start: pos, end: i }, contentRange: { start: pos + 1, end: i }, terminated: false };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  e: '\u001b',
  '"': '"',
  '\\': '\\',
};

/**
 * Decodes the raw contents of a TOML string of the given style (TOML 1.1
 * escapes; invalid escapes are kept verbatim rather than rejected; CRLF in
 * multi-line strings reads as LF).
 */
export function decodeTomlString(raw: string, style: StringStyle): string {
  let s = raw;
  if (style === 'multiline-basic' || style === 'multiline-literal') {
    // Line breaks inside multi-line strings read as LF (as toml-eslint-parser does);
    // a newline immediately after the opening delimiter is trimmed.
    s = s.replace(/\r\n/g, '\n');
    if (s.startsWith('\n')) s = s.slice(1);
  }
  if (style === 'literal' || style === 'multiline-literal') return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === undefined) {
      out += ch;
      break;
    }
    if (style === 'multiline-basic') {
      // Line-ending backslash: trim all whitespace and newlines up to the next non-blank.
      let j = i + 1;
      while (isWs(s[j])) j++;
      if (s[j] === '\n' || (s[j] === '\r' && s[j + 1] === '\n')) {
        while (j < s.length && (isWs(s[j]) || s[j] === '\n' || s[j] === '\r')) j++;
        i = j;
        continue;
      }
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    const hexLen = next === 'u' ? 4 : next === 'U' ? 8 : next === 'x' ? 2 : 0;
    if (hexLen > 0) {
      const hex = s.slice(i + 2, i + 2 + hexLen);
      if (hex.length === hexLen && /^[0-9A-Fa-f]+$/.test(hex)) {
        const cp = Number.parseInt(hex, 16);
        if (cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) {
          out += String.fromCodePoint(cp);
          i += 2 + hexLen;
          continue;
        }
      }
    }
    out += ch + next;
    i += 2;
  }
  return out;
}

/**
 * Escapes `value` for the contents of a single-line TOML basic string
 * (`"…"`): backslash, double quote and control characters.
 */
export function escapeBasicString(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** A TOML basic string literal (with quotes) holding `value`. */
export function quoteBasicString(value: string): string {
  return '"' + escapeBasicString(value) + '"';
}

/** Whether `value` can be written verbatim inside a single-line literal string (`'…'`). */
export function isLiteralStringSafe(value: string): boolean {
  return !/['\u0000-\u0008\u000a-\u001f\u007f]/.test(value);
}

/** Leading spaces and tabs of the line starting at `lineStart`. */
export function indentationAt(text: string, lineStart: number): string {
  let i = lineStart;
  while (isWs(text[i])) i++;
  return text.slice(lineStart, i);
}

/** Whether the line containing `offset` holds only spaces/tabs (or nothing; a leading BOM does not count). */
export function isBlankLine(text: string, offset: number): boolean {
  const start = lineStartOf(text, offset);
  const end = lineContentEnd(text, offset);
  for (let i = start; i < end; i++) if (!isWs(text[i]) && !(i === 0 && text[i] === BOM)) return false;
  return true;
}
