/**
 * A revoke whose answer never arrived (cut off after the controller applied
 * it, or dropped before): "Revoke" asks the controller what happened and
 * reports that, instead of a failure that the server contradicts. And a
 * rotation whose replacement was created but whose answer was cut off: the
 * replacement (its value lost) is found and revoked, the old token stays.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { activateExtension, emulator, waitUntil } from '../harness';
import { addFault } from './helpers/faults';
import { ensureSignedIn, scriptUi } from './helpers/ui';

describe('Revoke with an unknown outcome', function () {
  this.timeout(60_000);
  let api: TestApi;

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await ensureSignedIn(api, emulator());
    await waitUntil(() => api.connection.current.state === 'ready', { what: 'signed in' });
  });

  const revoke = async (id: string) => {
    const ui = scriptUi({ message: [{ match: /^Revoke the token/, answer: 'Revoke' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.revokeToken', id);
    } finally {
      ui.restore();
    }
    return ui.record.messages;
  };

  it('the answer is cut off after the revoke: reported as revoked (checked), and the list shows it', async () => {
    const t = await api.createToken({ description: `revoke cut ${Date.now()}`, expiresAt: null, permissions: { configs: ['read'] } });
    await addFault({ route: 'revokeToken', afterApply: 'cut', times: 1 });
    const messages = await revoke(t.token.id);
    assert.ok(!messages.some((m) => m.level === 'error'), JSON.stringify(messages));
    assert.equal((await api.connection.api().getToken(t.token.id)).status, 'revoked');
    await waitUntil(() => api.store.find(t.token.id)?.status === 'revoked', { what: 'the list shows it revoked' });
  });

  it('the request is dropped before the controller applied it: says the token is still active (checked)', async () => {
    const t = await api.createToken({ description: `revoke dropped ${Date.now()}`, expiresAt: null, permissions: { configs: ['read'] } });
    await addFault({ route: 'revokeToken', drop: true, times: 1 });
    const messages = await revoke(t.token.id);
    const error = messages.find((m) => m.level === 'error');
    assert.match(error?.text ?? '', /did not confirm the revoke .* still active \(checked just now\)/, JSON.stringify(messages));
    assert.equal((await api.connection.api().getToken(t.token.id)).status, 'active');
  });

  it('Rotate: the answer to creating the replacement is cut off; the replacement is found and revoked, the old token stays', async () => {
    const old = await api.createToken({ description: `rotate cut ${Date.now()}`, expiresAt: null, permissions: { configs: ['read'] } });
    await addFault({ route: 'createToken', afterApply: 'cut', times: 1 });
    const ui = scriptUi({ message: [{ match: /^Rotate the token/, answer: 'Rotate' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
    }
    const error = ui.record.messages.find((m) => m.level === 'error');
    assert.match(
      error?.text ?? '',
      /revoked the replacement .*created without its value reaching VS Code.*The old token was NOT revoked/,
      JSON.stringify(ui.record.messages),
    );
    assert.doesNotMatch(error?.text ?? '', /Nothing was changed/);
    const all = await api.connection.api().listAllTokens({ q: old.token.description });
    const replacements = all.filter((t) => t.id !== old.token.id && t.description.startsWith(old.token.description));
    assert.equal(replacements.length, 1, JSON.stringify(all.map((t) => [t.description, t.status])));
    assert.equal(replacements[0]!.status, 'revoked', 'no active token is left behind');
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'active');
  });
});
