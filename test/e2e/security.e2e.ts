/**
 * Security through the real UI, as a user has the extension (the
 * .vsix installed in code-server):
 *
 * 1. Sign in; create a token with the form; copy its value with the form's
 *    Copy button and read it back from the clipboard (it is one of the values
 *    the run's security sweep searches for).
 * 2. The form's Content-Security-Policy, read from the webview's own document:
 *    `default-src 'none'`, scripts only by nonce (no 'unsafe-inline' /
 *    'unsafe-eval'), every script carries the nonce, and the nonce is fresh
 *    each time the form is opened.
 * 3. Webview → extension messages that fail validation, posted on the real
 *    webview channel (the webview host frame's `__vscode_post_message__`, the
 *    function VS Code's `acquireVsCodeApi().postMessage` calls): invalid
 *    creates, unknown types, a Copy of a token the form did not create, and a
 *    log message carrying a token value. Nothing is created or copied; the
 *    extension's log records the drops and never the value.
 * 4. Insert the token as an environment reference (the file never holds the
 *    value), then — explicitly, after the warning — as a literal value into
 *    literal.conf, which is declared to the sweep as allowed to hold it.
 * 5. Reload the window: no frame shows the value again.
 *
 * After the flow the harness searches the browser storage, and after the run
 * every file of the run (scripts/run-e2e.mjs, harness/secretSweep.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { DEMO_TOKEN_VALUES } from '../emulator/seed';
import { until, type E2EContext } from './harness';

export const timeoutMs = 4 * 60_000;

const quickInput = (page: Page) => page.locator('.quick-input-widget');

async function answerInput(page: Page, expect: string | RegExp, text: string): Promise<void> {
  await quickInput(page).filter({ hasText: expect }).waitFor({ state: 'visible', timeout: 15_000 });
  await quickInput(page).locator('input.input').fill(text);
  await page.keyboard.press('Enter');
}

/** Picks a quick-pick entry by typing `label` into its filter and pressing Enter (a click can land on an item's hover). */
async function pickItem(page: Page, label: string): Promise<void> {
  const row = quickInput(page).locator('.monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await quickInput(page).locator('input.input').fill(label);
  await quickInput(page).locator('.monaco-list-row.focused', { hasText: label }).first().waitFor({ state: 'visible', timeout: 5_000 });
  await page.keyboard.press('Enter');
}

function treeRow(page: Page, text: string | RegExp) {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}

/** The Content-Security-Policy of the form's document and the nonces on its scripts. */
async function readCsp(frame: Frame): Promise<{ csp: string; scriptNonces: (string | null)[]; inlineScripts: number }> {
  return frame.evaluate(() => {
    const d = (globalThis as any).document;
    const meta = d.querySelector('meta[http-equiv="Content-Security-Policy"]');
    // VS Code's own `acquireVsCodeApi` script (#_vscodeApiScript) is prepended before the CSP meta by the webview host; ours are the rest.
    const scripts = (Array.from(d.querySelectorAll('script')) as any[]).filter((s) => s.id !== '_vscodeApiScript');
    return {
      csp: String(meta?.getAttribute('content') ?? ''),
      scriptNonces: scripts.map((s) => s.getAttribute('nonce') as string | null),
      inlineScripts: scripts.filter((s) => !s.src && s.textContent.trim().length > 0).length,
    };
  });
}

function checkCsp(r: { csp: string; scriptNonces: (string | null)[]; inlineScripts: number }): string {
  const directives = new Map(
    r.csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map((d) => [d[0]!, d.slice(1)]),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"], `default-src 'none' (CSP: ${r.csp})`);
  const script = directives.get('script-src') ?? directives.get('default-src') ?? [];
  const nonces = script.filter((s) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(s));
  assert.equal(nonces.length, 1, `script-src has one nonce (CSP: ${r.csp})`);
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'data:', 'https:', 'http:']) {
    assert.ok(!script.includes(bad), `script-src must not allow ${bad} (CSP: ${r.csp})`);
  }
  const nonce = nonces[0]!.slice("'nonce-".length, -1);
  assert.ok(r.scriptNonces.length > 0, 'the page has its script');
  for (const n of r.scriptNonces) assert.equal(n, nonce, 'every script carries the nonce');
  assert.equal(r.inlineScripts, 0, 'no inline script');
  return nonce;
}

/** The newest log file of the extension's output channel under the user-data dir. */
function extensionLog(userDataDir: string): string {
  const found: { file: string; mtime: number }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Telegraf Controller.*\.log$/.test(e.name)) found.push({ file: p, mtime: fs.statSync(p).mtimeMs });
    }
  };
  walk(path.join(userDataDir, 'logs'));
  assert.ok(found.length > 0, `no "Telegraf Controller" log file under ${userDataDir}/logs`);
  return found.sort((a, b) => b.mtime - a.mtime)[0]!.file;
}

