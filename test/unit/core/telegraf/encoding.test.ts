/**
 * The encodings Telegraf cannot read a config in (src/core/telegraf/encoding.ts);
 * test/telegraf/configCheck.test.ts checks the same bytes against the real agent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unreadableEncoding } from '../../../../src/core/telegraf';

const text = '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:8000/agents/heartbeat"\n';

test('UTF-8 (with or without a byte order mark) and Latin-1 bytes are readable', () => {
  assert.equal(unreadableEncoding(Buffer.from(text)), undefined);
  assert.equal(unreadableEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), undefined);
  assert.equal(unreadableEncoding(Buffer.from(`# caf\u00e9\n${text}`, 'latin1')), undefined);
  assert.equal(unreadableEncoding(new Uint8Array()), undefined);
});

test('UTF-16 and UTF-32 are named, with or without a byte order mark', () => {
  assert.equal(unreadableEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), 'UTF-16LE');
  assert.equal(unreadableEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])), 'UTF-16BE');
  assert.equal(unreadableEncoding(Buffer.from([0xff, 0xfe, 0, 0, 0x5b, 0, 0, 0])), 'UTF-32LE');
  assert.equal(unreadableEncoding(Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x5b])), 'UTF-32BE');
  assert.match(unreadableEncoding(Buffer.from(text, 'utf16le')) ?? '', /no byte order mark/);
});
