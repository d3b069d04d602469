/**
 * Helpers for the mocha suites in `test/integration/suite/**` (they run inside
 * VS Code's extension host, started by `scripts/run-integration.mjs`).
 *
 * ```ts
 * import { activateExtension, emulator, waitUntil } from '../harness';
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readIntegrationConfig, type EmulatorInfo, type IntegrationConfig } from './config';

export * from './config';

/**
 * Root of the extension under test: the bundle lives in `out/test/integration/`,
 * so the root is three folders up (the folder passed as extensionDevelopmentPath).
 */
export const EXTENSION_ROOT = path.resolve(__dirname, '..', '..', '..');

let cached: IntegrationConfig | undefined;

/**
 * The runner's configuration (read once from `TC_TEST_CONFIG` or
 * `<workspace>/.tc-test/config.json`).
 * @throws Error when the config file is not valid JSON.
 */
export function testConfig(): IntegrationConfig {
  cached ??= readIntegrationConfig((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  return cached;
}

/**
 * The controller emulator started for this run: base URLs, optional CA PEM and
 * the seed's admin sign-in.
 * @throws Error when the runner started no emulator.
 */
export function emulator(): EmulatorInfo {
  const e = testConfig().emulator;
  if (!e) throw new Error('The integration runner started no emulator (see scripts/run-integration.mjs).');
  return e;
}

/** Absolute path of the workspace folder opened for this run. */
export function workspaceFolder(): string {
  return testConfig().workspace;
}

/**
 * The extension under test (`publisher.name` from its package.json).
 * @throws Error when VS Code has not loaded it.
 */
export function extensionUnderTest<T = unknown>(): vscode.Extension<T> {
  const pkg = JSON.parse(fs.readFileSync(path.join(EXTENSION_ROOT, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
  };
  const id = `${pkg.publisher}.${pkg.name}`;
  const ext = vscode.extensions.getExtension<T>(id);
  if (!ext) throw new Error(`Extension ${id} is not loaded in this window.`);
  return ext;
}

/**
 * Activates the extension under test (no-op when already active).
 * @returns whatever its `activate()` returned.
 */
export async function activateExtension<T = unknown>(): Promise<T> {
  const ext = extensionUnderTest<T>();
  return ext.isActive ? ext.exports : await ext.activate();
}

/**
 * Polls `check` until it returns a truthy value. This is a liveness deadline
 * (something must eventually happen), not a speed assertion.
 * @param check called every `intervalMs` (default 100 ms); exceptions count as "not yet".
 * @param opts.timeoutMs deadline in ms (default 10 000)
 * @param opts.what describes the awaited condition in the error message
 * @returns the truthy value
 * @throws Error `Timed out after N ms waiting for <what>` (with the last exception, if any)
 */
export async function waitUntil<T>(check: () => T | Promise<T>, opts: { what: string; timeoutMs?: number; intervalMs?: number }): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${opts.what}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/**
 * Sets user (Global) settings and returns a function restoring the previous
 * values. Keys are full setting ids, e.g. `telegrafController.url`.
 */
export async function setSettings(values: Record<string, unknown>): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration();
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    previous[key] = config.inspect(key)?.globalValue;
    await config.update(key, value, vscode.ConfigurationTarget.Global);
  }
  return async () => {
    const c = vscode.workspace.getConfiguration();
    for (const [key, value] of Object.entries(previous)) {
      await c.update(key, value, vscode.ConfigurationTarget.Global);
    }
  };
}
