/**
 * Generated bulk data for the controller emulator: thousands of tokens for
 * explorer tests and benchmarks. Deterministic for
 * a given count and `seed`: descriptions, owners, presets, creation times,
 * expiries (some expired, some expiring within days, many never) and
 * revocations vary with the index. Values are random and never returned.
 *
 * Use:
 * - `startEmulator({ seed: bulkSeed(10_000) })` (the demo users + 10,000 tokens);
 * - CLI `--seed bulk-10k` (or `bulk:N`);
 * - hook `POST /__emulator/bulk-tokens { count, users?, seed? }` on a running emulator.
 *
 * No `vscode` import.
 */
import type { Seed } from './seed';
import demo from './seeds/demo.json';

/** Options of {@link bulkTokenSpecs}. */
export interface BulkOptions {
  /** User names the tokens are spread over, round robin (default: the demo seed's non-viewer users). */
  users?: readonly string[];
  /** Varies the generated data (default 1). */
  seed?: number;
}

/** One generated token (seed-token shape: relative times in days, preset or permissions). */
export interface BulkTokenSpec {
  id: string;
  description: string;
  username: string;
  preset: 'telegraf-agent' | 'read-only' | 'full';
  createdDaysAgo: number;
  expiresInDays?: number;
  expiresAt?: null;
  revoked?: boolean;
  revokedDaysAgo?: number;
}

const HOSTS = ['web', 'db', 'edge', 'cache', 'queue', 'lab', 'build', 'proxy', 'metrics', 'api'];
const ENVS = ['prod', 'staging', 'dev', 'qa'];

/** A small deterministic PRNG (mulberry32) so a count always yields the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The non-viewer users of the demo seed (they may hold tokens with permissions). */
export const BULK_DEFAULT_USERS: readonly string[] = demo.users.filter((u) => u.role !== 'viewer').map((u) => u.username);

/**
 * `count` generated token specs (ids `tok-bulk-<seed>-<n>`). Mix, by design: about
 * 1 in 12 revoked, 1 in 15 expired, 1 in 10 expiring within 7 days, 1 in 3
 * never expiring, the rest expiring in 8–365 days.
 */
export function bulkTokenSpecs(count: number, opts: BulkOptions = {}): BulkTokenSpec[] {
  const users = opts.users && opts.users.length ? opts.users : BULK_DEFAULT_USERS;
  const seed = opts.seed ?? 1;
  const r = rng(seed);
  const out: BulkTokenSpec[] = [];
  for (let i = 0; i < count; i++) {
    const env = ENVS[Math.floor(r() * ENVS.length)]!;
    const host = HOSTS[Math.floor(r() * HOSTS.length)]!;
    const preset = r() < 0.7 ? 'telegraf-agent' : r() < 0.6 ? 'read-only' : 'full';
    const created = Math.round(r() * 400 * 100) / 100;
    const spec: BulkTokenSpec = {
      id: `tok-bulk-${seed}-${i + 1}`,
      description: `${preset === 'telegraf-agent' ? 'Telegraf agent' : preset === 'read-only' ? 'Dashboard' : 'Automation'} - ${env}-${host}-${String(i + 1).padStart(5, '0')}`,
      username: users[i % users.length]!,
      preset,
      createdDaysAgo: created,
    };
    const kind = r();
    if (kind < 1 / 12) {
      spec.revoked = true;
      spec.revokedDaysAgo = Math.round(r() * created * 100) / 100;
      spec.expiresAt = null;
    } else if (kind < 1 / 12 + 1 / 15) spec.expiresInDays = -Math.round((0.5 + r() * 30) * 100) / 100;
    else if (kind < 1 / 12 + 1 / 15 + 1 / 10) spec.expiresInDays = Math.round((0.2 + r() * 6.5) * 100) / 100;
    else if (kind < 1 / 12 + 1 / 15 + 1 / 10 + 1 / 3) spec.expiresAt = null;
    else spec.expiresInDays = Math.round((8 + r() * 357) * 100) / 100;
    out.push(spec);
  }
  return out;
}

/** The demo seed (users, configs, its 16 tokens) plus `count` generated tokens. */
export function bulkSeed(count: number, opts: BulkOptions = {}): Seed {
  return { ...(demo as Seed), tokens: [...((demo as Seed).tokens ?? []), ...bulkTokenSpecs(count, opts)] };
}

/**
 * Resolves a seed name of the CLI: `bulk-10k` → 10,000, `bulk:N` → N tokens;
 * undefined for anything else (a file path).
 */
export function bulkCountFromName(name: string): number | undefined {
  const m = /^bulk(?:-(\d+)k|:(\d+))$/i.exec(name.trim());
  if (!m) return undefined;
  return m[1] ? Number(m[1]) * 1000 : Number(m[2]);
}
