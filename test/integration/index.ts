/**
 * Entry of the integration tests (`extensionTestsPath`): VS Code's extension
 * host calls {@link run}. Bundled by `node esbuild.mjs --tests` to
 * `out/test/integration/index.js` (`vscode` and `mocha` stay external).
 *
 * Suites: every `test/integration/suite/**\/*.test.ts`. esbuild bundles all files
 * matching the template-literal `require` below (a glob import), so new suite
 * files are picked up by the next build without a list to maintain; at run
 * time the same files are listed from the source folder to know which to load.
 *
 * Result: `{ passed, failed, pending, failures: [{ title, error }], durationMs }`
 * written as JSON to `resultFile` from the runner's config (see
 * harness/config.ts); one line per finished test is appended to
 * `progressFile`. `run()` rejects when a test failed (the convention of
 * @vscode/test-electron, so the same entry works there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { readIntegrationConfig, type IntegrationConfig, type IntegrationFailure, type IntegrationResult } from './harness/config';

const SUITE_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'integration', 'suite');
const SUFFIX = '.test.ts';

/** Lists suite files (paths relative to the suite folder, `/`-separated, without `.test.ts`), sorted. */
function listSuites(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...listSuites(path.join(dir, entry.name), `${prefix}${entry.name}/`));
    else if (entry.name.endsWith(SUFFIX)) out.push(prefix + entry.name.slice(0, -SUFFIX.length));
  }
  return out.sort();
}

/** Loads one bundled suite module (esbuild turns this into a map of all matching files). */
function loadSuite(name: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(`./suite/${name}.test.ts`);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { expected?: unknown; actual?: unknown; showDiff?: boolean };
  let text = e.stack && e.stack.includes(e.message) ? e.stack : `${e.message}\n${e.stack ?? ''}`;
  if (e.showDiff !== false && ('expected' in e || 'actual' in e)) {
    const show = (v: unknown): string => (typeof v === 'string' ? v : safeJson(v));
    text += `\nexpected: ${show(e.expected)}\nactual:   ${show(e.actual)}`;
  }
  return text;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function writeResult(file: string, result: IntegrationResult): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(result, null, 2));
  fs.renameSync(tmp, file); // atomic: the runner never reads half a file
}

/**
 * Runs every bundled suite with mocha (BDD: `describe`/`it`), writes the
 * result file, and resolves; rejects when a test failed or a suite did not load.
 */
export async function run(): Promise<void> {
  const started = Date.now();
  let config: IntegrationConfig;
  try {
    config = readIntegrationConfig((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  } catch (err) {
    const fallback = path.join(process.cwd(), '.tc-test-result.json');
    writeResult(process.env['TC_TEST_RESULT_FILE'] ?? fallback, {
      passed: 0,
      failed: 1,
      pending: 0,
      failures: [{ title: 'read integration config', error: errorText(err) }],
      durationMs: 0,
    });
    throw err;
  }
  const progress = (line: string): void => {
    if (config.progressFile) fs.appendFileSync(config.progressFile, line + '\n');
  };

  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: Mocha.reporters.Base,
    timeout: config.timeoutMs ?? 20_000,
  });
  if (config.grep) mocha.grep(config.grep);

  const failures: IntegrationFailure[] = [];
  const suites = listSuites(SUITE_DIR);
  progress(`running ${suites.length} suite file(s) in VS Code ${vscode.version}`);
  for (const name of suites) {
    const file = path.join(SUITE_DIR, `${name}${SUFFIX}`);
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    try {
      loadSuite(name);
    } catch (err) {
      const hint = /not found in bundle/i.test(String(err)) ? ' (new suite file? rebuild: node esbuild.mjs --tests)' : '';
      failures.push({ title: `load ${name}${SUFFIX}${hint}`, error: errorText(err) });
      progress(`FAIL load ${name}${SUFFIX}`);
    }
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }

  let passed = 0;
  let pending = 0;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t: Mocha.Test) => {
      passed++;
      progress(`  ok   ${t.fullTitle()} (${t.duration ?? 0} ms)`);
    });
    runner.on('pending', (t: Mocha.Test) => {
      pending++;
      progress(`  skip ${t.fullTitle()}`);
    });
    runner.on('fail', (t: Mocha.Runnable, err: unknown) => {
      failures.push({ title: t.fullTitle(), error: errorText(err) });
      progress(`  FAIL ${t.fullTitle()}`);
    });
  });

  const result: IntegrationResult = {
    passed,
    failed: failures.length,
    pending,
    failures,
    durationMs: Date.now() - started,
  };
  writeResult(config.resultFile, result);
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}
