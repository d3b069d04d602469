/**
 * Contract suite: the real client against the real emulator over HTTP on
 * 127.0.0.1 — every route × every role (owner, administrator, manager,
 * viewer) × both credential kinds (session, token), plus the documented
 * errors of every authenticated route (docs/api-contract.md "Authentication",
 * Part B rules). Prints the number of cases.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isUnusableToken, type UnusableToken } from '../../../../src/core/api/contract';
import { ControllerClient } from '../../../../src/core/api/client';
import { createDispatcher, type ControllerDispatcher } from '../../../../src/core/api/dispatcher';
import { TOKEN_PREFIX_LENGTH, TOKEN_VALUE_PREFIX, type RouteName } from '../../../../src/core/api/contract';
import {
  ROLE_CEILING,
  ROLES,
  intersectPermissions,
  isTokenAdmin,
  normalizePermissions,
  samePermissions,
  TELEGRAF_AGENT_PERMISSIONS,
  type Role,
} from '../../../../src/core/permissions';
import { startEmulator, type Emulator } from '../../../emulator/server';
import { DEMO_TOKEN_VALUES } from '../../../emulator/seed';
import { ROLE_USERS, expectKind, roleClient, testClientOptions, type CredKind } from './helpers';

/** The token of a single-record answer, failing the test when it came back unusable. */
function usable<T>(t: T | UnusableToken): T {
  assert.ok(!isUnusableToken(t), `expected a usable record, got ${JSON.stringify(t)}`);
  return t as T;
}

let emu: Emulator;
let dispatcher: ControllerDispatcher;
let cases = 0;

before(async () => {
  emu = await startEmulator();
  dispatcher = createDispatcher();
});
after(async () => {
  await dispatcher.close();
  await emu.close();
  process.stdout.write(`# contract suite: ${cases} cases (routes x roles x credential kinds + documented errors)\n`);
});
beforeEach(() => {
  emu.state.reset();
  emu.faults.clear();
});

const anon = (): ControllerClient => new ControllerClient(testClientOptions(emu, { dispatcher }));
const as = (role: Role, cred: CredKind): Promise<ControllerClient> => roleClient(emu, role, cred, { dispatcher });
const countWhere = (pred: (t: { userId: string; status: string }) => boolean): number => [...emu.state.tokens.values()].filter(pred).length;

type Scenario = (c: ControllerClient, role: Role, cred: CredKind) => Promise<void>;

