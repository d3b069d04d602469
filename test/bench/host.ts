/**
 * Extension-host side of the benchmarks (scripts/bench.mjs, `npm run bench`;
 * not a test). Bundled by bench.mjs to `out/test/bench/host.js` and run as
 * `extensionTestsPath` inside code-server's extension host; VS Code calls
 * {@link run}. Configuration: the JSON file named by `TC_BENCH_CONFIG`:
 *
 * - `{ mode: 'activate', resultFile, warmupId, ids }`: activates the warm-up
 *   extension, then each of `ids` in that order, timing `ext.activate()`
 *   (module load + `activate()`), in ms; with `holdFile`, waits for that file
 *   before returning (the window stays open for the runner to read VS Code's
 *   Running Extensions view).
 * - `{ mode: 'load', resultFile, ids }`: `require()`s each extension's main
 *   module without activating it (code loading alone), in ms; `vscodeApi`
 *   is the part of it spent in the first `require('vscode')` from that
 *   extension's folder (VS Code building its API object for the extension).
 * - `{ mode: 'tree', resultFile, url, token, runs }`: the extension under test
 *   runs from its development path (test mode, so `activate()` returns its
 *   TestApi); signs in with `token`, then `runs` times: clears the token list
 *   and reloads it through the real `TokenStore` (time to the first page
 *   published, to all tokens, then `getChildren()` of the tree's first two
 *   levels) and, as reference, lists the same tokens with the connection's
 *   `ControllerClient.listAllTokens()`; peak heap growth of both.
 *
 * Writes `{ mode, ..., error? }` to `resultFile`. Times in ms, heap in bytes.
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';

interface LoadConfig {
  mode: 'load';
  resultFile: string;
  ids: string[];
}
interface ActivateConfig {
  mode: 'activate';
  resultFile: string;
  /** When set, run() returns only once this file exists (the window stays up, e.g. to read Running Extensions). */
  holdFile?: string;
  warmupId: string;
  ids: string[];
}
interface TreeConfig {
  mode: 'tree';
  resultFile: string;
  extensionId: string;
  url: string;
  token: string;
  runs: number;
}
type BenchConfig = ActivateConfig | TreeConfig | LoadConfig;

/** One tree run: times in ms, heap growth in bytes. */
export interface TreeSample {
  firstPageMs: number;
  allMs: number;
  count: number;
  childrenMs: number;
  rootItems: number;
  heapBytes: number;
  refFirstPageMs: number;
  refAllMs: number;
  refHeapBytes: number;
}

function writeResult(file: string, result: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(result, null, 2));
  fs.renameSync(tmp, file);
}

/** `gc()` in the extension host (no --expose-gc there: enable it and take the function from a fresh context). */
function gcFunction(): () => void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    /* fall through */
  }
  return () => undefined;
}
const gc = gcFunction();

/**
 * With `TCT_BENCH_PROFILE_DIR` set, a CPU profile of the extension host
 * (in-process inspector session, 50 µs sampling) around one activation,
 * written to `<dir>/activate-<id>-<time>.cpuprofile` for Chrome DevTools.
 * Otherwise a no-op.
 */
