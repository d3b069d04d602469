/**
 * Telegraf configs open in the "Telegraf Config" language (package.json
 * `languages`, syntaxes/telegraf.tmLanguage.json) in a real VS Code: a
 * `telegraf.d/*.conf` file gets the language instead of "Properties", its
 * TOML is highlighted, and `${VAR}`, `@{store:key}` and `&{param}` stand out
 * from the string around them. Screenshot: the highlighted config.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { answerInput, pickItem, quickInput, type E2EContext } from './harness';

const CONFIG = `# Sends this agent's heartbeat to the Telegraf Controller.
[agent]
  interval = "10s"
  round_interval = true
  metric_batch_size = 1000

[[outputs.heartbeat]]
  url = "\${CONTROLLER_URL}/agents/heartbeat"
  ## The API token, from a secret store
  token = "@{vault:controller_token}"
  instance_id = "&{agent_id}"
  interval = "1m"
  include = ["hostname", "statistics"]
  headers = { "X-Site" = "$SITE" }
`;

/** The computed colour of the first rendered editor token whose text is `text`. */
async function colorOf(ctx: E2EContext, text: string): Promise<string> {
  const span = ctx.page.locator('.monaco-editor .view-lines span span', { hasText: text }).first();
  await span.waitFor({ state: 'visible', timeout: 15_000 });
  return span.evaluate((el) => (globalThis as any).getComputedStyle(el).color as string);
}

export async function run(ctx: E2EContext): Promise<void> {
  const { page, workbench } = ctx;
  await workbench.waitForWorkbench();
  const rel = path.join('telegraf.d', 'heartbeat.conf');
  fs.mkdirSync(path.join(ctx.workspace, 'telegraf.d'), { recursive: true });
  fs.writeFileSync(path.join(ctx.workspace, rel), CONFIG);

  await page.keyboard.press('Control+P');
  await quickInput(page).waitFor({ state: 'visible', timeout: 10_000 });
  await quickInput(page).locator('input.input').fill('heartbeat.conf');
  await pickItem(page, 'heartbeat.conf');
  await page.locator('.tab.active', { hasText: 'heartbeat.conf' }).first().waitFor({ state: 'visible', timeout: 15_000 });

  // The language indicator of the status bar names our language.
  const mode = page.locator('.statusbar-item', { hasText: /^Telegraf Config$/ }).first();
  await mode.waitFor({ state: 'visible', timeout: 20_000 });

  // Highlighting: the grammar's scopes reach the theme. Wait until tokenization has coloured the lines.
  await page.waitForFunction(
    () => {
      const doc = (globalThis as any).document;
      const spans = [...doc.querySelectorAll('.monaco-editor .view-lines span span')] as any[];
      return new Set(spans.map((s) => s.className)).size > 4;
    },
    undefined,
    { timeout: 15_000 },
  );
  const plain = await colorOf(ctx, 'round_interval');
  const str = await colorOf(ctx, '/agents/heartbeat');
  const env = await colorOf(ctx, 'CONTROLLER_URL');
  const secretKey = await colorOf(ctx, 'controller_token');
  const param = await colorOf(ctx, 'agent_id');
  const comment = await colorOf(ctx, "Sends this agent's heartbeat");
  const section = await colorOf(ctx, 'outputs');
  ctx.log(`colours: key ${plain}, string ${str}, env ${env}, secret ${secretKey}, param ${param}, comment ${comment}, section ${section}`);
  assert.notEqual(str, comment, 'strings and comments differ');
  assert.notEqual(plain, section, 'keys and table names differ');
  assert.notEqual(env, str, '${VAR} stands out from its string');
  assert.notEqual(secretKey, str, '@{store:key} stands out from its string');
  assert.notEqual(param, str, '&{param} stands out from its string');
  await ctx.screenshot('01-telegraf-config-highlighted');

  // The same file in a dark theme.
  await workbench.runCommand('Preferences: Color Theme');
  await answerInput(page, 'Dark Modern');
  await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 15_000 });
  await page.waitForFunction((before) => {
    const doc = (globalThis as any).document;
    const span = [...doc.querySelectorAll('.monaco-editor .view-lines span span')].find((s: any) => s.textContent.includes('CONTROLLER_URL')) as any;
    return !!span && (globalThis as any).getComputedStyle(span).color !== before;
  }, env);
  await ctx.screenshot('02-telegraf-config-highlighted-dark');
}
