/**
 * The static page of the create form (src/features/createToken/html.ts) and
 * source-level guards for the webview: strict CSP, one nonce on every script
 * and stylesheet, no innerHTML anywhere in src/, no setState with a value.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { contentSecurityPolicy, newNonce, renderCreateTokenHtml } from '../../../src/features/createToken/html';

const input = {
  cspSource: 'https://*.vscode-cdn.net',
  nonce: 'abc123DEF456ghi789JKL012',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/createToken.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/createToken.css',
  codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
};

test('CSP: default-src none, nonce for scripts and styles, no unsafe-*', () => {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${input.nonce}'`));
  assert.match(csp, /style-src https:\/\/\*\.vscode-cdn\.net 'nonce-/);
  assert.match(csp, /font-src https:\/\/\*\.vscode-cdn\.net/);
  assert.ok(!/unsafe-inline|unsafe-eval/.test(csp));
});

test('page: every script and stylesheet carries the nonce; the script is a module; no data in it', () => {
  const html = renderCreateTokenHtml(input);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  const links = html.match(/<link\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0] ?? '', /type="module"/);
  assert.equal(links.length, 2);
  for (const tag of [...scripts, ...links]) assert.ok(tag.includes(`nonce="${input.nonce}"`), tag);
  assert.ok(html.includes('id="vscode-codicon-stylesheet"'));
  assert.ok(!/<style\b/.test(html), 'no inline style element');
  assert.ok(!/\sstyle="/.test(html), 'no inline style attribute');
  assert.ok(!/<script\b[^>]*>[^<]+<\/script>/.test(html), 'no inline script');
});

test('nonce is fresh per render', () => {
  const a = newNonce();
  const b = newNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9+/]{24}$/);
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('src/ never uses innerHTML / outerHTML / insertAdjacentHTML / document.write', () => {
  for (const f of files('src')) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!/\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/.test(text), f);
  }
});

test('the webview persists state only through saveState(ViewState) and never logs with console.log', () => {
  for (const f of files('src/webview')) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!/console\.log/.test(text), f);
    if (!f.endsWith('vscodeApi.ts')) assert.ok(!/\bsetState\s*\(/.test(text), `${f} calls setState directly`);
  }
});
