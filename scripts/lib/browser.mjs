// Launches Debian's Chromium through playwright-core with the flags from
// ../shared/notes/real-vscode-testing.md; the browser is closed by the shared
// cleanup (also on Ctrl+C).
import { existsSync } from 'node:fs';
import { onCleanup } from './cleanup.mjs';

export const CHROMIUM_PATH = process.env.TC_CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]);

/**
 * Launches headless Chromium.
 * @param {{ headless?: boolean }} [opts]
 * @returns {Promise<import('playwright-core').Browser>}
 * @throws {Error} when /usr/bin/chromium (or TC_CHROMIUM_PATH) is missing
 */
export async function launchChromium(opts = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Run: bash scripts/ensure-system-deps.sh`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: opts.headless ?? true,
    args: [...CHROMIUM_ARGS],
    // Our own handlers (scripts/lib/cleanup.mjs) close it, then stop the rest.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const un = onCleanup('chromium', async () => {
    await browser.close().catch(() => {});
  });
  browser.once('disconnected', un);
  return browser;
}
