/**
 * Waiting on conditions, never on time: `until` polls a condition (a DOM
 * query, a file, a log line) until it holds or the deadline passes, then
 * throws naming what it waited for.
 */

/** Polls `check` (every `intervalMs`) until it returns a truthy value, which is returned; throws after `timeoutMs`. */
export async function until<T>(check: () => T | Promise<T>, opts: { what: string; timeoutMs?: number; intervalMs?: number }): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
