/**
 * The heartbeat "Test Token" sends: the same message a Telegraf agent's
 * `[[outputs.heartbeat]]` sends, so that a real controller accepts it. No
 * `vscode` import.
 *
 * Shape (Telegraf `plugins/outputs/heartbeat/schema_v1.json`, v1.37 to
 * v1.40): a JSON object with no other properties than `id`, `version`,
 * `schema`, `last`, `hostname`, `configurations`, `statistics`, `logs`,
 * `status`; `id` and `version` are required; `status` is one of `OK`,
 * `WARN`, `FAIL`, `UNDEFINED`. Sent as `POST <url>` with
 * `Content-Type: application/json` and `Authorization: Bearer <token>`
 * (heartbeat.go `send`). A real controller records the sender as an agent
 * under that `id`, with that `version`, and its last-seen time.
 */

import { createHash } from 'node:crypto';

/** Prefix of the instance id of a test heartbeat: recognisable in the controller's agent list. */
export const TEST_INSTANCE_PREFIX = 'vscode-test-token-';

/** A heartbeat message (schema version 1). */
export interface HeartbeatMessage {
  id: string;
  version: string;
  schema: 1;
  status?: 'OK' | 'WARN' | 'FAIL' | 'UNDEFINED';
}

/**
 * The instance id of a test heartbeat: `vscode-test-token-<8 hex>`, the hex
 * derived from `seed` (e.g. the token's id) so that testing the same token
 * again reports the same agent instead of a new one. The seed is hashed:
 * nothing of it can be read back from the id.
 */
export function testInstanceId(seed: string): string {
  return TEST_INSTANCE_PREFIX + createHash('sha256').update(`telegraf-controller-tokens:${seed}`).digest('hex').slice(0, 8);
}

/**
 * The body of a test heartbeat: `{ id, version, schema: 1, status: "UNDEFINED" }`.
 * `version` says what sent it (e.g. `Telegraf Controller Tokens 0.1.0 (VS Code Test Token)`).
 */
export function testHeartbeatMessage(instanceId: string, version: string): HeartbeatMessage {
  return { id: instanceId, version, schema: 1, status: 'UNDEFINED' };
}
