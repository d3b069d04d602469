/**
 * Fault suite: every fault the emulator can inject, and transport failures
 * (connection refused, DNS, connect timeout), against the real client,
 * asserting the error kind and its user message. Small timeouts keep it fast;
 * no wall-clock assertions.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { Agent } from 'undici';
import { ControllerClient } from '../../../../src/core/api/client';
import { createDispatcher, type ControllerDispatcher } from '../../../../src/core/api/dispatcher';
import { ControllerError, isAuthFailure, isTransient } from '../../../../src/core/api/errors';
import { startEmulator, type Emulator } from '../../../emulator/server';
import { DEMO_TOKEN_VALUES } from '../../../emulator/seed';
import { expectKind } from './helpers';

let emu: Emulator;
let dispatcher: ControllerDispatcher;
const ownerToken = DEMO_TOKEN_VALUES['tok-owner-full']!;

before(async () => {
  emu = await startEmulator();
  dispatcher = createDispatcher({ connectTimeoutMs: 300 });
});
after(async () => {
  await dispatcher.close();
  await emu.close();
});
beforeEach(() => {
  emu.state.reset();
  emu.faults.clear();
});

function client(extra: Partial<ConstructorParameters<typeof ControllerClient>[0]> = {}): ControllerClient {
  return new ControllerClient({
    baseUrl: emu.url,
    credential: { kind: 'token', token: ownerToken },
    dispatcher,
    timeoutMs: 300,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 20 },
    ...extra,
  });
}

void describe('status faults', () => {
  for (const status of [500, 502, 503, 504]) {
    void test(`${status} -> server`, async () => {
      emu.faults.add({ route: 'listTokens', status });
      const e = await expectKind(client().listTokens(), 'server', status);
      assert.match(e.userMessage, new RegExp(`HTTP ${status}`));
      assert.ok(isTransient(e));
    });
  }
  void test('429 with Retry-After -> rate-limited with retryAfterMs', async () => {
    emu.faults.add({ route: 'listTokens', status: 429, retryAfter: 7 });
    const e = await expectKind(client().listTokens(), 'rate-limited', 429);
    assert.equal(e.retryAfterMs, 7000);
    assert.match(e.userMessage, /7 s/);
  });
  void test('429 with an HTTP-date Retry-After', async () => {
    emu.faults.add({ route: 'me', status: 429, retryAfter: new Date(Date.now() + 60_000).toUTCString() });
    const e = await expectKind(client().me(), 'rate-limited');
    assert.ok(e.retryAfterMs !== undefined && e.retryAfterMs > 50_000 && e.retryAfterMs <= 60_000);
  });
  void test('emulator rate limit (per credential) -> 429', async () => {
    emu.state.rateLimit = { max: 2, windowMs: 60_000 };
    const c = client();
    await c.me();
    await c.me();
    const e = await expectKind(c.me(), 'rate-limited', 429);
    assert.ok((e.retryAfterMs ?? 0) > 0);
  });
  void test('409 and 423 and 404 with server messages', async () => {
    emu.faults.add({ route: 'revokeToken', status: 409, body: { error: 'conflict', message: 'Token is being modified' } });
    const e = await expectKind(client().revokeToken('tok-bob-agent'), 'conflict', 409);
    assert.equal(e.serverMessage, 'Token is being modified');
    assert.match(e.userMessage, /Token is being modified/);
  });
  void test('400 field errors (array style) map to fieldErrors', async () => {
    emu.faults.add({
      route: 'createToken',
      status: 400,
      body: {
        error: 'validation_error',
        message: 'Invalid',
        details: [
          { path: ['description'], message: 'Required' },
          { field: 'expiresAt', message: 'must be in the future' },
        ],
      },
    });
    const e = await expectKind(client().createToken({ description: 'x', expiresAt: null, preset: 'full' }), 'validation', 400);
    assert.deepEqual(e.fieldErrors, { description: 'Required', expiresAt: 'must be in the future' });
  });
  void test('405 -> protocol (different controller version)', async () => {
    emu.faults.add({ route: 'listUsers', status: 405 });
    await expectKind(client().listUsers(), 'protocol', 405);
  });
  void test('407 from a proxy -> proxy', async () => {
    emu.faults.add({ route: 'me', status: 407 });
    await expectKind(client().me(), 'proxy', 407);
  });
  void test('302 to an SSO page -> protocol naming the redirect', async () => {
    emu.faults.add({ route: 'me', status: 302, body: {} });
    const e = await expectKind(client().me(), 'protocol', 302);
    assert.match(e.userMessage, /redirect/);
  });
  void test('JSON 401 without a message, with a token credential -> invalid-token', async () => {
    emu.faults.add({ route: 'me', status: 401, body: {} });
    const e = await expectKind(client().me(), 'invalid-token', 401);
    assert.ok(isAuthFailure(e));
  });
  void test('HTML 401/403 page from a gateway -> protocol, not an auth failure', async () => {
    for (const status of [401, 403]) {
      emu.faults.clear();
      emu.faults.add({ route: 'me', status, malformed: 'html-login' });
      const e = await expectKind(client().me(), 'protocol', status);
      assert.equal(isAuthFailure(e), false);
      assert.match(e.userMessage, /proxy or single sign-on/);
    }
  });
  void test('HTML 502 from a proxy stays a server error', async () => {
    emu.faults.add({ route: 'me', status: 502, malformed: 'html-login' });
    await expectKind(client().me(), 'server', 502);
  });
});

void describe('malformed bodies', () => {
  void test('non-JSON -> protocol', async () => {
    emu.faults.add({ route: 'listTokens', malformed: 'non-json' });
    const e = await expectKind(client().listTokens(), 'protocol', 200);
    assert.match(e.userMessage, /not valid JSON/);
  });
  void test('truncated JSON (complete HTTP) -> protocol', async () => {
    emu.faults.add({ route: 'listTokens', malformed: 'truncated-json' });
    const e = await expectKind(client().listTokens(), 'protocol');
    assert.match(e.userMessage, /cut off|not valid JSON/);
  });
  void test('truncated body (connection closed mid-body) -> protocol "cut off"', async () => {
    emu.faults.add({ route: 'listTokens', malformed: 'truncated' });
    const e = await expectKind(client().listTokens(), 'protocol');
    assert.match(e.userMessage, /cut off/);
  });
  void test('wrong shape -> protocol with a zod summary', async () => {
    for (const [route, call] of [
      ['listTokens', (c: ControllerClient) => c.listTokens()],
      ['me', (c: ControllerClient) => c.me()],
      ['createToken', (c: ControllerClient) => c.createToken({ description: 'x', expiresAt: null, preset: 'full' })],
      ['bulkRevoke', (c: ControllerClient) => c.bulkRevoke(['a'])],
      ['listConfigs', (c: ControllerClient) => c.listConfigs()],
    ] as const) {
      emu.faults.add({ route, malformed: 'wrong-shape', times: 1 });
      const e = await expectKind(call(client()), 'protocol');
      assert.match(e.userMessage, /^The controller answered in a format this version does not understand: \S+/);
    }
  });
  void test('HTML login page from a proxy / SSO -> protocol naming the proxy or SSO page', async () => {
    emu.faults.add({ malformed: 'html-login' });
    const e = await expectKind(client().listTokens(), 'protocol');
    assert.match(e.userMessage, /proxy or single sign-on/);
    const e2 = await expectKind(client().getConfigToml('cfg-linux-hosts'), 'protocol');
    assert.match(e2.userMessage, /proxy or single sign-on/);
  });
  void test('empty body -> protocol', async () => {
    emu.faults.add({ route: 'me', malformed: 'empty' });
    const e = await expectKind(client().me(), 'protocol');
    assert.match(e.userMessage, /empty/);
  });
});

void describe('connection faults', () => {
  void test('dropped connection -> network', async () => {
    emu.faults.add({ route: 'me', drop: true });
    const e = await expectKind(client().me(), 'network');
    assert.ok(isTransient(e));
  });
  void test('latency beyond the response timeout -> timeout', async () => {
    emu.faults.add({ route: 'me', latencyMs: 1500 });
    const e = await expectKind(client({ timeoutMs: 200 }).me(), 'timeout');
    assert.match(e.userMessage, /did not answer in time/);
  });
  void test('latency below the timeout is fine', async () => {
    emu.faults.add({ route: 'me', latencyMs: 20 });
    assert.equal((await client().me()).username, 'admin');
  });
  void test('connection refused', async () => {
    const port = await freePort();
    const c = new ControllerClient({ baseUrl: `http://127.0.0.1:${port}`, dispatcher, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const e = await expectKind(c.authStatus(), 'connection-refused');
    assert.match(e.userMessage, /Nothing is listening at http:\/\/127\.0\.0\.1:\d+/);
  });
  void test('DNS failure (resolver stubbed, no network)', async () => {
    const agent = new Agent({
      connect: {
        lookup: ((_h: string, _o: unknown, cb: (e: Error) => void) =>
          cb(Object.assign(new Error('getaddrinfo ENOTFOUND controller.example'), { code: 'ENOTFOUND' }))) as never,
      },
    });
    try {
      const c = new ControllerClient({ baseUrl: 'http://controller.example:8888', dispatcher: agent, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
      const e = await expectKind(c.authStatus(), 'dns');
      assert.match(e.userMessage, /controller\.example/);
    } finally {
      await agent.close();
    }
  });
  void test('connect timeout (lookup never answers)', async () => {
    const agent = new Agent({ connect: { timeout: 100, lookup: (() => undefined) as never } });
    try {
      const c = new ControllerClient({ baseUrl: 'http://controller.example:8888', dispatcher: agent, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
      const e = await expectKind(c.authStatus(), 'timeout');
      assert.match(e.userMessage, /timed out/);
    } finally {
      await agent.destroy();
    }
  });
  void test('a caller abort rejects with AbortError, not ControllerError', async () => {
    emu.faults.add({ route: 'listTokens', latencyMs: 1000 });
    const ac = new AbortController();
    const p = client({ timeoutMs: 5000 }).listTokens({}, ac.signal);
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p, (e: unknown) => !(e instanceof ControllerError) && (e as Error).name === 'AbortError');
  });
});

void describe('retries', () => {
  void test('idempotent GET retries transient failures and succeeds', async () => {
    emu.faults.add({ route: 'listTokens', status: 503, times: 2 });
    const c = client({ timeoutMs: 5000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 10 } });
    const before = emu.requestCount;
    const r = await c.listTokens();
    assert.ok(r.total > 0);
    assert.equal(emu.requestCount - before, 3, 'two retries, then the answer');
  });
  void test('Retry-After within the cap is honoured and retried', async () => {
    emu.faults.add({ route: 'me', status: 429, retryAfter: 0, times: 1 });
    const c = client({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 50 } });
    assert.equal((await c.me()).username, 'admin');
  });
  void test('Retry-After beyond the cap is cut to the cap (undici RetryAgent), and the error keeps it', async () => {
    emu.faults.add({ route: 'me', status: 429, retryAfter: 3600 });
    const c = client({ timeoutMs: 5000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 50 } });
    const before = emu.requestCount;
    const e = await expectKind(c.me(), 'rate-limited', 429);
    assert.equal(e.retryAfterMs, 3_600_000);
    assert.equal(emu.requestCount - before, 3);
  });
  void test('retries are bounded', async () => {
    emu.faults.add({ route: 'listConfigs', drop: true });
    const before = emu.requestCount;
    await expectKind(client({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }).listConfigs(), 'network');
    assert.equal(emu.requestCount - before, 3);
  });
  void test('POST (createToken, revoke, bulk) and DELETE are never retried', async () => {
    const c = client({ retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 } });
    for (const [route, call] of [
      ['createToken', () => c.createToken({ description: 'x', expiresAt: null, preset: 'full' })],
      ['revokeToken', () => c.revokeToken('tok-bob-agent')],
      ['deleteToken', () => c.deleteToken('tok-bob-agent')],
      ['bulkRevoke', () => c.bulkRevoke(['tok-bob-agent'])],
      ['reassignToken', () => c.reassignToken('tok-bob-agent', 'u-carol')],
    ] as const) {
      emu.faults.clear();
      emu.faults.add({ route, status: 503 });
      const before = emu.requestCount;
      await expectKind(call(), 'server', 503);
      assert.equal(emu.requestCount - before, 1, `${route} sent once`);
    }
    emu.faults.clear();
    emu.faults.add({ route: 'createToken', drop: true });
    const before = emu.requestCount;
    await expectKind(c.createToken({ description: 'x', expiresAt: null, preset: 'full' }), 'network');
    assert.equal(emu.requestCount - before, 1);
  });
  void test('4xx are not retried', async () => {
    emu.faults.add({ route: 'getToken', status: 404, body: { error: 'not_found', message: 'Token not found' } });
    const before = emu.requestCount;
    await expectKind(client({ retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 } }).getToken('tok-bob-agent'), 'not-found');
    assert.equal(emu.requestCount - before, 1);
  });
});

void describe('fault hooks over HTTP', () => {
  void test('POST /__emulator/faults injects, DELETE clears', async () => {
    const add = await fetch(`${emu.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ route: 'listConfigs', status: 500 }) });
    assert.equal(add.status, 201);
    await expectKind(client().listConfigs(), 'server', 500);
    assert.equal((await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' })).status, 204);
    assert.equal((await client().listConfigs()).length, 2);
  });
  void test('heartbeat server faults', async () => {
    emu.faults.add({ route: 'heartbeat', status: 503 });
    await expectKind(client().sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-owner-agent-prod']!), 'server', 503);
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
