/**
 * The webview <-> extension protocol (src/shared/protocol.ts): well-formed
 * messages parse, malformed ones are rejected without echoing their values.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  CreatedTokenSchema,
  formFieldOf,
  parseCreateRequest,
  parseExtensionMessage,
  parseWebviewMessage,
  toCreatedToken,
  type CreatedToken,
} from '../../../src/shared/protocol';

const future = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
const SECRET = 'tc-apiv1_SHOULDNEVERAPPEARINLOGS';

test('webview messages: valid ones parse', () => {
  for (const m of [
    { type: 'ready', requestId: 'r1' },
    { type: 'create', requestId: 'r2', request: { description: 'x', expiresAt: null, permissions: { configs: ['read'] } } },
    { type: 'copyValue', requestId: 'r3', tokenId: 't1' },
    { type: 'insertIntoConfig', requestId: 'r4', tokenId: 't1' },
    { type: 'close', requestId: 'r5' },
    { type: 'log', requestId: 'r6', level: 'warn', message: 'dropped invalid message "init"' },
  ]) {
    const r = parseWebviewMessage(m);
    assert.ok(r.ok, JSON.stringify(m));
    if (r.ok) assert.equal(r.message.type, m.type);
  }
});

test('webview messages: malformed ones are rejected', () => {
  const bad: unknown[] = [
    null,
    undefined,
    42,
    'ready',
    [],
    {},
    { type: 'ready' }, // no requestId
    { type: 'ready', requestId: '' },
    { type: 'ready', requestId: 'x'.repeat(101) },
    { type: 'ready', requestId: 7 },
    { type: 'ready', requestId: 'r', extra: true }, // strict
    { type: 'launchMissiles', requestId: 'r' },
    { type: 'create', requestId: 'r' },
    { type: 'create', requestId: 'r', request: 'description=x' },
    { type: 'create', requestId: 'r', request: null },
    { type: 'copyValue', requestId: 'r' },
    { type: 'copyValue', requestId: 'r', tokenId: '' },
    { type: 'insertIntoConfig', requestId: 'r', tokenId: 5 },
    { type: 'created', requestId: 'r' }, // an extension message is not a webview message
    { type: 'log', requestId: 'r', level: 'debug', message: 'x' },
    { type: 'log', requestId: 'r', level: 'warn', message: 'x'.repeat(501) },
  ];
  for (const m of bad) assert.equal(parseWebviewMessage(m).ok, false, JSON.stringify(m));
});

test('rejection reasons never contain the message values', () => {
  const r = parseWebviewMessage({ type: 'copyValue', requestId: 'r', tokenId: 1, value: SECRET });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.ok(!r.reason.includes(SECRET));
    assert.match(r.reason, /copyValue/);
  }
  const e = parseExtensionMessage({ type: 'created', requestId: 'r', token: {}, value: SECRET });
  assert.equal(e.ok, false);
  if (!e.ok) assert.ok(!e.reason.includes(SECRET));
});

const token: CreatedToken = {
  id: 't1',
  description: 'Agent db-01',
  prefix: 'tc-apiv1_abc',
  permissions: { configs: ['read'], heartbeat: ['write'] },
  createdAt: '2026-06-15T16:00:00.000Z',
  expiresAt: null,
};

test('extension messages: valid ones parse', () => {
  for (const m of [
    {
      type: 'init',
      requestId: 'r1',
      session: { username: 'alice', role: 'manager', connectionLabel: 'lab' },
      existingDescriptions: ['a'],
      options: { preset: 'telegraf-agent', reason: 'telegraf.conf has [[outputs.heartbeat]]' },
      optionsAreNew: true,
    },
    { type: 'init', requestId: 'r1', session: null, existingDescriptions: [], options: {}, optionsAreNew: false },
    { type: 'created', requestId: 'r2', token, value: SECRET },
    { type: 'createFailed', requestId: 'r2', error: { kind: 'validation', message: 'bad', fieldErrors: { description: 'x' } } },
    { type: 'actionResult', requestId: 'r3', action: 'copyValue', ok: true, message: 'Copied.' },
    { type: 'applyOptions', requestId: 'x-1', options: { preset: 'read-only' } },
    { type: 'showForm', requestId: 'x-2' },
  ]) {
    const r = parseExtensionMessage(m);
    assert.ok(r.ok, `${JSON.stringify(m)} ${r.ok ? '' : r.reason}`);
  }
});

test('extension messages: malformed ones are rejected', () => {
  const init = { type: 'init', requestId: 'r', session: null, existingDescriptions: [], options: {}, optionsAreNew: true };
  const bad: unknown[] = [
    { ...init, session: { username: 'a', role: 'root', connectionLabel: 'x' } },
    { ...init, options: { preset: 'everything' } },
    { ...init, options: { unknown: 1 } },
    { ...init, optionsAreNew: 'yes' },
    { ...init, existingDescriptions: 'a' },
    { type: 'created', requestId: 'r', token }, // no value
    { type: 'created', requestId: 'r', token, value: '' },
    { type: 'created', requestId: 'r', token: { ...token, permissions: { configs: ['execute'] } }, value: SECRET },
    { type: 'created', requestId: 'r', token: { ...token, permissions: { analytics: ['write'] } }, value: SECRET },
    { type: 'created', requestId: 'r', token: { ...token, extra: 1 }, value: SECRET },
    { type: 'createFailed', requestId: 'r', error: { message: 'x' } },
    { type: 'actionResult', requestId: 'r', action: 'deleteEverything', ok: true },
    { type: 'actionResult', requestId: 'r', action: 'copyValue' },
    { type: 'ready', requestId: 'r' },
  ];
  for (const m of bad) assert.equal(parseExtensionMessage(m).ok, false, JSON.stringify(m));
});

test('a created token has no field for the value', () => {
  assert.equal(CreatedTokenSchema.safeParse({ ...token, value: SECRET }).success, false);
  const full = { ...token, userId: 'u1', username: 'alice', status: 'active', revokedAt: null, lastUsedAt: null, value: SECRET };
  const summary = toCreatedToken(full);
  assert.deepEqual(Object.keys(summary).sort(), ['createdAt', 'description', 'expiresAt', 'id', 'permissions', 'prefix']);
  assert.ok(!JSON.stringify(summary).includes(SECRET));
});

test('create request: valid request is normalised', () => {
  const r = parseCreateRequest({
    description: '  Agent db-01  ',
    expiresAt: future(),
    permissions: { configs: ['read'], heartbeat: ['write'] },
    preset: 'telegraf-agent',
  });
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(r.request.description, 'Agent db-01');
    assert.equal(r.request.preset, 'telegraf-agent');
  }
  const never = parseCreateRequest({ description: 'a', expiresAt: null, permissions: { entitlements: ['read'] } });
  assert.ok(never.ok);
  if (never.ok) assert.equal('preset' in never.request, false);
});

test('create request: every broken field is reported on its field', () => {
  const base = { description: 'a', expiresAt: future(), permissions: { configs: ['read'] } };
  const cases: [unknown, string][] = [
    [{ ...base, description: '   ' }, 'description'],
    [{ ...base, description: 'x'.repeat(256) }, 'description'],
    [{ ...base, description: 5 }, 'description'],
    [{ ...base, expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
    [{ ...base, expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ ...base, expiresAt: '2099-01-01' }, 'expiresAt'],
    [{ ...base, expiresAt: undefined }, 'expiresAt'],
    [{ ...base, permissions: {} }, 'permissions'],
    [{ ...base, permissions: { configs: [] } }, 'permissions'],
    [{ ...base, permissions: { nuclear: ['read'] } }, 'permissions'],
    [{ ...base, permissions: { analytics: ['write'] } }, 'permissions'],
    [{ ...base, permissions: undefined }, 'permissions'],
    [{ ...base, preset: 'god-mode' }, 'form'],
    [{ ...base, value: SECRET }, 'form'],
  ];
  for (const [raw, field] of cases) {
    const r = parseCreateRequest(raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    if (!r.ok) {
      assert.ok((r.fieldErrors as Record<string, string | undefined>)[field], `${JSON.stringify(raw)} -> ${JSON.stringify(r.fieldErrors)}`);
      assert.ok(!JSON.stringify(r.fieldErrors).includes(SECRET));
    }
  }
});

test('server field keys map to form fields', () => {
  assert.equal(formFieldOf('description'), 'description');
  assert.equal(formFieldOf('expiresAt'), 'expiresAt');
  assert.equal(formFieldOf('permissions.configs'), 'permissions');
  assert.equal(formFieldOf('permissions[0]'), 'permissions');
  assert.equal(formFieldOf('preset'), 'permissions');
  assert.equal(formFieldOf('userId'), 'form');
});
