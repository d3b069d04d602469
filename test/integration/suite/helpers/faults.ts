/**
 * Fault injection on the controller emulator from inside VS Code
 * (`POST /__emulator/faults`, test/emulator/README.md): the next matching
 * request fails, is cut off after it was applied, is delayed…
 */
import * as assert from 'node:assert/strict';
import { emulator } from '../../harness';

/** Adds one fault (the emulator's fault spec); fails the test when the emulator refuses it. */
export async function addFault(spec: unknown): Promise<void> {
  const res = await fetch(`${emulator().url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  assert.equal(res.status, 201);
}
