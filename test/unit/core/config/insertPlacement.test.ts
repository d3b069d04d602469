/**
 * Where an insertion may land. A token goes only where Telegraf reads one: a
 * direct `token` key of a plugin that takes one (or the credential of an
 * `Authorization` header). Never `[agent]`, `[global_tags]`, inputs or
 * outputs without a `token` option, secret stores, sub-tables of those, the
 * top level, or inside another value (a Starlark script). A second secret
 * store never splits the block of the one before it, and a half-typed
 * `token =` is filled in rather than duplicated.
 *
 * Every config here (before and after) is also judged by the real Telegraf
 * loader (`telegraf config check`) when `scripts/build-telegraf.sh` has built it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyEdits,
  ConfigEditError,
  envReference,
  findDirectKey,
  parseTelegrafConfig,
  planAddSecretStore,
  planSetToken,
  secretStores,
} from '../../../../src/core/config';
import { configCheck, skipWithoutTelegraf } from './telegrafBinary';

const REF = envReference();
const HB = '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n';

/** Splits `text` at the `|` marker: the text without it and the cursor offset. */
function cursorAt(marked: string): { text: string; cursor: number } {
  const cursor = marked.indexOf('|');
  assert.ok(cursor >= 0 && marked.indexOf('|', cursor + 1) === -1, 'exactly one | marker');
  return { text: marked.slice(0, cursor) + marked.slice(cursor + 1), cursor };
}

interface Refused {
  name: string;
  marked: string;
  /** Words the refusal must contain (says where and why). */
  says: string[];
}

const REFUSED: Refused[] = [
  { name: '[agent]', marked: '[agent]\n  interval = "10s"\n|\n' + HB, says: ['[agent] (line 1)', 'takes no token'] },
  { name: '[global_tags]', marked: '[global_tags]\n  dc = "eu"\n  |\n[agent]\n  interval = "10s"\n' + HB, says: ['[global_tags] (line 1)'] },
  { name: 'an input without a token option', marked: '[[inputs.cpu]]\n  percpu = true\n\n|\n' + HB, says: ['[[inputs.cpu]] (line 1)', 'no "token" option'] },
  {
    name: 'a secret store',
    marked: '[[secretstores.os]]\n  id = "local_secrets"\n|\n' + HB,
    says: ['[[secretstores.os]] (line 1)', 'secret store'],
  },
  {
    name: 'a sub-table of a plugin without a token option',
    marked: '[[inputs.cpu]]\n  percpu = true\n  [inputs.cpu.tags]\n    role = "db"\n|\n' + HB,
    says: ['[[inputs.cpu]] (line 1)'],
  },
  { name: 'the top level', marked: '# my agent\n|\n[agent]\n  interval = "10s"\n' + HB, says: ['top of the file'] },
  {
    name: 'an output without a token option',
    marked: HB + '\n[[outputs.file]]\n  files = ["stdout"]\n|\n',
    says: ['[[outputs.file]] (line 5)', 'no "token" option'],
  },
  {
    name: 'a blank line inside a multi-line Starlark script',
    marked: '[[processors.starlark]]\n  source = """\ndef apply(metric):\n|\n    return metric\n"""\n' + HB,
    says: ['inside the value of "source" on line 2', 'never written into another value'],
  },
  {
    name: 'a blank line inside a multi-line array',
    marked: '[[inputs.exec]]\n  commands = [\n    "echo cpu value=1",\n|\n  ]\n  data_format = "influx"\n' + HB,
    says: ['inside the value of "commands"'],
  },
  { name: 'the URL of an output without a token option', marked: '[[outputs.file]]\n  files = ["std|out"]\n' + HB, says: ['inside the value of "files"'] },
];

