/**
 * Secrets echoed back are redacted (src/core/redact.ts): a controller message
 * that repeats the password just typed, or the session id, reaches the
 * `ControllerError` (what is shown and logged) with them replaced.
 * Against the controller emulator with an error body that echoes them.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerClient } from '../../../src/core/api/client';
import { ControllerError } from '../../../src/core/api/errors';
import { forgetSecret, redactSecrets, rememberCookieValues, rememberSecret } from '../../../src/core/redact';
import { startEmulator, type Emulator } from '../../emulator/server';
import { ROLE_USERS, testClientOptions } from '../core/api/helpers';

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.state.reset();
  emu.faults.clear();
});

async function failure(p: Promise<unknown>): Promise<ControllerError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ControllerError, String(e));
    return e;
  }
  assert.fail('expected a ControllerError');
}

describe('rememberSecret / redactSecrets', () => {
  test('a remembered value is replaced everywhere, a forgotten or expired one is not', () => {
    rememberSecret('hunter2-pass');
    assert.equal(redactSecrets('bad password hunter2-pass (hunter2-pass)'), 'bad password [redacted] ([redacted])');
    forgetSecret('hunter2-pass');
    assert.equal(redactSecrets('hunter2-pass'), 'hunter2-pass');
    rememberSecret('expired-secret', 1000, Date.now() - 5000);
    assert.equal(redactSecrets('expired-secret'), 'expired-secret');
  });
  test('very short values are not remembered (they would blank ordinary words)', () => {
    rememberSecret('abc');
    assert.equal(redactSecrets('abc'), 'abc');
  });
  test('cookie values of a Cookie header are remembered', () => {
    rememberCookieValues('tc_session=s3ss10n-1d-value; other=zzzz-yyyy');
    assert.equal(redactSecrets('session s3ss10n-1d-value and zzzz-yyyy'), 'session [redacted] and [redacted]');
    forgetSecret('s3ss10n-1d-value');
    forgetSecret('zzzz-yyyy');
  });
});

describe('the API client', () => {
  test('a login error that echoes the password just typed does not show or log it', async () => {
    const password = 'Corr3ct-Horse-Battery';
    emu.faults.add({ route: 'loginLocal', status: 401, body: { error: 'unauthorized', message: `Invalid password "${password}" for admin` }, times: 1 });
    const logged: string[] = [];
    const client = new ControllerClient({ ...testClientOptions(emu), log: (_l, m) => logged.push(m) });
    const e = await failure(client.loginLocal('admin', password));
    for (const text of [e.message, e.userMessage, e.serverMessage ?? '', ...logged]) assert.ok(!text.includes(password), `shows the password: ${text}`);
    assert.ok(`${e.userMessage} ${e.serverMessage}`.includes('[redacted]'), e.userMessage);
  });

  test('an error that echoes the session id does not show or log it', async () => {
    const anon = new ControllerClient(testClientOptions(emu));
    const { cookie } = await anon.loginLocal(ROLE_USERS.owner.username, ROLE_USERS.owner.password);
    const sessionId = cookie.split(';')[0]!.split('=')[1]!;
    assert.ok(sessionId.length >= 8);
    emu.faults.add({ route: 'listTokens', status: 400, body: { error: 'validation', message: `bad query for session ${sessionId}` }, times: 1 });
    const e = await failure(anon.withCredential({ kind: 'session', cookie }).listTokens());
    for (const text of [e.message, e.userMessage, e.serverMessage ?? '']) assert.ok(!text.includes(sessionId), `shows the session id: ${text}`);
    assert.ok(e.userMessage.includes('[redacted]'), e.userMessage);
  });
});
