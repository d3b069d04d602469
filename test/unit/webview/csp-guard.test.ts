/**
 * Every webview of the extension gets its HTML from a generator with a strict
 * Content-Security-Policy and a fresh nonce per load. Source-level
 * guard: each place in src/ that sets `webview.html` renders it with
 * `newNonce()` through a module exporting `contentSecurityPolicy`; and the
 * generator's CSP allows no inline or eval'd script or style, for any nonce.
 * (The e2e flow test/e2e/security.e2e.ts reads the CSP from the running
 * webview.) No `vscode` import.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { contentSecurityPolicy, newNonce, renderCreateTokenHtml } from '../../../src/features/createToken/html';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every file that sets webview.html renders it with a fresh nonce and a CSP generator', () => {
  const setters = files('src').filter((f) => /\.webview\.html\s*=|webview\.html\s*=/.test(readFileSync(f, 'utf8')));
  assert.ok(setters.length > 0, 'the extension has at least one webview');
  for (const f of setters) {
    const text = readFileSync(f, 'utf8');
    assert.match(text, /nonce:\s*newNonce\(\)/, `${f}: the nonce must be newNonce() per render`);
    const imports = [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => path.resolve(path.dirname(f), m[1]!) + '.ts');
    const generator = imports.find((i) => {
      try {
        return /export function contentSecurityPolicy/.test(readFileSync(i, 'utf8'));
      } catch {
        return false;
      }
    });
    assert.ok(generator, `${f}: renders its HTML through a module that exports contentSecurityPolicy`);
  }
});

test('the CSP never allows inline or eval for scripts or styles, whatever the nonce', () => {
  for (let i = 0; i < 50; i++) {
    const nonce = newNonce();
    const csp = contentSecurityPolicy('https://*.vscode-cdn.net', nonce);
    const d = new Map(
      csp
        .split(';')
        .map((x) => x.trim().split(/\s+/))
        .map((x) => [x[0]!, x.slice(1)]),
    );
    assert.deepEqual(d.get('default-src'), ["'none'"]);
    assert.deepEqual(d.get('script-src'), [`'nonce-${nonce}'`]);
    for (const dir of ['script-src', 'style-src', 'default-src']) {
      for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", "'unsafe-hashes'", '*', 'data:', 'blob:']) {
        assert.ok(!(d.get(dir) ?? []).includes(bad), `${dir} allows ${bad}: ${csp}`);
      }
    }
  }
});

test('two loads get two different nonces, each used on every script and stylesheet of its page', () => {
  const render = () => {
    const nonce = newNonce();
    return {
      nonce,
      html: renderCreateTokenHtml({
        cspSource: 'https://*.vscode-cdn.net',
        nonce,
        scriptUri: 'https://x/dist/webview/createToken.js',
        styleUri: 'https://x/media/createToken.css',
        codiconUri: 'https://x/dist/codicons/codicon.css',
      }),
    };
  };
  const a = render();
  const b = render();
  assert.notEqual(a.nonce, b.nonce);
  for (const { nonce, html } of [a, b]) {
    const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
    assert.ok(tags.length >= 2);
    for (const t of tags) assert.ok(t.includes(`nonce="${nonce}"`), t);
    assert.ok(html.includes(`'nonce-${nonce}'`));
  }
});

test('resource URIs and the CSP source are escaped in attributes', () => {
  const html = renderCreateTokenHtml({
    cspSource: `https://a"><script>alert(1)</script>`,
    nonce: newNonce(),
    scriptUri: `https://x/"><script>alert(1)</script>`,
    styleUri: `https://x/' onload='alert(1)`,
    codiconUri: 'https://x/c.css',
  });
  assert.ok(!/<script>alert\(1\)<\/script>/.test(html), 'no script injected through an attribute');
  assert.equal((html.match(/<script\b/g) ?? []).length, 1);
});
