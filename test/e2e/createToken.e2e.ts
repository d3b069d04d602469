/**
 * The main job through the real UI: connect from the Telegraf Controller view,
 * see the explorer, create a Telegraf-agent token with the preset, a custom
 * token with the keyboard only, and have a past date refused. Screenshots in
 * dark and light themes; an accessibility snapshot of the permission grid.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { answerInput, signInWithPassword, treeRow, until, type E2EContext } from './harness';

/** Signs in to the configured controller ("Telegraf Controller: Sign In") as the seed's Owner. */
export async function connect(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const emu = ctx.emulator!;
  // The configured controller (telegrafController.url) is listed: Sign In, not Connect… (offered only while none is).
  await workbench.runCommand('Telegraf Controller: Sign In');
  await signInWithPassword(page, emu.username, emu.password);
}

async function textfield(frame: Frame, id: string) {
  return frame.locator(`#${id}`).locator('input').first();
}

/** The date control of the Expiration field (a native `<input type="date">`). */
function dateInput(frame: Frame) {
  return frame.locator('input#custom-date, #custom-date input').first();
}

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Telegraf Controller');
  // The settings name the emulator: the view asks to sign in to it (never "connect", even while loading).
  await page.getByText('Sign in to the Telegraf Controller set in your settings').first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await page.getByText('Connect to a Telegraf Controller to list').count(), 0, 'no "connect" welcome for a configured controller');
  await ctx.screenshot('01-welcome');

  await connect(ctx);
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Escape');
  await ctx.screenshot('02-explorer');

  // 1. A Telegraf-agent token through the preset (the default).
  await workbench.runCommand('Telegraf Controller: Create Token');
  let frame = await workbench.findWebviewFrame('#description');
  await (await textfield(frame, 'description')).fill('e2e agent web-07');
  await frame.locator('#summary-title').waitFor({ state: 'visible' });
  const summary = await frame.locator('section.summary').innerText();
  assert.match(summary, /Configurations: read/);
  assert.match(summary, /Heartbeat: write/);
  // At a 1000 px high window, Create is in view without scrolling.
  await page.setViewportSize({ width: 1400, height: 1000 });
  await frame.waitForFunction(() => (globalThis as any).innerHeight < 1000);
  assert.equal(await frame.evaluate(() => (globalThis as any).scrollY), 0, 'the form is not scrolled');
  const submitBox = await frame.locator('#submit').boundingBox();
  assert.ok(submitBox && submitBox.y >= 0 && submitBox.y + submitBox.height <= 1000, `Create is in the window: ${JSON.stringify(submitBox)}`);
  assert.ok(
    await frame.locator('#submit').evaluate((el) => {
      const r = el.getBoundingClientRect();
      const g = globalThis as any;
      return r.top >= 0 && r.bottom <= g.innerHeight && g.document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest('#submit') === el;
    }),
    'Create is visible in the panel and not covered',
  );
  await ctx.screenshot('03-create-form-dark');
  // A narrower window (the webview about 830 px wide): the whole grid, its Delete column too, fits without scrolling sideways.
  const innerWidth = () => frame.evaluate(() => (globalThis as any).innerWidth as number);
  const wide = await innerWidth();
  await page.setViewportSize({ width: 1180, height: 1000 });
  await until(async () => (await innerWidth()) < wide - 100, { what: 'the webview got narrower', timeoutMs: 10_000 });
  const fits = () => frame.locator('.grid-wrap').evaluate((wrap) => wrap.getBoundingClientRect().width > 0 && wrap.scrollWidth <= wrap.clientWidth + 1);
  await until(fits, { what: `the Delete column in view in a ${await innerWidth()} px wide webview`, timeoutMs: 10_000 });
  await ctx.screenshot('03b-create-form-narrow');
  await page.setViewportSize({ width: 1400, height: 1000 });
  const grid = frame.locator('table[role="grid"]');
  const aria = await grid.ariaSnapshot();
  fs.mkdirSync(path.join(process.cwd(), 'test-results'), { recursive: true });
  fs.writeFileSync(path.join(process.cwd(), 'test-results', 'create-form-grid.aria.yml'), aria);
  assert.match(aria, /checkbox "Configurations: read"/);
  assert.match(aria, /checkbox "Heartbeat: write"/);
  await frame.locator('#submit').click();
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  const masked = await frame.locator('#token-value').innerText();
  assert.ok(!/tc-apiv1_[A-Za-z0-9]{20,}/.test(masked), 'the value is masked until revealed');
  await ctx.screenshot('04-created-dark');
  await treeRow(page, 'e2e agent web-07').waitFor({ state: 'visible', timeout: 20_000 });
  const onServer = [...ctx.emulator!.server.state.tokens.values()].find((t: any) => t.description === 'e2e agent web-07') as any;
  assert.ok(onServer, 'the emulator has the token');
  assert.deepEqual(onServer.permissions, { configs: ['read'], heartbeat: ['write'] });

  // 2. A custom token with the keyboard only.
  await frame.locator('#another').focus();
  await page.keyboard.press('Enter');
  // Typed key by key at once, without waiting for the new form: it takes the focus before the next
  // key event is handled, so no key is lost.
  await page.keyboard.type('e2e keyboard custom');
  frame = await workbench.findWebviewFrame('#description');
  assert.equal(await (await textfield(frame, 'description')).inputValue(), 'e2e keyboard custom', 'every typed character reached the field');
  // Tab to the grid (one tab stop) and toggle Agents: read (row 3, Read column) with arrows + Space.
  const gridFocus = frame.locator('table[role="grid"] input:focus');
  for (let i = 0; i < 12 && (await gridFocus.count()) === 0; i++) await page.keyboard.press('Tab');
  assert.equal(await gridFocus.count(), 1, 'Tab reaches the permission grid');
  const agentsRead = frame.locator('input[aria-label="Agents: read"]');
  // Ctrl+Home: the first cell (All resources × All); two rows down and one column right is Agents: read.
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  assert.ok(await agentsRead.evaluate((el) => el === (globalThis as any).document.activeElement), 'arrow keys reach Agents: read');
  await page.keyboard.press('Space');
  assert.equal(await agentsRead.isChecked(), true, 'Space toggles the cell');
  const presetValue = await frame.locator('#preset').evaluate((el: any) => el.value);
  assert.equal(presetValue, 'custom', 'editing the grid switches the preset to Custom');
  await ctx.screenshot('05-keyboard-custom');
  await page.keyboard.press('Enter');
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  // The title takes the focus for screen readers but draws no focus rectangle, even after keys.
  const title = frame.locator('#page-title');
  await frame.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'page-title');
  assert.equal(await title.evaluate((el) => (globalThis as any).getComputedStyle(el).outlineStyle), 'none', 'no focus rectangle on "Token Created"');
  await ctx.screenshot('05b-created-after-keyboard');
  const custom = [...ctx.emulator!.server.state.tokens.values()].find((t: any) => t.description === 'e2e keyboard custom') as any;
  assert.ok(custom, 'the keyboard-only token was created');
  assert.deepEqual(custom.permissions.agents, ['read']);

  // 3. A custom date typed digit by digit, the way a person types it into the date control.
  await frame.locator('#another').click();
  frame = await workbench.findWebviewFrame('#description');
  await (await textfield(frame, 'description')).fill('e2e typed date');
  await frame.locator('#expiry').evaluate((el: any) => {
    el.value = 'custom';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const typedDate = dateInput(frame);
  await typedDate.waitFor({ state: 'visible' });
  const suggested = await typedDate.inputValue();
  assert.match(suggested, /^\d{4}-\d{2}-\d{2}$/, 'choosing Custom suggests a date');
  // The control's parts follow the browser's locale (en-US: month/day/year).
  const order = await frame.evaluate(() =>
    new Intl.DateTimeFormat((globalThis as any).navigator.language)
      .formatToParts(new Date(2001, 1, 3))
      .map((p) => p.type)
      .filter((t) => t === 'day' || t === 'month' || t === 'year'),
  );
  assert.equal(order.length, 3, `date parts of this locale: ${order.join('/')}`);
  // a. "05" into the day part of a valid date keeps month and year.
  await typedDate.focus();
  for (let i = 0; i < order.indexOf('day'); i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('0');
  await page.keyboard.press('5');
  assert.equal(await typedDate.inputValue(), `${suggested.slice(0, 8)}05`, 'typing 05 into the day keeps the month and the year');
  // b. A whole date, one key at a time, from the first part.
  const year = new Date().getFullYear() + 1;
  const digits: Record<string, string> = { day: '15', month: '06', year: String(year) };
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowLeft');
  const expiryMsg = frame.locator('#expiry-msg');
  for (const part of order)
    for (const key of digits[part]!) {
      await page.keyboard.press(key);
      // While the year is typed digit by digit (0002, 0020, 0202…) no error shows.
      if (part === 'year')
        assert.doesNotMatch(await expiryMsg.innerText(), /valid date|past/i, `no error while typing the year (${await typedDate.inputValue()})`);
    }
  assert.equal(await typedDate.inputValue(), `${year}-06-15`, 'every digit reached the date control');
  const preview = frame.locator('#expiry-preview');
  await preview.waitFor({ state: 'visible' });
  assert.match(await preview.innerText(), new RegExp(String(year)), 'the preview shows the typed date');
  assert.equal(await frame.locator('#expiry-msg').isVisible(), false, 'no error under a complete date');
  await ctx.screenshot('06-custom-date-typed');
  // Enter in the date submits, as in the text fields.
  await typedDate.press('Enter');
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  const dated = [...ctx.emulator!.server.state.tokens.values()].find((t: any) => t.description === 'e2e typed date') as any;
  assert.ok(dated?.expiresAt, 'the token has the typed expiry');
  // The emulator keeps times as ms since the epoch (the API sends RFC 3339).
  const lag = new Date(dated.expiresAt).getTime() - Date.UTC(year, 5, 15);
  assert.ok(lag > -86400e3 && lag < 2 * 86400e3, `expiresAt ${dated.expiresAt} is the end of ${year}-06-15`);

  // 4. Create Token again from the palette, on the "Token Created" screen: a new form, not the old result.
  await workbench.runCommand('Telegraf Controller: Create Token');
  frame = await workbench.findWebviewFrame('#description');
  await frame.locator('#description').waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(await frame.locator('#token-value').count(), 0, 'the old result is gone');
  assert.equal(await (await textfield(frame, 'description')).inputValue(), '', 'a fresh description');
  await ctx.screenshot('06b-create-again-from-palette');

  // 5. A past date is refused next to the field.
  await (await textfield(frame, 'description')).fill('e2e past date');
  await frame.locator('#expiry').evaluate((el: any) => {
    el.value = 'custom';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const date = dateInput(frame);
  await date.waitFor({ state: 'visible' });
  const yesterday = new Date(Date.now() - 2 * 86400e3).toISOString().slice(0, 10);
  await date.fill(yesterday);
  await date.dispatchEvent('change');
  await frame.locator('#submit').click();
  const pastMsg = frame.locator('#expiry-msg');
  await pastMsg.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await pastMsg.innerText(), /past|future/i);
  assert.ok(![...ctx.emulator!.server.state.tokens.values()].some((t: any) => t.description === 'e2e past date'), 'nothing was created');
  await ctx.screenshot('07-past-date-refused');

  // 5. Light theme.
  await workbench.runCommand('Preferences: Color Theme');
  await answerInput(page, 'Light Modern');
  frame = await workbench.findWebviewFrame('body.vscode-light #description');
  await (await textfield(frame, 'description')).fill('e2e light theme');
  await ctx.screenshot('08-create-form-light');
}
