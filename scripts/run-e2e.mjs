#!/usr/bin/env node
// Runs the end-to-end flows (test/e2e/**/*.e2e.ts) against a real VS Code:
// code-server 4.100.3 with the extension installed as a user has it (this
// folder registered in the extensions dir; --vsix FILE installs a package
// instead; --dev loads it as extensionDevelopmentPath), the controller
// emulator, and Chromium driven by playwright-core.
//
//   node scripts/run-e2e.mjs [FILTER...] [--no-build] [--vsix FILE | --dev] [--keep] [--headed] [--locale LOCALE]
//
// --locale LOCALE: VS Code's display language (code-server --locale); flows
// read it from TC_E2E_LOCALE. `qps-ploc` first writes the pseudo-localized
// bundle l10n/bundle.l10n.qps-ploc.json (`npm run l10n:pseudo`), so the
// extension's own strings show accented and any English left stands out.
//
// FILTER: substrings of flow paths. Each flow gets a fresh browser context, a
// fresh workspace copy and a fresh emulator (same ports).
//
// Security sweep (test/e2e/harness/secretSweep.ts): every token value and
// session id the run's emulators hand out is recorded; each flow's browser
// storage is searched before its context closes, and after the last flow
// (code-server stopped, so its state is flushed) every file of the run —
// user-data dir, extensions, workspaces, logs, test-results — is searched.
// A value outside SecretStorage and the files a flow declared with
// `ctx.secrets.allowLiteralIn` fails the run (one test, "security sweep").
// With a FILTER that creates no token the sweep is reported as skipped;
// `--no-sweep` skips it. Screenshots:
// test-results/screenshots/<flow>-<name>.png (a failing flow also gets
// <flow>-FAILED.png). Last line: `e2e: N passed, N failed`; exit 1 on failure.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, projectRoot, prepareWorkspace, run, secs } from './lib/util.mjs';
import { build, startSession, collectVsCodeLogs, FALLBACK_TELEGRAF_CONF } from './lib/session.mjs';
import { startEmulatorInProcess } from './lib/emulator.mjs';
import { launchChromium } from './lib/browser.mjs';
import { runCleanups } from './lib/cleanup.mjs';
import { importTs } from './lib/tsx.mjs';

const { flags, positional } = parseArgs(process.argv.slice(2));
const root = projectRoot();
const resultsDir = path.join(root, 'test-results');
const shotsDir = path.join(resultsDir, 'screenshots');
// One logs folder per display language, so the pseudo-locale stage that runs after the main one keeps its logs.
const logsDir = path.join(resultsDir, typeof flags.locale === 'string' ? `e2e-${flags.locale}` : 'e2e');
const DEFAULT_FLOW_TIMEOUT_MS = 5 * 60_000;

/** Every `*.e2e.ts` under test/e2e (not in harness/), sorted, relative to root. */
function findFlows() {
  const base = path.join(root, 'test/e2e');
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'harness' && e.name !== 'node_modules') walk(p);
      } else if (e.name.endsWith('.e2e.ts')) out.push(path.relative(root, p));
    }
  };
  walk(base);
  return out.sort().filter((f) => positional.length === 0 || positional.some((s) => f.includes(s)));
}

