/**
 * The real agent meets the real UI: a token created in the Create Token form
 * is inserted by "Insert Token into Config…" in each form — env reference
 * (the value written to the workspace `.env` by "Add to Env File…", the
 * agent's environment sourced from it), secret-store reference (a
 * `[[secretstores.jose]]` whose password comes from the environment, the value
 * stored with `telegraf secrets set`), literal — and the real Telegraf
 * (scripts/build-telegraf.sh) runs on each saved config with a 1 s heartbeat
 * and a bounded run. The emulator must receive schema-valid heartbeats
 * authenticated by exactly that token. Revoked in the explorer: each agent's
 * next heartbeat is rejected with `Invalid token` (its own log) and the
 * extension flags the literal config in Problems. Rotated ("Rotate Token…" on
 * a second token inserted as a literal): the restarted agent works with the
 * new value. Config from a URL: an agent started with `--config
 * <emulator>/api/configs/<id>/toml` and the env var gets its config and heartbeats.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { clickMenu, pickItem, quickInput, treeRow, type E2EContext } from './harness';
import { connect } from './createToken.e2e';
import { startAgent, stopAllAgents, waitFor, type Agent } from '../telegraf/agent';
import { missingReason, telegrafBinary } from '../telegraf/telegraf';
import { heartbeatValidator } from '../emulator/telegrafModule';

export const timeoutMs = 10 * 60_000;

const FORMS = ['env', 'secret', 'literal'] as const;
type Form = (typeof FORMS)[number];

/** The config every agent starts from: a heartbeat output without a token, every 1 s. */
function baseConfig(heartbeatUrl: string, instanceId: string, joseDir: string): string {
  return [
    '[agent]',
    '  interval = "1s"',
    '  flush_interval = "1s"',
    '',
    '[[secretstores.jose]]',
    '  id = "agent_secrets"',
    `  path = "${joseDir}"`,
    '  password = "${TELEGRAF_SECRETS_PASSWORD}"',
    '',
    '[[inputs.mem]]',
    '',
    '[[outputs.heartbeat]]',
    `  url = "${heartbeatUrl}"`,
    `  instance_id = "${instanceId}"`,
    '  interval = "1s"',
    '  include = ["hostname", "statistics", "status"]',
    '',
  ].join('\n');
}

async function dialogButton(page: Page, label: string): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  await dialog.locator('.monaco-button', { hasText: label }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
}

async function notificationButton(page: Page, text: string | RegExp, button: string): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: 20_000 });
  await toast.locator('.monaco-button', { hasText: button }).first().click();
}

/** Opens `file` with Quick Open and puts the cursor on `line` (1-based). */
async function openAt(ctx: E2EContext, file: string, line: number): Promise<void> {
  const { page, workbench } = ctx;
  // Through the palette: Ctrl+P would go to a focused webview instead.
  await workbench.runCommand('Go to File');
  await quickInput(page).waitFor({ state: 'visible', timeout: 10_000 });
  await quickInput(page).locator('input.input').fill(`${file}:${line}`);
  await pickItem(page, file);
  await page.locator('.tab.active', { hasText: file }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ state: 'visible', timeout: 15_000 });
}

/** Creates a token in the Create Token form with the Telegraf-agent preset; returns the value the emulator issued. */
async function createInForm(ctx: E2EContext, description: string, issued: string[]): Promise<{ id: string; value: string }> {
  const { workbench } = ctx;
  const before = issued.length;
  await workbench.runCommand('Telegraf Controller: Create Token');
  const frame = await workbench.findWebviewFrame('#description');
  await frame.locator('#description').locator('input').first().fill(description);
  await frame.locator('#submit').click();
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  await waitFor(
    () => issued.length > before,
    () => 'the emulator to issue the value',
  );
  const value = issued[issued.length - 1]!;
  const tok = ctx.emulator!.server.state.findTokenByValue(value);
  assert.ok(tok);
  assert.equal(tok.description, description);
  assert.deepEqual(tok.permissions, { configs: ['read'], heartbeat: ['write'] });
  await treeRow(ctx.page, description).waitFor({ state: 'visible', timeout: 20_000 });
  return { id: tok.id, value };
}

