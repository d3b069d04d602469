/**
 * The whole job in a real VS Code against the controller emulator:
 * connect → list → create → value in SecretStorage → insert into a Telegraf
 * config → revoke; and the value is nowhere in the extension's log.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import { displayText } from '../../../src/core/text';
import { activateExtension, emulator, waitUntil, workspaceFolder } from '../harness';
import { byLabel, scriptUi } from './helpers/ui';

function findFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, out);
    else out.push(p);
  }
  return out;
}

describe('Full flow against the emulator', function () {
  this.timeout(60_000);
  let api: TestApi;
  let restoreSettings: (() => Promise<void>) | undefined;
  let createdId = '';
  let createdValue = '';

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    assert.ok(api, 'activate() returns the test API in test mode');
  });

  after(async () => {
    await restoreSettings?.();
  });

  it('Connect… checks the URL before asking for credentials, lets the user correct it, and saves nothing that did not sign in', async () => {
    // A port where nothing listens, and an HTTP server that is not a controller (405 to everything).
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    let sawCredential = false;
    const other = http.createServer((req, res) => {
      if (req.headers.authorization || req.headers.cookie || req.method === 'POST') sawCredential = true;
      res.writeHead(405, { 'content-type': 'text/plain' }).end('Method Not Allowed');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const config = () => vscode.workspace.getConfiguration('telegrafController');
    const before = JSON.stringify([config().inspect('url')?.globalValue, config().inspect('connections')?.globalValue]);
    const ui = scriptUi({ inputBox: [deadUrl, otherUrl, () => undefined] });
    try {
      await vscode.commands.executeCommand('telegrafController.connect');
    } finally {
      ui.restore();
      await new Promise<void>((r) => other.close(() => r()));
    }
    assert.equal(ui.record.picks.length, 0, 'no sign-in method was asked for');
    assert.equal(ui.record.inputs.length, 3, JSON.stringify(ui.record.inputs));
    assert.match(ui.record.inputs[1]!, /Nothing is listening at http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(ui.record.inputs[1]!, /telegrafController\.url/, 'the URL is not in that setting yet');
    assert.match(ui.record.inputs[2]!, /This does not look like a Telegraf Controller API at http:\/\/127\.0\.0\.1:\d+ \(HTTP 405\)/);
    assert.equal(sawCredential, false, 'nothing but the status check reached the other server');
    assert.equal(JSON.stringify([config().inspect('url')?.globalValue, config().inspect('connections')?.globalValue]), before, 'no connection was saved');
  });

  it('Connect… signs in with username and password and stores the session in SecretStorage', async () => {
    const emu = emulator();
    const ui = scriptUi({
      // A wrong password first: the user name (filled in: Enter keeps it) and the password are asked again, with the reason.
      inputBox: [emu.url, emu.username, 'not-the-password', (o) => o?.value, emu.password],
      quickPick: [byLabel('Username and Password')],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.connect');
    } finally {
      ui.restore();
    }
    assert.equal(ui.record.picks.length, 1, 'the sign-in method is asked once');
    assert.match(ui.record.inputs[3] ?? '', /user name or password is not correct.*Check the username \(Enter keeps it\)/);
    assert.match(ui.record.inputs[4] ?? '', /user name or password is not correct.*Enter the password again/);
    assert.equal(api.connection.current.state, 'ready', JSON.stringify(ui.record.messages));
    assert.equal(api.connection.user?.username, emu.username);
    const cred = await api.vault.getCredential(new URL(emu.url).origin);
    assert.equal(cred?.kind, 'session');
    const saved = vscode.workspace.getConfiguration('telegrafController').inspect<string>('url');
    assert.equal(saved?.globalValue, emu.url.replace(/\/$/, ''));
    restoreSettings = async () => undefined;
  });

  it('lists the emulator tokens in the Tokens view', async () => {
    await api.store.refresh();
    const nodes = await waitUntil(
      () => {
        const children = api.treeProvider.getChildren() as Array<{ kind: string }>;
        return children.filter((n) => n.kind === 'token').length > 0 ? children : undefined;
      },
      { what: 'token items' },
    );
    assert.ok(nodes.length >= 3, `expected the seeded tokens, got ${nodes.length}`);
    const item = api.treeProvider.getTreeItem(nodes.find((n) => n.kind === 'token') as any);
    assert.match(String(item.contextValue), /^token;(active|revoked);/);
    assert.ok(typeof item.description === 'string' && item.description.length > 0);
  });

  it('creates a token: the value goes to SecretStorage and the tree marks it stored', async () => {
    const created = await api.createToken({
      description: 'integration agent token',
      expiresAt: new Date(Date.now() + 30 * 86400e3).toISOString(),
      permissions: { configs: ['read'], heartbeat: ['write'] },
    });
    createdId = created.token.id;
    createdValue = created.value;
    assert.match(createdValue, /^tc-apiv1_/);
    const origin = api.connection.origin!;
    assert.equal(await api.vault.getTokenValue(origin, createdId), createdValue);
    const node = (api.treeProvider.getChildren() as any[]).find((n) => n.kind === 'token' && n.token.id === createdId);
    assert.ok(node, 'created token is in the tree');
    const item = api.treeProvider.getTreeItem(node);
    assert.match(String(item.contextValue), /;stored$/);
    assert.deepEqual(created.token.permissions, { configs: ['read'], heartbeat: ['write'] });
  });

  it('inserts an environment reference into the [[outputs.heartbeat]] under the cursor', async () => {
    const file = path.join(workspaceFolder(), 'telegraf.conf');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('instance_id'));
    editor.selection = new vscode.Selection(line, 0, line, 0);
    const before = doc.getText();
    const ui = scriptUi({ quickPick: [byLabel('Environment variable reference')], message: [] });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', createdId);
    } finally {
      ui.restore();
    }
    const after = doc.getText();
    assert.notEqual(after, before, `no edit; messages: ${JSON.stringify(ui.record.messages)}`);
    assert.match(after, /^\s+token = "\$\{TELEGRAF_CONTROLLER_TOKEN\}"$/m);
    // The sample's commented-out `# token = ""` becomes the token line (same indentation), not a second place for it.
    assert.ok(!after.includes('# token = ""'), 'the commented-out token line became the token');
    assert.equal(after.split('\n').length, before.split('\n').length, 'no line added');
    assert.equal((after.match(/^\s*token = /gm) ?? []).length, 1, 'one token line');
    assert.ok(!after.includes(createdValue), 'an env reference never writes the value');
    const tokenLine = after.split('\n').findIndex((l) => /^\s+token = /.test(l));
    const statusLine = after.split('\n').findIndex((l) => l.includes('[outputs.heartbeat.status]'));
    assert.ok(tokenLine < statusLine, 'the token is a direct key of outputs.heartbeat');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before, 'one undo restores the file');
  });

  it('offers to write the value into an env file the user picks (NAME=value, one undoable edit)', async () => {
    const file = path.join(workspaceFolder(), 'telegraf.conf');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('instance_id'));
    editor.selection = new vscode.Selection(line, 0, line, 0);
    const envFile = path.join(workspaceFolder(), 'agent.env');
    fs.writeFileSync(envFile, '# telegraf service environment\nHOSTNAME=web-07');
    const w = vscode.window as any;
    const realSave = w.showSaveDialog;
    w.showSaveDialog = async () => vscode.Uri.file(envFile);
    const ui = scriptUi({
      quickPick: [byLabel('Environment variable reference')],
      message: [{ match: 'now reads the token from', answer: 'Add to Env File…' }],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', createdId);
    } finally {
      ui.restore();
      w.showSaveDialog = realSave;
    }
    assert.equal(fs.readFileSync(envFile, 'utf8'), `# telegraf service environment\nHOSTNAME=web-07\nTELEGRAF_CONTROLLER_TOKEN=${createdValue}\n`);
    assert.ok(!doc.getText().includes(createdValue), 'the config holds only the reference');
    assert.ok(
      ui.record.messages.some((m) => m.text.includes('agent.env, now listed in .gitignore')),
      `a workspace env file is kept out of version control: ${JSON.stringify(ui.record.messages)}`,
    );
    assert.ok(fs.readFileSync(path.join(workspaceFolder(), '.gitignore'), 'utf8').split('\n').includes('/agent.env'));
    await vscode.commands.executeCommand('undo');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
  });

  it('inserts the literal value only after confirmation, and the file then holds it', async () => {
    const file = path.join(workspaceFolder(), 'telegraf.conf');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('instance_id'));
    editor.selection = new vscode.Selection(line, 0, line, 0);
    const declined = scriptUi({ quickPick: [byLabel('Literal value')], message: [{ match: 'plain text', answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', createdId);
    } finally {
      declined.restore();
    }
    assert.ok(!doc.getText().includes(createdValue), 'declining the warning writes nothing');
    const ui = scriptUi({ quickPick: [byLabel('Literal value')], message: [{ match: 'plain text', answer: 'Write Literal Value' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', createdId);
    } finally {
      ui.restore();
    }
    assert.ok(doc.getText().includes(`token = "${createdValue}"`));
    await doc.save();
    assert.ok(fs.readFileSync(file, 'utf8').includes(createdValue), 'the edited file holds the value');
  });

  it('asks before inserting into a file that is not a Telegraf config, and never inserts into a comment', async () => {
    const nginx = path.join(workspaceFolder(), 'nginx.conf');
    fs.writeFileSync(nginx, 'server {\n  listen 80;\n}\n');
    let doc = await vscode.workspace.openTextDocument(nginx);
    await vscode.window.showTextDocument(doc);
    const declined = scriptUi({ message: [{ match: 'does not look like a Telegraf config', answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', createdId);
    } finally {
      declined.restore();
    }
    assert.ok(declined.record.messages.some((m) => m.text.includes('does not look like a Telegraf config')));
    assert.equal(doc.getText(), 'server {\n  listen 80;\n}\n', 'declining leaves the file as it was');

    const commented = path.join(workspaceFolder(), 'commented.conf');
    fs.writeFileSync(commented, '# [[outputs.heartbeat]]\n[[inputs.cpu]]\n  percpu = true\n');
    doc = await vscode.workspace.openTextDocument(commented);
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    let offered: string[] = [];
    const ui = scriptUi({
      quickPick: [
        byLabel('Environment variable reference'),
        (items) => {
          offered = items.map((i: { label: string }) => i.label);
          return undefined;
        },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', createdId);
    } finally {
      ui.restore();
    }
    assert.ok(offered.length > 0, 'the placement was asked');
    assert.ok(!offered.some((l) => l.includes('Insert at the cursor')), `a comment line is no place for the token: ${offered.join(' | ')}`);
    assert.equal(doc.getText(), '# [[outputs.heartbeat]]\n[[inputs.cpu]]\n  percpu = true\n');
  });

  it('revokes the token after a modal confirmation naming it', async () => {
    const ui = scriptUi({ message: [{ match: 'Revoke the token "integration agent token"', answer: 'Revoke' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.revokeToken', createdId);
    } finally {
      ui.restore();
    }
    const onServer = await api.connection.api().getToken(createdId);
    assert.equal(onServer.status, 'revoked');
    const node = (api.treeProvider.getChildren() as any[]).find((n) => n.kind === 'token' && n.token.id === createdId);
    assert.match(String(api.treeProvider.getTreeItem(node).contextValue), /^token;revoked;/);
  });

  it('never writes the value to the extension log', async () => {
    const logDir = path.dirname(api.logUri.fsPath);
    const files = findFiles(path.dirname(logDir));
    assert.ok(files.length > 0, `no log files under ${path.dirname(logDir)}`);
    assert.ok(
      files.some((f) => f.includes('Telegraf Controller')),
      `our log channel's file is among ${files.length} log files`,
    );
    const all = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.ok(!all.includes(createdValue), 'a log file contains the token value');
    assert.ok(!all.includes(createdValue.slice(9)), 'a log file contains the token secret part');
  });

  it('Sign In with an API token that cannot list tokens says so instead of "Signed in"', async () => {
    const emu = emulator();
    const ui = scriptUi({ quickPick: [byLabel('API Token')], inputBox: ['tc-apiv1_Cf03ConfigsReadOnly0000000000000'] });
    try {
      await vscode.commands.executeCommand('telegrafController.signIn');
      await waitUntil(() => ui.record.messages.find((m) => m.level === 'warning'), { what: 'the warning' });
    } finally {
      ui.restore();
    }
    const warning = ui.record.messages.find((m) => m.level === 'warning')!;
    assert.match(warning.text, /cannot list tokens: it needs Tokens: read/);
    assert.ok(!ui.record.messages.some((m) => m.level === 'info' && /^Signed in to/.test(m.text)), JSON.stringify(ui.record.messages));
    // Back to the password session for what follows.
    const again = scriptUi({ quickPick: [byLabel('Username and Password')], inputBox: [emu.username, emu.password] });
    try {
      await vscode.commands.executeCommand('telegrafController.signIn');
    } finally {
      again.restore();
    }
    assert.equal(api.connection.user?.username, emu.username);
  });

  it('Sign Out says so, and Sign In brings the connection back', async () => {
    const emu = emulator();
    const ui = scriptUi({});
    try {
      await vscode.commands.executeCommand('telegrafController.signOut');
    } finally {
      ui.restore();
    }
    assert.ok(
      ui.record.messages.some((m) => m.level === 'info' && /^Signed out of .*checked again after you sign in/.test(m.text)),
      JSON.stringify(ui.record.messages),
    );
    assert.notEqual(api.connection.current.state, 'ready');
    const again = scriptUi({ quickPick: [byLabel('Username and Password')], inputBox: [emu.username, emu.password] });
    try {
      await vscode.commands.executeCommand('telegrafController.signIn');
    } finally {
      again.restore();
    }
    assert.equal(api.connection.user?.username, emu.username);
  });

  it('Sign In asks for the API token again when the controller rejects it', async () => {
    const emu = emulator();
    const ui = scriptUi({ quickPick: [byLabel('API Token')], inputBox: ['tc-apiv1_NotATokenOfThisController000000', undefined] });
    try {
      await vscode.commands.executeCommand('telegrafController.signIn');
    } finally {
      ui.restore();
    }
    assert.equal(ui.record.inputs.length, 2, JSON.stringify(ui.record.inputs));
    assert.match(ui.record.inputs[1]!, /rejected this token.*Paste the token again/);
    assert.ok(!ui.record.messages.some((m) => m.level === 'error'), JSON.stringify(ui.record.messages));
    assert.equal(api.connection.user?.username, emu.username, 'the previous sign-in is kept');
  });

  it('Sign In asks for the user name (filled in) and password again after a wrong one, and a lockout (423) ends it with the server sentence once', async () => {
    const emu = emulator();
    const wrong = Array.from({ length: 6 }, (_, i) => `wrong-${i}`);
    const keep = (o: vscode.InputBoxOptions | undefined) => o?.value;
    const ui = scriptUi({ quickPick: [byLabel('Username and Password')], inputBox: ['carol', ...wrong.flatMap((w, i) => (i === 0 ? [w] : [keep, w]))] });
    try {
      await vscode.commands.executeCommand('telegrafController.signIn');
    } finally {
      ui.restore();
    }
    assert.equal(ui.record.picks.length, 1, 'the method is asked once: the dialog never restarts');
    assert.equal(ui.record.inputs.length, 12, JSON.stringify(ui.record.inputs));
    ui.record.inputs
      .slice(2)
      .forEach((prompt, i) => assert.match(prompt, i % 2 === 0 ? /not correct.*Check the username/ : /not correct.*Enter the password again/));
    // From the second failure on, the prompt counts them and says what the controller documents about lockout.
    assert.doesNotMatch(ui.record.inputs[3]!, /failed attempts/);
    assert.match(ui.record.inputs[5]!, /2 failed attempts in a row: the controller locks the account after 5 by default, for 15 minutes\./);
    assert.match(ui.record.inputs[11]!, /5 failed attempts in a row/);
    const errors = ui.record.messages.filter((m) => m.level === 'error');
    assert.equal(errors.length, 1, JSON.stringify(ui.record.messages));
    assert.equal(errors[0]!.text.match(/locked/gi)?.length, 1, errors[0]!.text);
    assert.equal(api.connection.user?.username, emu.username, 'the previous sign-in is kept');
  });

  it('renders a description with HTML/script as plain text in the tree', async () => {
    const evil = '<img src=x onerror=alert(1)><script>alert("x")</script> **bold** [link](command:workbench.action.quit)';
    const created = await api.createToken({ description: evil, expiresAt: null, permissions: { configs: ['read'] } });
    const node = (api.treeProvider.getChildren() as any[]).find((n) => n.kind === 'token' && n.token.id === created.token.id);
    const item = api.treeProvider.getTreeItem(node);
    assert.equal(item.label, displayText(evil, 80), 'the label is the description as plain text (shortened)');
    assert.ok(String(item.label).startsWith('<img src=x onerror=alert(1)><script>'));
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    assert.ok(!tooltip.value.includes('<script>'), 'the tooltip escapes HTML');
    assert.ok(!tooltip.value.includes('](command:'), 'the tooltip escapes markdown links');
  });
});
