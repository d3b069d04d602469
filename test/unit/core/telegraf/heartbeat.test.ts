/**
 * The Test Token heartbeat against the real heartbeat JSON schema of the
 * Telegraf releases in the Go module cache (read at test time, never copied
 * into the repository).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { TEST_INSTANCE_PREFIX, testHeartbeatMessage, testInstanceId } from '../../../../src/core/telegraf';

function modCache(): string | undefined {
  if (process.env.GOMODCACHE) return process.env.GOMODCACHE;
  const r = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const VERSIONS = ['v1.40.1', 'v1.39.3', 'v1.38.3'];
const schemaPath = (v: string) => path.join(modCache() ?? '/nonexistent', 'github.com/influxdata', `telegraf@${v}`, 'plugins/outputs/heartbeat/schema_v1.json');
const available = VERSIONS.filter((v) => existsSync(schemaPath(v)));

describe('Test Token heartbeat', () => {
  test('instance id: recognisable, stable per seed, reveals nothing of it', () => {
    const a = testInstanceId('tok_123');
    assert.match(a, /^vscode-test-token-[0-9a-f]{8}$/);
    assert.ok(a.startsWith(TEST_INSTANCE_PREFIX));
    assert.equal(testInstanceId('tok_123'), a);
    assert.notEqual(testInstanceId('tok_124'), a);
    assert.ok(!a.includes('123'));
  });

  test(
    'the body passes schema_v1.json of every Telegraf release here',
    { skip: available.length === 0 ? 'no Telegraf module in the Go module cache: run bash scripts/build-telegraf.sh' : false },
    () => {
      const body = testHeartbeatMessage(testInstanceId('x'), 'Telegraf Controller Tokens 0.1.0 (VS Code Test Token)');
      for (const v of available) {
        const schema = JSON.parse(readFileSync(schemaPath(v), 'utf8')) as object;
        const validate = new Ajv2020({ strict: false }).compile(schema);
        assert.ok(validate(JSON.parse(JSON.stringify(body))), `${v}: ${JSON.stringify(validate.errors)}`);
        // The schema really is strict: the old body fails it.
        assert.equal(
          validate({ instance_id: 'telegraf-controller-tokens-check', status: 'test', timestamp: new Date().toISOString() }),
          false,
          `${v} rejects the old body`,
        );
      }
    },
  );
});
