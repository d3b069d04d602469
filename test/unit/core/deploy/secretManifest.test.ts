/**
 * The Secret manifests "Add Token to Deployment…" writes: what one holds, and
 * setting one key keeps every other key, the namespace and comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secretManifestEntries, secretManifestText, yamlParsesStrictly } from '../../../../src/core/deploy';

const EXISTING =
  '# written by Add Token\napiVersion: v1\nkind: Secret\nmetadata:\n  name: telegraf-controller-token\n  namespace: "monitoring"\ntype: Opaque\nstringData:\n  TELEGRAF_CONTROLLER_TOKEN: "tc-apiv1_first"\n';

test('secretManifestEntries: keys of stringData and data, values of stringData, the namespace; undefined for anything else', () => {
  assert.deepEqual(secretManifestEntries(EXISTING), {
    keys: ['TELEGRAF_CONTROLLER_TOKEN'],
    stringData: { TELEGRAF_CONTROLLER_TOKEN: 'tc-apiv1_first' },
    namespace: 'monitoring',
  });
  assert.deepEqual(secretManifestEntries('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  A: YQ==\n')?.keys, ['A']);
  assert.equal(secretManifestEntries('apiVersion: v1\nkind: ConfigMap\n'), undefined);
  assert.equal(secretManifestEntries('kind: Secret\n  bad: [\n'), undefined);
});

test("secretManifestText: another key is added beside the first agent's, whose key, namespace and comment stay", () => {
  const out = secretManifestText(EXISTING, { name: 'telegraf-controller-token', namespace: undefined }, 'INFLUX_TOKEN', 'tc-apiv1_second');
  assert.ok(yamlParsesStrictly(out).ok, out);
  assert.deepEqual(secretManifestEntries(out), {
    keys: ['TELEGRAF_CONTROLLER_TOKEN', 'INFLUX_TOKEN'],
    stringData: { TELEGRAF_CONTROLLER_TOKEN: 'tc-apiv1_first', INFLUX_TOKEN: 'tc-apiv1_second' },
    namespace: 'monitoring',
  });
  assert.match(out, /^# written by Add Token\n/);
  // The same key: replaced in place.
  const replaced = secretManifestText(EXISTING, { name: 'telegraf-controller-token', namespace: 'monitoring' }, 'TELEGRAF_CONTROLLER_TOKEN', 'tc-apiv1_new');
  assert.deepEqual(secretManifestEntries(replaced)?.stringData, { TELEGRAF_CONTROLLER_TOKEN: 'tc-apiv1_new' });
  // None yet: a new manifest in the workload's namespace.
  const fresh = secretManifestText(undefined, { name: 's', namespace: 'edge' }, 'TELEGRAF_CONTROLLER_TOKEN', 'tc-apiv1_x');
  assert.deepEqual(secretManifestEntries(fresh), {
    keys: ['TELEGRAF_CONTROLLER_TOKEN'],
    stringData: { TELEGRAF_CONTROLLER_TOKEN: 'tc-apiv1_x' },
    namespace: 'edge',
  });
});
