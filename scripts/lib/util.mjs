// Small helpers shared by the orchestration scripts (no dependencies).
import net from 'node:net';
import { existsSync, mkdtempSync, cpSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';

/** Absolute path of this repository (the folder holding package.json). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The project the scripts act on: `TC_PROJECT_ROOT` if set (used to exercise the
 * harness on a throwaway extension), else this repository.
 * @returns {string} absolute path
 */
export function projectRoot() {
  return path.resolve(process.env.TC_PROJECT_ROOT || REPO_ROOT);
}

/**
 * Parses `--name value`, `--name=value` and `--flag` arguments.
 * @param {string[]} argv
 * @returns {{ flags: Record<string, string | true>, positional: string[] }}
 */
export function parseArgs(argv) {
  /** @type {Record<string, string | true>} */
  const flags = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = /** @type {string} */ (argv[i]);
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('--')) {
          flags[a.slice(2)] = next;
          i++;
        } else {
          flags[a.slice(2)] = true;
        }
      }
    } else {
      positional.push(a);
    }
  }
  return { flags, positional };
}

/**
 * Whether a TCP port can be bound on `host` right now.
 * @param {number} port
 * @param {string} [host]
 * @returns {Promise<boolean>}
 */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A port the OS reports free on `host` (bind to 0, read, release). If
 * `preferred` is given and free, it is returned instead.
 * @param {string} [host]
 * @param {number} [preferred]
 * @returns {Promise<number>}
 */
export async function findFreePort(host = '127.0.0.1', preferred) {
  if (preferred && (await isPortFree(preferred, host))) return preferred;
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` every `intervalMs` until it returns a truthy value or the
 * deadline passes.
 * @template T
 * @param {() => (T | Promise<T>)} check
 * @param {{ timeoutMs: number, intervalMs?: number, what: string }} opts
 * @returns {Promise<T>} the truthy value
 * @throws {Error} `Timed out after N ms waiting for <what>`
 */
export async function waitFor(check, { timeoutMs, intervalMs = 250, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value;
    try {
      value = await check();
    } catch {
      value = undefined;
    }
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Creates a fresh temp dir `<os tmp>/<prefix>XXXXXX`.
 * @param {string} prefix
 * @returns {string}
 */
export function makeTempDir(prefix) {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Creates the workspace folder a run opens: a copy of `fixture` if that folder
 * exists, else an empty folder (plus `files`, relative path -> content, written
 * when the fixture is missing).
 * @param {{ dir: string, fixture?: string, fallbackFiles?: Record<string, string> }} opts
 * @returns {string} the workspace path
 */
export function prepareWorkspace({ dir, fixture, fallbackFiles = {} }) {
  mkdirSync(dir, { recursive: true });
  if (fixture && existsSync(fixture)) {
    cpSync(fixture, dir, { recursive: true });
  } else {
    for (const [rel, content] of Object.entries(fallbackFiles)) {
      const file = path.join(dir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  return dir;
}

/**
 * Runs a command, inheriting stdio (or capturing it with `capture`).
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, capture?: boolean }} [opts]
 * @returns {Promise<{ code: number, stdout: string }>}
 */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : ['ignore', 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout }));
  });
}

/**
 * Reads a JSON file, or returns `undefined` when it is missing or unparsable.
 * @param {string} file
 * @returns {any}
 */
export function readJsonIfPresent(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Formats milliseconds as `12.3 s`.
 * @param {number} ms
 */
export function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
