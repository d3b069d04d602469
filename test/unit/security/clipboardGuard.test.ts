/**
 * Clipboard clearing keeps its promise (src/core/clipboardGuard.ts): clear
 * only if the clipboard still holds the value (by hash), never what the user
 * copied afterwards, nothing when the clipboard cannot be read (a browser
 * without permission), and the pending clear survives a window reload with
 * only its hash and deadline persisted.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ClipboardGuard, PENDING_CLEAR_KEY, type ClipboardPort, type StatePort } from '../../../src/core/clipboardGuard';

const VALUE = 'tc-apiv1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

function world() {
  let clock = 1_000_000;
  let text = '';
  let readable = true;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const stored = new Map<string, unknown>();
  const clipboard: ClipboardPort = {
    readText: async () => {
      if (!readable) throw new Error('permission denied');
      return text;
    },
    writeText: async (t) => {
      text = t;
    },
  };
  const state: StatePort = {
    get: <T>(k: string) => stored.get(k) as T | undefined,
    update: async (k, v) => {
      if (v === undefined) stored.delete(k);
      else stored.set(k, JSON.parse(JSON.stringify(v)));
    },
  };
  const guard = () =>
    new ClipboardGuard({
      clipboard,
      state,
      now: () => clock,
      setTimer: (fn, ms) => {
        const t = { at: clock + ms, fn, id: nextId++ };
        timers.push(t);
        return t.id;
      },
      clearTimer: (id) => {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      },
    });
  /** Advances the clock, running due timers; waits for their async work. */
  const advance = async (ms: number) => {
    clock += ms;
    for (const t of timers.filter((x) => x.at <= clock)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    clipboard,
    state,
    stored,
    guard,
    advance,
    get text() {
      return text;
    },
    set text(v: string) {
      text = v;
    },
    set readable(v: boolean) {
      readable = v;
    },
    timers,
  };
}

describe('ClipboardGuard', () => {
  test('clears the value at the deadline when the clipboard still holds it', async () => {
    const w = world();
    const g = w.guard();
    assert.equal(await g.copy(VALUE, 60), 60);
    assert.equal(w.text, VALUE);
    await w.advance(59_000);
    assert.equal(w.text, VALUE, 'not before the deadline');
    await w.advance(1_000);
    assert.equal(w.text, '', 'cleared');
    assert.equal(w.stored.has(PENDING_CLEAR_KEY), false, 'the pending clear is forgotten');
  });

  test('never clears what the user copied afterwards', async () => {
    const w = world();
    await w.guard().copy(VALUE, 60);
    w.text = 'something the user copied';
    await w.advance(60_000);
    assert.equal(w.text, 'something the user copied');
  });

  test('a clipboard that cannot be read (browser without permission) is left alone', async () => {
    const w = world();
    await w.guard().copy(VALUE, 60);
    w.readable = false;
    w.text = 'copied in another tab';
    await w.advance(60_000);
    assert.equal(w.text, 'copied in another tab');
  });

  test('persists only the hash and the deadline, never the value', async () => {
    const w = world();
    await w.guard().copy(VALUE, 60);
    const persisted = JSON.stringify([...w.stored.entries()]);
    assert.ok(!persisted.includes(VALUE) && !persisted.includes(VALUE.slice(9, 25)), persisted);
    const p = w.stored.get(PENDING_CLEAR_KEY) as { hash: string; deadline: number };
    assert.match(p.hash, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(p).sort(), ['deadline', 'hash']);
  });

  test('the pending clear survives a window reload: resumed at the remaining time', async () => {
    const w = world();
    const first = w.guard();
    await first.copy(VALUE, 60);
    await w.advance(20_000);
    first.dispose(); // the window reloads: its timer is gone
    w.timers.length = 0;
    const second = w.guard();
    assert.equal(await second.resume(), undefined, 'scheduled, not yet due');
    await w.advance(39_000);
    assert.equal(w.text, VALUE);
    await w.advance(1_000);
    assert.equal(w.text, '', 'cleared by the new window');
  });

  test('a reload after the deadline clears at once (if still held), and only then', async () => {
    const w = world();
    await w.guard().copy(VALUE, 60);
    w.timers.length = 0; // closed before the deadline
    await w.advance(3_600_000);
    assert.equal(await w.guard().resume(), 'cleared');
    assert.equal(w.text, '');

    const w2 = world();
    await w2.guard().copy(VALUE, 60);
    w2.timers.length = 0;
    w2.text = 'user text';
    await w2.advance(3_600_000);
    assert.equal(await w2.guard().resume(), 'changed');
    assert.equal(w2.text, 'user text');
  });

  test('a second copy replaces the pending clear; 0 seconds means never', async () => {
    const w = world();
    const g = w.guard();
    await g.copy(VALUE, 60);
    await g.copy('tc-apiv1_second', 0);
    assert.equal(w.stored.has(PENDING_CLEAR_KEY), false);
    await w.advance(120_000);
    assert.equal(w.text, 'tc-apiv1_second');
  });

  test('garbage in the persisted state is dropped', async () => {
    const w = world();
    await w.state.update(PENDING_CLEAR_KEY, { hash: 'not-a-hash', deadline: 'x' });
    assert.equal(await w.guard().resume(), undefined);
    assert.equal(w.stored.has(PENDING_CLEAR_KEY), false);
  });
});
