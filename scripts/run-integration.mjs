#!/usr/bin/env node
// Runs the mocha integration suites (test/integration/suite/**/*.test.ts) inside
// a real VS Code: code-server 4.100.3 driven by Chromium, the extension loaded
// from source (extensionDevelopmentPath) and its tests run (extensionTestsPath).
//
//   node scripts/run-integration.mjs [--no-build] [--grep TEXT] [--deadline-min 10] [--keep]
//
// Prints one line per test as it finishes, each failure, and finally
// `integration: N passed, N failed`; exits 1 on a failure or timeout.
// Logs: test-results/integration/ (code-server, browser console, VS Code logs).
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, projectRoot, secs } from './lib/util.mjs';
import { build, startSession, collectVsCodeLogs } from './lib/session.mjs';
import { launchChromium } from './lib/browser.mjs';
import { runCleanups } from './lib/cleanup.mjs';
import { mapStack } from './lib/sourcemap.mjs';

const { flags } = parseArgs(process.argv.slice(2));
const root = projectRoot();
const deadlineMs = Number(flags['deadline-min'] ?? 10) * 60_000;
const startDeadlineMs = 3 * 60_000; // run() must have been called by then
const logsDir = path.join(root, 'test-results', 'integration');
const t0 = Date.now();
/** @type {import('./lib/session.mjs').Session | undefined} */
let session;

/** @returns {Promise<{ passed: number, failed: number, pending: number, failures: {title: string, error: string}[] }>} */
async function main() {
  rmSync(logsDir, { recursive: true, force: true });
  mkdirSync(logsDir, { recursive: true });
  if (!flags['no-build']) {
    const ms = await build(root, ['--tests']);
    console.log(`build: ${secs(ms)}`);
  }
  const entry = path.join(root, 'out/test/integration/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build with node esbuild.mjs --tests`);

  /** @type {string} */ let configFile = '';
  /** @type {string} */ let resultFile = '';
  /** @type {string} */ let progressFile = '';
  session = await startSession({
    root,
    name: 'integration',
    logsDir,
    seeds: ['test.json', 'demo.json'],
    workspaceFixture: 'test/fixtures/workspace',
    keep: Boolean(flags.keep),
    env: ({ runDir }) => {
      configFile = path.join(runDir, 'config.json');
      resultFile = path.join(runDir, 'result.json');
      progressFile = path.join(runDir, 'progress.log');
      return { TC_TEST_CONFIG: configFile, TC_TEST_RESULT_FILE: resultFile };
    },
  });
  const { emulator, workspace, codeServer } = session;
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        workspace,
        resultFile,
        progressFile,
        grep: typeof flags.grep === 'string' ? flags.grep : undefined,
        timeoutMs: flags['test-timeout-ms'] ? Number(flags['test-timeout-ms']) : undefined,
        emulator: emulator && {
          url: emulator.url,
          heartbeatUrl: emulator.heartbeatUrl,
          ca: emulator.ca,
          username: emulator.username,
          password: emulator.password,
          seedFile: emulator.seedFile,
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(progressFile, '');

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleLog = path.join(logsDir, 'browser-console.log');
  writeFileSync(consoleLog, '');
  const appendConsole = (line) => {
    try {
      writeFileSync(consoleLog, line + '\n', { flag: 'a' });
    } catch {
      /* ignore */
    }
  };
  page.on('console', (m) => appendConsole(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => appendConsole(`[pageerror] ${e.message}`));
  let crashed = false;
  page.on('crash', () => (crashed = true));

  const url = codeServer.workbenchUrl({
    folder: workspace,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/integration/index'),
  });
  console.log(`workbench: ${url.slice(0, 120)}…`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });

  // Tail the progress file while waiting for the result file.
  let offset = 0;
  let started = false;
  const tail = () => {
    if (!existsSync(progressFile)) return;
    const size = statSync(progressFile).size;
    if (size <= offset) return;
    const fd = openSync(progressFile, 'r');
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    offset = size;
    started = true;
    process.stdout.write(buf.toString('utf8'));
  };
  const waitStart = Date.now();
  for (;;) {
    tail();
    if (existsSync(resultFile)) break;
    const waited = Date.now() - waitStart;
    if (!codeServer.alive()) throw new Error('code-server exited during the run');
    if (crashed) throw new Error('the workbench page crashed');
    if (!started && waited > startDeadlineMs) {
      throw new Error(`the extension host did not start the tests within ${secs(startDeadlineMs)} (see ${logsDir})`);
    }
    if (waited > deadlineMs) throw new Error(`no result after ${secs(deadlineMs)} (deadline; see ${logsDir})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  tail();
  return JSON.parse(readFileSync(resultFile, 'utf8'));
}

let passed = 0;
let failed = 1;
let pending = 0;
try {
  const r = await main();
  ({ passed, failed, pending } = r);
  if (r.failures.length) {
    console.log(`\n${r.failures.length} failure(s):`);
    r.failures.forEach((f, i) => {
      const error = mapStack(f.error, path.join(root, 'out/test/integration/index.js'), root);
      console.log(`\n${i + 1}) ${f.title}\n${error.replace(/^/gm, '   ')}`);
    });
  }
} catch (err) {
  console.error(`\nintegration: error: ${err instanceof Error ? err.message : String(err)}`);
  passed = 0;
  failed = 1;
} finally {
  if (failed > 0 && session) {
    try {
      collectVsCodeLogs(session);
    } catch {
      /* best effort */
    }
    console.log(`\nlogs: ${path.relative(root, logsDir)}/ (code-server.log, browser-console.log, vscode-logs/)`);
  }
  await runCleanups();
}
console.log(`\nintegration run took ${secs(Date.now() - t0)}${pending ? `, ${pending} pending` : ''}`);
console.log(`integration: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
