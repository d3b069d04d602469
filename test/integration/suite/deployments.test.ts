/**
 * Deployment files in a real VS Code against the controller emulator
 * (README.md "Deploying agents"): workspace diagnostics in a Compose file, a
 * Kubernetes ConfigMap and an env file named only through `env_file:`;
 * "Add Token to Deployment…" on a Compose file (one undoable edit, value in
 * a 0600 `.env`); "Rotate Token…" updating an env file, listing the cluster
 * Secret a manifest references with its kubectl command, and revoking only
 * after the user confirms (declining keeps the old token active), and
 * following the token into an env file "Add to Env File…" wrote outside the
 * workspace. Files are written at runtime into `<workspace>/deploy-features/`
 * (and `<workspace>/../outside-env/`).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import type { ReplaceOutcome } from '../../../src/features/configFiles/tokenReplacement';
import type { AddTokenResult } from '../../../src/features/configFiles/deployments/addTokenCommand';
import { activateExtension, emulator, waitUntil, workspaceFolder } from '../harness';
import { byLabel, ensureSignedIn, scriptUi } from './helpers/ui';

const AGENT = { configs: ['read' as const], heartbeat: ['write' as const] };

/** The text of every hover at the first `tc-apiv1_` value of the file. */
async function hoverText(uri: vscode.Uri): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const offset = doc.getText().indexOf('tc-apiv1_');
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, doc.positionAt(offset + 3));
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n')
    .replace(/&nbsp;/g, ' ');
}

function codesOf(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'Telegraf Controller')
    .map((d) => `${String(typeof d.code === 'object' ? d.code.value : d.code)}/${vscode.DiagnosticSeverity[d.severity]}`)
    .sort();
}

/**
 * Inserts token `t` into the workspace's telegraf.conf as an environment reference and answers
 * "Add to Env File…" with `envFile` (a path outside the workspace); then undoes the config edit.
 */
async function addToOutsideEnvFile(t: { token: { id: string }; value: string }, envFile: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(path.join(workspaceFolder(), 'telegraf.conf'));
  const editor = await vscode.window.showTextDocument(doc);
  const line = doc
    .getText()
    .split('\n')
    .findIndex((l) => l.includes('instance_id'));
  editor.selection = new vscode.Selection(line, 0, line, 0);
  const w = vscode.window as any;
  const realSave = w.showSaveDialog;
  w.showSaveDialog = async () => vscode.Uri.file(envFile);
  const ui = scriptUi({
    quickPick: [byLabel('Environment variable reference')],
    message: [{ match: 'now reads the token from', answer: 'Add to Env File…' }],
  });
  try {
    await vscode.commands.executeCommand('telegrafController.insertToken', t.token.id);
    await waitUntil(() => fs.existsSync(envFile) && fs.readFileSync(envFile, 'utf8').includes(t.value), { what: 'the value in the env file' });
  } finally {
    ui.restore();
    w.showSaveDialog = realSave;
  }
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('undo');
}

