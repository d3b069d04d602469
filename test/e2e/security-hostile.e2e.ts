/**
 * Hostile server data renders safely: token descriptions and a user
 * name from the controller holding HTML/script, a 10,000-character string,
 * control and bidi characters, and emoji, seen in the real UI (the .vsix
 * installed in code-server):
 *
 * - the Tokens tree: rows show the text as text (no element, no script ran),
 *   without control/bidi/zero-width characters, shortened, one line high;
 * - the tree item hover: text, no injected element, no command link;
 * - a modal confirmation and a notification naming the token;
 * - the create-token webview: a hostile description typed into the form and
 *   shown again after creation as text;
 * - command links (`[x](command:workbench.action.terminal.new)`) in a token
 *   description, in a server error message and in a workspace file name:
 *   the notifications naming them show the text, and no link element exists
 *   in any notification, dialog or hover.
 *
 * The data: test/emulator/hostile.ts (`addHostileData`).
 *
 * "No script ran": the payloads set `globalThis.__pwned` and call `alert()`;
 * no frame may have `__pwned` and no dialog may open. Screenshots:
 * test-results/screenshots/security-hostile-*.png.
 */
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { addHostileData, HOSTILE_FILE_NAME, HOSTILE_LINK, HOSTILE_PWN, HOSTILE_SERVER_ERROR } from '../emulator/hostile';
import { clickMenu, hideNotificationCenter, notificationInCenter, type E2EContext } from './harness';

export const timeoutMs = 4 * 60_000;

const PWN = HOSTILE_PWN;

/** Characters that must never reach the UI raw (same set as src/core/text.ts). */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

const quickInput = (page: Page) => page.locator('.quick-input-widget');

async function answerInput(page: Page, expect: string | RegExp, text: string): Promise<void> {
  await quickInput(page).filter({ hasText: expect }).waitFor({ state: 'visible', timeout: 15_000 });
  await quickInput(page).locator('input.input').fill(text);
  await page.keyboard.press('Enter');
}

