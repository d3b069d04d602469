/**
 * Every glob the extension hands to `workspace.findFiles` has at most one
 * level of `{…}`: VS Code searches with ripgrep, which refuses nested
 * alternate groups ("nested alternate groups are not allowed"), and the search
 * then fails instead of finding files.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

function braceDepth(glob: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of glob) {
    if (ch === '{') max = Math.max(max, ++depth);
    else if (ch === '}') depth--;
  }
  return max;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the depth check itself', () => {
  assert.equal(braceDepth('**/*.{conf,toml}'), 1);
  assert.equal(braceDepth('{**/a,**/{b,c}*.{yml,yaml}}'), 2);
});

test('globs passed to findFiles and the glob constants have one level of braces at most', () => {
  const globs: string[] = [];
  for (const file of sources(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/findFiles\(\s*(['`])([^'`]*)\1/g)) globs.push(`${path.relative(root, file)}: ${m[2]}`);
    for (const m of text.matchAll(/export const \w*(?:GLOB|EXCLUDE)\w*\s*=\s*'([^']*)'/g)) globs.push(`${path.relative(root, file)}: ${m[1]}`);
    for (const m of text.matchAll(/export const \w*(?:GLOB|EXCLUDE)\w*\s*=\s*\n\s*'([^']*)'/g)) globs.push(`${path.relative(root, file)}: ${m[1]}`);
  }
  assert.ok(globs.length >= 4, `found the globs: ${globs.join('\n')}`);
  for (const g of globs) assert.ok(braceDepth(g.slice(g.indexOf(': ') + 2)) <= 1, `nested braces: ${g}`);
});
