/**
 * Deployment files through the real UI (README.md "Deploying agents"):
 * - "Add Token to Deployment…" wires a token created in VS Code into a
 *   Compose file (a `${VAR:?…}` entry in the telegraf service's list-form
 *   environment; the value in `.env`, mode 0600, git-ignored) and into a
 *   Kubernetes DaemonSet (an `env[].valueFrom.secretKeyRef` item; the value
 *   in a 0600 env file for `kubectl create secret --from-env-file`);
 * - a Compose file and a Helm values file with a plaintext controller token
 *   get a Problems entry and the format's quick fix (screenshots), and the
 *   Compose fix is applied.
 * Screenshots: test-results/screenshots/deployments-*.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { quickInput, quickOpen, signInWithPassword, treeRow, type E2EContext } from './harness';

export const timeoutMs = 300_000;

/** A seed token's value (test/emulator/seeds/demo.json, "Telegraf agent - prod-web-01"). */
const SEED_VALUE = 'tc-apiv1_Pw01AgentProdWeb01demo00000000000';
const DESCRIPTION = 'e2e deploy agent';

/** Waits until `check()` holds (polling the file system), or fails naming `what`. */
async function until(what: string, check: () => boolean, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function confirmModal(page: Page, button: string, expect: RegExp): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: 20_000 });
  const text = await dialog.innerText();
  assert.match(text, expect);
  await dialog.locator('.monaco-button', { hasText: button }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  return text;
}

