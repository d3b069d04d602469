/**
 * The extension bundle replaces `undici` by build/undici-slim.mjs (only the
 * parts src/ uses) and ships undici's llhttp modules next to the bundle
 * (build/slim-undici.mjs). This test bundles the real API client
 * (src/core/api/client.ts + dispatcher.ts) exactly that way, loads the
 * bundle, and runs it against the emulator: plain HTTP, HTTPS with and
 * without the CA, a forward proxy (CONNECT, which needs
 * `Dispatcher.prototype.connect`), a POST, error mapping, and the full
 * paginated listing — the same results as the unbundled client. No `vscode`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { ControllerClient } from '../../../src/core/api/client';
import { startEmulator, type Emulator } from '../../emulator/server';
import { DEMO_TOKEN_VALUES } from '../../emulator/seed';

type ClientModule = typeof import('../../../src/core/api/client') & typeof import('../../../src/core/api/dispatcher');

const root = path.resolve(__dirname, '../../..');
let outDir: string;
let bundled: ClientModule;
let bundleText: string;
let bundledInputs: string[];
let emu: Emulator;
let tlsEmu: Emulator;
let proxyServer: import('proxy', { with: { 'resolution-mode': 'import' } }).ProxyServer;
let proxyUrl: string;
let tunnels: string[] = [];
const closers: (() => Promise<unknown>)[] = [];
const retry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
const token = DEMO_TOKEN_VALUES['tok-owner-full']!;

before(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-undici-slim-'));
  const entry = path.join(outDir, 'entry.ts');
  fs.writeFileSync(
    entry,
    `export * from ${JSON.stringify(path.join(root, 'src/core/api/client'))};\nexport * from ${JSON.stringify(path.join(root, 'src/core/api/dispatcher'))};\n`,
  );
  const plugin = (await import(pathToFileURL(path.join(root, 'build/slim-undici.mjs')).href)) as {
    slimUndici: () => esbuild.Plugin;
    copyUndiciLlhttp: (dir: string) => void;
  };
  const result = await esbuild.build({
    entryPoints: [entry],
    metafile: true,
    outfile: path.join(outDir, 'client.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
    absWorkingDir: root,
    nodePaths: [path.join(root, 'node_modules')],
    plugins: [plugin.slimUndici()],
  });
  plugin.copyUndiciLlhttp(outDir);
  bundledInputs = Object.keys(result.metafile.inputs);
  bundleText = fs.readFileSync(path.join(outDir, 'client.js'), 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bundled = require(path.join(outDir, 'client.js')) as ClientModule;

  emu = await startEmulator();
  tlsEmu = await startEmulator({ tls: true });
  const { createProxy } = await import('proxy');
  proxyServer = createProxy(http.createServer());
  proxyServer.on('connect', (req: http.IncomingMessage) => tunnels.push(req.url ?? ''));
  await new Promise<void>((r) => proxyServer.listen(0, '127.0.0.1', () => r()));
  proxyUrl = `http://127.0.0.1:${(proxyServer.address() as net.AddressInfo).port}`;
});

after(async () => {
  await Promise.all(closers.map((c) => c().catch(() => undefined)));
  proxyServer?.closeAllConnections();
  await new Promise((r) => proxyServer?.close(r));
  await emu?.close();
  await tlsEmu?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

function slimClient(baseUrl: string, opts: Parameters<ClientModule['createDispatcher']>[0] = {}): ControllerClient {
  const d = bundled.createDispatcher({ connectTimeoutMs: 2000, ...opts });
  closers.push(() => d.destroy());
  return new bundled.ControllerClient({ baseUrl, dispatcher: d, retry, timeoutMs: 3000, credential: { kind: 'token', token } });
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return String((e as { kind?: string }).kind);
  }
  return 'no error';
}

void describe('API client bundled with the slim undici', () => {
  void test('the bundle holds none of undici fetch/websocket/cache/mock code nor the llhttp wasm', () => {
    const undiciFiles = bundledInputs.filter((f) => f.includes('node_modules/undici/'));
    assert.ok(undiciFiles.some((f) => f.endsWith('lib/dispatcher/proxy-agent.js')));
    const unwanted = undiciFiles.filter((f) => /undici\/(index\.js|lib\/(web|mock|cache)\/|lib\/llhttp\/llhttp.*wasm|lib\/dispatcher\/client-h2)/.test(f));
    assert.deepEqual(unwanted, []);
    assert.equal(bundleText.includes('AGFzbQ'), false, 'a base64 wasm module is inlined');
    assert.match(bundleText, /require\("\.\/llhttp\/llhttp_simd-wasm\.js"\)/);
    assert.ok(fs.existsSync(path.join(outDir, 'llhttp', 'llhttp-wasm.js')));
  });

  void test('plain HTTP: me(), and the full listing equals the unbundled client', async () => {
    const c = slimClient(emu.url);
    assert.equal((await c.me()).username, 'admin');
    const full = new ControllerClient({ baseUrl: emu.url, retry, timeoutMs: 3000, credential: { kind: 'token', token } });
    closers.push(() => full.close());
    // lastUsedAt moves with every request made with the token: compare the rest.
    const strip = (ts: { lastUsedAt?: unknown }[]) => ts.map(({ lastUsedAt: _ignored, ...t }) => t);
    const a = strip(await c.listAllTokens());
    const b = strip(await full.listAllTokens());
    assert.ok(a.length > 0);
    assert.deepEqual(a, b);
  });

  void test('POST and DELETE (create, revoke, delete a token)', async () => {
    const c = slimClient(emu.url);
    const created = await c.createToken({ description: 'slim undici', expiresAt: null, preset: 'telegraf-agent' });
    assert.match(created.value, /^tc-apiv1_/);
    const id = created.token.id;
    assert.equal((await c.revokeToken(id)).id, id);
    await c.deleteToken(id);
    assert.equal(await kindOf(c.getToken(id)), 'not-found');
  });

  void test('HTTPS is verified: works with the CA, fails as tls without it', async () => {
    assert.equal((await slimClient(tlsEmu.url, { ca: tlsEmu.ca! }).me()).username, 'admin');
    assert.equal(await kindOf(slimClient(tlsEmu.url).me()), 'tls');
    assert.equal((await slimClient(tlsEmu.url, { allowUntrusted: true }).me()).username, 'admin');
  });

  void test('through a forward proxy (CONNECT), http and https', async () => {
    tunnels = [];
    assert.equal((await slimClient(emu.url, { proxyUrl }).me()).username, 'admin');
    assert.equal((await slimClient(tlsEmu.url, { proxyUrl, ca: tlsEmu.ca! }).me()).username, 'admin');
    assert.deepEqual(tunnels, [new URL(emu.url).host, new URL(tlsEmu.url).host]);
  });

  void test('transport and HTTP errors keep their kinds (refused, missing auth)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    assert.equal(await kindOf(slimClient(`http://127.0.0.1:${port}`).me()), 'connection-refused');
    const anon = new bundled.ControllerClient({ baseUrl: emu.url, retry, timeoutMs: 3000 });
    closers.push(() => anon.close());
    assert.equal(await kindOf(anon.me()), 'missing-auth');
  });
});
