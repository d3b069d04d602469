/**
 * Telegraf configs in the editor through the real UI: a config with
 * a plaintext controller token gets a CodeLens above [[outputs.heartbeat]],
 * a warning in the Problems panel, and a hover naming the token. Then Test
 * Token (told first that a controller lists the heartbeat as an agent) and
 * "Check Config with Telegraf" with the real telegraf binary
 * (.telegraf/v1.40.1/telegraf, scripts/build-telegraf.sh). Screenshots for
 * the README (test-results/screenshots/configFeatures-*.png).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pickItem, quickInput, signInWithPassword, treeRow, until, type E2EContext } from './harness';

/** A seed token's value (test/emulator/seeds/demo.json, "Telegraf agent - prod-web-01"). */
const SEED_VALUE = 'tc-apiv1_Pw01AgentProdWeb01demo00000000000';

/** The real Telegraf of scripts/build-telegraf.sh. */
const TELEGRAF = path.join(process.cwd(), '.telegraf', 'v1.40.1', 'telegraf');

export const timeoutMs = 6 * 60_000;

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  assert.ok(fs.existsSync(TELEGRAF), `${TELEGRAF} is missing: run bash scripts/build-telegraf.sh`);
  const file = path.join(ctx.workspace, 'leaky.conf');
  fs.writeFileSync(
    file,
    [
      '[agent]',
      '  interval = "10s"',
      '',
      '[[inputs.cpu]]',
      '',
      '[[outputs.heartbeat]]',
      '  url = "http://127.0.0.1:8000/agents/heartbeat"',
      '  instance_id = "&{agent_id}"',
      `  token = "${SEED_VALUE}"`,
      '  interval = "1m"',
      '',
    ].join('\n'),
  );
  ctx.secrets?.allowLiteralIn(file, SEED_VALUE);
  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Telegraf Controller');
  // The configured controller (telegrafController.url) is listed: Sign In, not Connect… (offered only while none is).
  await workbench.runCommand('Telegraf Controller: Sign In');
  await signInWithPassword(page, ctx.emulator!.username, ctx.emulator!.password);
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });

  // Open the config with Quick Open.
  await page.keyboard.press('Control+P');
  await quickInput(page).locator('input.input').fill('leaky.conf');
  await pickItem(page, 'leaky.conf');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 15_000 });

  const lens = page.locator('.contentWidgets .codelens-decoration, .codelens-decoration', { hasText: 'Set Telegraf Controller Token' }).first();
  await lens.waitFor({ state: 'visible', timeout: 30_000 });

  await workbench.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(() => workbench.runCommand('View: Toggle Problems'));
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /plain text|plaintext/i }).first();
  await problem.waitFor({ state: 'visible', timeout: 30_000 });
  const problems = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  assert.ok(
    problems.some((p) => /tc-apiv1_|token/i.test(p)),
    `Problems: ${problems.join(' | ')}`,
  );
  assert.ok(!problems.some((p) => p.includes(SEED_VALUE)), 'a diagnostic never repeats the whole value');

  // Hover over the value.
  await editor.locator('.view-line', { hasText: 'token = ' }).first().locator('span', { hasText: 'tc-apiv1' }).first().hover();
  const hover = page.locator('.monaco-hover-content').first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
  await ctx.screenshot('01-codelens-diagnostic-hover');
  const hoverText = (await hover.innerText().catch(() => '')) || '';
  ctx.log(`hover: ${hoverText.replace(/\s+/g, ' ').slice(0, 160)}`);
  assert.ok(!hoverText.includes(SEED_VALUE), 'the hover never shows the whole value');
  await page.keyboard.press('Escape');
  await testTokenAndTelegrafCheck(ctx);
}

/** Sets telegrafController.telegrafPath the way a user does: in the Settings editor (Remote tab in code-server). */
async function setTelegrafPathInSettingsUi(ctx: E2EContext, value: string): Promise<void> {
  const { page, workbench } = ctx;
  await workbench.runCommand('Preferences: Open User Settings');
  const editor = page.locator('.settings-editor');
  await editor.waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('.settings-editor .settings-header .monaco-editor textarea').first().focus();
  await page.keyboard.type('telegrafController.telegrafPath');
  // A machine-scoped setting: in a remote window (code-server) it lives in the Remote settings.
  await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).first().click();
  const item = page.locator('.settings-editor .setting-item-contents', { hasText: 'Telegraf Path' }).first();
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  const input = item.locator('input.input').first();
  await input.click();
  await input.fill(value);
  await page.keyboard.press('Tab');
  await ctx.screenshot('04a-telegraf-path-setting');
}

/** Waits until the extension's log (output channel file under the user-data dir) matches `re`. */
async function waitForLog(ctx: E2EContext, re: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const logs = (): string => {
    const out: string[] = [];
    const walk = (d: string) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/Telegraf Controller.*\.log$/.test(e.name)) out.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(ctx.userDataDir!, 'logs'));
    return out.join('\n');
  };
  while (!re.test(logs())) {
    if (Date.now() > deadline) throw new Error(`the extension log never matched ${re}`);
    await new Promise((r) => setTimeout(r, 250)); // poll interval of a condition with a deadline
  }
}

