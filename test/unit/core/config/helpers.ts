/**
 * Shared helpers of the Telegraf config tests: fixture loading (byte for
 * byte, as UTF-8 strings the way VS Code reads them), golden files
 * (`UPDATE_GOLDEN=1` rewrites them) and the invariants every edit plan must
 * keep (bytes outside the edited lines, EOL style, BOM, comment lines).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TextEdit } from '../../../../src/core/config';

export const ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/telegraf-configs');
export const GOLDEN_DIR = path.join(ROOT, 'test/fixtures/golden');
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** Every fixture file name (README excluded), sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f !== 'README.md' && !f.startsWith('.'))
    .sort();
}

/** A fixture's text, decoded as UTF-8 with the BOM kept (as VS Code's document text). */
export function readFixture(name: string): string {
  return readFileSync(path.join(FIXTURE_DIR, name), 'utf8');
}

/** `03-heartbeat-sample.conf` -> `03-heartbeat-sample`, `conf`. */
export function splitName(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  return { stem: name.slice(0, dot), ext: name.slice(dot + 1) };
}

/**
 * Compares `actual` with the golden file `golden/<dir>/<file>` byte for byte,
 * or (re)writes it when `UPDATE_GOLDEN=1`.
 */
export function assertGolden(dir: string, file: string, actual: string): void {
  const target = path.join(GOLDEN_DIR, dir, file);
  if (UPDATE_GOLDEN) {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, actual, 'utf8');
    return;
  }
  assert.ok(existsSync(target), `golden file missing: ${path.relative(ROOT, target)} (run with UPDATE_GOLDEN=1, then review it)`);
  const expected = readFileSync(target, 'utf8');
  if (expected !== actual) {
    assert.fail(`result differs from ${path.relative(ROOT, target)} (first difference at offset ${firstDifference(expected, actual)})`);
  }
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndWithEol(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/**
 * Asserts that applying `edits` to `before` (giving `after`) changed nothing
 * outside the lines the edits touch: the bytes before the first touched
 * line and after the last touched line are identical. Also checks that no
 * touched original line was a comment line (commented options and commented
 * blocks are never edited), unless `allowCommentLines` (an explicit cursor
 * placed inside a comment).
 */
export function assertOnlyEditedLinesChanged(before: string, after: string, edits: readonly TextEdit[], options: { allowCommentLines?: boolean } = {}): void {
  if (edits.length === 0) {
    assert.equal(after, before);
    return;
  }
  const lo = lineStart(before, Math.min(...edits.map((e) => e.start)));
  const maxEnd = Math.max(...edits.map((e) => e.end));
  const hi = maxEnd === lineStart(before, maxEnd) && edits.every((e) => e.start === e.end) ? maxEnd : lineEndWithEol(before, maxEnd);
  assert.equal(after.slice(0, lo), before.slice(0, lo), 'bytes before the edited lines changed');
  const tail = before.length - hi;
  assert.equal(after.slice(after.length - tail), before.slice(hi), 'bytes after the edited lines changed');
  if (options.allowCommentLines) return;
  for (const e of edits) {
    const touchedStart = lineStart(before, e.start);
    // An insertion at a line start touches no existing line; one at a line's
    // end that starts with a line break only terminates that line.
    if (e.start === e.end && touchedStart === e.start) continue;
    const atLineEnd = e.start === before.length || before[e.start] === '\n' || before.startsWith('\r\n', e.start);
    if (e.start === e.end && atLineEnd && /^\r?\n/.test(e.newText)) continue;
    const touched = before.slice(touchedStart, lineEndWithEol(before, Math.max(e.end, e.start)));
    for (const line of touched.split('\n')) {
      // The one comment an edit may replace: a sample's commented-out `# token = …` option, which becomes the token line.
      if (/^\s*#+\s*token\s*=/.test(line) && /^\s*token\s*=/.test(e.newText)) continue;
      assert.ok(!/^\s*#/.test(line), `an edit touched the comment line ${JSON.stringify(line)}`);
    }
  }
}

/** Asserts the EOL style and BOM of `before` are kept in `after`. */
export function assertEolAndBomKept(before: string, after: string): void {
  assert.equal(after.startsWith('\ufeff'), before.startsWith('\ufeff'), 'BOM changed');
  // U+FEFF the text already held inside a value (a generated string may hold one) is not an inserted BOM.
  const inner = (t: string) => t.slice(1).split('\ufeff').length - 1;
  assert.ok(inner(after) <= inner(before), 'a BOM was inserted in the middle');
  const lf = before.match(/(?<!\r)\n/g)?.length ?? 0;
  const crlf = before.match(/\r\n/g)?.length ?? 0;
  if (crlf > 0 && lf === 0) assert.ok(!/(?<!\r)\n/.test(after), 'a bare LF was written into a CRLF file');
  if (crlf === 0) assert.ok(!after.includes('\r'), 'a CR was written into an LF file');
}
