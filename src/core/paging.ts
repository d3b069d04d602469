/**
 * Loading a paged list (`GET /api/tokens?page=&limit=`, docs/api-contract.md "Routes") page
 * by page without holding up the caller: page 1 first (delivered at once),
 * then the remaining pages a few at a time, each delivered as it arrives.
 * No `vscode` import.
 */

/**
 * One page as the API returns it: its items and the total number of items on
 * the server. `records` is how many records the page held, usable or not
 * (default `items.length`): a page whose malformed records were set aside
 * (docs/api-contract.md "Leniency") is still a full page, and set-aside
 * records still count towards `total`.
 */
export interface PageResult<T> {
  items: T[];
  total: number;
  records?: number;
}

/** Options of {@link loadPages}. */
export interface LoadPagesOptions<T> {
  /** Items per page the server is asked for (the contract allows at most 100). */
  limit: number;
  /** Pages fetched at the same time after page 1 (default 4, at least 1). */
  concurrency?: number;
  /** Stops early: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Identity of an item; duplicates (a list shifting while it is read) are dropped. */
  key: (item: T) => string;
  /** Called with each page's new items (page 1 first; later pages as they arrive), the number loaded so far and the server's total. */
  onPage?: (newItems: T[], loaded: number, total: number) => void;
  /** Safety cap on pages (default 1000). */
  maxPages?: number;
}

/**
 * Fetches every page with `fetchPage(page, signal)` (1-based) and returns all
 * items (deduplicated, page order of arrival). After page 1 the number of
 * pages is known from `total`; those pages are fetched `concurrency` at a
 * time. If the list grew while loading (the last page was full and fewer than
 * `total` items arrived) it keeps reading pages until a short or empty one.
 * Rejects with the first error of `fetchPage` (pages in flight are left to
 * finish, their results dropped).
 */
export async function loadPages<T>(fetchPage: (page: number, signal?: AbortSignal) => Promise<PageResult<T>>, opts: LoadPagesOptions<T>): Promise<T[]> {
  const limit = Math.max(1, Math.floor(opts.limit));
  const maxPages = opts.maxPages ?? 1000;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const seen = new Set<string>();
  const out: T[] = [];
  let total = 0;
  /** Records set aside by the pages so far (in `total`, never in `out`). */
  let skipped = 0;
  const recordsOf = (p: PageResult<T>): number => Math.max(p.items.length, p.records ?? p.items.length);
  const accept = (items: T[]): T[] => {
    const fresh: T[] = [];
    for (const it of items) {
      const k = opts.key(it);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(it);
      fresh.push(it);
    }
    return fresh;
  };
  const check = () => {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
  };

  check();
  const first = await fetchPage(1, opts.signal);
  check();
  total = first.total;
  skipped += recordsOf(first) - first.items.length;
  const fresh1 = accept(first.items);
  opts.onPage?.(fresh1, out.length, total);
  if (recordsOf(first) < limit || out.length + skipped >= total) return out;

  const pages = Math.min(maxPages, Math.ceil(total / limit));
  let next = 2;
  let lastPageFull = false;
  let lastPageSeen = 1;
  const worker = async () => {
    while (next <= pages) {
      const page = next++;
      check();
      const res = await fetchPage(page, opts.signal);
      check();
      total = Math.max(total, res.total);
      skipped += recordsOf(res) - res.items.length;
      if (page >= lastPageSeen) {
        lastPageSeen = page;
        lastPageFull = recordsOf(res) >= limit;
      }
      const fresh = accept(res.items);
      opts.onPage?.(fresh, out.length, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(0, pages - 1)) }, worker));

  // The list grew while it was read: follow it sequentially.
  let page = pages + 1;
  while (lastPageFull && out.length + skipped < total && page <= maxPages) {
    check();
    const res = await fetchPage(page, opts.signal);
    check();
    total = Math.max(total, res.total);
    skipped += recordsOf(res) - res.items.length;
    const fresh = accept(res.items);
    opts.onPage?.(fresh, out.length, total);
    lastPageFull = recordsOf(res) >= limit;
    page++;
  }
  return out;
}
