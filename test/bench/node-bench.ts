/**
 * Benchmarks that run in plain Node (no VS Code): Telegraf config insertion and
 * diagnostic scan, the API client listing 10,000 tokens, and the explorer's
 * data path (paged loading + grouping) for 10,000 tokens. Each figure is the
 * median of `--runs` runs, with its reference measured in the same run
 * (interleaved with it). Run by scripts/bench.mjs (`npm run bench`), not a test:
 *
 *   node --expose-gc --import tsx test/bench/node-bench.ts --section config|client|tree|telegraf --runs 7 --out FILE
 *
 * Writes `{ figures: BenchFigure[] }` as JSON to `--out`. Times in ms, sizes in
 * bytes. No `vscode` import.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import type * as TomlParser from 'toml-eslint-parser' with { 'resolution-mode': 'import' };
import { ControllerClient } from '../../src/core/api/client';
import type { Token } from '../../src/core/api/contract';
import { findControllerTokenLiterals, findTokenSites } from '../../src/core/config/detect';
import { planAddHeartbeat, planSetToken } from '../../src/core/config/insert';
import { parseTelegrafConfig } from '../../src/core/config/parse';
import { DEFAULT_VIEW_STATE } from '../../src/core/explorerModel';
import { queryTokens } from '../../src/core/tokenQuery';
import { loadPages } from '../../src/core/paging';
import { benchDeploy } from './deploy-bench';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml = require('toml-eslint-parser') as typeof TomlParser;

/** One measured figure with its reference (both medians of the same runs). */
export interface BenchFigure {
  /** Section: `config`, `client`, `tree`, … */
  group: string;
  /** What is measured. */
  name: string;
  /** `ms` or `bytes`. */
  unit: 'ms' | 'bytes';
  /** Median of `samples`. */
  value: number;
  samples: number[];
  /** What the reference is. */
  refName: string;
  /** Median of `refSamples`. */
  ref: number;
  refSamples: number[];
  /** `value / ref`. */
  ratio: number;
  /** The goal, when there is one (printed as met / not met, never asserted). */
  target?: { text: string; met: boolean };
  note?: string;
}

const root = path.resolve(__dirname, '../..');
const FIXTURE = path.join(root, 'test/fixtures/telegraf-configs/01-default-telegraf-full-v1.26.conf');
const FIXTURE_DIR = path.dirname(FIXTURE);

/** Median of numbers (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function now(): number {
  return performance.now();
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function figure(
  group: string,
  name: string,
  samples: number[],
  refName: string,
  refSamples: number[],
  extra: { unit?: 'ms' | 'bytes'; target?: (value: number, ratio: number) => { text: string; met: boolean }; note?: string } = {},
): BenchFigure {
  const value = median(samples);
  const ref = median(refSamples);
  const ratio = ref > 0 ? value / ref : NaN;
  return {
    group,
    name,
    unit: extra.unit ?? 'ms',
    value,
    samples,
    refName,
    ref,
    refSamples,
    ratio,
    ...(extra.target ? { target: extra.target(value, ratio) } : {}),
    ...(extra.note ? { note: extra.note } : {}),
  };
}

/**
 * Runs `fn` and `ref` `runs` times each, interleaved (order alternating per
 * run), after one discarded warm-up of each. Returns the samples in ms.
 */
async function paired(runs: number, fn: () => unknown, ref: () => unknown): Promise<{ a: number[]; b: number[] }> {
  await fn();
  await ref();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ([fn, ref] as const) : ([ref, fn] as const);
    for (const f of order) {
      gc();
      const t0 = now();
      await f();
      const ms = now() - t0;
      (f === fn ? a : b).push(ms);
    }
  }
  return { a, b };
}

// ------------------------------------------------------------------ config

const REFERENCE = '${TELEGRAF_CONTROLLER_TOKEN}';
const HEARTBEAT_URL = 'http://127.0.0.1:8000/agents/heartbeat';

/** A deterministic fake token value (never a real one). */
function fakeTokenValue(i: number): string {
  return 'tc-apiv1_' + Buffer.from(`bench-token-${i}-`.padEnd(32, 'x')).toString('base64url').slice(0, 43);
}

