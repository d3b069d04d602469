/**
 * The create form's words (src/webview/createToken/words.ts): in English they
 * equal the labels of src/core/permissions.ts, every error kind of the
 * controller client has words, and a loaded bundle replaces them.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PRESETS, RESOURCES, describePermissions, whyNotGrantable, ROLES } from '../../../src/core/permissions';
import {
  configureWords,
  describePermissionsWords,
  errorWords,
  presetDescription,
  presetName,
  resourceDescription,
  resourceLabel,
  whyNotGrantableWords,
} from '../../../src/webview/createToken/words';

test('English words equal the core labels', () => {
  configureWords(undefined);
  for (const r of RESOURCES) {
    assert.equal(resourceLabel(r.id), r.label);
    assert.equal(resourceDescription(r.id), r.description);
  }
  for (const p of PRESETS) {
    assert.equal(presetName(p.id), p.label);
    assert.equal(presetDescription(p.id), p.description);
  }
  const perms = { configs: ['read', 'write'], heartbeat: ['write'] } as const;
  assert.equal(describePermissionsWords(perms as never), describePermissions(perms as never));
  assert.equal(describePermissionsWords({}), describePermissions({}));
  assert.equal(whyNotGrantableWords('manager', 'license', 'write'), whyNotGrantable('manager', 'license', 'write'));
  for (const role of ROLES) assert.ok(whyNotGrantableWords(role, 'users', 'delete').length > 20);
});

test('every ErrorKind of the controller client has words', () => {
  const source = readFileSync(path.join(__dirname, '..', '..', '..', 'src', 'core', 'api', 'errors.ts'), 'utf8');
  const union = /export type ErrorKind =([\s\S]*?);/.exec(source)?.[1] ?? '';
  const kinds = [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!);
  assert.ok(kinds.length >= 15, `kinds found: ${kinds.join(', ')}`);
  for (const k of kinds) assert.ok(errorWords(k), `words for ${k}`);
  for (const k of ['busy', 'not-signed-in', 'forbidden-role', 'invalid-request', 'unexpected']) assert.ok(errorWords(k), `words for ${k}`);
  assert.equal(errorWords('something-new'), undefined);
});

test('a loaded bundle replaces the words; the bundle file has them all', () => {
  const bundle = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  for (const r of RESOURCES) assert.ok(r.label in bundle && r.description in bundle, `${r.id} in l10n/bundle.l10n.json (npm run l10n)`);
  configureWords({ Configurations: 'Konfigurationen', '{0}: {1}': '{0} – {1}', read: 'lesen' });
  try {
    assert.equal(resourceLabel('configs'), 'Konfigurationen');
    assert.equal(describePermissionsWords({ configs: ['read'] }), 'Konfigurationen – lesen');
  } finally {
    configureWords(undefined);
  }
  assert.equal(resourceLabel('configs'), 'Configurations');
});
