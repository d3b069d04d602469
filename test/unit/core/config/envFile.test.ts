import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { planEnvFileEntry } from '../../../../src/core/config/envFile';
import { applyEdits } from '../../../../src/core/config/insert';

const V = 'tc-apiv1_abcDEF123_-xyz';
const set = (text: string, value = V, name = 'TELEGRAF_CONTROLLER_TOKEN') => applyEdits(text, [planEnvFileEntry(text, name, value)]);

test('appends NAME=value to an empty or unterminated file, with a final line break', () => {
  assert.equal(set(''), `TELEGRAF_CONTROLLER_TOKEN=${V}\n`);
  assert.equal(set('OTHER=1'), `OTHER=1\nTELEGRAF_CONTROLLER_TOKEN=${V}\n`);
  assert.equal(set('OTHER=1\r\n'), `OTHER=1\r\nTELEGRAF_CONTROLLER_TOKEN=${V}\r\n`, 'CRLF kept');
});

test('replaces only the value of an existing active line, also with export, keeping comments', () => {
  assert.equal(
    set('# TELEGRAF_CONTROLLER_TOKEN=old\nTELEGRAF_CONTROLLER_TOKEN=old\nX=1\n'),
    `# TELEGRAF_CONTROLLER_TOKEN=old\nTELEGRAF_CONTROLLER_TOKEN=${V}\nX=1\n`,
  );
  assert.equal(set('export TELEGRAF_CONTROLLER_TOKEN="old"\r\n'), `export TELEGRAF_CONTROLLER_TOKEN=${V}\r\n`);
  assert.equal(set('INFLUX_TOKEN=a\n', V, 'INFLUX_TOKEN'), `INFLUX_TOKEN=${V}\n`);
});

test('quotes values that need it and refuses bad names and line breaks', () => {
  assert.equal(set('', 'a b$c"d'), 'TELEGRAF_CONTROLLER_TOKEN="a b\\$c\\"d"\n');
  assert.throws(() => planEnvFileEntry('', '1BAD', V), /not a valid environment variable name/);
  assert.throws(() => planEnvFileEntry('', 'OK', 'a\nb'), /line break/);
});
