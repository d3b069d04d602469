/**
 * Small text helpers for planning minimal edits: line boundaries, the
 * file's line ending, inserting whole lines after a given offset while
 * keeping a missing final newline missing. Pure; UTF-16 offsets. No `vscode`.
 */
import type { TextEdit } from '../config/types';

/** `\r\n` when the text uses it, else `\n`. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Offset of the start of the line holding `off`. */
export function lineStart(text: string, off: number): number {
  return text.lastIndexOf('\n', Math.max(0, off - 1)) + 1;
}

/** The whitespace indentation of the line holding `off`. */
export function indentAt(text: string, off: number): string {
  const s = lineStart(text, off);
  return /^[ \t]*/.exec(text.slice(s))![0];
}

/** Column (UTF-16 units from the line start) of `off`. */
export function columnOf(text: string, off: number): number {
  return off - lineStart(text, off);
}

/**
 * The edit inserting `lines` as whole lines after the line that holds the
 * content ending at `off` (trailing line breaks before `off` are skipped).
 * Uses the file's EOL; when that line is the last and has no line break, the
 * new lines are prefixed with one and the file still ends without one.
 */
export function insertLinesAfter(text: string, off: number, lines: readonly string[]): TextEdit {
  let p = Math.min(off, text.length);
  while (p > 0 && (text[p - 1] === '\n' || text[p - 1] === '\r')) p--;
  const eol = eolOf(text);
  const nl = text.indexOf('\n', p);
  if (nl === -1) return { start: text.length, end: text.length, newText: lines.map((l) => eol + l).join('') };
  return { start: nl + 1, end: nl + 1, newText: lines.map((l) => l + eol).join('') };
}

/** The edit appending `lines` at the end (adding a line break first when the file lacks one; keeping the file's final-newline habit). */
export function appendLines(text: string, lines: readonly string[]): TextEdit {
  const eol = eolOf(text);
  if (text.length === 0) return { start: 0, end: 0, newText: lines.map((l) => l + eol).join('') };
  if (text.endsWith('\n')) return { start: text.length, end: text.length, newText: lines.map((l) => l + eol).join('') };
  return { start: text.length, end: text.length, newText: lines.map((l) => eol + l).join('') };
}
