/**
 * Playwright helpers for VS Code's web workbench (code-server 4.100.3 /
 * VS Code 1.100.3) — the selectors below are the workbench's own DOM classes
 * and ARIA roles in that version.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { until } from './wait';

/** Options shared by the waiting helpers. */
export interface WaitOptions {
  /** Deadline in ms (liveness, not a speed assertion). */
  timeoutMs?: number;
}

/**
 * Waits until the workbench has rendered (`.monaco-workbench` with its
 * activity bar and status bar).
 * @throws playwright's TimeoutError after `timeoutMs` (default 60 000).
 */
export async function waitForWorkbench(page: Page, opts: WaitOptions = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 60_000;
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
}

/**
 * Runs a command through the command palette: F1, type `title`, wait for the
 * matching entry, click it. The palette does not refresh when an extension's
 * commands register while it is open, so it is reopened until the entry shows.
 * @param title the command's title as shown in the palette, with its category
 *   (e.g. `Telegraf Controller: Sign In`); the first entry whose label contains
 *   it is chosen.
 * @throws Error when no palette entry matches within `timeoutMs` (default 20 000).
 */
export async function runCommand(page: Page, title: string, opts: WaitOptions = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeout;
  const widget = page.locator('.quick-input-widget');
  const row = widget.locator('.monaco-list-row', { hasText: title }).first();
  let shown: string[];
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
    await widget.locator('input.input').fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: Math.min(3000, Math.max(1, deadline - Date.now())) });
      break;
    } catch {
      shown = await widget
        .locator('.monaco-list-row')
        .allInnerTexts()
        .catch(() => []);
      if (Date.now() >= deadline) {
        await page.keyboard.press('Escape');
        throw new Error(`No command palette entry matches "${title}" after ${timeout} ms. Shown: ${shown.slice(0, 10).join(' | ') || '(none)'}`);
      }
    }
  }
  await row.click();
  await widget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

/**
 * Finds the frame of a webview that contains `selector`. A VS Code webview is
 * an iframe (`webviewView`/panel host) inside another iframe; this searches
 * every frame of the page until one has the element.
 * @returns the frame (use `frame.locator(...)`, `fill`, `click` there).
 * @throws Error when no frame has it within `timeoutMs` (default 30 000).
 */
export async function findWebviewFrame(page: Page, selector: string, opts: WaitOptions = {}): Promise<Frame> {
  const timeout = opts.timeoutMs ?? 30_000;
  const withElement = async (): Promise<Frame | undefined> => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        /* frame detached or navigating */
      }
    }
    return undefined;
  };
  return until(withElement, { what: `a webview frame containing "${selector}" (${timeout} ms)`, timeoutMs: timeout, intervalMs: 200 });
}

/**
 * Opens a view container of the activity bar (e.g. `Explorer`, or the
 * extension's container title) unless it is already the open one.
 * @param title the container's title (the activity bar entry's accessible name starts with it).
 * @throws Error when the activity bar has no such entry within `timeoutMs` (default 15 000).
 */
export async function openViewContainer(page: Page, title: string, opts: WaitOptions = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 15_000;
  const bar = page.locator('.monaco-workbench .part.activitybar');
  const tab = bar.getByRole('tab', { name: title }).first();
  try {
    await tab.waitFor({ state: 'visible', timeout });
  } catch {
    const names = await bar.locator('.action-item .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(`No activity bar entry "${title}". Entries: ${names.join(' | ')}`);
  }
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await page
    .locator('.monaco-workbench .part.sidebar .composite.title')
    .filter({ hasText: new RegExp(escapeRegExp(title), 'i') })
    .first()
    .waitFor({ state: 'visible', timeout })
    .catch(() => undefined);
}

/**
 * Texts of the notification toasts currently shown (bottom right).
 */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/**
 * Waits for a notification toast containing `text` and returns its full text.
 * @throws playwright's TimeoutError after `timeoutMs` (default 15 000).
 */
export async function waitForNotification(page: Page, text: string | RegExp, opts: WaitOptions = {}): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 15_000 });
  return toast.innerText();
}

/**
 * Shows VS Code's notification center and waits for the entry containing
 * `text`; returns it (its buttons and links can be used as a toast's). For a
 * notification that may arrive right after others: VS Code shows at most
 * three new toasts per 800 ms (the spam protection of its NotificationsToasts),
 * and one that arrives in such a burst is listed in the center only, never
 * as a toast. Close the center with {@link hideNotificationCenter}.
 * @throws playwright's TimeoutError after `timeoutMs` (default 15 000).
 */
export async function notificationInCenter(page: Page, text: string | RegExp, opts: WaitOptions = {}): Promise<Locator> {
  await runCommand(page, 'Notifications: Show Notifications');
  const entry = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await entry.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 15_000 });
  return entry;
}

/** Hides the notification center (see {@link notificationInCenter}) with the "Hide Notifications" button of its header. */
export async function hideNotificationCenter(page: Page): Promise<void> {
  await page.locator('.notifications-center .codicon-notifications-hide').first().click();
  await page.locator('.notifications-center.visible').waitFor({ state: 'hidden', timeout: 10_000 });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
