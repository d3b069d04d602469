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

  it('the controller stops answering (create and check): checked again in the background, the orphan offered for revoking', async () => {
    const description = `paused controller ${Date.now()}`;
    await addFault({ route: 'createToken', afterApply: 'cut', times: 1 });
    await addFault({ route: 'listTokens', drop: true, times: 1000 });
    const ui = scriptUi({ message: [{ match: /answers again: .* was created, but its value never arrived/, answer: 'Revoke' }] });
    try {
      let error: unknown;
      try {
        await api.createToken({ description, expiresAt: null, permissions: { configs: ['read'] } });
      } catch (e) {
        error = e;
      }
      assert.match((error as { userMessage?: string }).userMessage ?? '', /checks again in the background/);
      assert.doesNotMatch((error as { userMessage?: string }).userMessage ?? '', /You can create it again/);
      // The Tokens view tried meanwhile and could not load the list.
      await api.store.refresh();
      assert.ok(api.store.snapshot.error, 'the list failed while the controller did not answer');
      // The controller answers again.
      const res = await fetch(`${emulator().url}/__emulator/faults`, { method: 'DELETE' });
      assert.ok(res.ok, `faults cleared: ${res.status}`);
      await waitUntil(() => ui.record.messages.some((m) => /^Revoked ".*its value never arrived/.test(m.text)), {
        what: `the background check found the orphan and revoked it: ${JSON.stringify(ui.record.messages)}`,
        timeoutMs: 30_000,
      });
      await waitUntil(() => api.store.snapshot.error === undefined && !api.store.snapshot.loading, {
        what: `no stale "Could not load tokens" once the controller answers (${api.store.snapshot.error})`,
      });
    } finally {
      ui.restore();
    }
    const onServer = (await api.connection.api().listAllTokens({ q: description })).filter((t) => t.description === description);
    assert.equal(onServer.length, 1, 'exactly one token was created');
    assert.equal(onServer[0]!.status, 'revoked');
  });
});
