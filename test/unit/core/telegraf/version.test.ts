/**
 * Telegraf version parsing and what each version does with a token
 * (config download variable and scheme, heartbeat output), and the
 * version-fit checks of a config.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTelegrafConfig } from '../../../../src/core/config';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capabilitiesOf, compareVersions, configMisfits, envVarNameMisfit, parseTelegrafVersion, secretValueCommand } from '../../../../src/core/telegraf';

const v = (s: string) => {
  const p = parseTelegrafVersion(s);
  assert.ok(p, s);
  return p;
};

describe('parseTelegrafVersion', () => {
  test('release, v-prefixed, development and git builds', () => {
    assert.deepEqual(parseTelegrafVersion('Telegraf 1.40.1\n'), { major: 1, minor: 40, patch: 1, text: '1.40.1' });
    assert.deepEqual(parseTelegrafVersion('Telegraf v1.38.3 (git: HEAD@2f4c3f1e)'), { major: 1, minor: 38, patch: 3, text: '1.38.3' });
    assert.equal(parseTelegrafVersion('Telegraf 1.37.0-c3db479e (git: output_heartbeat@c3db479e)')?.text, '1.37.0-c3db479e');
    assert.equal(parseTelegrafVersion('Telegraf unknown (git: HEAD@abc)'), undefined);
    assert.equal(parseTelegrafVersion('bash: telegraf: command not found'), undefined);
    assert.equal(parseTelegrafVersion(''), undefined);
  });

  test('compare on numbers, not text', () => {
    assert.ok(compareVersions(v('Telegraf 1.9.0'), v('Telegraf 1.10.0')) < 0);
    assert.ok(compareVersions(v('Telegraf 2.0.0'), v('Telegraf 1.99.99')) > 0);
    assert.equal(compareVersions(v('Telegraf 1.39.0'), v('Telegraf v1.39.0')), 0);
  });
});

describe('capabilities by version', () => {
  test('>= 1.39: TELEGRAF_CONTROLLER_TOKEN as Bearer, INFLUX_TOKEN as fallback', () => {
    for (const s of ['Telegraf 1.39.0', 'Telegraf 1.40.1', 'Telegraf 2.0.0']) {
      const c = capabilitiesOf(v(s));
      assert.equal(c.configUrlEnvVar, 'TELEGRAF_CONTROLLER_TOKEN');
      assert.equal(c.configUrlScheme, 'Bearer');
      assert.deepEqual(c.configUrlEnvVars, ['TELEGRAF_CONTROLLER_TOKEN', 'INFLUX_TOKEN']);
      assert.equal(c.heartbeatOutput, true);
    }
  });

  test('<= 1.38: INFLUX_TOKEN as Token; heartbeat from 1.37', () => {
    assert.deepEqual(capabilitiesOf(v('Telegraf 1.38.3')), {
      configUrlEnvVar: 'INFLUX_TOKEN',
      configUrlScheme: 'Token',
      configUrlEnvVars: ['INFLUX_TOKEN'],
      heartbeatOutput: true,
    });
    assert.equal(capabilitiesOf(v('Telegraf 1.37.0')).heartbeatOutput, true);
    assert.equal(capabilitiesOf(v('Telegraf 1.36.4')).heartbeatOutput, false);
  });

  test('the env-var name setting against the version', () => {
    assert.equal(envVarNameMisfit('TELEGRAF_CONTROLLER_TOKEN', v('Telegraf 1.40.1')), undefined);
    assert.equal(envVarNameMisfit('INFLUX_TOKEN', v('Telegraf 1.40.1')), undefined);
    assert.equal(envVarNameMisfit('INFLUX_TOKEN', v('Telegraf 1.38.3')), undefined);
    const misfit = envVarNameMisfit('TELEGRAF_CONTROLLER_TOKEN', v('Telegraf 1.38.3'));
    assert.ok(misfit?.includes('Telegraf 1.38.3 does not read TELEGRAF_CONTROLLER_TOKEN'));
    assert.ok(misfit?.includes('INFLUX_TOKEN'));
  });
});

describe('configMisfits', () => {
  const hb = '[[outputs.heartbeat]]\n  url = "http://c:8000/agents/heartbeat"\n  instance_id = "a"\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n';

  test('a heartbeat before 1.37 is an error on its header', () => {
    const cfg = parseTelegrafConfig(hb);
    const m = configMisfits(cfg, v('Telegraf 1.36.0'));
    assert.equal(m[0]?.severity, 'error');
    assert.deepEqual(m[0]?.range, cfg.tables[0]?.headerRange);
    assert.ok(m[0]?.message.includes('1.37'));
  });

  test('${TELEGRAF_CONTROLLER_TOKEN} with 1.38 is a note (information) on the reference: fine locally, not in a config the controller serves; fine with 1.39+', () => {
    const cfg = parseTelegrafConfig(hb);
    const m = configMisfits(cfg, v('Telegraf 1.38.3'));
    assert.equal(m.length, 1);
    assert.equal(m[0]?.severity, 'info');
    assert.match(m[0]!.message, /in a local config like any variable/);
    assert.match(m[0]!.message, /downloads its config from the controller gets its token as INFLUX_TOKEN/);
    assert.equal(hb.slice(m[0]!.range.start, m[0]!.range.end), '${TELEGRAF_CONTROLLER_TOKEN}');
    assert.deepEqual(configMisfits(cfg, v('Telegraf 1.39.0')), []);
    assert.deepEqual(configMisfits(parseTelegrafConfig(hb.replace('TELEGRAF_CONTROLLER_TOKEN', 'INFLUX_TOKEN')), v('Telegraf 1.38.3')), []);
  });

  test('an unquoted ${VAR} is an error from 1.38 (strict env handling), not before', () => {
    const cfg = parseTelegrafConfig('[[outputs.influxdb_v2]]\n  token = ${INFLUX_TOKEN}\n');
    assert.equal(configMisfits(cfg, v('Telegraf 1.40.1'))[0]?.severity, 'error');
    assert.deepEqual(configMisfits(cfg, v('Telegraf 1.37.2')), []);
  });
});

describe('secretValueCommand', () => {
  test('os and jose stores get telegraf secrets set; a docker store gets a 0600 file written from a hidden prompt (real bash); other stores none', () => {
    assert.equal(secretValueCommand('os', '/etc/telegraf/telegraf.conf', 's', 'k')?.command, 'telegraf --config /etc/telegraf/telegraf.conf secrets set s k');
    assert.equal(secretValueCommand('jose', 'a b.conf', 's', 'k')?.kind, 'telegraf');
    assert.equal(secretValueCommand(undefined, 'a.conf', 's', 'k')?.kind, 'telegraf', 'a store defined elsewhere');
    assert.equal(secretValueCommand('vault', 'a.conf', 's', 'k'), undefined);
    // A jose store whose password comes from a variable: the command stops when it is not set (real bash).
    const jose = secretValueCommand('jose', 'a.conf', 'j', 'k', 'TELEGRAF_SECRETS_PASSWORD')!.command;
    assert.ok(jose.endsWith('&& telegraf --config a.conf secrets set j k'), jose);
    const unset = spawnSync('bash', ['-c', jose], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.notEqual(unset.status, 0);
    assert.match(unset.stderr, /set TELEGRAF_SECRETS_PASSWORD to the password of the jose store first/);
    const docker = secretValueCommand('docker', 'a.conf', 'd', 'tc_agent');
    assert.equal(docker?.kind, 'docker');
    assert.ok(!docker!.command.includes('secrets set'), 'telegraf secrets set refuses docker stores');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-docker-secret-'));
    const r = spawnSync('bash', ['-c', docker!.command], { cwd: dir, input: 'tc-apiv1_typedValue123\n', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(path.join(dir, 'tc_agent'), 'utf8'), 'tc-apiv1_typedValue123', 'the value, no newline');
    assert.equal(statSync(path.join(dir, 'tc_agent')).mode & 0o777, 0o600);
  });
});