/** `test/e2e/tree/sign-in.e2e.ts` -> `tree-sign-in` */
function flowName(file) {
  return path
    .relative('test/e2e', file)
    .replace(/\.e2e\.ts$/, '')
    .replace(/[\\/]/g, '-');
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${secs(ms)}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const t0 = Date.now();
let passed = 0;
let failed = 0;
/** @type {{ flow: string, error: string }[]} */
const failures = [];

async function main() {
  const flows = findFlows();
  if (flows.length === 0) {
    console.log(positional.length ? `no e2e flow matches ${positional.join(', ')}` : 'no e2e flows found');
    return;
  }
  rmSync(logsDir, { recursive: true, force: true });
  mkdirSync(shotsDir, { recursive: true });
  for (const f of flows) {
    const name = flowName(f);
    for (const png of readdirSync(shotsDir)) if (png.startsWith(`${name}-`)) rmSync(path.join(shotsDir, png));
  }
  if (!flags['no-build'] && !flags.vsix) console.log(`build: ${secs(await build(root))}`);

  const vsix = typeof flags.vsix === 'string' ? path.resolve(flags.vsix) : undefined;
  const locale = typeof flags.locale === 'string' ? flags.locale : undefined;
  process.env.TC_E2E_LOCALE = locale ?? '';
  if (locale === 'qps-ploc') {
    const { code } = await run(
      process.execPath,
      [path.join(root, 'node_modules/@vscode/l10n-dev/dist/cli.js'), 'generate-pseudo', '-o', 'l10n', 'l10n/bundle.l10n.json'],
      { cwd: root },
    );
    if (code !== 0) throw new Error('generating the pseudo-localized bundle failed');
  }
  const session = await startSession({
    root,
    name: 'e2e',
    logsDir,
    seeds: ['e2e.json', 'test.json', 'demo.json'],
    workspaceFixture: 'test/fixtures/workspace',
    keep: Boolean(flags.keep),
    vsix,
    linkExtension: !vsix && !flags.dev,
    locale,
    // VS Code takes a display language only with a language pack: a minimal one for the pseudo locale.
    extraExtensions: locale === 'qps-ploc' ? [path.join(root, 'test/fixtures/qps-ploc-language-pack')] : [],
  });
  if (vsix) {
    const installed = readdirSync(session.codeServer.extensionsDir).filter((e) => !e.endsWith('.json') && !e.startsWith('.'));
    console.log(`installed ${path.relative(root, vsix)} into the extensions dir: ${installed.join(', ') || '(nothing!)'}`);
  }
  const wb = await importTs(path.join(root, 'test/e2e/harness/workbench.ts'));
  const { SecretSweep } = await importTs(path.join(root, 'test/e2e/harness/secretSweep.ts'));
  const sweep = new SecretSweep();
  if (session.emulator) sweep.watch(session.emulator.server);
  sweep.installGlobal(); // emulators started later (per flow, or by a flow itself) report too
  const browser = await launchChromium({ headless: !flags.headed });
  let emulator = session.emulator;

  for (const [i, file] of flows.entries()) {
    const name = flowName(file);
    const started = Date.now();
    const log = (m) => console.log(`  [${name}] ${m}`);
    // Fresh emulator (same ports: the user settings point at them) and workspace per flow.
    if (i > 0 && emulator) {
      const { port, heartbeatPort, seedFile } = emulator;
      await emulator.close();
      emulator = await startEmulatorInProcess({ root, port, heartbeatPort, seedFile });
    }
    const workspace =
      i === 0
        ? session.workspace
        : prepareWorkspace({
            dir: path.join(session.runDir, `workspace-${name}`),
            fixture: path.join(root, 'test/fixtures/workspace'),
            fallbackFiles: { 'telegraf.conf': FALLBACK_TELEGRAF_CONF },
          });
    const browserContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await browserContext.newPage();
    const consoleLog = path.join(logsDir, `${name}-browser-console.log`);
    writeFileSync(consoleLog, '');
    page.on('console', (m) => writeFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`, { flag: 'a' }));
    page.on('pageerror', (e) => writeFileSync(consoleLog, `[pageerror] ${e.message}\n`, { flag: 'a' }));
    const screenshot = async (shot) => {
      const file = path.join(shotsDir, `${name}-${String(shot).replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path: file });
      log(`screenshot ${path.relative(root, file)}`);
      return file;
    };
    const ctx = {
      page,
      browserContext,
      workbench: {
        waitForWorkbench: (o) => wb.waitForWorkbench(page, o),
        runCommand: (title, o) => wb.runCommand(page, title, o),
        findWebviewFrame: (sel, o) => wb.findWebviewFrame(page, sel, o),
        openViewContainer: (title, o) => wb.openViewContainer(page, title, o),
        notifications: () => wb.notifications(page),
        waitForNotification: (text, o) => wb.waitForNotification(page, text, o),
      },
      screenshot,
      emulator: emulator && {
        url: emulator.url,
        heartbeatUrl: emulator.heartbeatUrl,
        ca: emulator.ca,
        username: emulator.username,
        password: emulator.password,
        seedFile: emulator.seedFile,
        server: emulator.server,
      },
      workspace,
      codeServerUrl: session.codeServer.url,
      userDataDir: session.codeServer.userDataDir,
      secrets: {
        allowLiteralIn: (file, value) => sweep.allowLiteralIn(file, value),
        counts: () => sweep.counts(),
      },
      log,
    };
    try {
      const mod = await importTs(path.join(root, file));
      const flow = mod.run ? mod : mod.default;
      if (typeof flow?.run !== 'function') throw new Error(`${file} does not export run(ctx)`);
      const url = session.codeServer.workbenchUrl({
        folder: workspace,
        extensionDevelopmentPath: flags.dev && !vsix ? root : undefined,
      });
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      await wb.waitForWorkbench(page);
      await withTimeout(flow.run(ctx), flow.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS, `flow ${name}`);
      passed++;
      console.log(`  ok   ${file} (${secs(Date.now() - started)})`);
    } catch (err) {
      failed++;
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failures.push({ flow: file, error });
      console.log(`  FAIL ${file} (${secs(Date.now() - started)})`);
      await screenshot('FAILED').catch(() => undefined);
    } finally {
      if (!flags['no-sweep']) {
        const scan = await sweep.scanBrowser(page, name);
        if (scan.error) log(`security sweep: could not read the browser storage: ${scan.error}`);
      }
      await browserContext.close().catch(() => undefined);
    }
  }
  if (failed) collectVsCodeLogs(session);
  if (!flags['no-sweep']) await securitySweep(sweep, session);
}

/**
 * The file part of the security sweep (see the file comment): stops
 * code-server (VS Code flushes its state on shutdown), then searches the run's
 * files; counts as one test.
 */
async function securitySweep(sweep, session) {
  const started = Date.now();
  await session.codeServer.stop();
  // code-server's own data outside --user-data-dir (coder-logs, heartbeat) is searched too.
  sweep.scanFiles([session.runDir, session.codeServer.userDataDir, resultsDir, path.join(os.homedir(), '.local/share/code-server')]);
  const r = sweep.result();
  const label = 'security sweep (token values and session ids outside SecretStorage)';
  if (!r.ok && r.stats.tokenValues === 0 && positional.length > 0) {
    console.log(`  skip ${label}: the selected flows created no token value`);
    return;
  }
  console.log(r.summary.replace(/^/gm, '  [security sweep] '));
  if (r.ok) {
    passed++;
    console.log(`  ok   ${label} (${secs(Date.now() - started)})`);
  } else {
    failed++;
    failures.push({ flow: label, error: r.summary });
    console.log(`  FAIL ${label} (${secs(Date.now() - started)})`);
  }
}

let exitCode = 1;
try {
  await main();
  exitCode = failed ? 1 : 0;
} catch (err) {
  console.error(`\ne2e: error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  failed++;
  exitCode = 1;
} finally {
  await runCleanups();
}
for (const [i, f] of failures.entries()) {
  console.log(`\n${i + 1}) ${f.flow}\n${f.error.replace(/^/gm, '   ')}`);
}
if (failures.length) console.log(`\nlogs: ${path.relative(root, logsDir)}/`);
console.log(`\ne2e run took ${secs(Date.now() - t0)}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(exitCode);
