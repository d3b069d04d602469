/**
 * The token explorer through the real UI: sign in, add a second
 * named connection (a second emulator started here) signed in as a Manager,
 * group by status and by owner, filter, open the details view, multi-select
 * three tokens for a bulk revoke (the single confirmation is screenshotted,
 * then cancelled), and remove the connection again. Screenshots at each step
 * (test-results/screenshots/explorer-*.png).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator } from '../emulator/server';
import { clickMenu, answerInput, pickItem, signInWithPassword, treeRow, type E2EContext } from './harness';

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await signInWithPassword(page, username, password);
}

/** Expands a collapsed tree row (no-op when it is expanded). */
async function expand(page: Page, text: string | RegExp): Promise<void> {
  const row = treeRow(page, text);
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
}

/** Collapses an expanded tree row (no-op when collapsed). */
async function collapse(page: Page, text: string | RegExp): Promise<void> {
  const row = treeRow(page, text);
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.click();
}

/** Drags the side bar's sash so it is about `width` px wide (readable screenshots; users pick their own width). */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const bar = await page.locator('.part.sidebar').boundingBox();
  if (!bar || bar.width >= width) return;
  const y = bar.y + bar.height / 2;
  await page.mouse.move(bar.x + bar.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(bar.x + width, y, { steps: 5 });
  await page.mouse.up();
}

