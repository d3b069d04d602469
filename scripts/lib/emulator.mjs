// Starts the controller emulator (test/emulator/server.ts, TypeScript loaded
// with tsx) inside the calling process and registers its shutdown with the
// shared cleanup.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { onCleanup } from './cleanup.mjs';
import { importTs } from './tsx.mjs';

/** Sign-in used when the seed names none (the demo seed's admin). */
export const DEFAULT_CREDENTIALS = Object.freeze({ username: 'admin', password: 'admin-password' });

/**
 * Seed file for a run: `name` under test/emulator/seeds (first that exists).
 * @param {string} root project root
 * @param {string[]} names e.g. ['test.json', 'demo.json']
 * @returns {string | undefined} absolute path
 */
export function findSeed(root, names) {
  for (const n of names) {
    const p = path.isAbsolute(n) ? n : path.join(root, 'test/emulator/seeds', n);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The Owner/Administrator sign-in in a seed file (`users: [{ username,
 * password, role }]`), preferring `admin`; DEFAULT_CREDENTIALS when the seed has
 * none readable.
 * @param {string | undefined} seedFile
 * @returns {{ username: string, password: string }}
 */
export function seedCredentials(seedFile) {
  try {
    const seed = JSON.parse(readFileSync(/** @type {string} */ (seedFile), 'utf8'));
    const users = Array.isArray(seed?.users) ? seed.users : [];
    const withPw = users.filter((u) => u && typeof u.username === 'string' && typeof u.password === 'string');
    const pick = withPw.find((u) => u.username === 'admin') ?? withPw.find((u) => u.role === 'owner' || u.role === 'administrator') ?? withPw[0];
    if (pick) return { username: pick.username, password: pick.password };
  } catch {
    /* fall through */
  }
  return { ...DEFAULT_CREDENTIALS };
}

/**
 * @typedef {object} RunningEmulator
 * @property {string} url           API base URL (`http://127.0.0.1:PORT`)
 * @property {string} heartbeatUrl  full heartbeat URL (`http://127.0.0.1:PORT/agents/heartbeat`)
 * @property {string} [ca]          CA PEM when started with TLS
 * @property {number} port
 * @property {number} heartbeatPort
 * @property {string | undefined} seedFile
 * @property {string} username      seed admin sign-in
 * @property {string} password
 * @property {any} server           the Emulator startEmulator() returned (`state`, `faults`, …)
 * @property {() => Promise<void>} close
 */

/**
 * Starts the emulator (test/emulator/server.ts `startEmulator`) in this process.
 * @param {{ root: string, port?: number, heartbeatPort?: number, host?: string, seedFile?: string, tls?: boolean }} opts
 *   ports default to 0 (free ones); host defaults to 127.0.0.1; no seedFile = the emulator's demo seed
 * @returns {Promise<RunningEmulator>}
 * @throws {Error} when test/emulator/server.ts is missing, the seed is invalid, or a port is taken
 */
export async function startEmulatorInProcess({ root, port = 0, heartbeatPort = 0, host, seedFile, tls = false }) {
  const serverTs = path.join(root, 'test/emulator/server.ts');
  if (!existsSync(serverTs)) throw new Error(`The emulator is missing: ${serverTs}`);
  const mod = await importTs(serverTs);
  if (typeof mod.startEmulator !== 'function') throw new Error(`${serverTs} does not export startEmulator()`);
  /** @type {Record<string, unknown>} */
  const options = { port, heartbeatPort };
  if (host) options.host = host;
  if (seedFile) {
    const seedTs = path.join(root, 'test/emulator/seed.ts');
    const seedMod = existsSync(seedTs) ? await importTs(seedTs) : {};
    options.seed = typeof seedMod.loadSeedFile === 'function' ? seedMod.loadSeedFile(seedFile) : JSON.parse(readFileSync(seedFile, 'utf8'));
  }
  if (tls) options.tls = true;
  const server = await mod.startEmulator(options);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    un();
    await server.close();
  };
  const un = onCleanup('emulator', close);
  const creds = seedCredentials(seedFile ?? path.join(root, 'test/emulator/seeds/demo.json'));
  return {
    url: String(server.url).replace(/\/+$/, ''),
    heartbeatUrl: String(server.heartbeatUrl),
    ca: server.ca,
    port: Number(new URL(server.url).port),
    heartbeatPort: Number(new URL(server.heartbeatUrl).port),
    seedFile,
    ...creds,
    server,
    close,
  };
}
