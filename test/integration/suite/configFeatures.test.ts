/**
 * Editor features on Telegraf configs in a real VS Code against the
 * controller emulator: workspace diagnostics for plaintext, revoked and
 * expired tokens (lower severity in a git-ignored file), the quick fix that
 * removes the plaintext, hover, completion, CodeLens, Test Token, Rotate
 * Token… across two files, and the leak response.
 *
 * Fixture configs are written at runtime into `<workspace>/cfg-features/`.
 * Tokens: created through the extension (value stored in SecretStorage), or
 * minted with the emulator's test hook (`POST /__emulator/tokens`, value not
 * stored) and revoked through the API.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import type { TestTokenResult } from '../../../src/features/configFiles/testTokenCommand';
import type { ReplaceOutcome } from '../../../src/features/configFiles/tokenReplacement';
import type { TelegrafCheckResult } from '../../../src/features/telegrafCheck';
import { TelegrafLocator, type TelegrafUnavailable } from '../../../src/features/telegrafCheck/telegrafLocator';
import { activateExtension, emulator, EXTENSION_ROOT, setSettings, waitUntil, workspaceFolder } from '../harness';
import { byLabel, scriptUi, ensureSignedIn, signInAs } from './helpers/ui';

const AGENT = { configs: ['read' as const], heartbeat: ['write' as const] };

interface Minted {
  id: string;
  value: string;
}

async function mint(body: Record<string, unknown>): Promise<Minted> {
  const res = await fetch(`${emulator().url}/__emulator/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: emulator().username, ...body }),
  });
  assert.equal(res.status, 201, `mint: HTTP ${res.status}`);
  const json = (await res.json()) as { token: { id: string }; value: string };
  return { id: json.token.id, value: json.value };
}

function heartbeatConfig(token: string, extra = ''): string {
  return [
    '[agent]',
    '  interval = "10s"',
    '',
    '[[inputs.cpu]]',
    '  percpu = true',
    '',
    '[[outputs.heartbeat]]',
    `  url = "${emulator().heartbeatUrl}"`,
    '  instance_id = "&{agent_id}"',
    `  token = "${token}"`,
    extra,
  ].join('\n');
}

/** Hover contents as plain text (VS Code escapes appended text: `&nbsp;`, backslashes). */
function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1'); // CommonMark backslash escapes of ASCII punctuation
}

function findFiles(d: string, out: string[] = []): string[] {
  if (!fs.existsSync(d)) return out;
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) findFiles(p, out);
    else out.push(p);
  }
  return out;
}

function codesOf(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'Telegraf Controller')
    .map((d) => `${String(typeof d.code === 'object' ? d.code.value : d.code)}/${vscode.DiagnosticSeverity[d.severity]}`)
    .sort();
}

async function waitForCodes(uri: vscode.Uri, expected: string[], what: string): Promise<void> {
  const want = [...expected].sort();
  await waitUntil(() => JSON.stringify(codesOf(uri)) === JSON.stringify(want), {
    what: `${what}: ${JSON.stringify(want)} (now ${JSON.stringify(codesOf(uri))})`,
    timeoutMs: 20_000,
  });
}

