#!/usr/bin/env node
// `npm test`: typecheck, lint (ESLint, import zones and cycles included), format
// (prettier --check), unit
// tests, the real-Telegraf tests (test/telegraf: `telegraf config check` on every
// edit, the real agent against the emulator), build, integration tests (mocha inside
// code-server), package (`npm run package`: production build + the .vsix),
// end-to-end flows (Playwright) against that .vsix installed in code-server, and
// the pseudo-locale flow (qps-ploc: no English left in the Tokens view and the form).
// Every stage runs even when an earlier one failed, except that integration
// needs the build and e2e needs the package.
//
//   node scripts/test-all.mjs [--only unit,integration] [--skip e2e]
//
// Prints a per-stage summary and, as the very last line, `N passed, N failed`
// (tests of all stages; a failed stage that counts no test — typecheck, build,
// a crashed runner — adds 1 failed). Exits 1 when anything failed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { REPO_ROOT, parseArgs, projectRoot, secs } from './lib/util.mjs';

const { flags } = parseArgs(process.argv.slice(2));
const root = projectRoot();
const list = (v) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
const only = list(flags.only ?? process.env.TC_TEST_ONLY);
const skip = list(flags.skip ?? process.env.TC_TEST_SKIP);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const node = process.execPath;
const script = (name) => path.join(REPO_ROOT, 'scripts', name);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
/** What `npm run package` (vsce package) writes. */
const vsixFile = path.join(root, `${pkg.name}-${pkg.version}.vsix`);

/** @type {{ name: string, summary?: string, cmd: string, args: string[], counts: boolean, needsBuild?: boolean, needsPackage?: boolean }[]} */
const STAGES = [
  { name: 'typecheck', cmd: npm, args: ['run', '--silent', 'typecheck'], counts: false },
  { name: 'lint', cmd: npm, args: ['run', '--silent', 'lint'], counts: false },
  { name: 'format', cmd: npm, args: ['run', '--silent', 'format:check'], counts: false },
  { name: 'unit', cmd: node, args: [script('run-unit-tests.mjs')], counts: true },
  { name: 'telegraf', cmd: node, args: [script('run-telegraf-tests.mjs')], counts: true },
  { name: 'build', cmd: node, args: ['esbuild.mjs', '--tests'], counts: false },
  { name: 'integration', cmd: node, args: [script('run-integration.mjs'), '--no-build'], counts: true, needsBuild: true },
  { name: 'package', cmd: npm, args: ['run', '--silent', 'package'], counts: false, needsBuild: true },
  { name: 'e2e', cmd: node, args: [script('run-e2e.mjs'), '--no-build', '--vsix', vsixFile], counts: true, needsBuild: true, needsPackage: true },
  // The pseudo locale: no English left in the Tokens view and the create form (test/e2e/l10nPseudo.e2e.ts).
  {
    name: 'e2e-qps-ploc',
    summary: 'e2e',
    cmd: node,
    // From the development path: run-e2e.mjs writes the pseudo-localized bundle into l10n/ first, and the
    // .vsix (packaged before, without that generated file on a fresh clone) would not have it.
    args: [script('run-e2e.mjs'), 'l10nPseudo', '--locale', 'qps-ploc', '--no-build', '--dev'],
    counts: true,
    needsBuild: true,
  },
];

/** @type {import('node:child_process').ChildProcess | undefined} */
let current;
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    interrupted = true;
    current?.kill(sig); // the stage scripts stop their own processes
  });
}

function runStage(stage) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(stage.cmd, stage.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    current = child;
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.once('error', (err) => {
      out += `\n${err.message}`;
    });
    child.once('close', (code, signal) => {
      current = undefined;
      resolve({ code: code ?? (signal ? 1 : 1), out });
    });
  });
}

const t0 = Date.now();
/** @type {{ name: string, status: 'ok' | 'FAILED' | 'skipped', passed: number, failed: number, note: string, ms: number }[]} */
const results = [];
let buildOk = true;
let packageOk = true;
for (const stage of STAGES) {
  const wanted = (only.length === 0 || only.includes(stage.name)) && !skip.includes(stage.name);
  if (!wanted) {
    results.push({ name: stage.name, status: 'skipped', passed: 0, failed: 0, note: 'not selected', ms: 0 });
    continue;
  }
  if (interrupted) {
    results.push({ name: stage.name, status: 'skipped', passed: 0, failed: 1, note: 'interrupted', ms: 0 });
    continue;
  }
  if (stage.needsBuild && !buildOk) {
    results.push({ name: stage.name, status: 'skipped', passed: 0, failed: 1, note: 'build failed', ms: 0 });
    continue;
  }
  if (stage.needsPackage && !packageOk) {
    results.push({ name: stage.name, status: 'skipped', passed: 0, failed: 1, note: 'package failed', ms: 0 });
    continue;
  }
  const shown = [stage.cmd === node ? 'node' : stage.cmd, ...stage.args.map((a) => (path.isAbsolute(a) ? path.relative(REPO_ROOT, a) : a))];
  console.log(`\n=== ${stage.name}: ${shown.join(' ')}`);
  const started = Date.now();
  // No automatic retry: a flaky test is a bug to fix, and a failure counts as it happened.
  const { code, out } = await runStage(stage);
  const ms = Date.now() - started;
  let passed = 0;
  let failed = 0;
  let note = '';
  if (stage.counts) {
    const m = [...out.matchAll(new RegExp(`^${stage.summary ?? stage.name}: (\\d+) passed, (\\d+) failed\\s*$`, 'gm'))].pop();
    if (m) {
      passed = Number(m[1]);
      failed = Number(m[2]);
      note = `${passed} passed, ${failed} failed`;
    } else {
      note = 'no summary line';
    }
  }
  if (code !== 0 && failed === 0) {
    failed = 1;
    note = note ? `${note}; exit ${code}` : `exit ${code}`;
  }
  if (stage.name === 'build' && code !== 0) buildOk = false;
  if (stage.name === 'package' && code !== 0) packageOk = false;
  results.push({ name: stage.name, status: code === 0 ? 'ok' : 'FAILED', passed, failed, note, ms });
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log('\n=== summary');
for (const r of results) {
  console.log(`  ${r.name.padEnd(13)} ${r.status.padEnd(8)} ${r.note.padEnd(32)} ${r.ms ? secs(r.ms) : ''}`.trimEnd());
}
console.log(`  total ${secs(Date.now() - t0)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || interrupted ? 1 : 0);
