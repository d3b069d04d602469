/**
 * Every message path goes through src/infra/ui.ts (which neutralises links in
 * the whole message) and no MarkdownString can run a command: a structural
 * check over src/. See README.md "Where your secrets live".
 *
 * Checked in every src/**\/*.ts file:
 * - no direct `vscode.window.show{Information,Warning,Error}Message`,
 *   `withProgress`, `showQuickPick`, `showInputBox`, `createQuickPick` or
 *   `createInputBox` outside src/infra/ui.ts;
 * - no `isTrusted` other than `false`, no `supportHtml = true`;
 * - `new vscode.MarkdownString(` starts empty (text is added with `appendText`);
 * - `appendMarkdown(…)` interpolates nothing but argument-free `vscode.l10n.t('…')`.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');
const WRAPPER = path.join('src', 'infra', 'ui.ts');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const files = sources(SRC).map((p) => ({ rel: path.relative(ROOT, p), text: readFileSync(p, 'utf8') }));

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

describe('message paths', () => {
  test('src/ has files to check', () => {
    assert.ok(files.length > 20);
    assert.ok(
      files.some((f) => f.rel === WRAPPER),
      'src/infra/ui.ts exists',
    );
  });

  test('no notification, modal, progress, quick pick or input box bypasses src/infra/ui.ts', () => {
    const direct =
      /vscode\s*\.\s*window\s*\.\s*(show(?:Information|Warning|Error)Message|withProgress|showQuickPick|showInputBox|createQuickPick|createInputBox)\b/g;
    const bad: string[] = [];
    for (const f of files) {
      if (f.rel === WRAPPER) continue;
      for (const m of f.text.matchAll(direct)) bad.push(`${f.rel}:${lineOf(f.text, m.index!)} ${m[1]}`);
      // A destructured or aliased window (`const { showWarningMessage } = vscode.window`, `const w = vscode.window`).
      for (const m of f.text.matchAll(/=\s*vscode\s*\.\s*window\s*[;\n]/g)) bad.push(`${f.rel}:${lineOf(f.text, m.index!)} aliases vscode.window`);
    }
    assert.deepEqual(bad, [], `call src/infra/ui.ts instead:\n${bad.join('\n')}`);
  });

  test('no MarkdownString is trusted or renders HTML', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const m of f.text.matchAll(/isTrusted\s*[:=]\s*(?!false\b)[^\s;,)]+/g)) bad.push(`${f.rel}:${lineOf(f.text, m.index!)} ${m[0]}`);
      for (const m of f.text.matchAll(/supportHtml\s*[:=]\s*true/g)) bad.push(`${f.rel}:${lineOf(f.text, m.index!)} ${m[0]}`);
      for (const m of f.text.matchAll(/new\s+vscode\s*\.\s*MarkdownString\s*\(\s*(?!\)|undefined\b)/g))
        bad.push(`${f.rel}:${lineOf(f.text, m.index!)} MarkdownString built from text`);
    }
    assert.deepEqual(bad, [], bad.join('\n'));
  });

  test('appendMarkdown interpolates only fixed, localized text (everything else goes through appendText)', () => {
    const bad: string[] = [];
    const allowed = /^vscode\.l10n\.t\('[^'{}]*'\)$/;
    for (const f of files) {
      for (const m of f.text.matchAll(/appendMarkdown\(\s*`((?:[^`\\]|\\.)*)`/g)) {
        for (const i of m[1]!.matchAll(/\$\{([^}]*(?:\}[^}`]*)*?)\}/g)) {
          if (!allowed.test(i[1]!.trim())) bad.push(`${f.rel}:${lineOf(f.text, m.index!)} \${${i[1]}}`);
        }
      }
    }
    assert.deepEqual(bad, [], bad.join('\n'));
  });
});

test('messages use real plurals, never "(s)"', () => {
  const bad: string[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
  for (const f of walk(SRC)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g)) if (/\w\(s\)/.test(m[2]!)) bad.push(`${path.relative(ROOT, f)}: ${m[2]}`);
  }
  assert.deepEqual(bad, [], bad.join('\n'));
});
