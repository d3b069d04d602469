/**
 * The pure explorer model (src/core/explorerModel.ts, src/core/tokenQuery.ts): filter syntax and
 * matching, sorting, grouping, reassign preview, bulk summaries, expiry.
 */
import test, { describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Token } from '../../../src/core/api/contract';
import {
  DEFAULT_VIEW_STATE,
  describeTokenFilter,
  formatTokenFilter,
  matchesFilter,
  parseTokenFilter,
  parseViewState,
  serializeViewState,
} from '../../../src/core/explorerModel';
import {
  chunk,
  daysLeft,
  describeReassign,
  expiringWithin,
  groupTokens,
  mergeBulk,
  queryTokens,
  reassignPreview,
  sortTokens,
  summarizeBulk,
  windowed,
} from '../../../src/core/tokenQuery';
import { ROLE_CEILING, countPermissions } from '../../../src/core/permissions';

const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function tok(over: Partial<Token> & { id: string }): Token {
  return {
    description: over.id,
    userId: 'u-owner',
    username: 'admin',
    status: 'active',
    permissions: { configs: ['read'], heartbeat: ['write'] },
    createdAt: iso(NOW - 10 * DAY),
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    prefix: 'tc-apiv1_Abc',
    ...over,
  };
}

const tokens: Token[] = [
  tok({ id: 'a', description: 'Telegraf agent - prod-web-01', createdAt: iso(NOW - 1 * DAY), expiresAt: iso(NOW + 90 * DAY), prefix: 'tc-apiv1_Qrs' }),
  tok({
    id: 'b',
    description: 'CI pipeline',
    createdAt: iso(NOW - 2 * DAY),
    expiresAt: iso(NOW + 3 * DAY),
    permissions: { configs: ['read'] },
    userId: 'u-bob',
    username: 'bob',
  }),
  tok({
    id: 'c',
    description: 'old laptop',
    createdAt: iso(NOW - 300 * DAY),
    status: 'revoked',
    revokedAt: iso(NOW - 20 * DAY),
    userId: 'u-bob',
    username: 'bob',
  }),
  tok({ id: 'd', description: 'staging agent', createdAt: iso(NOW - 30 * DAY), expiresAt: iso(NOW - 2 * DAY), userId: 'u-alice', username: 'alice' }),
  tok({ id: 'e', description: 'agent 10', createdAt: iso(NOW - 5 * DAY) }),
  tok({ id: 'f', description: 'Agent 9', createdAt: iso(NOW - 5 * DAY) }),
];