export const timeoutMs = 4 * 60_000;

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const emu = ctx.emulator!;
  const staging = await startEmulator();
  try {
    await workbench.waitForWorkbench();
    await workbench.openViewContainer('Telegraf Controller');
    await widenSideBar(page, 440);

    // 1. Sign in to the configured controller (Owner).
    await workbench.runCommand('Telegraf Controller: Sign In');
    await signIn(page, emu.username, emu.password);
    await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });

    // 2. Add a second, named connection and sign in there as a Manager.
    await workbench.runCommand('Telegraf Controller: Add Connection…');
    await answerInput(page, staging.url, 'Add a Telegraf Controller connection');
    await answerInput(page, 'staging', 'Name of the connection');
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Sign in now?' }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    await toast.locator('.monaco-button', { hasText: 'Sign In' }).click();
    await signIn(page, 'bob', 'bob-password');
    await treeRow(page, /staging.*bob \(manager\)/).waitFor({ state: 'visible', timeout: 30_000 });
    await treeRow(page, new RegExp(`${new URL(emu.url).host}.*${emu.username} \\(owner\\)`)).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Escape');
    await collapse(page, /staging.*bob \(manager\)/);
    await ctx.screenshot('01-two-connections');

    // 3. Group by status: counts on the groups; the expiring and expired ones opened.
    await workbench.runCommand('Telegraf Controller: Group By: Status');
    await treeRow(page, 'Expiring soon').waitFor({ state: 'visible', timeout: 15_000 });
    await expand(page, 'Expiring soon');
    await expand(page, /^Expired/);
    await page.mouse.move(5, 400);
    await ctx.screenshot('02-grouped-by-status');

    // 4. Group by owner.
    await workbench.runCommand('Telegraf Controller: Group By: Owner');
    await treeRow(page, /^alice/).waitFor({ state: 'visible', timeout: 15_000 });
    await expand(page, /^bob\s*\d+$/);
    await page.mouse.move(5, 400);
    await ctx.screenshot('03-grouped-by-owner');

    // 5. Filter: shown in the view's description; groups open to show the matches.
    await workbench.runCommand('Telegraf Controller: Filter Tokens…');
    await answerInput(page, 'agent heartbeat:write', 'Filter Tokens');
    await page.locator('.part.sidebar', { hasText: 'Filter: "agent" · heartbeat:write' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await treeRow(page, 'Bob scripts').waitFor({ state: 'hidden', timeout: 15_000 });
    await treeRow(page, 'Telegraf agent - edge-nginx-1').waitFor({ state: 'visible', timeout: 15_000 });
    await page.mouse.move(5, 400);
    await ctx.screenshot('04-filtered');
    await workbench.runCommand('Telegraf Controller: Clear Filter');
    await workbench.runCommand('Telegraf Controller: Group By: None');

    // 6. Details of a token (context menu), once the view shows the ungrouped list.
    await treeRow(page, /^alice/).waitFor({ state: 'hidden', timeout: 15_000 });
    const row = treeRow(page, 'Telegraf agent - prod-web-01');
    await row.click();
    await row.click({ button: 'right' });
    await clickMenu(page, 'Show Token Details');
    // A Markdown preview (a webview): tables in the theme's colours, read-only.
    const preview = await workbench.findWebviewFrame('h2:has-text("Effective permissions")');
    const text = await preview.locator('body').innerText();
    assert.match(text, /Configurations/);
    assert.match(text, /Telegraf agent - prod-web-01/);
    assert.equal(await preview.locator('table').count(), 2, 'fields and permissions are tables');
    assert.doesNotMatch(text, /tc-apiv1_[A-Za-z0-9_-]{13,}/);
    await page.mouse.move(5, 400);
    await ctx.screenshot('05-details');

    // 7. Multi-select three tokens → one confirmation listing them (cancelled).
    await treeRow(page, 'CI pipeline (read-only)').click();
    await treeRow(page, 'Telegraf agent - db-02').click({ modifiers: ['Control'] });
    await treeRow(page, 'Alice automation').click({ modifiers: ['Control'] });
    await treeRow(page, 'Alice automation').click({ button: 'right' });
    // With several rows selected the menu speaks of them (plural), and single-token actions are gone.
    const menu = page.locator('.context-view .monaco-menu').first();
    await menu.locator('.action-item', { hasText: 'Revoke Selected Tokens' }).waitFor({ state: 'visible', timeout: 10_000 });
    const menuText = await menu.innerText();
    assert.ok(!/Revoke Token|Show Token Details|Copy Token ID/.test(menuText), menuText);
    await clickMenu(page, 'Revoke Selected Tokens');
    const dialog = page.locator('.monaco-dialog-box').first();
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    const dialogText = await dialog.innerText();
    assert.match(dialogText, /Revoke 3 tokens\?/);
    for (const d of ['CI pipeline (read-only)', 'Telegraf agent - db-02', 'Alice automation']) assert.ok(dialogText.includes(d), `the confirmation lists ${d}`);
    await ctx.screenshot('06-bulk-revoke-confirmation');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();

    // 8. The Accounts menu lists each controller sign-in (and offers Sign Out there).
    await page.locator('.activitybar .action-item .action-label[aria-label^="Accounts"]').first().click();
    const account = page.locator('.context-view .monaco-menu .action-item', { hasText: 'bob @ staging' }).first();
    await account.waitFor({ state: 'visible', timeout: 15_000 });
    await account.hover();
    await page.locator('.context-view .monaco-menu .action-item', { hasText: 'Sign Out' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await ctx.screenshot('07-accounts-menu');
    await page.keyboard.press('Escape');

    // 9. Clean up: remove the second connection (user settings are shared between flows).
    await workbench.runCommand('Telegraf Controller: Remove Connection…');
    await pickItem(page, 'staging');
    const confirm = page.locator('.monaco-dialog-box').first();
    await confirm.waitFor({ state: 'visible', timeout: 15_000 });
    await confirm.locator('.monaco-button', { hasText: 'Remove' }).click();
    await treeRow(page, /staging.*bob/).waitFor({ state: 'hidden', timeout: 15_000 });
  } finally {
    // Whatever happened above, the "staging" connection must not outlive this flow: user settings
    // are shared between flows, and a later flow would otherwise sign in against its dead port.
    try {
      removeConnectionFromUserSettings(ctx, staging.url);
    } catch (e) {
      ctx.log(`could not remove the staging connection from the user settings: ${e instanceof Error ? e.message : String(e)}`);
    }
    await staging.close();
  }
}

/**
 * Removes the connection with `url` from `telegrafController.connections` in
 * code-server's User/settings.json (no-op when it is not there). The running
 * window follows the file change.
 */
function removeConnectionFromUserSettings(ctx: E2EContext, url: string): void {
  if (!ctx.userDataDir) return;
  const file = path.join(ctx.userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(file)) return;
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const list = settings['telegrafController.connections'];
  if (!Array.isArray(list)) return;
  const same = (u: unknown) => typeof u === 'string' && u.replace(/\/+$/, '') === url.replace(/\/+$/, '');
  const kept = list.filter((c) => !(c && typeof c === 'object' && same((c as { url?: unknown }).url)));
  if (kept.length === list.length) return;
  if (kept.length) settings['telegrafController.connections'] = kept;
  else delete settings['telegrafController.connections'];
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  ctx.log(`removed the leftover connection ${url} from the user settings`);
}
