/**
 * src/features/configFiles/checkRuns.ts: one scan at a time, a scan asked for
 * meanwhile runs after it; per file the latest check wins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckRuns } from '../../../src/features/configFiles/checkRuns';

const uri = (s: string) => ({ toString: () => s }) as unknown as Parameters<CheckRuns['begin']>[0];

test('a scan asked for during another waits for it, then runs again', async () => {
  const runs = new CheckRuns();
  const order: string[] = [];
  let release!: () => void;
  const first = runs.scan(async () => {
    order.push('first start');
    await new Promise<void>((r) => (release = r));
    order.push('first end');
  });
  const second = runs.scan(async () => {
    order.push('second');
  });
  assert.deepEqual(order, ['first start']);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first start', 'first end', 'second']);
});

test('requests during a scan share one next scan: no backlog', async () => {
  const runs = new CheckRuns();
  let count = 0;
  let release!: () => void;
  const first = runs.scan(async () => {
    count++;
    await new Promise<void>((r) => (release = r));
  });
  const later = [1, 2, 3].map(() =>
    runs.scan(async () => {
      count++;
    }),
  );
  release();
  await Promise.all([first, ...later]);
  assert.equal(count, 2, 'the running scan and one more');
});

test('the latest check of a file wins; forget makes the checks in progress stale', () => {
  const runs = new CheckRuns();
  const a1 = runs.begin(uri('file:///a.conf'));
  const b1 = runs.begin(uri('file:///b.conf'));
  assert.equal(a1(), true);
  const a2 = runs.begin(uri('file:///a.conf'));
  assert.equal(a1(), false, 'an older check of the same file');
  assert.equal(a2(), true);
  assert.equal(b1(), true, 'other files are not affected');
  runs.forget(uri('file:///b.conf'));
  assert.equal(b1(), false);
});