describe('Telegraf config features', function () {
  this.timeout(90_000);
  let api: TestApi;
  let dir: string;
  const file = (rel: string) => path.join(dir, rel);
  const uri = (rel: string) => vscode.Uri.file(file(rel));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
    fs.writeFileSync(file(rel), text);
  };
  let stored: { id: string; value: string };
  let revoked: Minted;
  let expired: Minted;
  let gitOk = false;
  const secrets: string[] = [];

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await ensureSignedIn(api, emulator());
    assert.equal(api.connection.current.state, 'ready', 'signed in to the emulator');
    dir = path.join(workspaceFolder(), 'cfg-features');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    try {
      execFileSync('git', ['init', '-q'], { cwd: dir, timeout: 10_000 });
      fs.writeFileSync(path.join(dir, '.gitignore'), 'ignored.conf\n');
      gitOk = true;
    } catch {
      gitOk = false;
    }

    const created = await api.createToken({ description: 'config features agent', expiresAt: null, permissions: AGENT });
    stored = { id: created.token.id, value: created.value };
    revoked = await mint({ description: 'config features revoked', permissions: AGENT, expiresAt: null });
    await api.connection.api().revokeToken(revoked.id);
    expired = await mint({ description: 'config features expired', permissions: AGENT, expiresAt: new Date(Date.now() - 86400e3).toISOString() });
    await api.store.refresh();
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports plaintext, revoked and expired tokens across the workspace (Problems panel)', async () => {
    write('telegraf.d/plain.conf', heartbeatConfig(stored.value));
    write('revoked/telegraf.conf', heartbeatConfig(revoked.value));
    write('expired.toml', heartbeatConfig(expired.value));
    write('env.conf', heartbeatConfig('${TELEGRAF_CONTROLLER_TOKEN}'));
    write('ignored.conf', heartbeatConfig(stored.value));
    write('not-telegraf.conf', `# an nginx file\nserver_token = "${stored.value}"\n`);
    await vscode.commands.executeCommand('telegrafController.checkConfigTokens');

    await waitForCodes(uri('telegraf.d/plain.conf'), ['plaintext-token/Warning'], 'plaintext, stored active token');
    await waitForCodes(uri('revoked/telegraf.conf'), ['plaintext-token/Warning', 'token-revoked/Error'], 'revoked token');
    await waitForCodes(uri('expired.toml'), ['plaintext-token/Warning', 'token-expired/Error'], 'expired token');
    assert.deepEqual(codesOf(uri('env.conf')), [], 'an env reference is not a problem');
    assert.deepEqual(codesOf(uri('not-telegraf.conf')), [], 'files that are not Telegraf configs are not checked');
    if (gitOk) await waitForCodes(uri('ignored.conf'), ['plaintext-token/Information'], 'plaintext in a git-ignored file');

    const d = vscode.languages.getDiagnostics(uri('revoked/telegraf.conf')).find((x) => x.code === 'token-revoked')!;
    assert.match(d.message, /config features revoked/);
    assert.ok(!d.message.includes(revoked.value), 'messages never contain the value');
    const text = fs.readFileSync(file('revoked/telegraf.conf'), 'utf8');
    const line = text.split('\n')[d.range.start.line]!;
    assert.equal(line.slice(d.range.start.character, d.range.end.character), revoked.value, 'the range covers the value');
  });

  it('states the facts whoever is signed in: a rejected token is an Error for a Manager too; signed out, it says to sign in', async () => {
    write('facts/telegraf.conf', heartbeatConfig(revoked.value));
    const tokenCodes = () => codesOf(uri('facts/telegraf.conf')).filter((c) => c.startsWith('token-'));
    try {
      // bob (Manager) does not see the Owner's revoked token in his list: the controller's answer decides.
      await signInAs(api, 'bob');
      await vscode.commands.executeCommand('telegrafController.checkConfigTokens');
      await waitUntil(() => ['["token-revoked/Error"]', '["token-unknown/Error"]'].includes(JSON.stringify(tokenCodes())), {
        what: `an Error for the revoked token while a Manager is signed in (now ${JSON.stringify(tokenCodes())})`,
        timeoutMs: 20_000,
      });
      await api.connection.signOut();
      await vscode.commands.executeCommand('telegrafController.checkConfigTokens');
      await waitUntil(() => JSON.stringify(tokenCodes()) === '["token-unchecked/Information"]', {
        what: `"sign in to check" while signed out (now ${JSON.stringify(tokenCodes())})`,
        timeoutMs: 20_000,
      });
      const d = vscode.languages.getDiagnostics(uri('facts/telegraf.conf')).find((x) => x.code === 'token-unchecked')!;
      assert.match(d.message, /^Sign in to .* to check this token/);
      assert.ok(codesOf(uri('facts/telegraf.conf')).includes('plaintext-token/Warning'), 'the plaintext finding stays');
      // A command that needs a signed-in connection names Sign In for this configured controller, not Connect….
      const refused = scriptUi({});
      try {
        await vscode.commands.executeCommand('telegrafController.insertToken');
      } finally {
        refused.restore();
      }
      assert.ok(
        refused.record.messages.some(
          (m) => m.level === 'error' && /^Sign in to the Telegraf Controller ".+" first \("Telegraf Controller: Sign In"\)/.test(m.text),
        ),
        JSON.stringify(refused.record.messages),
      );
    } finally {
      await signInAs(api, emulator().username);
      await vscode.commands.executeCommand('telegrafController.checkConfigTokens');
    }
    await waitForCodes(uri('facts/telegraf.conf'), ['plaintext-token/Warning', 'token-revoked/Error'], 'revoked token, the Owner signed in again');
  });

  it('a stored token deleted from the Tokens view is flagged where a config or an env file still holds it', async () => {
    const doomed = await api.createToken({ description: 'config features deleted later', expiresAt: null, permissions: AGENT });
    write('deleted/telegraf.conf', heartbeatConfig(doomed.value));
    write('deleted/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n    env_file:\n      - agent.env\n');
    write('deleted/agent.env', `TELEGRAF_CONTROLLER_TOKEN=${doomed.value}\n`);
    fs.chmodSync(file('deleted/agent.env'), 0o600);
    await vscode.commands.executeCommand('telegrafController.checkConfigTokens');
    await waitForCodes(uri('deleted/telegraf.conf'), ['plaintext-token/Warning'], 'an active stored token in plain text');
    const ui = scriptUi({ message: [{ match: /^Delete/, answer: 'Delete' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.deleteToken', doomed.token.id);
    } finally {
      ui.restore();
    }
    await waitUntil(() => !api.store.find(doomed.token.id), { what: 'the token gone from the list' });
    await vscode.commands.executeCommand('telegrafController.checkConfigTokens');
    await waitForCodes(uri('deleted/telegraf.conf'), ['plaintext-token/Warning', 'token-unknown/Error'], 'the deleted token rejected in the config');
    await waitForCodes(uri('deleted/agent.env'), ['token-unknown/Error'], 'the deleted token rejected in the env file');
  });

  it('follows edits of an open document (debounced)', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('env.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.getText().indexOf('${TELEGRAF_CONTROLLER_TOKEN}');
    await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + '${TELEGRAF_CONTROLLER_TOKEN}'.length)), expired.value));
    await waitForCodes(doc.uri, ['plaintext-token/Warning', 'token-expired/Error'], 'after typing an expired value');
    await vscode.commands.executeCommand('undo');
    await waitForCodes(doc.uri, [], 'after undo');
  });

  it('the quick fix replaces the plaintext value with ${TELEGRAF_CONTROLLER_TOKEN}', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('telegraf.d/plain.conf'));
    await vscode.window.showTextDocument(doc);
    await waitForCodes(doc.uri, ['plaintext-token/Warning'], 'plaintext before the fix');
    const diag = vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'plaintext-token')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diag.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Replace with ${TELEGRAF_CONTROLLER_TOKEN}'), titles.join(' | '));
    assert.ok(titles.includes('Replace with a secret-store reference…'), titles.join(' | '));
    assert.ok(
      titles.some((t) => t.startsWith('Revoke on Server and Replace…')),
      `the owner may revoke: ${titles.join(' | ')}`,
    );
    const fix = actions.find((a) => a.title === 'Replace with ${TELEGRAF_CONTROLLER_TOKEN}')!;
    assert.ok(fix.edit && fix.command);
    assert.ok(!JSON.stringify(fix.command.arguments).includes(stored.value), 'the value is not a command argument');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const ui = scriptUi({ message: [] });
    try {
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    } finally {
      ui.restore();
    }
    const told = ui.record.messages.find((m) => m.text.includes('${TELEGRAF_CONTROLLER_TOKEN}'));
    assert.ok(told, JSON.stringify(ui.record.messages));
    // The value leaves the file: it is offered a place (an env file), as Insert Token offers.
    assert.ok(told.buttons.includes('Add to Env File…'), told.buttons.join(' | '));
    const after = doc.getText();
    assert.ok(!after.includes(stored.value), 'the plaintext value is gone');
    assert.match(after, /^ {2}token = "\$\{TELEGRAF_CONTROLLER_TOKEN\}"$/m);
    await waitForCodes(doc.uri, [], 'no problem after the fix');
    await doc.save();
  });

  it('replaces a plaintext value with a secret-store reference, adding the store', async () => {
    write('secret.conf', heartbeatConfig(stored.value));
    const doc = await vscode.workspace.openTextDocument(uri('secret.conf'));
    const offset = doc.getText().indexOf(stored.value);
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({
      quickPick: [byLabel('Add [[secretstores.os]]')],
      inputBox: [(o) => o?.value],
      message: [{ match: 'now reads the token from @{telegraf_controller:', answer: 'Copy Command' }],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.replaceWithSecretReference', { uri: doc.uri.toString(), offset });
    } finally {
      ui.restore();
    }
    const text = doc.getText();
    assert.ok(!text.includes(stored.value));
    assert.match(text, /token = "@\{telegraf_controller:tc_config_features_agent\}"/);
    assert.match(text, /\[\[secretstores\.os\]\]\n {2}id = "telegraf_controller"/);
    const told = ui.record.messages.find((m) => m.text.includes('now reads the token from'));
    assert.ok(told && told.text.length < 300, `a short message, the command behind a button: ${JSON.stringify(ui.record.messages)}`);
    assert.match(await vscode.env.clipboard.readText(), /telegraf --config \S+ secrets set telegraf_controller tc_config_features_agent/);
    await vscode.env.clipboard.writeText('');
  });

  it('a jose store added by the quick fix reads its password from the environment (a service starts unattended)', async () => {
    write('secret-jose.conf', heartbeatConfig(stored.value));
    const doc = await vscode.workspace.openTextDocument(uri('secret-jose.conf'));
    const offset = doc.getText().indexOf(stored.value);
    const ui = scriptUi({ quickPick: [byLabel('Add [[secretstores.jose]]')], inputBox: [(o) => o?.value], message: [] });
    try {
      await vscode.commands.executeCommand('telegrafController.replaceWithSecretReference', { uri: doc.uri.toString(), offset });
    } finally {
      ui.restore();
    }
    const text = doc.getText();
    assert.match(
      text,
      /\[\[secretstores\.jose\]\]\n {2}id = "telegraf_controller"\n {2}path = "\/etc\/telegraf\/secrets"\n {2}password = "\$\{TELEGRAF_SECRETS_PASSWORD\}"/,
    );
    assert.ok(
      ui.record.messages.some((m) => m.text.includes('reads its password from TELEGRAF_SECRETS_PASSWORD')),
      JSON.stringify(ui.record.messages),
    );
  });

  it('hover says which token a value is, and explains the env variables', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('revoked/telegraf.conf'));
    const pos = doc.positionAt(doc.getText().indexOf(revoked.value) + 12);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
    const text = hoverText(hovers);
    assert.match(text, /config features revoked/);
    assert.match(text, /Status: revoked/);
    assert.match(text, /Owner: admin/);
    assert.match(text, /Permissions: Configurations: read · Heartbeat: write/);
    assert.ok(!text.includes(revoked.value));
    const env = await vscode.workspace.openTextDocument(uri('telegraf.d/plain.conf'));
    const envPos = env.positionAt(env.getText().indexOf('TELEGRAF_CONTROLLER_TOKEN') + 3);
    const envHovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', env.uri, envPos);
    const envText = hoverText(envHovers);
    assert.match(envText, /Telegraf 1\.39 and later also send TELEGRAF_CONTROLLER_TOKEN/);
    assert.match(envText, /Telegraf 1\.38 and earlier/);
    // The title shows the reference in a code span exactly as written: no markdown escapes inside it.
    const raw = envHovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(raw, /\*\*Environment variable reference\*\* `\$\{TELEGRAF_CONTROLLER_TOKEN\}`/, raw.slice(0, 200));

    // A value that shares only its prefix with an active token, and the controller rejects: not described as that token.
    const active = await api.createToken({ description: 'config features prefix twin', expiresAt: null, permissions: AGENT });
    const twin = active.value.slice(0, 21) + 'X'.repeat(active.value.length - 21);
    write('twin.conf', heartbeatConfig(twin));
    const twinDoc = await vscode.workspace.openTextDocument(uri('twin.conf'));
    const twinHover = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        twinDoc.uri,
        twinDoc.positionAt(twinDoc.getText().indexOf(twin) + 12),
      ),
    );
    assert.match(
      twinHover,
      /answers "Invalid token" for this value\. Only its prefix .* matches your token "config features prefix twin": the value is probably mistyped/,
    );
    assert.doesNotMatch(twinHover, /Status: active/);
  });

  it('completes token = with the env reference and stored tokens, never their values', async () => {
    write('complete.conf', '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n  token = \n');
    const doc = await vscode.workspace.openTextDocument(uri('complete.conf'));
    const pos = new vscode.Position(2, '  token = '.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
    const ours = list.items.filter((i) => typeof i.insertText === 'string' && (i.insertText.includes('${') || i.insertText === ''));
    const labels = ours.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('${TELEGRAF_CONTROLLER_TOKEN}'), labels.join(' | '));
    assert.ok(labels.includes('config features agent'), labels.join(' | '));
    assert.ok(ours.some((i) => i.insertText === '"${TELEGRAF_CONTROLLER_TOKEN}"'));
    assert.ok(!JSON.stringify(list.items.map((i) => [i.insertText, i.command?.arguments])).includes(stored.value), 'no value in the completion items');
    // Details fit on the suggest widget's one line; explanations are in the documentation.
    for (const i of ours) assert.ok(typeof i.detail === 'string' && i.detail.length <= 40, `short detail: ${i.detail}`);
  });

  it('Insert Token with no config open offers the Telegraf configs of the workspace, not other .conf files', async () => {
    write('pick/telegraf.conf', '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n');
    write('pick/telegraf.service.d/override.conf', '[Service]\nEnvironment=TELEGRAF_CONTROLLER_TOKEN=x\n');
    write('pick/nginx.conf', 'server {\n  listen 80;\n}\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    let offered: string[] = [];
    const ui = scriptUi({
      quickPick: [
        (items) => {
          offered = items.map((i: { description?: string }) => i.description ?? '');
          return undefined;
        },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      ui.restore();
    }
    assert.equal(ui.record.picks[0], 'Insert the token into which Telegraf config?');
    assert.ok(
      offered.some((d) => d.endsWith('pick/telegraf.conf')),
      offered.join(' | '),
    );
    assert.ok(!offered.some((d) => /override\.conf|nginx\.conf/.test(d)), offered.join(' | '));
  });

  it("Insert Token over another active token's literal value offers to revoke that token, through Revoke's own confirmation", async () => {
    const old = await api.createToken({ description: 'config features replaced literal', expiresAt: null, permissions: AGENT });
    secrets.push(old.value);
    await api.store.refresh();
    write('replaced/telegraf.conf', heartbeatConfig(old.value));
    const doc = await vscode.workspace.openTextDocument(uri('replaced/telegraf.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(doc.getText().indexOf('token = '));
    editor.selection = new vscode.Selection(at, at);
    const ui = scriptUi({
      quickPick: [byLabel('Environment variable reference')],
      message: [
        { match: /now reads the token from/, answer: undefined },
        { match: /held the token "config features replaced literal" \(tc-apiv1_.{3}…\), now replaced/, answer: 'Revoke Old Token…' },
        { match: /^Revoke the token "config features replaced literal"/, answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
      await waitUntil(() => ui.record.messages.some((m) => m.text.startsWith('Revoke the token "config features replaced literal"')), {
        what: `Revoke's confirmation for the replaced token (${JSON.stringify(ui.record.messages.map((m) => m.text))})`,
      });
    } finally {
      ui.restore();
    }
    assert.ok(!doc.getText().includes(old.value), 'the literal is replaced');
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'active', 'declined in the confirmation: nothing revoked');
    // A reference over a reference replaces no token: nothing is offered.
    const again = scriptUi({ quickPick: [byLabel('Environment variable reference')], message: [{ match: /now reads the token from/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      again.restore();
    }
    assert.ok(!again.record.messages.some((m) => /now replaced/.test(m.text)), JSON.stringify(again.record.messages));
  });

  it('Insert Token into a config that does not parse as TOML says so (Telegraf would refuse it) and writes nothing when declined', async () => {
    const before = '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n  instance_id = "a"\n  token = "\n';
    write('broken-toml/telegraf.conf', before);
    const doc = await vscode.workspace.openTextDocument(uri('broken-toml/telegraf.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const ui = scriptUi({
      quickPick: [byLabel('Environment variable reference'), () => undefined],
      message: [{ match: /is not valid TOML/, answer: undefined }],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => /is not valid TOML/.test(m.text));
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.text, /^telegraf\.conf is not valid TOML \(line 4\): Telegraf would refuse to load it/);
    assert.deepEqual(asked.buttons, ['Go to Line 4', 'Insert Anyway'], 'the safe choice is the default button');
    assert.deepEqual(ui.record.picks, [], 'said before any question');
    assert.equal(doc.getText(), before, 'declining changes nothing');
    // The default button selects the broken line and inserts nothing.
    const go = scriptUi({ message: [{ match: /is not valid TOML/, answer: 'Go to Line 4' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      go.restore();
    }
    const active = vscode.window.activeTextEditor;
    assert.equal(active?.document.uri.toString(), doc.uri.toString());
    assert.equal(active?.selection.start.line, 3);
    assert.equal(active?.document.getText(active.selection), '  token = "');
    assert.deepEqual(go.record.picks, [], 'nothing asked after it');
    assert.equal(doc.getText(), before, 'nothing inserted');
  });

  it('Insert Token into a config saved as UTF-16 says Telegraf cannot read it, before any question', async () => {
    const before = '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n  instance_id = "a"\n';
    fs.mkdirSync(path.dirname(file('utf16/telegraf.conf')), { recursive: true });
    fs.writeFileSync(file('utf16/telegraf.conf'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(before, 'utf16le')]));
    const doc = await vscode.workspace.openTextDocument(uri('utf16/telegraf.conf'));
    await vscode.window.showTextDocument(doc);
    const ui = scriptUi({ message: [{ match: /is saved as UTF-16LE, which Telegraf cannot read/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => /is saved as UTF-16LE/.test(m.text));
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.detail ?? '', /Save with Encoding/);
    assert.deepEqual(ui.record.picks, [], 'said before any question');
    assert.equal(doc.getText(), before, 'declining changes nothing');
  });

  it('Insert Token asks before putting the token into a heartbeat output that reports to another host, and changes nothing when declined', async () => {
    const before = '[[outputs.heartbeat]]\n  url = "http://collector.example.net:8000/agents/heartbeat"\n  instance_id = "a"\n';
    write('elsewhere.conf', before);
    const doc = await vscode.workspace.openTextDocument(uri('elsewhere.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const ui = scriptUi({
      quickPick: [byLabel('Environment variable reference')],
      message: [{ match: /reports to collector\.example\.net/, answer: undefined }],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => /reports to collector\.example\.net, not to/.test(m.text));
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.detail ?? '', /would receive it/);
    assert.equal(doc.getText(), before, 'declining changes nothing');
  });

  it('Revoke, Delete and Reassign name the workspace files that use the token (by its value when stored, else by its prefix)', async () => {
    const t = await api.createToken({ description: 'config features in use', expiresAt: null, permissions: AGENT });
    secrets.push(t.value);
    write('in-use/telegraf.conf', heartbeatConfig(t.value));
    write('in-use/agent-b/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${t.value}\n`);
    // A manifest beside it reads the Secret made from that env file: the env file is still named once, by its workspace path.
    write(
      'in-use/agent-b/agent.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: agent-b\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n',
    );
    const detailOf = async (command: string, match: string) => {
      const ui = scriptUi({ message: [{ match, answer: undefined }] });
      try {
        await vscode.commands.executeCommand(command, t.token.id);
      } finally {
        ui.restore();
      }
      return ui.record.messages.find((m) => m.text.startsWith(match))?.detail ?? JSON.stringify(ui.record.messages);
    };
    const revokeDetail = await detailOf('telegrafController.revokeToken', 'Revoke the token');
    assert.match(revokeDetail, /Used in this workspace: [^\n]*in-use\/telegraf\.conf:\d+/);
    assert.ok(!revokeDetail.includes(file('in-use')), `no absolute path for a workspace file: ${revokeDetail}`);
    assert.match(await detailOf('telegrafController.deleteToken', 'Delete the token'), /Used in this workspace: [^\n]*in-use\/telegraf\.conf:\d+/);
    // Not stored in this VS Code: found by the token's prefix, in configs and in the env files agents read.
    await api.vault.deleteTokenValue(api.connection.origin!, t.token.id);
    const byPrefix = await detailOf('telegrafController.revokeToken', 'Revoke the token');
    assert.match(byPrefix, /Used in this workspace: [^\n]*in-use\/telegraf\.conf:\d+/);
    assert.match(byPrefix, /Used in this workspace: [^\n]*in-use\/agent-b\/telegraf-controller\.env:1/);
    // Enter (the default, first button) never revokes a token in use: it shows where it is used.
    const ui = scriptUi({
      message: [{ match: 'Revoke the token', answer: 'Show Where It Is Used' }],
      quickPick: [(items) => items.find((i: { label: string }) => i.label.endsWith('agent-b/telegraf-controller.env:1'))],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.revokeToken', t.token.id);
    } finally {
      ui.restore();
    }
    assert.deepEqual(ui.record.messages.find((m) => m.text.startsWith('Revoke the token'))?.buttons, ['Show Where It Is Used', 'Revoke']);
    await waitUntil(() => vscode.window.activeTextEditor?.document.uri.fsPath === file('in-use/agent-b/telegraf-controller.env'), {
      what: 'the env file that uses the token is opened',
    });
    assert.equal((await api.connection.api().getToken(t.token.id)).status, 'active', 'cancelled: nothing revoked');
    // Reassign too: the agents keep the value, with the new owner's permissions; Enter shows the places.
    const reassign = scriptUi({ quickPick: [byLabel('bob')], message: [{ match: /^Reassign "config features in use/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.reassignToken', t.token.id);
    } finally {
      reassign.restore();
    }
    const asked = reassign.record.messages.find((m) => m.text.startsWith('Reassign "config features in use'));
    assert.match(
      asked?.detail ?? JSON.stringify(reassign.record.messages),
      /Used in this workspace: [^\n]*in-use\/telegraf\.conf:\d+[^\n]*keep the same value/,
    );
    assert.deepEqual(asked?.buttons, ['Show Where It Is Used', 'Reassign']);
    assert.equal((await api.connection.api().getToken(t.token.id)).username, emulator().username, 'cancelled: nothing reassigned');
    // To a Viewer: the agents keep the value but lose heartbeat:write, and the dialog says what that does.
    const toViewer = scriptUi({ quickPick: [byLabel('dave')], message: [{ match: /^Reassign "config features in use/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.reassignToken', t.token.id);
    } finally {
      toViewer.restore();
    }
    const warned = toViewer.record.messages.find((m) => m.text.startsWith('Reassign "config features in use'));
    assert.match(
      warned?.detail ?? JSON.stringify(toViewer.record.messages),
      /agents that use it lose heartbeat:write: the controller answers 403 to their heartbeats/,
    );
    assert.doesNotMatch(warned?.detail ?? '', /keeps working/);
  });

  it("Insert Token's new heartbeat output asks its instance_id: &{agent_id} for a config the controller serves, the agent's own name for a local file", async () => {
    const before = '[agent]\n  interval = "10s"\n\n[[inputs.cpu]]\n';
    write('instance-id/telegraf.conf', before);
    const doc = await vscode.workspace.openTextDocument(uri('instance-id/telegraf.conf'));
    await vscode.window.showTextDocument(doc);
    let asked: vscode.InputBoxOptions | undefined;
    const ui = scriptUi({
      quickPick: [byLabel('Environment variable reference'), byLabel('Add an [[outputs.heartbeat]] output')],
      inputBox: [
        (o) => {
          asked = o;
          return 'db-01';
        },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      ui.restore();
    }
    assert.equal(asked?.value, '&{agent_id}', 'the default is the controller-served one');
    assert.match(asked?.prompt ?? '', /reads this file itself sends the id as written/);
    assert.match(doc.getText(), /\[\[outputs\.heartbeat\]\]\n[\s\S]*instance_id = "db-01"\n/, doc.getText());
    assert.doesNotMatch(doc.getText(), /&\{agent_id\}/, 'no note about the controller value for a local id');
    assert.ok(doc.getText().includes('token = "${TELEGRAF_CONTROLLER_TOKEN}"'), doc.getText());
    // Dismissed: nothing written.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitUntil(() => doc.getText() === before, { what: 'reverted' });
    const dismissed = scriptUi({
      quickPick: [byLabel('Environment variable reference'), byLabel('Add an [[outputs.heartbeat]] output')],
      inputBox: [undefined],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      dismissed.restore();
    }
    assert.equal(doc.getText(), before, 'dismissing the question writes nothing');
  });

  it('Insert Token asks before adding a second heartbeat to an agent whose telegraf.conf already has one, and writes nothing when declined', async () => {
    write('one-agent/telegraf.conf', '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n  instance_id = "a"\n');
    const dropIn = '[[inputs.cpu]]\n';
    write('one-agent/telegraf.d/cpu.conf', dropIn);
    const doc = await vscode.workspace.openTextDocument(uri('one-agent/telegraf.d/cpu.conf'));
    await vscode.window.showTextDocument(doc);
    const ui = scriptUi({
      quickPick: [byLabel('Environment variable reference'), byLabel('Add an [[outputs.heartbeat]] output')],
      message: [{ match: 'already has an [[outputs.heartbeat]]', answer: undefined }],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text.includes('already has an [[outputs.heartbeat]] (line 1)'));
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.text, /one-agent\/telegraf\.conf/);
    assert.deepEqual(asked.buttons, ['Open telegraf.conf', 'Add Another Anyway'], 'opening the existing one is the default');
    assert.equal(doc.getText(), dropIn, 'nothing written');
  });

  it('Insert Token offers "Insert at the cursor" only where a token belongs, and says why not', async () => {
    write('placement.conf', '[agent]\n  interval = "10s"\n\n[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n\n');
    const doc = await vscode.workspace.openTextDocument(uri('placement.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    const offered = async (line: number) => {
      editor.selection = new vscode.Selection(line, 0, line, 0);
      let labels: string[] = [];
      const ui = scriptUi({
        quickPick: [
          byLabel('Environment variable reference'),
          (items) => {
            labels = items.map((i: { label: string }) => i.label);
            return undefined;
          },
        ],
      });
      try {
        await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
      } finally {
        ui.restore();
      }
      return { labels, placeholder: ui.record.picks[1] ?? '' };
    };
    const inAgent = await offered(2);
    assert.ok(!inAgent.labels.some((l) => l.includes('Insert at the cursor')), inAgent.labels.join(' | '));
    assert.match(inAgent.placeholder, /Not at the cursor: \[agent\] \(line 1\) takes no token/);
    const inOutput = await offered(5);
    assert.ok(
      inOutput.labels.some((l) => l.includes('Insert at the cursor')),
      inOutput.labels.join(' | '),
    );
    assert.equal(
      doc.getText(),
      '[agent]\n  interval = "10s"\n\n[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n\n',
      'nothing written when dismissed',
    );
  });

  it('the insert picker offers "Create New Token…", which opens the create form; closing the form writes nothing', async () => {
    const noHeartbeat = await api.createToken({ description: 'config features no heartbeat', expiresAt: null, permissions: { configs: ['read'] } });
    secrets.push(noHeartbeat.value);
    await api.store.refresh();
    write('create-new.conf', '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n');
    const doc = await vscode.workspace.openTextDocument(uri('create-new.conf'));
    await vscode.window.showTextDocument(doc);
    const formTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Create API Token');
    await vscode.window.tabGroups.close(formTabs());
    let labels: string[] = [];
    let descriptions: string[] = [];
    const ui = scriptUi({
      quickPick: [
        (items) => {
          labels = items.map((i: { label: string }) => i.label);
          descriptions = items.map((i: { description?: string }) => i.description ?? '');
          return byLabel('Create New Token…')(items);
        },
      ],
    });
    try {
      // The command waits for the form: it goes on with the token created there, or ends when the form closes.
      const running = vscode.commands.executeCommand('telegrafController.insertToken');
      await waitUntil(() => formTabs().length === 1, { what: 'the create form open' });
      assert.equal(doc.getText(), '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n', 'nothing written');
      await vscode.window.tabGroups.close(formTabs());
      await running;
    } finally {
      ui.restore();
    }
    assert.ok(
      labels.some((l) => l.includes('config features agent')),
      `stored tokens are offered: ${labels.join(' | ')}`,
    );
    assert.ok(labels[labels.length - 1]!.includes('Create New Token…'), `"Create New Token…" comes last: ${labels.join(' | ')}`);
    // A token without heartbeat:write says so, after the tokens a heartbeat output accepts.
    const agentAt = labels.findIndex((l) => l.includes('config features agent'));
    const noHeartbeatAt = labels.findIndex((l) => l.includes('config features no heartbeat'));
    assert.match(descriptions[noHeartbeatAt] ?? '', /no heartbeat:write/, descriptions.join(' | '));
    assert.doesNotMatch(descriptions[agentAt] ?? '', /no heartbeat:write/);
    assert.ok(agentAt < noHeartbeatAt, labels.join(' | '));
    assert.equal(doc.getText(), '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n', 'nothing written when the form closed');
  });

  it('the insert picker\'s "Create New Token…" goes on with the token the form creates, into the config it started from', async () => {
    const before = `[[outputs.heartbeat]]\n  url = "${emulator().heartbeatUrl}"\n  instance_id = "a"\n`;
    write('create-new-insert.conf', before);
    const doc = await vscode.workspace.openTextDocument(uri('create-new-insert.conf'));
    await vscode.window.showTextDocument(doc);
    const formTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Create API Token');
    await vscode.window.tabGroups.close(formTabs());
    const ui = scriptUi({ quickPick: [byLabel('Create New Token…'), byLabel('Environment variable reference')] });
    try {
      const running = vscode.commands.executeCommand('telegrafController.insertToken');
      await waitUntil(() => formTabs().length === 1, { what: 'the create form open' });
      // What the form's Create button does; the form has the focus now, not the config.
      const created = await api.createToken({ description: 'config features created in the form', expiresAt: null, permissions: AGENT });
      secrets.push(created.value);
      await running;
    } finally {
      ui.restore();
      await vscode.window.tabGroups.close(formTabs());
    }
    assert.ok(!ui.record.picks.some((p) => /which Telegraf config/.test(p)), `no question which config: ${ui.record.picks.join(' | ')}`);
    assert.match(doc.getText(), /token = "\$\{TELEGRAF_CONTROLLER_TOKEN\}"/, doc.getText());
  });

  it('Insert Token\'s literal value of a token another agent\'s config holds asks first, and "Create New Token…" gives this agent its own', async () => {
    const shared = await api.createToken({ description: 'config features shared literal', expiresAt: null, permissions: AGENT });
    secrets.push(shared.value);
    await api.store.refresh();
    write('shared-a/telegraf.conf', heartbeatConfig(shared.value));
    const empty = `[[outputs.heartbeat]]\n  url = "${emulator().heartbeatUrl}"\n  instance_id = "b"\n  token = ""\n`;
    write('shared-b/telegraf.conf', empty);
    // The agent's own env file beside its config is no other agent.
    write('shared-b/agent.env', `TELEGRAF_CONTROLLER_TOKEN=${shared.value}\n`);
    const doc = await vscode.workspace.openTextDocument(uri('shared-b/telegraf.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(doc.getText().indexOf('token = ') + 'token = '.length);
    editor.selection = new vscode.Selection(at, at);
    const formTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Create API Token');
    await vscode.window.tabGroups.close(formTabs());
    const sharedAsk = /^"config features shared literal" is already used by /;
    const declined = scriptUi({
      quickPick: [byLabel('Literal value')],
      message: [
        { match: 'plain text', answer: 'Write Literal Value' },
        { match: sharedAsk, answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.insertToken', shared.token.id);
    } finally {
      declined.restore();
    }
    const asked = declined.record.messages.find((m) => sharedAsk.test(m.text));
    assert.ok(asked, JSON.stringify(declined.record.messages));
    assert.match(asked.text, /shared-a\/telegraf\.conf:\d+\.$/);
    assert.doesNotMatch(asked.text, /agent\.env/, "this agent's own env file is not another agent");
    assert.match(asked.detail ?? '', /cannot be revoked or rotated one at a time/);
    assert.deepEqual(asked.buttons, ['Create New Token…', 'Use It Anyway'], 'the safe choice is the default');
    assert.equal(doc.getText(), empty, 'dismissed: nothing written');
    let fresh: Awaited<ReturnType<TestApi['createToken']>> | undefined;
    const ui = scriptUi({
      quickPick: [byLabel('Literal value')],
      message: [
        { match: 'plain text', answer: 'Write Literal Value' },
        { match: sharedAsk, answer: 'Create New Token…' },
      ],
    });
    try {
      const running = vscode.commands.executeCommand('telegrafController.insertToken', shared.token.id);
      await waitUntil(() => formTabs().length === 1, { what: 'the create form open' });
      assert.equal(api.createFormOptions()?.description, 'Telegraf agent (cfg-features/shared-b/telegraf.conf)', "never an earlier draft's description");
      assert.equal(api.createFormOptions()?.preset, 'telegraf-agent');
      fresh = await api.createToken({ description: 'config features own literal', expiresAt: null, permissions: AGENT });
      secrets.push(fresh.value);
      await running;
    } finally {
      ui.restore();
      await vscode.window.tabGroups.close(formTabs());
    }
    assert.match(doc.getText(), new RegExp(`token = "${fresh.value}"`), doc.getText());
    assert.ok(!doc.getText().includes(shared.value), "the other agent's token is not written here");
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a Viewer is never offered to create a token from the insert picker', async () => {
    write('viewer-insert.conf', '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri('viewer-insert.conf')));
    let labels: string[] = [];
    try {
      await signInAs(api, 'dave');
      const ui = scriptUi({
        quickPick: [
          (items) => {
            labels = items.map((i: { label: string }) => i.label);
            return undefined;
          },
        ],
      });
      try {
        await vscode.commands.executeCommand('telegrafController.insertToken');
      } finally {
        ui.restore();
      }
      // dave has no stored value of this connection: told why, with no Create button; or, with values, no "Create New Token…".
      const told = ui.record.messages.find((m) => m.text.startsWith('No token values are stored'));
      if (told) {
        assert.match(told.text, /a Viewer cannot create tokens/);
        assert.deepEqual(told.buttons, []);
      } else assert.ok(!labels.some((l) => l.includes('Create New Token…')), labels.join(' | '));
    } finally {
      await signInAs(api, emulator().username);
    }
  });

  it('Rotate from the palette with no stored active token of the connection says what it needs (not "no token fits")', async () => {
    try {
      await signInAs(api, 'carol');
      // The list of the user now signed in (never the previous user's, still shown while it loads).
      await api.store.refresh();
      const ui = scriptUi({ quickPick: [() => undefined] });
      try {
        await vscode.commands.executeCommand('telegrafController.rotateToken');
      } finally {
        ui.restore();
      }
      assert.deepEqual(ui.record.picks, [], 'no empty picker');
      const told = ui.record.messages.find((m) => m.text.startsWith('Rotate replaces a token whose value is stored in this VS Code'));
      assert.ok(told, JSON.stringify(ui.record.messages));
    } finally {
      await signInAs(api, emulator().username);
    }
  });

  it('Rotate as a Viewer says a Viewer cannot manage tokens, before anything else', async () => {
    try {
      await signInAs(api, 'dave');
      const ui = scriptUi({ quickPick: [() => undefined] });
      try {
        await vscode.commands.executeCommand('telegrafController.rotateToken');
      } finally {
        ui.restore();
      }
      assert.deepEqual(ui.record.picks, [], 'no picker');
      assert.ok(
        ui.record.messages.some((m) => m.level === 'error' && m.text.startsWith('Rotate creates a new token, and a Viewer cannot manage tokens')),
        JSON.stringify(ui.record.messages),
      );
    } finally {
      await signInAs(api, emulator().username);
    }
  });

  it("asks before putting a controller token into another plugin's token, and writes nothing unless told", async () => {
    const original = '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  token = "influx-own-token"\n';
    write('other-plugin.conf', original);
    const doc = await vscode.workspace.openTextDocument(uri('other-plugin.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(2, 4, 2, 4);
    const insert = async (answer: string | undefined) => {
      const ui = scriptUi({
        quickPick: [byLabel('Environment variable reference'), byLabel('Insert at the cursor')],
        message: [{ match: 'Put a Telegraf Controller token into [[outputs.influxdb_v2]]?', answer }],
        inputBox: [(o) => o?.value],
      });
      try {
        await vscode.commands.executeCommand('telegrafController.insertToken', stored.id);
      } finally {
        ui.restore();
      }
      return ui.record;
    };
    const declined = await insert(undefined);
    assert.ok(
      declined.messages.some((m) => m.text.includes('Put a Telegraf Controller token into [[outputs.influxdb_v2]]?')),
      'the question was asked',
    );
    assert.equal(doc.getText(), original, 'dismissed: nothing written');
    // The first (default) button: a heartbeat output with the reference; the plugin keeps its own token.
    await insert('Add [[outputs.heartbeat]] Instead');
    await waitUntil(() => doc.getText().includes('[[outputs.heartbeat]]'), { what: 'the heartbeat output added' });
    assert.ok(doc.getText().includes('token = "influx-own-token"'), doc.getText());
    assert.ok(doc.getText().includes('${TELEGRAF_CONTROLLER_TOKEN}'), doc.getText());
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitUntil(() => doc.getText() === original, { what: 'reverted' });
    editor.selection = new vscode.Selection(2, 4, 2, 4);
    await insert('Use It There Anyway');
    await waitUntil(() => doc.getText().includes('token = "${TELEGRAF_CONTROLLER_TOKEN}"'), { what: 'the reference written when the user says so' });
    assert.ok(!doc.getText().includes('influx-own-token'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('the literal value is written only when chosen: the default button is the environment reference', async () => {
    write('literal.conf', '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n  token = \n');
    const doc = await vscode.workspace.openTextDocument(uri('literal.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(2, '  token = '.length, 2, '  token = '.length);
    const w = vscode.window as unknown as { showWarningMessage: (...a: unknown[]) => Promise<unknown> };
    const saved = w.showWarningMessage;
    const asked: Array<{ text: string; modal: boolean; buttons: string[] }> = [];
    // A modal's first button is its default (Enter); answer with it.
    w.showWarningMessage = async (text: unknown, options: unknown, ...buttons: unknown[]) => {
      asked.push({ text: String(text), modal: !!(options as { modal?: boolean } | undefined)?.modal, buttons: buttons.map(String) });
      return buttons[0];
    };
    try {
      await vscode.commands.executeCommand('telegrafController.completionFollowUp', {
        tokenId: stored.id,
        form: 'literal',
        uri: doc.uri.toString(),
        quoted: false,
      });
    } finally {
      w.showWarningMessage = saved;
    }
    assert.equal(asked.length, 1);
    assert.ok(asked[0]!.modal);
    assert.deepEqual(asked[0]!.buttons, ['Use Environment Reference Instead', 'Write Literal Value']);
    assert.equal(doc.lineAt(2).text, '  token = "${TELEGRAF_CONTROLLER_TOKEN}"');
    assert.ok(!doc.getText().includes(stored.value), 'the default never writes the value');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('shows CodeLenses above [[outputs.heartbeat]]', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('expired.toml'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) => t.includes('Set Telegraf Controller Token')),
      titles.join(' | '),
    );
    assert.ok(
      titles.some((t) => t.includes('Test Token')),
      titles.join(' | '),
    );
    const heartbeatLine = doc.getText().split('\n').indexOf('[[outputs.heartbeat]]');
    assert.ok(lenses.every((l) => l.range.start.line === heartbeatLine));
  });

  it('Test Token on an env reference offers first the value an env file beside the config gives it', async () => {
    const held = await api.createToken({ description: 'config features env held', expiresAt: null, permissions: AGENT });
    write('envref/sub/telegraf.conf', heartbeatConfig('${TELEGRAF_CONTROLLER_TOKEN}'));
    write('envref/.env', `OTHER=1\nTELEGRAF_CONTROLLER_TOKEN="${held.value}"\n`);
    const doc = await vscode.workspace.openTextDocument(uri('envref/sub/telegraf.conf'));
    let offered: Array<{ label: string; description?: string }> = [];
    const ui = scriptUi({
      quickPick: [
        (items) => {
          offered = items;
          return items[0];
        },
      ],
      message: [
        { match: 'sends a real heartbeat as agent', answer: 'Send Heartbeat' },
        { match: 'for the heartbeat test?', answer: `Send to ${new URL(emulator().heartbeatUrl).host}` },
      ],
    });
    let result: TestTokenResult | undefined;
    try {
      result = await vscode.commands.executeCommand<TestTokenResult>('telegrafController.testToken', {
        uri: doc.uri.toString(),
        offset: doc.getText().indexOf('${TELEGRAF_CONTROLLER_TOKEN}'),
      });
    } finally {
      ui.restore();
    }
    const first = offered[0]!;
    assert.match(first.label, /The value in .*envref\/\.env/, offered.map((i) => i.label).join(' | '));
    assert.match(first.description ?? '', /config features env held/);
    assert.ok(!JSON.stringify(offered).includes(held.value), 'the picker never shows the value');
    assert.equal(result?.ok, true, JSON.stringify(result?.checks));
    assert.match(result?.tokenLabel ?? '', /config features env held/);
  });

  it('Test Token checks API, permissions and a real heartbeat, and tells the 401 reasons apart', async () => {
    const good = await api.createToken({ description: 'config features tested', expiresAt: null, permissions: AGENT });
    write('tested.conf', heartbeatConfig(good.value));
    write('revoked/telegraf.conf', heartbeatConfig(revoked.value));
    write('expired.toml', heartbeatConfig(expired.value));
    const run = async (rel: string, value: string) => {
      const doc = await vscode.workspace.openTextDocument(uri(rel));
      // The emulator's heartbeat port is not the documented 8000: the command asks before sending the token there.
      const ui = scriptUi({
        message: [
          { match: 'sends a real heartbeat as agent', answer: 'Send Heartbeat' },
          { match: 'for the heartbeat test?', answer: `Send to ${new URL(emulator().heartbeatUrl).host}` },
        ],
      });
      try {
        return await vscode.commands.executeCommand<TestTokenResult>('telegrafController.testToken', {
          uri: doc.uri.toString(),
          offset: doc.getText().indexOf(value),
        });
      } finally {
        ui.restore();
      }
    };
    const ok = await run('tested.conf', good.value);
    assert.equal(ok.ok, true, JSON.stringify(ok.checks));
    assert.deepEqual(
      ok.checks.map((c) => `${c.id}:${c.status}`),
      ['api:pass', 'permission:heartbeat:write:pass', 'permission:configs:read:pass', 'heartbeat:pass'],
    );
    const state = (await (await fetch(`${emulator().url}/__emulator/state`)).json()) as { heartbeats?: Array<{ tokenId: string }> };
    assert.ok(
      state.heartbeats?.some((h) => h.tokenId === good.token.id),
      'the emulator received the heartbeat',
    );

    const fault = await fetch(`${emulator().url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'heartbeat', server: 'heartbeat', status: 401, body: { error: 'unauthorized', message: 'Invalid token' }, times: 1 }),
    });
    assert.ok(fault.ok);
    const cache = await run('tested.conf', good.value);
    assert.equal(cache.ok, false);
    assert.equal(cache.checks.find((c) => c.id === 'api')?.status, 'pass');
    assert.match(cache.checks.find((c) => c.id === 'heartbeat')?.detail ?? '', /although the API accepts the token.*cache problem/);

    const bad = await run('revoked/telegraf.conf', revoked.value);
    assert.equal(bad.ok, false);
    assert.equal(bad.checks.find((c) => c.id === 'api')?.kind, 'invalid-token');
    assert.equal(bad.checks.find((c) => c.id === 'heartbeat')?.kind, 'invalid-token');
    const old = await run('expired.toml', expired.value);
    assert.equal(old.checks.find((c) => c.id === 'api')?.kind, 'token-expired');

    const noHeartbeat = await api.createToken({ description: 'config features configs only', expiresAt: null, permissions: { configs: ['read'] } });
    write('noheartbeat.conf', heartbeatConfig(noHeartbeat.value));
    const forbidden = await run('noheartbeat.conf', noHeartbeat.value);
    assert.equal(forbidden.checks.find((c) => c.id === 'permission:heartbeat:write')?.status, 'fail');
    assert.equal(forbidden.checks.find((c) => c.id === 'heartbeat')?.kind, 'forbidden');
  });

  it('Test Token on a stored token of the Tokens view checks its value as a Telegraf agent uses it', async () => {
    const agent = await api.createToken({ description: 'config features tree test', expiresAt: null, permissions: AGENT });
    const scriptOnly = await api.createToken({ description: 'config features tree scripts', expiresAt: null, permissions: { configs: ['read'] } });
    const row = (t: { id: string }) => ({ kind: 'token', token: api.store.find(t.id) ?? t, stored: true, connectionKey: api.connection.key });
    const test = async (t: { id: string }) => {
      const ui = scriptUi({ message: [{ match: 'sends a real heartbeat as agent', answer: 'Check Without Heartbeat' }] });
      try {
        return await vscode.commands.executeCommand<TestTokenResult>('telegrafController.testToken', row(t));
      } finally {
        ui.restore();
      }
    };
    await waitUntil(() => !!api.store.find(agent.token.id) && !!api.store.find(scriptOnly.token.id), { what: 'the created tokens listed' });
    const ok = await test(agent.token);
    assert.equal(ok.ok, true, JSON.stringify(ok.checks));
    assert.deepEqual(
      ok.checks.map((c) => `${c.id}:${c.status}`),
      ['api:pass', 'permission:configs:read:pass', 'permission:heartbeat:write:pass', 'heartbeat:skip'],
    );
    // With telegrafController.heartbeatPort set to the emulator's heartbeat port, the heartbeat goes there and passes.
    const undo = await setSettings({ 'telegrafController.heartbeatPort': Number(new URL(emulator().heartbeatUrl).port) });
    try {
      const port = new URL(emulator().heartbeatUrl).port;
      const ui = scriptUi({
        message: [{ match: new RegExp(`sends a real heartbeat as agent .* to https?://[^/]+:${port}/agents/heartbeat`), answer: 'Send Heartbeat' }],
      });
      let sent: TestTokenResult;
      try {
        sent = await vscode.commands.executeCommand<TestTokenResult>('telegrafController.testToken', row(agent.token));
      } finally {
        ui.restore();
      }
      assert.equal(sent.checks.find((c) => c.id === 'heartbeat')?.status, 'pass', JSON.stringify(sent.checks));
    } finally {
      await undo();
    }
    const lacking = await test(scriptOnly.token);
    assert.equal(lacking.ok, false);
    assert.equal(lacking.checks.find((c) => c.id === 'permission:heartbeat:write')?.status, 'fail', JSON.stringify(lacking.checks));
    // A token whose value this VS Code does not hold: said plainly, nothing is sent.
    const errors = scriptUi({});
    try {
      const notStored = api.store.find(revoked.id);
      assert.ok(notStored, 'the minted token is listed');
      await vscode.commands.executeCommand('telegrafController.testToken', {
        kind: 'token',
        token: notStored,
        stored: false,
        connectionKey: api.connection.key,
      });
      await waitUntil(() => errors.record.messages.some((m) => m.level === 'error' && /No value of .* is stored in this VS Code/.test(m.text)), {
        what: 'the no-value message',
      });
    } finally {
      errors.restore();
    }
  });

  it('Test Token never sends a token to a heartbeat url from the file without consent', async () => {
    const http = await import('node:http');
    let received = 0;
    const trap = http.createServer((_req, res) => {
      received++;
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (trap.address() as { port: number }).port;
      const good = await api.createToken({ description: 'config features trap', expiresAt: null, permissions: AGENT });
      write('trap.conf', `[[outputs.heartbeat]]\n  url = "http://127.0.0.1:${port}/agents/heartbeat"\n  token = "${good.value}"\n`);
      const doc = await vscode.workspace.openTextDocument(uri('trap.conf'));
      const ui = scriptUi({
        message: [
          { match: 'sends a real heartbeat as agent', answer: 'Send Heartbeat' },
          { match: 'for the heartbeat test?', answer: undefined },
        ],
      });
      let result: TestTokenResult;
      try {
        result = (await vscode.commands.executeCommand<TestTokenResult>('telegrafController.testToken', {
          uri: doc.uri.toString(),
          offset: doc.getText().indexOf(good.value),
        }))!;
      } finally {
        ui.restore();
      }
      const asked = ui.record.messages.find((m) => m.text.includes('for the heartbeat test?'));
      assert.ok(asked, 'the user is asked before the token goes to an address from the file');
      assert.match(asked.text, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.equal(result.checks.find((c) => c.id === 'heartbeat')?.status, 'skip');
      assert.equal(received, 0, 'nothing reached the address from the file');
    } finally {
      trap.close();
    }
  });

  it('Test Token announces its heartbeat, then sends what Telegraf sends (schema_v1.json, Bearer); without it nothing is sent', async () => {
    const http = await import('node:http');
    const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const good = await api.createToken({ description: 'config features schema', expiresAt: null, permissions: AGENT });
      write('schema.conf', `[[outputs.heartbeat]]\n  url = "http://127.0.0.1:${port}/agents/heartbeat"\n  instance_id = "a"\n  token = "${good.value}"\n`);
      const doc = await vscode.workspace.openTextDocument(uri('schema.conf'));
      const test = async (answer: string) => {
        const ui = scriptUi({
          message: [
            { match: 'sends a real heartbeat as agent', answer },
            { match: 'for the heartbeat test?', answer: `Send to 127.0.0.1:${port}` },
          ],
        });
        try {
          const r = await vscode.commands.executeCommand<TestTokenResult>('telegrafController.testToken', {
            uri: doc.uri.toString(),
            offset: doc.getText().indexOf(good.value),
          });
          return { r: r!, record: ui.record };
        } finally {
          ui.restore();
        }
      };
      const sent = await test('Send Heartbeat');
      const told = sent.record.messages.findIndex((m) => m.text.includes('sends a real heartbeat as agent'));
      assert.ok(told >= 0, 'the user is told first');
      assert.match(sent.record.messages[told]!.detail ?? '', /will list "vscode-test-token-[0-9a-f]{8}" as an agent/);
      assert.equal(received.length, 1, 'one heartbeat');
      const hb = received[0]!;
      assert.equal(hb.headers.authorization, `Bearer ${good.value}`, 'the Authorization header of heartbeat.go');
      assert.equal(hb.headers['content-type'], 'application/json');
      const body = JSON.parse(hb.body) as { id: string };
      assert.match(body.id, /^vscode-test-token-[0-9a-f]{8}$/);
      assert.match(sent.r.checks.find((c) => c.id === 'heartbeat')?.detail ?? '', new RegExp(`lists agent ${body.id}`));
      const gomod = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout?.trim();
      const schemaFile = path.join(gomod ?? '', 'github.com/influxdata/telegraf@v1.40.1/plugins/outputs/heartbeat/schema_v1.json');
      if (gomod && fs.existsSync(schemaFile)) {
        const validate = new Ajv2020({ strict: false }).compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as object);
        assert.ok(validate(body), JSON.stringify(validate.errors));
      } else assert.fail(`the heartbeat schema of Telegraf v1.40.1 is not in the Go module cache (${schemaFile}): run bash scripts/build-telegraf.sh`);

      const skipped = await test('Check Without Heartbeat');
      assert.equal(received.length, 1, 'nothing sent without the heartbeat');
      assert.equal(skipped.r.checks.find((c) => c.id === 'heartbeat')?.status, 'skip');
      assert.equal(skipped.r.checks.find((c) => c.id === 'api')?.status, 'pass');
    } finally {
      server.close();
    }
  });

  it('Rotate Token… updates two files and revokes the old token on the emulator', async () => {
    const old = await api.createToken({
      description: 'config features rotate me',
      expiresAt: new Date(Date.now() + 30 * 86400e3).toISOString(),
      permissions: AGENT,
    });
    write('rotate-a.conf', heartbeatConfig(old.value));
    write(
      'telegraf.d/rotate-b.conf',
      `[[inputs.http]]\n  urls = ["${emulator().url}/api/configs/cfg-1/toml"]\n  headers = { Authorization = "Bearer ${old.value}" }\n`,
    );
    const openDoc = await vscode.workspace.openTextDocument(uri('rotate-a.conf'));
    await vscode.window.showTextDocument(openDoc);
    const ui = scriptUi({ message: [{ match: 'Rotate the token "config features rotate me"', answer: 'Rotate' }] });
    let outcome: ReplaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
    }
    const confirm = ui.record.messages.find((m) => m.text.startsWith('Rotate the token'));
    assert.ok(
      confirm?.detail?.includes('rotate-a.conf:10') && confirm.detail.includes('telegraf.d/rotate-b.conf:3'),
      `the modal lists both references: ${confirm?.detail}`,
    );
    assert.ok(outcome, `rotate returned nothing; messages: ${JSON.stringify(ui.record.messages)}`);
    assert.equal(outcome.rewrite.count, 2);
    const newValue = await api.vault.getTokenValue(api.connection.origin!, outcome.replacement.id);
    assert.ok(newValue && newValue !== old.value, 'the new value is stored');
    for (const rel of ['rotate-a.conf', 'telegraf.d/rotate-b.conf']) {
      const onDisk = fs.readFileSync(file(rel), 'utf8');
      assert.ok(!onDisk.includes(old.value), `${rel} no longer holds the old value`);
      assert.ok(onDisk.includes(newValue), `${rel} holds the new value`);
    }
    assert.ok(fs.readFileSync(file('telegraf.d/rotate-b.conf'), 'utf8').includes(`Authorization = "Bearer ${newValue}"`));
    const server = api.connection.api();
    assert.equal((await server.getToken(old.token.id)).status, 'revoked');
    const repl = await server.getToken(outcome.replacement.id);
    assert.equal(repl.status, 'active');
    assert.match(repl.description, /^config features rotate me \(rotated \d{4}-\d{2}-\d{2}\)$/);
    assert.deepEqual(repl.permissions, AGENT);
    assert.ok(repl.expiresAt && Math.abs(Date.parse(repl.expiresAt) - (Date.now() + 30 * 86400e3)) < 120_000, 'same lifetime');
    assert.equal(await api.vault.getTokenValue(api.connection.origin!, old.token.id), undefined, 'the revoked value is forgotten');
    secrets.push(old.value, newValue);
  });

  it('Rotate Token… lists the secret stores configs read the token from, with the command for each store type, and copies the new value for them', async () => {
    const old = await api.createToken({ description: 'config features store rotate', expiresAt: null, permissions: AGENT });
    // What "Insert Token into Config…" writes for this token: its key in a docker store and in an os store.
    const key = 'tc_config_features_store_rotate';
    write(
      'store-rotate/docker.conf',
      `[[secretstores.docker]]\n  id = "dsec"\n\n[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n  instance_id = "a"\n  token = "@{dsec:${key}}"\n`,
    );
    write(
      'store-rotate/os.conf',
      `[[secretstores.os]]\n  id = "oss"\n\n[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n  instance_id = "b"\n  token = "@{oss:${key}}"\n`,
    );
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({
      message: [
        { match: 'Rotate the token "config features store rotate"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Open Commands' },
        { match: 'The new token is stored', answer: 'Copy New Value' },
        { match: 'The new token is stored', answer: 'Revoke Old Token' },
      ],
    });
    const clipboard = vscode.env.clipboard;
    let outcome: ReplaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
    }
    const commands = vscode.workspace.textDocuments.find((d) => d.isUntitled && d.getText().includes(key))?.getText() ?? '';
    assert.ok(outcome, JSON.stringify(ui.record.messages));
    const second = ui.record.messages.find((m) => m.text.startsWith('The new token is stored'));
    assert.match(second?.detail ?? '', new RegExp(`Secret "${key}" of the secret store "dsec" \\([^)]*store-rotate/docker\\.conf:7\\)`));
    assert.match(second?.detail ?? '', /secret store "oss"/);
    assert.match(commands, new RegExp(`read -rsp [^\\n]*printf %s "\\$TC_TOKEN" > ${key}\\)`), `a Docker secret file for the docker store: ${commands}`);
    assert.match(
      commands,
      new RegExp(`telegraf --config \\S*store-rotate/os\\.conf'? secrets set oss ${key}`),
      `telegraf secrets set for the os store: ${commands}`,
    );
    assert.equal(await clipboard.readText(), outcome.value, 'Copy New Value copies the new token');
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'revoked', 'revoked after the confirmation');
    await clipboard.writeText('');
    secrets.push(old.value, outcome.value);
    // The successor ("… (rotated <date>)") is read under the same key: rotating it lists the stores again.
    const again = scriptUi({
      message: [
        { match: 'Rotate the token "config features store rotate (rotated', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Revoke Old Token' },
      ],
    });
    let next: ReplaceOutcome | undefined;
    try {
      next = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', outcome.replacement.id);
    } finally {
      again.restore();
    }
    assert.ok(next, JSON.stringify(again.record.messages));
    const listedAgain = again.record.messages.find((m) => m.text.startsWith('The new token is stored'));
    assert.match(listedAgain?.detail ?? '', new RegExp(`Secret "${key}" of the secret store "dsec"`), 'the successor is found under the original key');
    secrets.push(next.value);
  });

  it('Rotate Token… revokes nothing when a step fails, and says what was done', async () => {
    const old = await api.createToken({ description: 'config features rotate fails', expiresAt: null, permissions: AGENT });
    secrets.push(old.value);
    write('rotate-fail.conf', heartbeatConfig(old.value));
    const fault = async (spec: Record<string, unknown>) => {
      const res = await fetch(`${emulator().url}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      assert.ok(res.ok, `fault: HTTP ${res.status}`);
    };
    const rotate = async () => {
      const ui = scriptUi({ message: [{ match: 'Rotate the token "config features rotate fails"', answer: 'Rotate' }] });
      try {
        await vscode.commands.executeCommand('telegrafController.rotateToken', old.token.id);
      } finally {
        ui.restore();
      }
      return ui.record.messages.filter((m) => m.level === 'error').map((m) => m.text);
    };

    await fault({ route: 'createToken', status: 500, times: 1 });
    const first = await rotate();
    assert.ok(
      first.some((t) => t.startsWith('Creating the replacement failed') && t.includes('Nothing was changed') && t.includes('NOT revoked')),
      JSON.stringify(first),
    );
    assert.ok(fs.readFileSync(file('rotate-fail.conf'), 'utf8').includes(old.value), 'the file is unchanged');
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'active');

    await fault({ route: 'revokeToken', status: 503, times: 1 });
    const second = await rotate();
    assert.ok(
      second.some(
        (t) =>
          t.startsWith('Revoking "config features rotate fails" failed') &&
          t.includes('created "config features rotate fails (rotated') &&
          t.includes('updated 1 reference in') &&
          t.includes('NOT revoked'),
      ),
      JSON.stringify(second),
    );
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'active', 'the old token stays active');
    assert.ok(!fs.readFileSync(file('rotate-fail.conf'), 'utf8').includes(old.value), 'the reference was updated before the revoke failed');
  });

  it('Revoke on Server and Replace… revokes a leaked token, writes the env reference and updates the env file that holds the value', async () => {
    const leaked = await api.createToken({ description: 'config features leaked', expiresAt: null, permissions: AGENT });
    write('leak.conf', heartbeatConfig(leaked.value));
    write('leak-agent/.env', `TELEGRAF_CONTROLLER_TOKEN=${leaked.value}\n`);
    const doc = await vscode.workspace.openTextDocument(uri('leak.conf'));
    const offset = doc.getText().indexOf(leaked.value);
    const declined = scriptUi({ message: [{ match: 'Revoke the leaked token "config features leaked"', answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.revokeAndReplace', { uri: doc.uri.toString(), offset, tokenId: leaked.token.id });
    } finally {
      declined.restore();
    }
    assert.equal((await api.connection.api().getToken(leaked.token.id)).status, 'active', 'cancelling changes nothing');
    const ui = scriptUi({ message: [{ match: 'Revoke the leaked token "config features leaked"', answer: 'Revoke and Replace' }] });
    let outcome: ReplaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.revokeAndReplace', {
        uri: doc.uri.toString(),
        offset,
        tokenId: leaked.token.id,
      });
    } finally {
      ui.restore();
    }
    assert.ok(outcome, JSON.stringify(ui.record.messages));
    assert.equal((await api.connection.api().getToken(leaked.token.id)).status, 'revoked');
    const onDisk = fs.readFileSync(file('leak.conf'), 'utf8');
    assert.ok(!onDisk.includes(leaked.value));
    assert.match(onDisk, /token = "\$\{TELEGRAF_CONTROLLER_TOKEN\}"/);
    const confirm = ui.record.messages.find((m) => m.text.startsWith('Revoke the leaked token'));
    assert.match(confirm?.detail ?? '', /Env files that get the new value: [^\n]*leak-agent\/\.env/, 'the dialog names the env file');
    assert.equal(fs.readFileSync(file('leak-agent/.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${outcome.value}\n`, 'the env file holds the new value');
    assert.equal((await api.connection.api().getToken(outcome.replacement.id)).status, 'active');
    secrets.push(leaked.value, outcome.value);
  });

  it('never writes a token value to the logs', async () => {
    secrets.push(stored.value, revoked.value, expired.value);
    const logRoot = path.dirname(path.dirname(api.logUri.fsPath));
    const all = findFiles(logRoot)
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    assert.ok(all.length > 0, `no log under ${logRoot}`);
    for (const v of secrets) assert.ok(!all.includes(v.slice(9)), 'a log file contains a token value');
    assert.match(all, /rotated token \S+ "config features rotate me"/, 'rotation is logged with id and description');
  });
});

describe('Check Config with Telegraf (the real telegraf binary)', function () {
  this.timeout(90_000);
  const telegraf = path.join(EXTENSION_ROOT, '.telegraf', 'v1.40.1', 'telegraf');
  let dir: string;
  let restore: (() => Promise<void>) | undefined;

  before(async function () {
    await activateExtension<TestApi>();
    assert.ok(fs.existsSync(telegraf), `${telegraf} is missing: run bash scripts/build-telegraf.sh`);
    dir = path.join(workspaceFolder(), 'cfg-telegraf');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    restore = await setSettings({ 'telegrafController.telegrafPath': telegraf });
  });

  after(async () => {
    await restore?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs no program in Restricted Mode, not even telegraf --version; trusted, it does', async () => {
    // A "telegraf" that leaves a marker whenever it is run, then runs the real one.
    const marker = path.join(dir, 'ran');
    const wrapper = path.join(dir, 'telegraf-wrapper.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\ntouch '${marker}'\nexec '${telegraf}' "$@"\n`, { mode: 0o755 });
    const undo = await setSettings({ 'telegrafController.telegrafPath': wrapper });
    const untrusted = new TelegrafLocator(() => false);
    const trusted = new TelegrafLocator(() => true);
    try {
      await assert.rejects(
        untrusted.locate(),
        (e: unknown) => e instanceof Error && (e as TelegrafUnavailable).reason === 'untrusted' && /Restricted Mode/.test(e.message),
      );
      assert.equal(fs.existsSync(marker), false, 'nothing ran in Restricted Mode');
      const found = await trusted.locate();
      assert.equal(found.path, wrapper);
      assert.equal(fs.existsSync(marker), true, 'trusted, the program runs (the test can fail)');
    } finally {
      untrusted.dispose();
      trusted.dispose();
      await undo();
    }
  });

  const telegrafDiagnostics = (u: vscode.Uri) => vscode.languages.getDiagnostics(u).filter((d) => d.source === 'telegraf');

  it('checks the unsaved buffer and shows what Telegraf reports on its line, source telegraf', async () => {
    const file = path.join(dir, 'telegraf.conf');
    const good =
      '[agent]\n  interval = "10s"\n\n[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n';
    fs.writeFileSync(file, good);
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const ok = await vscode.commands.executeCommand<TelegrafCheckResult>('telegrafController.checkConfigWithTelegraf');
    assert.equal(ok?.ok, true, JSON.stringify(ok));
    assert.equal(ok?.telegrafVersion, '1.40.1');
    assert.deepEqual(telegrafDiagnostics(doc.uri), []);

    // A typo in the buffer, not saved: Telegraf sees the buffer, the file on disk stays as it was.
    await editor.edit((b) => b.insert(new vscode.Position(6, 0), '  intervall = "1m"\n'));
    assert.ok(doc.isDirty);
    const bad = await vscode.commands.executeCommand<TelegrafCheckResult>('telegrafController.checkConfigWithTelegraf');
    assert.equal(bad?.ok, false);
    const diags = telegrafDiagnostics(doc.uri);
    assert.equal(diags.length, 1, JSON.stringify(diags.map((d) => d.message)));
    assert.equal(diags[0]!.range.start.line, 6, 'on the line of the unknown option');
    assert.equal(diags[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags[0]!.message, /configuration specified the fields \["intervall"\]/);
    assert.ok(!diags[0]!.message.includes('tc-telegraf-check-'), 'the private copy never shows');
    assert.equal(fs.readFileSync(file, 'utf8'), good, 'the file on disk is untouched');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    // The text Telegraf checked is gone: its problem, on a line that no longer says that, goes too.
    await waitUntil(() => telegrafDiagnostics(doc.uri).length === 0, { what: 'Telegraf problems dropped after the edit', timeoutMs: 10_000 });
  });

  it('a config saved as UTF-16, which Telegraf cannot read, fails the check even though its text is fine', async () => {
    const file = path.join(dir, 'utf16.conf');
    const text = '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n';
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const doc = await vscode.workspace.openTextDocument(file);
    assert.equal(doc.getText(), text, 'VS Code shows it as plain text');
    await vscode.window.showTextDocument(doc);
    const r = await vscode.commands.executeCommand<TelegrafCheckResult>('telegrafController.checkConfigWithTelegraf');
    assert.equal(r?.ok, false, JSON.stringify(r));
    const diags = telegrafDiagnostics(doc.uri);
    assert.ok(
      diags.some((d) => /utf16\.conf is saved as UTF-16LE, which Telegraf cannot read/.test(d.message) && d.severity === vscode.DiagnosticSeverity.Error),
      JSON.stringify(diags.map((d) => d.message)),
    );
    // The real agent agrees.
    const real = spawnSync(telegraf, ['config', 'check', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(real.status, 0, `${real.stdout}${real.stderr}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('on save when enabled: a plugin that fails to initialise is marked on its header', async () => {
    const undo = await setSettings({ 'telegrafController.checkConfigOnSave': true });
    try {
      const file = path.join(dir, 'onsave.conf');
      fs.writeFileSync(file, '[agent]\n  interval = "10s"\n');
      const doc = await vscode.workspace.openTextDocument(file);
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((b) => b.insert(new vscode.Position(2, 0), '\n[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n'));
      await doc.save();
      const diags = await waitUntil(
        () => {
          const d = telegrafDiagnostics(doc.uri);
          return d.length > 0 ? d : undefined;
        },
        { what: 'telegraf diagnostics after save', timeoutMs: 30_000 },
      );
      assert.equal(diags[0]!.range.start.line, 3);
      assert.match(diags[0]!.message, /instance ID required/);
    } finally {
      await undo();
    }
  });

  it('version awareness with Telegraf 1.38: a note on TELEGRAF_CONTROLLER_TOKEN (fine in a local config, not in one the controller serves), the setting is warned once with a fix', async function () {
    const old = path.join(EXTENSION_ROOT, '.telegraf', 'v1.38.3', 'telegraf');
    if (!fs.existsSync(old)) this.skip();
    const undo = await setSettings({ 'telegrafController.telegrafPath': old, 'telegrafController.envVarName': 'TELEGRAF_CONTROLLER_TOKEN' });
    const ui = scriptUi({ message: [] });
    try {
      const file = path.join(dir, 'v138.conf');
      fs.writeFileSync(
        file,
        '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n',
      );
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      const result = await vscode.commands.executeCommand<TelegrafCheckResult>('telegrafController.checkConfigWithTelegraf');
      assert.equal(result?.telegrafVersion, '1.38.3');
      assert.equal(result?.ok, true, 'Telegraf 1.38.3 loads it');
      assert.equal(result?.misfits.length, 1);
      const d = vscode.languages.getDiagnostics(doc.uri).find((x) => x.code === 'telegraf-version');
      assert.ok(d, 'a version diagnostic');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Information, 'a local config works with 1.38.3: a note, not a warning');
      assert.equal(doc.getText(d.range), '${TELEGRAF_CONTROLLER_TOKEN}');
      assert.match(d.message, /Telegraf 1\.38\.3 reads \$\{TELEGRAF_CONTROLLER_TOKEN\} from its environment in a local config/);
      assert.ok(
        ui.record.messages.some((m) => m.level === 'info' && /loads v138\.conf without problems.*A note about this Telegraf version/.test(m.text)),
        JSON.stringify(ui.record.messages),
      );
      const warned = ui.record.messages.filter((m) => m.text.includes('Telegraf 1.38.3 does not read TELEGRAF_CONTROLLER_TOKEN'));
      assert.equal(warned.length, 1, 'the envVarName setting is warned about');
      await vscode.commands.executeCommand('telegrafController.checkConfigWithTelegraf');
      assert.equal(ui.record.messages.filter((m) => m.text.includes('does not read TELEGRAF_CONTROLLER_TOKEN')).length, 1, 'once');
    } finally {
      ui.restore();
      await undo();
    }
  });
  it('Check Config with Telegraf without a usable Telegraf: a warning that leads to the setting, not an error', async () => {
    const undo = await setSettings({ 'telegrafController.telegrafPath': path.join(dir, 'no-such-telegraf') });
    const ui = scriptUi({ message: [] });
    try {
      fs.writeFileSync(path.join(dir, 'no-telegraf.conf'), '[agent]\n  interval = "10s"\n');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(dir, 'no-telegraf.conf')));
      const result = await vscode.commands.executeCommand('telegrafController.checkConfigWithTelegraf');
      assert.equal(result, undefined);
      await waitUntil(() => ui.record.messages.some((m) => m.level === 'warning' && /telegraf/i.test(m.text)), { what: 'the warning' });
      assert.ok(!ui.record.messages.some((m) => m.level === 'error'), JSON.stringify(ui.record.messages));
    } finally {
      ui.restore();
      await undo();
    }
  });
});
