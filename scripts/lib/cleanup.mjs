// Process-lifetime cleanup for the orchestration scripts: every resource that
// must not outlive the script (code-server, Chromium, the emulator, temp dirs)
// registers a stop function here. They run in reverse order on normal
// completion (`runCleanups()`), on SIGINT/SIGTERM/SIGHUP (then the process exits
// with 128+signal), and — for the synchronous part (killing process groups) —
// on any `process.exit`.

/** @type {{ name: string, fn: () => (void | Promise<void>) }[]} */
const cleanups = [];
/** @type {Set<() => void>} */
const syncKillers = new Set();
let running = null;
let installed = false;

/**
 * Registers an async stop function. Returns a function that unregisters it
 * (call it after stopping the resource yourself).
 * @param {string} name  shown when the stop function throws
 * @param {() => (void | Promise<void>)} fn
 * @returns {() => void}
 */
export function onCleanup(name, fn) {
  installSignalHandlers();
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/**
 * Registers a synchronous last-resort killer, run from `process.on('exit')`
 * (e.g. SIGKILL a process group). Returns an unregister function.
 * @param {() => void} fn
 * @returns {() => void}
 */
export function onExitSync(fn) {
  installSignalHandlers();
  syncKillers.add(fn);
  return () => syncKillers.delete(fn);
}

/**
 * Runs every registered cleanup once, newest first; errors are printed, not
 * thrown. Concurrent calls share one run.
 * @returns {Promise<void>}
 */
export function runCleanups() {
  if (!running) {
    running = (async () => {
      while (cleanups.length) {
        const { name, fn } = /** @type {{name: string, fn: () => any}} */ (cleanups.pop());
        try {
          await fn();
        } catch (err) {
          console.error(`cleanup "${name}" failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })().finally(() => {
      running = null;
    });
  }
  return running;
}

function installSignalHandlers() {
  if (installed) return;
  installed = true;
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [sig, code] of Object.entries(codes)) {
    process.on(sig, () => {
      if (process.exitCode === code) {
        // Second signal while cleaning up: give up politely.
        process.exit(code);
      }
      process.exitCode = code;
      console.error(`\n${sig} received: stopping…`);
      const hardStop = setTimeout(() => process.exit(code), 15_000);
      hardStop.unref();
      runCleanups().finally(() => process.exit(code));
    });
  }
  process.on('exit', () => {
    for (const fn of syncKillers) {
      try {
        fn();
      } catch {
        /* best effort */
      }
    }
  });
}

/**
 * Kills a process group (the child was spawned with `detached: true`, so its
 * pid is the group id): SIGTERM, wait up to `graceMs` for every member to be
 * gone, then SIGKILL.
 * @param {number} pgid
 * @param {number} [graceMs]
 * @returns {Promise<void>}
 */
export async function killProcessGroup(pgid, graceMs = 5000) {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pgid)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
    const hard = Date.now() + 3000;
    while (Date.now() < hard && groupAlive(pgid)) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Whether any process of the group is still alive (zombies of our own children
 * are reaped by Node, so they do not count for long).
 * @param {number} pgid
 * @returns {boolean}
 */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
