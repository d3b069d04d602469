/**
 * Insertion planning: a golden file for every fixture × insertion form (env
 * reference, secret-store reference, literal `tc-apiv1_` value) × relevant
 * operation (set the token in the heartbeat where there is one, add a
 * heartbeat where there is none, replace each detected credential), with the
 * invariants checked in code as well: bytes outside the edited lines,
 * EOL/BOM, comment lines untouched, re-parse, no duplicate key, and what
 * detection sees afterwards. `UPDATE_GOLDEN=1` rewrites the golden files
 * (then review them by eye against the fixtures README).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  applyEdits,
  ConfigEditError,
  envReference,
  findDirectKey,
  findTokenSites,
  heartbeatOutputs,
  parseTelegrafConfig,
  planAddHeartbeat,
  planAddSecretStore,
  planReplaceSite,
  planSetToken,
  secretReference,
  secretStores,
  type TextEdit,
} from '../../../../src/core/config';
import {
  assertEolAndBomKept,
  assertGolden as assertGoldenFile,
  assertOnlyEditedLinesChanged,
  fixtureNames,
  GOLDEN_DIR,
  readFixture,
  splitName,
  UPDATE_GOLDEN,
} from './helpers';

/** Every golden file a case compares with (relative to GOLDEN_DIR), to find orphans. */
const usedGoldens = new Set<string>();

function declareGolden(dir: string, file: string): void {
  usedGoldens.add(`${dir}/${file}`);
}

function assertGolden(dir: string, file: string, actual: string): void {
  assertGoldenFile(dir, file, actual);
}

/** A fake controller token: never a real one. */
const LITERAL = 'tc-apiv1_EXAMPLEonly0123456789abcdefABCDEF';
const URL = 'http://localhost:8000/agents/heartbeat';
const SECRET_KEY = 'telegraf_controller_token';
const NEW_STORE_ID = 'telegraf_secrets';

type Form = 'env' | 'secret' | 'literal';
const FORMS: Form[] = ['env', 'secret', 'literal'];
const EXPECTED_CLASS: Record<Form, string> = { env: 'env', secret: 'secret', literal: 'controller-literal' };

interface Step {
  edits: TextEdit[];
  before: string;
  after: string;
}

/** Applies one plan, checking the invariants every plan must keep. */
function step(before: string, edits: TextEdit[]): Step {
  const after = applyEdits(before, edits);
  assertOnlyEditedLinesChanged(before, after, edits);
  assertEolAndBomKept(before, after);
  const b = parseTelegrafConfig(before);
  const a = parseTelegrafConfig(after);
  assert.equal(a.parseMode, b.parseMode, 'the edited file parses the same way');
  assert.deepEqual(a.unquotedSubstitutions.length, b.unquotedSubstitutions.length, 'no substitution was quoted or added');
  return { edits, before, after };
}

/**
 * The reference for a form. For `secret`, reuses the file's first secret
 * store; when there is none, first adds `[[secretstores.os]] id = "telegraf_secrets"`.
 */
function prepare(text: string, form: Form): { text: string; reference: string } {
  if (form === 'env') return { text, reference: envReference() };
  if (form === 'literal') return { text, reference: LITERAL };
  const store = secretStores(parseTelegrafConfig(text))[0];
  if (store) return { text, reference: secretReference(store.id, SECRET_KEY) };
  const s = step(text, planAddSecretStore(text, { id: NEW_STORE_ID, type: 'os' }));
  assert.equal(s.edits.length, 1);
  assert.deepEqual(
    secretStores(parseTelegrafConfig(s.after)).map((x) => x.id),
    [NEW_STORE_ID],
  );
  return { text: s.after, reference: secretReference(NEW_STORE_ID, SECRET_KEY) };
}

