// Build-time size reduction of undici@6 in the extension bundle, shared by
// esbuild.mjs and the unit test that runs the API client bundled this way
// (test/unit/api/undici-slim.test.ts).
//
// - `undici` -> build/undici-slim.mjs: Agent, ProxyAgent, Dispatcher, request,
//   errors, get/setGlobalDispatcher — what src/ uses (no fetch, WebSocket,
//   caches, cookies, mocks: ~300 KB minified).
// - undici's lib/web/fetch/body.js (needed only to send FormData bodies) and
//   lib/dispatcher/client-h2.js (HTTP/2, negotiated only with `allowH2: true`,
//   never set by src/) -> stubs that throw if ever called.
// - undici's llhttp WebAssembly modules (base64 JS, 65 KB each, loaded on the
//   first HTTP request) -> external `./llhttp/<file>`, shipped next to the
//   bundle by copyUndiciLlhttp(). undici still loads the SIMD module first and
//   falls back to the other one.
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const inUndici = (importer) => /[\\/]node_modules[\\/]undici[\\/]/.test(importer);

/** File names of undici's llhttp modules, required at run time as `./llhttp/<name>`. */
export const UNDICI_LLHTTP = Object.freeze(['llhttp_simd-wasm.js', 'llhttp-wasm.js']);

/**
 * The esbuild plugin (see the file comment). Use it on a bundle whose output
 * folder then gets copyUndiciLlhttp(outdir).
 * @returns {import('esbuild').Plugin}
 */
export function slimUndici() {
  return {
    name: 'slim-undici',
    setup(b) {
      b.onResolve({ filter: /^undici$/ }, () => ({ path: path.join(here, 'undici-slim.mjs') }));
      b.onResolve({ filter: /[\\/]web[\\/]fetch[\\/]body(\.js)?$/ }, (a) =>
        inUndici(a.importer) ? { path: path.join(here, 'undici-formdata-unsupported.cjs') } : undefined,
      );
      b.onResolve({ filter: /[\\/]client-h2(\.js)?$/ }, (a) =>
        inUndici(a.importer) ? { path: path.join(here, 'undici-h2-unsupported.cjs') } : undefined,
      );
      b.onResolve({ filter: /[\\/]llhttp[\\/]llhttp(_simd)?-wasm\.js$/ }, (a) =>
        inUndici(a.importer) ? { path: `./llhttp/${path.basename(a.path)}`, external: true } : undefined,
      );
    },
  };
}

/**
 * Copies undici's llhttp modules to `<outdir>/llhttp/`.
 * @param {string} outdir folder of the bundle (e.g. 'dist')
 */
export function copyUndiciLlhttp(outdir) {
  mkdirSync(path.join(outdir, 'llhttp'), { recursive: true });
  for (const f of UNDICI_LLHTTP) {
    cpSync(path.join(root, 'node_modules/undici/lib/llhttp', f), path.join(outdir, 'llhttp', f));
  }
}
