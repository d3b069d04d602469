/**
 * startScriptOf, composeMountSource, scriptAssignments
 * (src/core/deploy/entrypoint.ts) and planAddToken's `startScript`: an agent
 * started through a script of its own (fixture 01's `telegraf-entrypoint.sh`,
 * which exports INFLUX_TOKEN from a Docker secret) is found, with the
 * workspace file its bind mount comes from, so Add Token can say that the
 * script replaces the value.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, type YAMLMap } from 'yaml';
import { composeMountSource, planAddToken, scriptAssignments, startScriptOf } from '../../../../src/core/deploy';
import { readDeployFixture } from './helpers';

test('what starts the agent: a script path, an inline sh -c script, or Telegraf itself', () => {
  assert.deepEqual(startScriptOf(['/telegraf-entrypoint.sh']), { path: '/telegraf-entrypoint.sh' });
  assert.deepEqual(startScriptOf(['/bin/sh', '/scripts/start.sh', 'x']), { path: '/scripts/start.sh' });
  assert.deepEqual(startScriptOf(['tini', '--', 'bash', '-c', 'export A=1; exec telegraf']), { inline: 'export A=1; exec telegraf' });
  assert.deepEqual(startScriptOf(['sh', '-ec', 'telegraf']), { inline: 'telegraf' });
  assert.equal(startScriptOf(['telegraf', '--config', 'x']), undefined);
  assert.equal(startScriptOf(['/usr/bin/telegraf']), undefined);
  assert.equal(startScriptOf(['/entrypoint.sh', 'telegraf']), undefined, "the official image's entrypoint only runs its arguments");
  assert.equal(startScriptOf(['--config', 'http://tc/api/configs/1/toml']), undefined, "Telegraf's own flags");
  assert.equal(startScriptOf([]), undefined);
});

test('the workspace file a bind mount puts at the script path: short and long syntax, a mounted folder, not a named volume', () => {
  const svc = parseDocument(`volumes:
  - ./telegraf.conf:/etc/telegraf/telegraf.conf:ro
  - ./telegraf-entrypoint.sh:/telegraf-entrypoint.sh:ro
  - scripts:/named
  - type: bind
    source: ./bin/
    target: /opt/bin
`).contents as YAMLMap;
  assert.equal(composeMountSource(svc, '/telegraf-entrypoint.sh'), './telegraf-entrypoint.sh');
  assert.equal(composeMountSource(svc, '/opt/bin/run.sh'), './bin/run.sh');
  assert.equal(composeMountSource(svc, '/named/run.sh'), undefined, 'a named volume is not a workspace file');
  assert.equal(composeMountSource(svc, '/elsewhere.sh'), undefined);
});

test('the lines of a script that set the variable; one that keeps a given value does not count', () => {
  const script = [
    '#!/bin/sh',
    '# export INFLUX_TOKEN=commented',
    'export INFLUX_TOKEN=$(cat /run/secrets/influxdb2-admin-token)',
    'INFLUX_TOKEN="${INFLUX_TOKEN:-$(cat /x)}"',
    ': "${INFLUX_TOKEN:=fallback}"',
    'MY_INFLUX_TOKEN=other',
    'exec env INFLUX_TOKEN=$$X telegraf "$@"',
    'exec telegraf',
  ].join('\n');
  assert.deepEqual(scriptAssignments(script, 'INFLUX_TOKEN'), [
    { line: 3, text: 'export INFLUX_TOKEN=$(cat /run/secrets/influxdb2-admin-token)' },
    { line: 7, text: 'exec env INFLUX_TOKEN=$X telegraf "$@"' },
  ]);
  assert.deepEqual(scriptAssignments(script, 'TELEGRAF_CONTROLLER_TOKEN'), []);
  assert.deepEqual(scriptAssignments('declare -x TELEGRAF_CONTROLLER_TOKEN=x', 'TELEGRAF_CONTROLLER_TOKEN'), [
    { line: 1, text: 'declare -x TELEGRAF_CONTROLLER_TOKEN=x' },
  ]);
});

test("fixture 01: the telegraf service's entrypoint script and its workspace file are in the plan", () => {
  const plan = planAddToken('docker-compose.yml', readDeployFixture('01-compose-anchors-xext-secrets-entrypoint.yml'));
  assert.equal(plan.status, 'edit');
  assert.equal(plan.varName, 'INFLUX_TOKEN');
  assert.deepEqual(plan.startScript, { path: '/telegraf-entrypoint.sh', source: './telegraf-entrypoint.sh' });
});

test('Compose command, Kubernetes command/args and a systemd ExecStart= script are found; Telegraf itself and docker run are not', () => {
  const compose = (svc: string) => planAddToken('docker-compose.yml', `services:\n  telegraf:\n    image: telegraf:1.40\n${svc}`);
  assert.deepEqual(compose(`    command: ["sh", "-c", "export TELEGRAF_CONTROLLER_TOKEN=$$(cat /run/secrets/t); exec telegraf"]\n`).startScript, {
    inline: 'export TELEGRAF_CONTROLLER_TOKEN=$$(cat /run/secrets/t); exec telegraf',
  });
  assert.equal(compose(`    command: --config http://tc:8888/api/configs/1/toml\n`).startScript, undefined);
  assert.equal(compose(`    environment:\n      A: b\n`).startScript, undefined);
  const k8s = planAddToken(
    'deploy.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: telegraf
spec:
  template:
    spec:
      containers:
        - name: telegraf
          image: telegraf:1.40
          command: ["/bin/sh", "/scripts/start.sh"]
`,
  );
  assert.deepEqual(k8s.startScript, { path: '/scripts/start.sh' });
  const unit = (exec: string) => planAddToken('telegraf.service', `[Unit]\nDescription=Telegraf\n\n[Service]\nExecStart=${exec}\n`);
  assert.deepEqual(unit('-/usr/local/bin/start-telegraf.sh').startScript, { path: '/usr/local/bin/start-telegraf.sh' });
  assert.equal(unit('/usr/bin/telegraf -config /etc/telegraf/telegraf.conf').startScript, undefined);
  assert.equal(unit('/usr/bin/docker run --env-file /etc/telegraf.env telegraf').startScript, undefined);
});
