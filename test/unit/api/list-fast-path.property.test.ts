/**
 * `parseListTokensResponseFast` is a fast path of
 * `ListTokensResponseSchema.safeParse`: whenever it returns a page, the schema
 * must accept the same data and return the same page (same values, same key
 * order); whenever the schema rejects, the fast path must return `undefined`.
 * Property tests over JSON texts near the contract (usual tokens, unusual but
 * valid ones, invalid ones), ≥1000 runs each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PROPERTY_RUNS } from '../propertyRuns';
import { parseResponseBody } from '../../../src/core/api/client';
import { ListTokensResponseSchema, parseListTokensResponseFast } from '../../../src/core/api/contract';
import { RESOURCES } from '../../../src/core/permissions';

const RUNS = { numRuns: PROPERTY_RUNS };

const timestamp = fc.oneof(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-02T03:04:05Z', '2026-01-02T03:04:05+02:00', '2026-01-02', 'not a date', '', 'Tue, 01 Jan 2026 00:00:00 GMT'),
);
const resourceIds = RESOURCES.map((r) => r.id);
const permissions = fc.oneof(
  fc.dictionary(
    fc.oneof(fc.constantFrom(...resourceIds), fc.string({ maxLength: 6 })),
    fc.oneof(fc.array(fc.oneof(fc.constantFrom('read', 'write', 'delete', 'READ', 'Write', 'admin'), fc.integer()), { maxLength: 4 }), fc.string(), fc.constant(null)),
    { maxKeys: 5 },
  ),
  fc.constantFrom(null, [], 'all', 1),
);
const extraKey = fc.constantFrom('extra', 'constructor', 'toString', '__proto__', '0', '10', 'value', 'z');
const token = fc.record(
  {
    id: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant(''), fc.integer({ min: 0, max: 99 })),
    description: fc.oneof(fc.string({ maxLength: 10 }), fc.constant(3)),
    userId: fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 9 })),
    username: fc.oneof(fc.string({ maxLength: 6 }), fc.constant(null)),
    status: fc.constantFrom('active', 'revoked', ' Active ', 'REVOKED', 'expired', '', 1),
    permissions,
    createdAt: timestamp,
    expiresAt: fc.oneof(timestamp, fc.constant(null)),
    revokedAt: fc.oneof(timestamp, fc.constant(null)),
    lastUsedAt: fc.oneof(timestamp, fc.constant(null), fc.constant(0)),
    prefix: fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null)),
  },
  // Any field may be missing (some are optional, most are required).
  { requiredKeys: ['id', 'description', 'userId', 'status', 'permissions', 'createdAt', 'prefix'] },
);
const tokenWithExtras = fc.tuple(token, fc.dictionary(extraKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), fc.boolean()).map(([t, extras, extrasFirst]) =>
  extrasFirst ? { ...extras, ...t } : { ...t, ...extras },
);
const count = fc.oneof(fc.integer({ min: -1, max: 300 }), fc.constantFrom(1.5, 2 ** 53, null, '3'));
const page = fc.record(
  {
    tokens: fc.array(tokenWithExtras, { maxLength: 4 }),
    total: count,
    page: count,
    limit: count,
    more: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['tokens'] },
);

// Tokens the schema accepts, in many forms (the fast path must take most of them).
const validTimestamp = fc.oneof(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-02T03:04:05Z', '2026-01-02T03:04:05.5+02:00', '2026-01-02', 'Tue, 01 Jan 2026 00:00:00 GMT'),
);
const validToken = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 8 }),
    description: fc.string({ maxLength: 10 }),
    userId: fc.string({ minLength: 1, maxLength: 4 }),
    username: fc.string({ maxLength: 6 }),
    status: fc.constantFrom('active', 'revoked', ' Active ', 'REVOKED', 'revoked\n'),
    permissions: fc.dictionary(
      fc.oneof(fc.constantFrom(...resourceIds), fc.constantFrom('unknown', 'toString', '0')),
      fc.oneof(fc.array(fc.oneof(fc.constantFrom('read', 'write', 'delete', 'READ', 'Write', 'admin'), fc.integer()), { maxLength: 4 }), fc.string(), fc.constant(null)),
      { maxKeys: 5 },
    ),
    createdAt: validTimestamp,
    expiresAt: fc.oneof(validTimestamp, fc.constant(null)),
    revokedAt: fc.oneof(validTimestamp, fc.constant(null)),
    lastUsedAt: fc.oneof(validTimestamp, fc.constant(null)),
    prefix: fc.string({ maxLength: 12 }),
  },
  { requiredKeys: ['id', 'description', 'userId', 'status', 'permissions', 'createdAt', 'prefix'] },
);
const validPage = fc.record(
  {
    tokens: fc.array(
      fc.tuple(validToken, fc.dictionary(fc.constantFrom('extra', 'constructor', 'toString', '0', '10', 'value', 'z'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), fc.boolean()).map(([t, extras, extrasFirst]) =>
        extrasFirst ? { ...extras, ...t } : { ...t, ...extras },
      ),
      { maxLength: 4 },
    ),
    total: fc.nat(300),
    page: fc.integer({ min: 1, max: 9 }),
    limit: fc.nat(100),
    more: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['tokens'] },
);

/** JSON text of `v`, with `__proto__` keys written as own keys (as a controller could send them). */
const asJson = (v: unknown): string => JSON.stringify(v);

