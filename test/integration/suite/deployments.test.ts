/**
 * Deployment files in a real VS Code against the controller emulator
 * (README.md "Deploying agents"): workspace diagnostics in a Compose file, a
 * Kubernetes ConfigMap and an env file named only through `env_file:`;
 * "Add Token to Deployment…" on a Compose file (one undoable edit, value in
 * a 0600 `.env`); "Rotate Token…" updating an env file, listing the cluster
 * Secret a manifest references with its kubectl command, and revoking only
 * after the user confirms (declining keeps the old token active).
 * Files are written at runtime into `<workspace>/deploy-features/`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../../src/extension';
import type { ReplaceOutcome } from '../../../src/features/configFiles/tokenReplacement';
import type { AddTokenResult } from '../../../src/features/configFiles/deployments/addTokenCommand';
import { activateExtension, emulator, waitUntil, workspaceFolder } from '../harness';
import { ensureSignedIn, scriptUi } from './helpers/ui';

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

  it('Add Token to Deployment… asks before writing into an env file that already holds another token, and changes nothing when declined', async () => {
    const t = await api.createToken({ description: 'deploy shared env', expiresAt: null, permissions: AGENT });
    const compose = `services:\n  telegraf:\n    image: telegraf:1.40\n    environment:\n      - TELEGRAF_CONTROLLER_TOKEN=<TOKEN>\n`;
    const envBefore = 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_AnotherDeploymentsToken01234\n';
    write('shared/docker-compose.yml', compose);
    write('shared/.env', envBefore);
    const ui = scriptUi({
      message: [
        { match: /^Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/, answer: 'Add' },
        { match: '.env already holds a token.', answer: undefined },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.addTokenToDeployment', uri('shared/docker-compose.yml'), {
        tokenId: t.token.id,
        composeMode: 'environment',
      });
    } finally {
      ui.restore();
    }
    const asked = ui.record.messages.find((m) => m.text === '.env already holds a token.');
    assert.ok(asked, JSON.stringify(ui.record.messages));
    assert.match(asked.detail ?? '', /already sets TELEGRAF_CONTROLLER_TOKEN to another token/);
    assert.equal(fs.readFileSync(file('shared/.env'), 'utf8'), envBefore, 'the env file is unchanged');
    assert.equal((await vscode.workspace.openTextDocument(uri('shared/docker-compose.yml'))).getText(), compose, 'the Compose file is unchanged');
  });

  it('Rotate Token… updates env files, lists the cluster Secret with its command, and revokes only when confirmed', async () => {
    const old = await api.createToken({ description: 'deploy rotate', expiresAt: null, permissions: AGENT });
    write('rot/.env', `# agent\nTELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
    // A file of no kind this extension reads (Debian's /etc/default style), holding the value: listed, never edited.
    write('rot/telegraf.default', `TELEGRAF_CONTROLLER_TOKEN=${old.value}\n`);
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
    // First run: the user declines the revoke after the update.
    let ui = scriptUi({
      message: [
        { match: 'Rotate the token "deploy rotate"', answer: 'Rotate' },
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
    assert.match(confirm?.detail ?? '', /The old value also appears here, NOT updated \(change it by hand\): \S*rot\/telegraf\.default:1/);
    assert.ok(
      confirm?.detail?.includes('Kubernetes Secret "telegraf-controller-token"') &&
        confirm.detail.includes('kubectl create secret generic telegraf-controller-token -n monitoring'),
      confirm?.detail,
    );
    const second = ui.record.messages.find((m) => m.text.startsWith('The new token is stored'));
    assert.ok(
      second?.detail?.includes('kubectl create secret generic telegraf-controller-token -n monitoring --from-env-file=deploy-features/rot/.env '),
      `the Secret is re-created from the env file that gets the new value: ${second?.detail}`,
    );
    assert.ok(!second?.detail?.includes('other-agent-token'), `a Secret made from another token's env file is not listed: ${second?.detail}`);
    assert.match(second?.detail ?? '', /Secret "unknown-token".*what it holds is not in the workspace: update it only if it holds this token/);
    assert.match(
      second?.detail ?? '',
      /read -rsp .*\n.*kubectl create secret generic unknown-token --from-file=TELEGRAF_CONTROLLER_TOKEN=<\(printf %s "\$TC_TOKEN"\)/,
    );
    assert.ok(fs.readFileSync(file('rot-other/telegraf-controller.env'), 'utf8').includes(other.value), "another token's env file is left alone");
    assert.equal((await api.connection.api().getToken(old.token.id)).status, 'active', 'declined: the old token stays active');
    assert.ok(fs.readFileSync(file('rot/telegraf.default'), 'utf8').includes(old.value), 'a file of unknown kind is never edited');
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
});