/** Checks that the file's only/first heartbeat carries exactly one `token` = reference. */
function assertHeartbeatToken(after: string, reference: string, form: Form, expectedHeartbeats: number): void {
  const cfg = parseTelegrafConfig(after);
  const hbs = heartbeatOutputs(cfg);
  assert.equal(hbs.length, expectedHeartbeats);
  const hb = hbs[0];
  assert.ok(hb);
  const tokens = hb.keys.filter((k) => k.key === 'token' && !k.inlineTablePath);
  assert.equal(tokens.length, 1, 'exactly one token key');
  assert.equal(tokens[0]?.value, reference);
  const site = findTokenSites(cfg).find((s) => s.key === tokens[0]);
  assert.equal(site?.classification, EXPECTED_CLASS[form]);
  if (form === 'secret') assert.ok(site?.store, 'the secret reference resolves to a store of the file');
  // The token is a direct key: before any sub-table header, commented or not.
  const commentedSub = after.slice(hb.bodyStart, hb.bodyEnd).search(/^[ \t]*#[ \t]*\[outputs\.heartbeat\./m);
  if (commentedSub !== -1) assert.ok((tokens[0]?.keyRange.start ?? 0) < hb.bodyStart + commentedSub);
}

const fixtures = fixtureNames();

void describe('golden: set the token in the existing heartbeat', () => {
  for (const name of fixtures) {
    const original = readFixture(name);
    const cfg = parseTelegrafConfig(original);
    const hb = heartbeatOutputs(cfg)[0];
    if (!hb) continue;
    const { stem, ext } = splitName(name);
    for (const form of FORMS) {
      declareGolden(stem, `set-token.${form}.${ext}`);
      void test(`${name} × ${form}`, () => {
        const { text, reference } = prepare(original, form);
        const heartbeat = heartbeatOutputs(parseTelegrafConfig(text))[0];
        assert.ok(heartbeat);
        const plan = planSetToken(text, { reference, cursorOffset: heartbeat.bodyStart });
        const s = step(text, plan.edits);
        assertHeartbeatToken(s.after, reference, form, 1);
        assertGolden(stem, `set-token.${form}.${ext}`, s.after);
        // A cursor anywhere in the heartbeat or its sub-tables, or no cursor at all, gives the same result.
        const again = parseTelegrafConfig(text);
        const hb2 = heartbeatOutputs(again)[0];
        assert.ok(hb2);
        const subs = again.tables.filter((t) => t.parentIndex === hb2.index);
        for (const offset of [hb2.headerRange.start, hb2.bodyEnd - 1, ...subs.map((t) => t.bodyStart)]) {
          assert.equal(applyEdits(text, planSetToken(text, { reference, cursorOffset: offset }).edits), s.after);
        }
        assert.equal(applyEdits(text, planSetToken(text, { reference }).edits), s.after);
        assert.equal(applyEdits(text, planSetToken(text, { reference, table: hb2 }).edits), s.after);
        // Idempotent: a second run changes nothing.
        assert.deepEqual(planSetToken(s.after, { reference }).edits, []);
      });
    }
  }
});

void describe('golden: add a heartbeat where there is none', () => {
  for (const name of fixtures) {
    const original = readFixture(name);
    if (heartbeatOutputs(parseTelegrafConfig(original)).length > 0) continue;
    const { stem, ext } = splitName(name);
    const placements: ('auto' | 'end')[] = name.startsWith('14-') ? ['auto', 'end'] : ['auto'];
    for (const placement of placements) {
      for (const form of FORMS) {
        declareGolden(stem, `add-heartbeat${placement === 'end' ? '-end' : ''}.${form}.${ext}`);
        void test(`${name} × ${form}${placement === 'end' ? ' (at the end)' : ''}`, () => {
          const { text, reference } = prepare(original, form);
          const sitesBefore = findTokenSites(parseTelegrafConfig(text)).map((s) => s.raw);
          const s = step(text, planAddHeartbeat(text, { url: URL, token: reference, placement }));
          assert.equal(s.edits.length, 1);
          assertHeartbeatToken(s.after, reference, form, 1);
          // Existing credentials are untouched: the new token is the only new site.
          const sitesAfter = findTokenSites(parseTelegrafConfig(s.after)).map((x) => x.raw);
          assert.deepEqual(
            sitesAfter.filter((r) => r !== reference),
            sitesBefore.filter((r) => r !== reference),
          );
          if (s.edits[0]?.start === text.length) assert.ok(s.after.endsWith(parseTelegrafConfig(text).eol), 'an appended block ends with EOL');
          assertGolden(stem, `add-heartbeat${placement === 'end' ? '-end' : ''}.${form}.${ext}`, s.after);
        });
      }
    }
  }
});

void describe('golden: replace each detected credential', () => {
  for (const name of fixtures) {
    const original = readFixture(name);
    const sites = findTokenSites(parseTelegrafConfig(original));
    if (sites.length === 0) continue;
    const { stem, ext } = splitName(name);
    sites.forEach((_, index) => {
      for (const form of FORMS) {
        declareGolden(stem, `replace-site-${index + 1}.${form}.${ext}`);
        void test(`${name} site ${index + 1} × ${form}`, () => {
          const { text, reference } = prepare(original, form);
          const site = findTokenSites(parseTelegrafConfig(text))[index];
          assert.ok(site);
          const plan = planReplaceSite(text, site, reference);
          const s = step(text, plan.edits);
          const after = findTokenSites(parseTelegrafConfig(s.after));
          assert.equal(after.length, sites.length, 'same number of sites');
          const changed = after[index];
          assert.ok(changed);
          assert.equal(changed.classification, EXPECTED_CLASS[form]);
          assert.equal(s.after.slice(changed.credentialRange.start, changed.credentialRange.end), reference);
          assert.equal(changed.scheme, site.scheme, 'the Authorization scheme is kept');
          // Other sites are untouched.
          after.forEach((x, i) => {
            if (i !== index) assert.equal(x.raw, findTokenSites(parseTelegrafConfig(text))[i]?.raw);
          });
          assertGolden(stem, `replace-site-${index + 1}.${form}.${ext}`, s.after);
        });
      }
    });
  }
});

void describe('golden directory', () => {
  void test('every fixture has goldens and no golden file is orphaned', (t) => {
    const onDisk = readdirSync(GOLDEN_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(GOLDEN_DIR, d.name)).map((f) => `${d.name}/${f}`))
      .sort();
    if (UPDATE_GOLDEN) {
      t.diagnostic(`orphans (delete by hand): ${onDisk.filter((f) => !usedGoldens.has(f)).join(', ') || 'none'}`);
      return;
    }
    assert.deepEqual(onDisk, [...usedGoldens].sort());
    for (const name of fixtures)
      assert.ok(
        [...usedGoldens].some((g) => g.startsWith(splitName(name).stem + '/')),
        name,
      );
  });
});