async function waitForText(file: () => string, re: RegExp, what: string, timeoutMs = 15_000): Promise<string> {
  return until(
    () => {
      const text = fs.readFileSync(file(), 'utf8');
      return re.test(text) ? text : undefined;
    },
    { what: `${what}: ${re} in ${file()}`, timeoutMs, intervalMs: 250 },
  );
}

async function openFile(ctx: E2EContext, name: string): Promise<void> {
  const { page } = ctx;
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await quickInput(ctx.page).waitFor({ state: 'visible', timeout: 10_000 });
  await quickInput(page).locator('input.input').fill(name);
  await pickItem(page, name);
  await page.locator('.tab.active', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
}

/** Runs "Insert Token into Config…" on the active editor with the given form, answering every prompt. */
async function insertToken(ctx: E2EContext, description: string, form: string, literal: boolean): Promise<void> {
  const { page, workbench } = ctx;
  await workbench.runCommand('Telegraf Controller: Insert Token into Config…');
  await pickItem(page, description);
  await pickItem(page, form);
  if (literal) {
    const dialog = page.locator('.monaco-dialog-box').first();
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await dialog.innerText(), /plain text/);
    await dialog.locator('.monaco-button', { hasText: 'Write Literal Value' }).click();
  }
  // "Where in <file>?" — the heartbeat output of the file.
  await pickItem(page, 'outputs.heartbeat');
  await page
    .locator('.notifications-toasts .notification-list-item')
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 })
    .catch(() => undefined);
  await page.locator('.editor-instance .view-lines').first().click();
  await page.keyboard.press('Control+S');
}

