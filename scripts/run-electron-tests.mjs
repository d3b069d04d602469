#!/usr/bin/env node
// `npm run test:electron`: the same mocha integration suites as
// scripts/run-integration.mjs, in desktop VS Code through @vscode/test-electron
// (its public runTests()). For contributors who are online: test-electron
// downloads a VS Code build (or takes one with --vscode PATH). CI on the
// project's machines keeps code-server (no download is possible there).
//
//   node scripts/run-electron-tests.mjs [--vscode /path/to/code] [--version stable|1.95.0] [--grep TEXT] [--no-build]
//
// Starts the controller emulator in this process, writes the suites' config
// file (test/integration/harness/config.ts) and runs the suites; exits with
// test-electron's exit code (non-zero when a test failed).
import { mkdtempSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, projectRoot, run } from './lib/util.mjs';
import { startEmulatorInProcess, findSeed } from './lib/emulator.mjs';

const { flags } = parseArgs(process.argv.slice(2));
const root = projectRoot();

if (!flags['no-build']) {
  const { code } = await run(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root });
  if (code !== 0) process.exit(code || 1);
}

const { runTests } = await import('@vscode/test-electron');
const runDir = mkdtempSync(path.join(os.tmpdir(), 'tc-electron-'));
const workspace = path.join(runDir, 'workspace');
cpSync(path.join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
const emulator = await startEmulatorInProcess({ root, seedFile: findSeed(root, ['test.json', 'demo.json']) });
const configFile = path.join(runDir, 'config.json');
const resultFile = path.join(runDir, 'result.json');
writeFileSync(
  configFile,
  JSON.stringify({
    workspace,
    resultFile,
    grep: typeof flags.grep === 'string' ? flags.grep : undefined,
    emulator: {
      url: emulator.url,
      heartbeatUrl: emulator.heartbeatUrl,
      username: emulator.username,
      password: emulator.password,
      seedFile: emulator.seedFile,
    },
  }),
);

let exitCode = 1;
try {
  exitCode = await runTests({
    vscodeExecutablePath: typeof flags.vscode === 'string' ? flags.vscode : undefined,
    version: typeof flags.version === 'string' ? flags.version : undefined,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/integration/index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${path.join(runDir, 'user-data')}`],
    extensionTestsEnv: { TC_TEST_CONFIG: configFile, TC_TEST_RESULT_FILE: resultFile },
  }).then(() => 0);
} catch (err) {
  console.error(`test:electron: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await emulator.close();
  rmSync(runDir, { recursive: true, force: true });
}
process.exit(exitCode);