/** Scenarios run for every role and credential kind; each asserts the role's documented outcome. */
const SCENARIOS: Record<string, Scenario> = {
  'authStatus (public)': async () => {
    const s = await anon().authStatus();
    assert.deepEqual(s.providers, ['local']);
    assert.equal(s.setupComplete, true);
  },
  'me returns the caller': async (c, role) => {
    const u = await c.me();
    assert.equal(u.role, role);
    assert.equal(u.username, ROLE_USERS[role].username);
  },
  'listTokens: admins see all, managers their own, viewers 403': async (c, role) => {
    if (role === 'viewer') return void (await expectKind(c.listTokens(), 'forbidden', 403));
    const r = await c.listTokens();
    const me = ROLE_USERS[role].id;
    if (isTokenAdmin(role)) assert.equal(r.total, emu.state.tokens.size);
    else {
      assert.ok(r.tokens.every((t) => t.userId === me));
      assert.equal(
        r.total,
        countWhere((t) => t.userId === me),
      );
    }
    assert.equal(r.page, 1);
    for (const t of r.tokens) {
      assert.equal(t.prefix.length, TOKEN_PREFIX_LENGTH);
      assert.ok(!('value' in t) && !('hash' in t), 'never a value or hash');
    }
  },
  'listTokens status/q/userId filters': async (c, role) => {
    if (role === 'viewer') return void (await expectKind(c.listTokens({ status: 'revoked' }), 'forbidden'));
    const revoked = await c.listTokens({ status: 'revoked' });
    assert.ok(revoked.tokens.every((t) => t.status === 'revoked' && t.revokedAt !== null));
    const q = await c.listTokens({ q: 'AGENT' });
    assert.ok(q.tokens.length > 0);
    assert.ok(q.tokens.every((t) => `${t.description} ${t.prefix} ${t.username} ${t.id}`.toLowerCase().includes('agent')));
    const carol = await c.listTokens({ userId: 'u-carol' });
    if (isTokenAdmin(role))
      assert.equal(
        carol.total,
        countWhere((t) => t.userId === 'u-carol'),
      );
    else assert.equal(carol.total, 0);
  },
  'listAllTokens pages through every page': async (c, role) => {
    if (role === 'viewer') return void (await expectKind(c.listAllTokens({ limit: 2 }), 'forbidden'));
    const all = await c.listAllTokens({ limit: 2 });
    const one = await c.listTokens({ limit: 100 });
    assert.deepEqual(
      all.map((t) => t.id),
      one.tokens.map((t) => t.id),
    );
    const page2 = await c.listTokens({ limit: 2, page: 2 });
    assert.deepEqual(
      page2.tokens.map((t) => t.id),
      one.tokens.slice(2, 4).map((t) => t.id),
    );
  },
  'listTokens rejects limit > 100 (400)': async (c, role) => {
    await expectKind(c.listTokens({ limit: 1000 }), role === 'viewer' ? 'forbidden' : 'validation');
  },
  'getToken own': async (c, role) => {
    const own = emu.state.mintToken({ user: ROLE_USERS[role].id, permissions: { configs: ['read'] } }).token.id;
    if (role === 'viewer') return void (await expectKind(c.getToken(own), 'forbidden'));
    const t = await c.getToken(own);
    assert.equal(t.id, own);
    assert.equal(t.userId, ROLE_USERS[role].id);
  },
  "getToken another user's": async (c, role) => {
    if (isTokenAdmin(role)) assert.equal((await c.getToken('tok-carol-agent')).username, 'carol');
    else await expectKind(c.getToken('tok-carol-agent'), 'forbidden', 403);
  },
  'getToken unknown id': async (c, role) => {
    await expectKind(c.getToken('tok-does-not-exist'), role === 'viewer' ? 'forbidden' : 'not-found');
  },
  'createToken with the Telegraf agent preset, value shown once and usable': async (c, role) => {
    const req = { description: '  Telegraf agent - test  ', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), preset: 'telegraf-agent' as const };
    if (role === 'viewer') return void (await expectKind(c.createToken(req), 'forbidden', 403));
    const { token, value } = await c.createToken(req);
    assert.ok(value.startsWith(TOKEN_VALUE_PREFIX));
    assert.equal(token.prefix, value.slice(0, TOKEN_PREFIX_LENGTH));
    assert.equal(token.description, 'Telegraf agent - test');
    assert.ok(samePermissions(token.permissions, TELEGRAF_AGENT_PERMISSIONS));
    assert.equal(token.userId, ROLE_USERS[role].id);
    assert.equal(token.status, 'active');
    const stored = [...emu.state.tokens.values()].find((t) => t.id === token.id)!;
    assert.ok(!JSON.stringify(stored).includes(value), 'the raw value is never stored');
    assert.ok(!JSON.stringify(await c.getToken(token.id)).includes(value), 'never returned after creation');
    const withNew = c.withCredential({ kind: 'token', token: value });
    assert.equal((await withNew.me()).username, ROLE_USERS[role].username);
    assert.equal((await withNew.listConfigs()).length, 2);
  },
  'createToken narrows requested permissions to the role': async (c, role) => {
    const everything = normalizePermissions(ROLE_CEILING.owner);
    const req = { description: 'everything', expiresAt: null, permissions: everything };
    if (role === 'viewer') return void (await expectKind(c.createToken(req), 'forbidden'));
    const { token } = await c.createToken(req);
    assert.ok(samePermissions(token.permissions, intersectPermissions(everything, ROLE_CEILING[role])));
    if (role !== 'owner') assert.equal(token.permissions.license, undefined);
  },
  'createToken validation: blank description, past expiry, unknown resource/action, too long': async (c, role) => {
    const bad = [
      { body: { description: '   ', expiresAt: null, preset: 'telegraf-agent' as const }, field: 'description' },
      { body: { description: 'x', expiresAt: '2001-01-01T00:00:00Z', preset: 'telegraf-agent' as const }, field: 'expiresAt' },
      { body: { description: 'x', expiresAt: null, permissions: { spaceships: ['read'] } as never }, field: 'permissions.spaceships' },
      { body: { description: 'x', expiresAt: null, permissions: { analytics: ['write'] } as never }, field: 'permissions.analytics' },
      { body: { description: 'x'.repeat(256), expiresAt: null, preset: 'telegraf-agent' as const }, field: 'description' },
      { body: { description: 'x', expiresAt: null, permissions: {} }, field: 'permissions' },
    ];
    for (const b of bad) {
      if (role === 'viewer') {
        await expectKind(c.createToken(b.body), 'forbidden');
        continue;
      }
      const e = await expectKind(c.createToken(b.body), 'validation', 400);
      assert.ok(e.fieldErrors && b.field in e.fieldErrors, `fieldErrors has ${b.field}: ${JSON.stringify(e.fieldErrors)}`);
    }
    if (role !== 'viewer')
      assert.equal((await c.createToken({ description: 'y'.repeat(255), expiresAt: null, preset: 'read-only' })).token.description.length, 255);
  },
  'revokeToken own, idempotent, then the value is rejected': async (c, role) => {
    const { token, value } = emu.state.mintToken({ user: ROLE_USERS[role].id, permissions: { configs: ['read'] } });
    if (role === 'viewer') return void (await expectKind(c.revokeToken(token.id), 'forbidden'));
    const r1 = usable(await c.revokeToken(token.id));
    assert.equal(r1.status, 'revoked');
    assert.ok(r1.revokedAt);
    const r2 = usable(await c.revokeToken(token.id));
    assert.equal(r2.revokedAt, r1.revokedAt);
    await expectKind(c.withCredential({ kind: 'token', token: value }).me(), 'invalid-token', 401);
  },
  "revokeToken another user's": async (c, role) => {
    if (isTokenAdmin(role)) assert.equal(usable(await c.revokeToken('tok-carol-agent')).status, 'revoked');
    else await expectKind(c.revokeToken('tok-carol-agent'), 'forbidden');
  },
  'deleteToken own, then it is gone and its value rejected': async (c, role) => {
    const { token, value } = emu.state.mintToken({ user: ROLE_USERS[role].id, permissions: { configs: ['read'] } });
    if (role === 'viewer') return void (await expectKind(c.deleteToken(token.id), 'forbidden'));
    await c.deleteToken(token.id);
    await expectKind(c.getToken(token.id), 'not-found', 404);
    await expectKind(c.deleteToken(token.id), 'not-found');
    await expectKind(c.withCredential({ kind: 'token', token: value }).listConfigs(), 'invalid-token');
  },
  "deleteToken another user's": async (c, role) => {
    if (isTokenAdmin(role)) {
      await c.deleteToken('tok-carol-agent');
      assert.equal(emu.state.tokens.has('tok-carol-agent'), false);
    } else await expectKind(c.deleteToken('tok-carol-agent'), role === 'viewer' ? 'forbidden' : 'forbidden');
  },
  'reassignToken (Owner/Administrator only), value unchanged': async (c, role) => {
    if (!isTokenAdmin(role)) return void (await expectKind(c.reassignToken('tok-carol-agent', 'u-bob'), 'forbidden'));
    const t = usable(await c.reassignToken('tok-carol-agent', 'u-bob'));
    assert.equal(t.userId, 'u-bob');
    assert.equal(t.username, 'bob');
    const v = DEMO_TOKEN_VALUES['tok-carol-agent']!;
    assert.equal((await c.withCredential({ kind: 'token', token: v }).me()).username, 'bob');
  },
  "reassignToken narrows to the new owner's role": async (c, role) => {
    if (!isTokenAdmin(role)) return void (await expectKind(c.reassignToken('tok-alice-full', 'u-bob'), 'forbidden'));
    const t = usable(await c.reassignToken('tok-alice-full', 'u-bob'));
    assert.ok(samePermissions(t.permissions, intersectPermissions(ROLE_CEILING.administrator, ROLE_CEILING.manager)));
    assert.equal(t.permissions.users?.includes('write') ?? false, false);
  },
  'reassignToken errors: unknown user 404, unknown token 404, revoked token 409': async (c, role) => {
    if (!isTokenAdmin(role)) return void (await expectKind(c.reassignToken('tok-carol-agent', 'u-nobody'), 'forbidden'));
    await expectKind(c.reassignToken('tok-carol-agent', 'u-nobody'), 'not-found', 404);
    await expectKind(c.reassignToken('tok-nope', 'u-bob'), 'not-found');
    await expectKind(c.reassignToken('tok-carol-revoked', 'u-bob'), 'conflict', 409);
  },
  'bulkRevoke: per-id results': async (c, role) => {
    const own = emu.state.mintToken({ user: ROLE_USERS[role].id, permissions: { configs: ['read'] } }).token.id;
    const ids = [own, 'tok-carol-agent', 'tok-missing'];
    if (role === 'viewer') return void (await expectKind(c.bulkRevoke(ids), 'forbidden'));
    const r = await c.bulkRevoke(ids);
    assert.deepEqual(
      r.map((x) => [x.id, x.ok]),
      [
        [own, true],
        ['tok-carol-agent', isTokenAdmin(role)],
        ['tok-missing', false],
      ],
    );
    assert.ok(r.filter((x) => !x.ok).every((x) => typeof x.error === 'string' && x.error.length > 0));
    assert.equal(emu.state.tokens.get(own)!.status, 'revoked');
  },
  'bulkDelete: per-id results': async (c, role) => {
    const own = emu.state.mintToken({ user: ROLE_USERS[role].id, permissions: { configs: ['read'] } }).token.id;
    const ids = [own, 'tok-carol-agent', 'tok-missing'];
    if (role === 'viewer') return void (await expectKind(c.bulkDelete(ids), 'forbidden'));
    const r = await c.bulkDelete(ids);
    assert.deepEqual(
      r.map((x) => [x.id, x.ok]),
      [
        [own, true],
        ['tok-carol-agent', isTokenAdmin(role)],
        ['tok-missing', false],
      ],
    );
    assert.equal(emu.state.tokens.has(own), false);
  },
  'bulkReassign (Owner/Administrator only)': async (c, role) => {
    const ids = ['tok-carol-agent', 'tok-alice-agent', 'tok-carol-revoked', 'tok-missing'];
    if (!isTokenAdmin(role)) return void (await expectKind(c.bulkReassign(ids, 'u-bob'), 'forbidden'));
    const r = await c.bulkReassign(ids, 'u-bob');
    assert.deepEqual(
      r.map((x) => x.ok),
      [true, true, false, false],
    );
    await expectKind(c.bulkReassign(ids, 'u-nobody'), 'not-found');
    await expectKind(c.bulkReassign([], 'u-bob'), 'validation');
  },
  'listUsers (Owner/Administrator only)': async (c, role) => {
    if (!isTokenAdmin(role)) return void (await expectKind(c.listUsers(), 'forbidden', 403));
    const users = await c.listUsers();
    assert.deepEqual(users.map((u) => u.username).sort(), ['admin', 'alice', 'bob', 'carol', 'dave']);
    assert.ok(users.every((u) => ROLES.includes(u.role)));
  },
  'listConfigs (every role has configs:read)': async (c) => {
    const configs = await c.listConfigs();
    assert.deepEqual(configs.map((x) => x.id).sort(), ['cfg-linux-hosts', 'cfg-nginx-edge']);
    assert.ok(configs.every((x) => x.updatedAt && x.name));
  },
  'getConfigToml and unknown config': async (c) => {
    assert.match(await c.getConfigToml('cfg-linux-hosts'), /\[\[outputs\.heartbeat\]\]/);
    await expectKind(c.getConfigToml('cfg-nope'), 'not-found', 404);
  },
  'heartbeat needs heartbeat:write': async (c, role) => {
    const { value } = emu.state.mintToken({ user: ROLE_USERS[role].id, permissions: TELEGRAF_AGENT_PERMISSIONS });
    const before = emu.state.heartbeats.length;
    if (role === 'viewer') {
      await expectKind(c.sendHeartbeat(emu.heartbeatUrl, value), 'forbidden', 403);
      assert.equal(emu.state.heartbeats.length, before);
    } else {
      await c.sendHeartbeat(emu.heartbeatUrl, value, { id: 'host-1', version: 'Telegraf 1.40.1' });
      assert.equal(emu.state.heartbeats.length, before + 1);
    }
  },
  'logout ends a session (a token keeps working)': async (c, _role, cred) => {
    await c.logout();
    if (cred === 'session') await expectKind(c.me(), 'session-expired', 401);
    else assert.ok(await c.me());
  },
};

