#!/usr/bin/env node
// Runs the tests that drive the real Telegraf (test/telegraf/**/*.test.ts:
// `telegraf config check` on every fixture and edit, the real agent against
// the emulator) with Node's test runner, spec reporter. The binaries come from
// scripts/build-telegraf.sh (.telegraf/<version>/telegraf); under CI=true a
// missing binary fails the tests, elsewhere they are skipped with the command
// that builds it.
//
//   node scripts/run-telegraf-tests.mjs [FILTER...]
//
// FILTER: substrings of test file paths. Last line: `telegraf: N passed, N failed`.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { projectRoot } from './lib/util.mjs';

const root = projectRoot();
const filters = process.argv.slice(2);

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

const files = find(path.join(root, 'test/telegraf'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.log(filters.length ? `no telegraf test file matches ${filters.join(', ')}` : 'no telegraf tests found');
  console.log('telegraf: 0 passed, 0 failed');
  process.exit(0);
}

// One file at a time: each starts real agents and emulators on a 2-core machine.
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
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
  const count = (k) => {
    const m = [...out.matchAll(new RegExp(`^\\S*\\s*${k} (\\d+)\\s*$`, 'gm'))].pop();
    return m ? Number(m[1]) : 0;
  };
  const passed = count('pass');
  let failed = count('fail') + count('cancelled');
  const skipped = count('skipped');
  const exit = code ?? (signal ? 1 : 0);
  if (exit !== 0 && failed === 0) failed = 1;
  if (skipped) console.log(`telegraf: ${skipped} skipped (a Telegraf binary is not built; CI=true fails instead)`);
  console.log(`telegraf: ${passed} passed, ${failed} failed`);
  process.exit(exit !== 0 ? exit : failed ? 1 : 0);
});
