/**
 * Checks of values found in files are rate-limited (src/core/checkLimiter.ts):
 * a budget per window and bounded concurrency.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CheckLimiter, DEFAULT_CHECK_LIMITS } from '../../../src/core/checkLimiter';

describe('CheckLimiter', () => {
  test('a burst of 300 distinct values gets at most the budget of checks', () => {
    const l = new CheckLimiter({ ...DEFAULT_CHECK_LIMITS, now: () => 0 });
    const taken = Array.from({ length: 300 }, () => l.tryTake()).filter(Boolean).length;
    assert.equal(taken, DEFAULT_CHECK_LIMITS.capacity);
    assert.ok(taken < 300 && taken <= 30);
  });

  test('the budget refills over time, never above its capacity', () => {
    let t = 0;
    const l = new CheckLimiter({ concurrency: 2, capacity: 3, refillMs: 1000, now: () => t });
    for (let i = 0; i < 3; i++) assert.ok(l.tryTake());
    assert.equal(l.tryTake(), false);
    t += 999;
    assert.equal(l.tryTake(), false);
    t += 1;
    assert.equal(l.tryTake(), true);
    t += 1_000_000;
    assert.equal(l.remaining, 3);
  });

  test('at most `concurrency` tasks run at once; the others wait and all finish', async () => {
    const l = new CheckLimiter({ concurrency: 3, capacity: 100, refillMs: 1 });
    let active = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      l.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((r) => release.push(r));
        active--;
        return i;
      }),
    );
    while (release.length > 0 || active > 0) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(peak, 3);
  });

  test('a failing task frees its slot', async () => {
    const l = new CheckLimiter({ concurrency: 1, capacity: 10, refillMs: 1 });
    await assert.rejects(l.run(async () => Promise.reject(new Error('boom'))));
    assert.equal(await l.run(async () => 'next'), 'next');
  });
});