for (const role of ROLES) {
  for (const cred of ['session', 'token'] as const) {
    void describe(`${role} with a ${cred}`, () => {
      for (const [name, run] of Object.entries(SCENARIOS)) {
        void test(name, async () => {
          cases++;
          await run(await as(role, cred), role, cred);
        });
      }
    });
  }
}

/** Every route that needs a credential, with a call that exercises it. */
const AUTH_ROUTES: Partial<Record<RouteName, (c: ControllerClient) => Promise<unknown>>> = {
  me: (c) => c.me(),
  listTokens: (c) => c.listTokens(),
  createToken: (c) => c.createToken({ description: 'x', expiresAt: null, preset: 'telegraf-agent' }),
  getToken: (c) => c.getToken('tok-bob-agent'),
  revokeToken: (c) => c.revokeToken('tok-bob-agent'),
  deleteToken: (c) => c.deleteToken('tok-bob-agent'),
  reassignToken: (c) => c.reassignToken('tok-bob-agent', 'u-carol'),
  bulkRevoke: (c) => c.bulkRevoke(['tok-bob-agent']),
  bulkDelete: (c) => c.bulkDelete(['tok-bob-agent']),
  bulkReassign: (c) => c.bulkReassign(['tok-bob-agent'], 'u-carol'),
  listUsers: (c) => c.listUsers(),
  listConfigs: (c) => c.listConfigs(),
  getConfigToml: (c) => c.getConfigToml('cfg-linux-hosts'),
};

