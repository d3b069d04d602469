/**
 * `telegraf config check` on a private copy, and its output mapped onto
 * lines. The mapping is tested on output the real Telegraf printed (run here
 * when `scripts/build-telegraf.sh` has built it), and on recorded lines.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTelegrafConfig } from '../../../../src/core/config';
import { checkConfigText, findOnPath, parseCheckOutput, runTelegraf, telegrafVersion, TelegrafRunError } from '../../../../src/core/telegraf';
import { skipWithoutTelegraf, telegrafBinary } from '../config/telegrafBinary';

const HB = '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n';

async function check(text: string, name = 'telegraf.conf') {
  const bin = telegrafBinary()!;
  const r = await checkConfigText(bin, text, name, { env: { PATH: process.env.PATH ?? '' } });
  const problems = parseCheckOutput(`${r.stdout}\n${r.stderr}`, {
    tempPath: r.tempPath,
    displayName: name,
    cfg: parseTelegrafConfig(text),
    exitCode: r.exitCode,
  });
  return { r, problems };
}

describe('telegraf config check (real binary)', { skip: skipWithoutTelegraf() }, () => {
  test('--version is parsed', async () => {
    const v = await telegrafVersion(telegrafBinary()!);
    assert.equal(v.text, '1.40.1');
  });

  test('a good config: exit 0, no problems, and the private copy is gone afterwards', async () => {
    const { r, problems } = await check('[agent]\n  interval = "10s"\n' + HB + '  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(problems, []);
    assert.ok(r.tempPath.startsWith(os.tmpdir()));
    assert.equal(existsSync(r.tempPath), false);
    assert.equal(existsSync(path.dirname(r.tempPath)), false);
  });

  test('an unknown option is placed on its own key line, even inside a sub-table', async () => {
    const text = '[agent]\n  interval = "10s"\n' + HB + '  [outputs.heartbeat.status]\n    default = "ok"\n  include = ["status"]\n';
    const { problems } = await check(text, 'my.conf');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.severity, 'error');
    assert.equal(problems[0]?.line, 7, problems[0]?.message);
    assert.match(problems[0]!.message, /^plugin outputs\.heartbeat: line 3: configuration specified the fields \["include"\]/);
  });

  test('a duplicate key: the line Telegraf names', async () => {
    const text = HB + '  token = "a"\n  token = "b"\n';
    const { problems } = await check(text);
    assert.equal(problems[0]?.line, 4);
    assert.match(problems[0]!.message, /in conflict with line 4/);
  });

  test('a plugin that fails to initialise: its header', async () => {
    const text = '[agent]\n  interval = "10s"\n\n[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/x"\n';
    const { problems } = await check(text);
    assert.equal(problems[0]?.line, 3);
    assert.match(problems[0]!.message, /could not initialize output outputs\.heartbeat: instance ID required/);
  });

  test('a secret reference Telegraf cannot resolve: the line that holds it, not line 1', async () => {
    const text = '# token = "@{nostore:tc_key}" (a comment)\n\n' + HB + '  token = "@{nostore:tc_key}"\n';
    const { problems } = await check(text);
    assert.match(problems[0]!.message, /unknown secret store for "@\{nostore:tc_key\}"/);
    assert.equal(problems[0]?.line, 5);
    assert.equal(problems[0]?.located, true);
  });

  test('an unquoted ${VAR} (strict env handling): the line; the temp path never shows', async () => {
    const text = HB + '  token = ${TELEGRAF_CONTROLLER_TOKEN}\n';
    const { r, problems } = await check(text, 'agent.conf');
    assert.equal(problems[0]?.line, 3);
    for (const p of problems) assert.ok(!p.message.includes(r.tempPath) && !p.message.includes('tc-telegraf-check-'), p.message);
  });

  test('the copy is private: mode 0600 in a 0700 directory', async () => {
    // A config that prints its own file's mode would need a plugin; instead watch the directory while Telegraf runs.
    const seen: string[] = [];
    const bin = telegrafBinary()!;
    const wrapper = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'tc-wrap-')), 'telegraf');
    await fs.writeFile(wrapper, `#!/bin/sh\nstat -c '%a' "$(dirname "$4")" "$4"\nexec "${bin}" "$@"\n`, { mode: 0o700 });
    const r = await checkConfigText(wrapper, HB, 'x.conf');
    seen.push(...r.stdout.trim().split('\n').slice(0, 2));
    assert.deepEqual(seen, ['700', '600']);
    await fs.rm(path.dirname(wrapper), { recursive: true, force: true });
  });
});

describe('running Telegraf: failures', () => {
  test('a missing binary is not-found', async () => {
    await assert.rejects(runTelegraf('/nonexistent/telegraf', ['--version']), (e: unknown) => e instanceof TelegrafRunError && e.code === 'not-found');
  });

  test('a binary that hangs is stopped at the time limit', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tc-hang-'));
    const bin = path.join(dir, 'telegraf');
    await fs.writeFile(bin, '#!/bin/sh\nexec sleep 30\n', { mode: 0o700 });
    await assert.rejects(checkConfigText(bin, HB, 'x.conf', { timeoutMs: 300 }), (e: unknown) => e instanceof TelegrafRunError && e.code === 'timeout');
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('a program that is not Telegraf is refused by --version', async () => {
    await assert.rejects(telegrafVersion('/bin/echo'), (e: unknown) => e instanceof TelegrafRunError && e.code === 'not-telegraf');
  });

  test('findOnPath finds an executable telegraf and skips other files', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tc-path-'));
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    await fs.mkdir(a);
    await fs.mkdir(b);
    await fs.writeFile(path.join(a, 'telegraf'), 'not executable', { mode: 0o600 });
    await fs.writeFile(path.join(b, 'telegraf'), '#!/bin/sh\n', { mode: 0o700 });
    assert.equal(await findOnPath(`${a}:${b}`, 'linux'), path.join(b, 'telegraf'));
    assert.equal(await findOnPath(a, 'linux'), undefined);
    assert.equal(await findOnPath('', 'linux'), undefined);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('parseCheckOutput (recorded lines)', () => {
  const cfg = parseTelegrafConfig('[[inputs.cpu]]\n[[outputs.file]]\n  files = ["stdout"]\n  data_format = "nope"\n');
  test('generic warnings are dropped, file warnings kept, "undefined but requested" goes to the plugin', () => {
    const out = [
      '2026-12-01T22:17:35Z W! Strict environment variable handling will be the new default starting with v1.38.0! …',
      '2026-12-01T22:17:35Z I! Loading config: /tmp/tc-telegraf-check-x/a.conf',
      "2026-12-01T22:17:35Z W! [agent] The default value of 'skip_processors_after_aggregators' will change to 'true' with Telegraf v1.40.0!",
      '2026-12-01T22:28:18Z E! loading config file /tmp/tc-telegraf-check-x/a.conf failed: error parsing file array, undefined but requested serializer: nope',
    ].join('\n');
    const p = parseCheckOutput(out, { tempPath: '/tmp/tc-telegraf-check-x/a.conf', displayName: 'a.conf', cfg, exitCode: 1 });
    assert.deepEqual(p, [{ severity: 'error', message: 'error parsing file array, undefined but requested serializer: nope', line: 1, located: true }]);
  });

  test('a failure without an E! line still becomes an error, on the first line', () => {
    const p = parseCheckOutput('panic: something\n', { tempPath: '/x', displayName: 'a', cfg, exitCode: 2 });
    assert.deepEqual(p, [{ severity: 'error', message: 'panic: something', line: 0, located: false }]);
  });

  test('a line number past the end is clamped to the last line', () => {
    const p = parseCheckOutput('E! loading config file /x failed: error parsing data: line 99: invalid TOML syntax', {
      tempPath: '/x',
      displayName: 'a',
      cfg,
      exitCode: 1,
    });
    assert.equal(p[0]?.line, cfg.lineStarts.length - 1);
  });
});
