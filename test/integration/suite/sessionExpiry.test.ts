/**
 * Session expiry: when the controller rejects the credential in the
 * middle of a command, the connection goes to "signed out" (welcome view with
 * Sign In), the rest of the state is kept, and the user can sign in and have
 * the same command run again.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { activateExtension, emulator, waitUntil } from '../harness';
import { byLabel, ensureSignedIn, scriptUi } from './helpers/ui';

describe('Session expiry and retry after sign-in', function () {
  this.timeout(60_000);
  let api: TestApi;

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await ensureSignedIn(api, emulator());
    await waitUntil(() => api.connection.current.state === 'ready', { what: 'signed in' });
  });

  it('a revoked credential signs the connection out, and "Sign In and Retry" runs the command again', async () => {
    const emu = emulator();
    const target = await api.createToken({ description: 'session expiry target', expiresAt: null, permissions: { configs: ['read'] } });
    const credential = await api.createToken({
      description: 'session expiry credential',
      expiresAt: null,
      permissions: { tokens: ['read', 'write', 'delete'] },
    });
    const withToken = scriptUi({ quickPick: [byLabel('API Token')], inputBox: [credential.value] });
    try {
      await vscode.commands.executeCommand('telegrafController.signIn');
    } finally {
      withToken.restore();
    }
    await waitUntil(() => api.connection.current.state === 'ready', { what: 'signed in with the API token' });
    // The credential is revoked on the server (e.g. by an administrator in the web UI).
    await api.connection.api().revokeToken(credential.token.id);
    const storedBefore = await api.vault.getTokenValue(api.connection.origin!, target.token.id);

    const ui = scriptUi({
      message: [
        { match: 'Revoke the token "session expiry target"', answer: 'Revoke' },
        { match: 'Revoke the token "session expiry target"', answer: 'Revoke' },
        { match: 'The controller rejected the API token', answer: 'Sign In and Retry' },
      ],
      quickPick: [byLabel('Username and Password')],
      inputBox: [emu.username, emu.password],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.revokeToken', target.token.id);
      await waitUntil(() => ui.record.messages.some((m) => m.level === 'error'), { what: 'the error message' });
      const shown = ui.record.messages.find((m) => m.level === 'error')!;
      assert.match(shown.text, /rejected the API token/);
      await waitUntil(
        async () =>
          (
            await api.connection
              .api()
              .getToken(target.token.id)
              .catch(() => undefined)
          )?.status === 'revoked',
        {
          what: 'the retried revoke after signing in again',
          timeoutMs: 20_000,
        },
      );
    } finally {
      ui.restore();
    }
    assert.equal(api.connection.current.state, 'ready');
    assert.equal(api.connection.user?.username, emu.username, 'signed in again with the password');
    assert.equal(ui.record.messages.filter((m) => m.text.startsWith('Revoke the token')).length, 2, 'the retried revoke asked again');
    assert.equal(await api.vault.getTokenValue(api.connection.origin!, target.token.id), storedBefore, 'stored values are kept across the sign-out');
  });
});
