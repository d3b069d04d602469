/**
 * The bundles leave out zod's JSON Schema generation (build/slim-zod.mjs).
 * This test bundles the API contract and the webview protocol with that
 * plugin and checks that validation is unchanged — the same outputs and the
 * same error messages as the unbundled modules for valid and invalid data —
 * and that JSON Schema generation fails with a clear message instead.
 * No `vscode` import.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import * as contract from '../../../src/core/api/contract';

const root = path.resolve(__dirname, '../../..');
let outDir: string;
let bundled: typeof contract & { z: typeof import('zod') };
let inputs: string[];

before(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-slim-zod-'));
  const entry = path.join(outDir, 'entry.ts');
  fs.writeFileSync(entry, `export * from ${JSON.stringify(path.join(root, 'src/core/api/contract'))};\nexport * as z from 'zod';\n`);
  const { slimZod } = (await import(pathToFileURL(path.join(root, 'build/slim-zod.mjs')).href)) as { slimZod: () => esbuild.Plugin };
  const r = await esbuild.build({
    entryPoints: [entry],
    outfile: path.join(outDir, 'contract.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: root,
    nodePaths: [path.join(root, 'node_modules')],
    plugins: [slimZod()],
  });
  inputs = Object.keys(r.metafile.inputs);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bundled = require(path.join(outDir, 'contract.js')) as typeof bundled;
});

after(() => fs.rmSync(outDir, { recursive: true, force: true }));

const token = {
  id: 'tok_1',
  description: '<b>x</b> 🚀',
  userId: 7,
  status: 'ACTIVE',
  permissions: { configs: ['read', 'bogus'], heartbeat: ['WRITE'], unknown: ['read'], agents: 'nope' },
  createdAt: '2026-01-02T03:04:05+02:00',
  expiresAt: null,
  prefix: 'tc-apiv1_abc',
  extra: true,
};

test('the JSON Schema modules of zod are replaced in the bundle', () => {
  const real = inputs.filter((f) => /zod\/v4\/core\/(json-schema-processors|to-json-schema|json-schema-generator)\.js$/.test(f));
  assert.equal(real.length, 3, 'the three modules are resolved (and stubbed)');
  assert.throws(() => bundled.z.toJSONSchema(bundled.TokenSchema), /JSON Schema generation is not included/);
  assert.throws(() => bundled.TokenSchema.toJSONSchema(), /JSON Schema generation is not included/);
});

test('valid data parses to the same output as with the full zod', () => {
  const a = bundled.TokenSchema.parse(token);
  const b = contract.TokenSchema.parse(token);
  assert.deepEqual(a, b);
  const list = { tokens: [token, { ...token, id: 'tok_2', expiresAt: '2027-01-01T00:00:00Z' }], total: 2 };
  assert.deepEqual(bundled.ListTokensResponseSchema.parse(list), contract.ListTokensResponseSchema.parse(list));
});

test('invalid data fails with the same issues as with the full zod', () => {
  for (const bad of [{ ...token, createdAt: 'yesterday' }, { ...token, status: 'paused' }, { ...token, description: 5 }, [], null, { tokens: 'x' }]) {
    const a = bundled.TokenSchema.safeParse(bad);
    const b = contract.TokenSchema.safeParse(bad);
    assert.equal(a.success, false);
    assert.equal(b.success, false);
    assert.deepEqual(
      a.error!.issues.map((i) => [i.code, i.path, i.message]),
      b.error!.issues.map((i) => [i.code, i.path, i.message]),
    );
  }
});
