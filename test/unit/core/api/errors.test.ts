/**
 * Unit tests of the error mapping (`errorFromResponse`, `mapTransportError`),
 * `isAuthFailure`, `parseRetryAfter`, `heartbeatUrlFor` and the client's
 * input checks. No network.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ControllerClient,
  errorFromResponse,
  heartbeatUrlFor,
  mapTransportError,
  parseRetryAfter,
  redactSecrets,
  type Credential,
} from '../../../../src/core/api/client';
import { AUTH_MESSAGES } from '../../../../src/core/api/contract';
import { ControllerError, isAuthFailure, isTransient } from '../../../../src/core/api/errors';

const token: Credential = { kind: 'token', token: 'tc-apiv1_x' };
const session: Credential = { kind: 'session', cookie: 'tc_session=x' };
const none: Credential = { kind: 'none' };
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  text: JSON.stringify(body),
});

void describe('errorFromResponse', () => {
  void test('the four documented 401 messages map to distinct kinds', () => {
    const kinds = [AUTH_MESSAGES.missingAuth, AUTH_MESSAGES.invalidTokenFormat, AUTH_MESSAGES.invalidToken, AUTH_MESSAGES.tokenExpired].map(
      (message) => errorFromResponse(json(401, { error: 'unauthorized', message }), 'GET /api/tokens', none).kind,
    );
    assert.deepEqual(kinds, ['missing-auth', 'invalid-token-format', 'invalid-token', 'token-expired']);
    for (const k of kinds) assert.ok(isAuthFailure(new ControllerError({ kind: k, userMessage: 'x' })));
  });
  void test('a 401 with a session credential is session-expired; missing header with a token is invalid-token', () => {
    assert.equal(errorFromResponse(json(401, { message: AUTH_MESSAGES.missingAuth }), 'r', session).kind, 'session-expired');
    assert.equal(errorFromResponse(json(401, { message: AUTH_MESSAGES.missingAuth }), 'r', token).kind, 'invalid-token');
    assert.equal(errorFromResponse(json(401, { message: 'Token expired' }), 'r', token).kind, 'token-expired');
  });
  void test('login 401 says the user name or password is wrong', () => {
    const e = errorFromResponse(json(401, { message: 'Invalid username or password' }), 'POST /api/auth/login/local', none, 'loginLocal');
    assert.match(e.userMessage, /user name or password/);
  });
  void test('statuses', () => {
    const cases: Array<[number, string]> = [
      [400, 'validation'],
      [403, 'forbidden'],
      [404, 'not-found'],
      [409, 'conflict'],
      [423, 'locked'],
      [429, 'rate-limited'],
      [500, 'server'],
      [503, 'server'],
      [418, 'server'],
      [405, 'protocol'],
      [407, 'proxy'],
      [301, 'protocol'],
    ];
    for (const [status, kind] of cases) assert.equal(errorFromResponse(json(status, { error: 'e', message: 'm' }), 'r', token).kind, kind, String(status));
  });
  void test('400 fieldErrors in the emulator style and zod-flatten style', () => {
    assert.deepEqual(
      errorFromResponse(json(400, { error: 'v', message: 'm', details: { fieldErrors: { description: 'Required' } } }), 'r', token).fieldErrors,
      { description: 'Required' },
    );
    assert.deepEqual(
      errorFromResponse(json(400, { error: 'v', message: 'm', details: { fieldErrors: { description: ['Too long', 'x'] } } }), 'r', token).fieldErrors,
      { description: 'Too long' },
    );
    assert.equal(errorFromResponse(json(400, { error: 'v', message: 'm', details: 'free text' }), 'r', token).fieldErrors, undefined);
  });
  void test('Retry-After on 429 and 503', () => {
    assert.equal(errorFromResponse(json(429, {}, { 'retry-after': '3' }), 'r', token).retryAfterMs, 3000);
    assert.equal(errorFromResponse(json(503, {}, { 'retry-after': '1.5' }), 'r', token).retryAfterMs, 1500);
  });
  void test('server messages are redacted', () => {
    const e = errorFromResponse(json(403, { message: 'token tc-apiv1_abcdef is not allowed' }), 'r', token);
    assert.equal(e.serverMessage, 'token tc-apiv1_… is not allowed');
  });
});

void describe('mapTransportError', () => {
  const ctx = { route: 'GET /api/tokens', url: 'https://ctl.example:8888/api/tokens' };
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });
  void test('codes to kinds', () => {
    const cases: Array<[unknown, string]> = [
      [err('ECONNREFUSED'), 'connection-refused'],
      [new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')], 'x'), 'connection-refused'],
      [err('ENOTFOUND'), 'dns'],
      [err('EAI_AGAIN'), 'dns'],
      [err('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
      [err('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
      [err('UND_ERR_BODY_TIMEOUT'), 'timeout'],
      [err('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
      [err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
      [err('CERT_HAS_EXPIRED'), 'tls'],
      [err('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
      [err('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
      [err('ECONNRESET'), 'network'],
      [err('UND_ERR_SOCKET'), 'network'],
      [new TypeError('fetch failed', { cause: err('ECONNREFUSED') }), 'connection-refused'],
      [err('UND_ERR_ABORTED', 'Proxy response (403) !== 200 when HTTP Tunneling'), 'proxy'],
      ['a string', 'network'],
      [undefined, 'network'],
    ];
    for (const [e, kind] of cases) assert.equal(mapTransportError(e, ctx).kind, kind, String((e as Error)?.message ?? e));
  });
  void test('TLS messages are sentences, not OpenSSL codes', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      const e = mapTransportError(err(code), ctx);
      assert.ok(!e.userMessage.includes(code) && !/UNABLE_TO|SELF_SIGNED|DEPTH_ZERO|ERR_TLS/.test(e.userMessage));
      assert.match(e.userMessage, /certificate/);
    }
  });
  void test('body-phase socket errors are "cut off" protocol errors', () => {
    assert.equal(mapTransportError(err('UND_ERR_SOCKET'), { ...ctx, phase: 'body' }).kind, 'protocol');
  });
  void test('transient kinds', () => {
    assert.ok(isTransient(mapTransportError(err('ECONNRESET'), ctx)));
    assert.ok(!isTransient(mapTransportError(err('DEPTH_ZERO_SELF_SIGNED_CERT'), ctx)));
  });
});

void describe('helpers', () => {
  void test('parseRetryAfter', () => {
    assert.equal(parseRetryAfter('120'), 120_000);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 5_000), 5_000);
    assert.equal(parseRetryAfter(new Date(0).toUTCString(), 5_000), 0);
  });
  void test('heartbeatUrlFor: same host, port 8000, /agents/heartbeat', () => {
    assert.equal(heartbeatUrlFor('http://ctl.example:8888'), 'http://ctl.example:8000/agents/heartbeat');
    assert.equal(heartbeatUrlFor('https://u:p@ctl.example/prefix/?x=1'), 'https://ctl.example:8000/agents/heartbeat');
    assert.equal(heartbeatUrlFor('http://[::1]:8888'), 'http://[::1]:8000/agents/heartbeat');
  });
  void test('redactSecrets', () => {
    assert.equal(redactSecrets('a tc-apiv1_AbC-12_x.y b'), 'a tc-apiv1_… b');
    assert.equal(redactSecrets('Revoke "x" (tc-apiv1_dem…)?'), 'Revoke "x" (tc-apiv1_dem…)?', 'a 12-character prefix stays readable');
  });
  void test('the client rejects bad base URLs with a typed error', () => {
    assert.throws(
      () => new ControllerClient({ baseUrl: 'not a url' }),
      (e: unknown) => e instanceof ControllerError && e.kind === 'validation',
    );
    assert.throws(
      () => new ControllerClient({ baseUrl: 'ftp://x' }),
      (e: unknown) => e instanceof ControllerError && /http:\/\//.test(e.userMessage),
    );
    const c = new ControllerClient({ baseUrl: 'http://user:pw@ctl.example:8888/base/?q=1#h' });
    assert.equal(c.baseUrl, 'http://ctl.example:8888/base');
    void c.close();
  });
  void test('a token with a newline is refused before sending', async () => {
    const c = new ControllerClient({ baseUrl: 'http://127.0.0.1:9', credential: { kind: 'token', token: 'tc-apiv1_a\nb' } });
    await assert.rejects(c.me(), (e: unknown) => e instanceof ControllerError && e.kind === 'invalid-token-format' && !e.message.includes('tc-apiv1_a'));
    await c.close();
  });
});
