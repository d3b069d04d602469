/** Modes of files that hold a token value (src/core/fileMode.ts). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatMode, isOwnerOnly, VALUE_FILE_MODE } from '../../../src/core/fileMode';

test('owner-only modes are as strict as 0600; any group/other bit is not', () => {
  for (const m of [0o600, 0o400, 0o700, 0o100600, 0o000]) assert.equal(isOwnerOnly(m), true, m.toString(8));
  for (const m of [0o644, 0o640, 0o604, 0o666, 0o100644, 0o610, 0o601]) assert.equal(isOwnerOnly(m), false, m.toString(8));
  assert.equal(VALUE_FILE_MODE, 0o600);
  assert.equal(formatMode(0o100644), '0644');
  assert.equal(formatMode(0o600), '0600');
});