/** "Insert Token into Config…" with the cursor inside the heartbeat of `file`. */
async function insert(ctx: E2EContext, file: string, description: string, form: Form): Promise<void> {
  const { page, workbench } = ctx;
  const text = fs.readFileSync(path.join(ctx.workspace, file), 'utf8');
  const line = text.split('\n').findIndex((l) => l.includes('instance_id')) + 1;
  await openAt(ctx, file, line);
  await workbench.runCommand('Telegraf Controller: Insert Token into Config');
  await pickItem(page, description);
  await pickItem(page, { env: 'Environment variable reference', secret: 'Secret-store reference', literal: 'Literal value' }[form]);
  if (form === 'literal') await dialogButton(page, 'Write Literal Value');
  if (form === 'secret') await pickItem(page, 'agent_secrets');
  if (form === 'env') {
    await notificationButton(page, 'now reads the token from', 'Add to Env File');
    // The save dialog (VS Code's simple file dialog in code-server) proposes <workspace>/.env.
    const widget = quickInput(page);
    await widget.waitFor({ state: 'visible', timeout: 15_000 });
    const input = widget.locator('input.input');
    // The dialog fills in its proposed path in steps after it shows (the folder, then the file name), and a
    // step that lands after our text is appended to it: set our path until the dialog holds exactly it.
    const target = path.join(ctx.workspace, '.env');
    await waitFor(
      async () => (await input.inputValue()).length > 0,
      () => 'the save dialog to propose a path',
    );
    await waitFor(
      async () => {
        if ((await input.inputValue()) !== target) await input.fill(target);
        return (await input.inputValue()) === target;
      },
      () => `the save dialog to hold ${target}`,
    );
    await page.keyboard.press('Enter');
    await waitFor(
      () => fs.existsSync(path.join(ctx.workspace, '.env')),
      () => 'the .env file',
    );
  }
  await workbench.runCommand('File: Save All');
  await waitFor(
    () => /token = /.test(fs.readFileSync(path.join(ctx.workspace, file), 'utf8')),
    () => `${file} saved with a token`,
  );
}

