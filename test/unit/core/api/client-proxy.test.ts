/**
 * Proxy: requests through a real local forward proxy (the `proxy` package,
 * CONNECT tunnelling) reach the emulator; NO_PROXY bypasses it; proxy
 * authentication and an unreachable proxy give `proxy` errors; HTTP_PROXY /
 * NO_PROXY from the environment are honoured (undici's EnvHttpProxyAgent
 * does the matching). All on 127.0.0.1.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { ControllerClient } from '../../../../src/core/api/client';
import { createDispatcher, type ControllerDispatcher } from '../../../../src/core/api/dispatcher';
import { generateSelfSignedCert, startEmulator, type Emulator } from '../../../emulator/server';
import { DEMO_TOKEN_VALUES } from '../../../emulator/seed';
import { expectKind } from './helpers';

let emu: Emulator;
let tlsEmu: Emulator;
let proxyServer: import('proxy', { with: { 'resolution-mode': 'import' } }).ProxyServer;
let proxyUrl: string;
let tunnels: string[] = [];
const dispatchers: ControllerDispatcher[] = [];
const retry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

before(async () => {
  emu = await startEmulator();
  tlsEmu = await startEmulator({ tls: true });
  const { createProxy } = await import('proxy');
  proxyServer = createProxy(http.createServer());
  proxyServer.on('connect', (req: http.IncomingMessage) => tunnels.push(req.url ?? ''));
  await new Promise<void>((r) => proxyServer.listen(0, '127.0.0.1', () => r()));
  proxyUrl = `http://127.0.0.1:${(proxyServer.address() as net.AddressInfo).port}`;
});
after(async () => {
  await Promise.all(dispatchers.map((d) => d.destroy()));
  proxyServer.closeAllConnections();
  await new Promise((r) => proxyServer.close(r));
  await emu.close();
  await tlsEmu.close();
});
beforeEach(() => {
  tunnels = [];
  delete proxyServer.authenticate;
});

function client(baseUrl: string, opts: Parameters<typeof createDispatcher>[0]): ControllerClient {
  const d = createDispatcher({ connectTimeoutMs: 2000, ...opts });
  dispatchers.push(d);
  return new ControllerClient({ baseUrl, dispatcher: d, retry, timeoutMs: 3000, credential: { kind: 'token', token: DEMO_TOKEN_VALUES['tok-owner-full']! } });
}

void describe('through a forward proxy', () => {
  void test('an http controller is reached through the proxy (CONNECT)', async () => {
    const c = client(emu.url, { proxyUrl });
    assert.equal((await c.me()).username, 'admin');
    assert.deepEqual(tunnels, [new URL(emu.url).host]);
  });
  void test('an https controller is reached through the proxy with its CA', async () => {
    const c = client(tlsEmu.url, { proxyUrl, ca: tlsEmu.ca! });
    assert.equal((await c.listConfigs()).length, 2);
    assert.deepEqual(tunnels, [new URL(tlsEmu.url).host]);
  });
  void test('TLS is still verified through the proxy', async () => {
    await expectKind(client(tlsEmu.url, { proxyUrl }).authStatus(), 'tls');
  });
  void test('NO_PROXY bypasses the proxy', async () => {
    const c = client(emu.url, { proxyUrl, noProxy: 'example.com, 127.0.0.1' });
    assert.equal((await c.me()).username, 'admin');
    assert.deepEqual(tunnels, []);
  });
  void test('proxy authentication: 407 without credentials, works with them in the URL', async () => {
    proxyServer.authenticate = (req) => req.headers['proxy-authorization'] === `Basic ${Buffer.from('proxyuser:proxypass').toString('base64')}`;
    const e = await expectKind(client(emu.url, { proxyUrl }).me(), 'proxy');
    assert.match(e.userMessage, /proxy/i);
    assert.doesNotMatch(e.userMessage, /proxypass/);
    const withAuth = proxyUrl.replace('http://', 'http://proxyuser:proxypass@');
    assert.equal((await client(emu.url, { proxyUrl: withAuth }).me()).username, 'admin');
  });
  void test('an unreachable proxy -> proxy error naming it', async () => {
    const port = await freePort();
    const e = await expectKind(client(emu.url, { proxyUrl: `http://127.0.0.1:${port}` }).me(), 'proxy');
    assert.match(e.userMessage, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});

void describe('an https proxy and http.proxyStrictSSL', () => {
  let tlsProxy: import('proxy', { with: { 'resolution-mode': 'import' } }).ProxyServer;
  let tlsProxyUrl: string;
  before(async () => {
    const { createProxy } = await import('proxy');
    const material = await generateSelfSignedCert();
    tlsProxy = createProxy(https.createServer({ cert: material.cert, key: material.key }));
    await new Promise<void>((r) => tlsProxy.listen(0, '127.0.0.1', () => r()));
    tlsProxyUrl = `https://127.0.0.1:${(tlsProxy.address() as net.AddressInfo).port}`;
  });
  after(async () => {
    tlsProxy.closeAllConnections();
    await new Promise((r) => tlsProxy.close(r));
  });
  void test("the proxy's self-signed certificate is rejected by default", async () => {
    const e = await expectKind(client(emu.url, { proxyUrl: tlsProxyUrl }).me(), 'tls');
    assert.ok(e.userMessage.length > 0);
  });
  void test('proxyStrictSSL false accepts it, and the request goes through the proxy', async () => {
    assert.equal((await client(emu.url, { proxyUrl: tlsProxyUrl, proxyStrictSSL: false }).me()).username, 'admin');
  });
  void test("proxyStrictSSL false does not turn off verification of the controller's certificate", async () => {
    await expectKind(client(tlsEmu.url, { proxyUrl: tlsProxyUrl, proxyStrictSSL: false }).authStatus(), 'tls');
  });
});

void describe('proxy from the environment (undici EnvHttpProxyAgent)', () => {
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
  const restore = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  void test('HTTP_PROXY is used when no proxy is set explicitly', async () => {
    process.env.HTTP_PROXY = proxyUrl;
    delete process.env.NO_PROXY;
    try {
      const c = client(emu.url, {});
      assert.equal((await c.me()).username, 'admin');
      assert.deepEqual(tunnels, [new URL(emu.url).host]);
    } finally {
      restore();
    }
  });
  void test('NO_PROXY from the environment bypasses it', async () => {
    process.env.HTTP_PROXY = proxyUrl;
    process.env.NO_PROXY = 'example.com,127.0.0.1';
    try {
      const c = client(emu.url, {});
      assert.equal((await c.me()).username, 'admin');
      assert.deepEqual(tunnels, []);
    } finally {
      restore();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
