/** agentSiblings (src/core/config/agentFiles.ts): the files one agent loads with telegraf.conf and telegraf.d/. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentSiblings } from '../../../../src/core/config';

const files = [
  '/w/telegraf.conf',
  '/w/telegraf.d/a.conf',
  '/w/telegraf.d/b.conf',
  '/w/telegraf.d/sub/c.conf',
  '/w/telegraf.d/notes.txt',
  '/w/other/telegraf.conf',
  '/w/x.telegraf.conf',
];

test('a drop-in is loaded with telegraf.conf beside its folder and the other drop-ins', () => {
  assert.deepEqual(agentSiblings('/w/telegraf.d/a.conf', files), ['/w/telegraf.conf', '/w/telegraf.d/b.conf']);
});

test('telegraf.conf is loaded with the *.conf files directly in telegraf.d/', () => {
  assert.deepEqual(agentSiblings('/w/telegraf.conf', files), ['/w/telegraf.d/a.conf', '/w/telegraf.d/b.conf']);
  assert.deepEqual(agentSiblings('/w/other/telegraf.conf', files), []);
});

test('a config started on its own has no siblings', () => {
  assert.deepEqual(agentSiblings('/w/x.telegraf.conf', files), []);
  assert.deepEqual(agentSiblings('telegraf.conf', ['telegraf.d/a.conf']), ['telegraf.d/a.conf']);
});
