/**
 * Clipboard clearing keeps its promise in the browser (code-server), with the
 * extension installed as a user has it:
 *
 * 1. a token value is copied (the create form's Copy), then the user copies
 *    something else: when the delay is over, the extension checks, sees the
 *    clipboard changed, and leaves the user's text alone (before, in a
 *    browser, the clipboard was cleared without looking);
 * 2. copied again and left alone: cleared when the delay is over;
 * 3. copied again, then the window is reloaded before the delay is over: the
 *    new window clears it (the pending clear survived the reload as a hash
 *    and a deadline in globalState).
 *
 * `telegrafController.clipboardClearSeconds` is set to 3 in the user settings.
 * Waits on conditions: the extension's log line of each check, the clipboard.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { E2EContext } from './harness';
import { answerInput, pickItem, treeRow, until as waitUntil } from './harness';

export const timeoutMs = 4 * 60_000;

const readClipboard = (page: Page) => page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>);
const writeClipboard = (page: Page, text: string) => page.evaluate((t) => (globalThis as any).navigator.clipboard.writeText(t) as Promise<void>, text);

/** The newest "Telegraf Controller" log file of the run. */
function extensionLog(userDataDir: string): string | undefined {
  const found: { file: string; mtime: number }[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Telegraf Controller.*\.log$/.test(e.name)) found.push({ file: p, mtime: fs.statSync(p).mtimeMs });
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found.sort((a, b) => b.mtime - a.mtime)[0]?.file;
}

/** Waits until `check()` is true, or fails naming `what` (the harness's `until`). */
function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<true> {
  return waitUntil(async () => (await check()) || undefined, { what, timeoutMs, intervalMs: 250 });
}

/** Number of clipboard-check log lines with `outcome` in the newest log file. */
function checks(ctx: E2EContext, outcome: string): number {
  const file = extensionLog(ctx.userDataDir!);
  if (!file) return 0;
  return (fs.readFileSync(file, 'utf8').match(new RegExp(`clipboard check after copying a token value: ${outcome}`, 'g')) ?? []).length;
}

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const emu = ctx.emulator!;
  assert.ok(ctx.userDataDir, 'the harness passes the user-data dir');
  await ctx.browserContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.codeServerUrl });
  const settingsFile = path.join(ctx.userDataDir, 'User', 'settings.json');
  const settings = fs.existsSync(settingsFile) ? (JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>) : {};
  settings['telegrafController.clipboardClearSeconds'] = 3;
  fs.writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);

  await workbench.waitForWorkbench();
  // Reload so the window reads the setting for certain.
  await workbench.runCommand('Developer: Reload Window');
  await workbench.waitForWorkbench({ timeoutMs: 60_000 });
  await workbench.openViewContainer('Telegraf Controller');
  await workbench.runCommand('Telegraf Controller: Sign In');
  await pickItem(page, 'Username and Password');
  await answerInput(page, emu.username, 'Username');
  await answerInput(page, emu.password, 'Password');
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });

  await workbench.runCommand('Telegraf Controller: Create Token');
  const frame = await workbench.findWebviewFrame('#description');
  await frame.locator('#description input').first().fill('clipboard e2e agent');
  await frame.locator('#submit').click();
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  const copy = async () => {
    await frame.locator('#copy').click();
    await until(async () => /^tc-apiv1_/.test(await readClipboard(page)), 'the value on the clipboard', 15_000);
  };

  // 1. The user copies something else afterwards: it stays.
  await copy();
  await until(
    () => /copy-value .*clipboard cleared after 3 s/.test(fs.readFileSync(extensionLog(ctx.userDataDir!) ?? settingsFile, 'utf8')),
    'the 3 s setting in effect',
    15_000,
  );
  await writeClipboard(page, 'the user copied this afterwards');
  await until(() => checks(ctx, 'changed') >= 1, 'the check after the delay');
  assert.equal(await readClipboard(page), 'the user copied this afterwards', "the user's later copy is never cleared");
  await ctx.screenshot('01-user-copy-kept');

  // 2. Left alone: cleared.
  await copy();
  await until(async () => (await readClipboard(page)) === '', 'the clipboard cleared after the delay');
  // The log file is written after the clipboard is: wait for the line rather than read it at once.
  await until(() => checks(ctx, 'cleared') >= 1, 'the log names the outcome (without the value)');

  // 3. Reloaded before the delay is over: the next window clears it.
  await copy();
  await workbench.runCommand('Developer: Reload Window');
  await workbench.waitForWorkbench({ timeoutMs: 60_000 });
  await until(async () => (await readClipboard(page).catch(() => 'unreadable')) === '', 'the clipboard cleared by the reloaded window', 60_000);
  await ctx.screenshot('02-cleared-after-reload');
}
