import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { suggestPresetForConfig, suggestPresetForDeployment } from '../../../../src/core/config/presetSuggestion';

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

test('a deployment suggests the agent preset, a reason naming the file, and a description naming the file and the agent in it', () => {
  const s = suggestPresetForDeployment('/w/deploy/docker-compose.yml', 'deploy/docker-compose.yml', 'service "telegraf-edge"');
  assert.equal(s.preset, 'telegraf-agent');
  assert.match(s.reason ?? '', /^A token for the Telegraf agent of docker-compose\.yml:/);
  assert.equal(s.description, 'Telegraf agent (deploy/docker-compose.yml, service "telegraf-edge")');
  assert.equal(suggestPresetForDeployment('/w/telegraf.service', 'telegraf.service').description, 'Telegraf agent (telegraf.service)');
  assert.equal(suggestPresetForDeployment('/w/x.yaml', 'x'.repeat(300)).description?.length, 255, 'cut to the contract length');
});