void describe('fixture-specific expectations (README)', () => {
  void test("03/05: the sample's commented-out token becomes the token line, under its own ## comment", () => {
    for (const name of ['03-heartbeat-sample.conf', '05-heartbeat-user-panic-issue18559.conf']) {
      const text = readFixture(name);
      const before = text.split('\n');
      const at = before.indexOf('  # token = ""');
      assert.ok(at > 0, name);
      const after = applyEdits(text, planSetToken(text, { reference: envReference(), cursorOffset: text.indexOf('[[outputs.heartbeat]]') }).edits).split('\n');
      assert.equal(after.length, before.length, 'no line added');
      assert.equal(after[at], '  token = "${TELEGRAF_CONTROLLER_TOKEN}"');
      assert.equal(after[at - 1], before[at - 1], 'the ## comment above stays');
      assert.ok(!after.includes('  # token = ""'));
    }
  });

  void test('a commented-out token is replaced in the style the user had', () => {
    const hb = (line: string) => `[[outputs.heartbeat]]\n    url = "u"\n${line}\n    interval = "1m"\n`;
    const cases: Array<[string, string, string]> = [
      ["    #token=''", envReference(), "    token='${TELEGRAF_CONTROLLER_TOKEN}'"],
      ['    ## token = "old"  ', envReference(), '    token = "${TELEGRAF_CONTROLLER_TOKEN}"'],
      ["\t# token = ''", "it's", '\ttoken = "it\'s"'],
    ];
    for (const [line, reference, expected] of cases) {
      assert.equal(applyEdits(hb(line), planSetToken(hb(line), { reference }).edits), hb(expected), line);
    }
    // Prose and other keys are not a commented-out token option.
    for (const line of ['    ## Token for bearer authentication', '    # token_file = ""', '    # tokens = 1']) {
      const after = applyEdits(hb(line), planSetToken(hb(line), { reference: envReference() }).edits);
      assert.ok(after.includes(line + '\n'), line);
      assert.ok(after.includes('    url = "u"\n    token = "${TELEGRAF_CONTROLLER_TOKEN}"\n'), after);
    }
    // A commented token after a commented sub-table header belongs to the sub-table: not used.
    const sub = '[[outputs.heartbeat]]\n  url = "u"\n  # [outputs.heartbeat.headers]\n  # token = ""\n';
    assert.equal(
      applyEdits(sub, planSetToken(sub, { reference: envReference() }).edits),
      '[[outputs.heartbeat]]\n  url = "u"\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n  # [outputs.heartbeat.headers]\n  # token = ""\n',
    );
  });

  void test('04: the empty token value is replaced in place (no second token key)', () => {
    const text = readFixture('04-influxdb_v2-sample-empty-token.conf');
    const cfg = parseTelegrafConfig(text);
    const table = cfg.tables[0];
    assert.ok(table);
    const plan = planSetToken(text, { reference: envReference(), table });
    assert.equal(plan.target, 'replaced');
    const after = applyEdits(text, plan.edits);
    assert.equal(after.split('\n')[14], '  token = "${TELEGRAF_CONTROLLER_TOKEN}"');
    assert.equal(after.split('\n')[13], '  ## Token for authentication.');
  });

  void test('06: already configured via env var: no change', () => {
    const text = readFixture('06-tc-getting-started-heartbeat-status-subtable.conf');
    const plan = planSetToken(text, { reference: envReference() });
    assert.equal(plan.target, 'replaced');
    assert.deepEqual(plan.edits, []);
  });

  void test('01: the heartbeat goes right after the OUTPUT PLUGINS banner; l.121 stays commented', () => {
    const text = readFixture('01-default-telegraf-full-v1.26.conf');
    const edits = planAddHeartbeat(text, { url: URL, token: envReference() });
    const after = applyEdits(text, edits);
    const lines = after.split('\n');
    assert.equal(lines[116], '###############################################################################');
    assert.equal(lines[117], '');
    assert.equal(lines[118], '# Send heartbeats to Telegraf Controller');
    assert.equal(lines[119], '[[outputs.heartbeat]]');
    assert.ok(after.includes('\n# [[outputs.influxdb_v2]]\n'));
    assert.equal(after.length - text.length, edits[0]?.newText.length);
  });

  void test('14: appending at the end first completes the last line with CRLF', () => {
    const text = readFixture('14-user-crlf-envtoken-trailing-ws-no-final-eol.conf');
    const after = applyEdits(text, planAddHeartbeat(text, { url: URL, placement: 'end' }));
    assert.ok(after.includes('  data_format = "influx"\r\n\r\n# Send heartbeats to Telegraf Controller\r\n[[outputs.heartbeat]]\r\n'));
    assert.ok(after.endsWith('\r\n'));
  });

  void test('18: BOM kept and no half-commented block completed', () => {
    const text = readFixture('18-user-bom-commented-output-headers.conf');
    const after = applyEdits(text, planAddHeartbeat(text, { url: URL, token: envReference() }));
    assert.ok(after.startsWith('\ufeff# Global tags'));
    assert.ok(after.includes('\n# [[outputs.influxdb_v2]]\n'));
    assert.ok(after.includes('\n  # token = ""\n'));
    assert.deepEqual(
      parseTelegrafConfig(after).tables.map((t) => t.name),
      ['global_tags', 'agent', 'outputs.heartbeat'],
    );
  });

  void test('25: the empty file gets a complete block ending with a newline', () => {
    const after = applyEdits('', planAddHeartbeat('', { url: URL, token: envReference() }));
    assert.equal(
      after,
      '# Send heartbeats to Telegraf Controller\n[[outputs.heartbeat]]\n  url = "http://localhost:8000/agents/heartbeat"\n' +
        "  ## &{agent_id}: Telegraf Controller puts in each agent's id when it serves\n" +
        '  ## this config (telegraf --config <controller URL>); a local file sends it as written.\n' +
        '  instance_id = "&{agent_id}"\n  interval = "1m"\n  include = ["hostname", "status"]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n',
    );
  });

  void test('08: a heartbeat with a secret token can reuse either existing store', () => {
    const text = readFixture('08-secretstores-docs-os-jose-chained.conf');
    for (const id of ['local_secrets', 'cloud_secrets']) {
      const ref = secretReference(id, SECRET_KEY);
      const after = applyEdits(text, planAddHeartbeat(text, { url: URL, token: ref }));
      const site = findTokenSites(parseTelegrafConfig(after)).find((s) => s.table?.name === 'outputs.heartbeat');
      assert.equal(site?.store?.id, id);
      assert.deepEqual(planAddSecretStore(after, { id, type: 'os' }), [], 'existing store id: nothing to add');
    }
  });
});