export async function run(ctx: E2EContext): Promise<void> {
  const bin = telegrafBinary();
  if (!bin) throw new Error(missingReason());
  const { page, workbench } = ctx;
  const emu = ctx.emulator!;
  const state = emu.server.state;
  const issued: string[] = [];
  const previous = state.onSecretIssued;
  state.onSecretIssued = (kind, value) => {
    previous?.(kind, value);
    if (kind === 'token') issued.push(value);
  };
  const validate = heartbeatValidator();
  const joseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-e2e-jose-'));
  const agents: Partial<Record<Form, Agent>> = {};
  const file = (form: Form): string => `agent-${form}.conf`;
  for (const form of FORMS) fs.writeFileSync(path.join(ctx.workspace, file(form)), baseConfig(emu.heartbeatUrl, `e2e-agent-${form}`, joseDir));
  const password = 'e2e-jose-password';

  /** Starts the agent of a form on its saved config, its environment as the form needs it. */
  const startFor = async (form: Form, value: string): Promise<Agent> => {
    const config = path.join(ctx.workspace, file(form));
    const env = { TELEGRAF_SECRETS_PASSWORD: password };
    if (form === 'secret') {
      const key = /@\{agent_secrets:([A-Za-z0-9_]+)\}/.exec(fs.readFileSync(config, 'utf8'))?.[1];
      assert.ok(key, 'the config refers to a secret of agent_secrets');
      const set = startAgent(bin, { configs: [config], args: ['secrets', 'set', 'agent_secrets', key, value], env, maxRunMs: 30_000 });
      await waitFor(
        () => set.exited,
        () => `telegraf secrets set: ${set.log()}`,
      );
      assert.equal(set.process.exitCode, 0, set.log());
    }
    return startAgent(bin, { configs: [config], env, maxRunMs: 4 * 60_000, ...(form === 'env' ? { envFile: path.join(ctx.workspace, '.env') } : {}) });
  };
  const heartbeatsOf = (instanceId: string, tokenId: string, since: number) =>
    state.heartbeats.filter((h) => (h.body as { id?: string }).id === instanceId && h.tokenId === tokenId && h.at >= since);
  const expectHeartbeats = async (form: Form, tokenId: string, since: number, agent: Agent): Promise<void> => {
    const hs = await waitFor(
      () => {
        const got = heartbeatsOf(`e2e-agent-${form}`, tokenId, since);
        return got.length >= 2 ? got : undefined;
      },
      () => `2 heartbeats of the ${form} agent with ${tokenId}; its log:\n${agent.log().slice(-2000)}`,
      60_000,
    );
    for (const h of hs) {
      assert.equal(validate(h.body), undefined, 'schema-valid heartbeat');
      assert.equal(h.scheme, 'Bearer');
    }
    ctx.log(`${form}: ${hs.length} heartbeats accepted with ${tokenId}`);
  };

  try {
    await workbench.waitForWorkbench();
    await workbench.openViewContainer('Telegraf Controller');
    await connect(ctx);
    await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });

    // 1. A token from the form, inserted in each form; a real agent per config.
    const first = await createInForm(ctx, 'e2e real agent', issued);
    for (const form of FORMS) await insert(ctx, file(form), 'e2e real agent', form);
    ctx.secrets?.allowLiteralIn(path.join(ctx.workspace, file('literal')), first.value);
    ctx.secrets?.allowLiteralIn(path.join(ctx.workspace, '.env'), first.value);
    assert.match(fs.readFileSync(path.join(ctx.workspace, file('env')), 'utf8'), /token = "\$\{TELEGRAF_CONTROLLER_TOKEN\}"/);
    assert.match(fs.readFileSync(path.join(ctx.workspace, '.env'), 'utf8'), new RegExp(`^TELEGRAF_CONTROLLER_TOKEN=${first.value}$`, 'm'));
    let since = Date.now();
    for (const form of FORMS) agents[form] = await startFor(form, first.value);
    for (const form of FORMS) await expectHeartbeats(form, first.id, since, agents[form]!);
    await ctx.screenshot('01-inserted-agents-running');

    // 2. Revoke in the explorer: every agent's next heartbeat is rejected; the extension flags the literal config.
    const marks = Object.fromEntries(FORMS.map((f) => [f, agents[f]!.log().length])) as Record<Form, number>;
    const row = treeRow(page, 'e2e real agent');
    await row.click();
    await row.click({ button: 'right' });
    await clickMenu(page, 'Revoke Token');
    await dialogButton(page, 'Revoke');
    await waitFor(
      () => state.tokens.get(first.id)?.status === 'revoked',
      () => 'the token revoked on the emulator',
    );
    for (const form of FORMS) {
      const m = await agents[form]!.waitForLog(/E! \[outputs\.heartbeat\] .*received status 401 \(401 Unauthorized\) .*Invalid token.*/, 30_000, marks[form]);
      ctx.log(`${form} agent after revoke: ${m[0]}`);
      await agents[form]!.stop();
    }
    await openAt(ctx, file('literal'), 1);
    await workbench.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: /revoked/i })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await ctx.screenshot('02-revoked-flagged');

    // 3. Rotate: a second token inserted as a literal, rotated by the extension; the restarted agent works.
    const second = await createInForm(ctx, 'e2e rotate me', issued);
    await insert(ctx, file('literal'), 'e2e rotate me', 'literal');
    ctx.secrets?.allowLiteralIn(path.join(ctx.workspace, file('literal')), second.value);
    await workbench.runCommand('Telegraf Controller: Rotate Token');
    await pickItem(page, 'e2e rotate me');
    await dialogButton(page, 'Rotate');
    await waitFor(
      () => state.tokens.get(second.id)?.status === 'revoked',
      () => 'the rotated token revoked',
    );
    const third = issued[issued.length - 1]!;
    const rotated = state.findTokenByValue(third);
    assert.ok(rotated && rotated.id !== second.id && rotated.status === 'active');
    ctx.secrets?.allowLiteralIn(path.join(ctx.workspace, file('literal')), third);
    await waitFor(
      () => fs.readFileSync(path.join(ctx.workspace, file('literal')), 'utf8').includes(third),
      () => 'the rotated value saved in the config',
    );
    since = Date.now();
    agents.literal = await startFor('literal', third);
    await expectHeartbeats('literal', rotated.id, since, agents.literal);
    assert.doesNotMatch(agents.literal.log(), /Invalid token/);
    await agents.literal.stop();
    await ctx.screenshot('03-rotated');

    // 4. Config from a URL: the controller serves the config; the agent authenticates with the env var.
    const urlToken = await createInForm(ctx, 'e2e url agent', issued);
    state.putConfig('cfg-e2e-url', {
      toml: baseConfig(emu.heartbeatUrl, 'e2e-agent-url', joseDir).replace('include = [', 'token = "${TELEGRAF_CONTROLLER_TOKEN}"\n  include = ['),
      name: 'e2e URL agent',
    });
    since = Date.now();
    const urlAgent = startAgent(bin, {
      configs: [`${emu.url}/api/configs/cfg-e2e-url/toml`],
      env: { TELEGRAF_CONTROLLER_TOKEN: urlToken.value, TELEGRAF_SECRETS_PASSWORD: password },
      maxRunMs: 2 * 60_000,
    });
    const hs = await waitFor(
      () => {
        const got = heartbeatsOf('e2e-agent-url', urlToken.id, since);
        return got.length >= 2 ? got : undefined;
      },
      () => `heartbeats of the URL agent; its log:\n${urlAgent.log().slice(-2000)}`,
      60_000,
    );
    assert.ok(state.configFetches.some((f) => f.configId === 'cfg-e2e-url' && f.status === 200 && f.scheme === 'Bearer' && f.tokenId === urlToken.id));
    ctx.log(`URL agent: config fetched with Bearer, ${hs.length} heartbeats`);
    await urlAgent.stop();
  } finally {
    await stopAllAgents();
    state.onSecretIssued = previous;
    fs.rmSync(joseDir, { recursive: true, force: true });
  }
}
