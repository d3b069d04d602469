#!/usr/bin/env node
// Runs the unit tests: every test/unit/**/*.test.ts and test/emulator/**/*.test.ts with Node's test runner
// (`node --import tsx --test`), spec reporter.
//
//   node scripts/run-unit-tests.mjs [FILTER...] [-- extra node --test options]
//
// FILTER: substrings of test file paths. Last line: `unit: N passed, N failed`
// (node's own summary precedes it); exits non-zero when a test failed.
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from './lib/util.mjs';

const root = projectRoot();
const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const filters = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
const extra = dashdash >= 0 ? argv.slice(dashdash + 1) : [];

function find(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...find(p));
    else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out;
}

// The unit tier: test/unit (mirrors src/) and the emulator's own tests, which live with it.
const files = [...find(path.join(root, 'test/unit')), ...find(path.join(root, 'test/emulator'))]
  .sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.log(filters.length ? `no unit test file matches ${filters.join(', ')}` : 'no unit tests found (test/unit/**/*.test.ts)');
  console.log('unit: 0 passed, 0 failed');
  process.exit(0);
}

// Node runs test files one at a time on a 2-core machine (its default is one less than the cores); the
// files are independent processes, so use every core. `-- --test-concurrency=N` overrides it.
const concurrency = extra.some((a) => a.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${Math.max(2, availableParallelism())}`];
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...concurrency, ...extra, ...files], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
});
let out = '';
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
const forward = (sig) => () => child.kill(sig);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('close', (code, signal) => {
  // Node's spec reporter ends with `ℹ pass N` / `ℹ fail N` lines.
  const count = (k) => {
    const m = [...out.matchAll(new RegExp(`^\\S*\\s*${k} (\\d+)\\s*$`, 'gm'))].pop();
    return m ? Number(m[1]) : 0;
  };
  const passed = count('pass');
  let failed = count('fail') + count('cancelled');
  const exit = code ?? (signal ? 1 : 0);
  if (exit !== 0 && failed === 0) failed = 1; // crashed runner, bad file…
  console.log(`unit: ${passed} passed, ${failed} failed`);
  process.exit(exit !== 0 ? exit : failed ? 1 : 0);
});
