/**
 * Property tests (fast-check, ≥1000 runs each) of the emulator's input
 * validation over real HTTP: random create bodies → 201 or 400 (never 500),
 * and a 201 always honours the model's rules (docs/api-contract.md); random
 * bodies / queries on the other routes never give a 500.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PROPERTY_RUNS } from '../unit/propertyRuns';
import { Agent, request } from 'undici';
import { TOKEN_PREFIX_LENGTH, TOKEN_VALUE_PREFIX } from '../../src/core/api/contract';
import { RESOURCES, ROLE_CEILING, hasPermission, type Action, type ResourceId } from '../../src/core/permissions';
import { startEmulator, type Emulator } from './server';
import { DEMO_TOKEN_VALUES } from './seed';

const RUNS = { numRuns: PROPERTY_RUNS };
let emu: Emulator;
let agent: Agent;

before(async () => {
  emu = await startEmulator();
  agent = new Agent({ connections: 4 });
});
after(async () => {
  await agent.close();
  await emu.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body: string | undefined, token: string): Promise<{ status: number; json: unknown }> {
  const r = await request(`${emu.url}${path}`, {
    method,
    dispatcher: agent,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await r.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: r.statusCode, json };
}

const resource = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...RESOURCES.map((r) => r.id)) },
  fc.string({ maxLength: 10 }),
  fc.constant('__proto__'),
  fc.constant('constructor'),
);
const action = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('read', 'write', 'delete') }, fc.string({ maxLength: 6 }), fc.integer());
const description = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 80 }) },
  fc.string({ maxLength: 300 }),
  fc.string({ minLength: 250, maxLength: 260 }),
  fc.constantFrom('', '   ', '\t\n', 'ok', ' padded '),
  fc.integer(),
  fc.constant(null),
);
const now = Date.now();
const expiresAt = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.integer({ min: -400, max: 400 }).map((d) => new Date(now + d * 86_400_000).toISOString()) },
  fc.constantFrom('2030-01-01T00:00:00+02:00', '2099-06-01T10:00:00.123Z', '2030-01-01', 'tomorrow', '', '2030-13-45T99:99:99Z', '9999-12-31T23:59:59Z'),
  fc.string(),
  fc.integer(),
);
const createBody = fc.record(
  {
    description,
    expiresAt,
    permissions: fc.oneof(
      { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...RESOURCES.map((r) => r.id)), fc.subarray(['read', 'write', 'delete']), { minKeys: 1 }) },
      fc.dictionary(resource, fc.oneof({ weight: 5, arbitrary: fc.array(action, { maxLength: 4 }) }, fc.jsonValue())),
      fc.jsonValue(),
    ),
    preset: fc.oneof(fc.constantFrom('telegraf-agent', 'read-only', 'full', 'custom'), fc.string({ maxLength: 8 })),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['description', 'expiresAt'] },
);

void test('random create bodies -> 201 or 400, never 500; a 201 obeys the model', async () => {
  const tokens = { manager: DEMO_TOKEN_VALUES['tok-bob-full']!, owner: DEMO_TOKEN_VALUES['tok-owner-full']! };
  let created = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        { weight: 8, arbitrary: createBody.map((b) => JSON.stringify(b)) },
        fc.jsonValue().map((j) => JSON.stringify(j)),
        fc.string({ maxLength: 50 }),
      ),
      fc.constantFrom<'manager' | 'owner'>('manager', 'owner'),
      async (body, who) => {
        const { status, json } = await call('POST', '/api/tokens', body, tokens[who]);
        assert.ok(status === 201 || status === 400, `status ${status} for ${body}: ${JSON.stringify(json)}`);
        if (status === 400) {
          const e = json as { error: string; message: string };
          assert.equal(typeof e.error, 'string');
          assert.equal(typeof e.message, 'string');
          return;
        }
        created++;
        const { token, value } = json as {
          token: { description: string; permissions: Record<string, string[]>; prefix: string; expiresAt: string | null };
          value: string;
        };
        const sent = JSON.parse(body) as { description: string };
        assert.equal(token.description, sent.description.trim());
        assert.ok(token.description.length >= 1 && token.description.length <= 255);
        assert.ok(value.startsWith(TOKEN_VALUE_PREFIX));
        assert.equal(token.prefix, value.slice(0, TOKEN_PREFIX_LENGTH));
        if (token.expiresAt !== null) assert.ok(Date.parse(token.expiresAt) > Date.now() - 1000);
        const role = who === 'manager' ? 'manager' : 'owner';
        for (const [res, acts] of Object.entries(token.permissions)) {
          for (const a of acts) assert.ok(hasPermission(ROLE_CEILING[role], res as ResourceId, a as Action), `${res}:${a} exceeds ${role}`);
        }
        assert.ok(Object.keys(token.permissions).length > 0);
      },
    ),
    RUNS,
  );
  assert.ok(created > 20, `some bodies are valid (${created})`);
});

void test('random bodies and queries on the other routes never give a 500', async () => {
  const token = DEMO_TOKEN_VALUES['tok-alice-full']!;
  const target = fc.constantFrom(
    ['POST', '/api/tokens/bulk/revoke'],
    ['POST', '/api/tokens/bulk/delete'],
    ['POST', '/api/tokens/bulk/reassign'],
    ['POST', '/api/tokens/tok-bob-agent/reassign'],
    ['POST', '/api/tokens/tok-bob-agent/revoke'],
    ['POST', '/api/auth/login/local'],
    ['GET', '/api/tokens?'],
    ['GET', '/api/tokens/'],
    ['DELETE', '/api/tokens/'],
    ['GET', '/api/configs/'],
  ) as fc.Arbitrary<['GET' | 'POST' | 'DELETE', string]>;
  const body = fc.oneof(
    fc
      .record(
        {
          ids: fc.oneof(fc.array(fc.oneof(fc.constantFrom('tok-carol-agent', 'tok-alice-agent', 'nope'), fc.string())), fc.jsonValue()),
          userId: fc.oneof(fc.constantFrom('u-bob', 'u-dave', 'u-nobody'), fc.jsonValue()),
          username: fc.string(),
          password: fc.string(),
        },
        { requiredKeys: [] },
      )
      .map((b) => JSON.stringify(b)),
    fc.jsonValue().map((j) => JSON.stringify(j)),
    fc.string({ maxLength: 40 }),
  );
  const suffix = fc.oneof(
    fc.webQueryParameters(),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
    fc.constantFrom('status=active&limit=5&page=2', 'limit=0', 'page=-1', 'status=bogus', 'q=%E2%82%AC'),
  );
  await fc.assert(
    fc.asyncProperty(target, body, suffix, async ([method, path], b, sfx) => {
      const p = path.endsWith('?') || path.endsWith('/') ? `${path}${sfx}` : path;
      const { status, json } = await call(method, p, method === 'POST' ? b : undefined, token);
      assert.ok(status < 500, `${method} ${p} -> ${status} ${JSON.stringify(json)}`);
    }),
    RUNS,
  );
});
