/**
 * A create whose outcome is unknown (the controller created the token but
 * its 201 answer was cut off): the create flow looks for the token on the
 * controller, says it exists, and offers to revoke the orphan whose value
 * never arrived, instead of inviting a second create.
 */
import * as assert from 'node:assert/strict';
import type { TestApi } from '../../../src/extension';
import { activateExtension, emulator, waitUntil } from '../harness';
import { addFault } from './helpers/faults';
import { ensureSignedIn, scriptUi } from './helpers/ui';

describe('Create with an unknown outcome', function () {
  this.timeout(60_000);
  let api: TestApi;

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await ensureSignedIn(api, emulator());
    await waitUntil(() => api.connection.current.state === 'ready', { what: 'signed in' });
  });

  it('a 201 cut off after the create: the orphan is found and, on request, revoked', async () => {
    const description = `unknown outcome ${Date.now()}`;
    await addFault({ route: 'createToken', afterApply: 'cut', times: 1 });
    const ui = scriptUi({ message: [{ match: /was created, but its value never arrived/, answer: 'Revoke' }] });
    let error: unknown;
    try {
      await api.createToken({ description, expiresAt: null, permissions: { configs: ['read'] } });
    } catch (e) {
      error = e;
    } finally {
      ui.restore();
    }
    assert.ok(error instanceof Error, 'the create is not reported as a success');
    assert.match((error as { userMessage?: string }).userMessage ?? '', /is revoked now/);
    assert.doesNotMatch((error as { userMessage?: string }).userMessage ?? '', /try again/i);
    assert.ok(
      ui.record.messages.some((m) => m.level === 'warning' && m.text.includes(description)),
      'the user was asked',
    );
    const onServer = (await api.connection.api().listAllTokens({ q: description })).filter((t) => t.description === description);
    assert.equal(onServer.length, 1, 'exactly one token was created');
    assert.equal(onServer[0]!.status, 'revoked');
  });

  it('nothing was created: says so, and that creating again is safe', async () => {
    const description = `never created ${Date.now()}`;
    await addFault({ route: 'createToken', drop: true, times: 1 });
    const ui = scriptUi({});
    let error: unknown;
    try {
      await api.createToken({ description, expiresAt: null, permissions: { configs: ['read'] } });
    } catch (e) {
      error = e;
    } finally {
      ui.restore();
    }
    assert.match((error as { userMessage?: string }).userMessage ?? '', /nothing was created/);
    assert.equal(ui.record.messages.length, 0, 'no prompt when nothing exists');
  });
});
