/**
 * Parsing: the position model for every fixture and for the Telegraf quirks
 * listed in the fixtures README (BOM, CRLF, unquoted substitutions, indented
 * headers, inline tables, dotted keys, multi-line strings that look like
 * tables, duplicate keys, truncation, empty files), and the equivalence of the
 * strict (toml-eslint-parser) and tolerant (scanner) paths.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { directKeys, findDirectKey, maskSubstitutions, parseTelegrafConfig, tableAt, type ConfigTable, type TelegrafConfig } from '../../../../src/core/config';
import { FIXTURE_DIR, fixtureNames, readFixture } from './helpers';

const SHARED_FIXTURES = path.resolve(__dirname, '../../../../../shared/fixtures/telegraf-configs');

/** Everything except parseMode/parseError, for comparing the two parse paths. */
function comparable(cfg: TelegrafConfig): unknown {
  const { parseMode: _m, parseError: _e, ...rest } = cfg;
  return rest;
}

function table(cfg: TelegrafConfig, name: string, nth = 0): ConfigTable {
  const t = cfg.tables.filter((x) => x.name === name)[nth];
  assert.ok(t, `table ${name} #${nth} not found`);
  return t;
}

/** Checks the structural invariants every model must satisfy. */
function assertModelInvariants(cfg: TelegrafConfig): void {
  const text = cfg.text;
  let prevEnd = -1;
  for (const t of cfg.tables) {
    assert.equal(cfg.tables[t.index], t);
    assert.ok(t.headerLineStart >= prevEnd, 'tables are in document order');
    assert.ok(text[t.headerRange.start] === '[' && text[t.headerRange.end - 1] === ']', `header range of ${t.name}`);
    assert.match(t.headerIndent, /^[ \t]*$/);
    assert.equal(t.line, cfg.lineStarts.filter((s) => s <= t.headerRange.start).length - 1);
    assert.ok(t.bodyStart <= t.bodyEnd && t.bodyEnd <= text.length);
    prevEnd = t.bodyEnd;
    for (const k of t.keys) {
      assert.ok(k.keyRange.start >= t.bodyStart && k.valueRange.end <= t.bodyEnd, `key ${k.key} inside ${t.name}`);
    }
  }
  for (const k of [...cfg.rootKeys, ...cfg.tables.flatMap((t) => t.keys)]) {
    assert.equal(k.valueText, text.slice(k.valueRange.start, k.valueRange.end));
    assert.equal(k.lineStart, cfg.lineStarts[k.line]);
    assert.ok(k.keyRange.start >= k.lineStart);
    if (k.inlineTablePath === undefined) assert.match(text.slice(k.lineStart, k.keyRange.start), /^[ \t]*$/, 'direct keys start their line');
    if (k.contentRange) assert.ok(k.contentRange.start > k.valueRange.start && k.contentRange.end < k.valueRange.end);
  }
}

void describe('fixtures: copies and models', () => {
  void test('fixture copies are byte-identical to ../shared (when present)', (t) => {
    if (!existsSync(SHARED_FIXTURES)) {
      t.skip('../shared is not beside the project');
      return;
    }
    for (const name of [...fixtureNames(), 'README.md']) {
      assert.ok(readFileSync(path.join(FIXTURE_DIR, name)).equals(readFileSync(path.join(SHARED_FIXTURES, name))), `${name} differs from the shared fixture`);
    }
  });

  for (const name of fixtureNames()) {
    void test(`${name}: toml and scanner give the same model; invariants hold`, () => {
      const text = readFixture(name);
      const strict = parseTelegrafConfig(text);
      const scanned = parseTelegrafConfig(text, { scanner: true });
      assert.equal(strict.parseMode, 'toml', 'every fixture parses after masking');
      assert.equal(scanned.parseMode, 'scanner');
      assert.deepEqual(comparable(scanned), comparable(strict));
      assertModelInvariants(strict);
    });
  }
});

