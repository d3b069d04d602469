import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { suggestPresetForConfig } from '../../../../src/core/config/presetSuggestion';

const fixture = (f: string) => readFileSync(path.join(__dirname, '../../../fixtures/telegraf-configs', f), 'utf8');

test('a config with [[outputs.heartbeat]] suggests the Telegraf agent preset and says why', () => {
  const s = suggestPresetForConfig('/etc/telegraf/telegraf.conf', fixture('03-heartbeat-sample.conf'));
  assert.equal(s?.preset, 'telegraf-agent');
  assert.match(s!.reason, /^telegraf\.conf has \[\[outputs\.heartbeat\]\] \(needs heartbeat:write\)/);
  assert.match(s!.reason, /configs:read/);
});

test('a Telegraf config without a heartbeat output still suggests the agent preset', () => {
  const s = suggestPresetForConfig('telegraf.conf', fixture('04-influxdb_v2-sample-empty-token.conf'));
  assert.equal(s?.preset, 'telegraf-agent');
  assert.match(s!.reason, /is a Telegraf config/);
});

test('other files get no suggestion', () => {
  assert.equal(suggestPresetForConfig('nginx.conf', 'server {\n  listen 80;\n}\n'), undefined);
  assert.equal(suggestPresetForConfig('notes.toml', '[tool]\nname = "x"\n'), undefined);
});