function check(text: string): void {
  const data: unknown = JSON.parse(text);
  const fast = parseListTokensResponseFast(data);
  const slow = ListTokensResponseSchema.safeParse(JSON.parse(text));
  if (fast === undefined) return;
  assert.ok(slow.success, `fast path accepted what the schema rejects: ${text}`);
  assert.deepStrictEqual(fast, slow.data);
  assert.equal(JSON.stringify(fast), JSON.stringify(slow.data), 'same key order');
}

test('fast path: usual pages are taken by the fast path and equal the schema output', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          id: fc.string({ minLength: 1, maxLength: 8 }),
          description: fc.string({ maxLength: 20 }),
          userId: fc.string({ minLength: 1, maxLength: 4 }),
          username: fc.string({ maxLength: 6 }),
          status: fc.constantFrom('active', 'revoked'),
          permissions: fc.constant({ agents: ['read', 'write'], configs: ['read'] }),
          createdAt: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
          expiresAt: fc.constant(null),
          revokedAt: fc.constant(null),
          lastUsedAt: fc.constant('2026-05-01T00:00:00Z'),
          prefix: fc.string({ maxLength: 12 }),
        }),
        { maxLength: 5 },
      ),
      (tokens) => {
        const text = asJson({ tokens, total: tokens.length, page: 1, limit: 100 });
        assert.notEqual(parseListTokensResponseFast(JSON.parse(text)), undefined, 'a usual page takes the fast path');
        check(text);
      },
    ),
    RUNS,
  );
});

test('fast path: never accepts what the schema rejects, and returns the schema output', () => {
  fc.assert(
    fc.property(page, (p) => check(asJson(p))),
    { numRuns: PROPERTY_RUNS * 3 },
  );
});

test('fast path: valid pages in unusual forms are taken by the fast path and equal the schema output', () => {
  let taken = 0;
  fc.assert(
    fc.property(validPage, (p) => {
      const text = asJson(p);
      if (parseListTokensResponseFast(JSON.parse(text)) !== undefined) taken++;
      check(text);
    }),
    RUNS,
  );
  assert.ok(taken >= 900, `the fast path took only ${taken} of 1000 valid pages`);
});

test('fast path: own __proto__ keys, non-object bodies and odd counts fall back to the schema', () => {
  for (const text of [
    '{"tokens":[],"__proto__":{"x":1}}',
    '{"tokens":[{"__proto__":1,"id":"a","description":"","userId":"u","status":"active","permissions":{},"createdAt":"2026-01-01T00:00:00Z","prefix":"p"}]}',
    '{"tokens":[{"id":"a","description":"","userId":"u","status":"active","permissions":{"__proto__":["read"]},"createdAt":"2026-01-01T00:00:00Z","prefix":"p"}]}',
    '[]',
    'null',
    '{"tokens":{}}',
    '{"tokens":[],"total":-1}',
    '{"tokens":[],"page":0}',
  ]) {
    assert.equal(parseListTokensResponseFast(JSON.parse(text)), undefined, text);
  }
});

test('parseResponseBody with the fast path gives what it gives without', () => {
  fc.assert(
    fc.property(page, (p) => {
      const text = asJson(p);
      const run = (fast?: typeof parseListTokensResponseFast) => {
        try {
          return { ok: parseResponseBody(200, { 'content-type': 'application/json' }, text, ListTokensResponseSchema, 'GET /api/tokens', fast) };
        } catch (e) {
          return { error: (e as Error).message };
        }
      };
      assert.deepStrictEqual(run(parseListTokensResponseFast), run());
    }),
    RUNS,
  );
});
