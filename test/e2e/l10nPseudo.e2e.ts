/**
 * The Tokens view and the create form speak the display language: every
 * word comes from the strings bundle (l10n/bundle.l10n.json, exported with
 * `npm run l10n`; the form receives it in `init`). Run with `--locale qps-ploc`
 * (scripts/run-e2e.mjs writes the pseudo-localized bundle first; `npm test`
 * runs it so), this flow checks the tree grouped by status (headings, role,
 * expiry, "value stored"; not data: descriptions, user names, host, counts),
 * then visits the form (with the custom date, the never-expires warning, the
 * errors of an empty submit and a grid hint) and the "Token Created" screen,
 * and fails on any text, label, title or placeholder that still has a Latin
 * letter outside data (user name, connection, description, dates, ids:
 * elements marked `data-value`). In English it checks the detector itself
 * sees the English words.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { answerInput, pickItem, treeRow, type E2EContext } from './harness';

/** Visible text, labels, titles and placeholders of the webview (shadow roots included) with a Latin letter. */
function latinLeft(frame: Frame): Promise<string[]> {
  // A string, not a function: the test bundler would wrap a named inner function in a helper the page lacks.
  return frame.evaluate(`(() => {
    const out = [];
    const visit = (node) => {
      if (node.nodeType === 1) {
        const el = node;
        if (el.hasAttribute('data-value') || el.tagName === 'STYLE' || el.tagName === 'SCRIPT') return;
        if (el.hidden || getComputedStyle(el).display === 'none') return;
        for (const a of ['aria-label', 'title', 'placeholder']) {
          const v = el.getAttribute(a);
          if (v && /[A-Za-z]/.test(v)) out.push(el.tagName.toLowerCase() + '[' + a + ']: ' + v);
        }
        if (el.shadowRoot) for (const c of el.shadowRoot.childNodes) visit(c);
        for (const c of el.childNodes) visit(c);
      } else if (node.nodeType === 3) {
        const v = String(node.textContent).trim();
        if (/[A-Za-z]/.test(v)) out.push(v);
      }
    };
    visit(document.body);
    return out;
  })()`);
}

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const pseudo = process.env.TC_E2E_LOCALE === 'qps-ploc';
  // The extension's own prompts are pseudo-localized too: answer them by their translated text.
  const bundleFile = path.join(process.cwd(), 'l10n', 'bundle.l10n.qps-ploc.json');
  const bundle: Record<string, string> = pseudo ? JSON.parse(fs.readFileSync(bundleFile, 'utf8')) : {};
  const say = (english: string) => bundle[english] ?? english;
  await workbench.waitForWorkbench();
  // View container and command titles come from package.nls.json (VS Code's manifest strings), English here.
  await workbench.openViewContainer('Telegraf Controller');
  const emu = ctx.emulator!;
  // The configured controller (telegrafController.url) is listed: Sign In, not Connect… (offered only while none is).
  await workbench.runCommand('Telegraf Controller: Sign In');
  await pickItem(page, say('Username and Password'));
  await answerInput(page, emu.username, say('Username'));
  await answerInput(page, emu.password, say('Password'));
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Escape');

  // The Tokens view, grouped by status: group headings, the connection's role and state, each token's
  // expiry and "value stored". Data is left out: token descriptions, user names, the host, counts.
  await workbench.runCommand('Telegraf Controller: Group By: Status');
  // With one connection the groups are the top level; expiring and expired groups open by themselves.
  await page.locator('.part.sidebar .monaco-list-row[aria-expanded="true"]').first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.part.sidebar .monaco-list-row:not([aria-expanded])').first().waitFor({ state: 'visible', timeout: 15_000 });
  const seedUsers = new Set(['admin', 'alice', 'bob', 'carol', 'dave', emu.username]);
  const treeLeft = (await page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows: any[]) =>
    rows.map((r) => ({
      group: r.hasAttribute('aria-expanded'),
      name: r.querySelector('.label-name')?.textContent ?? '',
      description: r.querySelector('.label-description')?.textContent ?? '',
    })),
  )) as Array<{ group: boolean; name: string; description: string }>;
  const treeWords: string[] = [];
  for (const row of treeLeft) {
    if (row.group) treeWords.push(row.name); // a status group's heading (its count is the description)
    const parts = row.description
      .split(/ · |[()]/)
      .map((p) => p.trim())
      .filter((p) => p && !seedUsers.has(p) && !/^[\d.,\s]+$/.test(p));
    treeWords.push(...parts);
  }
  const treeEnglish = treeWords.filter((w) => /[A-Za-z]/.test(w));
  await ctx.screenshot(pseudo ? '00-tree-qps-ploc' : '00-tree-en');
  if (pseudo) assert.deepEqual(treeEnglish, [], `English left in the Tokens view (qps-ploc): ${JSON.stringify(treeEnglish.slice(0, 12))}`);
  else
    assert.ok(
      treeEnglish.some((w) => /expires in|Expiring soon/.test(w)),
      `the detector sees the English tree: ${JSON.stringify(treeWords.slice(0, 12))}`,
    );
  await workbench.runCommand('Telegraf Controller: Group By: None');

  await workbench.runCommand('Telegraf Controller: Create Token');
  const frame = await workbench.findWebviewFrame('#description');
  await frame.locator('#summary-title').waitFor({ state: 'visible' });
  const seen = new Map<string, string[]>();
  const look = async (stage: string) => seen.set(stage, await latinLeft(frame));

  await look('form');
  // An empty submit: the errors under the fields.
  await frame.locator('#submit').click();
  await frame.locator('#description-msg').waitFor({ state: 'visible' });
  await look('errors');
  // A custom date, then "never expires" (its warning).
  await frame.locator('#expiry').evaluate((el: any) => {
    el.value = 'custom';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await frame.locator('#expiry-preview').waitFor({ state: 'visible' });
  await look('custom date');
  await frame.locator('#expiry').evaluate((el: any) => {
    el.value = 'never';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await frame.locator('#expiry-msg').waitFor({ state: 'visible' });
  await look('never expires');
  // A grid cell's hint.
  await frame.locator('table[role="grid"] input').nth(6).focus();
  await frame.locator('#grid-hint').filter({ hasText: /\S/ }).waitFor({ state: 'visible' });
  await look('grid hint');
  // Create, then the "Token Created" screen.
  await frame.locator('#description input').first().fill('e2e pseudo locale');
  await frame.locator('#submit').click();
  await frame.locator('#token-value').waitFor({ state: 'visible', timeout: 20_000 });
  await look('created');
  await ctx.screenshot(pseudo ? '01-created-qps-ploc' : '01-created-en');

  const report = [...seen]
    .map(
      ([stage, left]) =>
        `${stage}: ${
          left.length
            ? `${left.length} (${left
                .slice(0, 8)
                .map((s) => JSON.stringify(s))
                .join(', ')}${left.length > 8 ? ', …' : ''})`
            : '(none)'
        }`,
    )
    .join('\n');
  ctx.log(`Latin text outside data, per stage:\n${report}`);
  if (pseudo) {
    assert.ok(
      [...seen].every(([, left]) => left.length === 0),
      `English left in the create form (qps-ploc):\n${report}`,
    );
  } else {
    // The detector sees the English words when there is no translation.
    assert.ok(
      seen.get('form')!.some((s) => s.includes('Create API Token')),
      report,
    );
    assert.ok(
      seen.get('created')!.some((s) => s.includes('Token Created')),
      report,
    );
  }
}
