/** Generated bulk data of the emulator (test/emulator/bulk.ts) and its hook `POST /__emulator/bulk-tokens`. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { bulkCountFromName, bulkSeed, bulkTokenSpecs } from '../../emulator/bulk';
import { parseSeed } from '../../emulator/seed';
import { startEmulator } from '../../emulator/server';

test('bulkTokenSpecs is deterministic and mixes owners and states', () => {
  const a = bulkTokenSpecs(600);
  assert.deepEqual(a, bulkTokenSpecs(600));
  assert.notDeepEqual(a, bulkTokenSpecs(600, { seed: 2 }));
  assert.equal(new Set(a.map((t) => t.id)).size, 600);
  assert.deepEqual([...new Set(a.map((t) => t.username))].sort(), ['admin', 'alice', 'bob', 'carol']);
  assert.ok(a.some((t) => t.revoked));
  assert.ok(
    a.some((t) => (t.expiresInDays ?? 1) < 0),
    'some expired',
  );
  assert.ok(
    a.some((t) => t.expiresInDays !== undefined && t.expiresInDays > 0 && t.expiresInDays < 7),
    'some expiring within 7 days',
  );
  assert.ok(
    a.some((t) => t.expiresAt === null && !t.revoked),
    'some never expire',
  );
  assert.equal(
    bulkTokenSpecs(5, { users: ['bob'] }).every((t) => t.username === 'bob'),
    true,
  );
});

test('bulkSeed parses as a seed; CLI names resolve', () => {
  const seed = parseSeed(bulkSeed(100));
  assert.equal(seed.tokens?.length, 116);
  assert.equal(bulkCountFromName('bulk-10k'), 10_000);
  assert.equal(bulkCountFromName('bulk:250'), 250);
  assert.equal(bulkCountFromName('seeds/demo.json'), undefined);
});

test('POST /__emulator/bulk-tokens adds listable tokens; reset removes them', async () => {
  const emu = await startEmulator();
  try {
    const res = await fetch(`${emu.url}/__emulator/bulk-tokens`, { method: 'POST', body: JSON.stringify({ count: 250, users: ['bob'] }) });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { added: number; total: number };
    assert.equal(body.added, 250);
    assert.equal(body.total, 266);
    const bad = await fetch(`${emu.url}/__emulator/bulk-tokens`, { method: 'POST', body: JSON.stringify({ count: 0 }) });
    assert.equal(bad.status, 400);
    const login = await fetch(`${emu.url}/api/auth/login/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'bob-password' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = (await (await fetch(`${emu.url}/api/tokens?page=3&limit=100`, { headers: { cookie } })).json()) as { total: number; tokens: unknown[] };
    assert.equal(page.total, 254, "bob's 4 demo tokens and the 250 generated ones");
    assert.equal(page.tokens.length, 54);
    await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' });
    assert.equal(emu.state.tokens.size, 16);
  } finally {
    await emu.close();
  }
});