void describe('planSetToken: cursor and table cases', () => {
  const ref = envReference();

  void test('cursor on a blank line outside a heartbeat writes a token line with the table indentation', () => {
    const text = '[[outputs.influxdb_v2]]\n  urls = ["u"]\n\n';
    const plan = planSetToken(text, { reference: ref, cursorOffset: text.indexOf('\n\n') + 1 });
    assert.equal(plan.target, 'at-cursor');
    assert.equal(applyEdits(text, plan.edits), '[[outputs.influxdb_v2]]\n  urls = ["u"]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n');
  });

  void test('cursor on a blank line of a table that has a token replaces it instead of duplicating it', () => {
    const text = '[[outputs.influxdb_v2]]\n  token = "old"\n\n';
    const plan = planSetToken(text, { reference: ref, cursorOffset: text.length - 1 });
    assert.equal(plan.target, 'replaced');
    assert.equal(applyEdits(text, plan.edits), '[[outputs.influxdb_v2]]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n\n');
  });

  void test('cursor inside an Authorization header replaces the credential, escaped for the string', () => {
    const text = '[[outputs.http]]\n  headers = { Authorization = "Bearer " }\n';
    const at = text.indexOf('Bearer ') + 'Bearer '.length;
    const plan = planSetToken(text, { reference: 'a"b', cursorOffset: at });
    assert.equal(applyEdits(text, plan.edits), '[[outputs.http]]\n  headers = { Authorization = "Bearer a\\"b" }\n');
  });

  void test('cursor inside another string or a multi-line array is refused', () => {
    const isHere = (e: unknown) => e instanceof ConfigEditError && e.code === 'no-token-here';
    assert.throws(() => planSetToken("[[outputs.file]]\n  files = ['x']\n", { reference: ref, cursorOffset: 28 }), isHere);
    // In a plugin that takes a token the cursor only picks the plugin: the token becomes its key, never part of the string.
    const inToken = "[[outputs.influxdb_v2]]\n  bucket = 'x'\n";
    assert.equal(
      applyEdits(inToken, planSetToken(inToken, { reference: ref, cursorOffset: 36 }).edits),
      '[[outputs.influxdb_v2]]\n  bucket = \'x\'\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n',
    );
    const text = '[[inputs.exec]]\n  commands = [\n\n  ]\n';
    assert.throws(() => planSetToken(text, { reference: ref, cursorOffset: text.indexOf('[\n\n') + 2 }), isHere);
  });

  void test('a cursor before the BOM or between CR and LF is moved to a safe place', () => {
    const bom = '\ufeff\n[[outputs.influxdb_v2]]\n';
    assert.throws(
      () => planSetToken(bom, { reference: ref, cursorOffset: 0 }),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'no-token-here',
    );
    const crlf = '[[outputs.influxdb_v2]]\r\n  a = 1\r\n';
    const after = applyEdits(crlf, planSetToken(crlf, { reference: ref, cursorOffset: crlf.indexOf('1') + 2 }).edits);
    assert.equal(after, '[[outputs.influxdb_v2]]\r\n  a = 1\r\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\r\n');
  });

  void test('cursor after "=" inserts the quoted reference', () => {
    const text = '[[outputs.x]]\n  token = \n';
    const plan = planSetToken(text, { reference: ref, cursorOffset: text.indexOf('= ') + 2 });
    assert.equal(applyEdits(text, plan.edits), '[[outputs.x]]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n');
  });

  void test('a heartbeat without keys gets the token after its header, indented like the file', () => {
    const text = '[agent]\n    interval = "10s"\n[[outputs.heartbeat]]\n[[inputs.cpu]]\n';
    assert.equal(
      applyEdits(text, planSetToken(text, { reference: ref }).edits),
      '[agent]\n    interval = "10s"\n[[outputs.heartbeat]]\n    token = "${TELEGRAF_CONTROLLER_TOKEN}"\n[[inputs.cpu]]\n',
    );
  });

  void test('keys after a commented sub-table header are not anchors', () => {
    const text = '[[outputs.heartbeat]]\n  url = "u"\n  # [outputs.heartbeat.status]\n  #   default = "ok"\n  interval = "1m"\n';
    const after = applyEdits(text, planSetToken(text, { reference: ref }).edits);
    assert.equal(
      after,
      '[[outputs.heartbeat]]\n  url = "u"\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n  # [outputs.heartbeat.status]\n  #   default = "ok"\n  interval = "1m"\n',
    );
  });

  void test('the anchor on the last line without EOL keeps the missing final EOL', () => {
    const text = '[[outputs.heartbeat]]\r\n  instance_id = "a" # comment';
    assert.equal(
      applyEdits(text, planSetToken(text, { reference: ref }).edits),
      '[[outputs.heartbeat]]\r\n  instance_id = "a" # comment\r\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"',
    );
  });

  void test('existing literal, multi-line and unquoted token values', () => {
    const cases: [string, string][] = [
      ["[[outputs.heartbeat]]\n  token = 'old' # c\n", "[[outputs.heartbeat]]\n  token = '${TELEGRAF_CONTROLLER_TOKEN}' # c\n"],
      ['[[outputs.heartbeat]]\n  token = """\nold"""\n', '[[outputs.heartbeat]]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n'],
      ['[[outputs.heartbeat]]\n  token = ${OLD}\n', '[[outputs.heartbeat]]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n'],
    ];
    for (const [text, expected] of cases) assert.equal(applyEdits(text, planSetToken(text, { reference: ref }).edits), expected);
  });

  void test('a reference with quotes and backslashes round-trips', () => {
    const text = '[[outputs.heartbeat]]\n  token = ""\n';
    const weird = 'a"b\\c\u0001é';
    const after = applyEdits(text, planSetToken(text, { reference: weird }).edits);
    assert.equal(findDirectKey(parseTelegrafConfig(after).tables[0] ?? { keys: [] }, 'token')?.value, weird);
  });

  void test('several heartbeats without cursor: ambiguous; none: no target or a new heartbeat', () => {
    const two = '[[outputs.heartbeat]]\n[[outputs.heartbeat]]\n';
    assert.throws(
      () => planSetToken(two, { reference: LITERAL }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigEditError);
        assert.equal(e.code, 'ambiguous-target');
        assert.ok(!e.message.includes(LITERAL), 'the token value never appears in errors');
        return true;
      },
    );
    assert.throws(
      () => planSetToken('', { reference: LITERAL }),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'no-target',
    );
    const plan = planSetToken('', { reference: LITERAL, heartbeat: { url: URL } });
    assert.equal(plan.target, 'new-heartbeat');
    assert.ok(!plan.summary.includes(LITERAL));
    assert.ok(applyEdits('', plan.edits).includes(`  token = "${LITERAL}"\n`));
  });

  void test('bad input: empty reference, cursor outside, stale table', () => {
    const text = readFixture('03-heartbeat-sample.conf');
    const isCode = (code: string) => (e: unknown) => e instanceof ConfigEditError && e.code === code;
    assert.throws(() => planSetToken(text, { reference: '' }), isCode('invalid-reference'));
    assert.throws(() => planSetToken(text, { reference: ref, cursorOffset: text.length + 1 }), isCode('invalid-offset'));
    assert.throws(() => planSetToken(text, { reference: ref, cursorOffset: 1.5 }), isCode('invalid-offset'));
    assert.throws(
      () => planSetToken(text, { reference: ref, table: { name: 'outputs.heartbeat', headerRange: { start: 3, end: 9 } } }),
      isCode('table-not-found'),
    );
  });

  void test('summaries never contain the value', () => {
    for (const name of fixtures) {
      const text = readFixture(name);
      try {
        const plan = planSetToken(text, { reference: LITERAL, cursorOffset: Math.floor(text.length / 2) });
        assert.ok(!plan.summary.includes(LITERAL));
      } catch (e) {
        assert.ok(e instanceof ConfigEditError && !e.message.includes(LITERAL));
      }
    }
  });
});