void describe('insert at the cursor: refused where no token belongs', () => {
  for (const c of REFUSED) {
    void test(c.name, () => {
      const { text, cursor } = cursorAt(c.marked);
      assert.throws(
        () => planSetToken(text, { reference: REF, cursorOffset: cursor }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigEditError, String(e));
          assert.equal(e.code, 'no-token-here');
          for (const w of c.says) assert.ok(e.message.includes(w), `"${e.message}" says ${w}`);
          return true;
        },
      );
    });
  }

  void test('every refused config is one Telegraf loads (the refusal is not about a broken file)', { skip: skipWithoutTelegraf() }, () => {
    for (const c of REFUSED) {
      const { text } = cursorAt(c.marked);
      const r = configCheck(text);
      assert.ok(r.ok, `${c.name}: ${r.errors.join('\n')}`);
    }
  });
});

interface Placed {
  name: string;
  marked: string;
  expected: string;
}

const PLACED: Placed[] = [
  {
    name: 'a blank line of a plugin that takes a token gets the token line at the cursor',
    marked: '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n|\n  bucket = "b"\n',
    expected: '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n  bucket = "b"\n',
  },
  {
    name: "a blank line next to the sample's commented-out token: that line becomes the token, in its style",
    marked: '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  ## Token for authentication.\n  # token = \'\'\n|\n  bucket = "b"\n',
    expected:
      '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  ## Token for authentication.\n  token = \'${TELEGRAF_CONTROLLER_TOKEN}\'\n\n  bucket = "b"\n',
  },
  {
    name: 'a sub-table of a plugin that takes a token: a direct key of the plugin, above the sub-table',
    marked: '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  [outputs.influxdb_v2.tagpass]\n    cpu = ["cpu0"]\n|\n',
    expected:
      '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n  [outputs.influxdb_v2.tagpass]\n    cpu = ["cpu0"]\n\n',
  },
  {
    name: 'a half-typed `token = ` in a heartbeat is filled in, not duplicated',
    marked: '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n  token = |\n  interval = "1m"\n',
    expected:
      '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n  interval = "1m"\n',
  },
  {
    name: 'a half-typed `token =` without a space, cursor elsewhere in the heartbeat',
    marked: '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n  token =\n|\n',
    expected: '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n\n',
  },
  {
    name: 'a half-typed `token = ` in another plugin that takes a token',
    marked: '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  token = \n|\n',
    expected: '[[outputs.influxdb_v2]]\n  urls = ["http://127.0.0.1:8086"]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n\n',
  },
  {
    name: 'the cursor inside the credential of an Authorization header replaces the credential only',
    marked: '[[outputs.http]]\n  url = "http://127.0.0.1:1/write"\n  [outputs.http.headers]\n    Authorization = "Bearer old|"\n',
    expected: '[[outputs.http]]\n  url = "http://127.0.0.1:1/write"\n  [outputs.http.headers]\n    Authorization = "Bearer ${TELEGRAF_CONTROLLER_TOKEN}"\n',
  },
];

void describe('insert at the cursor: where a token belongs', () => {
  for (const c of PLACED) {
    void test(c.name, () => {
      const { text, cursor } = cursorAt(c.marked);
      const after = applyEdits(text, planSetToken(text, { reference: REF, cursorOffset: cursor }).edits);
      assert.equal(after, c.expected);
      const t = parseTelegrafConfig(after).tables[0]!;
      assert.equal(t.keys.filter((k) => k.key === 'token' && !k.inlineTablePath).length <= 1, true, 'never two token keys');
    });
  }

  void test('every result passes telegraf config check', { skip: skipWithoutTelegraf() }, () => {
    for (const c of PLACED) {
      const r = configCheck(c.expected);
      assert.ok(r.ok, `${c.name}: ${r.errors.join('\n')}`);
    }
  });

  void test('before the fix the half-typed heartbeat got a second token key, which Telegraf rejects', { skip: skipWithoutTelegraf() }, () => {
    const twice =
      '[[outputs.heartbeat]]\n  url = "http://127.0.0.1:1/agents/heartbeat"\n  instance_id = "agent-1"\n  token = \n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n';
    assert.equal(configCheck(twice).ok, false, 'the checker can fail');
  });
});

