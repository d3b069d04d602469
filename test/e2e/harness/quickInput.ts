/**
 * Helpers for VS Code's quick input (input boxes and quick picks) and the side
 * bar tree, shared by the e2e flows.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { until } from './wait';

/** The quick input widget (palette, input boxes, quick picks). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/**
 * Types `text` into the open input box and presses Enter. With `expect`, first
 * waits until the widget shows that title or prompt (so the answer goes to the
 * right prompt of a multi-step flow).
 */
export async function answerInput(page: Page, text: string, expect?: string | RegExp): Promise<void> {
  const widget = expect === undefined ? quickInput(page) : quickInput(page).filter({ hasText: expect });
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  const input = quickInput(page).locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** Clicks the quick-pick row whose text contains `label`. */
export async function pickItem(page: Page, label: string): Promise<void> {
  const row = quickInput(page).locator('.monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** The first side-bar tree row containing `text`. */
export function treeRow(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}

/** Answers the sign-in prompts: "Username and Password", then the two input boxes. */
export async function signInWithPassword(page: Page, username: string, password: string): Promise<void> {
  await pickItem(page, 'Username and Password');
  await answerInput(page, username, 'Username');
  await answerInput(page, password, 'Password');
}

/**
 * Chooses `label` in the open context menu: hovers it until VS Code marks it focused, then presses
 * Enter (a mouse click on a menu that is still settling was seen to be swallowed; Enter on the focused
 * entry is not). Waits until the menu has closed.
 */
export async function clickMenu(page: Page, label: string): Promise<void> {
  const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: label }).first();
  await entry.waitFor({ state: 'visible', timeout: 10_000 });
  // Hovering makes it the menu's focused entry (class `focused`); Enter then runs that entry.
  await entry.hover();
  await until(async () => /\bfocused\b/.test((await entry.getAttribute('class')) ?? ''), { timeoutMs: 10_000, what: `menu entry "${label}" focused` });
  await page.keyboard.press('Enter');
  await page.locator('.context-view .monaco-menu').first().waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Opens workspace file `rel` (relative to the workspace folder, `/`-separated)
 * with Quick Open and resolves once the active editor is that file. Quick Open
 * lists recently opened files before its search results arrive, so the first
 * row with the file's name can be another file of the same name in another
 * folder: the row picked is the one naming the folder too, and the breadcrumbs
 * of the active editor must name that folder.
 */
export async function quickOpen(page: Page, rel: string): Promise<void> {
  const name = path.posix.basename(rel);
  const dir = path.posix.dirname(rel);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = quickInput(page).locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(rel);
  let row = quickInput(page).locator('.monaco-list-row', { hasText: name });
  if (dir !== '.') row = row.filter({ hasText: dir });
  await row.first().waitFor({ state: 'visible', timeout: 15_000 });
  await row.first().click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
  if (dir !== '.')
    await page
      .locator('.breadcrumbs-control', { hasText: path.posix.basename(dir) })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ state: 'visible', timeout: 15_000 });
}
