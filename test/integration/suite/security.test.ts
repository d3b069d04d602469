/**
 * Security of message paths and local state, inside a real VS Code:
 * - a token description carrying a command link reaches the notifications
 *   with the link neutralised (src/infra/ui.ts);
 * - single revoke and single delete show progress, as bulk actions do;
 * - files we write that hold a value get mode 0600; an existing file keeps a
 *   looser mode only when the user declines, after being told;
 * - values found in files: in Restricted Mode checked only on an explicit
 *   command; everywhere deduplicated and rate-limited (counted as requests
 *   to `GET /api/auth/me` on the emulator).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { TokenResolver } from '../../../src/features/configFiles/tokenResolver';
import type { Logger } from '../../../src/infra/logger';
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
    const created = await api.createToken({
      description: 'linky [x](command:workbench.action.terminal.new)',
      expiresAt: null,
      permissions: { configs: ['read'] },
    });
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
    assert.ok(
      titles.some((t) => t.includes('Revoking') && t.includes('progress target')),
      `progress titles: ${titles.join(' | ')}`,
    );
    assert.equal((await api.connection.api().getToken(created.token.id)).status, 'revoked');

    const del = scriptUi({ message: [{ match: 'Delete the token "progress target"', answer: 'Delete' }] });
    try {
      titles = await recordProgress(() => vscode.commands.executeCommand('telegrafController.deleteToken', created.token.id));
    } finally {
      del.restore();
    }
    assert.ok(
      titles.some((t) => t.includes('Deleting') && t.includes('progress target')),
      `progress titles: ${titles.join(' | ')}`,
    );
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

    /**
     * Inserts an env reference into telegraf.conf and writes the value into `envFile` ("Add to Env File…"); answers `answers`;
     * undoes the config edit. The save dialog answers the files of `offered` in turn, then `envFile`.
     */
    async function addToEnvFile(
      envFile: string,
      answers: Array<{ match: string | RegExp; answer: string | undefined }>,
      until?: { what: string; done: (messages: string[]) => boolean },
      offered: string[] = [],
    ) {
      const doc = await vscode.workspace.openTextDocument(path.join(workspaceFolder(), 'telegraf.conf'));
      const editor = await vscode.window.showTextDocument(doc);
      const line = doc
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('instance_id'));
      editor.selection = new vscode.Selection(line, 0, line, 0);
      const w = vscode.window as any;
      const realSave = w.showSaveDialog;
      w.showSaveDialog = async () => vscode.Uri.file(offered.shift() ?? envFile);
      const ui = scriptUi({
        quickPick: [byLabel('Environment variable reference')],
        message: [{ match: 'now reads the token from', answer: 'Add to Env File…' }, ...answers],
      });
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
      assert.ok(
        record.messages.some((m) => m.level === 'warning' && m.text.includes('loose-agent.env (0644)')),
        JSON.stringify(record.messages),
      );
    });

    it('declined: the mode stays, and the user was told', async () => {
      const envFile = path.join(workspaceFolder(), 'declined-agent.env');
      fs.writeFileSync(envFile, 'HOSTNAME=web-07\n');
      fs.chmodSync(envFile, 0o640);
      const record = await addToEnvFile(envFile, [], { what: 'the warning', done: (texts) => texts.some((t) => t.includes('other users')) });
      assert.ok(
        record.messages.some((m) => m.level === 'warning' && m.text.includes('declined-agent.env (0640)')),
        JSON.stringify(record.messages),
      );
      assert.equal(modeOf(envFile), 0o640);
    });

    it('an env file that already gives an agent another token in the variable: asked first, another file is the default, and it is kept', async () => {
      const held = path.join(workspaceFolder(), 'held-agent.env');
      const heldBefore = 'HOSTNAME=web-01\nTELEGRAF_CONTROLLER_TOKEN=tc-apiv1_OtherAgentHoldsThis0123456789\n';
      fs.writeFileSync(held, heldBefore, { mode: 0o600 });
      const own = path.join(workspaceFolder(), 'own-agent.env');
      fs.rmSync(own, { force: true });
      const record = await addToEnvFile(
        own,
        [{ match: /held-agent\.env already sets TELEGRAF_CONTROLLER_TOKEN to/, answer: 'Choose Another File…' }],
        undefined,
        [held],
      );
      const asked = record.messages.find((m) => /already sets TELEGRAF_CONTROLLER_TOKEN/.test(m.text));
      assert.ok(asked, JSON.stringify(record.messages));
      assert.match(asked.text, /^held-agent\.env already sets TELEGRAF_CONTROLLER_TOKEN to a token \(tc-apiv1_Oth…\)\.$/);
      assert.ok(!asked.text.includes('OtherAgentHoldsThis') && !(asked.detail ?? '').includes('OtherAgentHoldsThis'), 'never the value');
      assert.deepEqual(asked.buttons, ['Choose Another File…', 'Replace It'], 'the safe choice is the default button');
      assert.equal(fs.readFileSync(held, 'utf8'), heldBefore, "the other agent's token is kept");
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

  describe('values found in files', function () {
    const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, show() {} };
    // Every value this suite sends carries one marker, so the counts below see only its own requests
    // (the extension's own session and diagnostics also call /api/auth/me while a test runs).
    const marker = `it${Math.random().toString(36).slice(2, 10)}`;
    const randomValue = () =>
      `tc-apiv1_${marker}${Array.from({ length: 40 }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(Math.random() * 62)]).join('')}`;

    /** Counts `GET /api/auth/me` requests while `run` runs (a pass-through fault on the emulator). */
    async function countMe(run: () => Promise<unknown>): Promise<number> {
      const base = emulator().url;
      const added = (await (
        await fetch(`${base}/__emulator/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ route: 'me', latencyMs: 1, authorizationIncludes: marker }),
        })
      ).json()) as { id: string };
      try {
        await run();
        const list = (await (await fetch(`${base}/__emulator/faults`)).json()) as { faults: Array<{ id: string; hits: number }> };
        return list.faults.find((f) => f.id === added.id)!.hits;
      } finally {
        await fetch(`${base}/__emulator/faults/${added.id}`, { method: 'DELETE' });
      }
    }

    it('in Restricted Mode, nothing is sent automatically; an explicit command checks', async () => {
      const resolver = new TokenResolver(api.connection, api.store, api.vault, quiet, { workspaceTrusted: () => false });
      try {
        const value = randomValue();
        const automatic = await countMe(() => resolver.facts(value, [], { network: true }));
        assert.equal(automatic, 0, 'diagnostics/hover/code actions send nothing in an untrusted workspace');
        const explicit = await countMe(() => resolver.facts(value, [], { network: true, explicit: true }));
        assert.equal(explicit, 1, 'an explicit command checks the value');
        const inCommand = await countMe(() => resolver.explicitly(() => resolver.facts(randomValue(), [], { network: true })));
        assert.equal(inCommand, 1, 'so does anything inside an explicit command');
      } finally {
        resolver.dispose();
      }
    });

    it('300 distinct values cause at most the budget of attempts; one value asked 50 times, one attempt', async () => {
      const resolver = new TokenResolver(api.connection, api.store, api.vault, quiet, { workspaceTrusted: () => true });
      try {
        const values = Array.from({ length: 300 }, randomValue);
        const attempts = await countMe(() => Promise.all(values.map((v) => resolver.facts(v, [], { network: true }))));
        assert.ok(attempts > 0, 'some values are checked');
        assert.ok(attempts <= 30, `${attempts} authentication attempts for 300 values`);
        const resolver2 = new TokenResolver(api.connection, api.store, api.vault, quiet, { workspaceTrusted: () => true });
        const one = randomValue();
        const same = await countMe(() => Promise.all(Array.from({ length: 50 }, () => resolver2.facts(one, [], { network: true }))));
        resolver2.dispose();
        assert.equal(same, 1, 'one value, one attempt (deduplicated, then cached by hash)');
      } finally {
        resolver.dispose();
      }
    });
  });
});
