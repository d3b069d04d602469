/**
 * `telegrafController.envVarName` accepts only plain names that do not change
 * how programs run (src/core/envVarName.ts), and package.json's schema
 * refuses the same names.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkEnvVarName, REFUSED_ENV_VAR_NAMES, REFUSED_ENV_VAR_PREFIXES } from '../../../src/core/envVarName';

const ACCEPTED = ['TELEGRAF_CONTROLLER_TOKEN', 'INFLUX_TOKEN', 'MY_TOKEN_2', '_TOKEN', 'TC_TOKEN'];
const REFUSED = [
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'DYLD_INSERT_LIBRARIES',
  'PATH',
  'NODE_OPTIONS',
  'HOME',
  'SHELL',
  'IFS',
  'PS4',
  'BASH_ENV',
  'ENV',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PERL5OPT',
  'PERL5LIB',
  'HTTPS_PROXY',
  'GODEBUG',
  'GIT_SSH_COMMAND',
  'BASH_FUNC_X%%',
  'lowercase',
  'Mixed_Case',
  '1TOKEN',
  'A-B',
  'A B',
  '',
  'TOKEN=1',
  '${X}',
  'X\nY',
];

describe('checkEnvVarName', () => {
  test('plain names are accepted', () => {
    for (const n of ACCEPTED) assert.deepEqual(checkEnvVarName(n), { ok: true }, n);
  });
  test('names that change how programs run, and non-plain names, are refused with a reason', () => {
    for (const n of REFUSED) {
      const r = checkEnvVarName(n);
      assert.equal(r.ok, false, n);
      if (!r.ok) assert.ok(r.reason.length > 10);
    }
  });
});

describe('package.json schema of telegrafController.envVarName', () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const prop =
    pkg.contributes.configuration.properties?.['telegrafController.envVarName'] ??
    (pkg.contributes.configuration as any[]).map((c) => c.properties?.['telegrafController.envVarName']).find(Boolean);
  test('has a pattern that agrees with the runtime check', () => {
    assert.equal(typeof prop.pattern, 'string', 'the setting has a "pattern"');
    assert.ok(prop.patternErrorMessage, 'the setting explains a refused value');
    const re = new RegExp(prop.pattern);
    for (const n of ACCEPTED) assert.ok(re.test(n), `schema accepts ${n}`);
    for (const n of REFUSED) assert.ok(!re.test(n), `schema refuses ${JSON.stringify(n)}`);
    for (const n of REFUSED_ENV_VAR_NAMES) assert.ok(!re.test(n), `schema refuses ${n}`);
    for (const p of REFUSED_ENV_VAR_PREFIXES) assert.ok(!re.test(`${p}X`), `schema refuses ${p}X`);
    assert.ok(re.test('PATHX') && re.test('XPATH'), 'only the exact names are refused');
  });
});