void describe('a second secret store keeps the block of the store before it', () => {
  const before =
    '[[secretstores.jose]]\n' +
    '  id = "cloud_secrets"\n' +
    '  path = "/tmp"\n' +
    '  password = "${JOSE_PASSWORD}"\n' +
    '  ## Amount of time to cache secrets (none by default)\n' +
    '  # ttl = "5m"\n' +
    '\n' +
    '###############################################################################\n' +
    '#                            OUTPUT PLUGINS                                   #\n' +
    '###############################################################################\n' +
    '\n' +
    '# Write to standard output\n' +
    '[[outputs.file]]\n' +
    '  files = ["stdout"]\n';

  void test('the new store goes after the trailing comments of the old one, before the banner', () => {
    const after = applyEdits(before, planAddSecretStore(before, { id: 'local_secrets', type: 'os' }));
    assert.equal(
      after,
      '[[secretstores.jose]]\n' +
        '  id = "cloud_secrets"\n' +
        '  path = "/tmp"\n' +
        '  password = "${JOSE_PASSWORD}"\n' +
        '  ## Amount of time to cache secrets (none by default)\n' +
        '  # ttl = "5m"\n' +
        '\n' +
        "# Secrets from the operating system's keyring\n" +
        '[[secretstores.os]]\n' +
        '  id = "local_secrets"\n' +
        '\n' +
        '###############################################################################\n' +
        '#                            OUTPUT PLUGINS                                   #\n' +
        '###############################################################################\n' +
        '\n' +
        '# Write to standard output\n' +
        '[[outputs.file]]\n' +
        '  files = ["stdout"]\n',
    );
    assert.deepEqual(
      secretStores(parseTelegrafConfig(after)).map((s) => s.id),
      ['cloud_secrets', 'local_secrets'],
    );
  });

  void test('the comment directly above the next header stays with that header; an unindented store keeps its own comments', () => {
    const tight = '[[secretstores.os]]\n  id = "a"\n  # keyring = "x"\n# Write to standard output\n[[outputs.file]]\n  files = ["stdout"]\n';
    assert.equal(
      applyEdits(tight, planAddSecretStore(tight, { id: 'b', type: 'docker' })),
      '[[secretstores.os]]\n  id = "a"\n  # keyring = "x"\n\n# Secrets from Docker secrets (/run/secrets)\n[[secretstores.docker]]\n  id = "b"\n\n# Write to standard output\n[[outputs.file]]\n  files = ["stdout"]\n',
    );
    const flat = '[[secretstores.os]]\nid = "a"\n# keyring = "x"\n\n# Write to standard output\n[[outputs.file]]\nfiles = ["stdout"]\n';
    assert.equal(
      applyEdits(flat, planAddSecretStore(flat, { id: 'b', type: 'docker' })),
      '[[secretstores.os]]\nid = "a"\n# keyring = "x"\n\n# Secrets from Docker secrets (/run/secrets)\n[[secretstores.docker]]\nid = "b"\n\n# Write to standard output\n[[outputs.file]]\nfiles = ["stdout"]\n',
    );
  });

  void test('before and after pass telegraf config check', { skip: skipWithoutTelegraf() }, () => {
    const after = applyEdits(before, planAddSecretStore(before, { id: 'local_secrets', type: 'os' }));
    for (const t of [before, after]) {
      const r = configCheck(t);
      assert.ok(r.ok, r.errors.join('\n'));
    }
  });

  void test('the half-typed key is read as an empty value by the tolerant parser', () => {
    const cfg = parseTelegrafConfig('[[outputs.heartbeat]]\n  token = \n  url = "u"\n');
    assert.equal(cfg.parseMode, 'scanner');
    const k = findDirectKey(cfg.tables[0]!, 'token');
    assert.ok(k);
    assert.equal(k.valueRange.start, k.valueRange.end);
    assert.equal(findDirectKey(cfg.tables[0]!, 'url')?.value, 'u');
  });
});
