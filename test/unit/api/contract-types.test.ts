/**
 * Compile-time and runtime checks that the contract's zod outputs match its
 * exported interfaces (MODEL.md Part B shapes).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  AuthStatusSchema,
  type AuthStatus,
  ConfigSummarySchema,
  type ConfigSummary,
  CreateTokenResponseSchema,
  type CreateTokenResponse,
  ListTokensResponseSchema,
  type ListTokensResponse,
  TokenSchema,
  type Token,
  UserSchema,
  type User,
  BulkResultSchema,
  type BulkResult,
  matchRoute,
  routePath,
} from '../../../src/core/api/contract';

type Assignable<A, B> = A extends B ? true : false;
const checks: [
  Assignable<z.output<typeof TokenSchema>, Token>,
  Assignable<z.output<typeof UserSchema>, User>,
  Assignable<z.output<typeof AuthStatusSchema>, AuthStatus>,
  Assignable<z.output<typeof ConfigSummarySchema>, ConfigSummary>,
  Assignable<z.output<typeof CreateTokenResponseSchema>, CreateTokenResponse>,
  Assignable<z.output<typeof ListTokensResponseSchema>, ListTokensResponse>,
  Assignable<z.output<typeof BulkResultSchema>, BulkResult>,
] = [true, true, true, true, true, true, true];

void test('schema outputs are assignable to the exported types', () => {
  assert.ok(checks.every(Boolean));
});

void test('token parsing is lenient and filters unknown resources', () => {
  const t = TokenSchema.parse({
    id: 7,
    description: 'd',
    userId: 'u1',
    status: 'ACTIVE',
    permissions: { configs: ['read', 'frobnicate'], spaceships: ['read'], heartbeat: 'write' },
    createdAt: '2026-06-01T10:00:00+02:00',
    prefix: 'tc-apiv1_abc',
    extra: 1,
  });
  assert.equal(t.id, '7');
  assert.equal(t.username, '');
  assert.equal(t.status, 'active');
  assert.deepEqual(t.permissions, { configs: ['read'] });
  assert.equal(t.createdAt, '2026-06-01T08:00:00.000Z');
  assert.equal(t.expiresAt, null);
  assert.equal(t.revokedAt, null);
  assert.equal(t.lastUsedAt, null);
});

void test('routes match, literal bulk routes win over :id', () => {
  assert.deepEqual(matchRoute('POST', '/api/tokens/bulk/revoke'), { name: 'bulkRevoke', params: {} });
  assert.deepEqual(matchRoute('POST', '/api/tokens/abc/revoke'), { name: 'revokeToken', params: { id: 'abc' } });
  assert.deepEqual(matchRoute('DELETE', '/api/tokens/a%2Fb'), { name: 'deleteToken', params: { id: 'a/b' } });
  assert.deepEqual(matchRoute('PUT', '/api/tokens/x'), { name: undefined, pathKnown: true });
  assert.deepEqual(matchRoute('GET', '/api/nope'), { name: undefined, pathKnown: false });
  assert.deepEqual(matchRoute('POST', '/agents/heartbeat', 'heartbeat'), { name: 'heartbeat', params: {} });
  assert.equal(routePath('getConfigToml', { id: 'a b' }), '/api/configs/a%20b/toml');
});
