/**
 * commandWords, configFlagValues, classifyConfigSource, checkConfigSources
 * (src/core/deploy/configSource.ts) and their use by planAddToken: an agent
 * whose `--config` is an HTTP(S) URL other than a Telegraf Controller one is
 * never given the token (Telegraf sends it with every configuration
 * download), a `--config` the file does not show is a warning.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigSources, classifyConfigSource, commandWords, configFlagValues, displayUrl, planAddToken } from '../../../../src/core/deploy';
import { readDeployFixture } from './helpers';

const CONTROLLER = 'http://tc.example:8888/api/configs/0a1b/toml';
const INFLUX = 'http://influxdb:8086/api/v2/telegrafs/0c313129a3433000';

test('command lines split as a shell does, and every spelling of --config is read', () => {
  assert.deepEqual(commandWords(`/usr/bin/telegraf -config $TELEGRAF_CONF  $TELEGRAF_OPTS`), [
    '/usr/bin/telegraf',
    '-config',
    '$TELEGRAF_CONF',
    '$TELEGRAF_OPTS',
  ]);
  assert.deepEqual(commandWords(`telegraf --config "a b" \\\n  --config='c'`), ['telegraf', '--config', 'a b', '--config=c']);
  assert.deepEqual(configFlagValues(['telegraf', '--config', 'x', '-config=y', '--config-directory', '/d', '--config']), ['x', 'y']);
});

test('a --config value is a controller URL, another URL, a file, or a variable the file does not set', () => {
  assert.deepEqual(classifyConfigSource(CONTROLLER), { kind: 'controller', url: CONTROLLER });
  assert.deepEqual(classifyConfigSource(INFLUX), { kind: 'other-url', url: INFLUX });
  assert.deepEqual(classifyConfigSource('/etc/telegraf/telegraf.conf'), { kind: 'file', path: '/etc/telegraf/telegraf.conf' });
  assert.equal(classifyConfigSource('$TELEGRAF_CONF').kind, 'unresolved');
  assert.equal(classifyConfigSource('${TELEGRAF_CONF}', (n) => (n === 'TELEGRAF_CONF' ? INFLUX : undefined)).kind, 'other-url');
  assert.equal(classifyConfigSource('$(CONFIG_URL)', (n) => (n === 'CONFIG_URL' ? CONTROLLER : undefined)).kind, 'controller');
  assert.equal(classifyConfigSource(`\${URL:-${CONTROLLER}}`).kind, 'controller', 'a default is used when the variable is unset');
});

test('the check blocks a non-controller URL, warns on an unknown one, and lets controller URLs and files through', () => {
  assert.match(checkConfigSources(['telegraf', '--config', INFLUX], 'TELEGRAF_CONTROLLER_TOKEN').blocking ?? '', /not a Telegraf Controller config URL/);
  assert.ok(checkConfigSources(['telegraf', '--config', CONTROLLER, '--config', INFLUX], 'X').blocking, 'any non-controller URL blocks');
  assert.deepEqual(checkConfigSources(['telegraf', '--config', CONTROLLER], 'X'), {});
  assert.deepEqual(checkConfigSources(['telegraf', '--config', '/etc/telegraf/telegraf.conf'], 'X'), {});
  assert.deepEqual(checkConfigSources(['telegraf'], 'X'), {});
  assert.match(checkConfigSources(['telegraf', '-config', '$TELEGRAF_CONF'], 'X').warning ?? '', /TELEGRAF_CONF is a Telegraf Controller configuration URL/);
  assert.equal(
    displayUrl('https://user:pw@influx:8086/api/v2/telegrafs/1?token=abc#x'),
    'https://influx:8086/api/v2/telegrafs/1',
    'no credentials in messages',
  );
});

test('Add Token to Deployment refuses a Compose service whose --config is an InfluxDB URL (fixture 03), and wires one whose --config is the controller', () => {
  const text = readDeployFixture('03-compose-multiservice-literal-token-remote-config.yml');
  const p = planAddToken('/w/docker-compose.yml', text);
  assert.equal(p.status, 'unsupported');
  assert.deepEqual(p.edits, []);
  assert.deepEqual(p.commands, []);
  assert.match(p.notes.join(' '), /http:\/\/influxdb:8086\/api\/v2\/telegrafs\/0c313129a3433000, which is not a Telegraf Controller config URL/);
  const ok = planAddToken('/w/docker-compose.yml', text.replace(INFLUX, CONTROLLER));
  assert.equal(ok.status, 'edit');
  assert.deepEqual(ok.warnings, []);
});

test('Kubernetes: --config in args is read, with $(NAME) from the container env', () => {
  const manifest = (args: string, env = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: telegraf
spec:
  template:
    spec:
      containers:
        - name: telegraf
          image: telegraf:1.40
          args: ${args}
${env}`;
  assert.equal(planAddToken('/w/d.yaml', manifest(`["--config", "${INFLUX}"]`)).status, 'unsupported');
  assert.equal(planAddToken('/w/d.yaml', manifest(`["--config", "${CONTROLLER}"]`)).status, 'edit');
  const viaEnv = manifest('["--config", "$(CONFIG_URL)"]', `          env:\n            - name: CONFIG_URL\n              value: "${INFLUX}"\n`);
  assert.equal(planAddToken('/w/d.yaml', viaEnv).status, 'unsupported', 'the env value is followed');
});

test('systemd: ExecStart --config is read with Environment= values; a variable from an EnvironmentFile is a warning (fixture 23)', () => {
  const unit = (exec: string, env = '') => `[Unit]\nDescription=Telegraf\n\n[Service]\n${env}ExecStart=${exec}\n\n[Install]\nWantedBy=multi-user.target\n`;
  assert.equal(planAddToken('/w/telegraf.service', unit(`/usr/bin/telegraf --config ${INFLUX}`)).status, 'unsupported');
  assert.equal(planAddToken('/w/telegraf.service', unit('/usr/bin/telegraf --config $URL', `Environment="URL=${INFLUX}"\n`)).status, 'unsupported');
  assert.equal(planAddToken('/w/telegraf.service', unit(`/usr/bin/telegraf --config ${CONTROLLER}`)).status, 'elsewhere');
  const p = planAddToken('/w/telegraf.service', readDeployFixture('23-systemd-telegraf-remote-config.service'));
  assert.equal(p.status, 'elsewhere');
  assert.match(p.warnings.join(' '), /\$TELEGRAF_CONF, which this file does not set/);
});

test('an env file that sets a non-controller configuration URL warns (fixture 24)', () => {
  const p = planAddToken('/w/etc/default/telegraf', readDeployFixture('24-etc-default-telegraf'), {}, new Set(['/w/etc/default/telegraf']));
  assert.equal(p.kind, 'env');
  assert.match(p.warnings.join(' '), /TELEGRAF_CONF is https:\/\/FQDN\/api\/v2\/telegrafs\/0123456789, not a Telegraf Controller configuration URL/);
});

test('a controller URL on a loopback address inside a container is a warning (it names the container itself)', () => {
  const compose = (url: string) => `services:\n  telegraf:\n    image: telegraf:1.40\n    command: ["--config", "${url}"]\n`;
  const p = planAddToken('/w/docker-compose.yml', compose('http://127.0.0.1:8888/api/configs/1/toml'));
  assert.equal(p.status, 'edit');
  assert.match(p.warnings.join(' '), /inside a container that address is the container itself/);
  assert.deepEqual(planAddToken('/w/docker-compose.yml', compose('http://tc.example:8888/api/configs/1/toml')).warnings, []);
  assert.deepEqual(checkConfigSources(['telegraf', '--config', 'http://localhost:8888/api/configs/1/toml'], 'X'), {}, 'on the host itself it is fine');
});

test('a --config of another controller than the one the token comes from is a warning', () => {
  const compose = `services:\n  telegraf:\n    image: telegraf:1.40\n    command: ["--config", "http://tc.example:8888/api/configs/1/toml"]\n`;
  const other = planAddToken('/w/docker-compose.yml', compose, { controllerUrl: 'http://127.0.0.1:8888' });
  assert.equal(other.status, 'edit');
  assert.match(other.warnings.join(' '), /not from the controller you are signed in to \(127\.0\.0\.1\)/);
  assert.deepEqual(planAddToken('/w/docker-compose.yml', compose, { controllerUrl: 'https://TC.example' }).warnings, [], 'the same host');
});