/** The tree row whose label (not its description, which names the owner) matches `text`. */
function treeRow(page: Page, text: string | RegExp) {
  return page
    .locator('.part.sidebar .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: text }) })
    .first();
}

/** Asserts that no frame of the page ran a payload and that no `<img src=x>` / payload `<script>` element exists. */
async function assertNothingInjected(page: Page, where: string): Promise<void> {
  for (const f of page.frames()) {
    const r = await f
      .evaluate(() => {
        const g = globalThis as any;
        const d = g.document;
        const scripts = Array.from(d.querySelectorAll('script')) as any[];
        return {
          pwned: g.__pwned !== undefined,
          imgs: d.querySelectorAll('img[src="x"]').length as number,
          onerror: d.querySelectorAll('[onerror]').length as number,
          payloadScripts: scripts.filter((s) => String(s.textContent).includes('__pwned')).length,
        };
      })
      .catch(() => undefined); // a frame that went away
    if (!r) continue;
    const url = f.url().slice(0, 80);
    assert.equal(r.pwned, false, `${where}: a payload ran in frame ${url}`);
    assert.equal(r.imgs, 0, `${where}: an <img src=x> element exists in frame ${url}`);
    assert.equal(r.onerror, 0, `${where}: an element with onerror exists in frame ${url}`);
    assert.equal(r.payloadScripts, 0, `${where}: a payload <script> element exists in frame ${url}`);
  }
}

function assertSafeText(text: string, where: string, maxLength = 400): void {
  assert.ok(!UNSAFE.test(text), `${where} shows a control, bidi or zero-width character: ${JSON.stringify(text.slice(0, 200))}`);
  assert.ok(text.length <= maxLength, `${where} is ${text.length} characters long (the 10,000-character text was not shortened)`);
}

/**
 * Asserts that no notification, dialog or hover holds a link: VS Code renders
 * `[label](command:…)` there as an `<a>` (class `monaco-link`) that runs the
 * command when clicked.
 */
async function assertNoLinks(page: Page, where: string): Promise<void> {
  const surfaces = '.notifications-toasts, .notifications-center, .monaco-dialog-box, .monaco-hover, .workbench-hover, .quick-input-widget';
  const found = await page.evaluate((sel) => {
    const out: string[] = [];
    const d = (globalThis as any).document;
    for (const root of Array.from(d.querySelectorAll(sel)) as any[]) {
      for (const a of Array.from(root.querySelectorAll('a, .monaco-link, [data-href]')) as any[]) {
        const href = a.getAttribute('href') ?? a.getAttribute('data-href') ?? '';
        // Codicon-only action buttons (close, collapse) are anchors without an href.
        if (href || a.classList.contains('monaco-link')) out.push(`${a.textContent ?? ''} -> ${href}`);
      }
    }
    return out;
  }, surfaces);
  assert.deepEqual(found, [], `${where}: a link was rendered`);
}

async function textfield(frame: Frame, id: string) {
  return frame.locator(`#${id}`).locator('input').first();
}

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const emu = ctx.emulator!;
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss().catch(() => undefined);
  });

  // Hostile data on the server: a user name, and tokens of that user (test/emulator/hostile.ts).
  addHostileData(emu.server.state);
  // A Telegraf config whose file name carries a command link (no token in it: Test Token names the file in its error).
  writeFileSync(path.join(ctx.workspace, HOSTILE_FILE_NAME), '[agent]\n  interval = "10s"\n');

  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Telegraf Controller');
  await workbench.runCommand('Telegraf Controller: Sign In');
  const pick = quickInput(page).locator('.monaco-list-row', { hasText: 'Username and Password' }).first();
  await pick.waitFor({ state: 'visible', timeout: 15_000 });
  await pick.click();
  await answerInput(page, 'Username', emu.username);
  await answerInput(page, 'Password', emu.password);

  // 1. The tree.
  const rows = {
    html: treeRow(page, /^<img src=x onerror=/),
    long: treeRow(page, 'long-payload'),
    ctrl: treeRow(page, 'ctrl-payload'),
    emoji: treeRow(page, 'emoji-payload'),
  };
  for (const r of Object.values(rows)) await r.waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Escape');
  const heights = new Set<number>();
  for (const [name, r] of Object.entries(rows)) {
    const text = await r.innerText();
    assertSafeText(text, `tree row ${name}`);
    heights.add(Math.round((await r.boundingBox())!.height));
  }
  heights.add(Math.round((await treeRow(page, 'Telegraf agent - prod-web-01').boundingBox())!.height));
  assert.equal(heights.size, 1, `every row is one line high (heights ${[...heights].join(', ')})`);
  const htmlRow = await rows.html.innerText();
  assert.ok(htmlRow.includes('<img src=x'), 'the HTML is shown as text');
  const emojiRow = await rows.emoji.innerText();
  // (The zero-width joiner inside 👩‍💻 is one of the zero-width characters src/core/text.ts removes: it shows as 👩 💻.)
  for (const part of ['🔑', '👩', '💻', '🚀', 'ümlaut 日本語']) assert.ok(emojiRow.includes(part), `emoji and other scripts are kept (${part})`);
  assert.ok((await rows.ctrl.innerText()).includes('red'), 'the text around the control characters is kept');
  await assertNothingInjected(page, 'tree');
  await ctx.screenshot('01-tree');

  // 2. The hover of a tree item (the owner's hostile name is in it too).
  // Hover the HTML row until its tooltip (title = the description) shows.
  let hoverText = '';
  const hoverBox = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'html-payload' }).first();
  for (let i = 0; i < 5 && !hoverText; i++) {
    await page.mouse.move(700, 600);
    await rows.html.hover();
    hoverText = await hoverBox.innerText({ timeout: 5_000 }).catch(() => '');
  }
  hoverText = hoverText.replace(/\u00a0/g, ' '); // markdown-escaped spaces
  assert.ok(hoverText, 'the hover of the HTML row shows');
  assert.ok(hoverText.includes('<img src=x onerror='), 'the hover shows the HTML as text');
  assert.ok(hoverText.includes('[quit](command:workbench.action.quit)') || hoverText.includes('quit'), 'the markdown link is text');
  assertSafeText(hoverText, 'hover', 5000);
  assert.equal(await hoverBox.locator('a[href*="command:"], a[data-href*="command:"]').count(), 0, 'no command link in the hover');
  await assertNothingInjected(page, 'hover');
  await ctx.screenshot('02-hover');
  await page.mouse.move(700, 600);

  // 3. A modal confirmation naming the 10,000-character token, then one naming the control-character token, revoked → notification.
  await rows.long.click({ button: 'right' });
  await clickMenu(page, 'Revoke Token');
  let dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  assertSafeText(await dialog.innerText(), 'revoke confirmation (long)', 1500);
  await ctx.screenshot('03-confirm-long');
  await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();

  await rows.ctrl.click({ button: 'right' });
  await clickMenu(page, 'Revoke Token');
  dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  assertSafeText(await dialog.innerText(), 'revoke confirmation (control characters)', 1500);
  await dialog.locator('.monaco-button', { hasText: 'Revoke' }).click();
  // Notifications are read in the notification center: one that comes right after others may never be a toast
  // (VS Code shows at most three new toasts per 800 ms), and every notification is listed there.
  const toast = await notificationInCenter(page, 'ctrl-payload');
  assertSafeText(await toast.innerText(), 'notification');
  await assertNothingInjected(page, 'dialogs and notifications');
  await ctx.screenshot('04-notification');
  await hideNotificationCenter(page);

  // 3b. Command links: in a description (the "Revoked" notification), a server error, a file name.
  const linkRow = treeRow(page, 'link-payload');
  await linkRow.waitFor({ state: 'visible', timeout: 15_000 });
  await linkRow.click({ button: 'right' });
  await clickMenu(page, 'Revoke Token');
  dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  assert.ok((await dialog.innerText()).includes('command:workbench.action.terminal.new'), 'the confirmation shows the link as text');
  await assertNoLinks(page, 'revoke confirmation (description with a command link)');
  await dialog.locator('.monaco-button', { hasText: 'Revoke' }).click();
  const linkToast = await notificationInCenter(page, 'link-payload');
  assert.ok((await linkToast.innerText()).includes('command:workbench.action.terminal.new'), 'the notification shows the link as text');
  await assertNoLinks(page, 'notification naming a description with a command link');
  await ctx.screenshot('04b-description-link');
  await hideNotificationCenter(page);

  // A server error that carries a link: the controller refuses the next revoke with it.
  emu.server.faults.add({ route: 'revokeToken', status: 400, body: { error: 'validation', message: HOSTILE_SERVER_ERROR }, times: 1 });
  await rows.emoji.click({ button: 'right' });
  await clickMenu(page, 'Revoke Token');
  dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  await dialog.locator('.monaco-button', { hasText: 'Revoke' }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  const errorToast = await notificationInCenter(page, 'server-error-payload').catch((e: unknown) => {
    throw new Error(
      `no error notification naming the server error: ${String(e)}\nrevoke fault still pending: ${emu.server.faults.list().some((f) => f.route === 'revokeToken')}`,
    );
  });
  assert.ok((await errorToast.innerText()).includes('command:workbench.action.terminal.new'), 'the error shows the link as text');
  await assertNoLinks(page, 'server error with a command link');
  await ctx.screenshot('04c-server-error-link');
  await hideNotificationCenter(page);

  // A file name that carries a link: Test Token on it names the file in its error.
  await page.keyboard.press('Control+P');
  await quickInput(page).locator('input.input').fill('command workbench');
  await quickInput(page).locator('.monaco-list-row', { hasText: 'terminal.new' }).first().click();
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ state: 'visible', timeout: 15_000 });
  await workbench.runCommand('Telegraf Controller: Test Token');
  const fileToast = await notificationInCenter(page, 'has no token to test');
  assert.ok((await fileToast.innerText()).includes(HOSTILE_LINK.slice(4)), 'the error names the file, link as text');
  await assertNoLinks(page, 'error naming a file with a command link');
  await ctx.screenshot('04d-file-name-link');
  await hideNotificationCenter(page);
  assert.equal(await page.locator('.terminal-wrapper, .xterm').count(), 0, 'no terminal was opened');

  // 4. The webview: a hostile description typed into the form, and shown after creation.
  await workbench.runCommand('Telegraf Controller: Create Token');
  const frame = await workbench.findWebviewFrame('#description');
  const typed = `<img src=x onerror="${PWN}"><script>${PWN}</script> form-payload \u202Egnp.exe\u202C 🔑`;
  await (await textfield(frame, 'description')).fill(typed);
  // The form has handled the input once its pending timers and a frame have run.
  await frame.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(() => setTimeout(r, 0))));
  await assertNothingInjected(page, 'webview form');
  await frame.locator('#submit').click();
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  const shown = await frame.locator('body').innerText();
  assert.ok(shown.includes('form-payload'), 'the created screen names the token');
  // The description comes back from the server with its right-to-left override: shown neutralised, not reversed.
  assert.ok(!UNSAFE.test(shown), `the created screen shows a control or bidi character: ${JSON.stringify(shown.slice(0, 300))}`);
  assert.ok(shown.includes('gnp.exe'), 'the text around the override is kept');
  await assertNothingInjected(page, 'webview after create');
  await ctx.screenshot('05-webview');

  assert.deepEqual(dialogs, [], 'no script opened a dialog');
}