void describe('documented 401s on every authenticated route', () => {
  const creds: Array<[string, () => ControllerClient, string]> = [
    ['no credential', () => anon(), 'missing-auth'],
    ['a value without tc-apiv1_', () => anon().withCredential({ kind: 'token', token: 'abc123' }), 'invalid-token-format'],
    ['an unknown token', () => anon().withCredential({ kind: 'token', token: 'tc-apiv1_unknownunknownunknown' }), 'invalid-token'],
    ['an expired token', () => anon().withCredential({ kind: 'token', token: DEMO_TOKEN_VALUES['tok-owner-staging-expired']! }), 'token-expired'],
    [
      'a revoked token',
      () => {
        emu.state.tokens.get('tok-owner-full')!.status = 'revoked';
        return anon().withCredential({ kind: 'token', token: DEMO_TOKEN_VALUES['tok-owner-full']! });
      },
      'invalid-token',
    ],
    [
      'a token of a disabled user',
      () => {
        emu.state.setUserDisabled('alice', true);
        return anon().withCredential({ kind: 'token', token: DEMO_TOKEN_VALUES['tok-alice-full']! });
      },
      'invalid-token',
    ],
    ['an unknown session', () => anon().withCredential({ kind: 'session', cookie: 'tc_session=forged' }), 'session-expired'],
  ];
  for (const [route, call] of Object.entries(AUTH_ROUTES)) {
    for (const [label, make, kind] of creds) {
      void test(`${route} with ${label} -> ${kind}`, async () => {
        cases++;
        const e = await expectKind(call(make()), kind as never, 401);
        assert.ok(e.serverMessage);
      });
    }
  }
  void test('the four documented messages reach the client verbatim', async () => {
    cases++;
    const msgs = new Set<string>();
    for (const [, make] of creds.slice(0, 4)) {
      try {
        await make().me();
      } catch (e) {
        msgs.add((e as { serverMessage: string }).serverMessage);
      }
    }
    assert.deepEqual([...msgs].sort(), ['Invalid token', 'Invalid token format', 'Missing or invalid Authorization header', 'Token expired']);
  });
  void test('heartbeat: documented 401s, and a session cookie is not accepted there', async () => {
    cases++;
    await expectKind(anon().sendHeartbeat(emu.heartbeatUrl, 'abc'), 'invalid-token-format');
    await expectKind(anon().sendHeartbeat(emu.heartbeatUrl, 'tc-apiv1_nope'), 'invalid-token');
    await expectKind(anon().sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-owner-staging-expired']!), 'token-expired');
    await expectKind(anon().sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-owner-configs-only']!), 'forbidden', 403);
    await anon().sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-owner-agent-prod']!);
  });
  void test('session expires after its lifetime (emulator clock)', async () => {
    cases++;
    const c = await as('manager', 'session');
    assert.ok(await c.me());
    emu.state.timeOffsetMs = 9 * 3600 * 1000;
    await expectKind(c.me(), 'session-expired');
  });
  void test('a token expires when its time passes', async () => {
    cases++;
    const c = anon().withCredential({ kind: 'token', token: DEMO_TOKEN_VALUES['tok-dave-read']! });
    assert.ok(await c.listConfigs());
    emu.state.timeOffsetMs = 16 * 86_400_000;
    await expectKind(c.listConfigs(), 'token-expired');
  });
});

void describe('local sign-in', () => {
  void test('wrong password and unknown user -> credential rejected', async () => {
    cases++;
    const e = await expectKind(anon().loginLocal('bob', 'nope'), 'invalid-token', 401);
    assert.match(e.userMessage, /user name or password/);
    await expectKind(anon().loginLocal('nobody', 'nope'), 'invalid-token', 401);
  });
  void test('lockout after 5 failures for 15 minutes (423), then unlocks', async () => {
    cases++;
    for (let i = 0; i < 5; i++) await expectKind(anon().loginLocal('carol', 'wrong'), 'invalid-token');
    const e = await expectKind(anon().loginLocal('carol', 'carol-password'), 'locked', 423);
    assert.match(e.serverMessage ?? '', /locked/i);
    // The server's sentence once, not after a sentence of ours saying the same thing.
    assert.equal(e.userMessage.match(/locked/gi)?.length, 1, e.userMessage);
    assert.match(e.userMessage, /try again in 15 minutes\.$/);
    emu.state.timeOffsetMs = 15 * 60 * 1000 + 1000;
    assert.equal((await anon().loginLocal('carol', 'carol-password')).user.username, 'carol');
  });
  void test('the session cookie is HttpOnly and never a token', async () => {
    cases++;
    const res = await fetch(`${emu.url}/api/auth/login/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password' }),
    });
    assert.equal(res.status, 200);
    const sc = res.headers.get('set-cookie') ?? '';
    assert.match(sc, /HttpOnly/);
    assert.doesNotMatch(sc, /tc-apiv1_/);
  });
  void test('empty credentials -> 400 validation with field errors', async () => {
    cases++;
    const e = await expectKind(anon().loginLocal('', ''), 'validation', 400);
    assert.ok(e.fieldErrors?.username && e.fieldErrors.password);
  });
});

void describe('role changes narrow or revoke tokens (docs/api-contract.md)', () => {
  void test('lowering a manager to viewer narrows the agent token and revokes a tokens-only token', async () => {
    cases++;
    const onlyTokens = emu.state.mintToken({ user: 'u-bob', permissions: { tokens: ['read'] } }).token.id;
    const r = emu.state.setUserRole('bob', 'viewer');
    assert.ok(r.revoked.includes(onlyTokens));
    assert.ok(r.narrowed.includes('tok-bob-agent'));
    const admin = await as('owner', 'session');
    const t = await admin.getToken('tok-bob-agent');
    assert.deepEqual(t.permissions, { configs: ['read'] });
    const bob = anon().withCredential({ kind: 'token', token: DEMO_TOKEN_VALUES['tok-bob-agent']! });
    await expectKind(bob.sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-bob-agent']!), 'forbidden');
    await expectKind(bob.listTokens(), 'forbidden');
  });
});
