/** The env files "Add to Env File…" wrote, remembered for rotate (src/core/deploy/writtenEnvFiles.ts): paths only, bounded, deduplicated. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayEnvFilePath,
  envFileEditCommand,
  envFileRestartCommand,
  isRememberablePath,
  MAX_WRITTEN_ENV_FILES,
  parseWrittenEnvFiles,
  rememberEnvFile,
  WRITTEN_ENV_FILES_KEY,
} from '../../../../src/core/deploy';

test('a new path goes first; a known one moves to the front instead of being listed twice', () => {
  let list = rememberEnvFile([], '/etc/default/telegraf');
  list = rememberEnvFile(list, '/home/me/telegraf.env');
  assert.deepEqual(list, ['/home/me/telegraf.env', '/etc/default/telegraf']);
  list = rememberEnvFile(list, '/etc/default/telegraf');
  assert.deepEqual(list, ['/etc/default/telegraf', '/home/me/telegraf.env']);
  assert.deepEqual(rememberEnvFile(list, '/etc/default/telegraf'), list, 'the most recent again: unchanged');
});

test('the list is bounded: the oldest paths are forgotten first', () => {
  let list: string[] = [];
  for (let i = 0; i < MAX_WRITTEN_ENV_FILES + 5; i++) list = rememberEnvFile(list, `/srv/agent-${i}.env`);
  assert.equal(list.length, MAX_WRITTEN_ENV_FILES);
  assert.equal(list[0], `/srv/agent-${MAX_WRITTEN_ENV_FILES + 4}.env`);
  assert.equal(list.at(-1), '/srv/agent-5.env');
  assert.ok(!list.includes('/srv/agent-4.env'));
});

test('only absolute paths are remembered: nothing that could be a value or a relative name', () => {
  const list = ['/etc/default/telegraf'];
  for (const bad of ['', '/', 'telegraf.env', './x.env', '~/x.env', 'tc-apiv1_AbCdEf0123456789', '/tmp/a\nTOKEN=x', 'x'.repeat(5000), `/${'x'.repeat(5000)}`])
    assert.deepEqual(rememberEnvFile(list, bad), list, JSON.stringify(bad.slice(0, 30)));
  assert.ok(isRememberablePath('C:\\ProgramData\\telegraf\\telegraf.env'));
  assert.ok(isRememberablePath('\\\\server\\share\\telegraf.env'));
  assert.ok(!isRememberablePath(42));
});

test('the stored list is read defensively: whatever is not a list of absolute paths is dropped', () => {
  assert.deepEqual(parseWrittenEnvFiles(undefined), []);
  assert.deepEqual(parseWrittenEnvFiles(null), []);
  assert.deepEqual(parseWrittenEnvFiles({ 0: '/etc/default/telegraf' }), []);
  assert.deepEqual(parseWrittenEnvFiles('not json'), []);
  assert.deepEqual(parseWrittenEnvFiles('"/etc/default/telegraf"'), []);
  assert.deepEqual(parseWrittenEnvFiles('["/etc/default/telegraf", 3]'), ['/etc/default/telegraf'], 'its JSON text');
  assert.deepEqual(parseWrittenEnvFiles(['/a.env', 7, null, 'rel.env', { p: '/b.env' }, '/a.env', '/b.env']), ['/a.env', '/b.env']);
  const many = Array.from({ length: 50 }, (_, i) => `/x/${i}.env`);
  assert.deepEqual(parseWrittenEnvFiles(many), many.slice(0, MAX_WRITTEN_ENV_FILES));
  assert.match(WRITTEN_ENV_FILES_KEY, /^telegrafController\./);
});

test('a path under the home folder is shown as ~/…; others as they are', () => {
  assert.equal(displayEnvFilePath('/home/me/telegraf.env', '/home/me'), '~/telegraf.env');
  assert.equal(displayEnvFilePath('/home/me/agents/a.env', '/home/me/'), '~/agents/a.env');
  assert.equal(displayEnvFilePath('/home/meow/a.env', '/home/me'), '/home/meow/a.env', 'a sibling folder with the same prefix');
  assert.equal(displayEnvFilePath('/etc/default/telegraf', '/home/me'), '/etc/default/telegraf');
  assert.equal(displayEnvFilePath('/etc/default/telegraf', '/'), '/etc/default/telegraf');
  assert.equal(displayEnvFilePath('/home/me/a.env', undefined), '/home/me/a.env');
  assert.equal(displayEnvFilePath('C:\\Users\\me\\a.env', 'C:\\Users\\me'), '~\\a.env');
});

test('the restart command only where the service is known; sudoedit quotes the path', () => {
  assert.equal(envFileRestartCommand('/etc/default/telegraf'), 'sudo systemctl restart telegraf');
  assert.equal(envFileRestartCommand('/etc/telegraf/telegraf-controller.env'), 'sudo systemctl restart telegraf');
  assert.equal(envFileRestartCommand('/etc/telegrafx/a.env'), undefined);
  assert.equal(envFileRestartCommand('/home/me/telegraf.env'), undefined);
  assert.equal(envFileRestartCommand('/home/me/telegraf.env', 'agent'), 'sudo systemctl restart agent', 'the unit that reads it');
  assert.equal(envFileEditCommand('/etc/default/telegraf'), 'sudoedit /etc/default/telegraf && sudo systemctl restart telegraf');
  assert.equal(envFileEditCommand("/srv/my agent's.env"), "sudoedit '/srv/my agent'\\''s.env'");
});
