/**
 * Property tests (fast-check, ≥1000 runs each) of the client's response
 * handling: any bytes, any JSON, any status → a valid value or a typed
 * `ControllerError`, never another exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PROPERTY_RUNS } from '../../propertyRuns';
import type { z } from 'zod';
import { errorFromResponse, mapTransportError, parseResponseBody } from '../../../../src/core/api/client';
import {
  AuthStatusSchema,
  BulkResponseSchema,
  ConfigsResponseSchema,
  CreateTokenResponseSchema,
  ListTokensPageSchema,
  parseTokenList,
  TokenResponseSchema,
  TokenSchema,
  UserResponseSchema,
  UsersResponseSchema,
} from '../../../../src/core/api/contract';
import { DEFAULT_USER_MESSAGES } from '../../../../src/core/api/errorMessages';
import { ControllerError, type ErrorKind } from '../../../../src/core/api/errors';
import { RESOURCES } from '../../../../src/core/permissions';

const RUNS = { numRuns: PROPERTY_RUNS };
const KINDS = new Set(Object.keys(DEFAULT_USER_MESSAGES) as ErrorKind[]);
const SCHEMAS: Array<[string, z.ZodType]> = [
  ['ListTokensPage', ListTokensPageSchema],
  ['TokenResponse', TokenResponseSchema],
  ['CreateTokenResponse', CreateTokenResponseSchema],
  ['UserResponse', UserResponseSchema],
  ['UsersResponse', UsersResponseSchema],
  ['BulkResponse', BulkResponseSchema],
  ['ConfigsResponse', ConfigsResponseSchema],
  ['AuthStatus', AuthStatusSchema],
];

function parsesOrTypedError(schema: z.ZodType, status: number, headers: Record<string, string>, text: string): void {
  try {
    const v = parseResponseBody(status, headers, text, schema, 'GET /test');
    assert.notEqual(v, undefined);
  } catch (e) {
    assert.ok(e instanceof ControllerError, `not a ControllerError: ${String(e)}`);
    assert.equal(e.kind, 'protocol');
    assert.ok(e.userMessage.length > 0);
  }
}

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', '', 'application/xhtml+xml');

void test('random bytes -> value or protocol error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), contentType, fc.integer({ min: 0, max: SCHEMAS.length - 1 }), (bytes, ct, i) => {
      parsesOrTypedError(SCHEMAS[i]![1], 200, ct ? { 'content-type': ct } : {}, Buffer.from(bytes).toString('utf8'));
    }),
    RUNS,
  );
});

void test('random JSON -> value or protocol error', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.integer({ min: 0, max: SCHEMAS.length - 1 }), (json, i) => {
      parsesOrTypedError(SCHEMAS[i]![1], 200, { 'content-type': 'application/json' }, JSON.stringify(json));
    }),
    RUNS,
  );
});

const resourceName = fc.oneof(fc.constantFrom(...RESOURCES.map((r) => r.id)), fc.string({ maxLength: 12 }));
const actionName = fc.oneof(fc.constantFrom('read', 'write', 'delete', 'READ'), fc.string({ maxLength: 8 }));
const nearToken = fc.record(
  {
    id: fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1 }) }, fc.integer(), fc.constant(null)),
    description: fc.oneof(fc.string(), fc.integer()),
    userId: fc.oneof(fc.string({ minLength: 1 }), fc.integer()),
    username: fc.oneof(fc.string(), fc.constant(undefined)),
    status: fc.constantFrom('active', 'revoked', 'ACTIVE', 'expired', '', 5),
    permissions: fc.oneof(fc.dictionary(resourceName, fc.oneof(fc.array(actionName), fc.string(), fc.jsonValue())), fc.jsonValue()),
    createdAt: fc.oneof({ weight: 5, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) }, fc.string(), fc.constant(null)),
    expiresAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constant(null),
      fc.string(),
    ),
    revokedAt: fc.oneof(
      fc.constant(null),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
    lastUsedAt: fc.oneof(fc.constant(null), fc.constant(undefined), fc.string()),
    prefix: fc.oneof(fc.string(), fc.constant(undefined)),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['id', 'description', 'userId', 'createdAt'] },
);

void test('near-valid token lists: every record is a token or an unusable record, never a failed list', () => {
  let usable = 0;
  fc.assert(
    fc.property(fc.array(nearToken, { maxLength: 3 }), fc.option(fc.integer({ min: 0, max: 1000 })), (tokens, total) => {
      const text = JSON.stringify({ tokens, total: total ?? undefined, page: 1, limit: 100 });
      const page = parseTokenList(parseResponseBody(200, { 'content-type': 'application/json' }, text, ListTokensPageSchema, 'GET /api/tokens'));
      assert.ok(page, 'a valid envelope is a page');
      assert.equal(page.tokens.length + page.unusable.length, tokens.length, 'one entry per record');
      for (const t of page.tokens) {
        usable++;
        assert.ok(t.status === 'active' || t.status === 'revoked');
        for (const [res, acts] of Object.entries(t.permissions)) {
          const info = RESOURCES.find((r) => r.id === res);
          assert.ok(info, `unknown resource ${res} kept`);
          assert.ok((acts ?? []).every((a: string) => (info.actions as readonly string[]).includes(a)));
        }
        assert.ok(t.createdAt === '' || !Number.isNaN(Date.parse(t.createdAt)));
      }
      for (const u of page.unusable) assert.ok(u.unusable && u.reason.length > 0);
    }),
    RUNS,
  );
  assert.ok(usable > 50, `some records are usable (${usable})`);
});

void test('valid tokens always parse and keep their fields', () => {
  const validToken = fc.record({
    id: fc.string({ minLength: 1 }),
    description: fc.string(),
    userId: fc.string({ minLength: 1 }),
    username: fc.string(),
    status: fc.constantFrom('active', 'revoked'),
    permissions: fc.constant({ configs: ['read'], heartbeat: ['write'] }),
    createdAt: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
    expiresAt: fc.option(
      fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
      { nil: null },
    ),
    revokedAt: fc.constant(null),
    lastUsedAt: fc.constant(null),
    prefix: fc.string(),
  });
  fc.assert(
    fc.property(validToken, (t) => {
      const parsed = TokenSchema.parse(t);
      assert.deepEqual({ ...parsed }, { ...t });
    }),
    RUNS,
  );
});

void test('any status and body -> a typed ControllerError with a known kind and a sentence', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 100, max: 599 }).filter((s) => s < 200 || s >= 300),
      fc.oneof(
        fc.jsonValue().map((j) => JSON.stringify(j)),
        fc.string(),
        fc.constant('<!DOCTYPE html><html></html>'),
        fc.record({ error: fc.string(), message: fc.string(), details: fc.jsonValue() }).map((o) => JSON.stringify(o)),
      ),
      fc.option(
        fc.oneof(
          fc.nat().map(String),
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
        ),
      ),
      fc.constantFrom<'session' | 'token' | 'none'>('session', 'token', 'none'),
      (status, text, retryAfter, credKind) => {
        const cred =
          credKind === 'session'
            ? { kind: 'session' as const, cookie: 'c=1' }
            : credKind === 'token'
              ? { kind: 'token' as const, token: 'tc-apiv1_x' }
              : { kind: 'none' as const };
        const headers: Record<string, string> = {};
        if (retryAfter !== null) headers['retry-after'] = retryAfter;
        const e = errorFromResponse({ status, headers, text }, 'GET /x', cred);
        assert.ok(e instanceof ControllerError);
        assert.ok(KINDS.has(e.kind));
        assert.equal(e.status, status);
        assert.ok(e.userMessage.length > 10);
        if (e.retryAfterMs !== undefined) assert.ok(Number.isFinite(e.retryAfterMs) && e.retryAfterMs >= 0);
        if (status === 401 && e.kind !== 'protocol')
          assert.ok(['missing-auth', 'invalid-token-format', 'invalid-token', 'token-expired', 'session-expired'].includes(e.kind));
      },
    ),
    RUNS,
  );
});

void test('any thrown transport error -> a typed ControllerError', () => {
  const codes = fc.constantFrom(
    'ECONNREFUSED',
    'ENOTFOUND',
    'ETIMEDOUT',
    'ECONNRESET',
    'EPROTO',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'UND_ERR_SOCKET',
    'UND_ERR_HEADERS_TIMEOUT',
    'X',
    undefined,
  );
  fc.assert(
    fc.property(fc.anything(), codes, fc.string(), (junk, code, msg) => {
      const err = code ? Object.assign(new Error(msg), { code, cause: junk }) : junk;
      const e = mapTransportError(err, { route: 'GET /x', url: 'https://c.example:8888/api/x' });
      assert.ok(e instanceof ControllerError && KINDS.has(e.kind) && e.userMessage.length > 10);
    }),
    RUNS,
  );
});
