/**
 * Security of message paths and local state, inside a real VS Code:
 * - a token description carrying a command link reaches the notifications
 *   with the link neutralised (src/infra/ui.ts);
 * - single revoke and single delete show progress, as bulk actions do.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { activateExtension, emulator, waitUntil } from '../harness';
import { ensureSignedIn, scriptUi } from './helpers/ui';

/** VS Code's notification link syntax (`[label](command:…)`): `]` directly followed by `(`. */
const LINK = /\[[^\]]+\]\((?:https?:\/\/|command:|file:)[^)\s]+\)/i;

/** Records every `vscode.window.withProgress` title while `run` runs (the real progress is shown too). */
async function recordProgress(run: () => Thenable<unknown>): Promise<string[]> {
  const w = vscode.window as any;
  const real = w.withProgress;
  const titles: string[] = [];
  w.withProgress = (options: vscode.ProgressOptions, task: any) => {
    titles.push(options.title ?? '');
    return real.call(vscode.window, options, task);
  };
  try {
    await run();
  } finally {
    w.withProgress = real;
  }
  return titles;
}

describe('Security: message paths and local state', function () {
  this.timeout(60_000);
  let api: TestApi;

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await ensureSignedIn(api, emulator());
    await waitUntil(() => api.connection.current.state === 'ready', { what: 'signed in' });
  });

  it('a command link in a description is shown as text in the confirmation and the notification', async () => {
    const created = await api.createToken({ description: 'linky [x](command:workbench.action.terminal.new)', expiresAt: null, permissions: { configs: ['read'] } });
    const ui = scriptUi({ message: [{ match: 'Revoke the token', answer: 'Revoke' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.revokeToken', created.token.id);
      await waitUntil(() => ui.record.messages.some((m) => m.text.startsWith('Revoked')), { what: 'the Revoked notification' });
    } finally {
      ui.restore();
    }
    const shown = ui.record.messages.filter((m) => m.text.includes('linky'));
    assert.ok(shown.length >= 2, `confirmation and notification: ${JSON.stringify(ui.record.messages)}`);
    for (const m of shown) {
      assert.doesNotMatch(m.text, LINK, m.text);
      assert.doesNotMatch(m.detail ?? '', LINK);
      assert.ok(m.text.includes('command:workbench.action.terminal.new'), 'the text is kept');
    }
  });

  it('single revoke and single delete show progress while the request runs', async () => {
    const created = await api.createToken({ description: 'progress target', expiresAt: null, permissions: { configs: ['read'] } });
    const revoke = scriptUi({ message: [{ match: 'Revoke the token "progress target"', answer: 'Revoke' }] });
    let titles: string[];
    try {
      titles = await recordProgress(() => vscode.commands.executeCommand('telegrafController.revokeToken', created.token.id));
    } finally {
      revoke.restore();
    }
    assert.ok(titles.some((t) => t.includes('Revoking') && t.includes('progress target')), `progress titles: ${titles.join(' | ')}`);
    assert.equal((await api.connection.api().getToken(created.token.id)).status, 'revoked');

    const del = scriptUi({ message: [{ match: 'Delete the token "progress target"', answer: 'Delete' }] });
    try {
      titles = await recordProgress(() => vscode.commands.executeCommand('telegrafController.deleteToken', created.token.id));
    } finally {
      del.restore();
    }
    assert.ok(titles.some((t) => t.includes('Deleting') && t.includes('progress target')), `progress titles: ${titles.join(' | ')}`);
    await assert.rejects(api.connection.api().getToken(created.token.id), 'the token is gone');
  });
});
