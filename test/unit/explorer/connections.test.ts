/** Named connections (src/core/connections.ts) and paged loading (src/core/paging.ts). */
import test, { describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  normalizeControllerUrl,
  parseConnections,
  sameLoopbackController,
  toSettings,
  uniqueName,
  validateConnectionName,
} from '../../../src/core/connections';
import { loadPages } from '../../../src/core/paging';

describe('connections setting', () => {
  test('normalises URLs and rejects non-http ones', () => {
    assert.equal(normalizeControllerUrl(' https://u:p@Controller.example:8888/?x=1#y '), 'https://controller.example:8888');
    assert.equal(normalizeControllerUrl('http://host/prefix/'), 'http://host/prefix');
    assert.throws(() => normalizeControllerUrl('ftp://x'), /http:\/\/ or https:\/\//);
    assert.throws(() => normalizeControllerUrl('not a url'), /not a URL/);
  });

  test('reads the list then the single URL; duplicates and invalid entries are reported', () => {
    const { entries, problems } = parseConnections(
      [
        { name: 'prod', url: 'https://prod:8888/' },
        { name: 'dup', url: 'https://prod:8888' },
        { url: 'ftp://x' },
        { name: 'Prod', url: 'https://prod2:8888' },
        'junk',
      ],
      'http://localhost:8888',
    );
    assert.deepEqual(
      entries.map((e) => [e.name, e.key, e.source]),
      [
        ['prod', 'https://prod:8888', 'connections'],
        ['Prod (2)', 'https://prod2:8888', 'connections'],
        ['localhost:8888', 'http://localhost:8888', 'url'],
      ],
    );
    assert.equal(problems.length, 3);
    assert.deepEqual(
      parseConnections(undefined, 'http://localhost:8888/').entries.map((e) => e.key),
      ['http://localhost:8888'],
    );
    assert.deepEqual(
      parseConnections([{ name: 'x', url: 'http://localhost:8888' }], 'http://localhost:8888').entries.map((e) => e.name),
      ['x'],
    );
    assert.deepEqual(parseConnections({}, undefined).problems.length, 1);
  });

  test('toSettings moves a renamed single URL into the list, keeps it otherwise', () => {
    const { entries } = parseConnections([{ name: 'prod', url: 'https://prod:8888' }], 'http://localhost:8888');
    assert.deepEqual(toSettings(entries, 'http://localhost:8888'), { connections: [{ name: 'prod', url: 'https://prod:8888' }], clearUrl: false });
    const renamed = entries.map((e) => (e.source === 'url' ? { ...e, name: 'dev' } : e));
    assert.deepEqual(toSettings(renamed, 'http://localhost:8888'), {
      connections: [
        { name: 'prod', url: 'https://prod:8888' },
        { name: 'dev', url: 'http://localhost:8888' },
      ],
      clearUrl: true,
    });
    assert.deepEqual(
      toSettings(
        entries.filter((e) => e.source !== 'url'),
        'http://localhost:8888',
      ).clearUrl,
      true,
    );
  });

  test('names: unique, bounded, no control characters', () => {
    assert.equal(uniqueName('a', new Set(['a', 'a (2)'])), 'a (3)');
    assert.equal(validateConnectionName(' prod ', ['dev']), undefined);
    assert.match(validateConnectionName('PROD', ['prod']) ?? '', /exists already/);
    assert.match(validateConnectionName('', []) ?? '', /Enter a name/);
    assert.match(validateConnectionName('a\u202eb', []) ?? '', /control/);
    assert.match(validateConnectionName('x'.repeat(61), []) ?? '', /At most/);
  });
});

describe('loadPages', () => {
  const server = (total: number, opts: { growBy?: number; failAt?: number } = {}) => {
    let items = Array.from({ length: total }, (_, i) => `t${i}`);
    const calls: number[] = [];
    return {
      calls,
      fetch: async (page: number) => {
        calls.push(page);
        await new Promise((r) => setTimeout(r, 1));
        if (page === opts.failAt) throw new Error(`page ${page} failed`);
        const res = { items: items.slice((page - 1) * 10, page * 10), total: items.length };
        if (page === 1 && opts.growBy) items = [...Array.from({ length: opts.growBy }, (_, i) => `new${i}`), ...items];
        return res;
      },
    };
  };

  test('delivers page 1 first, then the rest, deduplicated', async () => {
    const s = server(95);
    const deliveries: Array<[number, number]> = [];
    const all = await loadPages(s.fetch, { limit: 10, concurrency: 3, key: (x) => x, onPage: (items, loaded) => deliveries.push([items.length, loaded]) });
    assert.equal(all.length, 95);
    assert.equal(new Set(all).size, 95);
    assert.deepEqual(deliveries[0], [10, 10]);
    assert.equal(deliveries.length, 10);
    assert.equal(s.calls[0], 1);
  });

  test('follows a list that grew while it was read', async () => {
    const s = server(30, { growBy: 5 });
    const all = await loadPages(s.fetch, { limit: 10, key: (x) => x });
    assert.equal(all.length, 30, 'shifted items are deduplicated; the list holds 35, of which the first page missed 5 new ones');
    assert.ok(s.calls.includes(4), 'read past the original page count');
  });

  test('rejects with the first page error and stops on abort', async () => {
    await assert.rejects(loadPages(server(50, { failAt: 3 }).fetch, { limit: 10, key: (x) => x }), /page 3 failed/);
    const ac = new AbortController();
    const s = server(1000);
    const p = loadPages(s.fetch, { limit: 10, key: (x) => x, signal: ac.signal, onPage: (_i, loaded) => loaded >= 30 && ac.abort(new Error('stop')) });
    await assert.rejects(p, /stop/);
    assert.ok(s.calls.length < 100);
  });

  test('a single short page is the whole list', async () => {
    const s = server(3);
    assert.deepEqual(await loadPages(s.fetch, { limit: 10, key: (x) => x }), ['t0', 't1', 't2']);
    assert.deepEqual(s.calls, [1]);
  });
});

test('sameLoopbackController: localhost, 127.0.0.1 and [::1] on one port are one controller; other ports, schemes or hosts are not', () => {
  assert.equal(sameLoopbackController('http://localhost:8888', 'http://127.0.0.1:8888/'), true);
  assert.equal(sameLoopbackController('http://[::1]:8888', 'http://127.0.0.2:8888'), true);
  assert.equal(sameLoopbackController('http://localhost:8888', 'http://localhost:8888'), false, 'the same entry');
  assert.equal(sameLoopbackController('http://localhost:8888', 'http://127.0.0.1:8889'), false);
  assert.equal(sameLoopbackController('http://localhost:8888', 'https://127.0.0.1:8888'), false);
  assert.equal(sameLoopbackController('http://controller.example.com:8888', 'http://127.0.0.1:8888'), false);
  assert.equal(sameLoopbackController('http://localhost:8888/a', 'http://127.0.0.1:8888/b'), false);
  assert.equal(sameLoopbackController('not a url', 'http://127.0.0.1:8888'), false);
});
