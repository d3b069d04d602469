/**
 * `loadPages` (src/core/paging.ts) with pages that set malformed records
 * aside (docs/api-contract.md "Leniency"): such a page is still full, and
 * set-aside records count towards the total, so no page is skipped and the
 * load ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPages, type PageResult } from '../../../../src/core/paging';

test('a page with an unusable record does not end the load early', async () => {
  // 7 records in pages of 3; record 1 (page 1) is unusable.
  const records = Array.from({ length: 7 }, (_, i) => ({ id: `t${i}`, usable: i !== 1 }));
  const fetched: number[] = [];
  const fetchPage = async (page: number): Promise<PageResult<{ id: string }>> => {
    fetched.push(page);
    const slice = records.slice((page - 1) * 3, page * 3);
    return { items: slice.filter((r) => r.usable).map((r) => ({ id: r.id })), total: records.length, records: slice.length };
  };
  const all = await loadPages(fetchPage, { limit: 3, key: (t) => t.id });
  assert.deepEqual(all.map((t) => t.id).sort(), ['t0', 't2', 't3', 't4', 't5', 't6']);
  assert.deepEqual([...fetched].sort(), [1, 2, 3], 'every page once, no endless "list grew" reading');
});