describe('filter syntax', () => {
  test('parses words, owner, prefix and a permission (bare or perm:)', () => {
    assert.deepEqual(parseTokenFilter('agent prod owner:bob prefix:tc-apiv1_Q heartbeat:write'), {
      filter: { text: 'agent prod', owner: 'bob', prefix: 'tc-apiv1_Q', permission: { resource: 'heartbeat', action: 'write' } },
    });
    assert.deepEqual(parseTokenFilter('perm:configs:read').filter, { permission: { resource: 'configs', action: 'read' } });
    assert.deepEqual(parseTokenFilter('permission:Reporting_Rules:delete').filter, { permission: { resource: 'reporting_rules', action: 'delete' } });
    assert.deepEqual(parseTokenFilter('owner:"jane doe"').filter, { owner: 'jane doe' });
    assert.deepEqual(parseTokenFilter('   ').filter, undefined);
  });

  test('rejects unknown permissions, empty values, repeated terms', () => {
    assert.match(parseTokenFilter('heartbeat:delete').error ?? '', /Unknown permission/);
    assert.match(parseTokenFilter('perm:nothing:read').error ?? '', /Unknown permission/);
    assert.match(parseTokenFilter('owner:').error ?? '', /needs a value/);
    assert.match(parseTokenFilter('owner:a owner:b').error ?? '', /Only one owner/);
  });

  test('refuses anything that looks like a whole token value', () => {
    assert.match(parseTokenFilter('tc-apiv1_demoOwnerFullAccess000').error ?? '', /token value/);
    assert.match(parseTokenFilter('prefix:tc-apiv1_demoOwnerFull').error ?? '', /token value/);
    assert.equal(parseTokenFilter('prefix:tc-apiv1_dem').error, undefined);
  });

  test('formatTokenFilter round-trips and describeTokenFilter is short', () => {
    for (const q of ['agent prod owner:bob heartbeat:write', 'owner:"jane doe" prefix:abc', 'configs:read']) {
      const f = parseTokenFilter(q).filter!;
      assert.deepEqual(parseTokenFilter(formatTokenFilter(f)).filter, f);
    }
    assert.equal(describeTokenFilter(parseTokenFilter('agent owner:bob heartbeat:write').filter!), '"agent" · owner bob · heartbeat:write');
  });

  test('matches description words (any case, all words), owner, prefix with or without tc-apiv1_, permission', () => {
    const ids = (q: string) => tokens.filter((t) => matchesFilter(t, parseTokenFilter(q).filter)).map((t) => t.id);
    assert.deepEqual(ids('AGENT'), ['a', 'd', 'e', 'f']);
    assert.deepEqual(ids('agent prod'), ['a']);
    assert.deepEqual(ids('owner:BOB'), ['b', 'c']);
    assert.deepEqual(ids('prefix:tc-apiv1_Q'), ['a']);
    assert.deepEqual(ids('prefix:Qr'), ['a']);
    assert.deepEqual(ids('heartbeat:write'), ['a', 'c', 'd', 'e', 'f']);
    assert.deepEqual(ids('heartbeat:write owner:bob'), ['c']);
    assert.deepEqual(ids(''), ['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('sorting and grouping', () => {
  test('created: newest first, ties by id', () => {
    assert.deepEqual(
      sortTokens(tokens, 'created').map((t) => t.id),
      ['a', 'b', 'e', 'f', 'd', 'c'],
    );
  });
  test('expires: soonest first (expired first), never last', () => {
    assert.deepEqual(
      sortTokens(tokens, 'expires').map((t) => t.id),
      ['d', 'b', 'a', 'e', 'f', 'c'],
    );
  });
  test('expires: revoked tokens come after every active one, whatever their expiry', () => {
    const revokedSoon: Token = {
      ...tokens.find((t) => t.id === 'd')!,
      id: 'r',
      status: 'revoked',
      revokedAt: new Date(NOW - 1000).toISOString(),
      expiresAt: new Date(NOW - 86_400_000 * 30).toISOString(),
    };
    const order = sortTokens([...tokens, revokedSoon], 'expires').map((t) => t.id);
    const firstRevoked = order.findIndex((id) => [...tokens, revokedSoon].find((t) => t.id === id)!.status === 'revoked');
    assert.ok(
      order.slice(firstRevoked).every((id) => [...tokens, revokedSoon].find((t) => t.id === id)!.status === 'revoked'),
      `revoked last: ${order}`,
    );
    assert.notEqual(order[0], 'r');
  });
  test('status filter: hideRevoked leaves revoked tokens out and is remembered', () => {
    const shown = queryTokens(tokens, { ...DEFAULT_VIEW_STATE, hideRevoked: true }, NOW);
    assert.ok(shown.groups.flatMap((g) => g.tokens).every((t) => t.status !== 'revoked'));
    assert.equal(shown.matched, tokens.filter((t) => t.status !== 'revoked').length);
    assert.deepEqual(parseViewState(serializeViewState({ ...DEFAULT_VIEW_STATE, hideRevoked: true })), { ...DEFAULT_VIEW_STATE, hideRevoked: true });
  });
  test('description: case-insensitive and numeric-aware', () => {
    assert.deepEqual(
      sortTokens(tokens, 'description').map((t) => t.description),
      ['Agent 9', 'agent 10', 'CI pipeline', 'old laptop', 'staging agent', 'Telegraf agent - prod-web-01'],
    );
  });
  test('by status: Active, Expiring soon, Expired, Revoked — only non-empty groups, order inside kept', () => {
    const groups = groupTokens(sortTokens(tokens, 'created'), 'status', NOW);
    assert.deepEqual(
      groups.map((g) => [g.label, g.tokens.map((t) => t.id)]),
      [
        ['Active', ['a', 'e', 'f']],
        ['Expiring soon', ['b']],
        ['Expired', ['d']],
        ['Revoked', ['c']],
      ],
    );
    assert.deepEqual(
      groupTokens([tokens[0]!], 'status', NOW).map((g) => g.key),
      ['status:active'],
    );
  });
  test('by owner: one group per user id, by name', () => {
    const groups = groupTokens(sortTokens(tokens, 'created'), 'owner', NOW);
    assert.deepEqual(
      groups.map((g) => [g.key, g.label, g.tokens.length]),
      [
        ['owner:u-owner', 'admin', 3],
        ['owner:u-alice', 'alice', 1],
        ['owner:u-bob', 'bob', 2],
      ],
    );
  });
  test('none: a single group with everything', () => {
    assert.deepEqual(
      groupTokens(tokens, 'none', NOW).map((g) => g.tokens.length),
      [6],
    );
  });
  test('queryTokens filters, sorts and groups, with counts', () => {
    const r = queryTokens(tokens, { groupBy: 'owner', sortBy: 'expires', filter: parseTokenFilter('agent').filter! }, NOW);
    assert.equal(r.total, 6);
    assert.equal(r.matched, 4);
    assert.deepEqual(
      r.groups.map((g) => [g.label, g.tokens.map((t) => t.id)]),
      [
        ['admin', ['a', 'e', 'f']],
        ['alice', ['d']],
      ],
    );
  });
  test('handles 10,000 tokens', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      tok({ id: `t${i}`, createdAt: iso(NOW - i * 1000), expiresAt: i % 3 ? iso(NOW + (i % 20) * DAY) : null }),
    );
    const r = queryTokens(many, { groupBy: 'status', sortBy: 'expires' }, NOW);
    assert.equal(
      r.groups.reduce((n, g) => n + g.tokens.length, 0),
      10_000,
    );
    assert.deepEqual(windowed(r.groups[0]!.tokens, 200).shown.length, 200);
  });
});

describe('view state', () => {
  test('parses leniently and round-trips through serializeViewState', () => {
    assert.deepEqual(parseViewState(undefined), DEFAULT_VIEW_STATE);
    assert.deepEqual(parseViewState({ groupBy: 'nope', sortBy: 42, filter: 'heartbeat:nope' }), DEFAULT_VIEW_STATE);
    const s = { groupBy: 'status' as const, sortBy: 'expires' as const, filter: parseTokenFilter('owner:bob agent').filter! };
    assert.deepEqual(parseViewState(JSON.parse(JSON.stringify(serializeViewState(s)))), s);
  });
  test('never keeps a filter that looks like a token value', () => {
    assert.equal(parseViewState({ groupBy: 'none', sortBy: 'created', filter: 'tc-apiv1_secretsecretsecret' }).filter, undefined);
  });
});

describe('reassign preview', () => {
  test('full-access token to a manager loses what the manager role cannot hold', () => {
    const p = reassignPreview(ROLE_CEILING.owner, 'manager');
    assert.equal(p.before, countPermissions(ROLE_CEILING.owner));
    assert.equal(p.kept, countPermissions(ROLE_CEILING.manager));
    assert.ok(p.removed.includes('users:write'));
    assert.ok(p.removed.includes('license:read'));
    assert.ok(!p.removed.includes('configs:read'));
    assert.equal(p.empty, false);
  });
  test('agent token keeps everything for a manager, nothing fits a viewer', () => {
    const agent = { configs: ['read' as const], heartbeat: ['write' as const] };
    assert.equal(describeReassign([{ permissions: agent }], 'manager'), 'keeps all 2 permissions');
    assert.match(describeReassign([{ permissions: { heartbeat: ['write'] } }], 'viewer'), /cannot be reassigned/);
    assert.match(describeReassign([{ permissions: ROLE_CEILING.owner }], 'manager'), /^narrows to \d+ of \d+ — loses [a-z_:, ]+, \+\d+ more$/);
  });
  test('several tokens: counts of each case', () => {
    assert.equal(
      describeReassign([{ permissions: { configs: ['read'] } }, { permissions: ROLE_CEILING.owner }, { permissions: { users: ['write'] } }], 'manager'),
      '1 keeps all permissions, 1 narrowed to the manager role, 1 cannot move (nothing fits a manager)',
    );
  });
});

describe('bulk results and expiry', () => {
  test('summarizeBulk reports every id, missing results as failed', () => {
    const s = summarizeBulk(
      ['a', 'b', 'c'],
      [
        { id: 'a', ok: true },
        { id: 'b', ok: false, error: 'Token not found' },
        { id: 'x', ok: true },
      ],
    );
    assert.deepEqual(s.ok, ['a']);
    assert.deepEqual(
      s.failed.map((f) => f.id),
      ['b', 'c'],
    );
    assert.equal(s.failed[0]!.error, 'Token not found');
    assert.deepEqual(mergeBulk(s, { ok: ['d'], failed: [] }).ok, ['a', 'd']);
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  });
  test('expiringWithin: within the window or already expired, soonest first, excluded ids left out', () => {
    const refs = [
      { id: 'never', expiresAt: null },
      { id: 'in3', expiresAt: iso(NOW + 3 * DAY) },
      { id: 'in30', expiresAt: iso(NOW + 30 * DAY) },
      { id: 'gone', expiresAt: iso(NOW - DAY) },
      { id: 'in1', expiresAt: iso(NOW + DAY) },
    ];
    assert.deepEqual(
      expiringWithin(refs, NOW, 7 * DAY).map((r) => r.id),
      ['gone', 'in1', 'in3'],
    );
    assert.deepEqual(
      expiringWithin(refs, NOW, 7 * DAY, new Set(['in1'])).map((r) => r.id),
      ['gone', 'in3'],
    );
    assert.equal(daysLeft(iso(NOW + 2.4 * DAY), NOW), 2, 'days as "expires in 2 days" counts them');
    assert.equal(daysLeft(iso(NOW + 7 * DAY - 5_000), NOW), 7, 'a token made seconds ago to last 7 days: "expires in 7 days"');
    assert.equal(daysLeft(iso(NOW + 23 * 3600e3), NOW), 0, '"expires in 23 hours"');
    assert.equal(daysLeft(iso(NOW - DAY), NOW), 0);
    assert.equal(daysLeft(null, NOW), undefined);
  });
});
