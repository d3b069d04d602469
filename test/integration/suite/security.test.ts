/**
 * Security of message paths and local state, inside a real VS Code:
 * - a token description carrying a command link reaches the notifications
 *   with the link neutralised (src/infra/ui.ts);
 * - single revoke and single delete show progress, as bulk actions do;
 * - files we write that hold a value get mode 0600; an existing file keeps a
 *   looser mode only when the user declines, after being told.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { activateExtension, emulator, waitUntil, workspaceFolder } from '../harness';
import { byLabel, ensureSignedIn, scriptUi } from './helpers/ui';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

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

  describe('files that hold a value', function () {
    if (process.platform === 'win32') return;
    let tokenId: string;
    let value: string;

    before(async () => {
      const created = await api.createToken({ description: 'mode target', expiresAt: null, permissions: { configs: ['read'], heartbeat: ['write'] } });
      tokenId = created.token.id;
      value = created.value;
    });

    /** Inserts an env reference into telegraf.conf and writes the value into `envFile` ("Add to Env File…"); answers `answers`; undoes the config edit. */
    async function addToEnvFile(envFile: string, answers: Array<{ match: string | RegExp; answer: string | undefined }>, until?: { what: string; done: (messages: string[]) => boolean }) {
      const doc = await vscode.workspace.openTextDocument(path.join(workspaceFolder(), 'telegraf.conf'));
      const editor = await vscode.window.showTextDocument(doc);
      const line = doc.getText().split('\n').findIndex((l) => l.includes('instance_id'));
      editor.selection = new vscode.Selection(line, 0, line, 0);
      const w = vscode.window as any;
      const realSave = w.showSaveDialog;
      w.showSaveDialog = async () => vscode.Uri.file(envFile);
      const ui = scriptUi({ quickPick: [byLabel('Environment variable reference')], message: [{ match: 'now reads the token from', answer: 'Add to Env File…' }, ...answers] });
      try {
        await vscode.commands.executeCommand('telegrafController.insertToken', tokenId);
        await waitUntil(() => fs.existsSync(envFile) && fs.readFileSync(envFile, 'utf8').includes(value), { what: 'the value in the env file' });
        if (until) await waitUntil(() => until.done(ui.record.messages.map((m) => m.text)), { what: until.what });
      } finally {
        ui.restore();
        w.showSaveDialog = realSave;
      }
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      return ui.record;
    }

    it('a new env file is created with mode 0600', async () => {
      const envFile = path.join(workspaceFolder(), 'new-agent.env');
      fs.rmSync(envFile, { force: true });
      const record = await addToEnvFile(envFile, []);
      assert.equal(modeOf(envFile).toString(8), '600');
      assert.ok(!record.messages.some((m) => m.text.includes('other users')), 'nothing to tell');
    });

    it('an existing env file readable by others: the user is told, and it becomes 0600 with consent', async () => {
      const envFile = path.join(workspaceFolder(), 'loose-agent.env');
      fs.writeFileSync(envFile, 'HOSTNAME=web-07\n', { mode: 0o644 });
      fs.chmodSync(envFile, 0o644);
      const record = await addToEnvFile(envFile, [{ match: 'other users on this computer can read', answer: 'Restrict to Me (0600)' }], {
        what: 'the warning',
        done: (texts) => texts.some((t) => t.includes('other users')),
      });
      await waitUntil(() => modeOf(envFile) === 0o600, { what: 'mode 0600 after consent' });
      assert.ok(record.messages.some((m) => m.level === 'warning' && m.text.includes('loose-agent.env (0644)')), JSON.stringify(record.messages));
    });

    it('declined: the mode stays, and the user was told', async () => {
      const envFile = path.join(workspaceFolder(), 'declined-agent.env');
      fs.writeFileSync(envFile, 'HOSTNAME=web-07\n');
      fs.chmodSync(envFile, 0o640);
      const record = await addToEnvFile(envFile, [], { what: 'the warning', done: (texts) => texts.some((t) => t.includes('other users')) });
      assert.ok(record.messages.some((m) => m.level === 'warning' && m.text.includes('declined-agent.env (0640)')), JSON.stringify(record.messages));
      assert.equal(modeOf(envFile), 0o640);
    });

    it('an existing env file already 0600 keeps its mode without a word', async () => {
      const envFile = path.join(workspaceFolder(), 'strict-agent.env');
      fs.writeFileSync(envFile, 'HOSTNAME=web-07\n');
      fs.chmodSync(envFile, 0o600);
      const record = await addToEnvFile(envFile, []);
      assert.equal(modeOf(envFile), 0o600);
      assert.ok(!record.messages.some((m) => m.text.includes('other users')));
    });
  });
});
