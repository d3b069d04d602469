/**
 * The extension side of the create form (src/features/createToken/
 * createTokenController.ts), driven with fake dependencies: handshake,
 * re-validation, role checks, the value sent exactly once, error mapping,
 * dropped messages, and the logs never containing a value.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { CreateTokenController, watchSession, type CreateTokenDeps } from '../../../src/features/createToken/createTokenController';
import type { CreateTokenRequest, Token, User } from '../../../src/core/api/contract';
import { ControllerError } from '../../../src/core/api/errors';
import { parseExtensionMessage, type ExtensionToWebview } from '../../../src/shared/protocol';
import type { Role } from '../../../src/core/permissions';

const VALUE = 'tc-apiv1_Zq8sVeryVerySecretValue0123';

function setup(opts: { role?: Role | null; createError?: unknown; visible?: boolean | (() => boolean); bundle?: Record<string, string> } = {}) {
  const sent: ExtensionToWebview[] = [];
  const logs: string[] = [];
  const calls: { create: CreateTokenRequest[]; copy: string[]; insert: string[] } = { create: [], copy: [], insert: [] };
  let closed = false;
  let resolveCreate: (() => void) | undefined;
  const role = opts.role === undefined ? 'manager' : opts.role;
  const user: User | undefined = role ? { id: 'u1', username: 'alice', role } : undefined;
  const deps: CreateTokenDeps = {
    session: async () => (user ? { user, connectionLabel: 'lab (https://tc.lab:8888)' } : undefined),
    createToken: async (req) => {
      calls.create.push(req);
      if (opts.createError) throw opts.createError;
      await new Promise<void>((r) => {
        resolveCreate = r;
        setImmediate(r);
      });
      const token: Token = {
        id: 'tok-1',
        description: req.description,
        userId: 'u1',
        username: 'alice',
        status: 'active',
        permissions: req.permissions ?? {},
        createdAt: new Date().toISOString(),
        expiresAt: req.expiresAt,
        revokedAt: null,
        lastUsedAt: null,
        prefix: VALUE.slice(0, 12),
      };
      return { token, value: VALUE };
    },
    existingDescriptions: async () => ['Agent db-01'],
    copyValue: async (id) => {
      calls.copy.push(id);
    },
    insertIntoConfig: async (id) => {
      calls.insert.push(id);
    },
    log: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
    l10nBundle: () => opts.bundle,
  };
  const c = new CreateTokenController(
    deps,
    {
      post: (m) => {
        // Everything posted must be a valid protocol message.
        assert.ok(parseExtensionMessage(JSON.parse(JSON.stringify(m))).ok, JSON.stringify(m));
        sent.push(m);
      },
      close: () => {
        closed = true;
      },
      visible: () => (typeof opts.visible === 'function' ? opts.visible() : (opts.visible ?? true)),
    },
    { preset: 'telegraf-agent', reason: 'telegraf.conf has [[outputs.heartbeat]]' },
  );
  return { c, sent, logs, calls, isClosed: () => closed, resolveCreate: () => resolveCreate?.() };
}

const request = (over: Record<string, unknown> = {}) => ({
  description: '  Agent web-03 ',
  expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  permissions: { configs: ['read'], heartbeat: ['write'] },
  preset: 'telegraf-agent',
  ...over,
});

function noValueIn(logs: string[]) {
  for (const l of logs) assert.ok(!l.includes(VALUE) && !l.includes(VALUE.slice(9)), `log leaked the value: ${l}`);
}

test('ready -> init with session, existing descriptions and options (new once)', async () => {
  const { c, sent } = setup();
  await c.handle({ type: 'ready', requestId: 'w-1' });
  const init = sent[0];
  assert.equal(init?.type, 'init');
  if (init?.type !== 'init') return;
  assert.equal(init.requestId, 'w-1');
  assert.deepEqual(init.session, { username: 'alice', role: 'manager', connectionLabel: 'lab (https://tc.lab:8888)' });
  assert.deepEqual(init.existingDescriptions, ['Agent db-01']);
  assert.equal(init.options.preset, 'telegraf-agent');
  assert.equal(init.optionsAreNew, true);
  await c.handle({ type: 'ready', requestId: 'w-2' });
  const again = sent[1];
  assert.ok(again?.type === 'init' && again.optionsAreNew === false, 'a reload restores the draft instead');
});

test('not signed in -> init with a null session', async () => {
  const { c, sent } = setup({ role: null });
  await c.handle({ type: 'ready', requestId: 'w-1' });
  assert.ok(sent[0]?.type === 'init' && sent[0].session === null);
});

test('new options: posted at once when visible, else with the next init', async () => {
  const visible = setup({ visible: true });
  visible.c.setOptions({ preset: 'read-only', reason: 'why' });
  assert.deepEqual(visible.sent[0], { type: 'applyOptions', requestId: 'x-1', options: { preset: 'read-only', reason: 'why' } });
  const hidden = setup({ visible: false });
  await hidden.c.handle({ type: 'ready', requestId: 'w-1' });
  hidden.c.setOptions({ preset: 'full' });
  assert.equal(hidden.sent.length, 1);
  await hidden.c.handle({ type: 'ready', requestId: 'w-2' });
  const init = hidden.sent[1];
  assert.ok(init?.type === 'init' && init.optionsAreNew && init.options.preset === 'full');
});

test('Create Token run again: showForm at once when visible, else right after the next init', async () => {
  const visible = setup({ visible: true });
  visible.c.showForm();
  assert.deepEqual(visible.sent[0], { type: 'showForm', requestId: 'x-1' });
  const hidden = setup({ visible: false });
  hidden.c.showForm();
  assert.equal(hidden.sent.length, 0);
  await hidden.c.handle({ type: 'ready', requestId: 'w-1' });
  assert.deepEqual(
    hidden.sent.map((m) => m.type),
    ['init', 'showForm'],
  );
  await hidden.c.handle({ type: 'ready', requestId: 'w-2' });
  assert.deepEqual(
    hidden.sent.map((m) => m.type),
    ['init', 'showForm', 'init'],
    'once',
  );
});

test('create: re-validated, sent trimmed, value posted exactly once, never logged', async () => {
  const { c, sent, calls, logs } = setup();
  await c.handle({ type: 'create', requestId: 'w-9', request: request() });
  assert.equal(calls.create.length, 1);
  assert.equal(calls.create[0]?.description, 'Agent web-03');
  const created = sent.filter((m) => m.type === 'created');
  assert.equal(created.length, 1);
  const m = created[0];
  assert.ok(m?.type === 'created');
  assert.equal(m.requestId, 'w-9');
  assert.equal(m.value, VALUE);
  assert.equal(m.token.id, 'tok-1');
  assert.ok(!('value' in m.token));
  // Nothing else carries the value.
  for (const other of sent.filter((x) => x.type !== 'created')) assert.ok(!JSON.stringify(other).includes(VALUE));
  noValueIn(logs);
});

test('create: an invalid request never reaches the controller and errors go to fields', async () => {
  const { c, sent, calls } = setup();
  await c.handle({ type: 'create', requestId: 'w-1', request: request({ description: ' ', permissions: {}, expiresAt: '2001-01-01T00:00:00Z' }) });
  assert.equal(calls.create.length, 0);
  const f = sent[0];
  assert.ok(f?.type === 'createFailed');
  assert.equal(f.error.kind, 'invalid-request');
  assert.ok(f.error.fieldErrors?.description);
  assert.ok(f.error.fieldErrors?.permissions);
  assert.ok(f.error.fieldErrors?.expiresAt);
});

test('create: permissions above the role are refused before the API call', async () => {
  const { c, sent, calls } = setup({ role: 'manager' });
  await c.handle({ type: 'create', requestId: 'w-1', request: request({ permissions: { configs: ['read'], license: ['write'] } }) });
  assert.equal(calls.create.length, 0);
  const f = sent[0];
  assert.ok(f?.type === 'createFailed');
  // A code and data; the form words them.
  assert.equal(f.error.kind, 'role-denied');
  assert.deepEqual(f.error.args, ['license:write']);
  assert.equal(f.error.message, undefined);
});

test('create: Viewers and signed-out users are refused', async () => {
  for (const role of ['viewer', null] as const) {
    const { c, sent, calls } = setup({ role });
    await c.handle({ type: 'create', requestId: 'w-1', request: request() });
    assert.equal(calls.create.length, 0);
    assert.ok(sent[0]?.type === 'createFailed');
    assert.equal(sent[0].error.kind, role ? 'forbidden-role' : 'not-signed-in');
  }
});

test('create: a ControllerError becomes its kind, status, server message and field errors (no English sentence)', async () => {
  const err = new ControllerError({
    kind: 'validation',
    status: 400,
    serverMessage: 'Invalid input',
    userMessage: 'The controller rejected the request as invalid.',
    fieldErrors: { description: 'Already used' },
  });
  const { c, sent, logs } = setup({ createError: err });
  await c.handle({ type: 'create', requestId: 'w-1', request: request() });
  const f = sent[0];
  assert.ok(f?.type === 'createFailed');
  assert.deepEqual(f.error, { kind: 'validation', args: ['400', 'Invalid input'], fieldErrors: { description: 'Already used' } });
  assert.ok(logs.some((l) => l.startsWith('warn Create token failed')));
});

test('create: an unexpected error is logged and shown as a generic sentence', async () => {
  const { c, sent, logs } = setup({ createError: new TypeError('boom') });
  await c.handle({ type: 'create', requestId: 'w-1', request: request() });
  assert.ok(sent[0]?.type === 'createFailed' && sent[0].error.kind === 'unexpected');
  assert.ok(logs.some((l) => l.startsWith('error') && l.includes('boom')));
});

test('create: one at a time', async () => {
  const { c, sent, calls } = setup();
  const first = c.handle({ type: 'create', requestId: 'w-1', request: request() });
  const second = c.handle({ type: 'create', requestId: 'w-2', request: request() });
  await Promise.all([first, second]);
  assert.equal(calls.create.length, 1);
  assert.ok(sent.some((m) => m.type === 'createFailed' && m.requestId === 'w-2' && m.error.kind === 'busy'));
  assert.ok(sent.some((m) => m.type === 'created' && m.requestId === 'w-1'));
});

test('copy / insert only for tokens this form created', async () => {
  const { c, sent, calls } = setup();
  await c.handle({ type: 'copyValue', requestId: 'w-1', tokenId: 'someone-elses' });
  assert.equal(calls.copy.length, 0);
  assert.ok(sent[0]?.type === 'actionResult' && sent[0].ok === false);
  await c.handle({ type: 'create', requestId: 'w-2', request: request() });
  await c.handle({ type: 'copyValue', requestId: 'w-3', tokenId: 'tok-1' });
  await c.handle({ type: 'insertIntoConfig', requestId: 'w-4', tokenId: 'tok-1' });
  assert.deepEqual(calls.copy, ['tok-1']);
  assert.deepEqual(calls.insert, ['tok-1']);
  const results = sent.filter((m) => m.type === 'actionResult');
  assert.ok(results.every((m) => !JSON.stringify(m).includes(VALUE)));
  assert.ok(results.some((m) => m.type === 'actionResult' && m.requestId === 'w-3' && m.ok));
});

test('invalid messages are dropped and logged without their values', async () => {
  const { c, sent, logs } = setup();
  await c.handle({ type: 'copyValue', requestId: 'r', tokenId: 5, leaked: VALUE });
  await c.handle('ready');
  await c.handle(null);
  await c.handle({ type: 'create', requestId: 'r', request: VALUE });
  assert.equal(sent.length, 0);
  assert.equal(logs.filter((l) => l.startsWith('warn Create token form: dropped')).length, 4);
  noValueIn(logs);
});

test('a token created while the webview is hidden is announced by the next init, without its value', async () => {
  let visible = true;
  const { c, sent } = setup({ visible: () => visible });
  const pending = c.handle({ type: 'create', requestId: 'w-1', request: request() });
  visible = false;
  await pending;
  assert.equal(sent.filter((m) => m.type === 'created').length, 0, 'not posted to a hidden webview');
  visible = true;
  await c.handle({ type: 'ready', requestId: 'w-2' });
  const init = sent.find((m) => m.type === 'init');
  assert.ok(init?.type === 'init' && init.created?.id === 'tok-1');
  assert.ok(!JSON.stringify(sent).includes(VALUE));
  await c.handle({ type: 'ready', requestId: 'w-3' });
  const second = sent.filter((m) => m.type === 'init')[1];
  assert.ok(second?.type === 'init' && second.created === undefined, 'announced once');
  // Copy still works for it (the extension reads Secret Storage).
  await c.handle({ type: 'copyValue', requestId: 'w-4', tokenId: 'tok-1' });
  assert.ok(sent.some((m) => m.type === 'actionResult' && m.ok));
});

test('webview log messages go to the log', async () => {
  const { c, logs } = setup();
  await c.handle({ type: 'log', requestId: 'w-1', level: 'warn', message: 'dropped invalid message "init"' });
  assert.deepEqual(logs, ['warn Create token form (webview): dropped invalid message "init"']);
});

test('close closes; nothing is posted after dispose', async () => {
  const { c, sent, isClosed } = setup();
  await c.handle({ type: 'close', requestId: 'w-1' });
  assert.equal(isClosed(), true);
  c.dispose();
  await c.handle({ type: 'ready', requestId: 'w-2' });
  assert.equal(sent.length, 0);
});

test('watchSession: the open form gets the session again on sign-out, sign-in and a change of user; not on unrelated events', async () => {
  type State = { state: string; url?: string; user?: { id: string; username: string; role: string } };
  const listeners: Array<() => void> = [];
  const conn = {
    current: { state: 'ready', url: 'http://127.0.0.1:8888', user: { id: 'u-bob', username: 'bob', role: 'manager' } } as State,
    name: '127.0.0.1:8888',
    onDidChange(l: () => void) {
      listeners.push(l);
      return { dispose: () => listeners.splice(listeners.indexOf(l), 1) };
    },
  };
  const fire = () => listeners.forEach((l) => l());
  let refreshes = 0;
  let open = true;
  const sub = watchSession(conn, () => (open ? { refresh: async () => void (refreshes += 1) } : undefined), { warn: () => undefined });
  fire(); // same state (e.g. a rename to the same name, a token-list event)
  assert.equal(refreshes, 0);
  conn.current = { state: 'needsSignIn', url: 'http://127.0.0.1:8888' };
  fire();
  assert.equal(refreshes, 1, 'sign-out');
  conn.current = { state: 'ready', url: 'http://127.0.0.1:8888', user: { id: 'u-admin', username: 'admin', role: 'owner' } };
  fire();
  assert.equal(refreshes, 2, 'sign-in as another user');
  open = false;
  conn.current = { state: 'needsSignIn', url: 'http://127.0.0.1:8888' };
  fire();
  assert.equal(refreshes, 2, 'no form open: nothing to refresh');
  sub.dispose();
  assert.equal(listeners.length, 0, 'disposing unsubscribes');
});

test('after a change of user, init names the new user and role', async () => {
  let user: User | undefined = { id: 'u-bob', username: 'bob', role: 'manager' };
  const sent: ExtensionToWebview[] = [];
  const c = new CreateTokenController(
    {
      session: async () => (user ? { user, connectionLabel: '127.0.0.1:8888' } : undefined),
      createToken: async () => {
        throw new Error('not used');
      },
      existingDescriptions: async () => [],
      copyValue: async () => undefined,
      insertIntoConfig: async () => undefined,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    },
    { post: (m) => sent.push(m), close: () => undefined, visible: () => true },
  );
  await c.handle({ type: 'ready', requestId: 'r1' });
  user = undefined;
  await c.refresh();
  user = { id: 'u-admin', username: 'admin', role: 'owner' };
  await c.refresh();
  const inits = sent.filter((m): m is Extract<ExtensionToWebview, { type: 'init' }> => m.type === 'init');
  assert.deepEqual(
    inits.map((m) => m.session && `${m.session.username}/${m.session.role}/${m.session.connectionLabel}`),
    ['bob/manager/127.0.0.1:8888', null, 'admin/owner/127.0.0.1:8888'],
  );
});

test('init: carries the strings bundle of the display language, and none in English', async () => {
  const bundle = { 'Create Token': '[Ćŕéåţé Ţöķéñ]' };
  const withBundle = setup({ bundle });
  await withBundle.c.handle({ type: 'ready', requestId: 'w-1' });
  const init = withBundle.sent.find((m) => m.type === 'init');
  assert.ok(init?.type === 'init');
  assert.deepEqual(init.l10n, bundle);
  const english = setup({ bundle: {} });
  await english.c.handle({ type: 'ready', requestId: 'w-1' });
  const init2 = english.sent.find((m) => m.type === 'init');
  assert.ok(init2?.type === 'init' && init2.l10n === undefined);
});

test('copy: the result is a code the form words, not an English sentence', async () => {
  const { c, sent } = setup();
  await c.handle({ type: 'create', requestId: 'w-1', request: request() });
  await c.handle({ type: 'copyValue', requestId: 'w-2', tokenId: 'tok-1' });
  await c.handle({ type: 'copyValue', requestId: 'w-3', tokenId: 'tok-other' });
  const results = sent.filter((m) => m.type === 'actionResult');
  assert.deepEqual(
    results.map((r) => r.type === 'actionResult' && [r.ok, r.code, r.message]),
    [
      [true, 'copied', undefined],
      [false, 'not-this-token', undefined],
    ],
  );
});

test('create: an error worded after a follow-up check (wrapping its cause) keeps its sentence', async () => {
  const cause = new ControllerError({ kind: 'timeout', userMessage: 'The controller did not answer in time.' });
  const settled = new ControllerError({
    kind: 'timeout',
    userMessage: 'No token "x" exists on the controller: nothing was created. You can create it again.',
    cause,
  });
  const { c, sent } = setup({ createError: settled });
  await c.handle({ type: 'create', requestId: 'w-1', request: request() });
  const f = sent[0];
  assert.ok(f?.type === 'createFailed');
  assert.equal(f.error.kind, 'timeout');
  assert.equal(f.error.message, 'No token "x" exists on the controller: nothing was created. You can create it again.');
});
