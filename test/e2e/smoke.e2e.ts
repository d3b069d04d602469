/**
 * Smoke flow: the workbench loads with the workspace open, the command
 * palette works, and the extension under test is among the running
 * extensions. Screenshots the window at each step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { E2EContext } from './harness';

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Explorer');

  // The workspace's files are listed in the Explorer.
  const first = fs
    .readdirSync(ctx.workspace)
    .filter((f) => !f.startsWith('.'))
    .sort()[0];
  if (first) {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: first }).first().waitFor({ state: 'visible', timeout: 30_000 });
  }
  await ctx.screenshot('workbench');

  // The command palette runs a built-in command that lists running extensions.
  await workbench.runCommand('Developer: Show Running Extensions');
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    displayName?: string;
  };
  // displayName is a `%key%` placeholder; package.nls.json holds the English text VS Code shows.
  const nls = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.nls.json'), 'utf8')) as Record<string, string>;
  const displayName = pkg.displayName?.replace(/^%([^%]+)%$/, (whole, key: string) => nls[key] ?? whole);
  // The list shows the display name, or (from source) the id, cut to ~50 characters.
  const id = `${pkg.publisher}.${pkg.name}`.slice(0, 40);
  const names = [id, displayName ?? pkg.name].map(escapeRegExp).join('|');
  await page
    .locator('.runtime-extensions-editor .monaco-list-row', { hasText: new RegExp(names, 'i') })
    .first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  await ctx.screenshot('running-extensions');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
