/** envFileTokens (src/core/deploy/plan.ts): what an env file already gives every deployment that reads it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envFileAssignments, envFileTokens } from '../../../../src/core/deploy';

const NEW = 'tc-apiv1_NewValue0123456789';

test('a different value of the same variable is replaced; the same value is not', () => {
  assert.deepEqual(envFileTokens('TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_Old0123456789\n', 'TELEGRAF_CONTROLLER_TOKEN', NEW), { replaces: true, others: [] });
  assert.deepEqual(envFileTokens(`TELEGRAF_CONTROLLER_TOKEN="${NEW}"\n`, 'TELEGRAF_CONTROLLER_TOKEN', NEW), { replaces: false, others: [] });
  assert.deepEqual(envFileTokens('TELEGRAF_CONTROLLER_TOKEN=\n', 'TELEGRAF_CONTROLLER_TOKEN', NEW), { replaces: false, others: [] }, 'an empty slot');
  assert.deepEqual(envFileTokens('# TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_Old\n', 'TELEGRAF_CONTROLLER_TOKEN', NEW), { replaces: false, others: [] }, 'a comment');
});

test('other variables holding a token are named; plain settings are not', () => {
  const text = '\uFEFFexport INFLUX_TOKEN=abc\nLOG_LEVEL=debug\nOTHER="tc-apiv1_Other0123456789"\nTELEGRAF_CONTROLLER_TOKEN=x\nTELEGRAF_CONTROLLER_TOKEN=\n';
  assert.deepEqual(envFileTokens(text, 'TELEGRAF_CONTROLLER_TOKEN', NEW), { replaces: false, others: ['INFLUX_TOKEN', 'OTHER'] }, 'the last assignment wins');
  assert.deepEqual(envFileTokens(text, 'INFLUX_TOKEN', NEW), { replaces: true, others: ['OTHER'] });
});

test('envFileAssignments: the last assignment wins; export, quotes and comments as systemd and Compose read them', () => {
  const vars = envFileAssignments('# A=commented\nA=1\nexport B="two words"\nC=\'3\'\nA=4\n  D = spaced \n');
  assert.deepEqual(
    [...vars],
    [
      ['A', '4'],
      ['B', 'two words'],
      ['C', '3'],
      ['D', 'spaced'],
    ],
  );
});