/** Opens `name` from the workspace with Quick Open and waits for its editor. */
async function openFile(ctx: E2EContext, name: string): Promise<void> {
  const { page } = ctx;
  await page.keyboard.press('Escape');
  // Focus the editor area first: a key press that lands in the Settings editor's search box can be
  // swallowed there. Then open Quick Open until its input is visible (a condition, with a deadline).
  await page
    .locator('.part.editor')
    .first()
    .click({ position: { x: 5, y: 5 } });
  const input = quickInput(page).locator('input.input');
  await until(
    async () => {
      if (await input.isVisible()) return true;
      await page.keyboard.press('Control+P');
      return input.waitFor({ state: 'visible', timeout: 2_000 }).then(
        () => true,
        () => false,
      );
    },
    { what: 'Quick Open to show its input', timeoutMs: 20_000 },
  );
  // The absolute path: Quick Open resolves it directly, without waiting for the file search to index a new file.
  await input.fill(path.join(ctx.workspace, name));
  await pickItem(page, name);
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 15_000 });
}

/** Clicks `button` in the modal dialog that shows `text`; returns the dialog's text. */
async function answerDialog(ctx: E2EContext, text: string | RegExp, button: string, shot?: string): Promise<string> {
  const dialog = ctx.page.locator('.monaco-dialog-box', { hasText: text }).first();
  await dialog.waitFor({ state: 'visible', timeout: 20_000 });
  const content = await dialog.innerText();
  if (shot) await ctx.screenshot(shot);
  await dialog.locator('.monaco-button', { hasText: button }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return content;
}

/** Test Token with a real heartbeat, then Check Config with Telegraf showing Telegraf's error in Problems. */
export async function testTokenAndTelegrafCheck(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const heartbeatUrl = ctx.emulator!.heartbeatUrl;
  const tested = path.join(ctx.workspace, 'tested.conf');
  fs.writeFileSync(
    tested,
    [
      '[agent]',
      '  interval = "10s"',
      '',
      '[[outputs.heartbeat]]',
      `  url = "${heartbeatUrl}"`,
      '  instance_id = "&{agent_id}"',
      `  token = "${SEED_VALUE}"`,
      '',
    ].join('\n'),
  );
  ctx.secrets?.allowLiteralIn(tested, SEED_VALUE);
  await openFile(ctx, 'tested.conf');
  await page.locator('.view-line', { hasText: 'token = ' }).first().click();
  await workbench.runCommand('Telegraf Controller: Test Token');
  const told = await answerDialog(ctx, 'sends a real heartbeat as agent', 'Send Heartbeat', '02-test-token-heartbeat-announced');
  assert.match(told, /vscode-test-token-[0-9a-f]{8}/);
  assert.match(told, /will list .* as an agent/);
  await answerDialog(ctx, 'for the heartbeat test?', `Send to ${new URL(heartbeatUrl).host}`);
  const result = await workbench.waitForNotification(/Token test of .* passed/, { timeoutMs: 30_000 });
  ctx.log(`test token: ${result.replace(/\s+/g, ' ').slice(0, 200)}`);
  assert.match(result, /Heartbeat as agent vscode-test-token-[0-9a-f]{8}/);
  // The progress toast goes away when the checks are done; the result stays while the pointer is on it.
  await page
    .locator('.notifications-toasts .notification-toast', { hasText: 'Testing the token against the controller' })
    .waitFor({ state: 'detached', timeout: 15_000 });
  await page
    .locator('.notifications-toasts .notification-list-item-message', { hasText: /Token test of .* passed/ })
    .first()
    .hover();
  await ctx.screenshot('03-test-token-result');

  // Check Config with Telegraf: the real telegraf reports a typo; Problems shows it with source telegraf.
  // The user setting points at the real binary; wait until the extension has seen it (its log says so).
  await setTelegrafPathInSettingsUi(ctx, TELEGRAF);
  await waitForLog(ctx, /telegrafController\.telegrafPath changed: Telegraf is now taken from .*v1\.40\.1\/telegraf/);
  const checked = path.join(ctx.workspace, 'checked.conf');
  fs.writeFileSync(
    checked,
    [
      '[agent]',
      '  interval = "10s"',
      '',
      '[[outputs.heartbeat]]',
      '  url = "http://127.0.0.1:8000/agents/heartbeat"',
      '  instance_id = "&{agent_id}"',
      '  token = "${TELEGRAF_CONTROLLER_TOKEN}"',
      '  intervall = "1m"',
      '',
    ].join('\n'),
  );
  await openFile(ctx, 'checked.conf');
  await workbench.runCommand('Telegraf Controller: Check Config with Telegraf');
  const reported = await workbench.waitForNotification(/Telegraf 1\.40\.1 reports 1 problem in checked\.conf/, { timeoutMs: 30_000 });
  ctx.log(`check: ${reported}`);
  await workbench.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(() => workbench.runCommand('View: Toggle Problems'));
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'intervall' }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const rowText = await row.innerText();
  assert.match(rowText, /telegraf/, `the problem names its source: ${rowText}`);
  assert.match(rowText, /configuration specified the fields \["intervall"\]/);
  assert.match(rowText, /\[Ln 8/, `on the line of the typo: ${rowText}`);
  await ctx.screenshot('04-telegraf-error-in-problems');
}
