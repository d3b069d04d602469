/**
 * A real Telegraf agent for tests: started on a config file or a config URL
 * with a bounded run (stopped by the test, killed after `maxRunMs`), its own
 * log collected, and conditions waited on (never fixed sleeps).
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Options of `startAgent`. */
export interface AgentOptions {
  /** `--config` values: file paths or URLs. */
  configs: string[];
  /** Environment of the agent (PATH and HOME are added). Nothing else of the test's environment leaks in. */
  env?: Record<string, string>;
  /** Extra arguments, e.g. `['--config-url-watch-interval', '1s']`. */
  args?: string[];
  /** Runs the agent through `sh` after sourcing this env file with `set -a` (how a systemd `EnvironmentFile` / `.env` reaches it). */
  envFile?: string;
  /** Hard bound of the run, ms (default 90 s): the agent is killed then. */
  maxRunMs?: number;
  cwd?: string;
}

/** A running agent. */
export interface Agent {
  readonly process: ChildProcess;
  /** Everything it logged so far (stderr and stdout). */
  log(): string;
  /** Resolves when the log matches `re` (searched from `from`, an offset into `log()`); rejects after `timeoutMs` with the log tail. */
  waitForLog(re: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it exited. */
  stop(): Promise<void>;
  readonly exited: boolean;
}

/** Polls `cond` every 100 ms until it returns a truthy value; rejects after `timeoutMs` with `what()`. */
export async function waitFor<T>(cond: () => T | undefined | false | Promise<T | undefined | false>, what: () => string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const running = new Set<Agent>();

/** Stops every agent still running (for `after` hooks). */
export async function stopAllAgents(): Promise<void> {
  await Promise.all([...running].map((a) => a.stop()));
}

/** Starts `bin` as an agent. */
export function startAgent(bin: string, opts: AgentOptions): Agent {
  const args = [...opts.configs.flatMap((c) => ['--config', c]), ...(opts.args ?? [])];
  const env = { ...(opts.env ?? {}), PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  const child = opts.envFile
    ? spawn('sh', ['-c', 'set -a; . "$1"; set +a; shift; exec "$@"', 'agent', opts.envFile, bin, ...args], {
        env,
        cwd: opts.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(bin, args, { env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      for (const l of listeners) l();
      resolve();
    });
    child.once('error', (e) => {
      out += `\n[spawn error] ${e.message}\n`;
      exited = true;
      resolve();
    });
  });
  const bound = setTimeout(() => child.kill('SIGKILL'), opts.maxRunMs ?? 90_000);
  bound.unref();
  const agent: Agent = {
    process: child,
    log: () => out,
    get exited() {
      return exited;
    },
    waitForLog(re, timeoutMs = 30_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.slice(from).match(re);
          if (m) {
            done();
            resolve(m);
          } else if (exited) {
            done();
            reject(new Error(`agent exited before its log matched ${re}:\n${out.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`agent log did not match ${re} within ${timeoutMs} ms:\n${out.slice(-3000)}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      running.delete(agent);
      clearTimeout(bound);
      if (!exited) {
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(kill);
      }
    },
  };
  running.add(agent);
  return agent;
}