void describe('fixture specifics (README "Quirks exercised")', () => {
  void test('01: 10 active tables, no outputs, commented blocks are not tables', () => {
    const cfg = parseTelegrafConfig(readFixture('01-default-telegraf-full-v1.26.conf'));
    assert.equal(cfg.lineStarts.length, 10_751);
    assert.deepEqual(
      cfg.tables.map((t) => `${t.name}@${t.line + 1}`),
      [
        'global_tags@18',
        'agent@25',
        'inputs.cpu@3405',
        'inputs.disk@3419',
        'inputs.diskio@3434',
        'inputs.kernel@3465',
        'inputs.mem@3470',
        'inputs.processes@3475',
        'inputs.swap@3480',
        'inputs.system@3485',
      ],
    );
    const allKeys = cfg.tables.flatMap((t) => t.keys.map((k) => k.key));
    assert.ok(!allKeys.some((k) => k.includes('token')), 'no active token-ish key');
    assert.equal(table(cfg, 'inputs.system').bodyEnd, cfg.text.length);
  });

  void test('03: only the heartbeat; commented sub-tables are comments', () => {
    const cfg = parseTelegrafConfig(readFixture('03-heartbeat-sample.conf'));
    assert.deepEqual(
      cfg.tables.map((t) => t.name),
      ['outputs.heartbeat'],
    );
    const hb = table(cfg, 'outputs.heartbeat');
    assert.deepEqual(
      directKeys(hb).map((k) => `${k.key}@${k.line + 1}`),
      ['url@4', 'instance_id@7'],
    );
    assert.equal(hb.indent, '  ');
  });

  void test('05: the heartbeat body ends where [[inputs.cpu]] starts', () => {
    const text = readFixture('05-heartbeat-user-panic-issue18559.conf');
    const cfg = parseTelegrafConfig(text);
    const hb = table(cfg, 'outputs.heartbeat');
    assert.equal(hb.line, 15);
    assert.equal(hb.bodyEnd, text.indexOf('[[inputs.cpu]]'));
    assert.equal(tableAt(cfg, text.indexOf('# Read metrics about cpu usage')), hb, 'comments before a header belong to the previous body');
  });

  void test('06: sub-table is its own table with the heartbeat as parent; escaped quotes decode', () => {
    const cfg = parseTelegrafConfig(readFixture('06-tc-getting-started-heartbeat-status-subtable.conf'));
    const hb = table(cfg, 'outputs.heartbeat');
    const status = table(cfg, 'outputs.heartbeat.status');
    assert.equal(status.parentIndex, hb.index);
    assert.equal(status.isArray, false);
    assert.equal(status.headerIndent, '  ');
    assert.equal(status.indent, '    ');
    assert.equal(findDirectKey(hb, 'token')?.value, '${TELEGRAF_CONTROLLER_TOKEN}');
    assert.equal(findDirectKey(hb, 'instance_id')?.value, '&{agent_id}');
    const tpl = findDirectKey(table(cfg, 'outputs.file'), 'template');
    assert.equal(tpl?.value, '{{ .Time.Format "15:04:05" }}: {{ .Field "value" }}\n');
    const commands = findDirectKey(table(cfg, 'inputs.exec'), 'commands');
    assert.equal(commands?.valueKind, 'array');
    assert.deepEqual(
      commands?.scalars.map((s) => s.value),
      ['echo', 'Started with a config from Telegraf Controller'],
    );
  });

  void test('09: the unquoted ${VAR} is masked for the strict parser and kept verbatim in the model', () => {
    const text = readFixture('09-envvar-docs-unquoted-bool-two-influxdb_v2.conf');
    const cfg = parseTelegrafConfig(text);
    assert.equal(cfg.unquotedSubstitutions.length, 1);
    const sub = cfg.unquotedSubstitutions[0];
    assert.ok(sub);
    assert.equal(text.slice(sub.start, sub.end), '${INFLUX_SKIP_DATABASE_CREATION}');
    const key = findDirectKey(table(cfg, 'outputs.influxdb'), 'skip_database_creation');
    assert.equal(key?.valueKind, 'substitution');
    assert.equal(key?.valueText, '${INFLUX_SKIP_DATABASE_CREATION}');
    assert.equal(key?.value, undefined);
    assert.equal(cfg.tables.filter((t) => t.name === 'outputs.influxdb_v2').length, 2);
    assert.equal(findDirectKey(table(cfg, 'inputs.mem'), 'x'), undefined);
  });

  void test('12: keys at column 0', () => {
    const cfg = parseTelegrafConfig(readFixture('12-user-dollar-var-no-braces-unindented-issue13413.conf'));
    assert.equal(cfg.keyIndent, '');
    assert.deepEqual(
      directKeys(table(cfg, 'outputs.influxdb_v2')).map((k) => k.key),
      ['urls', 'token', 'organization', 'bucket'],
    );
  });

  void test('14: CRLF, no final EOL, trailing spaces are not part of values', () => {
    const text = readFixture('14-user-crlf-envtoken-trailing-ws-no-final-eol.conf');
    const cfg = parseTelegrafConfig(text);
    assert.equal(cfg.eol, '\r\n');
    assert.equal(cfg.endsWithEol, false);
    const token = findDirectKey(table(cfg, 'outputs.influxdb_v2'), 'token');
    assert.equal(token?.valueText, '"${INFLUX_TOKEN}"');
    assert.equal(token?.line, 18);
    const last = directKeys(table(cfg, 'inputs.mqtt_consumer')).at(-1);
    assert.equal(last?.valueRange.end, text.length);
  });

  void test('16: indented duplicated headers', () => {
    const cfg = parseTelegrafConfig(readFixture('16-user-full-config-duplicated-influxdb_v2-literal-token-excerpt.conf'));
    const [a, b] = cfg.tables.filter((t) => t.name === 'outputs.influxdb_v2');
    assert.equal(a?.headerIndent, '   ');
    assert.equal(a?.line, 102);
    assert.equal(b?.headerIndent, ' ');
    assert.equal(b?.line, 157);
  });

  void test('17: nested sub-tables find their parents', () => {
    const cfg = parseTelegrafConfig(readFixture('17-user-placeholder-token-replaced-by-script.conf'));
    const vm = table(cfg, 'processors.enum.mapping.value_mappings');
    assert.equal(vm.headerIndent, '      ');
    assert.equal(cfg.tables[vm.parentIndex ?? -1]?.name, 'processors.enum.mapping');
    assert.equal(cfg.tables[cfg.tables[vm.parentIndex ?? -1]?.parentIndex ?? -1]?.name, 'processors.enum');
    const wpc = table(cfg, 'inputs.win_perf_counters');
    assert.equal(directKeys(wpc).length, 0);
    assert.equal(wpc.indent, cfg.keyIndent);
  });

  void test('18: BOM is one UTF-16 unit at offset 0 and shifts nothing', () => {
    const text = readFixture('18-user-bom-commented-output-headers.conf');
    const cfg = parseTelegrafConfig(text);
    assert.equal(cfg.hasBom, true);
    assert.equal(text.charCodeAt(0), 0xfeff);
    assert.deepEqual(
      cfg.tables.map((t) => t.name),
      ['global_tags', 'agent'],
    );
    assert.equal(table(cfg, 'global_tags').headerRange.start, text.indexOf('[global_tags]'));
    assert.equal(table(cfg, 'global_tags').line, 1);
    assert.equal(table(cfg, 'agent').line, 8);
  });

  void test('20: inline-table entries are keys with inlineTablePath', () => {
    const cfg = parseTelegrafConfig(readFixture('20-loader-testdata-inline-table-auth-header.toml'));
    const http = table(cfg, 'outputs.http');
    assert.deepEqual(
      http.keys.map((k) => [k.key, k.inlineTablePath ?? null]),
      [
        ['headers', null],
        ['Authorization', ['headers']],
        ['Content-Type', ['headers']],
        ['taginclude', null],
      ],
    );
    assert.equal(http.keys[1]?.value, 'Token $TOKEN');
    assert.equal(http.indent, '    ');
  });

  void test('25: empty file', () => {
    const cfg = parseTelegrafConfig('');
    assert.equal(cfg.parseMode, 'toml');
    assert.deepEqual(cfg.tables, []);
    assert.equal(cfg.endsWithEol, false);
    assert.equal(cfg.eol, '\n');
    assert.equal(tableAt(cfg, 0), undefined);
  });
});