/** Chooses the quick-pick item `label` with the keyboard (filter, wait until it is the focused row, Enter): hovers cannot intercept it. */
async function choose(page: Page, label: string): Promise<void> {
  const qi = quickInput(page);
  await qi.locator('.monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 20_000 });
  await qi.locator('input.input').fill(label);
  await qi.locator('.monaco-list-row.focused', { hasText: label }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Puts the cursor into the plaintext token on the line containing `lineText` and opens the quick fixes. */
async function openQuickFix(page: Page, lineText: string): Promise<string[]> {
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const token = editor.locator('.view-line', { hasText: lineText }).first().locator('span', { hasText: 'tc-apiv1' }).first();
  await token.waitFor({ state: 'visible', timeout: 15_000 });
  await token.click();
  const menu = page.locator('.action-widget');
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Control+.');
    try {
      await menu
        .locator('.action-list-item, .monaco-list-row', { hasText: /Replace with|Move to|Revoke/ })
        .first()
        .waitFor({ state: 'visible', timeout: 2000 });
      break;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  return menu.locator('.action-list-item, .monaco-list-row').allInnerTexts();
}

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const ws = ctx.workspace;
  fs.mkdirSync(path.join(ws, 'compose'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'k8s'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'leaky'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'helm'), { recursive: true });
  const compose = path.join(ws, 'compose/docker-compose.yml');
  const composeText = [
    "version: '3.8'",
    '',
    'x-logging: &default-logging',
    '  driver: json-file',
    '',
    'services:',
    '  influxdb:',
    '    image: influxdb:2.7',
    '    logging: *default-logging',
    '  telegraf:',
    '    image: telegraf:1.40',
    '    # the agent pulls its config from the controller',
    '    command: ["--config", "https://controller.example/api/configs/42/toml"]',
    '    environment:',
    '      - HOSTNAME=edge-01',
    '    logging: *default-logging',
    '',
  ].join('\n');
  fs.writeFileSync(compose, composeText);
  const manifest = path.join(ws, 'k8s/telegraf.yaml');
  const manifestText = [
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    '  name: telegraf',
    '  namespace: monitoring',
    'spec:',
    '  selector:',
    '    matchLabels: {app: telegraf}',
    '  template:',
    '    metadata:',
    '      labels: {app: telegraf}',
    '    spec:',
    '      containers:',
    '        - name: telegraf',
    '          image: telegraf:1.40-alpine',
    '          args: ["--config", "https://controller.example/api/configs/42/toml"]',
    '          env:',
    '            # node name for the agent tags',
    '            - name: HOSTNAME',
    '              valueFrom:',
    '                fieldRef:',
    '                  fieldPath: spec.nodeName',
    '',
  ].join('\n');
  fs.writeFileSync(manifest, manifestText);
  const leaky = path.join(ws, 'leaky/docker-compose.yml');
  fs.writeFileSync(
    leaky,
    ['services:', '  telegraf:', '    image: telegraf:1.40', '    environment:', `      TELEGRAF_CONTROLLER_TOKEN: ${SEED_VALUE}`, ''].join('\n'),
  );
  const values = path.join(ws, 'helm/values.yaml');
  fs.writeFileSync(
    values,
    [
      '## Values for the influxdata/telegraf chart',
      'image:',
      '  repository: docker.io/library/telegraf',
      '  tag: "1.40-alpine"',
      'env:',
      '  - name: HOSTNAME',
      '    value: "telegraf-polling-service"',
      '  - name: TELEGRAF_CONTROLLER_TOKEN',
      `    value: "${SEED_VALUE}"`,
      'config:',
      '  outputs:',
      '    - heartbeat:',
      '        url: "https://controller.example:8000/agents/heartbeat"',
      '',
    ].join('\n'),
  );
  for (const f of [leaky, values]) ctx.secrets?.allowLiteralIn(f, SEED_VALUE);

  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Telegraf Controller');
  // The configured controller (telegrafController.url) is listed: Sign In, not Connect… (offered only while none is).
  await workbench.runCommand('Telegraf Controller: Sign In');
  await signInWithPassword(page, ctx.emulator!.username, ctx.emulator!.password);
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });

  // A token whose value is stored in VS Code (created here).
  await workbench.runCommand('Telegraf Controller: Create Token');
  const frame = await workbench.findWebviewFrame('#description');
  await frame.locator('#description').locator('input').first().fill(DESCRIPTION);
  await frame.locator('#summary-title').waitFor({ state: 'visible' });
  await frame.locator('#submit').click();
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  await treeRow(page, DESCRIPTION).waitFor({ state: 'visible', timeout: 20_000 });
  const created = [...ctx.emulator!.server.state.tokens.values()].find((t: any) => t.description === DESCRIPTION) as any;
  assert.ok(created, 'the emulator has the token');

  // 1. Compose: list-form environment entry, value in .env (0600).
  await quickOpen(page, 'compose/docker-compose.yml');
  await workbench.runCommand('Telegraf Controller: Add Token to Deployment…');
  await choose(page, DESCRIPTION);
  await choose(page, 'environment:');
  const composeDialog = await confirmModal(page, 'Add', /Add TELEGRAF_CONTROLLER_TOKEN to docker-compose\.yml\?/);
  assert.match(composeDialog, /service "telegraf"/);
  const envFile = path.join(ws, 'compose/.env');
  await until('compose/.env', () => fs.existsSync(envFile));
  ctx.secrets?.allowLiteralIn(envFile);
  await until('the compose edit on disk', () => fs.readFileSync(compose, 'utf8') !== composeText);
  const composeAfter = fs.readFileSync(compose, 'utf8');
  assert.equal(
    composeAfter,
    composeText.replace(
      '      - HOSTNAME=edge-01\n',
      '      - HOSTNAME=edge-01\n      - TELEGRAF_CONTROLLER_TOKEN=${TELEGRAF_CONTROLLER_TOKEN:?TELEGRAF_CONTROLLER_TOKEN is not set}\n',
    ),
    'exactly one line added, every other byte kept',
  );
  const envText = fs.readFileSync(envFile, 'utf8');
  assert.match(envText, /^TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_[A-Za-z0-9_-]+\n$/);
  assert.equal(fs.statSync(envFile).mode & 0o777, 0o600, '.env is 0600');
  const gitignore = path.join(ws, 'compose/.gitignore');
  await until('compose/.gitignore', () => fs.existsSync(gitignore));
  assert.match(fs.readFileSync(gitignore, 'utf8'), /^\/\.env$/m);
  assert.ok(!composeAfter.includes('tc-apiv1_'), 'no value in the compose file');
  await ctx.screenshot('01-compose-wired');

  // 2. Kubernetes: secretKeyRef item, value in the env file for kubectl.
  await quickOpen(page, 'k8s/telegraf.yaml');
  await workbench.runCommand('Telegraf Controller: Add Token to Deployment…');
  await choose(page, DESCRIPTION);
  await choose(page, 'kubectl command');
  await confirmModal(page, 'Add', /Add TELEGRAF_CONTROLLER_TOKEN to telegraf\.yaml\?/);
  const k8sEnv = path.join(ws, 'k8s/telegraf-controller.env');
  await until('k8s/telegraf-controller.env', () => fs.existsSync(k8sEnv));
  ctx.secrets?.allowLiteralIn(k8sEnv);
  await until('the manifest edit on disk', () => fs.readFileSync(manifest, 'utf8') !== manifestText);
  const manifestAfter = fs.readFileSync(manifest, 'utf8');
  assert.equal(
    manifestAfter,
    manifestText.replace(
      '                  fieldPath: spec.nodeName\n',
      '                  fieldPath: spec.nodeName\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n',
    ),
  );
  assert.equal(fs.statSync(k8sEnv).mode & 0o777, 0o600);
  const note = await workbench.waitForNotification(/reads TELEGRAF_CONTROLLER_TOKEN by reference/);
  ctx.log(`k8s: ${note}`);
  await ctx.screenshot('02-k8s-wired');

  // 3. A Compose file with a plaintext token: Problems entry and the Compose quick fix.
  await quickOpen(page, 'leaky/docker-compose.yml');
  await workbench.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(() => workbench.runCommand('View: Toggle Problems'));
  await page
    .locator('.markers-panel .monaco-list-row', { hasText: /plain text/i })
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  const composeFixes = await openQuickFix(page, 'TELEGRAF_CONTROLLER_TOKEN:');
  ctx.log(`compose quick fixes: ${composeFixes.join(' | ')}`);
  assert.ok(
    composeFixes.some((t) => /Replace with \$\{TELEGRAF_CONTROLLER_TOKEN\} \(value into \.env\)/.test(t)),
    composeFixes.join(' | '),
  );
  assert.ok(
    composeFixes.some((t) => /Revoke on Server and Replace/.test(t)),
    'the leak response is offered for a known token',
  );
  await ctx.screenshot('03-compose-flagged-quickfix');
  // Keyboard: move the focus to the fix, then Enter (the menu's pointer block swallows clicks).
  const widget = page.locator('.action-widget');
  for (let i = 0; i < 5 && !(await widget.locator('.monaco-list-row.focused', { hasText: 'Replace with ${TELEGRAF_CONTROLLER_TOKEN}' }).count()); i++)
    await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await until('the leaky compose file fixed', () => !fs.readFileSync(leaky, 'utf8').includes(SEED_VALUE));
  assert.equal(
    fs.readFileSync(leaky, 'utf8'),
    [
      'services:',
      '  telegraf:',
      '    image: telegraf:1.40',
      '    environment:',
      '      TELEGRAF_CONTROLLER_TOKEN: ${TELEGRAF_CONTROLLER_TOKEN:?TELEGRAF_CONTROLLER_TOKEN is not set}',
      '',
    ].join('\n'),
  );
  const leakyEnv = path.join(ws, 'leaky/.env');
  await until('leaky/.env', () => fs.existsSync(leakyEnv));
  ctx.secrets?.allowLiteralIn(leakyEnv, SEED_VALUE);
  assert.equal(fs.readFileSync(leakyEnv, 'utf8'), `TELEGRAF_CONTROLLER_TOKEN=${SEED_VALUE}\n`);
  assert.equal(fs.statSync(leakyEnv).mode & 0o777, 0o600);

  // 4. Helm values with a plaintext token: Problems entry and the secretKeyRef quick fix.
  await quickOpen(page, 'helm/values.yaml');
  const helmFixes = await openQuickFix(page, 'value: "tc-apiv1');
  ctx.log(`helm quick fixes: ${helmFixes.join(' | ')}`);
  assert.ok(
    helmFixes.some((t) => /Move to a Secret \(secretKeyRef telegraf-controller-token\/TELEGRAF_CONTROLLER_TOKEN\)/.test(t)),
    helmFixes.join(' | '),
  );
  await ctx.screenshot('04-helm-flagged-quickfix');
  await page.keyboard.press('Escape');
}
