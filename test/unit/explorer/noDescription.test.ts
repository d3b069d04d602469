/**
 * A token whose description is empty or white space only (or only invisible
 * characters) is labelled "(no description)" everywhere: tree, hover,
 * pickers, notifications, details and the webview. One function decides
 * (src/core/text.ts `descriptionText`, wrapped with the localized label by
 * src/infra/ui.ts `tokenName`); a structural check keeps every place on it.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { descriptionText } from '../../../src/core/text';

const FALLBACK = '(no description)';

describe('descriptionText', () => {
  test('empty, white-space-only and invisible-only descriptions get the fallback', () => {
    for (const d of ['', ' ', '   \t ', '\n', '\u00a0\u2003', '\u200b\u202e', undefined])
      assert.equal(descriptionText(d, FALLBACK), FALLBACK, JSON.stringify(d));
  });
  test('a visible description is shown cleaned and shortened', () => {
    assert.equal(descriptionText('  prod agent  ', FALLBACK), 'prod agent');
    assert.equal(descriptionText('x'.repeat(50), FALLBACK, 10), `${'x'.repeat(9)}…`);
  });
});

const ROOT = path.resolve(__dirname, '../../..');
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('every place that shows a token description uses tokenName / descriptionText', () => {
  test('no description reaches displayText/pickText/textContent directly', () => {
    const bad: string[] = [];
    for (const file of [...sources(path.join(ROOT, 'src', 'features')), ...sources(path.join(ROOT, 'src', 'webview'))]) {
      const text = readFileSync(file, 'utf8');
      const rel = path.relative(ROOT, file);
      const patterns = [
        /(?:displayText|pickText|untrustedText)\(\s*[\w.!?[\]]*\.description\b/g,
        /\btext:\s*[\w.!?]*token\.description\b/g,
        /\.description \|\| vscode\.l10n\.t\('\(no description\)'\)/g,
      ];
      for (const re of patterns) for (const m of text.matchAll(re)) bad.push(`${rel}:${text.slice(0, m.index).split('\n').length} ${m[0]}`);
    }
    assert.deepEqual(bad, [], bad.join('\n'));
  });
});
