/**
 * A hostile but valid controller (docs/api-contract.md "Leniency", "Errors"):
 * incomplete records, web pages with status 200, missing routes, answers
 * that trickle or are cut off after the request was applied. Each test runs
 * the real client against the emulator with a fault from test/emulator/faults.ts.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerClient, type LogLevel } from '../../../../src/core/api/client';
import { isUnusableToken } from '../../../../src/core/api/contract';
import { findCreatedTokens, isCreateOutcomeUnknown } from '../../../../src/core/api/createOutcome';
import { createDispatcher, type ControllerDispatcher } from '../../../../src/core/api/dispatcher';
import { ControllerError } from '../../../../src/core/api/errors';
import { startEmulator, type Emulator } from '../../../emulator/server';
import { DEMO_TOKEN_VALUES } from '../../../emulator/seed';
import { expectKind } from './helpers';

let emu: Emulator;
let dispatcher: ControllerDispatcher;
const ownerToken = DEMO_TOKEN_VALUES['tok-owner-full']!;

before(async () => {
  emu = await startEmulator();
  dispatcher = createDispatcher({ connectTimeoutMs: 1000 });
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
    timeoutMs: 2000,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

void describe('one malformed record never hides the others', () => {
  void test('a record without prefix, username, lastUsedAt or permissions is listed with defaults', async () => {
    emu.faults.add({
      route: 'listTokens',
      rewrite: { tokenIds: ['tok-bob-agent'], dropFields: ['prefix', 'username', 'lastUsedAt', 'permissions', 'createdAt', 'userId'] },
    });
    const page = await client().listTokens();
    const bob = page.tokens.find((t) => t.id === 'tok-bob-agent');
    assert.ok(bob, 'the incomplete record is listed');
    assert.equal(bob.prefix, '');
    assert.equal(bob.username, '');
    assert.deepEqual(bob.permissions, {});
    assert.equal(bob.lastUsedAt, null);
    assert.ok(page.tokens.length > 5, 'the others are listed too');
    assert.deepEqual(page.unusable, []);
  });
  void test('a record we cannot use is returned as such, the others still listed, logged once', async () => {
    const lines: string[] = [];
    const c = client({ log: (_l: LogLevel, m: string) => lines.push(m) });
    emu.faults.add({ route: 'listTokens', rewrite: { tokenIds: ['tok-bob-agent'], set: { status: 'paused', createdAt: 42 } } });
    const page = await c.listTokens();
    assert.equal(page.unusable.length, 1);
    const u = page.unusable[0]!;
    assert.equal(u.id, 'tok-bob-agent');
    assert.ok(isUnusableToken(u));
    assert.match(u.reason, /status/);
    assert.ok(!page.tokens.some((t) => t.id === 'tok-bob-agent'));
    assert.ok(page.tokens.length > 5);
    await c.withCredential({ kind: 'token', token: ownerToken }).listTokens();
    assert.equal(lines.filter((l) => l.includes('tok-bob-agent') && l.includes('cannot be used')).length, 1, 'logged once');
  });
  void test('listAllTokens keeps going past an unusable record', async () => {
    emu.faults.add({ route: 'listTokens', rewrite: { tokenIds: ['tok-bob-agent'], dropFields: ['id'] } });
    const all = await client().listAllTokens({ limit: 3 });
    assert.ok(all.length >= 10);
  });
  void test('get and revoke of a record without prefix report success, and the revoke was applied', async () => {
    emu.faults.add({ route: '*', rewrite: { tokenIds: ['tok-bob-agent'], dropFields: ['prefix'] } });
    const c = client();
    assert.equal((await c.getToken('tok-bob-agent')).prefix, '');
    const r = await c.revokeToken('tok-bob-agent');
    assert.ok(!isUnusableToken(r));
    assert.equal(r.status, 'revoked');
  });
  void test('a revoke whose answer record is unreadable is still a success (the server applied it)', async () => {
    emu.faults.add({ route: 'revokeToken', rewrite: { dropFields: ['status', 'description'], set: { createdAt: 'yesterday' } } });
    const r = await client().revokeToken('tok-bob-agent');
    assert.ok(isUnusableToken(r), 'returned as an unusable record, not thrown');
    emu.faults.clear();
    assert.equal((await client().getToken('tok-bob-agent')).status, 'revoked');
  });
});

void describe('success means the server said so', () => {
  for (const [name, call] of [
    ['deleteToken', (c: ControllerClient) => c.deleteToken('tok-bob-agent')],
    ['logout', (c: ControllerClient) => c.logout()],
    ['revokeToken', (c: ControllerClient) => c.revokeToken('tok-bob-agent')],
    ['bulkDelete', (c: ControllerClient) => c.bulkDelete(['tok-bob-agent'])],
    ['getConfigToml', (c: ControllerClient) => c.getConfigToml('cfg-1')],
  ] as const) {
    void test(`an HTML page with status 200 is not a successful ${name}`, async () => {
      emu.faults.add({ route: name, malformed: 'html-login' });
      const e = await expectKind(call(client()), 'protocol', 200);
      assert.match(e.userMessage, /web page|HTML/);
    });
  }
  void test('a 200 JSON body without the record is not a successful revoke', async () => {
    emu.faults.add({ route: 'revokeToken', status: 200, body: { ok: true } });
    await expectKind(client().revokeToken('tok-bob-agent'), 'protocol', 200);
  });
  void test('a 200 plain-text body on a 204 route is not a success', async () => {
    emu.faults.add({ route: 'deleteToken', status: 200, malformed: 'non-json' });
    await expectKind(client().deleteToken('tok-bob-agent'), 'protocol', 200);
    emu.faults.clear();
    assert.equal((await client().getToken('tok-bob-agent')).id, 'tok-bob-agent', 'nothing was deleted');
  });
  void test('an HTML page on the heartbeat server is not a successful heartbeat', async () => {
    emu.faults.add({ route: 'heartbeat', malformed: 'html-login' });
    await expectKind(client().sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-owner-agent-prod']!), 'protocol');
  });
  void test('a real 204 delete still succeeds', async () => {
    await client().deleteToken('tok-bob-agent');
    await expectKind(client().getToken('tok-bob-agent'), 'not-found', 404);
  });
});

void describe('an unknown outcome is not a failure', () => {
  const req = { description: 'ambiguous create', expiresAt: null, preset: 'telegraf-agent' as const };
  void test('a 201 cut off after the token was created: outcomeUnknown, and the search finds it', async () => {
    emu.faults.add({ route: 'createToken', afterApply: 'cut', times: 1 });
    const c = client();
    const sentAt = Date.now();
    const e = await c.createToken(req).then(
      () => assert.fail('the cut-off create must not succeed'),
      (err: unknown) => err,
    );
    assert.ok(isCreateOutcomeUnknown(e), `outcomeUnknown, got ${String(e)}`);
    const found = await findCreatedTokens(c, { description: req.description, userId: 'u-owner', sentAt });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.description, req.description);
  });
  void test('a create that timed out after it was applied: outcomeUnknown timeout, found', async () => {
    emu.faults.add({ route: 'createToken', afterApply: 'delay', latencyMs: 1500, times: 1 });
    const c = client({ timeoutMs: 300 });
    const sentAt = Date.now();
    const e = await expectKind(c.createToken({ ...req, description: 'slow create' }), 'timeout');
    assert.equal(e.outcomeUnknown, true);
    const found = await findCreatedTokens(client(), { description: 'slow create', userId: 'u-owner', sentAt });
    assert.equal(found.length, 1);
  });
  void test('the search ignores other owners, other descriptions and older tokens', async () => {
    const sentAt = Date.now();
    emu.state.mintToken({ user: 'u-bob', description: 'ambiguous create', permissions: { configs: ['read'] } });
    emu.state.mintToken({ user: 'u-owner', description: 'ambiguous create, but longer', permissions: { configs: ['read'] } });
    assert.deepEqual(await findCreatedTokens(client(), { description: 'ambiguous create', userId: 'u-owner', sentAt }), []);
    assert.deepEqual(await findCreatedTokens(client(), { description: 'ambiguous create', userId: 'u-bob', sentAt: sentAt + 60 * 60_000 }), []);
    assert.equal((await findCreatedTokens(client(), { description: ' ambiguous create ', userId: 'u-bob', sentAt })).length, 1);
  });
  void test('a create refused before it reached the controller is a plain failure', async () => {
    const c = new ControllerClient({ baseUrl: 'http://127.0.0.1:9', credential: { kind: 'token', token: ownerToken }, dispatcher, timeoutMs: 1000 });
    const e = await expectKind(c.createToken(req), 'connection-refused');
    assert.equal(e.outcomeUnknown, false);
  });
  void test('a 400 is a plain failure', async () => {
    const e = await expectKind(client().createToken({ ...req, description: ' ' }), 'validation', 400);
    assert.equal(e.outcomeUnknown, false);
  });
});

void describe('a missing route is not a missing item', () => {
  for (const [route, call, check] of [
    [
      'bulkRevoke',
      (c: ControllerClient) => c.bulkRevoke(['tok-bob-agent', 'tok-carol-agent']),
      async (c: ControllerClient) => (await c.getToken('tok-carol-agent')).status === 'revoked',
    ],
    [
      'bulkDelete',
      (c: ControllerClient) => c.bulkDelete(['tok-bob-agent', 'tok-carol-agent']),
      async (c: ControllerClient) => (await c.listAllTokens()).every((t) => t.id !== 'tok-carol-agent'),
    ],
    [
      'bulkReassign',
      (c: ControllerClient) => c.bulkReassign(['tok-bob-agent', 'tok-carol-agent'], 'u-alice'),
      async (c: ControllerClient) => (await c.getToken('tok-carol-agent')).userId === 'u-alice',
    ],
  ] as const) {
    void test(`${route} answered 404 "Route not found": falls back to single-token calls`, async () => {
      emu.faults.add({ route, status: 404, body: { error: 'not_found', message: 'Route not found' } });
      const results = await call(client());
      assert.deepEqual(
        results.map((r) => [r.id, r.ok]),
        [
          ['tok-bob-agent', true],
          ['tok-carol-agent', true],
        ],
      );
      assert.ok(await check(client()));
    });
  }
  void test('a bulk route missing behind a proxy (HTML 404) also falls back', async () => {
    emu.faults.add({ route: 'bulkRevoke', status: 404, malformed: 'html-login' });
    const results = await client().bulkRevoke(['tok-bob-agent']);
    assert.deepEqual(results, [{ id: 'tok-bob-agent', ok: true }]);
  });
  void test('fallback results keep per-token failures, worded once', async () => {
    emu.faults.add({ route: 'bulkRevoke', status: 404, body: { error: 'not_found', message: 'Cannot POST /api/tokens/bulk/revoke' } });
    const results = await client().bulkRevoke(['tok-bob-agent', 'tok-nope']);
    assert.equal(results[0]!.ok, true);
    assert.equal(results[1]!.ok, false);
    assert.match(results[1]!.error!, /does not exist/);
    assert.doesNotMatch(results[1]!.error!, /\.\.$/);
  });
  void test('configs route missing: a route error, worded as such, not "may have been deleted"', async () => {
    emu.faults.add({ route: 'listConfigs', status: 404, body: { error: 'not_found', message: 'Route not found' } });
    const e = await expectKind(client().listConfigs(), 'route-missing', 404);
    assert.match(e.userMessage, /GET \/api\/configs/);
    assert.doesNotMatch(e.userMessage, /deleted|\.\./);
  });
  void test('an item 404 stays not-found', async () => {
    const e = await expectKind(client().revokeToken('tok-nope'), 'not-found', 404);
    assert.doesNotMatch(e.userMessage, /\.\./);
  });
  void test('bulkReassign to an unknown user stays not-found (no fallback)', async () => {
    await expectKind(client().bulkReassign(['tok-bob-agent'], 'u-nobody'), 'not-found', 404);
  });
});

void describe('every request has an overall deadline', () => {
  void test('a server that trickles one byte at a time times out within the configured time', async () => {
    // 200 ms between bytes never trips the per-chunk timeout (1000 ms); the whole answer would take minutes.
    emu.faults.add({ route: 'listTokens', trickle: { intervalMs: 200 } });
    const started = Date.now();
    const e = await expectKind(client({ timeoutMs: 1000 }).listTokens(), 'timeout');
    const took = Date.now() - started;
    assert.ok(took < 4000, `gave up after ${took} ms; the deadline is 1000 ms`);
    assert.match(e.userMessage, /did not answer in time.*within 1 s/);
  });
  void test('the deadline covers retries too', async () => {
    emu.faults.add({ route: 'listConfigs', trickle: { intervalMs: 200 } });
    const started = Date.now();
    await expectKind(client({ timeoutMs: 800, retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 } }).listConfigs(), 'timeout');
    assert.ok(Date.now() - started < 4000);
  });
  void test('a caller abort is still an AbortError, not a timeout', async () => {
    emu.faults.add({ route: 'listTokens', trickle: { intervalMs: 200 } });
    const ac = new AbortController();
    const p = client({ timeoutMs: 5000 }).listTokens({}, ac.signal);
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (e: unknown) => !(e instanceof ControllerError) && (e as Error).name === 'AbortError');
  });
});