/** Waits until `file` on disk matches `re`. */
async function waitForFile(page: Page, file: string, re: RegExp): Promise<string> {
  await until(() => re.test(fs.readFileSync(file, 'utf8')), { what: `${file} to match ${re}` }).catch(() => undefined);
  return fs.readFileSync(file, 'utf8');
}

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const emu = ctx.emulator!;
  assert.ok(ctx.secrets && ctx.userDataDir, 'the harness passes the security sweep and the user-data dir');
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss().catch(() => undefined);
  });
  await ctx.browserContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.codeServerUrl });

  // 1. Sign in and create a token; copy its value with the form's Copy button.
  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Telegraf Controller');
  await workbench.runCommand('Telegraf Controller: Sign In');
  await pickItem(page, 'Username and Password');
  await answerInput(page, 'Username', emu.username);
  await answerInput(page, 'Password', emu.password);
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });
  const sessionsAfterSignIn = ctx.secrets.counts().sessionIds;
  assert.ok(sessionsAfterSignIn >= 1, 'the sweep recorded the session id of the sign-in');

  const description = 'security sweep agent';
  await workbench.runCommand('Telegraf Controller: Create Token');
  let frame = await workbench.findWebviewFrame('#description');
  const nonce1 = checkCsp(await readCsp(frame));
  await frame.locator('#description input').first().fill(description);
  const before = ctx.secrets.counts().tokenValues;
  await frame.locator('#submit').click();
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(ctx.secrets.counts().tokenValues, before + 1, 'the sweep recorded the new value');
  await frame.locator('#copy').click();
  await frame
    .locator('.status', { hasText: /[Cc]opied/ })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
  const value = await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>);
  assert.match(value, /^tc-apiv1_[A-Za-z0-9_-]{40,}$/, 'the Copy button put the value on the clipboard');
  const created = [...emu.server.state.tokens.values()].find((t) => t.description === description);
  assert.ok(created, 'the emulator has the token');
  assert.equal(created.prefix, value.slice(0, created.prefix.length));
  await ctx.screenshot('01-created');

  // 2. CSP: read from the form's document; a fresh nonce each time the form opens.
  await workbench.runCommand('View: Close All Editors');
  await workbench.runCommand('Telegraf Controller: Create Token');
  frame = await workbench.findWebviewFrame('#description');
  const nonce2 = checkCsp(await readCsp(frame));
  assert.notEqual(nonce2, nonce1, 'the nonce is fresh per load');

  // 3. Invalid webview → extension messages on the real channel.
  const host = frame.parentFrame();
  assert.ok(host, 'the form runs inside the webview host frame');
  const tokensBefore = emu.server.state.tokens.size;
  const foreignValue = DEMO_TOKEN_VALUES['tok-owner-full']!;
  const bad: unknown[] = [
    { type: 'create', requestId: 'evil-1', request: { description: 'x'.repeat(300), expiresAt: null, permissions: { configs: ['read'] } } },
    { type: 'create', requestId: 'evil-2', request: { description: 'evil', expiresAt: null, permissions: { configs: ['read'], secrets: ['steal'] } } },
    { type: 'create', requestId: 'evil-3', request: { description: 'evil', expiresAt: 'yesterday', permissions: { configs: ['read'] } } },
    { type: 'definitely-not-a-message', requestId: 'evil-4' },
    { type: 'log', requestId: 'evil-5', level: 'fatal', message: 'x' },
    null,
    'a string',
    { type: 'create', requestId: 'evil-6', request: { description: 'evil', expiresAt: null, permissions: { configs: ['read'] } }, extra: 'y'.repeat(200_000) },
  ];
  // One at a time: the form handles one create at a time (a second one meanwhile is refused as busy).
  const logFile = () => extensionLog(ctx.userDataDir!);
  const logged = () => {
    try {
      return fs.readFileSync(logFile(), 'utf8');
    } catch {
      return '';
    }
  };
  const dropped = () => (logged().match(/Create token form: (dropped invalid message|request rejected before sending)/g) ?? []).length;
  const baseline = dropped();
  for (const [i, message] of bad.entries()) {
    await host.evaluate((m: unknown) => {
      const post = (globalThis as any).__vscode_post_message__ as (channel: string, data: unknown) => void;
      if (typeof post !== 'function') throw new Error('the webview host frame has no __vscode_post_message__');
      post('onmessage', { message: m, transfer: undefined });
    }, message);
    await until(() => dropped() >= baseline + i + 1, { what: `the extension to log invalid message ${i + 1} as dropped or rejected` });
  }
  // A well-formed Copy of a token this form did not create, and a log line carrying a token value.
  await page.evaluate(() => (globalThis as any).navigator.clipboard.writeText('clipboard before'));
  await host.evaluate(
    ([v]) => {
      const post = (globalThis as any).__vscode_post_message__ as (channel: string, data: unknown) => void;
      post('onmessage', { message: { type: 'copyValue', requestId: 'evil-7', tokenId: 'tok-owner-full' } });
      post('onmessage', { message: { type: 'log', requestId: 'evil-8', level: 'warn', message: `injected ${v} end` } });
    },
    [foreignValue],
  );
  const logText = await waitForText(logFile, /injected tc-apiv1_… end/, 'the webview log line (redacted)');
  const drops = logText.match(/Create token form: (dropped invalid message|request rejected before sending)/g) ?? [];
  assert.ok(drops.length >= bad.length, `the extension logged each invalid message as dropped or rejected (${drops.length} of ${bad.length})`);
  assert.match(logText, /Create token form: copyValue refused for a token this form did not create/);
  assert.ok(!logText.includes(foreignValue) && !logText.includes(foreignValue.slice(9)), 'the log never holds a token value');
  assert.equal(emu.server.state.tokens.size, tokensBefore, 'no invalid create reached the controller');
  assert.equal(
    await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>),
    'clipboard before',
    'Copy of a token the form did not create does nothing',
  );
  await ctx.screenshot('02-after-invalid-messages');
  await workbench.runCommand('View: Close All Editors');

  // 4. Insert: an environment reference (no value in the file), then an explicit literal.
  const ws = ctx.workspace;
  const conf = path.join(ws, 'telegraf.conf');
  const literalConf = path.join(ws, 'literal.conf');
  fs.writeFileSync(literalConf, fs.readFileSync(conf, 'utf8'));
  await openFile(ctx, 'telegraf.conf');
  await insertToken(ctx, description, 'Environment variable reference', false);
  const confText = await waitForFile(page, conf, /token = "\$\{TELEGRAF_CONTROLLER_TOKEN\}"/);
  assert.match(confText, /token = "\$\{TELEGRAF_CONTROLLER_TOKEN\}"/);
  assert.ok(!confText.includes(value), 'an env reference never writes the value');
  await page.keyboard.press('Escape');

  ctx.secrets.allowLiteralIn(literalConf, value);
  await openFile(ctx, 'literal.conf');
  await insertToken(ctx, description, 'Literal value', true);
  assert.ok((await waitForFile(page, literalConf, /token = "tc-apiv1_/)).includes(`token = "${value}"`), 'the literal went into the file the user chose');
  await ctx.screenshot('03-literal-inserted');
  await workbench.runCommand('View: Close All Editors');

  // 5. After a reload no frame shows the value again.
  await page.reload({ waitUntil: 'domcontentloaded' });
  await workbench.waitForWorkbench();
  // Restored editors and webviews have loaded once the page's network is idle.
  await page.waitForLoadState('networkidle');
  for (const f of page.frames()) {
    const html = await f.content().catch(() => '');
    assert.ok(!html.includes(value), `frame ${f.url().slice(0, 80)} shows the value after a reload`);
  }
  assert.deepEqual(dialogs, [], 'no script opened a dialog');
}
