/**
 * A revoke whose answer never arrived (cut off after the controller applied
 * it, or dropped before): "Revoke" asks the controller what happened and
 * reports that, instead of a failure that the server contradicts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { activateExtension, emulator, waitUntil } from '../harness';
import { ensureSignedIn, scriptUi } from './helpers/ui';

async function addFault(spec: unknown): Promise<void> {
  const res = await fetch(`${emulator().url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  assert.equal(res.status, 201);
}

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
});