void describe('tolerance', () => {
  const both = (text: string): TelegrafConfig[] => [parseTelegrafConfig(text), parseTelegrafConfig(text, { scanner: true })];

  void test('a multi-line string that looks like a table is not a table', () => {
    const text = '[[outputs.file]]\n  template = """\n[[outputs.heartbeat]]\ntoken = "x"\n"""\n  files = [\'\'\'\n[agent]\n\'\'\']\n';
    for (const cfg of both(text)) {
      assert.deepEqual(
        cfg.tables.map((t) => t.name),
        ['outputs.file'],
      );
      assert.deepEqual(
        cfg.tables[0]?.keys.map((k) => k.key),
        ['template', 'files'],
      );
      assert.equal(cfg.tables[0]?.keys[0]?.value, '[[outputs.heartbeat]]\ntoken = "x"\n');
    }
  });

  void test('a half-typed `key =` is reported on its own line, as Telegraf reports it, not where the next line starts', () => {
    // Telegraf v1.40.1 on the first text: "line 6: invalid TOML syntax" (1-based).
    const text = '[agent]\n  interval = "10s"\n\n[[outputs.heartbeat]]\n  url = "http://x"\n  token =\n\n[[inputs.cpu]]\n';
    assert.equal(parseTelegrafConfig(text).parseError?.line, 5);
    assert.equal(parseTelegrafConfig('[[outputs.heartbeat]]\n  token =  # later\n').parseError?.line, 1);
    assert.equal(parseTelegrafConfig('[[outputs.heartbeat]]\n  token = \n  url = "x"\n').parseError?.line, 1);
  });

  void test('duplicate keys fall back to the scanner with a parse error line', () => {
    const text = '[[outputs.heartbeat]]\n  token = "a"\n  token = "b"\n[[inputs.cpu]]\n';
    const cfg = parseTelegrafConfig(text);
    assert.equal(cfg.parseMode, 'scanner');
    assert.equal(cfg.parseError?.line, 2);
    assert.deepEqual(
      cfg.tables.map((t) => t.name),
      ['outputs.heartbeat', 'inputs.cpu'],
    );
    assert.deepEqual(
      cfg.tables[0]?.keys.map((k) => k.value),
      ['a', 'b'],
    );
  });

  void test('garbage lines and unterminated strings are skipped; later tables still found', () => {
    const text =
      '[agent]\n  interval = "10s\n  this is not toml\n  = 3\n[[outputs.heartbeat]\n  [[outputs.heartbeat]]   # ok\n  url = "u" trailing\n  token = "t"\n';
    const cfg = parseTelegrafConfig(text);
    assert.equal(cfg.parseMode, 'scanner');
    assert.deepEqual(
      cfg.tables.map((t) => `${t.name}@${t.line}`),
      ['agent@0', 'outputs.heartbeat@5'],
    );
    assert.deepEqual(
      cfg.tables[1]?.keys.map((k) => k.key),
      ['url', 'token'],
    );
  });

  void test('truncated array at EOF does not throw', () => {
    for (const cfg of both('[[inputs.exec]]\n  commands = [\n    "a",\n')) {
      assert.equal(cfg.tables.length, 1);
    }
  });

  void test('unquoted substitutions in arrays, inline tables and as values', () => {
    const text = 'a = ${A}\nb = [$B, "${C}", @{s:k}]\nc = { d = &{agent_id}, e = "$$x" }\n# f = ${F}\n';
    const cfg = parseTelegrafConfig(text);
    assert.equal(cfg.parseMode, 'toml');
    assert.deepEqual(
      cfg.unquotedSubstitutions.map((r) => text.slice(r.start, r.end)),
      ['${A}', '$B', '@{s:k}', '&{agent_id}'],
    );
    assert.deepEqual(comparable(parseTelegrafConfig(text, { scanner: true })), comparable(cfg));
    assert.deepEqual(
      cfg.rootKeys.map((k) => [k.key, k.valueKind]),
      [
        ['a', 'substitution'],
        ['b', 'array'],
        ['c', 'inline-table'],
        ['d', 'substitution'],
        ['e', 'string'],
      ],
    );
    assert.deepEqual(
      cfg.rootKeys[1]?.scalars.map((s) => s.kind),
      ['substitution', 'string', 'substitution'],
    );
  });

  void test('masking leaves strings and comments alone and keeps the length', () => {
    const text = '\ufeffa = "${A}" # ${B}\nb = \'$C\'\nc = $D\n';
    const { masked, ranges } = maskSubstitutions(text);
    assert.equal(masked.length, text.length);
    assert.equal(masked[0], ' ');
    assert.deepEqual(
      ranges.map((r) => text.slice(r.start, r.end)),
      ['$D'],
    );
  });

  void test('dotted keys, quoted keys, quoted header segments, headers with comments and spaces', () => {
    const text = '  [ outputs . "http" ]  # c\n  a.b = 1\n  "Content-Type" = "x"\n  \'lit\'.q = true\n[[ inputs.cpu ]]\n';
    for (const cfg of both(text)) {
      const t = cfg.tables[0];
      assert.equal(t?.name, 'outputs.http');
      assert.equal(t?.headerIndent, '  ');
      assert.equal(text.slice(t?.headerRange.start, t?.headerRange.end), '[ outputs . "http" ]');
      assert.deepEqual(
        t?.keys.map((k) => k.keyPath),
        [['a', 'b'], ['Content-Type'], ['lit', 'q']],
      );
      assert.deepEqual(
        t?.keys.map((k) => k.valueKind),
        ['integer', 'string', 'boolean'],
      );
      assert.equal(cfg.tables[1]?.name, 'inputs.cpu');
      assert.equal(cfg.tables[1]?.isArray, true);
    }
  });

  void test('value kinds and escapes agree between the two paths', () => {
    const text = [
      'i = 1_000',
      'h = 0xFF',
      'f = -1.5e3',
      'n = nan',
      'd1 = 1979-05-27T07:32:00Z',
      'd2 = 1979-05-27 07:32:00',
      'd3 = 07:32:00',
      'b = false',
      's = "a\\tb\\u00e9\\"c"',
      "l = 'C:\\path'",
      'm = """\nline1 \\\n   line2"""',
      "ml = '''\nraw\\n'''",
      'q = """a""""',
      'nested = [[1, 2], ["x", { y = "z" }]]',
      'it = { a = { b = "c" } }',
      '',
    ].join('\n');
    const [strict, scanned] = both(text);
    assert.equal(strict?.parseMode, 'toml');
    assert.deepEqual(comparable(scanned as TelegrafConfig), comparable(strict as TelegrafConfig));
    const byKey = new Map(strict?.rootKeys.map((k) => [k.key, k]));
    assert.equal(byKey.get('s')?.value, 'a\tbé"c');
    assert.equal(byKey.get('l')?.value, 'C:\\path');
    assert.equal(byKey.get('m')?.value, 'line1 line2');
    assert.equal(byKey.get('ml')?.value, 'raw\\n');
    assert.equal(byKey.get('q')?.value, 'a"');
    assert.equal(byKey.get('d2')?.valueKind, 'datetime');
    assert.deepEqual(
      byKey.get('nested')?.scalars.map((s) => s.value ?? s.kind),
      ['integer', 'integer', 'x', 'z'],
    );
    assert.deepEqual(
      strict?.rootKeys.filter((k) => k.inlineTablePath).map((k) => [k.key, k.inlineTablePath]),
      [
        ['a', ['it']],
        ['b', ['it', 'a']],
      ],
    );
  });

  void test('CRLF and lone CR', () => {
    for (const cfg of both('[agent]\r\n  a = "x"\r\n\r\n[[inputs.cpu]]\r\n')) {
      assert.equal(cfg.eol, '\r\n');
      assert.equal(cfg.tables[0]?.keys[0]?.valueText, '"x"');
      assert.equal(cfg.tables[1]?.line, 3);
    }
    assert.equal(parseTelegrafConfig('a = 1\r\nb = 2\n\n').eol, '\n');
    assert.doesNotThrow(() => parseTelegrafConfig('a = 1\rb = 2'));
  });

  void test('BOM only, whitespace only, comments only', () => {
    for (const text of ['\ufeff', '   \n\t\n', '# [[outputs.heartbeat]]\n#  token = "x"\n']) {
      const cfg = parseTelegrafConfig(text);
      assert.deepEqual(cfg.tables, []);
      assert.deepEqual(cfg.rootKeys, []);
    }
  });
});

void describe('tableAt', () => {
  const text = 'root = 1\n[a]\n  x = 1\n\n  [a.b]\n  y = 2\n[[c]]';
  const cfg = parseTelegrafConfig(text);
  void test('prelude is no table', () => assert.equal(tableAt(cfg, 3), undefined));
  void test('header line belongs to its table', () => assert.equal(tableAt(cfg, text.indexOf('[a]'))?.name, 'a'));
  void test('leading whitespace of a header line belongs to that header', () => assert.equal(tableAt(cfg, text.indexOf('  [a.b]'))?.name, 'a.b'));
  void test('sub-table body', () => assert.equal(tableAt(cfg, text.indexOf('y =') + 1)?.name, 'a.b'));
  void test('end of text belongs to the last table', () => assert.equal(tableAt(cfg, text.length)?.name, 'c'));
  void test('blank line between keys and a sub-table', () => assert.equal(tableAt(cfg, text.indexOf('\n\n') + 1)?.name, 'a'));
});