void describe('references, secret stores and applyEdits', () => {
  void test('envReference / secretReference', () => {
    assert.equal(envReference(), '${TELEGRAF_CONTROLLER_TOKEN}');
    assert.equal(envReference('INFLUX_TOKEN'), '${INFLUX_TOKEN}');
    assert.equal(secretReference('my_vault', 'influx_token'), '@{my_vault:influx_token}');
    for (const bad of ['', '1X', 'A-B', 'A B', '${X}']) {
      assert.throws(
        () => envReference(bad),
        (e: unknown) => e instanceof ConfigEditError && e.code === 'invalid-name',
      );
    }
    for (const [id, key] of [
      ['bad-id', 'k'],
      ['id', 'bad.key'],
      ['', 'k'],
      ['id', ''],
      ['id:x', 'k'],
    ]) {
      assert.throws(
        () => secretReference(id as string, key as string),
        (e: unknown) => e instanceof ConfigEditError && e.code === 'invalid-name',
      );
    }
  });

  void test('planAddSecretStore: types, placement after the last store, existing id, validation', () => {
    const text = readFixture('08-secretstores-docs-os-jose-chained.conf');
    const after = applyEdits(text, planAddSecretStore(text, { id: 'docker_secrets', type: 'docker' }));
    assertOnlyEditedLinesChanged(text, after, planAddSecretStore(text, { id: 'docker_secrets', type: 'docker' }));
    assert.ok(
      after.includes(
        '  password = "@{local_secrets:cloud_store_passwd}"\n\n# Secrets from Docker secrets (/run/secrets)\n[[secretstores.docker]]\n  id = "docker_secrets"\n\n[[inputs.http]]',
      ),
    );
    assert.deepEqual(planAddSecretStore(text, { id: 'local_secrets', type: 'jose' }), []);
    const jose = applyEdits('', planAddSecretStore('', { id: 'j', type: 'jose', password: '@{local:pw}' }));
    assert.equal(
      jose,
      '# Secrets in local files encrypted with JOSE\n[[secretstores.jose]]\n  id = "j"\n  path = "/etc/telegraf/secrets"\n  password = "@{local:pw}"\n',
    );
    const os = applyEdits('[agent]\r\n', planAddSecretStore('[agent]\r\n', { id: 'o', type: 'os' }));
    assert.equal(os, '[agent]\r\n\r\n# Secrets from the operating system\'s keyring\r\n[[secretstores.os]]\r\n  id = "o"\r\n');
    assert.throws(
      () => planAddSecretStore('', { id: 'a-b', type: 'os' }),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'invalid-name',
    );
    assert.throws(
      () => planAddSecretStore('', { id: 'a', type: 'vault' as 'os' }),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'invalid-option',
    );
  });

  void test('planAddHeartbeat: options and validation', () => {
    const after = applyEdits('\ufeff', planAddHeartbeat('\ufeff', { url: 'http://h/"q"', instanceId: 'a1', interval: '30s', include: ['hostname'] }));
    assert.equal(
      after,
      '\ufeff# Send heartbeats to Telegraf Controller\n[[outputs.heartbeat]]\n  url = "http://h/\\"q\\""\n  instance_id = "a1"\n  interval = "30s"\n  include = ["hostname"]\n',
    );
    assert.throws(
      () => planAddHeartbeat('', { url: ' ' }),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'invalid-option',
    );
    assert.throws(
      () => planAddHeartbeat('', { url: URL, include: [''] }),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'invalid-option',
    );
    // A banner followed by keys of the table above is not a safe place: append instead.
    const text = '[agent]\n###############\n# OUTPUT PLUGINS #\n###############\n  interval = "1s"\n';
    const edits = planAddHeartbeat(text, { url: URL });
    assert.equal(edits[0]?.start, text.length);
  });

  void test('planReplaceSite refuses a stale site', () => {
    const text = readFixture('04-influxdb_v2-sample-empty-token.conf');
    const [site] = findTokenSites(parseTelegrafConfig(text));
    assert.ok(site);
    assert.throws(
      () => planReplaceSite('x' + text, site, LITERAL),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'stale-site',
    );
  });

  void test('applyEdits: order, same-offset insertions, overlap and range errors', () => {
    assert.equal(
      applyEdits('abcdef', [
        { start: 4, end: 5, newText: 'E' },
        { start: 0, end: 1, newText: 'A' },
      ]),
      'AbcdEf',
    );
    assert.equal(
      applyEdits('ab', [
        { start: 1, end: 1, newText: 'x' },
        { start: 1, end: 1, newText: 'y' },
      ]),
      'axyb',
    );
    assert.throws(
      () =>
        applyEdits('abc', [
          { start: 0, end: 2, newText: '' },
          { start: 1, end: 3, newText: '' },
        ]),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'overlapping-edits',
    );
    assert.throws(
      () => applyEdits('abc', [{ start: 2, end: 4, newText: '' }]),
      (e: unknown) => e instanceof ConfigEditError && e.code === 'invalid-offset',
    );
  });
});

void test('a multi-line string token whose content line starts with # is replaced whole (fast-check counterexample)', () => {
  const text = '[[outputs.heartbeat]]\ntoken = """\n#x"""';
  const plan = planSetToken(text, { reference: '${A}', table: heartbeatOutputs(parseTelegrafConfig(text))[0] });
  const after = applyEdits(text, plan.edits);
  assert.equal(after, '[[outputs.heartbeat]]\ntoken = "${A}"');
  assert.equal(parseTelegrafConfig(after).parseMode, 'toml');
});
