/**
 * Starting an agent from a controller config through the real UI: "Copy
 * Agent Start Command…" lists the controller's configurations, then the
 * picker of the six ways to run the agent (screenshot), the Telegraf line and
 * the watch interval; the copied Compose text opens in an editor
 * (screenshot) and holds no token value; "Test Agent Start…" with a typed
 * agent token passes (screenshot). Screenshots:
 * test-results/screenshots/agentStart-*.png.
 */
import * as assert from 'node:assert/strict';
import { answerInput, pickItem, quickInput, signInWithPassword, treeRow, type E2EContext } from './harness';

/** The seed's agent token (test/emulator/seeds/demo.json, "Telegraf agent - prod-web-01": configs:read + heartbeat:write). */
const SEED_AGENT_VALUE = 'tc-apiv1_Pw01AgentProdWeb01demo00000000000';

export const timeoutMs = 3 * 60_000;

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Telegraf Controller');
  await workbench.runCommand('Telegraf Controller: Sign In');
  await signInWithPassword(page, ctx.emulator!.username, ctx.emulator!.password);
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });
  await ctx.browserContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.codeServerUrl });

  // 1. The controller's configurations.
  await workbench.runCommand('Telegraf Controller: Copy Agent Start Command…');
  await quickInput(page).locator('input[placeholder="Start an agent on which configuration?"]').waitFor({ state: 'visible', timeout: 15_000 });
  await quickInput(page).locator('.monaco-list-row', { hasText: 'Linux hosts' }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await ctx.screenshot('01-configurations');
  await pickItem(page, 'Linux hosts');

  // 2. The agent start command picker.
  const kinds = quickInput(page);
  await kinds.locator('input[placeholder^="How will \\"Linux hosts\\" run?"]').waitFor({ state: 'visible', timeout: 15_000 });
  await kinds.locator('.monaco-list-row', { hasText: 'Windows service (PowerShell)' }).first().waitFor({ state: 'visible', timeout: 15_000 });
  const rows = await kinds.locator('.monaco-list-row').allInnerTexts();
  for (const k of [
    'Shell command',
    'systemd unit with its env file',
    'docker run',
    'Docker Compose service',
    'Kubernetes DaemonSet',
    'Windows service (PowerShell)',
  ]) {
    assert.ok(
      rows.some((r) => r.includes(k)),
      `picker row "${k}" in ${rows.join(' | ')}`,
    );
  }
  await ctx.screenshot('02-agent-start-picker');
  await pickItem(page, 'Docker Compose service');
  await pickItem(page, 'Telegraf 1.39 or later');
  await pickItem(page, 'Re-download every 5m');

  // 3. Copied; open it in an editor.
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Copied: Docker Compose service' }).first();
  await toast.waitFor({ state: 'visible', timeout: 15_000 });
  const clip = await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>);
  assert.ok(clip.includes(`${ctx.emulator!.url}/api/configs/cfg-linux-hosts/toml`), clip);
  assert.ok(clip.includes('env_file:') && !/tc-apiv1_[A-Za-z0-9]/.test(clip), 'Compose text with the token by reference only');
  await toast.locator('.monaco-button', { hasText: 'Open in Editor' }).click();
  await page.locator('.editor-instance .view-line', { hasText: 'env_file:' }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await ctx.screenshot('03-compose-in-editor');

  // 4. Test Agent Start with the agent's token, typed (sent to the signed-in controller only, never stored).
  await workbench.runCommand('Telegraf Controller: Test Agent Start…');
  await pickItem(page, 'Linux hosts');
  await pickItem(page, 'Telegraf 1.39 or later');
  await pickItem(page, 'Enter the value…');
  await answerInput(page, SEED_AGENT_VALUE, 'The token value the agent will have');
  const passed = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Agent start test passed' }).first();
  await passed.waitFor({ state: 'visible', timeout: 20_000 });
  // Let the progress toast go and the result toast finish its fade-in before the screenshot.
  await page.locator('.notifications-toasts .notification-list-item', { hasText: 'Downloading "Linux hosts"' }).waitFor({ state: 'hidden', timeout: 20_000 });
  await passed.hover();
  await page.waitForFunction(() => {
    const toasts = [...(globalThis as any).document.querySelectorAll('.notifications-toasts .notification-toast')] as any[];
    return toasts.length > 0 && toasts.every((t) => (globalThis as any).getComputedStyle(t).opacity === '1');
  });
  const text = await passed.innerText();
  assert.ok(!text.includes(SEED_AGENT_VALUE), 'the notification never shows the value');
  await ctx.screenshot('04-test-agent-start-passed');
}
