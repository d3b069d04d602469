/**
 * The client's log output (every level) and its error messages never contain
 * a token value, a session cookie or a password — through sign-in, token
 * creation, use, heartbeats, failures and retries. Log lines carry method,
 * route, status and duration.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerClient, type LogLevel } from '../../../../src/core/api/client';
import { ControllerError } from '../../../../src/core/api/errors';
import { startEmulator, type Emulator } from '../../../emulator/server';
import { DEMO_TOKEN_VALUES } from '../../../emulator/seed';

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
});

void test('log lines and errors never carry a token value, cookie or password', async () => {
  const lines: string[] = [];
  const log = (level: LogLevel, message: string): void => void lines.push(`${level} ${message}`);
  const errors: string[] = [];
  const capture = async (p: Promise<unknown>): Promise<void> => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof ControllerError);
      errors.push(e.message, e.userMessage, e.serverMessage ?? '', JSON.stringify(e.fieldErrors ?? {}));
    }
  };
  const secrets: string[] = [];
  const password = 'admin-password';
  secrets.push(password);
  const base = new ControllerClient({ baseUrl: emu.url, log, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2000 });
  try {
    await capture(base.loginLocal('admin', 'wrong-password-secret'));
    secrets.push('wrong-password-secret');
    const { cookie } = await base.loginLocal('admin', password);
    secrets.push(cookie, cookie.split('=')[1]!);
    const session = base.withCredential({ kind: 'session', cookie });
    const { value } = await session.createToken({ description: 'secret test', expiresAt: null, preset: 'telegraf-agent' });
    secrets.push(value, value.slice(9));
    const tok = session.withCredential({ kind: 'token', token: value });
    await tok.listConfigs();
    await tok.getConfigToml('cfg-linux-hosts');
    await tok.sendHeartbeat(emu.heartbeatUrl, value);
    await capture(tok.listTokens());
    const owner = DEMO_TOKEN_VALUES['tok-owner-full']!;
    secrets.push(owner);
    const ownerClient = base.withCredential({ kind: 'token', token: owner });
    await ownerClient.listTokens({ q: value });
    emu.faults.add({ route: 'listTokens', status: 503, times: 2 });
    await ownerClient.listTokens({ q: owner });
    emu.faults.add({ route: 'me', malformed: 'wrong-shape', times: 1 });
    await capture(ownerClient.me());
    emu.faults.add({
      route: 'me',
      status: 400,
      body: { error: 'validation_error', message: `bad token ${owner}`, details: { fieldErrors: { token: `value ${owner}` } } },
      times: 1,
    });
    await capture(ownerClient.me());
    emu.faults.add({ route: 'me', drop: true });
    await capture(ownerClient.me());
    emu.faults.clear();
    await capture(base.withCredential({ kind: 'token', token: 'tc-apiv1_unknown-secret-value' }).me());
    secrets.push('tc-apiv1_unknown-secret-value');
    await capture(base.withCredential({ kind: 'token', token: 'tc-apiv1_with\nnewline' }).me());
    await capture(base.withCredential({ kind: 'session', cookie: 'tc_session=forged-session-secret' }).me());
    secrets.push('forged-session-secret');
    await session.logout();
  } finally {
    await base.close();
  }
  assert.ok(lines.length >= 15, `lines were logged (${lines.length})`);
  assert.ok(lines.some((l) => /^debug POST \/api\/tokens 201 \d+ms$/.test(l)));
  assert.ok(lines.some((l) => /^warn GET \/api\/auth\/me failed: network after \d+ms$/.test(l)));
  const all = [...lines, ...errors].join('\n');
  if (process.env.DEBUG_LOG_TEST) console.error(all);
  for (const s of secrets) assert.ok(!all.includes(s), `a secret leaked into the log or an error: ${s.slice(0, 4)}…`);
  assert.ok(!/tc-apiv1_[A-Za-z0-9]/.test(all), 'no token-looking string at all');
  assert.ok(!/tc_session=/.test(all));
});
