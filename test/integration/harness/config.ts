/**
 * Configuration handed by `scripts/run-integration.mjs` to the mocha suites
 * that run inside VS Code's extension host (code-server here).
 *
 * Channel: the runner writes `<workspace>/.tc-test/config.json` and sets env
 * `TC_TEST_CONFIG` to its path (code-server's environment reaches the
 * extension host — checked with code-server 4.100.3). When the env variable is
 * absent (e.g. another host), the file is looked up in the first workspace
 * folder. No `vscode` import here: the lookup takes the folder list as input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Folder (relative to the workspace root) holding the harness files. */
export const TC_TEST_DIR = '.tc-test';

/** Controller emulator the suites talk to (see test/emulator/server.ts). */
export interface EmulatorInfo {
  /** Base URL of the API server, e.g. `http://127.0.0.1:41234` (no trailing slash, no `/api`). */
  url: string;
  /** Full heartbeat URL, e.g. `http://127.0.0.1:41235/agents/heartbeat`. */
  heartbeatUrl: string;
  /** PEM of the CA that signed the emulator's certificate when it runs with TLS. */
  ca?: string;
  /** Sign-in of an Owner/Administrator from the seed (docs/api-contract.md: `POST /api/auth/login/local`). */
  username: string;
  /** Password of `username`. Test-only credential from the seed file. */
  password: string;
  /** Absolute path of the seed file the emulator was started with. */
  seedFile?: string;
}

/** Everything the runner passes to the suites. */
export interface IntegrationConfig {
  /** Absolute path of the workspace folder opened in the window. */
  workspace: string;
  /** Absolute path where `run()` writes the {@link IntegrationResult} JSON. */
  resultFile: string;
  /** Absolute path of a text file receiving one line per test as it finishes (tailed by the runner). */
  progressFile?: string;
  /** Controller emulator; absent when the runner was told not to start one. */
  emulator?: EmulatorInfo;
  /** Only tests whose full title matches this (mocha `grep`, plain string or /regex/). */
  grep?: string;
  /** Per-test timeout in ms (mocha `timeout`); default 20 000. */
  timeoutMs?: number;
}

/** One failed test (or a suite file that failed to load). */
export interface IntegrationFailure {
  /** Mocha full title (`describe` titles + `it` title), or `load <file>`. */
  title: string;
  /** Error message, then the stack and, for assertion errors, expected/actual. */
  error: string;
}

/** The result file written by `test/integration/index.ts`. */
export interface IntegrationResult {
  passed: number;
  failed: number;
  pending: number;
  failures: IntegrationFailure[];
  /** Wall-clock duration of the mocha run, ms. */
  durationMs: number;
}

/**
 * Reads the runner's configuration.
 * @param workspaceFolders absolute fs paths of the open workspace folders
 *   (pass `vscode.workspace.workspaceFolders?.map(f => f.uri.fsPath)`), used when
 *   env `TC_TEST_CONFIG` is not set.
 * @returns the parsed configuration; when none is found, a minimal one whose
 *   `resultFile` is `<first folder>/.tc-test/result.json` (or env
 *   `TC_TEST_RESULT_FILE` when set) and no emulator.
 * @throws Error when a config file exists but is not valid JSON.
 */
export function readIntegrationConfig(workspaceFolders: readonly string[] = []): IntegrationConfig {
  const candidates = [process.env['TC_TEST_CONFIG'], ...workspaceFolders.map((f) => path.join(f, TC_TEST_DIR, 'config.json'))].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as IntegrationConfig;
    if (process.env['TC_TEST_RESULT_FILE']) parsed.resultFile = process.env['TC_TEST_RESULT_FILE'];
    return parsed;
  }
  const workspace = workspaceFolders[0] ?? process.cwd();
  return {
    workspace,
    resultFile: process.env['TC_TEST_RESULT_FILE'] ?? path.join(workspace, TC_TEST_DIR, 'result.json'),
  };
}
