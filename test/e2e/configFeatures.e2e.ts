/**
 * Telegraf configs in the editor (issue 6) through the real UI: a config with
 * a plaintext controller token gets a CodeLens above [[outputs.heartbeat]],
 * a warning in the Problems panel, and a hover naming the token. Screenshots
 * for the README (test-results/screenshots/configFeatures-*.png).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { answerInput, pickItem, quickInput, signInWithPassword, treeRow, type E2EContext } from './harness';

/** A seed token's value (test/emulator/seeds/demo.json, "Telegraf agent - prod-web-01"). */
const SEED_VALUE = 'tc-apiv1_Pw01AgentProdWeb01demo00000000000';

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  const file = path.join(ctx.workspace, 'leaky.conf');
  fs.writeFileSync(
    file,
    [
      '[agent]',
      '  interval = "10s"',
      '',
      '[[inputs.cpu]]',
      '',
      '[[outputs.heartbeat]]',
      '  url = "http://127.0.0.1:8000/agents/heartbeat"',
      '  instance_id = "&{agent_id}"',
      `  token = "${SEED_VALUE}"`,
      '  interval = "1m"',
      '',
    ].join('\n'),
  );
  ctx.secrets?.allowLiteralIn(file, SEED_VALUE);
  await workbench.waitForWorkbench();
  await workbench.openViewContainer('Telegraf Controller');
  await workbench.runCommand('Telegraf Controller: Connect…');
  await answerInput(page, ctx.emulator!.url);
  await signInWithPassword(page, ctx.emulator!.username, ctx.emulator!.password);
  await treeRow(page, 'Telegraf agent - prod-web-01').waitFor({ state: 'visible', timeout: 30_000 });

  // Open the config with Quick Open.
  await page.keyboard.press('Control+P');
  await quickInput(page).locator('input.input').fill('leaky.conf');
  await pickItem(page, 'leaky.conf');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 15_000 });

  const lens = page.locator('.contentWidgets .codelens-decoration, .codelens-decoration', { hasText: 'Set Telegraf Controller Token' }).first();
  await lens.waitFor({ state: 'visible', timeout: 30_000 });

  await workbench.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(() => workbench.runCommand('View: Toggle Problems'));
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /plain text|plaintext/i }).first();
  await problem.waitFor({ state: 'visible', timeout: 30_000 });
  const problems = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  assert.ok(problems.some((p) => /tc-apiv1_|token/i.test(p)), `Problems: ${problems.join(' | ')}`);
  assert.ok(!problems.some((p) => p.includes(SEED_VALUE)), 'a diagnostic never repeats the whole value');

  // Hover over the value.
  await editor.locator('.view-line', { hasText: 'token = ' }).first().locator('span', { hasText: 'tc-apiv1' }).first().hover();
  const hover = page.locator('.monaco-hover-content').first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
  await ctx.screenshot('01-codelens-diagnostic-hover');
  const hoverText = (await hover.innerText().catch(() => '')) || '';
  ctx.log(`hover: ${hoverText.replace(/\s+/g, ' ').slice(0, 160)}`);
  assert.ok(!hoverText.includes(SEED_VALUE), 'the hover never shows the whole value');
}