async function startProfile(): Promise<(id: string) => Promise<void>> {
  const dir = process.env.TCT_BENCH_PROFILE_DIR;
  if (!dir) return async () => undefined;
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 50 });
  await post('Profiler.start');
  return async (id) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    fs.writeFileSync(path.join(dir, `activate-${id}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
  };
}

async function measureActivate(c: ActivateConfig): Promise<Record<string, number>> {
  const get = (id: string) => {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) throw new Error(`extension ${id} is not installed`);
    if (ext.isActive) throw new Error(`extension ${id} is already active: the measurement would be wrong (check its activation events and the workspace)`);
    return ext;
  };
  await get(c.warmupId).activate();
  const out: Record<string, number> = {};
  for (const id of c.ids) {
    const ext = get(id);
    gc();
    const stopProfile = await startProfile();
    const t0 = performance.now();
    await ext.activate();
    out[id] = performance.now() - t0;
    await stopProfile(id);
  }
  return out;
}

/**
 * Code loading only: `require()` of each extension's main module (compile +
 * top-level evaluation; `vscode` resolves through VS Code's own module
 * interceptor as for the extension itself), without activating it, in ms.
 */
function measureLoad(c: LoadConfig): { load: Record<string, number>; vscodeApi: Record<string, number> } {
  const out: Record<string, number> = {};
  const api: Record<string, number> = {};
  for (const id of c.ids) {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) throw new Error(`extension ${id} is not installed`);
    if (ext.isActive) throw new Error(`extension ${id} is already active`);
    const main = path.join(ext.extensionPath, String((ext.packageJSON as { main?: string }).main ?? 'extension.js'));
    gc();
    const t0 = performance.now();
    // What any extension that uses the API pays first: VS Code builds the
    // `vscode` API object for the extension that requires it.
    createRequire(main)('vscode');
    const t1 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(main);
    out[id] = performance.now() - t0;
    api[id] = t1 - t0;
  }
  return { load: out, vscodeApi: api };
}

/** Peak `heapUsed` growth (bytes) while `fn` runs, sampled every 5 ms. */
async function withHeap<T>(fn: () => Promise<T>): Promise<{ result: T; heap: number }> {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, heap: peak - base };
  } finally {
    clearInterval(timer);
  }
}

interface StoreLike {
  readonly onDidChange: vscode.Event<void>;
  readonly snapshot: { loading: boolean; tokens: readonly unknown[]; progress?: { total: number } };
  clear(): void;
  refresh(): Promise<void>;
}
interface ConnectionLike {
  signInWith(url: string, credential: { kind: 'token'; token: string }): Promise<unknown>;
  api(): { listTokens(q: { page: number; limit: number }): Promise<unknown>; listAllTokens(): Promise<unknown[]> };
}
interface TreeLike {
  getChildren(element?: unknown): vscode.ProviderResult<unknown[]>;
}

async function measureTree(c: TreeConfig): Promise<TreeSample[]> {
  const ext = vscode.extensions.getExtension(c.extensionId);
  if (!ext) throw new Error(`extension ${c.extensionId} is not loaded`);
  const api = (await ext.activate()) as { store?: StoreLike; connection?: ConnectionLike; treeProvider?: TreeLike } | undefined;
  if (!api?.store || !api.connection || !api.treeProvider) {
    throw new Error(
      'activate() did not return the TestApi with store, connection and treeProvider (is the extension running from its development path in test mode?)',
    );
  }
  const { store, connection, treeProvider } = api;
  await connection.signInWith(c.url, { kind: 'token', token: c.token });
  await store.refresh(); // joins the load the sign-in started; warms up
  const expected = store.snapshot.tokens.length;
  if (expected < 10_000) throw new Error(`only ${expected} tokens listed after sign-in`);

  const children = async (): Promise<{ ms: number; root: number }> => {
    const t0 = performance.now();
    const root = ((await treeProvider.getChildren()) ?? []) as unknown[];
    for (const n of root.slice(0, 5)) {
      const kids = ((await treeProvider.getChildren(n)) ?? []) as unknown[];
      for (const k of kids.slice(0, 5)) await treeProvider.getChildren(k);
    }
    return { ms: performance.now() - t0, root: root.length };
  };

  const samples: TreeSample[] = [];
  for (let i = 0; i < c.runs; i++) {
    store.clear();
    await new Promise((r) => setTimeout(r, 200));
    const tree = await withHeap(async () => {
      let first = 0;
      const t0 = performance.now();
      const sub = store.onDidChange(() => {
        if (!first && store.snapshot.tokens.length > 0) first = performance.now() - t0;
      });
      try {
        await store.refresh();
      } finally {
        sub.dispose();
      }
      const all = performance.now() - t0;
      const ch = await children();
      return { first, all, count: store.snapshot.tokens.length, ch };
    });
    await new Promise((r) => setTimeout(r, 200));
    const ref = await withHeap(async () => {
      const client = connection.api();
      const t0 = performance.now();
      await client.listTokens({ page: 1, limit: 100 });
      const first = performance.now() - t0;
      const t1 = performance.now();
      const list = await client.listAllTokens();
      return { first, all: performance.now() - t1, count: list.length };
    });
    if (tree.result.count !== expected) throw new Error(`run ${i + 1}: the store holds ${tree.result.count} tokens, expected ${expected}`);
    samples.push({
      firstPageMs: tree.result.first,
      allMs: tree.result.all,
      count: tree.result.count,
      childrenMs: tree.result.ch.ms,
      rootItems: tree.result.ch.root,
      heapBytes: tree.heap,
      refFirstPageMs: ref.result.first,
      refAllMs: ref.result.all,
      refHeapBytes: ref.heap,
    });
  }
  return samples;
}

/** Entry called by VS Code (extensionTestsPath). Never rejects: errors go to the result file. */
export async function run(): Promise<void> {
  const configFile = process.env.TC_BENCH_CONFIG;
  if (!configFile) throw new Error('TC_BENCH_CONFIG is not set');
  const c = JSON.parse(fs.readFileSync(configFile, 'utf8')) as BenchConfig;
  try {
    if (c.mode === 'load') {
      writeResult(c.resultFile, { mode: c.mode, ...measureLoad(c) });
    } else if (c.mode === 'activate') {
      writeResult(c.resultFile, { mode: c.mode, activate: await measureActivate(c) });
      const deadline = Date.now() + 120_000;
      while (c.holdFile && !fs.existsSync(c.holdFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } else writeResult(c.resultFile, { mode: c.mode, tree: await measureTree(c) });
  } catch (e) {
    writeResult(c.resultFile, { mode: c.mode, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}