describe('Deployment files', function () {
  this.timeout(120_000);
  let api: TestApi;
  let dir: string;
  const file = (rel: string) => path.join(dir, rel);
  const uri = (rel: string) => vscode.Uri.file(file(rel));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
    fs.writeFileSync(file(rel), text);
  };

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await ensureSignedIn(api, emulator());
    dir = path.join(workspaceFolder(), 'deploy-features');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('flags plaintext tokens in Compose, ConfigMaps and an env file found only through env_file:', async () => {
    const t = await api.createToken({ description: 'deploy diag', expiresAt: null, permissions: AGENT });
    write(
      'diag/docker-compose.yml',
      `services:\n  telegraf:\n    image: telegraf:1.40\n    env_file:\n      - agent-secrets\n    environment:\n      TELEGRAF_CONTROLLER_TOKEN: ${t.value}\n`,
    );
    write('diag/agent-secrets', `TELEGRAF_CONTROLLER_TOKEN=${t.value}\n`);
    write('diag/k8s.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  TELEGRAF_CONTROLLER_TOKEN: ${t.value}\n`);
    await vscode.commands.executeCommand('telegrafController.checkConfigTokens').then(undefined, () => undefined);
    await waitUntil(() => codesOf(uri('diag/docker-compose.yml')).includes('plaintext-token/Warning'), { what: 'compose diagnostic', timeoutMs: 30_000 });
    await waitUntil(() => codesOf(uri('diag/k8s.yaml')).includes('configmap-token/Warning'), { what: 'ConfigMap diagnostic', timeoutMs: 30_000 });
    await waitUntil(() => codesOf(uri('diag/agent-secrets')).some((c) => c.startsWith('plaintext-token/')), {
      what: `env_file diagnostic (${codesOf(uri('diag/agent-secrets'))})`,
      timeoutMs: 30_000,
    });
    for (const rel of ['diag/docker-compose.yml', 'diag/k8s.yaml']) {
      for (const d of vscode.languages.getDiagnostics(uri(rel))) assert.ok(!d.message.includes(t.value), 'a diagnostic never repeats the value');
    }
    // "Check Tokens in Workspace Configs" counts the deployment files' findings too (at least those of these files).
    const here = ['diag/docker-compose.yml', 'diag/k8s.yaml', 'diag/agent-secrets'].reduce((n, rel) => n + codesOf(uri(rel)).length, 0);
    const counted = scriptUi({ message: [] });
    try {
      await vscode.commands.executeCommand('telegrafController.checkConfigTokens');
    } finally {
      counted.restore();
    }
    const summary = counted.record.messages.find((m) => /token problems? found/.test(m.text))?.text ?? '';
    assert.ok(Number(/^(\d+) token problems found/.exec(summary)?.[1] ?? 0) >= here, `${summary} (these deployment files alone: ${here})`);
    // The same value in an env file not tracked by git: flagged while others may read it; once only its owner
    // can (mode 0600, as this extension writes them) it is where a value belongs, so no plaintext finding.
    write('diag/owner-only/docker-compose.yml', `services:\n  telegraf:\n    image: telegraf:1.40\n    env_file:\n      - agent.env\n`);
    write('diag/owner-only/agent.env', `TELEGRAF_CONTROLLER_TOKEN=${t.value}\n`);
    fs.chmodSync(file('diag/owner-only/agent.env'), 0o644);
    await vscode.commands.executeCommand('telegrafController.checkConfigTokens').then(undefined, () => undefined);
    await waitUntil(() => codesOf(uri('diag/owner-only/agent.env')).some((c) => c.startsWith('plaintext-token/')), {
      what: `readable by others: flagged (${codesOf(uri('diag/owner-only/agent.env'))})`,
      timeoutMs: 30_000,
    });
    assert.match(await hoverText(uri('diag/owner-only/agent.env')), /use the quick fix/, 'a flagged value: the hover points to its quick fix');
    fs.chmodSync(file('diag/owner-only/agent.env'), 0o600);
    await vscode.commands.executeCommand('telegrafController.checkConfigTokens').then(undefined, () => undefined);
    await waitUntil(() => codesOf(uri('diag/owner-only/agent.env')).length === 0, {
      what: `owner-only: no finding for an active token (${codesOf(uri('diag/owner-only/agent.env'))})`,
      timeoutMs: 30_000,
    });
    const hover = await hoverText(uri('diag/owner-only/agent.env'));
    assert.match(hover, /deploy diag/, 'the hover names the token');
    assert.doesNotMatch(hover, /quick fix/, 'no finding, so no quick fix to point to');
  });

  it('files written from a shell (not the editor) are checked without "Check Tokens": the env file a new Compose file names too', async () => {
    // A value of no token (creating one would change the token list, which re-checks every file anyway).
    const value = 'tc-apiv1_ShellWrittenValue0123456789abcdef';
    // The env file first, then the Compose file that names it: the env file has no telling name of its own.
    write('shell-written/agent-secrets', `TELEGRAF_CONTROLLER_TOKEN=${value}\n`);
    write('shell-written/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n    env_file:\n      - agent-secrets\n');
    await waitUntil(() => codesOf(uri('shell-written/agent-secrets')).some((c) => c.startsWith('plaintext-token/')), {
      what: `the env file is checked once the Compose file that names it appears (${codesOf(uri('shell-written/agent-secrets'))})`,
      timeoutMs: 30_000,
    });
  });

  it('Add Token to Deployment… wires a Compose service by reference (one undoable edit, value in a 0600 .env)', async () => {
    const t = await api.createToken({ description: 'deploy add', expiresAt: null, permissions: AGENT });
    const before = `services:\n  telegraf:\n    image: telegraf:1.26\n    environment:\n      - INFLUX_TOKEN=<TOKEN>\n    restart: always\n`;
    write('add/docker-compose.yml', before);
    const res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('add/docker-compose.yml'), {
      tokenId: t.token.id,
      composeMode: 'environment',
      yes: true,
    });
    assert.ok(res);
    assert.equal(res.plan.varName, 'INFLUX_TOKEN', 'telegraf:1.26 reads INFLUX_TOKEN');
    assert.ok(
      res.plan.notes.some((n) => /too old/.test(n)),
      'the pin is too old for the heartbeat',
    );
    const doc = await vscode.workspace.openTextDocument(uri('add/docker-compose.yml'));
    assert.equal(doc.getText(), before.replace('INFLUX_TOKEN=<TOKEN>', 'INFLUX_TOKEN=${INFLUX_TOKEN:?INFLUX_TOKEN is not set}'));
    const env = file('add/.env');
    assert.equal(fs.readFileSync(env, 'utf8'), `INFLUX_TOKEN=${t.value}\n`);
    assert.equal(fs.statSync(env).mode & 0o777, 0o600);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before, 'one undo restores the file');
  });

  it('Add Token to Deployment… refuses a service whose --config is an InfluxDB URL: no question, no edit, no env file, the reason named', async () => {
    const t = await api.createToken({ description: 'deploy influx config', expiresAt: null, permissions: AGENT });
    const before = `services:\n  telegraf:\n    image: telegraf:1.40\n    command: ["--config", "http://influxdb:8086/api/v2/telegrafs/0c313129a3433000"]\n    environment:\n      - INFLUX_TOKEN=\${INFLUX_TOKEN}\n`;
    write('influx-config/docker-compose.yml', before);
    const ui = scriptUi({});
    let error: unknown;
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('influx-config/docker-compose.yml'), { tokenId: t.token.id });
    } catch (e) {
      error = e;
    } finally {
      ui.restore();
    }
    const shown = ui.record.messages.find((m) => m.level === 'error')?.text ?? (error instanceof Error ? error.message : '');
    assert.match(
      shown,
      /loads its configuration from http:\/\/influxdb:8086\/api\/v2\/telegrafs\/0c313129a3433000, which is not a Telegraf Controller config URL/,
    );
    assert.deepEqual(ui.record.picks, [], 'nothing is asked');
    assert.equal((await vscode.workspace.openTextDocument(uri('influx-config/docker-compose.yml'))).getText(), before, 'the Compose file is unchanged');
    assert.ok(!fs.existsSync(file('influx-config/.env')), 'no env file is written');
  });

  it('Add Token to Deployment… asks before writing into an env file that already holds another token, and changes nothing when declined', async () => {
    const t = await api.createToken({ description: 'deploy shared env', expiresAt: null, permissions: AGENT });
    const compose = `services:\n  telegraf:\n    image: telegraf:1.40\n    environment:\n      - TELEGRAF_CONTROLLER_TOKEN=<TOKEN>\n`;
    const envBefore = 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_AnotherDeploymentsToken01234\n';
    write('shared/docker-compose.yml', compose);
    write('shared/.env', envBefore);
    const ui = scriptUi({ message: [{ match: '.env already gives agents a token.', answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('shared/docker-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
      });
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text === '.env already gives agents a token.');
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.detail ?? '', /It sets TELEGRAF_CONTROLLER_TOKEN to a token \(tc-apiv1_Ano…\): writing replaces it/);
    // Compose reads ${VAR} from .env only: no other file to offer; the default (first) button opens the file, replacing is second.
    assert.deepEqual(asked.buttons, ['Open .env', 'Replace the Token in .env']);
    assert.equal(fs.readFileSync(file('shared/.env'), 'utf8'), envBefore, 'the env file is unchanged');
    assert.equal((await vscode.workspace.openTextDocument(uri('shared/docker-compose.yml'))).getText(), compose, 'the Compose file is unchanged');
  });

  it("Add Token to Deployment… when .env holds another service's token in another variable: names the Compose file that reads it, and offers to add, not replace", async () => {
    const t = await api.createToken({ description: 'deploy other var in dotenv', expiresAt: null, permissions: AGENT });
    const envBefore = 'INFLUX_TOKEN=tc-apiv1_OldAgentReadsInfluxVar012345\n';
    const compose =
      'services:\n  old-agent:\n    image: telegraf:1.38\n    environment:\n      INFLUX_TOKEN: ${INFLUX_TOKEN}\n  new-agent:\n    image: telegraf:1.40\n';
    write('other-var/docker-compose.yml', compose);
    write('other-var/.env', envBefore);
    const ui = scriptUi({ message: [{ match: '.env already gives agents a token.', answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('other-var/docker-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
        service: 'new-agent',
      });
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text === '.env already gives agents a token.');
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.detail ?? '', /It also holds INFLUX_TOKEN/);
    assert.match(asked.detail ?? '', /Named by: \S*other-var\/docker-compose\.yml\./, 'the Compose file that reads ${INFLUX_TOKEN} from it');
    assert.deepEqual(asked.buttons, ['Use telegraf-controller.env', 'Add It to .env'], 'nothing is replaced: the button says so');
    assert.equal(fs.readFileSync(file('other-var/.env'), 'utf8'), envBefore, 'declined: unchanged');
    assert.equal((await vscode.workspace.openTextDocument(uri('other-var/docker-compose.yml'))).getText(), compose, 'declined: unchanged');
  });

  it('Add Token to Deployment… on a Compose file with several Telegraf services asks which one, those without a token first, with image and token state', async () => {
    const t = await api.createToken({ description: 'deploy compose service picker', expiresAt: null, permissions: AGENT });
    write(
      'service-picker/docker-compose.yml',
      'services:\n  wired:\n    image: telegraf:1.40\n    environment:\n      TELEGRAF_CONTROLLER_TOKEN: ${TELEGRAF_CONTROLLER_TOKEN}\n  bare:\n    image: telegraf:1.39-alpine\n  other:\n    image: telegraf:1.40\n',
    );
    let offered: string[] = [];
    const ui = scriptUi({ quickPick: [(items: any[]) => ((offered = items.map((i) => `${i.label} | ${i.description}`)), undefined)] });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('service-picker/docker-compose.yml'), { tokenId: t.token.id });
    } finally {
      ui.restore();
    }
    assert.deepEqual(offered, [
      'bare | telegraf:1.39-alpine · no token yet',
      'other | telegraf:1.40 · no token yet',
      'wired | telegraf:1.40 · has a token already',
    ]);
    // The confirmation names the other services still without a token.
    const again = scriptUi({
      quickPick: [(items: any[]) => items.find((i) => i.label === 'bare'), (items: any[]) => items.find((i) => i.label === 'env_file:')],
      message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: undefined }],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('service-picker/docker-compose.yml'), { tokenId: t.token.id });
    } finally {
      again.restore();
    }
    const asked = again.record.messages.find((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN'));
    assert.match(
      asked?.detail ?? '',
      /Other Telegraf services of this file have no token yet: other\. Run Add Token to Deployment again for each/,
      JSON.stringify(again.record),
    );
  });

  it("Add Token to Deployment… with the environment: form, when .env already holds another service's token, offers an env_file: of this service's own", async () => {
    const t = await api.createToken({ description: 'deploy compose own env_file', expiresAt: null, permissions: AGENT });
    const envBefore = 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_TelegrafXsOwnToken0123456789ab\n';
    write(
      'compose-own/docker-compose.yml',
      'services:\n  telegraf-x:\n    image: telegraf:1.40\n    environment:\n      TELEGRAF_CONTROLLER_TOKEN: ${TELEGRAF_CONTROLLER_TOKEN}\n  telegraf-b:\n    image: telegraf:1.40\n',
    );
    write('compose-own/.env', envBefore);
    const ui = scriptUi({
      message: [
        { match: '.env already gives agents a token.', answer: 'Use telegraf-controller.env' },
        { match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: 'Add' },
      ],
    });
    let res: AddTokenResult | undefined;
    try {
      res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('compose-own/docker-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
        service: 'telegraf-b',
      });
    } finally {
      ui.restore();
    }
    assert.ok(res, JSON.stringify(ui.record.messages));
    const asked = ui.record.messages.find((m) => m.text === '.env already gives agents a token.');
    assert.deepEqual(asked?.buttons, ['Use telegraf-controller.env', 'Replace the Token in .env'], 'a file of its own is the default');
    assert.equal(fs.readFileSync(file('compose-own/.env'), 'utf8'), envBefore, "telegraf-x's token is kept");
    assert.equal(fs.readFileSync(file('compose-own/telegraf-controller.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${t.value}\n`);
    const compose = fs.readFileSync(file('compose-own/docker-compose.yml'), 'utf8');
    assert.match(compose.slice(compose.indexOf('telegraf-b:')), /env_file:\n\s+- telegraf-controller\.env\n/);
    assert.doesNotMatch(compose.slice(compose.indexOf('telegraf-b:')), /environment:/);
  });

  it('Add Token to Deployment… never replaces by default the token another deployment reads from the same env file: it names that deployment and offers a file of its own', async () => {
    const t = await api.createToken({ description: 'deploy k8s beside unit', expiresAt: null, permissions: AGENT });
    const unitValue = 'tc-apiv1_SystemdUnitsOwnToken0123456789';
    write(
      'beside/telegraf.service',
      '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nExecStart=/usr/bin/telegraf\n# install telegraf-controller.env as /etc/telegraf/telegraf-controller.env\n',
    );
    write('beside/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${unitValue}\n`);
    write(
      'beside/telegraf-k8s.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\n  namespace: beside-ns\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n',
    );
    const ui = scriptUi({
      message: [
        { match: 'telegraf-controller.env already gives agents a token.', answer: 'Use telegraf-controller-2.env' },
        { match: /^Add TELEGRAF_CONTROLLER_TOKEN to telegraf-k8s\.yaml\?/, answer: 'Add' },
      ],
    });
    let res: AddTokenResult | undefined;
    try {
      res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('beside/telegraf-k8s.yaml'), {
        tokenId: t.token.id,
        k8s: 'kubectl',
      });
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text === 'telegraf-controller.env already gives agents a token.');
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.deepEqual(
      asked.buttons,
      ['Use telegraf-controller-2.env', 'Replace the Token in telegraf-controller.env'],
      'the safe choice is the default (first) button',
    );
    assert.match(asked.detail ?? '', /Named by: [^\n]*beside\/telegraf\.service/);
    assert.equal(fs.readFileSync(file('beside/telegraf-controller.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${unitValue}\n`, "the unit's token is kept");
    assert.equal(fs.readFileSync(file('beside/telegraf-controller-2.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${t.value}\n`);
    assert.equal(fs.statSync(file('beside/telegraf-controller-2.env')).mode & 0o777, 0o600);
    // A Secret of its own too.
    assert.match(
      res?.commands[0] ?? '',
      /^kubectl create secret generic telegraf-controller-token-2 -n beside-ns --from-env-file=\S*beside\/telegraf-controller-2\.env /,
    );
    assert.match(fs.readFileSync(file('beside/telegraf-k8s.yaml'), 'utf8'), /secretKeyRef:\n\s+name: telegraf-controller-token-2\n/);

    // Rotate follows the token into its own Secret.
    await vscode.env.clipboard.writeText('');
    const rot = scriptUi({
      message: [
        { match: 'Rotate the token "deploy k8s beside unit"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', t.token.id);
    } finally {
      rot.restore();
    }
    const confirm = rot.record.messages.find((m) => m.text.startsWith('Rotate the token'));
    assert.ok(confirm?.detail?.includes('Kubernetes Secret "telegraf-controller-token-2"'), confirm?.detail);
    const commands = await vscode.env.clipboard.readText();
    assert.match(commands, /\nTC_B64=\$\(kubectl create secret generic telegraf-controller-token-2 --from-env-file=\S*beside\/telegraf-controller-2\.env/);
    assert.equal(fs.readFileSync(file('beside/telegraf-controller.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${unitValue}\n`, "the unit's token is still kept");
    assert.ok(!fs.readFileSync(file('beside/telegraf-controller-2.env'), 'utf8').includes(t.value), 'its own env file got the new value');
  });

  it('Add Token to Deployment… never gives a second Kubernetes agent the Secret another workspace manifest reads (one Secret per namespace): one of its own, and Rotate knows which is which', async () => {
    const a = await api.createToken({ description: 'deploy secret a', expiresAt: null, permissions: AGENT });
    const b = await api.createToken({ description: 'deploy secret b', expiresAt: null, permissions: AGENT });
    const c = await api.createToken({ description: 'deploy secret c', expiresAt: null, permissions: AGENT });
    const ds = (name: string) =>
      `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ${name}\n  namespace: shared-ns\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n`;
    write('ns-a/agent-a.yaml', ds('agent-a'));
    write('ns-b/agent-b.yaml', ds('agent-b'));
    write('ns-c/agent-c.yaml', ds('agent-c'));
    // Agent a: a Secret manifest; agent b (another folder, same namespace) and agent c: kubectl from an env file.
    const resA = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('ns-a/agent-a.yaml'), {
      tokenId: a.token.id,
      k8s: 'manifest',
      yes: true,
    });
    const secretA = /([^/]+)\.secret\.yaml$/.exec(resA?.valueFile ?? '')?.[1];
    assert.ok(secretA, JSON.stringify(resA));
    const manifestA = fs.readFileSync(file(`ns-a/${secretA}.secret.yaml`), 'utf8');
    assert.match(manifestA, new RegExp(`^ {2}name: ${secretA}\\n {2}namespace: "shared-ns"$`, 'm'), 'the Secret is created where the DaemonSet looks for it');
    const ui = scriptUi({ message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to agent-b\.yaml\?/, answer: 'Add' }] });
    let resB: AddTokenResult | undefined;
    try {
      resB = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('ns-b/agent-b.yaml'), {
        tokenId: b.token.id,
        k8s: 'kubectl',
      });
    } finally {
      ui.restore();
    }
    const confirm = ui.record.messages.find((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN to agent-b.yaml'));
    const secretB = /kubectl create secret generic (\S+) -n shared-ns/.exec(resB?.commands[0] ?? '')?.[1];
    assert.ok(secretB && secretB !== secretA, `a Secret of its own: ${resB?.commands[0]}`);
    assert.match(
      confirm?.detail ?? '',
      new RegExp(`The Secret "${secretA}" is already read by [^\\n]*ns-a/agent-a\\.yaml: this agent gets the Secret "${secretB}" of its own`),
    );
    assert.equal(fs.readFileSync(file(`ns-a/${secretA}.secret.yaml`), 'utf8'), manifestA, "agent a's Secret manifest is kept");
    const resC = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('ns-c/agent-c.yaml'), {
      tokenId: c.token.id,
      k8s: 'kubectl',
      yes: true,
    });
    const secretC = /kubectl create secret generic (\S+) -n shared-ns/.exec(resC?.commands[0] ?? '')?.[1];
    assert.ok(secretC && secretC !== secretA && secretC !== secretB, `a third Secret: ${secretA} ${secretB} ${secretC}`);

    // Rotating agent b's token names its own Secret only: agent a's is known to hold another token (its manifest says so).
    await vscode.env.clipboard.writeText('');
    const rot = scriptUi({
      message: [
        { match: 'Rotate the token "deploy secret b"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', b.token.id);
    } finally {
      rot.restore();
    }
    const commands = await vscode.env.clipboard.readText();
    assert.ok(commands.includes(`Kubernetes Secret "${secretB}"`), commands);
    assert.ok(!commands.includes(`Kubernetes Secret "${secretA}" (deploy-features/ns-a`), `agent a's Secret is not listed: ${commands}`);
    assert.ok(!commands.includes(`Kubernetes Secret "${secretC}" (deploy-features/ns-c`), `agent c's Secret is not listed: ${commands}`);
    // Rotating agent a's token updates its Secret manifest, applied again.
    await vscode.env.clipboard.writeText('');
    const rotA = scriptUi({
      message: [
        { match: 'Rotate the token "deploy secret a"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', a.token.id);
    } finally {
      rotA.restore();
    }
    const commandsA = await vscode.env.clipboard.readText();
    const confirmA = rotA.record.messages.find((m) => m.text.startsWith('Rotate the token "deploy secret a"'));
    assert.match(confirmA?.detail ?? '', new RegExp(`Files that get the new value \\(env files, Secret manifests\\): [^\\n]*${secretA}\\.secret\\.yaml`));
    assert.match(commandsA, new RegExp(`Kubernetes Secret "${secretA}" [^\\n]*defined in \\S*ns-a/${secretA}\\.secret\\.yaml, which gets the new value`));
    assert.match(commandsA, new RegExp(`\\nkubectl apply -f \\S*ns-a/${secretA}\\.secret\\.yaml\\nkubectl rollout restart daemonset/agent-a -n shared-ns`));
    assert.ok(!fs.readFileSync(file(`ns-a/${secretA}.secret.yaml`), 'utf8').includes(a.value), 'the Secret manifest got the new value');
  });

  it("Rotate follows each systemd unit to the host file its own env file is installed as, never another unit's", async () => {
    const web = await api.createToken({ description: 'deploy unit web', expiresAt: null, permissions: AGENT });
    const edge = await api.createToken({ description: 'deploy unit edge', expiresAt: null, permissions: AGENT });
    write('units-claims/telegraf.service', '[Service]\nExecStart=/usr/bin/telegraf\n');
    write('units-claims/telegraf-edge.service', '[Service]\nEnvironmentFile=-/etc/default/telegraf-edge\nExecStart=/usr/bin/telegraf\n');
    await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('units-claims/telegraf.service'), { tokenId: web.token.id, yes: true });
    const ui = scriptUi({
      message: [
        { match: 'telegraf-controller.env already gives agents a token.', answer: 'Use telegraf-controller-2.env' },
        { match: /^Give the agent of telegraf-edge\.service the token/, answer: 'Add' },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('units-claims/telegraf-edge.service'), { tokenId: edge.token.id });
    } finally {
      ui.restore();
    }
    assert.match(fs.readFileSync(file('units-claims/telegraf-controller-2.env'), 'utf8'), /^# Installed on the host as \/etc\/default\/telegraf-edge\n/);
    const rotate = async (t: typeof web) => {
      await vscode.env.clipboard.writeText('');
      const r = scriptUi({
        message: [
          { match: `Rotate the token "${t.token.description}"`, answer: 'Rotate' },
          { match: 'The new token is stored', answer: 'Copy Commands' },
          { match: 'The new token is stored', answer: undefined },
        ],
      });
      try {
        await vscode.commands.executeCommand('telegrafController.rotateToken', t.token.id);
      } finally {
        r.restore();
      }
      return vscode.env.clipboard.readText();
    };
    const webCommands = await rotate(web);
    assert.ok(!webCommands.includes('/etc/default/telegraf-edge'), `the edge unit's host file is not the web token's: ${webCommands}`);
    assert.match(webCommands, /sudo install -D -m 0600 -o root -g root \S*units-claims\/telegraf-controller\.env \/etc\/telegraf\/telegraf-controller\.env/);
    const edgeCommands = await rotate(edge);
    assert.match(
      edgeCommands,
      /Host file \/etc\/default\/telegraf-edge \(read by telegraf-edge\.service\)[^\n]*its TELEGRAF_CONTROLLER_TOKEN line gets the new value from \S*units-claims\/telegraf-controller-2\.env/,
      edgeCommands,
    );
    assert.match(
      edgeCommands,
      /\nsudo sh -c '.*' sh \/etc\/default\/telegraf-edge \S*units-claims\/telegraf-controller-2\.env && sudo systemctl restart telegraf-edge/,
    );
    assert.ok(!edgeCommands.includes('/etc/telegraf/telegraf-controller.env'), edgeCommands);
  });

  it('Add Token to Deployment… again on a workload that reads a Secret of its own: the env file that Secret is made from, never a second file feeding it', async () => {
    const first = await api.createToken({ description: 'deploy k8s again first', expiresAt: null, permissions: AGENT });
    const second = await api.createToken({ description: 'deploy k8s again second', expiresAt: null, permissions: AGENT });
    const manifest =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: telegraf-a\n  namespace: again-ns\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token-2\n                  key: TELEGRAF_CONTROLLER_TOKEN\n';
    write('k8s-again/agents.yaml', manifest);
    write('k8s-again/telegraf-controller-2.env', `TELEGRAF_CONTROLLER_TOKEN=${first.value}\n`);
    fs.chmodSync(file('k8s-again/telegraf-controller-2.env'), 0o600);
    const run = async (answer: string) => {
      const ui = scriptUi({
        message: [
          { match: 'telegraf-controller-2.env already gives agents a token.', answer },
          { match: /^(Add TELEGRAF_CONTROLLER_TOKEN to agents\.yaml\?|Give the agent of agents\.yaml)/, answer: 'Add' },
        ],
      });
      try {
        const res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('k8s-again/agents.yaml'), {
          tokenId: second.token.id,
          k8s: 'kubectl',
        });
        return { res, ui };
      } finally {
        ui.restore();
      }
    };
    // Replace: the one file the Secret is made from gets the new value; no other env file is written.
    const replaced = await run('Replace the Token in telegraf-controller-2.env');
    assert.ok(replaced.res, JSON.stringify(replaced.ui.record.messages));
    assert.equal(fs.readFileSync(file('k8s-again/telegraf-controller-2.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${second.value}\n`);
    assert.ok(!fs.existsSync(file('k8s-again/telegraf-controller.env')), 'no second file feeds the Secret');
    assert.ok(
      replaced.res!.commands.some((c) => /telegraf-controller-token-2/.test(c) && /k8s-again\/telegraf-controller-2\.env/.test(c)),
      replaced.res!.commands.join('\n'),
    );
    assert.equal(fs.readFileSync(file('k8s-again/agents.yaml'), 'utf8'), manifest, 'the manifest stays as it is');
    // A file of its own (the default button): the container is rewired to the Secret made from it; the other file is kept.
    write('k8s-again/telegraf-controller-2.env', `TELEGRAF_CONTROLLER_TOKEN=${first.value}\n`);
    const own = await run('Use telegraf-controller-3.env');
    assert.ok(own.res, JSON.stringify(own.ui.record.messages));
    assert.equal(fs.readFileSync(file('k8s-again/telegraf-controller-2.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${first.value}\n`);
    assert.equal(fs.readFileSync(file('k8s-again/telegraf-controller-3.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${second.value}\n`);
    assert.match(fs.readFileSync(file('k8s-again/agents.yaml'), 'utf8'), /secretKeyRef:\n\s+name: telegraf-controller-token-3\n/);
    assert.ok(!own.res!.commands.some((c) => /telegraf-controller-token-2/.test(c)), own.res!.commands.join('\n'));
  });

  it('Add Token to Deployment… into a Secret manifest that already serves another agent under another key asks first, and keeps that key', async () => {
    const first = 'tc-apiv1_FirstAgentsSecretManifest012345';
    const t = await api.createToken({ description: 'deploy secret manifest second key', expiresAt: null, permissions: AGENT });
    // The container reads a Secret of its own name, whose manifest already gives another agent its INFLUX_TOKEN.
    write(
      'sm-two-keys/agents.yaml',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: stateful\n  namespace: sm-two-keys\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: sm-two-keys-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n',
    );
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: sm-two-keys-token\n  namespace: "sm-two-keys"\ntype: Opaque\nstringData:\n  INFLUX_TOKEN: "${first}"\n`;
    write('sm-two-keys/sm-two-keys-token.secret.yaml', manifest);
    fs.chmodSync(file('sm-two-keys/sm-two-keys-token.secret.yaml'), 0o600);
    try {
      const ui = scriptUi({ message: [{ match: 'sm-two-keys-token.secret.yaml already gives agents a token.', answer: undefined }] });
      try {
        await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('sm-two-keys/agents.yaml'), {
          tokenId: t.token.id,
          k8s: 'manifest',
        });
      } finally {
        ui.restore();
      }
      const asked = ui.record.messages.find((m) => m.text === 'sm-two-keys-token.secret.yaml already gives agents a token.');
      assert.ok(asked, JSON.stringify(ui.record.messages));
      assert.match(asked.detail ?? '', /It also holds INFLUX_TOKEN/);
      assert.equal(fs.readFileSync(file('sm-two-keys/sm-two-keys-token.secret.yaml'), 'utf8'), manifest, 'cancelled: unchanged');
      // Replacing on purpose adds this agent's key and keeps the other agent's key and the namespace.
      const again = scriptUi({
        message: [
          { match: 'sm-two-keys-token.secret.yaml already gives agents a token.', answer: 'Add It to sm-two-keys-token.secret.yaml' },
          { match: /^Give the agent of agents\.yaml the token/, answer: 'Add' },
        ],
      });
      try {
        await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('sm-two-keys/agents.yaml'), {
          tokenId: t.token.id,
          k8s: 'manifest',
        });
      } finally {
        again.restore();
      }
      const after = fs.readFileSync(file('sm-two-keys/sm-two-keys-token.secret.yaml'), 'utf8');
      assert.ok(after.includes(`INFLUX_TOKEN: "${first}"`), `${after} ${JSON.stringify(again.record.messages)}`);
      assert.ok(after.includes(`TELEGRAF_CONTROLLER_TOKEN: "${t.value}"`), after);
      assert.match(after, /namespace: "sm-two-keys"/);
    } finally {
      fs.rmSync(file('sm-two-keys'), { recursive: true, force: true });
    }
  });

  it('Add Token to Deployment… goes on with the token made by "Create New Token…" in the create form', async () => {
    write('create-new/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n');
    const formTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Create API Token');
    await vscode.window.tabGroups.close(formTabs());
    // A Telegraf config in the editor and a form already open with another suggestion: neither decides the new form.
    write('create-new/influxdb.conf', '[[outputs.influxdb_v2]]\n  urls = ["http://influxdb:8086"]\n');
    await vscode.window.showTextDocument(uri('create-new/influxdb.conf'));
    await vscode.commands.executeCommand('telegrafController.createToken', { preset: 'read-only', reason: 'an earlier suggestion' });
    await waitUntil(() => formTabs().length === 1, { what: 'an earlier create form open' });
    const ui = scriptUi({
      quickPick: [byLabel('Create New Token…')],
      message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: 'Add' }],
    });
    let res: AddTokenResult | undefined;
    let created: Awaited<ReturnType<TestApi['createToken']>> | undefined;
    try {
      const running = vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('create-new/docker-compose.yml'), {
        composeMode: 'environment',
      });
      await waitUntil(() => /docker-compose\.yml/.test(api.createFormOptions()?.reason ?? ''), {
        what: `the form suggests for docker-compose.yml (now ${JSON.stringify(api.createFormOptions())})`,
      });
      assert.equal(formTabs().length, 1, 'the open form is reused');
      assert.equal(api.createFormOptions()?.preset, 'telegraf-agent', 'the least an agent needs, never the earlier draft');
      assert.equal(
        api.createFormOptions()?.description,
        'Telegraf agent (deploy-features/create-new/docker-compose.yml, service "telegraf")',
        "never an earlier draft's description; the file's one Telegraf service named",
      );
      assert.ok(!fs.existsSync(file('create-new/.env')), 'nothing written before the token exists');
      // What the form's Create button does.
      created = await api.createToken({ description: 'deploy created in the form', expiresAt: null, permissions: AGENT });
      res = await running;
    } finally {
      ui.restore();
      await vscode.window.tabGroups.close(formTabs());
    }
    assert.ok(res, JSON.stringify(ui.record.messages));
    assert.equal(fs.readFileSync(file('create-new/.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${created.value}\n`);
    assert.match(fs.readFileSync(file('create-new/docker-compose.yml'), 'utf8'), /TELEGRAF_CONTROLLER_TOKEN/);
  });

  it('Add Token to Deployment… with a token another deployment has already asks first, and "Create New Token…" gives this agent its own', async () => {
    const shared = await api.createToken({ description: 'deploy shared by two', expiresAt: null, permissions: AGENT });
    write('share-a/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n');
    write('share-b/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n');
    await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('share-a/docker-compose.yml'), {
      tokenId: shared.token.id,
      composeMode: 'environment',
      yes: true,
    });
    assert.ok(fs.readFileSync(file('share-a/.env'), 'utf8').includes(shared.value));
    const formTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Create API Token');
    await vscode.window.tabGroups.close(formTabs());
    let fresh: Awaited<ReturnType<TestApi['createToken']>> | undefined;
    // The file's questions (how the service gets the token) are answered once: the new token goes the same way.
    const ui = scriptUi({
      quickPick: [byLabel('environment:')],
      message: [
        { match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: 'Create New Token…' },
        { match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: 'Add' },
      ],
    });
    let res: AddTokenResult | undefined;
    try {
      const running = vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('share-b/docker-compose.yml'), {
        tokenId: shared.token.id,
      });
      await waitUntil(() => formTabs().length === 1, { what: 'the create form open' });
      assert.equal(
        api.createFormOptions()?.description,
        'Telegraf agent (deploy-features/share-b/docker-compose.yml, service "telegraf")',
        'the description names the file and the service the token is for',
      );
      fresh = await api.createToken({ description: 'deploy own for b', expiresAt: null, permissions: AGENT });
      res = await running;
    } finally {
      ui.restore();
      await vscode.window.tabGroups.close(formTabs());
    }
    const [first, second] = ui.record.messages.filter((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN to docker-compose.yml'));
    assert.match(
      first?.detail ?? '',
      /⚠ This token is already given to \S*share-a\/\.env:1\. Agents that share a token cannot be revoked or rotated one at a time/,
    );
    assert.deepEqual(first?.buttons, ['Create New Token…', 'Add Anyway'], 'the safe choice is the default');
    assert.doesNotMatch(second?.detail ?? '', /already given to/, 'the new token is used nowhere else');
    assert.ok(res, JSON.stringify(ui.record.messages));
    assert.deepEqual(
      ui.record.picks.filter((p) => /How should the Telegraf service get the token/.test(p)),
      ['How should the Telegraf service get the token?'],
      'asked once',
    );
    assert.equal(fs.readFileSync(file('share-b/.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${fresh.value}\n`);
    assert.ok(fs.readFileSync(file('share-a/.env'), 'utf8').includes(shared.value), "the first agent's token is kept");
  });

  it('Add Token to Deployment… never edits a file that changed on disk while its dialog was open', async () => {
    const t = await api.createToken({ description: 'deploy changed under dialog', expiresAt: null, permissions: AGENT });
    const before = 'services:\n  telegraf:\n    image: telegraf:latest\n    ports:\n      - "8125:8125/udp"\n';
    const pulled = 'services:\n  telegraf:\n    image: telegraf:1.40\n    ports:\n      - "8125:8125/udp"\n';
    write('under-dialog/docker-compose.yml', before);
    const ui = scriptUi({
      message: [
        {
          match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/,
          answer: 'Add',
          before: async () => {
            fs.writeFileSync(file('under-dialog/docker-compose.yml'), pulled);
            const doc = await vscode.workspace.openTextDocument(uri('under-dialog/docker-compose.yml'));
            await waitUntil(() => doc.getText() === pulled, { what: 'VS Code sees the change on disk' });
          },
        },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('under-dialog/docker-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
      });
    } finally {
      ui.restore();
    }
    assert.equal(fs.readFileSync(file('under-dialog/docker-compose.yml'), 'utf8'), pulled, 'the changed file is left as it is');
    assert.ok(!fs.existsSync(file('under-dialog/.env')), 'no value written');
    assert.ok(
      ui.record.messages.some(
        (m) => m.level === 'error' && /docker-compose\.yml changed while "Add Token to Deployment…" was open; nothing was changed/.test(m.text),
      ),
      JSON.stringify(ui.record.messages),
    );
  });

  it('Add Token to Deployment… never writes into a value file that appeared or changed while its confirmation was open', async () => {
    const t = await api.createToken({ description: 'deploy value file raced', expiresAt: null, permissions: AGENT });
    write('value-race/telegraf.service', '[Service]\nExecStart=/usr/bin/telegraf\n');
    const theirs = 'OTHER_SETTING=keep-me\nTELEGRAF_CONTROLLER_TOKEN=tc-apiv1_SomeoneElsesToken0123456789ab\n';
    const ui = scriptUi({
      message: [
        {
          match: /^Give the agent of telegraf\.service the token|^Add TELEGRAF_CONTROLLER_TOKEN to telegraf\.service\?/,
          answer: 'Add',
          before: () => fs.writeFileSync(file('value-race/telegraf-controller.env'), theirs),
        },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('value-race/telegraf.service'), { tokenId: t.token.id });
    } finally {
      ui.restore();
    }
    assert.ok(
      ui.record.messages.some((m) => /^(Give the agent|Add TELEGRAF_CONTROLLER_TOKEN)/.test(m.text)),
      `the confirmation was shown: ${JSON.stringify(ui.record.messages)}`,
    );
    assert.equal(fs.readFileSync(file('value-race/telegraf-controller.env'), 'utf8'), theirs, 'the other token is kept');
    assert.ok(
      ui.record.messages.some(
        (m) => m.level === 'error' && /telegraf-controller\.env changed while "Add Token to Deployment…" was open; nothing was changed/.test(m.text),
      ),
      JSON.stringify(ui.record.messages),
    );
    assert.ok(!fs.existsSync(file('value-race/telegraf.service.d')), 'no drop-in written');
  });

  it('Add Token to Deployment… on a Compose file that is not valid YAML says where it breaks before asking for a token, and changes nothing', async () => {
    const broken = 'services:\n  telegraf:\n    image: telegraf:1.40\n   environment: [A\n';
    write('broken-yaml/docker-compose.yml', broken);
    const ui = scriptUi({});
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('broken-yaml/docker-compose.yml'));
    } finally {
      ui.restore();
    }
    assert.deepEqual(ui.record.picks, [], 'no token picker');
    const error = ui.record.messages.find((m) => m.level === 'error');
    assert.match(
      error?.text ?? JSON.stringify(ui.record.messages),
      /^docker-compose\.yml is not valid YAML \(line 4, column \d+: [^\n]*[^:]\): fix it first; nothing was changed\.$/,
    );
    assert.equal(fs.readFileSync(file('broken-yaml/docker-compose.yml'), 'utf8'), broken);
  });

  it('Add Token to Deployment… into an env file git tracks: warned before (the default copies "git rm --cached" and writes nothing), and the first copied command stops tracking it', async function () {
    const t = await api.createToken({ description: 'deploy tracked env', expiresAt: null, permissions: AGENT });
    const repo = file('tracked-repo');
    fs.rmSync(repo, { recursive: true, force: true });
    write('tracked-repo/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n');
    write('tracked-repo/.env', 'APP_MODE=production\n');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo, stdio: 'pipe' });
    try {
      git('init', '-q');
      git('add', '.env', 'docker-compose.yml');
      git('commit', '-qm', 'init');
    } catch {
      this.skip();
    }
    // The default button (Enter) copies the command that untracks the file, and nothing is written.
    const first = scriptUi({ message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: 'Copy "git rm --cached" Command' }] });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('tracked-repo/docker-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
      });
    } finally {
      first.restore();
    }
    assert.deepEqual(first.record.messages.find((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN'))?.buttons, [
      'Copy "git rm --cached" Command',
      'Add Anyway',
    ]);
    assert.equal(await vscode.env.clipboard.readText(), 'git rm --cached -- deploy-features/tracked-repo/.env');
    assert.equal(fs.readFileSync(file('tracked-repo/.env'), 'utf8'), 'APP_MODE=production\n', 'nothing written');
    assert.equal(fs.readFileSync(file('tracked-repo/docker-compose.yml'), 'utf8'), 'services:\n  telegraf:\n    image: telegraf:1.40\n');
    const ui = scriptUi({ message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: 'Add Anyway' }] });
    let res: AddTokenResult | undefined;
    try {
      res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('tracked-repo/docker-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
      });
    } finally {
      ui.restore();
    }
    const confirm = ui.record.messages.find((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN'));
    assert.match(
      confirm?.detail ?? '',
      /⚠ Git tracks deploy-features\/tracked-repo\/\.env: the token would be committed with it/,
      JSON.stringify(ui.record.messages),
    );
    assert.ok(!(confirm?.detail ?? '').includes('git-ignored'), 'never called git-ignored');
    assert.equal(res?.commands[0], 'git rm --cached -- deploy-features/tracked-repo/.env');
    // .gitignore keeps it out once it is untracked.
    assert.match(fs.readFileSync(file('tracked-repo/.gitignore'), 'utf8'), /^\/\.env$/m);
    const done = ui.record.messages.find(
      (m) => m.level === 'warning' && /Git tracks deploy-features\/tracked-repo\/\.env, which now holds the token/.test(m.text),
    );
    assert.ok(done, JSON.stringify(ui.record.messages));

    // A committed plaintext token moved out by the quick fix: still in git history, and the message says so.
    const leaked = 'tc-apiv1_CommittedLeakValue0123456789abcd';
    write(
      'tracked-repo/leak/docker-compose.yml',
      `services:\n  telegraf:\n    image: telegraf:1.40\n    environment:\n      - TELEGRAF_CONTROLLER_TOKEN=${leaked}\n`,
    );
    git('add', 'leak/docker-compose.yml');
    git('commit', '-qm', 'leak');
    const compose = uri('tracked-repo/leak/docker-compose.yml');
    await vscode.workspace.openTextDocument(compose);
    await waitUntil(() => codesOf(compose).some((c) => c.startsWith('plaintext-token/')), {
      what: `compose diagnostic (${codesOf(compose)})`,
      timeoutMs: 30_000,
    });
    const d = vscode.languages.getDiagnostics(compose).find((x) => String(x.code) === 'plaintext-token')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      compose,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const replace = actions.find((a) => a.title.startsWith('Replace with ${TELEGRAF_CONTROLLER_TOKEN}'));
    assert.ok(replace?.command, JSON.stringify(actions.map((a) => a.title)));
    const fixUi = scriptUi({ message: [{ match: /Compose now reads/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand(replace.command.command, ...(replace.command.arguments ?? []));
    } finally {
      fixUi.restore();
    }
    const said = fixUi.record.messages.find((m) => /Compose now reads/.test(m.text));
    assert.equal(said?.level, 'warning', JSON.stringify(fixUi.record.messages));
    assert.match(said?.text ?? '', /docker-compose\.yml is tracked by git: the old value stays in its history[^]*Revoke on Server and Replace/);

    // A committed InfluxDB token is no controller token: only InfluxDB can revoke it, and the message says so.
    const influx = `${'InfluxCommittedLiteral0123456789'.repeat(3).slice(0, 86)}==`;
    write('tracked-repo/influx/docker-compose.yml', `services:\n  telegraf:\n    image: telegraf:1.40\n    environment:\n      - INFLUX_TOKEN=${influx}\n`);
    git('add', 'influx/docker-compose.yml');
    git('commit', '-qm', 'influx');
    const influxCompose = uri('tracked-repo/influx/docker-compose.yml');
    await vscode.workspace.openTextDocument(influxCompose);
    await waitUntil(() => codesOf(influxCompose).some((c) => c.startsWith('literal-credential/')), {
      what: `compose diagnostic (${codesOf(influxCompose)})`,
      timeoutMs: 30_000,
    });
    const literal = vscode.languages.getDiagnostics(influxCompose).find((x) => String(x.code) === 'literal-credential')!;
    const influxActions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      influxCompose,
      literal.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const influxReplace = influxActions.find((a) => a.title.startsWith('Replace with ${INFLUX_TOKEN}'));
    assert.ok(influxReplace?.command, JSON.stringify(influxActions.map((a) => a.title)));
    assert.ok(!influxActions.some((a) => a.title.startsWith('Revoke on Server')), JSON.stringify(influxActions.map((a) => a.title)));
    const influxUi = scriptUi({ message: [{ match: /Compose now reads/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand(influxReplace.command.command, ...(influxReplace.command.arguments ?? []));
    } finally {
      influxUi.restore();
    }
    const influxSaid = influxUi.record.messages.find((m) => /Compose now reads/.test(m.text));
    assert.match(
      influxSaid?.text ?? '',
      /tracked by git: the old value stays in its history[^]*where it was issued \(an InfluxDB token in InfluxDB/,
      JSON.stringify(influxUi.record.messages),
    );
    assert.doesNotMatch(influxSaid?.text ?? '', /Revoke on Server and Replace/);
  });

  it('a git-ignored Secret manifest only its owner can read is where a value belongs: no plaintext entry, only what the controller says', async function () {
    const dead = await api.createToken({ description: 'deploy dead secret manifest', expiresAt: null, permissions: AGENT });
    await api.connection.api().revokeToken(dead.token.id);
    await api.store.refresh();
    const repo = file('secret-store');
    fs.rmSync(repo, { recursive: true, force: true });
    write('secret-store/.gitignore', '/*.secret.yaml\n');
    try {
      execFileSync('git', ['init', '-q'], { cwd: repo, stdio: 'pipe' });
    } catch {
      this.skip();
    }
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: telegraf-controller-token\ntype: Opaque\nstringData:\n  TELEGRAF_CONTROLLER_TOKEN: "${dead.value}"\n`;
    write('secret-store/telegraf-controller-token.secret.yaml', manifest);
    fs.chmodSync(file('secret-store/telegraf-controller-token.secret.yaml'), 0o600);
    // The same manifest readable by everyone (a copy beside it, also git-ignored): the plaintext entry stays.
    write('secret-store/copy.secret.yaml', manifest);
    fs.chmodSync(file('secret-store/copy.secret.yaml'), 0o644);
    const own = uri('secret-store/telegraf-controller-token.secret.yaml');
    const copy = uri('secret-store/copy.secret.yaml');
    await vscode.workspace.openTextDocument(own);
    await vscode.workspace.openTextDocument(copy);
    await waitUntil(() => codesOf(own).some((c) => c.startsWith('token-revoked/')), { what: `revoked diagnostic (${codesOf(own)})`, timeoutMs: 30_000 });
    await waitUntil(() => codesOf(copy).some((c) => c.startsWith('token-revoked/')), { what: `revoked diagnostic (${codesOf(copy)})`, timeoutMs: 30_000 });
    assert.ok(!codesOf(own).some((c) => c.startsWith('plaintext-token/')), codesOf(own).join(', '));
    assert.ok(
      codesOf(copy).some((c) => c.startsWith('plaintext-token/')),
      codesOf(copy).join(', '),
    );
  });

  it('a revoked token in an env file has a quick fix that puts another token in its place', async () => {
    const dead = await api.createToken({ description: 'deploy dead env', expiresAt: null, permissions: AGENT });
    const fresh = await api.createToken({ description: 'deploy fresh env', expiresAt: null, permissions: AGENT });
    await api.connection.api().revokeToken(dead.token.id);
    await api.store.refresh();
    write('dead-env/agent.env', `TELEGRAF_CONTROLLER_TOKEN=${dead.value}\n`);
    const envUri = uri('dead-env/agent.env');
    await vscode.workspace.openTextDocument(envUri);
    await waitUntil(() => codesOf(envUri).some((c) => c.startsWith('token-revoked/')), { what: `revoked diagnostic (${codesOf(envUri)})`, timeoutMs: 30_000 });
    const d = vscode.languages.getDiagnostics(envUri).find((x) => String(x.code) === 'token-revoked')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      envUri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const put = actions.find((a) => a.title === 'Put Another Token Here…');
    assert.ok(put?.command, JSON.stringify(actions.map((a) => a.title)));
    const ui = scriptUi({
      quickPick: [(items) => items.find((i: { label: string }) => i.label.includes('deploy fresh env'))],
      message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to agent\.env\?/, answer: 'Add' }],
    });
    try {
      await vscode.commands.executeCommand(put.command.command, ...(put.command.arguments ?? []));
    } finally {
      ui.restore();
    }
    await waitUntil(() => fs.readFileSync(file('dead-env/agent.env'), 'utf8') === `TELEGRAF_CONTROLLER_TOKEN=${fresh.value}\n`, {
      what: `the fresh token in the env file: ${JSON.stringify(ui.record.messages)}`,
    });
    // This workspace is no git repository: nothing to say about git ignoring the file.
    const asked = ui.record.messages.find((m) => /^Add TELEGRAF_CONTROLLER_TOKEN to agent\.env\?/.test(m.text));
    assert.doesNotMatch(asked?.detail ?? '', /Git does not ignore/, JSON.stringify(asked));
  });

  it('Add Token to Deployment… on a kustomization also makes the Telegraf container of its resources read the generated Secret; Rotate applies the kustomization', async () => {
    const t = await api.createToken({ description: 'deploy kustomize', expiresAt: null, permissions: AGENT });
    write('kz/kustomization.yaml', 'namespace: observability\nresources:\n  - deployment.yaml\n');
    write(
      'kz/deployment.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: telegraf\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n',
    );
    const res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('kz/kustomization.yaml'), {
      tokenId: t.token.id,
      yes: true,
    });
    const secret = /- name: (\S+)\n\s+envs:/.exec(fs.readFileSync(file('kz/kustomization.yaml'), 'utf8'))?.[1];
    assert.ok(secret, fs.readFileSync(file('kz/kustomization.yaml'), 'utf8'));
    assert.match(
      fs.readFileSync(file('kz/deployment.yaml'), 'utf8'),
      new RegExp(
        `env:\\n\\s+- name: TELEGRAF_CONTROLLER_TOKEN\\n\\s+valueFrom:\\n\\s+secretKeyRef:\\n\\s+name: ${secret}\\n\\s+key: TELEGRAF_CONTROLLER_TOKEN\\n`,
      ),
      'the container reads the generated Secret',
    );
    assert.ok(res?.commands.includes('kubectl apply -k deploy-features/kz'), JSON.stringify(res?.commands));
    assert.ok(fs.readFileSync(file(`kz/${res?.valueFile?.split('/').pop()}`), 'utf8').includes(t.value));

    await vscode.env.clipboard.writeText('');
    const rot = scriptUi({
      message: [
        { match: 'Rotate the token "deploy kustomize"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', t.token.id);
    } finally {
      rot.restore();
    }
    const commands = await vscode.env.clipboard.readText();
    assert.match(commands, /\nkubectl apply -k deploy-features\/kz\n/, `${commands} ${JSON.stringify(rot.record.messages)}`);
    assert.ok(!new RegExp(`kubectl (create|patch) secret generic ${secret}\\b`).test(commands), `never the plain name of a generated Secret: ${commands}`);
    assert.ok(!commands.includes(`Kubernetes Secret "${secret}" (deploy-features/kz/deployment.yaml`), commands);
  });

  it('Add Token to Deployment… again on a kustomization, into a file of its own: a secretGenerator entry of its own, and its resource reads that Secret', async () => {
    const first = await api.createToken({ description: 'deploy kustomize again first', expiresAt: null, permissions: AGENT });
    const second = await api.createToken({ description: 'deploy kustomize again second', expiresAt: null, permissions: AGENT });
    write('kz-again/kustomization.yaml', 'namespace: monitoring\nresources:\n  - resources/daemonset.yaml\n');
    write(
      'kz-again/resources/daemonset.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n',
    );
    const generated = () =>
      [...fs.readFileSync(file('kz-again/kustomization.yaml'), 'utf8').matchAll(/- name: (\S+)\n\s+envs:\n\s+- (\S+)\n/g)].map((m) => [m[1]!, m[2]!]);
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('kz-again/kustomization.yaml'), {
        tokenId: first.token.id,
        yes: true,
      });
      // Other test manifests may read telegraf-controller-token already: the first Secret's name is read back.
      const [firstSecret, firstEnv] = generated()[0] ?? [];
      assert.ok(firstSecret && firstEnv, fs.readFileSync(file('kz-again/kustomization.yaml'), 'utf8'));
      const ui = scriptUi({
        message: [
          { match: `${firstEnv} already gives agents a token.`, answer: (buttons) => buttons.find((b) => /^Use telegraf-controller-\d+\.env$/.test(b)) },
          { match: /^Add TELEGRAF_CONTROLLER_TOKEN to kustomization\.yaml\?/, answer: 'Add' },
        ],
      });
      let res: AddTokenResult | undefined;
      try {
        res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('kz-again/kustomization.yaml'), {
          tokenId: second.token.id,
        });
      } finally {
        ui.restore();
      }
      assert.ok(res, JSON.stringify(ui.record.messages));
      const entries = generated();
      assert.equal(entries.length, 2, JSON.stringify(entries));
      assert.deepEqual(entries[0], [firstSecret, firstEnv], 'the first Secret stays');
      const [secondSecret, secondEnv] = entries[1]!;
      assert.notEqual(secondSecret, firstSecret);
      assert.match(
        fs.readFileSync(file('kz-again/resources/daemonset.yaml'), 'utf8'),
        new RegExp(`secretKeyRef:\\n\\s+name: ${secondSecret}\\n`),
        'the container reads the Secret of its own',
      );
      assert.equal(fs.readFileSync(file(`kz-again/${secondEnv}`), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${second.value}\n`);
      assert.equal(fs.readFileSync(file(`kz-again/${firstEnv}`), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${first.value}\n`, 'the first file is kept');
      assert.ok(res.commands.includes('kubectl apply -k deploy-features/kz-again'), JSON.stringify(res.commands));
      if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0) {
        const built = spawnSync('kubectl', ['kustomize', file('kz-again')], { encoding: 'utf8' });
        assert.equal(built.status, 0, built.stderr);
      }
    } finally {
      fs.rmSync(file('kz-again'), { recursive: true, force: true });
    }
  });

  it("Add Token to Deployment… on a kustomization says when a resource's agent loads its config from another host", async () => {
    const t = await api.createToken({ description: 'deploy kustomize other host', expiresAt: null, permissions: AGENT });
    write('kz-host/kustomization.yaml', 'namespace: observability\nresources:\n  - statefulset.yaml\n');
    write(
      'kz-host/statefulset.yaml',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: telegraf\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          args: ["--config", "http://tc.example.com:8888/api/configs/abc/toml"]\n',
    );
    const ui = scriptUi({ message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to kustomization\.yaml\?/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('kz-host/kustomization.yaml'), { tokenId: t.token.id });
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN to kustomization.yaml?'));
    assert.match(asked?.detail ?? JSON.stringify(ui.record.messages), /⚠ [^\n]*kz-host\/statefulset\.yaml: [^\n]*tc\.example\.com/);
  });

  it('Rotate never lists the Secret a kustomization generates for a workload in its resources/ folder as unknown', async () => {
    const mine = await api.createToken({ description: 'deploy kustomize sub mine', expiresAt: null, permissions: AGENT });
    const elsewhere = await api.createToken({ description: 'deploy kustomize sub other', expiresAt: null, permissions: AGENT });
    write(
      'kz-sub/kustomization.yaml',
      'namespace: monitoring\nresources:\n  - resources/daemonset.yaml\nsecretGenerator:\n  - name: kz-sub-token\n    envs:\n    - kz-sub.env\n',
    );
    write('kz-sub/kz-sub.env', `TELEGRAF_CONTROLLER_TOKEN=${mine.value}\n`);
    write(
      'kz-sub/resources/daemonset.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: kz-sub-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n',
    );
    const rotate = async (t: typeof mine) => {
      await vscode.env.clipboard.writeText('');
      const rot = scriptUi({
        message: [
          { match: `Rotate the token "${t.token.description}"`, answer: 'Rotate' },
          { match: 'The new token is stored', answer: 'Copy Commands' },
          { match: 'The new token is stored', answer: undefined },
        ],
      });
      try {
        await vscode.commands.executeCommand('telegrafController.rotateToken', t.token.id);
      } finally {
        rot.restore();
      }
      return vscode.env.clipboard.readText();
    };
    const other = await rotate(elsewhere);
    assert.ok(!other.includes('kz-sub-token'), `another token's rotation does not list it: ${other}`);
    const own = await rotate(mine);
    assert.match(own, /\nkubectl apply -k deploy-features\/kz-sub\n/, own);
    assert.ok(!/kubectl (create|patch) secret generic kz-sub-token\b/.test(own), `never the plain name of a generated Secret: ${own}`);
  });

  it('Replace the Token in … updates an env file open in an editor, so a later Rotate never starts from the older text', async () => {
    const first = await api.createToken({ description: 'deploy open first', expiresAt: null, permissions: AGENT });
    const second = await api.createToken({ description: 'deploy open second', expiresAt: null, permissions: AGENT });
    write('open-env/telegraf.service', '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nExecStart=/usr/bin/telegraf\n');
    write('open-env/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${first.value}\n`);
    const envDoc = await vscode.workspace.openTextDocument(uri('open-env/telegraf-controller.env'));
    await vscode.window.showTextDocument(envDoc, { preview: false });
    let ui = scriptUi({
      message: [
        { match: 'telegraf-controller.env already gives agents a token.', answer: 'Replace the Token in telegraf-controller.env' },
        { match: /^Give the agent of telegraf\.service the token/, answer: 'Add' },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('open-env/telegraf.service'), { tokenId: second.token.id });
    } finally {
      ui.restore();
    }
    const written = `# Installed on the host as /etc/telegraf/telegraf-controller.env\nTELEGRAF_CONTROLLER_TOKEN=${second.value}\n`;
    assert.equal(fs.readFileSync(file('open-env/telegraf-controller.env'), 'utf8'), written);
    // No wait: the editor shows the new text as soon as the command returns, and has nothing unsaved.
    assert.equal(envDoc.getText(), written, 'the open editor shows what is on disk');
    assert.equal(envDoc.isDirty, false);
    assert.equal(fs.statSync(file('open-env/telegraf-controller.env')).mode & 0o777, 0o600);
    // Rotating the first token right away leaves the second token's file alone.
    ui = scriptUi({
      message: [
        { match: 'Rotate the token "deploy open first"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', first.token.id);
    } finally {
      ui.restore();
    }
    assert.equal(fs.readFileSync(file('open-env/telegraf-controller.env'), 'utf8'), written, "the second token's file is kept");
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Add Token to Deployment… gives a second systemd unit beside the first its own env file and its own host file', async () => {
    const t = await api.createToken({ description: 'deploy second unit', expiresAt: null, permissions: AGENT });
    const firstValue = 'tc-apiv1_FirstUnitsOwnToken0123456789ab';
    write('two-units/telegraf.service', '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nExecStart=/usr/bin/telegraf\n');
    write('two-units/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${firstValue}\n`);
    write('two-units/telegraf-db.service', '[Service]\nExecStart=/usr/bin/telegraf --config /etc/telegraf/db.conf\n');
    const ui = scriptUi({
      message: [
        { match: 'telegraf-controller.env already gives agents a token.', answer: 'Use telegraf-controller-2.env' },
        { match: /^Give the agent of telegraf-db\.service the token/, answer: 'Add' },
      ],
    });
    let res: AddTokenResult | undefined;
    try {
      res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('two-units/telegraf-db.service'), {
        tokenId: t.token.id,
      });
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text === 'telegraf-controller.env already gives agents a token.');
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.detail ?? '', /Named by: [^\n]*two-units\/telegraf\.service/, 'the unit that reads its installed copy is named');
    assert.equal(
      fs.readFileSync(file('two-units/telegraf-db.service.d/controller-token.conf'), 'utf8'),
      '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller-2.env\n',
    );
    assert.match(res?.commands[0] ?? '', /telegraf-controller-2\.env \/etc\/telegraf\/telegraf-controller-2\.env && /);
    assert.ok(!(res?.commands[0] ?? '').includes('/etc/telegraf/telegraf-controller.env'), "the first unit's host file is left alone");
    assert.equal(fs.readFileSync(file('two-units/telegraf-controller.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${firstValue}\n`);
  });

  it('the "already gives agents a token" dialog names a drop-in beside the env file and the file being changed when they read it', async () => {
    const t = await api.createToken({ description: 'deploy named readers', expiresAt: null, permissions: AGENT });
    write('dropin/telegraf.service', '[Service]\nExecStart=/usr/bin/telegraf\n');
    write('dropin/telegraf.service.d/controller-token.conf', '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\n');
    write('dropin/telegraf-controller.env', 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_DropInUnitsOwnToken0123456789ab\n');
    write('dropin/telegraf-db.service', '[Service]\nExecStart=/usr/bin/telegraf --config /etc/telegraf/db.conf\n');
    write(
      'reads-itself/agents.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: edge\n  namespace: monitoring\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: core\n  namespace: prod\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n',
    );
    write('reads-itself/telegraf-controller.env', 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_EdgeAgentsOwnToken0123456789abcd\n');
    // Two Telegraf workloads: asked which one, the one without a token first (the default).
    let offered: string[] = [];
    const ui = scriptUi({
      quickPick: [
        (items) => {
          offered = items.map((i: { label: string; description?: string }) => `${i.label} | ${i.description ?? ''}`);
          return items[0];
        },
      ],
      message: [
        { match: 'telegraf-controller.env already gives agents a token.', answer: undefined },
        { match: 'telegraf-controller.env already gives agents a token.', answer: 'Use telegraf-controller-2.env' },
        { match: /^Add TELEGRAF_CONTROLLER_TOKEN to agents\.yaml\?/, answer: 'Add' },
      ],
    });
    let res: AddTokenResult | undefined;
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('dropin/telegraf-db.service'), { tokenId: t.token.id });
      res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('reads-itself/agents.yaml'), {
        tokenId: t.token.id,
        k8s: 'kubectl',
      });
    } finally {
      ui.restore();
    }
    assert.deepEqual(offered, [
      'Deployment/core container "telegraf" | namespace prod · no token yet',
      'DaemonSet/edge container "telegraf" | namespace monitoring · has a token already',
    ]);
    assert.deepEqual(ui.record.picks, ['Which Telegraf container of agents.yaml gets the token?']);
    const [unit, manifest] = ui.record.messages.filter((m) => m.text === 'telegraf-controller.env already gives agents a token.');
    assert.match(unit?.detail ?? '', /Named by: [^\n]*dropin\/telegraf\.service\.d\/controller-token\.conf/, JSON.stringify(ui.record.messages));
    // Asked about the env file (the manifest itself reads the Secret made from it), unless another workspace manifest
    // already reads the default Secret: then the new agent gets a Secret of its own without that question.
    if (manifest) assert.match(manifest.detail ?? '', /Named by: [^\n]*reads-itself\/agents\.yaml/, JSON.stringify(ui.record.messages));
    else
      assert.ok(
        ui.record.messages.some((m) =>
          /The Secret "telegraf-controller-token" is already read by [^\n]*: this agent gets the Secret "telegraf-controller-token-2"/.test(m.detail ?? ''),
        ),
        JSON.stringify(ui.record.messages),
      );
    // The second workload (no token yet) gets the Secret of its own, in its namespace.
    assert.match(res?.commands[0] ?? '', /kubectl create secret generic telegraf-controller-token-2 -n prod/, JSON.stringify(res));
    const after = fs.readFileSync(file('reads-itself/agents.yaml'), 'utf8');
    assert.match(after.slice(after.indexOf('name: core')), /name: telegraf-controller-token-2/);
  });

  it('the systemd quick fix: the value into a 0600 env file beside the unit, and the copied install command names it from the workspace folder', async () => {
    const value = 'tc-apiv1_SystemdQuickFixValue0123456789';
    write('fix-systemd/units/telegraf.service', `[Service]\nEnvironment=TELEGRAF_CONTROLLER_TOKEN=${value}\nExecStart=/usr/bin/telegraf\n`);
    const unit = uri('fix-systemd/units/telegraf.service');
    const doc = await vscode.workspace.openTextDocument(unit);
    await waitUntil(() => codesOf(unit).some((c) => c.startsWith('plaintext-token/')), { what: `systemd diagnostic (${codesOf(unit)})`, timeoutMs: 30_000 });
    const d = vscode.languages.getDiagnostics(unit).find((x) => String(x.code).startsWith('plaintext-token'))!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      unit,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const move = actions.find((a) => a.title.startsWith('Move to EnvironmentFile='));
    assert.ok(move?.command, JSON.stringify(actions.map((a) => a.title)));
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({ message: [{ match: /The unit now reads/, answer: 'Copy Command' }] });
    try {
      await vscode.commands.executeCommand(move.command.command, ...(move.command.arguments ?? []));
    } finally {
      ui.restore();
    }
    assert.equal(doc.getText(), '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nExecStart=/usr/bin/telegraf\n');
    const envFile = file('fix-systemd/units/telegraf-controller.env');
    // The host file it is installed as is written into it, so Rotate knows where the token goes.
    assert.equal(fs.readFileSync(envFile, 'utf8'), `# Installed on the host as /etc/telegraf/telegraf-controller.env\nTELEGRAF_CONTROLLER_TOKEN=${value}\n`);
    assert.equal(fs.statSync(envFile).mode & 0o777, 0o600);
    await waitUntil(async () => (await vscode.env.clipboard.readText()) !== '', { what: 'the command is copied', timeoutMs: 10_000 });
    assert.equal(
      await vscode.env.clipboard.readText(),
      'sudo install -D -m 0600 -o root -g root deploy-features/fix-systemd/units/telegraf-controller.env /etc/telegraf/telegraf-controller.env && sudo install -D -m 0644 deploy-features/fix-systemd/units/telegraf.service /etc/systemd/system/telegraf.service && sudo systemctl daemon-reload && sudo systemctl restart telegraf',
    );
  });

  it("the systemd quick fix beside an env file that holds another unit's token offers a file of its own, and its own host file", async () => {
    const value = 'tc-apiv1_SecondUnitsQuickFixValue012345';
    const firstValue = 'tc-apiv1_FirstUnitsOwnTokenForFix0123456';
    write('fix-systemd-2/telegraf.service', '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nExecStart=/usr/bin/telegraf\n');
    write('fix-systemd-2/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${firstValue}\n`);
    write('fix-systemd-2/telegraf-db.service', `[Service]\nEnvironment=TELEGRAF_CONTROLLER_TOKEN=${value}\nExecStart=/usr/bin/telegraf\n`);
    const unit = uri('fix-systemd-2/telegraf-db.service');
    const doc = await vscode.workspace.openTextDocument(unit);
    await waitUntil(() => codesOf(unit).some((c) => c.startsWith('plaintext-token/')), { what: `systemd diagnostic (${codesOf(unit)})`, timeoutMs: 30_000 });
    const d = vscode.languages.getDiagnostics(unit).find((x) => String(x.code).startsWith('plaintext-token'))!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      unit,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const move = actions.find((a) => a.title.startsWith('Move to EnvironmentFile='));
    assert.ok(move?.command, JSON.stringify(actions.map((a) => a.title)));
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({
      message: [
        { match: 'telegraf-controller.env already gives agents a token.', answer: 'Use telegraf-controller-2.env' },
        { match: /The unit now reads/, answer: 'Copy Command' },
      ],
    });
    try {
      await vscode.commands.executeCommand(move.command.command, ...(move.command.arguments ?? []));
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text === 'telegraf-controller.env already gives agents a token.');
    assert.deepEqual(asked?.buttons, ['Use telegraf-controller-2.env', 'Replace the Token in telegraf-controller.env'], JSON.stringify(ui.record.messages));
    assert.match(asked?.detail ?? '', /Named by: [^\n]*fix-systemd-2\/telegraf\.service/);
    // Units in other folders read /etc/telegraf/telegraf-controller.env on their own hosts: not this file.
    assert.doesNotMatch(asked?.detail ?? '', /two-units\/|fix-systemd\/|add-systemd/, 'a unit in another folder is another host');
    assert.equal(doc.getText(), '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller-2.env\nExecStart=/usr/bin/telegraf\n');
    assert.equal(
      fs.readFileSync(file('fix-systemd-2/telegraf-controller.env'), 'utf8'),
      `TELEGRAF_CONTROLLER_TOKEN=${firstValue}\n`,
      "the first unit's token is kept",
    );
    assert.equal(
      fs.readFileSync(file('fix-systemd-2/telegraf-controller-2.env'), 'utf8'),
      `# Installed on the host as /etc/telegraf/telegraf-controller-2.env\nTELEGRAF_CONTROLLER_TOKEN=${value}\n`,
    );
    assert.equal(fs.statSync(file('fix-systemd-2/telegraf-controller-2.env')).mode & 0o777, 0o600);
    await waitUntil(async () => (await vscode.env.clipboard.readText()) !== '', { what: 'the command is copied', timeoutMs: 10_000 });
    assert.equal(
      await vscode.env.clipboard.readText(),
      'sudo install -D -m 0600 -o root -g root deploy-features/fix-systemd-2/telegraf-controller-2.env /etc/telegraf/telegraf-controller-2.env && sudo install -D -m 0644 deploy-features/fix-systemd-2/telegraf-db.service /etc/systemd/system/telegraf-db.service && sudo systemctl daemon-reload && sudo systemctl restart telegraf-db',
    );
  });

  it('Add Token to Deployment… on a systemd unit: the install command names the drop-in and the env file from the workspace folder', async () => {
    const t = await api.createToken({ description: 'deploy add systemd', expiresAt: null, permissions: AGENT });
    write('add-systemd/telegraf.service', '[Service]\nExecStart=/usr/bin/telegraf\n');
    const res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('add-systemd/telegraf.service'), {
      tokenId: t.token.id,
      yes: true,
    });
    assert.equal(
      res?.commands[0],
      'sudo install -D -m 0600 -o root -g root deploy-features/add-systemd/telegraf-controller.env /etc/telegraf/telegraf-controller.env && sudo install -D -m 0644 deploy-features/add-systemd/telegraf.service.d/controller-token.conf /etc/systemd/system/telegraf.service.d/controller-token.conf && sudo systemctl daemon-reload && sudo systemctl restart telegraf',
    );
    assert.equal(
      fs.readFileSync(file('add-systemd/telegraf.service.d/controller-token.conf'), 'utf8'),
      '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\n',
      'the drop-in the command installs is saved',
    );
    assert.equal(
      fs.readFileSync(file('add-systemd/telegraf-controller.env'), 'utf8'),
      `# Installed on the host as /etc/telegraf/telegraf-controller.env\nTELEGRAF_CONTROLLER_TOKEN=${t.value}\n`,
    );

    // A unit that already reads /etc/default/telegraf (other settings there): the command sets only the token line.
    write('add-systemd2/telegraf.service', '[Service]\nEnvironmentFile=-/etc/default/telegraf\nExecStart=/usr/bin/telegraf -config $TELEGRAF_CONF\n');
    const res2 = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('add-systemd2/telegraf.service'), {
      tokenId: t.token.id,
      yes: true,
    });
    assert.equal(res2?.valueFile, 'deploy-features/add-systemd2/telegraf-controller.env');
    assert.match(
      res2?.commands[0] ?? '',
      /^sudo sh -c '.*' sh \/etc\/default\/telegraf deploy-features\/add-systemd2\/telegraf-controller\.env && sudo systemctl restart telegraf$/,
    );
  });

  it('Add Token to Deployment… on a Kubernetes manifest: one command for the Secret, then applying the changed manifest, with workspace paths', async () => {
    const t = await api.createToken({ description: 'deploy add k8s', expiresAt: null, permissions: AGENT });
    write(
      'add k8s/telegraf.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\n  namespace: monitoring\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n',
    );
    const res = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('add k8s/telegraf.yaml'), {
      tokenId: t.token.id,
      k8s: 'kubectl',
      yes: true,
    });
    // When other manifests of this (shared) workspace read telegraf-controller-token already, it gets one of its own (-N).
    const n = /telegraf-controller(-\d+)?\.env$/.exec(res?.valueFile ?? '')?.[1] ?? '';
    assert.deepEqual(res?.commands, [
      `kubectl create secret generic telegraf-controller-token${n} -n monitoring --from-env-file='deploy-features/add k8s/telegraf-controller${n}.env' --dry-run=client -o yaml | kubectl apply -f -`,
      "kubectl apply -f 'deploy-features/add k8s/telegraf.yaml'",
    ]);
  });

  it('Add Token to Deployment… on Compose names the services of another Compose file that read the .env through env_file:', async () => {
    const t = await api.createToken({ description: 'deploy dotenv read elsewhere', expiresAt: null, permissions: AGENT });
    write('dotenv-elsewhere/docker-compose.yml', 'services:\n  influxdb:\n    image: influxdb:2\n    env_file: .env\n');
    const compose = 'services:\n  telegraf:\n    image: telegraf:1.40\n';
    write('dotenv-elsewhere/telegraf-compose.yml', compose);
    // The index of env_file: readers is built by the workspace scan.
    await vscode.commands.executeCommand('telegrafController.checkConfigTokens');
    const ui = scriptUi({ message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to telegraf-compose\.yml\?/, answer: undefined }] });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('dotenv-elsewhere/telegraf-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
      });
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN'));
    assert.match(
      asked?.detail ?? '',
      /⚠ \S*dotenv-elsewhere\/\.env is also read through env_file: by the Compose services influxdb: the token would reach them too/,
      JSON.stringify(ui.record.messages),
    );
    assert.equal((await vscode.workspace.openTextDocument(uri('dotenv-elsewhere/telegraf-compose.yml'))).getText(), compose, 'declined: unchanged');
  });

  it('Add Token to Deployment… on Compose says when the entrypoint script sets the variable itself, and when the script is not in the workspace', async () => {
    const t = await api.createToken({ description: 'deploy entrypoint script', expiresAt: null, permissions: AGENT });
    // Fixture 01's shape: a Telegraf 1.30 service whose own entrypoint exports INFLUX_TOKEN from a Docker secret.
    const compose =
      'services:\n  telegraf:\n    image: telegraf:1.30\n    volumes:\n      - ./telegraf-entrypoint.sh:/telegraf-entrypoint.sh:ro\n    entrypoint: ["/telegraf-entrypoint.sh"]\n    environment:\n      INFLUX_URL: http://influxdb:8086\n    secrets:\n      - influxdb2-admin-token\n';
    write('entrypoint-script/docker-compose.yml', compose);
    write('entrypoint-script/telegraf-entrypoint.sh', '#!/bin/sh\nexport INFLUX_TOKEN=$(cat /run/secrets/influxdb2-admin-token)\nexec telegraf "$@"\n');
    const ask = async (): Promise<string> => {
      const ui = scriptUi({ message: [{ match: /^Add INFLUX_TOKEN to docker-compose\.yml\?/, answer: undefined }] });
      try {
        await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('entrypoint-script/docker-compose.yml'), {
          tokenId: t.token.id,
          composeMode: 'environment',
        });
      } finally {
        ui.restore();
      }
      const asked = ui.record.messages.find((m) => m.text.startsWith('Add INFLUX_TOKEN'));
      assert.ok(asked, JSON.stringify(ui.record.messages));
      return asked.detail ?? '';
    };
    assert.match(
      await ask(),
      /⚠ \S*entrypoint-script\/telegraf-entrypoint\.sh sets INFLUX_TOKEN itself \(line 2: export INFLUX_TOKEN=\$\(cat \/run\/secrets\/influxdb2-admin-token\)\), which replaces the value given here/,
    );
    assert.match(
      await ask(),
      /^File: \S*entrypoint-script\/docker-compose\.yml\nFound: service "telegraf"\./,
      'the title names the file by its name; the detail says which one',
    );
    // The script keeps a value it is given: nothing to say.
    write(
      'entrypoint-script/telegraf-entrypoint.sh',
      '#!/bin/sh\nexport INFLUX_TOKEN="${INFLUX_TOKEN:-$(cat /run/secrets/influxdb2-admin-token)}"\nexec telegraf "$@"\n',
    );
    assert.doesNotMatch(await ask(), /starts through|sets INFLUX_TOKEN itself/);
    // Not in the workspace: the user is told to check it.
    fs.rmSync(file('entrypoint-script/telegraf-entrypoint.sh'));
    assert.match(
      await ask(),
      /⚠ The service "telegraf" starts through \/telegraf-entrypoint\.sh, which is not in this workspace: if that script sets INFLUX_TOKEN itself/,
    );
    assert.equal((await vscode.workspace.openTextDocument(uri('entrypoint-script/docker-compose.yml'))).getText(), compose, 'declined: unchanged');
  });

  it('Add Token to Deployment… on Compose: a .env that another service reads through env_file: is named, and env_file: is offered first', async () => {
    const t = await api.createToken({ description: 'deploy shared dotenv', expiresAt: null, permissions: AGENT });
    const compose = 'services:\n  telegraf:\n    image: telegraf:1.40\n  nginx:\n    image: nginx\n    env_file:\n      - .env\n';
    write('shared-dotenv/docker-compose.yml', compose);
    let offered: string[] = [];
    const ui = scriptUi({
      quickPick: [
        (items: any[]) => {
          offered = items.map((i) => `${i.label} ${i.description}`);
          return items.find((i) => i.label === 'environment:');
        },
      ],
      message: [{ match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: undefined }],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('shared-dotenv/docker-compose.yml'), { tokenId: t.token.id });
    } finally {
      ui.restore();
    }
    assert.match(offered[0] ?? '', /^env_file: /, `the safe choice comes first: ${JSON.stringify(offered)}`);
    assert.match(offered[1] ?? '', /^environment: ⚠ .*\.env, which nginx also read/, JSON.stringify(offered));
    const asked = ui.record.messages.find((m) => m.text.startsWith('Add TELEGRAF_CONTROLLER_TOKEN'));
    assert.match(asked?.detail ?? '', /⚠ \.env is also read through env_file: by nginx: the token would reach them too/, JSON.stringify(ui.record.messages));
    assert.equal((await vscode.workspace.openTextDocument(uri('shared-dotenv/docker-compose.yml'))).getText(), compose, 'declined: unchanged');
    assert.ok(!fs.existsSync(file('shared-dotenv/.env')), 'declined: no .env written');
  });

  it('Rotate Token… updates env files, lists the cluster Secret with its command, and revokes only when confirmed', async () => {
    const old = await api.createToken({ description: 'deploy rotate', expiresAt: null, permissions: AGENT });
    write('rot/.env', `# agent\nTELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
    // A file of no kind this extension reads (Debian's /etc/default style), holding the value: listed, never edited.
    write('rot/telegraf.vars', `TELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
    write(
      'rot/telegraf.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\n  namespace: monitoring\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n',
    );
    // The same kind of manifest where the Secret is made from an env file holding ANOTHER token: not this token's.
    const other = await api.createToken({ description: 'deploy other agent', expiresAt: null, permissions: AGENT });
    const manifest = (secret: string) =>
      `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: ${secret}\n                  key: TELEGRAF_CONTROLLER_TOKEN\n`;
    write('rot-other/telegraf.yaml', manifest('other-agent-token'));
    write('rot-other/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${other.value}\n`);
    // And one whose Secret's content the workspace does not show.
    write('rot-unknown/telegraf.yaml', manifest('unknown-token'));
    // Another Secret beside the env file that holds the value: that env file is another Secret's, so it proves nothing.
    write('rot/relay.yaml', manifest('relay-settings'));
    // First run: the user copies the commands, then declines the revoke.
    await vscode.env.clipboard.writeText('');
    let ui = scriptUi({
      message: [
        { match: 'Rotate the token "deploy rotate"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
    }
    const confirm = ui.record.messages.find((m) => m.text.startsWith('Rotate the token'));
    assert.ok(confirm?.detail?.includes('rot/.env:2'), `the env file is listed: ${confirm?.detail}`);
    assert.match(confirm?.detail ?? '', /The old value also appears here, NOT updated \(change it by hand\): \S*rot\/telegraf\.vars:1/);
    assert.ok(confirm?.detail?.includes('Kubernetes Secret "telegraf-controller-token"'), confirm?.detail);
    const second = ui.record.messages.find((m) => m.text.startsWith('The new token is stored'));
    // The dialogs list places, never commands: a modal taller than the window cannot be answered.
    assert.ok(!/kubectl|sudo/.test(`${confirm?.detail}${second?.detail}`), `no command in the dialogs: ${second?.detail}`);
    assert.ok((second?.detail ?? '').split('\n').length <= 10, `a short dialog: ${second?.detail}`);
    const commands = await vscode.env.clipboard.readText();
    assert.ok(commands.startsWith('#!/usr/bin/env bash\n# Run these in bash'), `the script says it needs bash: ${commands.slice(0, 80)}`);
    assert.ok(
      commands.includes(
        'TC_B64=$(kubectl create secret generic telegraf-controller-token --from-env-file=deploy-features/rot/.env --dry-run=client -o \'jsonpath={.data.TELEGRAF_CONTROLLER_TOKEN}\') && [ -n "$TC_B64" ] &&\n  kubectl patch secret telegraf-controller-token -n monitoring --type merge',
      ),
      `the Secret's key is set from the env file that gets the new value: ${commands}`,
    );
    assert.ok(!commands.includes('other-agent-token'), `a Secret made from another token's env file is not listed: ${commands}`);
    assert.match(commands, /Secret "unknown-token".*what it holds is not in the workspace: update it only if it holds this token/);
    assert.match(
      commands,
      /# read -rsp .*\n# kubectl patch secret unknown-token --type merge --patch-file=<\(printf '\{"stringData":\{"TELEGRAF_CONTROLLER_TOKEN":"%s"\}\}' "\$TC_TOKEN"\)/,
    );
    assert.match(commands, /# Kubernetes Secret "relay-settings".*what it holds is not in the workspace/, 'beside an env file that is not its own: unknown');
    assert.ok(!/made from \S*rot\/\.env[^\n]*\n[^#]*relay-settings/.test(commands), commands);
    assert.ok(
      commands.includes('unset TC_B64\nkubectl rollout restart daemonset/telegraf -n monitoring'),
      `the DaemonSet that reads the Secret is restarted after it: ${commands}`,
    );
    assert.ok(fs.readFileSync(file('rot-other/telegraf-controller.env'), 'utf8').includes(other.value), "another token's env file is left alone");
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'active', 'declined: the old token stays active');
    assert.ok(fs.readFileSync(file('rot/telegraf.vars'), 'utf8').includes(old.value), 'a file of unknown kind is never edited');
    const envAfter = fs.readFileSync(file('rot/.env'), 'utf8');
    assert.ok(!envAfter.includes(old.value) && /TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_/.test(envAfter), 'the env file holds the new value');
    assert.ok(
      ui.record.messages.some((m) => m.level === 'info' && /stays active as you chose/.test(m.text)),
      `says the old token stays active, as information (the user's choice, not an error): ${JSON.stringify(ui.record.messages)}`,
    );
    assert.ok(!ui.record.messages.some((m) => m.level === 'error'), JSON.stringify(ui.record.messages));

    // Second token, confirmed: revoked after the update.
    const old2 = await api.createToken({ description: 'deploy rotate 2', expiresAt: null, permissions: AGENT });
    write('rot/.env', `TELEGRAF_CONTROLLER_TOKEN=${old2.value}\n`);
    ui = scriptUi({
      message: [
        { match: 'Rotate the token "deploy rotate 2"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Revoke Old Token' },
      ],
    });
    let outcome: ReplaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old2.token.id);
    } finally {
      ui.restore();
    }
    assert.ok(outcome, JSON.stringify(ui.record.messages));
    assert.equal((await api.connection.api().getToken(old2.token.id)).status, 'revoked');
    assert.equal(fs.readFileSync(file('rot/.env'), 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${outcome.value}\n`);
  });

  it('Rotate Token… never saves an env file with unsaved changes: the new value stays in its editor, and the dialog says to save it', async () => {
    const old = await api.createToken({ description: 'deploy rotate dirty', expiresAt: null, permissions: AGENT });
    write('rot-dirty/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
    const envUri = uri('rot-dirty/telegraf-controller.env');
    // VS Code in a browser saves edits after a delay by default (files.autoSave): off here, as on the desktop.
    const files = vscode.workspace.getConfiguration('files');
    const autoSave = files.inspect('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const doc = await vscode.workspace.openTextDocument(envUri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# my unsaved note\n'));
    assert.ok(doc.isDirty);

    const ui = scriptUi({
      message: [
        { match: 'Rotate the token "deploy rotate dirty"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    let outcome: ReplaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
    }
    assert.ok(outcome, JSON.stringify(ui.record.messages));
    const disk = fs.readFileSync(file('rot-dirty/telegraf-controller.env'), 'utf8');
    assert.equal(
      disk,
      `TELEGRAF_CONTROLLER_TOKEN=${old.value}\n`,
      `the disk is not written: ${disk.replace(/tc-apiv1_\S+/g, (v) => (v === old.value ? 'OLD' : v === outcome?.value ? 'NEW' : 'OTHER'))} dirty=${doc.isDirty}`,
    );
    assert.ok(doc.isDirty, 'the editor keeps its unsaved changes');
    assert.ok(doc.getText().startsWith('# my unsaved note\n') && doc.getText().includes(outcome.value), 'the new value is in the editor, with the note');
    const asked = ui.record.messages.find((m) => m.text.startsWith('The new token is stored'));
    assert.match(asked?.detail ?? '', /rot-dirty\/telegraf-controller\.env[^\n]*unsaved changes[^\n]*save it/, JSON.stringify(ui.record.messages));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await files.update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
  });

  it('Rotate Token… lists the host copy the systemd quick fix installs and the Compose services to recreate', async () => {
    const old = await api.createToken({ description: 'deploy rotate host', expiresAt: null, permissions: AGENT });
    // What the systemd quick fix leaves: the unit reads the host file, the workspace holds the file it was installed from.
    write(
      'rot-host/telegraf.service',
      '[Unit]\nDescription=Telegraf\n[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nExecStart=/usr/bin/telegraf\n',
    );
    write('rot-host/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
    // A unit reading a host file the workspace has no copy of.
    write('rot-host2/agent.service', '[Service]\nEnvironmentFile=-/etc/default/telegraf\n');
    // A unit reading /etc/default/telegraf (other settings too) whose token line came from an env file beside it.
    write('rot-host3/telegraf.service', '[Service]\nEnvironmentFile=-/etc/default/telegraf\nExecStart=/usr/bin/telegraf\n');
    write('rot-host3/telegraf-controller.env', `TELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
    // A Compose service reading an env file that holds the value.
    write('rot-compose/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n    env_file:\n      - agent.env\n  nginx:\n    image: nginx\n');
    write('rot-compose/agent.env', `TELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({
      message: [
        { match: 'Rotate the token "deploy rotate host"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
    }
    const detail = await vscode.env.clipboard.readText();
    assert.match(
      detail,
      /Host file \/etc\/telegraf\/telegraf-controller\.env \(read by telegraf\.service\) \(\S*rot-host\/telegraf\.service:4\) — installed from \S*rot-host\/telegraf-controller\.env, which gets the new value/,
    );
    assert.ok(
      detail.includes(
        'sudo install -D -m 0600 -o root -g root deploy-features/rot-host/telegraf-controller.env /etc/telegraf/telegraf-controller.env && sudo systemctl restart telegraf',
      ),
      detail,
    );
    assert.match(
      detail,
      /Host file \/etc\/default\/telegraf \(read by agent\.service\).*what it holds is not in the workspace[^\n]*\n# Only if it holds this token[^\n]*\n# sudoedit \/etc\/default\/telegraf && sudo systemctl restart agent/,
    );
    assert.ok(
      detail.includes(' sh /etc/default/telegraf deploy-features/rot-host3/telegraf-controller.env && sudo systemctl restart telegraf'),
      `only the token line of /etc/default/telegraf is replaced: ${detail}`,
    );
    assert.ok(!/install [^\n]* \/etc\/default\/telegraf/.test(detail), 'a host file with other settings is never replaced whole');
    assert.ok(detail.includes('docker compose -f deploy-features/rot-compose/docker-compose.yml up -d telegraf'), detail);
    assert.ok(!/up -d[^\n]*nginx/.test(detail), 'only the services that read the file are recreated');
    assert.ok(
      fs.readFileSync(file('rot-host/telegraf-controller.env'), 'utf8').includes('tc-apiv1_') &&
        !fs.readFileSync(file('rot-host/telegraf-controller.env'), 'utf8').includes(old.value),
      'the workspace copy holds the new value',
    );
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'active', 'declined: the old token stays active');
  });

  it('Rotate Token… rewrites an env file "Add to Env File…" wrote outside the workspace, keeping its mode 0600', async function () {
    if (process.platform === 'win32') this.skip();
    const old = await api.createToken({ description: 'deploy rotate outside', expiresAt: null, permissions: AGENT });
    const outsideDir = path.join(workspaceFolder(), '..', 'outside-env');
    fs.rmSync(outsideDir, { recursive: true, force: true });
    fs.mkdirSync(outsideDir, { recursive: true });
    const envFile = path.join(outsideDir, 'telegraf.env');
    assert.equal(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(envFile)), undefined, 'the env file is outside the workspace');
    try {
      // Insert the token as an environment reference, then "Add to Env File…" with a path outside the workspace.
      await addToOutsideEnvFile(old, envFile);
      assert.equal(fs.statSync(envFile).mode & 0o777, 0o600, 'written owner-only');

      await vscode.env.clipboard.writeText('');
      const ui = scriptUi({
        message: [
          { match: 'Rotate the token "deploy rotate outside"', answer: 'Rotate' },
          { match: 'The new token is stored', answer: 'Copy Commands' },
          { match: 'The new token is stored', answer: 'Revoke Old Token' },
        ],
      });
      let outcome: ReplaceOutcome | undefined;
      try {
        outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
      } finally {
        ui.restore();
      }
      assert.ok(outcome, JSON.stringify(ui.record.messages));
      const confirm = ui.record.messages.find((m) => m.text.startsWith('Rotate the token'));
      assert.match(
        confirm?.detail ?? '',
        /Env files that get the new value: [^\n]*outside-env\/telegraf\.env:1/,
        `listed like other env files: ${confirm?.detail}`,
      );
      const second = ui.record.messages.find((m) => m.text.startsWith('The new token is stored'));
      assert.match(second?.detail ?? '', /Telegraf agent that reads \S*outside-env\/telegraf\.env.*only when it starts: restart it/, `${second?.detail}`);
      assert.match(await vscode.env.clipboard.readText(), /# restart the Telegraf agent that reads \S*outside-env\/telegraf\.env/);

      const after = fs.readFileSync(envFile, 'utf8');
      assert.ok(after.includes(outcome.value), 'the outside env file holds the new value');
      assert.ok(!after.includes(old.value), 'and not the old one');
      assert.equal(fs.statSync(envFile).mode & 0o777, 0o600, 'its mode stays 0600');
      assert.ok(
        outcome.rewrite.files.some((f) => f.endsWith('outside-env/telegraf.env')),
        `counted as rewritten: ${outcome.rewrite.files.join(', ')}`,
      );
      assert.ok(outcome.revoked, 'confirmed: the old token is revoked');
      assert.equal((await api.connection.api().getToken(old.token.id)).status, 'revoked');
      for (const m of ui.record.messages) {
        assert.ok(!`${m.text}${m.detail ?? ''}`.includes(old.value) && !`${m.text}${m.detail ?? ''}`.includes(outcome.value), 'no value in a dialog');
      }
      assert.ok(!ui.record.messages.some((m) => m.level === 'error'), JSON.stringify(ui.record.messages));
    } finally {
      fs.rmSync(outsideDir, { recursive: true, force: true });
    }
  });

  it('Rotate Token… never claims an env file changed on disk during the confirmation got the new value, nor gives the Secret made from it', async () => {
    const old = await api.createToken({ description: 'deploy rotate changed meanwhile', expiresAt: null, permissions: AGENT });
    const other = 'tc-apiv1_SomeoneElsesTokenPutThere0123456';
    write(
      'rot-changed/agent.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: team-b\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n',
    );
    const added = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('rot-changed/agent.yaml'), {
      tokenId: old.token.id,
      k8s: 'kubectl',
      yes: true,
    });
    // telegraf-controller.env, or a file of its own when another workspace manifest reads the default Secret.
    const envName = path.basename(added?.valueFile ?? '');
    assert.match(envName, /^telegraf-controller(-\d+)?\.env$/, JSON.stringify(added));
    const env = file(`rot-changed/${envName}`);
    assert.ok(fs.readFileSync(env, 'utf8').includes(old.value));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(env)));
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({
      message: [
        {
          match: 'Rotate the token "deploy rotate changed meanwhile"',
          answer: 'Rotate',
          // While the confirmation is open, the file gets another token on disk.
          before: () => fs.writeFileSync(env, `TELEGRAF_CONTROLLER_TOKEN=${other}\n`),
        },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    let outcome: ReplaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    const confirm = ui.record.messages.find((m) => m.text.startsWith('Rotate the token "deploy rotate changed meanwhile"'));
    assert.ok(
      (confirm?.detail ?? '').includes(`Env files that get the new value: deploy-features/rot-changed/${envName}:1`),
      `what was true when asked: ${confirm?.detail}`,
    );
    assert.equal(fs.readFileSync(env, 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${other}\n`, 'the change on disk is kept');
    const commands = await vscode.env.clipboard.readText();
    assert.ok(
      commands.includes(`rot-changed/${envName} — it changed after the rotation was confirmed and no longer holds the old value, so it was not updated`),
      commands,
    );
    assert.doesNotMatch(commands, /kubectl create secret generic [^\n]*rot-changed/, `the Secret is not made from it: ${commands}`);
    assert.ok(!(outcome?.rewrite.files ?? []).some((f) => f.includes('rot-changed')), 'not counted as rewritten');
    assert.ok(!outcome?.revoked, 'the old token is not revoked');
  });

  it('Rotate Token… never offers to install a host file from an env file that changed on disk during the confirmation', async () => {
    const old = await api.createToken({ description: 'deploy rotate host changed', expiresAt: null, permissions: AGENT });
    const other = 'tc-apiv1_AnotherAgentsTokenPutThere012345';
    write('rot-host-changed/telegraf.service', '[Service]\nEnvironmentFile=-/etc/default/telegraf\nExecStart=/usr/bin/telegraf\n');
    const added = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('rot-host-changed/telegraf.service'), {
      tokenId: old.token.id,
      yes: true,
    });
    const env = file(`rot-host-changed/${path.basename(added?.valueFile ?? '')}`);
    assert.ok(fs.readFileSync(env, 'utf8').includes(old.value), JSON.stringify(added));
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({
      message: [
        {
          match: 'Rotate the token "deploy rotate host changed"',
          answer: 'Rotate',
          // While the confirmation is open, the file gets another agent's token on disk.
          before: () => fs.writeFileSync(env, `TELEGRAF_CONTROLLER_TOKEN=${other}\n`),
        },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    let outcome: ReplaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
    } finally {
      ui.restore();
    }
    const confirm = ui.record.messages.find((m) => m.text.startsWith('Rotate the token "deploy rotate host changed"'));
    assert.match(confirm?.detail ?? '', /Host file \/etc\/default\/telegraf/, `the host file was named when asked: ${confirm?.detail}`);
    assert.equal(fs.readFileSync(env, 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${other}\n`, 'the change on disk is kept');
    const commands = await vscode.env.clipboard.readText();
    assert.match(commands, /rot-host-changed\/\S+ — it changed after the rotation was confirmed/, commands);
    assert.ok(!commands.split('\n').some((l) => !l.startsWith('#') && l.includes('rot-host-changed')), `nothing is installed on the host from it: ${commands}`);
    assert.doesNotMatch(commands, /Host file \/etc\/default\/telegraf \(read by telegraf\.service\) \(deploy-features\/rot-host-changed/, commands);
    assert.ok(!outcome?.revoked, 'the old token is not revoked');
  });

  it("Rotate Token… names the chart's envFromSecret Secret as probably set from the env file Add Token wrote, under that key", async () => {
    const t = await api.createToken({ description: 'deploy helm envFromSecret', expiresAt: null, permissions: AGENT });
    write(
      'helm-efs/values.yaml',
      'image:\n  repo: telegraf\n  tag: "1.40"\nenvFromSecret: "telegraf-tokens"\nargs: ["--config", "http://127.0.0.1:8888/api/configs/abc/toml"]\nconfig:\n  outputs:\n    - influxdb_v2:\n        token: $INFLUX_TOKEN\n',
    );
    const added = await vscode.commands.executeCommand<AddTokenResult>('telegrafController.addTokenToDeployment', uri('helm-efs/values.yaml'), {
      tokenId: t.token.id,
      k8s: 'kubectl',
      yes: true,
    });
    const env = path.basename(added?.valueFile ?? '');
    assert.match(added?.commands.join('\n') ?? '', /kubectl patch secret telegraf-tokens/);
    await vscode.env.clipboard.writeText('');
    const ui = scriptUi({
      message: [
        { match: 'Rotate the token "deploy helm envFromSecret"', answer: 'Rotate' },
        { match: 'The new token is stored', answer: 'Copy Commands' },
        { match: 'The new token is stored', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.rotateToken', t.token.id);
    } finally {
      ui.restore();
    }
    const commands = await vscode.env.clipboard.readText();
    assert.ok(commands.includes(`probably set from deploy-features/helm-efs/${env} (key TELEGRAF_CONTROLLER_TOKEN), which gets the new value`), commands);
    assert.match(commands, /# TC_B64=\$\(kubectl create secret generic telegraf-tokens --from-env-file=\S*helm-efs\/[^ ]+ [^\n]*TELEGRAF_CONTROLLER_TOKEN/);
  });

  it('Rotate Token… names an outside env file whose token line changed during the confirmation as not updated', async function () {
    if (process.platform === 'win32') this.skip();
    const old = await api.createToken({ description: 'deploy rotate outside changed', expiresAt: null, permissions: AGENT });
    const outsideDir = path.join(workspaceFolder(), '..', 'outside-env-changed');
    fs.rmSync(outsideDir, { recursive: true, force: true });
    fs.mkdirSync(outsideDir, { recursive: true });
    const envFile = path.join(outsideDir, 'telegraf.env');
    const other = 'tc-apiv1_AnotherTokenWrittenMeanwhile01234';
    try {
      await addToOutsideEnvFile(old, envFile);
      await vscode.env.clipboard.writeText('');
      const ui = scriptUi({
        message: [
          {
            match: 'Rotate the token "deploy rotate outside changed"',
            answer: 'Rotate',
            before: () => fs.writeFileSync(envFile, `TELEGRAF_CONTROLLER_TOKEN=${other}\n`),
          },
          { match: 'The new token is stored', answer: 'Copy Commands' },
          { match: 'The new token is stored', answer: undefined },
        ],
      });
      let outcome: ReplaceOutcome | undefined;
      try {
        outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
      } finally {
        ui.restore();
      }
      assert.equal(fs.readFileSync(envFile, 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${other}\n`, 'the change is kept');
      assert.match(await vscode.env.clipboard.readText(), /outside-env-changed\/telegraf\.env — it changed after the rotation was confirmed/);
      assert.ok(!outcome?.revoked, 'the old token is not revoked');
    } finally {
      fs.rmSync(outsideDir, { recursive: true, force: true });
    }
  });

  it('Rotate Token… rewrites an outside env file changed on disk after VS Code read it, keeping the new line, with no dirty editor', async function () {
    if (process.platform === 'win32') this.skip();
    const old = await api.createToken({ description: 'deploy rotate stale', expiresAt: null, permissions: AGENT });
    const outsideDir = path.join(workspaceFolder(), '..', 'outside-env-stale');
    fs.rmSync(outsideDir, { recursive: true, force: true });
    fs.mkdirSync(outsideDir, { recursive: true });
    const envFile = path.join(outsideDir, 'telegraf.env');
    const envUri = vscode.Uri.file(envFile);
    try {
      await addToOutsideEnvFile(old, envFile);
      // VS Code keeps a model of the file; it does not watch files outside the workspace, so the change below leaves it stale.
      const model = await vscode.workspace.openTextDocument(envUri);
      assert.ok(model.getText().includes(old.value));
      fs.appendFileSync(envFile, 'OTHER=1\n');
      assert.equal(fs.statSync(envFile).mode & 0o777, 0o600, 'written owner-only');

      const ui = scriptUi({
        message: [
          { match: 'Rotate the token "deploy rotate stale"', answer: 'Rotate' },
          { match: 'The new token is stored', answer: 'Revoke Old Token' },
        ],
      });
      let outcome: ReplaceOutcome | undefined;
      try {
        outcome = await vscode.commands.executeCommand<ReplaceOutcome>('telegrafController.rotateToken', old.token.id);
      } finally {
        ui.restore();
      }
      assert.ok(outcome, JSON.stringify(ui.record.messages));
      const after = fs.readFileSync(envFile, 'utf8');
      assert.ok(after.includes(outcome.value), 'the outside env file holds the new value');
      assert.ok(!after.includes(old.value), 'and not the old one');
      assert.match(after, /^OTHER=1$/m, 'the line added on disk stays');
      assert.equal(fs.statSync(envFile).mode & 0o777, 0o600, 'its mode stays 0600');
      assert.equal(vscode.workspace.textDocuments.find((d) => d.uri.toString() === envUri.toString())?.isDirty ?? false, false, 'no unsaved buffer');
      assert.ok(
        outcome.rewrite.files.some((f) => f.endsWith('outside-env-stale/telegraf.env')),
        `counted as rewritten: ${outcome.rewrite.files.join(', ')}`,
      );
      for (const m of ui.record.messages) {
        const text = `${m.text}${m.detail ?? ''}`;
        assert.ok(!/cannot write|sudoedit/.test(text), `no "cannot write": ${text}`);
        assert.ok(!text.includes(old.value) && !text.includes(outcome.value), 'no value in a dialog');
      }
      assert.ok(outcome.revoked, 'confirmed: the old token is revoked');
    } finally {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === envUri.toString());
      if (open?.isDirty) {
        await vscode.window.showTextDocument(open);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
      fs.rmSync(outsideDir, { recursive: true, force: true });
    }
  });
});