/**
 * Writes a 200-file workspace: the fixture configs in turn (so about 1 in 16
 * is the full 10,750-line default config), each made unique with an
 * `[[outputs.heartbeat]]` or an `[[outputs.influxdb_v2]]` holding a literal
 * token, an env reference or a secret-store reference.
 * @returns the files (absolute paths) and their total line count
 */
function writeWorkspace(dir: string, count = 200): { files: string[]; lines: number } {
  const fixtures = fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => /\.(conf|toml)$/.test(f))
    .sort();
  const files: string[] = [];
  let lines = 0;
  for (let i = 0; i < count; i++) {
    const src = fixtures[i % fixtures.length]!;
    const text = fs.readFileSync(path.join(FIXTURE_DIR, src), 'utf8');
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const token = i % 3 === 0 ? fakeTokenValue(i) : i % 3 === 1 ? REFERENCE : '@{vault:telegraf_token}';
    const extra =
      i % 2 === 0
        ? ['', '[[outputs.heartbeat]]', `  url = "${HEARTBEAT_URL}"`, `  instance_id = "agent-${i}"`, `  token = "${token}"`, '']
        : ['', '[[outputs.influxdb_v2]]', '  urls = ["http://127.0.0.1:8086"]', `  token = "${token}"`, `  organization = "org-${i}"`, ''];
    const out = text + (text.endsWith('\n') || text.length === 0 ? '' : eol) + extra.join(eol);
    const file = path.join(dir, i % 4 === 0 ? 'telegraf.d' : '', `${String(i).padStart(3, '0')}-${src.replace(/\.toml$/, '.conf')}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, out);
    files.push(file);
    lines += out.split('\n').length;
  }
  return { files, lines };
}

/** The diagnostic scan of one text: parse, token sites, literal `tc-apiv1_` values. */
function scan(text: string): number {
  const cfg = parseTelegrafConfig(text);
  return findTokenSites(cfg).length + findControllerTokenLiterals(cfg).length;
}

async function benchConfig(runs: number): Promise<BenchFigure[]> {
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const lineCount = text.split('\n').length;
  const bareParse = () => toml.parseTOML(text);
  const out: BenchFigure[] = [];

  // Sanity: the plans produce edits.
  if (planSetToken(text, { reference: REFERENCE, heartbeat: { url: HEARTBEAT_URL } }).edits.length === 0) throw new Error('planSetToken made no edit');

  const ins = await paired(runs, () => planSetToken(text, { reference: REFERENCE, heartbeat: { url: HEARTBEAT_URL } }), bareParse);
  out.push(
    figure(
      'config',
      `insertion: planSetToken (adds a heartbeat with the token), ${lineCount}-line default telegraf.conf`,
      ins.a,
      'toml-eslint-parser parse of the same text',
      ins.b,
      {
        target: (v) => ({ text: '≤ 50 ms', met: v <= 50 }),
      },
    ),
  );
  const add = await paired(runs, () => planAddHeartbeat(text, { url: HEARTBEAT_URL, token: REFERENCE }), bareParse);
  out.push(
    figure('config', `insertion: planAddHeartbeat, ${lineCount}-line default telegraf.conf`, add.a, 'toml-eslint-parser parse of the same text', add.b, {
      target: (v) => ({ text: '≤ 50 ms', met: v <= 50 }),
    }),
  );
  const sc = await paired(runs, () => scan(text), bareParse);
  out.push(
    figure(
      'config',
      `diagnostic scan (parse + token sites + literals), ${lineCount}-line default telegraf.conf`,
      sc.a,
      'toml-eslint-parser parse of the same text',
      sc.b,
    ),
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-ws-'));
  try {
    const ws = writeWorkspace(dir);
    let found = 0;
    const ours = () => {
      found = 0;
      for (const f of ws.files) found += scan(fs.readFileSync(f, 'utf8'));
    };
    const bare = () => {
      for (const f of ws.files) {
        try {
          toml.parseTOML(fs.readFileSync(f, 'utf8'));
        } catch {
          /* a few fixtures are not strict TOML (unquoted ${VAR}); the bare parser throws on them */
        }
      }
    };
    const w = await paired(runs, ours, bare);
    out.push(
      figure(
        'config',
        `diagnostic scan, generated workspace: ${ws.files.length} files, ${ws.lines} lines (read + scan)`,
        w.a,
        'read + toml-eslint-parser parse of the same files',
        w.b,
        {
          target: (v) => ({ text: '≤ 1 s', met: v <= 1000 }),
          note: `${found} token sites/literals found per scan`,
        },
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// ------------------------------------------------------------------ emulator with 10,000 tokens

interface BulkEmulator {
  url: string;
  token: string;
  total: number;
  stop(): Promise<void>;
}

/** Starts the emulator CLI in a child process (so its work is not on this event loop) with 10,000 generated tokens. */
async function startBulkEmulator(count: number): Promise<BulkEmulator> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/emulator/cli.ts'), '--port', '0', '--heartbeat-port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${err}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /API (\S+)/.exec(out);
      if (m && out.includes('READY')) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/+$/, ''));
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${err}`)));
  });
  const hook = async (p: string, body: unknown) => {
    const r = await request(`${url}/__emulator/${p}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`hook ${p}: ${r.statusCode} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const bulk = await hook('bulk-tokens', { count });
  const minted = await hook('tokens', { user: 'admin', description: 'bench' });
  return {
    url,
    token: String(minted.value),
    total: Number(bulk.total) + 1,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Bare undici: the same pages (`GET /api/tokens?page=N&limit=100`, same headers), `JSON.parse`, nothing else. */
async function bareList(url: string, token: string, dispatcher: Agent): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let page = 1; page <= 1000; page++) {
    const r = await request(`${url}/api/tokens?page=${page}&limit=100`, {
      dispatcher,
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    });
    const body = JSON.parse(await r.body.text()) as { tokens: unknown[]; total: number };
    out.push(...body.tokens);
    if (body.tokens.length < 100 || out.length >= body.total) break;
  }
  return out;
}

async function benchClient(runs: number): Promise<BenchFigure[]> {
  const emu = await startBulkEmulator(10_000);
  const dispatcher = new Agent();
  const client = new ControllerClient({ baseUrl: emu.url, credential: { kind: 'token', token: emu.token } });
  try {
    let n1 = 0;
    let n2 = 0;
    const r = await paired(
      runs,
      async () => (n1 = (await client.listAllTokens()).length),
      async () => (n2 = (await bareList(emu.url, emu.token, dispatcher)).length),
    );
    if (n1 !== n2 || n1 < 10_000) throw new Error(`listed ${n1} vs ${n2} tokens`);
    return [
      figure(
        'client',
        `API client: listAllTokens(), ${n1} tokens (${Math.ceil(n1 / 100)} pages of 100, zod-validated)`,
        r.a,
        'bare undici request + JSON.parse of the same pages',
        r.b,
        {
          target: (_v, ratio) => ({ text: '≤ 1.3× bare undici', met: ratio <= 1.3 }),
          note: 'emulator in a child process on 127.0.0.1',
        },
      ),
    ];
  } finally {
    await client.close();
    await dispatcher.close();
    await emu.stop();
  }
}

// ------------------------------------------------------------------ tree data path (core)

async function benchTree(runs: number): Promise<BenchFigure[]> {
  const emu = await startBulkEmulator(10_000);
  const client = new ControllerClient({ baseUrl: emu.url, credential: { kind: 'token', token: emu.token } });
  const dispatcher = new Agent();
  try {
    const first: number[] = [];
    const firstRef: number[] = [];
    const all: number[] = [];
    const allRef: number[] = [];
    const heap: number[] = [];
    const heapRef: number[] = [];
    /** Peak heapUsed growth (bytes) while `fn` runs, sampled every 2 ms. */
    const withHeap = async <T>(fn: () => Promise<T>): Promise<{ result: T; peak: number }> => {
      gc();
      const base = process.memoryUsage().heapUsed;
      let peak = base;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
      try {
        const result = await fn();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        return { result, peak: peak - base };
      } finally {
        clearInterval(timer);
      }
    };
    const explorer = async () => {
      const t0 = now();
      let tFirst = 0;
      const tokens = await loadPages<Token>(
        (page, signal) => client.listTokens({ page, limit: 100 }, signal).then((r) => ({ items: r.tokens, total: r.total })),
        {
          limit: 100,
          concurrency: 4,
          key: (t) => t.id,
          onPage: () => {
            if (!tFirst) tFirst = now() - t0;
          },
        },
      );
      const q = queryTokens(tokens, { ...DEFAULT_VIEW_STATE, groupBy: 'status' }, Date.now());
      return { tFirst, tAll: now() - t0, count: tokens.length, q };
    };
    const reference = async () => {
      const t0 = now();
      const r = await request(`${emu.url}/api/tokens?page=1&limit=100`, {
        dispatcher,
        headers: { accept: 'application/json', authorization: `Bearer ${emu.token}` },
      });
      JSON.parse(await r.body.text());
      const tFirst = now() - t0;
      const list = await bareList(emu.url, emu.token, dispatcher);
      return { tFirst, tAll: now() - t0, count: list.length, list };
    };
    await explorer();
    await reference();
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? (['e', 'r'] as const) : (['r', 'e'] as const);
      for (const which of order) {
        if (which === 'e') {
          const { result, peak } = await withHeap(explorer);
          first.push(result.tFirst);
          all.push(result.tAll);
          heap.push(peak);
        } else {
          const { result, peak } = await withHeap(reference);
          firstRef.push(result.tFirst);
          allRef.push(result.tAll);
          heapRef.push(peak);
        }
      }
    }
    const note =
      'core data path of the explorer (src/core/paging loadPages, 4 pages at a time, + explorerModel queryTokens grouped by status) in Node; the VS Code TokenStore/tree figures come from the extension host';
    return [
      figure('tree (node)', 'first page of 100 tokens (client + loadPages)', first, 'bare undici request + JSON.parse of page 1', firstRef, { note }),
      figure('tree (node)', 'all 10,000+ tokens loaded and grouped by status', all, 'bare undici + JSON.parse of every page, sequential', allRef),
      figure('tree (node)', 'peak heap growth while loading all tokens', heap, 'same for the bare undici listing', heapRef, { unit: 'bytes' }),
    ];
  } finally {
    await client.close();
    await dispatcher.close();
    await emu.stop();
  }
}

