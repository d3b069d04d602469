/**
 * What the editor says about a token found in a config (tokenAssessment.ts):
 * findings from the record and the controller's verdict, prefix matching,
 * the Telegraf ≥ 1.39 / ≤ 1.38 notes, and the pure parts of rotation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIGS_READ, HEARTBEAT_WRITE } from '../../../../src/core/config/references';
import {
  assessToken,
  envVarNote,
  exportLine,
  lostPermissions,
  mayRevoke,
  missingPermissions,
  originalDescription,
  replacementExpiry,
  rotatedDescription,
  secretKeyFor,
  secretKeysFor,
  tokensWithPrefixOf,
  valueFingerprint,
  type TokenFacts,
  type TokenRecord,
} from '../../../../src/core/config/tokenAssessment';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 86400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function token(over: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: 'tok-1',
    description: 'Agent prod-web-01',
    userId: 'u-1',
    username: 'alice',
    status: 'active',
    permissions: { configs: ['read'], heartbeat: ['write'] },
    createdAt: iso(NOW - 10 * DAY),
    expiresAt: iso(NOW + 80 * DAY),
    revokedAt: null,
    prefix: 'tc-apiv1_Abc',
    ...over,
  };
}

const codes = (facts: TokenFacts, needs = [HEARTBEAT_WRITE]) => assessToken(facts, needs, NOW, 'the controller ctl:8888').map((f) => `${f.code}/${f.severity}`);

describe('assessToken', () => {
  test('a known record decides: revoked and expired are errors and say nothing else', () => {
    assert.deepEqual(codes({ token: token({ status: 'revoked', revokedAt: iso(NOW - DAY) }), verdict: 'invalid-token' }), ['token-revoked/error']);
    assert.deepEqual(codes({ token: token({ expiresAt: iso(NOW - DAY), permissions: {} }), verdict: 'unchecked' }), ['token-expired/error']);
    assert.deepEqual(codes({ token: token(), verdict: 'token-expired' }), ['token-expired/error']);
  });

  test('missing permissions of the use are warnings; expiring soon is information', () => {
    assert.deepEqual(codes({ token: token({ permissions: { configs: ['read'] } }), verdict: 'accepted' }), ['token-missing-permission/warning']);
    assert.deepEqual(codes({ token: token({ permissions: { heartbeat: ['write'] } }), verdict: 'accepted' }, [HEARTBEAT_WRITE, CONFIGS_READ]), [
      'token-missing-permission/warning',
    ]);
    assert.deepEqual(codes({ token: token({ expiresAt: iso(NOW + 2 * DAY) }), verdict: 'unchecked' }), ['token-expiring/information']);
    assert.deepEqual(codes({ token: token(), verdict: 'accepted' }), []);
    assert.deepEqual(codes({ token: token({ permissions: {} }), verdict: 'accepted' }, []), [], 'no needs, no missing permission');
  });

  test('an active record the controller rejects as Invalid token is an error (an agent using it gets 401)', () => {
    assert.deepEqual(codes({ token: token(), verdict: 'invalid-token' }), ['token-unknown/error']);
  });

  test('matched only by prefix and rejected: says the value is likely wrong, not that the listed token is broken', () => {
    const [byPrefix] = assessToken({ token: token(), via: 'prefix', verdict: 'invalid-token' }, [], NOW, 'the controller ctl:8888');
    assert.match(byPrefix!.message, /Only its prefix matches the active token .*probably mistyped or cut short/);
    const [stored] = assessToken({ token: token(), via: 'stored', verdict: 'invalid-token' }, [], NOW, 'the controller ctl:8888');
    assert.match(stored!.message, /although the token .* is listed as active/);
  });

  test('without a record the verdict decides', () => {
    assert.deepEqual(codes({ verdict: 'token-expired' }), ['token-expired/error']);
    assert.deepEqual(codes({ verdict: 'invalid-token' }), ['token-unknown/error'], 'rejected: an error whoever is signed in');
    assert.deepEqual(codes({ verdict: 'invalid-token-format' }), ['token-invalid-format/error']);
    assert.deepEqual(codes({ verdict: 'signed-out' }), ['token-unchecked/information'], 'signed out: "sign in to check", never silence');
    assert.deepEqual(codes({ verdict: 'accepted', configsRead: false }, [CONFIGS_READ]), ['token-missing-permission/warning']);
    assert.deepEqual(codes({ verdict: 'accepted', configsRead: false }, [HEARTBEAT_WRITE]), []);
    assert.deepEqual(codes({ verdict: 'accepted' }), []);
    assert.deepEqual(codes({ verdict: 'unreachable' }), ['token-unreachable/information'], 'unreachable: "could not check", never silence');
    assert.deepEqual(codes({ verdict: 'unchecked' }), []);
  });

  test('messages state the moment of revocation or expiry, never an age that goes stale in Problems', () => {
    const revokedAt = NOW - 3 * DAY - 5 * 3600e3;
    const later = NOW + 2 * DAY; // the same finding, read two days later, says the same thing
    for (const now of [NOW, later]) {
      const [r] = assessToken({ token: token({ status: 'revoked', revokedAt: iso(revokedAt) }), verdict: 'invalid-token' }, [], now, 'the controller ctl:8888');
      assert.match(r!.message, /revoked on 2026-11-28 07:00 UTC/);
      assert.doesNotMatch(r!.message, /\bago\b|\bin \d/);
    }
    const [e] = assessToken({ token: token({ expiresAt: iso(NOW - DAY) }), verdict: 'unchecked' }, [], NOW, 'the controller ctl:8888');
    assert.match(e!.message, /expired on 2026-11-30 12:00 UTC/);
    const [soon] = assessToken({ token: token({ expiresAt: iso(NOW + 2 * DAY) }), verdict: 'unchecked' }, [], NOW, 'the controller ctl:8888');
    assert.match(soon!.message, /expires on 2026-12-03 12:00 UTC\. Rotate it/);
  });

  test('messages name the token and the host, capitalised at a sentence start', () => {
    const [f] = assessToken({ verdict: 'invalid-token' }, [], NOW, 'the controller ctl:8888');
    assert.match(f!.message, /^The controller ctl:8888 rejects this token as "Invalid token"/);
    const [g] = assessToken({ token: token({ description: 'Evil\u202edesc' }), verdict: 'invalid-token' }, [], NOW, 'the controller ctl:8888');
    assert.ok(!g!.message.includes('\u202e'), 'bidi controls are removed');
  });
});

describe('value matching', () => {
  test('fingerprints are stable SHA-256 hex and do not contain the value', () => {
    const fp = valueFingerprint('tc-apiv1_secret');
    assert.match(fp, /^[0-9a-f]{64}$/);
    assert.equal(fp, valueFingerprint('tc-apiv1_secret'));
    assert.notEqual(fp, valueFingerprint('tc-apiv1_secreT'));
    assert.ok(!fp.includes('secret'));
  });

  test('prefix matching uses the 12-character prefix and ignores short prefixes', () => {
    const list = [token({ id: 'a', prefix: 'tc-apiv1_Abc' }), token({ id: 'b', prefix: 'tc-apiv1_Xyz' }), token({ id: 'c', prefix: 'tc-' })];
    assert.deepEqual(
      tokensWithPrefixOf('tc-apiv1_Abcdef', list).map((t) => t.id),
      ['a'],
    );
    assert.deepEqual(tokensWithPrefixOf('tc-apiv1_Q', list), []);
  });

  test('missingPermissions lists the needs not granted', () => {
    assert.deepEqual(missingPermissions({ configs: ['read'] }, [HEARTBEAT_WRITE, CONFIGS_READ]), [HEARTBEAT_WRITE]);
  });
});

describe('Telegraf environment variables', () => {
  test('explains ≥ 1.39 vs ≤ 1.38 for both known names', () => {
    const tc = envVarNote('TELEGRAF_CONTROLLER_TOKEN');
    assert.ok(tc.known);
    assert.ok(tc.lines.some((l) => l.includes('1.39') && l.includes('Bearer')));
    assert.ok(tc.lines.some((l) => l.includes('1.38') && l.includes('INFLUX_TOKEN')));
    const influx = envVarNote('INFLUX_TOKEN');
    assert.ok(influx.known);
    assert.ok(influx.lines.some((l) => l.includes('1.38') && l.includes('Token')));
    assert.deepEqual(envVarNote('MY_TOKEN').known, false);
  });

  test('exportLine quotes only when needed', () => {
    // A leading space keeps the line out of the shell history (HISTCONTROL=ignorespace / ignoreboth).
    assert.equal(exportLine('TELEGRAF_CONTROLLER_TOKEN', 'tc-apiv1_abc-DEF_1'), ' export TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_abc-DEF_1');
    assert.equal(exportLine('X', "a b'c"), ` export X='a b'\\''c'`);
  });
});

describe('rotation', () => {
  test('rotatedDescription suffixes the UTC date and replaces an earlier suffix', () => {
    assert.equal(rotatedDescription('Agent prod', NOW), 'Agent prod (rotated 2026-12-01)');
    assert.equal(rotatedDescription('Agent prod (rotated 2026-01-05)', NOW), 'Agent prod (rotated 2026-12-01)');
    assert.equal(rotatedDescription('  ', NOW), 'Token (rotated 2026-12-01)');
    // A second rotation the same day gets the time, so the two replacements keep distinct names.
    const time = new Date(NOW).toISOString().slice(11, 16);
    assert.equal(rotatedDescription('Agent prod (rotated 2026-12-01)', NOW), `Agent prod (rotated 2026-12-01 ${time} UTC)`);
    assert.equal(rotatedDescription('Agent prod (rotated 2026-12-01 08:00 UTC)', NOW), `Agent prod (rotated 2026-12-01 ${time} UTC)`);
    assert.equal(rotatedDescription('Agent prod (rotated 2026-11-30 08:00 UTC)', NOW), 'Agent prod (rotated 2026-12-01)');
  });

  test('rotatedDescription stays within 255 UTF-16 units', () => {
    const long = '😀'.repeat(300);
    const out = rotatedDescription(long, NOW);
    assert.ok(out.length <= 255);
    assert.ok(rotatedDescription('x'.repeat(300), NOW).length === 255);
    assert.ok(out.endsWith('… (rotated 2026-12-01)'));
    assert.ok(!/[\ud800-\udbff]…/.test(out), 'no split surrogate pair');
  });

  test('originalDescription removes every rotation suffix (the name the chain started with)', () => {
    assert.equal(originalDescription('web-07 agent'), 'web-07 agent');
    assert.equal(originalDescription(rotatedDescription('web-07 agent', NOW)), 'web-07 agent');
    assert.equal(originalDescription(rotatedDescription(rotatedDescription('web-07 agent', NOW), NOW)), 'web-07 agent');
    assert.equal(originalDescription('x (replaced 2026-01-02)'), 'x');
  });

  test('secretKeyFor gives a token and its rotated successors one key; secretKeysFor also finds the key of the whole description', () => {
    const first = { id: 'tok_1', description: 'web-07 agent' };
    const rotated = { id: 'tok_2', description: rotatedDescription(rotatedDescription(first.description, NOW), NOW) };
    assert.equal(secretKeyFor(first), 'tc_web_07_agent');
    assert.equal(secretKeyFor(rotated), 'tc_web_07_agent', 'no rotation time in the key of a new insert');
    assert.deepEqual(secretKeysFor(first), ['tc_web_07_agent']);
    assert.equal(secretKeysFor(rotated)[0], 'tc_web_07_agent');
    assert.match(secretKeysFor(rotated)[1] ?? '', /^tc_web_07_agent_rotated_2026_12_01/, 'the key earlier versions gave it');
    assert.equal(secretKeyFor({ id: 'tok-9', description: '  ' }), 'tc_token_tok_9');
    assert.match(secretKeyFor({ id: 'x', description: 'ÄÖ é!' }), /^tc_[a-z0-9_]+$|^tc_token_x$/);
    assert.ok(secretKeyFor({ id: 'x', description: 'a'.repeat(100) }).length <= 43);
  });

  test('replacementExpiry keeps the lifetime', () => {
    assert.equal(replacementExpiry(token({ expiresAt: null }), NOW), null);
    const t = token({ createdAt: iso(NOW - 10 * DAY), expiresAt: iso(NOW + 20 * DAY) });
    assert.equal(replacementExpiry(t, NOW), iso(NOW + 30 * DAY).replace('.000Z', 'Z'));
    const expired = token({ createdAt: iso(NOW - 40 * DAY), expiresAt: iso(NOW - 10 * DAY) });
    assert.equal(replacementExpiry(expired, NOW), iso(NOW + 30 * DAY).replace('.000Z', 'Z'));
    const noCreated = token({ createdAt: 'garbage', expiresAt: iso(NOW + 5 * DAY) });
    assert.equal(replacementExpiry(noCreated, NOW), iso(NOW + 5 * DAY).replace('.000Z', 'Z'));
    const tiny = token({ createdAt: iso(NOW), expiresAt: iso(NOW + 1000) });
    assert.equal(replacementExpiry(tiny, NOW), iso(NOW + 3600_000).replace('.000Z', 'Z'));
    // The form accepts 31 Dec 9999: the same lifetime from today would need a five-digit year.
    const farFuture = token({ createdAt: iso(NOW - DAY), expiresAt: '9999-12-31T23:59:59Z' });
    assert.equal(replacementExpiry(farFuture, NOW), '9999-12-31T23:59:59Z');
  });

  test('lostPermissions lists what the controller narrowed away', () => {
    assert.deepEqual(lostPermissions({ configs: ['read', 'write'], license: ['read'] }, { configs: ['read'] }), ['configs:write', 'license:read']);
    assert.deepEqual(lostPermissions({ configs: ['read'] }, { configs: ['read'], heartbeat: ['write'] }), []);
  });

  test('mayRevoke follows the roles', () => {
    const mine = token({ userId: 'u-1' });
    const theirs = token({ userId: 'u-2' });
    assert.ok(mayRevoke({ id: 'u-9', role: 'owner' }, theirs));
    assert.ok(mayRevoke({ id: 'u-9', role: 'administrator' }, theirs));
    assert.ok(mayRevoke({ id: 'u-1', role: 'manager' }, mine));
    assert.ok(!mayRevoke({ id: 'u-1', role: 'manager' }, theirs));
    assert.ok(!mayRevoke({ id: 'u-1', role: 'viewer' }, mine));
    assert.ok(!mayRevoke({ id: 'u-9', role: 'owner' }, token({ status: 'revoked' })));
  });
});
