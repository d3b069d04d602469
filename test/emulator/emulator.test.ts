/**
 * The emulator itself over raw HTTP: wire details of docs/api-contract.md/B that
 * the client hides (both auth schemes, exact 401 bodies, error body shape,
 * 404/405/413, hash-only storage), the `/__emulator/` hooks, disabled auth
 * groups, and the command line.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AUTH_MESSAGES } from '../../src/core/api/contract';
import { startEmulator, type Emulator } from './server';
import { DEMO_SEED, DEMO_TOKEN_VALUES } from './seed';
import { FaultController } from './faults';

let emu: Emulator;
const owner = DEMO_TOKEN_VALUES['tok-owner-full']!;

before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.state.reset();
  emu.faults.clear();
});

async function req(
  path: string,
  init: { method?: string; auth?: string; body?: unknown; raw?: string; base?: string } = {},
): Promise<{ status: number; json: any; headers: Headers; text: string }> {
  const headers: Record<string, string> = {};
  if (init.auth !== undefined) headers.authorization = init.auth;
  if (init.body !== undefined || init.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${init.base ?? emu.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers, text };
}

void describe('authentication on the wire (docs/api-contract.md)', () => {
  void test('both Bearer and Token schemes are accepted', async () => {
    assert.equal((await req('/api/auth/me', { auth: `Bearer ${owner}` })).json.user.username, 'admin');
    assert.equal((await req('/api/auth/me', { auth: `Token ${owner}` })).json.user.username, 'admin');
    const toml = await req('/api/configs/cfg-linux-hosts/toml', { auth: `Token ${DEMO_TOKEN_VALUES['tok-bob-agent']}` });
    assert.equal(toml.status, 200);
    assert.match(toml.headers.get('content-type') ?? '', /toml/);
  });
  void test('the four 401 bodies, exactly', async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, AUTH_MESSAGES.missingAuth],
      ['Basic dXNlcjpwYXNz', AUTH_MESSAGES.missingAuth],
      [`Bearer`, AUTH_MESSAGES.missingAuth],
      ['Bearer not-a-controller-token', AUTH_MESSAGES.invalidTokenFormat],
      ['Bearer tc-apiv1_doesnotexist', AUTH_MESSAGES.invalidToken],
      [`Bearer ${DEMO_TOKEN_VALUES['tok-owner-staging-expired']}`, AUTH_MESSAGES.tokenExpired],
    ];
    for (const [auth, message] of cases) {
      for (const base of [emu.url, emu.heartbeatUrl.replace('/agents/heartbeat', '')]) {
        const path = base === emu.url ? '/api/tokens' : '/agents/heartbeat';
        const r = await req(path, { auth, base, ...(base === emu.url ? {} : { method: 'POST', body: {} }) });
        assert.equal(r.status, 401, `${auth} on ${path}`);
        assert.deepEqual(r.json, { error: 'unauthorized', message });
      }
    }
    assert.equal(AUTH_MESSAGES.missingAuth, 'Missing or invalid Authorization header');
    assert.equal(AUTH_MESSAGES.invalidTokenFormat, 'Invalid token format');
    assert.equal(AUTH_MESSAGES.invalidToken, 'Invalid token');
    assert.equal(AUTH_MESSAGES.tokenExpired, 'Token expired');
  });
  void test('using a token sets lastUsedAt', async () => {
    const before = emu.state.tokens.get('tok-bob-full')!.lastUsedAt;
    assert.equal(before, null);
    await req('/api/auth/me', { auth: `Bearer ${DEMO_TOKEN_VALUES['tok-bob-full']}` });
    assert.ok(emu.state.tokens.get('tok-bob-full')!.lastUsedAt! > 0);
  });
});

void describe('tokens on the wire (docs/api-contract.md)', () => {
  void test('created values are tc-apiv1_ + random, stored only as SHA-256', async () => {
    const values = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await req('/api/tokens', {
        method: 'POST',
        auth: `Bearer ${owner}`,
        body: { description: `t${i}`, expiresAt: null, preset: 'telegraf-agent' },
      });
      assert.equal(r.status, 201);
      const { token, value } = r.json;
      assert.match(value, /^tc-apiv1_[A-Za-z0-9_-]{40,}$/);
      values.add(value);
      const rec = emu.state.tokens.get(token.id)!;
      assert.equal(rec.hash, createHash('sha256').update(value).digest('hex'));
      assert.ok(!JSON.stringify(rec).includes(value));
      assert.equal(token.prefix, value.slice(0, 12));
      const again = await req(`/api/tokens/${token.id}`, { auth: `Bearer ${owner}` });
      assert.ok(!again.text.includes(value));
    }
    assert.equal(values.size, 5);
  });
  void test('seed values are hashed at load, never kept', () => {
    const dump = JSON.stringify([...emu.state.tokens.values()]);
    for (const v of Object.values(DEMO_TOKEN_VALUES)) assert.ok(!dump.includes(v));
    assert.equal(emu.state.tokens.size, DEMO_SEED.tokens!.length);
  });
  void test('error bodies are { error, message, details? }; 400 details carry fieldErrors', async () => {
    const r = await req('/api/tokens', { method: 'POST', auth: `Bearer ${owner}`, body: { description: '', expiresAt: 'soon' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'validation_error');
    assert.equal(typeof r.json.message, 'string');
    assert.ok(r.json.details.fieldErrors.description);
    assert.ok(r.json.details.fieldErrors.expiresAt);
  });
  void test('invalid JSON body -> 400; unknown route -> 404; wrong method -> 405; huge body -> 413', async () => {
    assert.equal((await req('/api/tokens', { method: 'POST', auth: `Bearer ${owner}`, raw: '{nope' })).status, 400);
    assert.equal((await req('/api/nothing', { auth: `Bearer ${owner}` })).status, 404);
    assert.equal((await req('/api/tokens/x', { method: 'PUT', auth: `Bearer ${owner}` })).status, 405);
    assert.equal(
      (await req('/api/tokens', { method: 'POST', auth: `Bearer ${owner}`, raw: JSON.stringify({ description: 'x'.repeat(1_100_000) }) })).status,
      413,
    );
  });
  void test('a token cannot mint a token with more than itself', async () => {
    const r = await req('/api/tokens', {
      method: 'POST',
      auth: `Bearer ${DEMO_TOKEN_VALUES['tok-bob-full']}`,
      body: { description: 'x', expiresAt: null, permissions: { users: ['read', 'write'], configs: ['read'] } },
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json.token.permissions, { configs: ['read'], users: ['read'] });
  });
});

void describe('hooks under /__emulator/', () => {
  void test('role change narrows tokens; reset restores the seed', async () => {
    const r = await req('/__emulator/users/alice/role', { method: 'POST', body: { role: 'manager' } });
    assert.equal(r.status, 200);
    assert.ok(r.json.narrowed.includes('tok-alice-full'));
    assert.equal(emu.state.findUser('alice')!.role, 'manager');
    assert.equal((await req('/__emulator/users/alice/role', { method: 'POST', body: { role: 'emperor' } })).status, 400);
    assert.equal((await req('/__emulator/users/nobody/role', { method: 'POST', body: { role: 'viewer' } })).status, 404);
    assert.equal((await req('/__emulator/reset', { method: 'POST' })).status, 204);
    assert.equal(emu.state.findUser('alice')!.role, 'administrator');
  });
  void test('time offset expires tokens', async () => {
    const r = await req('/__emulator/time', { method: 'POST', body: { advanceMs: 16 * 86_400_000 } });
    assert.equal(r.json.timeOffsetMs, 16 * 86_400_000);
    const me = await req('/api/auth/me', { auth: `Bearer ${DEMO_TOKEN_VALUES['tok-dave-read']}` });
    assert.deepEqual(me.json, { error: 'unauthorized', message: 'Token expired' });
  });
  void test('mint a token for any user, e.g. a Viewer', async () => {
    const r = await req('/__emulator/tokens', { method: 'POST', body: { user: 'dave', permissions: { configs: ['read'], tokens: ['read'] } } });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json.token.permissions, { configs: ['read'] });
    assert.equal((await req('/api/tokens', { auth: `Bearer ${r.json.value}` })).status, 403);
  });
  void test('rate limit hook -> 429 with Retry-After', async () => {
    await req('/__emulator/rate-limit', { method: 'POST', body: { max: 1, windowMs: 30_000 } });
    assert.equal((await req('/api/auth/me', { auth: `Bearer ${owner}` })).status, 200);
    const r = await req('/api/auth/me', { auth: `Bearer ${owner}` });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  });
  void test('disable a user', async () => {
    await req('/__emulator/users/bob/disabled', { method: 'POST', body: { disabled: true } });
    assert.equal((await req('/api/auth/me', { auth: `Bearer ${DEMO_TOKEN_VALUES['tok-bob-full']}` })).json.message, 'Invalid token');
  });
  void test('state dump never carries values or hashes', async () => {
    const r = await req('/__emulator/state');
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes('tc-apiv1_') && !r.text.includes('hash'));
  });
  void test('faults: list, add with times, remove by id', async () => {
    const { json } = await req('/__emulator/faults', { method: 'POST', body: { route: 'me', status: 500, times: 2 } });
    assert.equal((await req('/__emulator/faults')).json.faults.length, 1);
    assert.equal((await req('/api/auth/me', { auth: `Bearer ${owner}` })).status, 500);
    assert.equal((await req('/api/auth/me', { auth: `Bearer ${owner}` })).status, 500);
    assert.equal((await req('/api/auth/me', { auth: `Bearer ${owner}` })).status, 200);
    assert.equal((await req(`/__emulator/faults/${json.id}`, { method: 'DELETE' })).status, 404);
  });
});

void describe('FaultController', () => {
  void test('latest matching fault wins; route and server scoping', () => {
    const f = new FaultController();
    f.add({ status: 500 });
    const id = f.add({ route: 'me', status: 503 });
    f.add({ route: 'heartbeat', drop: true });
    assert.equal(f.take('me', 'api')!.status, 503);
    assert.equal(f.take('listTokens', 'api')!.status, 500);
    assert.equal(f.take('heartbeat', 'heartbeat')!.drop, true);
    assert.equal(f.take('me', 'heartbeat')!.status, 500);
    assert.ok(f.remove(id));
    assert.equal(f.take('me', 'api')!.status, 500);
    f.clear();
    assert.equal(f.take('me', 'api'), undefined);
  });
});

void describe('options', () => {
  void test('disabledAuth: configs and heartbeat without a token', async () => {
    const open = await startEmulator({ disabledAuth: ['configs', 'heartbeat'] });
    try {
      assert.equal((await req('/api/configs', { base: open.url })).status, 200);
      assert.equal(
        (
          await req('/agents/heartbeat', {
            base: open.heartbeatUrl.replace('/agents/heartbeat', ''),
            method: 'POST',
            body: { id: 'agent-open', version: 'Telegraf 1.40.1' },
          })
        ).status,
        200,
      );
      assert.equal((await req('/api/tokens', { base: open.url })).status, 401);
    } finally {
      await open.close();
    }
  });
  void test('injected clock', async () => {
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    const e = await startEmulator({ now: () => t0 });
    try {
      const r = await req('/api/tokens/tok-owner-ci', { base: e.url, auth: `Bearer ${owner}` });
      assert.equal(r.json.token.expiresAt, new Date(t0 + 3 * 86_400_000).toISOString());
    } finally {
      await e.close();
    }
  });
  void test('custom seed', async () => {
    const e = await startEmulator({
      seed: {
        users: [{ id: 'u1', username: 'solo', password: 'pw', role: 'owner' }],
        tokens: [{ id: 't1', description: 'd', username: 'solo', preset: 'full', value: 'tc-apiv1_solo' }],
      },
    });
    try {
      assert.equal((await req('/api/auth/me', { base: e.url, auth: 'Bearer tc-apiv1_solo' })).json.user.username, 'solo');
    } finally {
      await e.close();
    }
    await assert.rejects(startEmulator({ seed: { users: [] } }), /invalid emulator seed/);
  });
});

void describe('command line', () => {
  for (const tls of [false, true]) {
    void test(`tsx test/emulator/cli.ts${tls ? ' --tls' : ''} prints its URLs and stops on SIGTERM`, async () => {
      const root = join(__dirname, '..', '..');
      const args = [
        '--import',
        'tsx',
        join(root, 'test/emulator/cli.ts'),
        '--port',
        '0',
        '--heartbeat-port',
        '0',
        '--seed',
        join(root, 'test/emulator/seeds/demo.json'),
        ...(tls ? ['--tls'] : []),
      ];
      const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('READY')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      await ready;
      const api = /API (\S+)/.exec(out)![1]!;
      assert.match(api, tls ? /^https:\/\/127\.0\.0\.1:\d+$/ : /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(out, /HEARTBEAT \S+\/agents\/heartbeat/);
      if (tls) {
        const caPath = /CA (\S+)/.exec(out)![1]!;
        assert.match(readFileSync(caPath, 'utf8'), /BEGIN CERTIFICATE/);
      } else {
        assert.equal((await req('/api/auth/status', { base: api })).json.setupComplete, true);
      }
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      if (tls) {
        // Without --ca-out the CA went to a temp directory: it is gone after the exit.
        const caPath = /CA (\S+)/.exec(out)![1]!;
        assert.equal(existsSync(dirname(caPath)), false, `${dirname(caPath)} was removed`);
      }
    });
  }
});