// ------------------------------------------------------------------ telegraf

/**
 * The real Telegraf's own check of the 10,750-line default config
 * (`telegraf config check`, a process per run: what a user or our "Check
 * Config with Telegraf" pays) vs our diagnostic scan of the same text, and vs
 * `telegraf --version` (the process start alone). Needs the binary
 * scripts/build-telegraf.sh builds (`.telegraf/v1.40.1/telegraf`).
 */
async function benchTelegraf(runs: number): Promise<BenchFigure[]> {
  const bin = path.join(root, '.telegraf', 'v1.40.1', 'telegraf');
  if (!fs.existsSync(bin)) throw new Error(`${path.relative(root, bin)} is missing: run bash scripts/build-telegraf.sh`);
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const lineCount = text.split('\n').length;
  const { spawnSync } = await import('node:child_process');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() };
  const check = () => {
    const r = spawnSync(bin, ['config', 'check', '--config', FIXTURE], { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`telegraf config check exited ${String(r.status)}`);
  };
  const version = () => {
    const r = spawnSync(bin, ['--version'], { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`telegraf --version exited ${String(r.status)}`);
  };
  const vsScan = await paired(runs, check, () => scan(text));
  const vsStart = await paired(runs, check, version);
  const note = 'Telegraf v1.40.1 built by scripts/build-telegraf.sh (custom-build tags); a new process per run, as a user or an editor command runs it';
  return [
    figure(
      'telegraf',
      `telegraf config check, ${lineCount}-line default telegraf.conf`,
      vsScan.a,
      'our diagnostic scan of the same text (parse + token sites + literals)',
      vsScan.b,
      { note },
    ),
    figure('telegraf', 'telegraf config check, same file', vsStart.a, 'telegraf --version (process start alone)', vsStart.b),
  ];
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { section: { type: 'string' }, runs: { type: 'string', default: '7' }, out: { type: 'string' } } });
  const runs = Math.max(1, Number(values.runs));
  const sections: Record<string, (runs: number) => Promise<BenchFigure[]>> = {
    config: benchConfig,
    client: benchClient,
    tree: benchTree,
    telegraf: benchTelegraf,
    // The deployment-file workspace scan (test/bench/deploy-bench.ts), loaded when asked for.
    deploy: benchDeploy,
  };
  const fn = sections[values.section ?? ''];
  if (!fn) throw new Error(`--section must be one of ${Object.keys(sections).join(', ')}`);
  const figures = await fn(runs);
  const json = JSON.stringify({ figures }, null, 2);
  if (values.out) fs.writeFileSync(values.out, json);
  else process.stdout.write(json + '\n');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
