/**
 * Deployments that must not share a token (src/core/deploy/plan.ts): a systemd
 * unit given an env file of its own reads its own host file; a Compose file
 * with several Telegraf services wires the one named; a service that already
 * reads the env file is not given it twice; `env_file: .env` becomes a list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../../src/core/config';
import { HOST_ENV_FILE, hostEnvFileFor, manualPlaces, planAddToken, telegrafServiceNames } from '../../../../src/core/deploy';
import { yamlParsesStrictly } from '../../../../src/core/deploy';

test('hostEnvFileFor: the default env file installs as the default host file; any other under its own name', () => {
  assert.equal(hostEnvFileFor('telegraf-controller.env'), HOST_ENV_FILE);
  assert.equal(hostEnvFileFor('telegraf-controller-2.env'), '/etc/telegraf/telegraf-controller-2.env');
  assert.equal(hostEnvFileFor('sub/db.env'), '/etc/telegraf/db.env');
});

test('a systemd unit given a file of its own: the drop-in and the install command name its own host file', () => {
  const p = planAddToken('/w/telegraf-db.service', '[Service]\nExecStart=/usr/bin/telegraf\n', { envFile: 'telegraf-controller-2.env' });
  assert.equal(p.newFiles[0]?.content, '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller-2.env\n');
  assert.match(p.commands[0]!.text, /^sudo install -D -m 0600 -o root -g root telegraf-controller-2\.env \/etc\/telegraf\/telegraf-controller-2\.env && /);
  assert.ok(!p.commands[0]!.text.includes(HOST_ENV_FILE));
  const dropIn = planAddToken('/w/telegraf-db.service.d/override.conf', '[Service]\nNice=5\n', { envFile: 'db.env' });
  assert.equal(applyEdits('[Service]\nNice=5\n', dropIn.edits), '[Service]\nEnvironmentFile=/etc/telegraf/db.env\nNice=5\n');
});

const TWO =
  'services:\n  agent-a:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n  agent-b:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n';

test('Compose with two Telegraf services: both are listed, and the named one is wired', () => {
  assert.deepEqual(telegrafServiceNames(TWO), ['agent-a', 'agent-b']);
  const p = planAddToken('/w/compose.yaml', TWO, { composeMode: 'env_file', service: 'agent-b' });
  assert.equal(p.service, 'agent-b');
  const out = applyEdits(TWO, p.edits);
  assert.equal(
    out,
    TWO.replace(
      '  agent-b:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n',
      '  agent-b:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n      - telegraf-controller.env\n',
    ),
  );
  assert.ok(!p.notes.some((n) => /first one was wired/.test(n)), 'no "first one" note when the service was chosen');
});

test('a service that already reads the env file is not given it twice', () => {
  const once = planAddToken('/w/compose.yaml', TWO, { composeMode: 'env_file', service: 'agent-a' });
  const after = applyEdits(TWO, once.edits);
  const again = planAddToken('/w/compose.yaml', after, { composeMode: 'env_file', service: 'agent-a' });
  assert.deepEqual(again.edits, []);
  assert.equal(again.status, 'elsewhere');
  assert.equal(again.valueFile, 'telegraf-controller.env');
});

test('env_file: with one file becomes a block list with the new file added', () => {
  const text = 'services:\n  telegraf:\n    image: telegraf:1.40\n    env_file: .env\n';
  const p = planAddToken('/w/compose.yaml', text, { composeMode: 'env_file' });
  const out = applyEdits(text, p.edits);
  assert.equal(out, 'services:\n  telegraf:\n    image: telegraf:1.40\n    env_file:\n      - .env\n      - telegraf-controller.env\n');
  assert.ok(yamlParsesStrictly(out));
});

test("a host file named after a second unit's own env file is installed from that file only, never from the first unit's", () => {
  const [place] = manualPlaces(
    'systemd',
    '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller-2.env\n',
    '/w/telegraf-db.service.d/controller-token.conf',
  );
  assert.deepEqual(place!.hostFile?.sources, ['telegraf-controller-2.env', '../telegraf-controller-2.env']);
  const [first] = manualPlaces('systemd', `[Service]\nEnvironmentFile=${HOST_ENV_FILE}\n`, '/w/telegraf.service');
  assert.deepEqual(first!.hostFile?.sources, ['controller-token.env', 'telegraf-controller.env']);
});
