/**
 * The contract module (src/core/api/contract.ts, docs/api-contract.md):
 * lenient token parsing, records parsed one by one, route matching.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUnusableToken, matchRoute, parseTokenList, parseTokenRecord, routePath, TokenSchema } from '../../../../src/core/api/contract';

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

void test('only id, description and status are required', () => {
  const t = parseTokenRecord({ id: 'a', description: 'only the three', status: 'revoked' });
  assert.ok(!isUnusableToken(t));
  assert.deepEqual(
    { ...t },
    {
      id: 'a',
      description: 'only the three',
      status: 'revoked',
      userId: '',
      username: '',
      permissions: {},
      createdAt: '',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      prefix: '',
    },
  );
  for (const missing of ['id', 'description', 'status']) {
    const raw: Record<string, unknown> = { id: 'a', description: 'd', status: 'active' };
    delete raw[missing];
    const u = parseTokenRecord(raw, 3);
    assert.ok(isUnusableToken(u), `without ${missing}`);
    assert.equal(u.index, 3);
    assert.match(u.reason, new RegExp(missing));
  }
});

void test('a list keeps every usable record next to an unusable one', () => {
  const page = parseTokenList({
    tokens: [
      { id: 'a', description: 'x', status: 'active' },
      { id: 'b', status: 'active' },
      'junk',
      { id: 'c', description: 'y', status: 'revoked', expiresAt: 'soon' },
    ],
  });
  assert.ok(page);
  assert.deepEqual(
    page.tokens.map((t) => t.id),
    ['a'],
  );
  assert.deepEqual(
    page.unusable.map((u) => [u.index, u.id]),
    [
      [1, 'b'],
      [2, undefined],
      [3, 'c'],
    ],
  );
  assert.equal(page.total, 4);
  assert.equal(parseTokenList({ items: [] }), undefined, 'not a page at all');
});

void test('a single-record answer takes the id and status the request implies', () => {
  const t = parseTokenRecord({ description: 'revoked one' }, -1, { id: 'tok-1', status: 'revoked' });
  assert.ok(!isUnusableToken(t));
  assert.equal(t.id, 'tok-1');
  assert.equal(t.status, 'revoked');
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
