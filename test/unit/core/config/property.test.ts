/**
 * Property tests (fast-check):
 * - applyEdits never changes bytes outside the edited ranges;
 * - planSetToken at a random cursor in any fixture, with any reference,
 *   changes only the edited lines, keeps EOL/BOM, and (outside at-cursor
 *   inserts) writes a value that reads back as the reference;
 * - on generated Telegraf-like documents (LF/CRLF, BOM, indented headers,
 *   multi-line strings that look like tables, arrays, inline tables,
 *   unquoted substitutions) the parser never throws, the strict and
 *   tolerant paths agree, and a new heartbeat is always found afterwards;
 * - the parser and detection never throw on arbitrary text.
 * Also: the 10,750-line fixture 01 and a 10x larger file go through every
 * operation (no quadratic behaviour; times are not asserted).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyEdits,
  ConfigEditError,
  findControllerTokenLiterals,
  findDirectKey,
  findTokenSites,
  heartbeatOutputs,
  parseTelegrafConfig,
  planAddHeartbeat,
  planAddSecretStore,
  planSetToken,
  quoteBasicString,
  secretStores,
  tableAt,
  takesToken,
  type TelegrafConfig,
  type TextEdit,
} from '../../../../src/core/config';
import { PROPERTY_RUNS } from '../../propertyRuns';
import { assertEolAndBomKept, assertOnlyEditedLinesChanged, fixtureNames, readFixture } from './helpers';

const RUNS = PROPERTY_RUNS;

const fixtures = new Map(fixtureNames().map((n) => [n, readFixture(n)] as const));
const smallFixtures = [...fixtures.keys()].filter((n) => !n.startsWith('01-'));

function comparable(cfg: TelegrafConfig): unknown {
  const { parseMode: _m, parseError: _e, ...rest } = cfg;
  return rest;
}

/** Random non-overlapping edits against a text of length `n`. */
function editsFor(n: number): fc.Arbitrary<TextEdit[]> {
  return fc.uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: 8 }).chain((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) pairs.push([sorted[i] as number, sorted[i + 1] as number]);
    if (sorted.length % 2 === 1) pairs.push([sorted.at(-1) as number, sorted.at(-1) as number]);
    return fc.tuple(...pairs.map(([s, e]) => fc.string({ maxLength: 6 }).map((t): TextEdit => ({ start: s, end: e, newText: t }))));
  });
}

void describe('applyEdits', () => {
  void test('bytes outside the edited ranges never change', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60, unit: 'binary' }).chain((text) => fc.tuple(fc.constant(text), editsFor(text.length))),
        ([text, edits]) => {
          const out = applyEdits(text, edits);
          let shift = 0;
          let last = 0;
          for (const e of edits) {
            assert.equal(out.slice(last + shift, e.start + shift), text.slice(last, e.start));
            assert.equal(out.slice(e.start + shift, e.start + shift + e.newText.length), e.newText);
            shift += e.newText.length - (e.end - e.start);
            last = e.end;
          }
          assert.equal(out.slice(last + shift), text.slice(last));
          // Order of the edit list does not matter for non-empty-range edits.
          assert.equal(
            applyEdits(
              text,
              [...edits]
                .reverse()
                .filter((e) => e.start !== e.end)
                .concat(edits.filter((e) => e.start === e.end)),
            ),
            out,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** References of every kind, plus arbitrary strings (quotes, backslashes, control chars, astral). */
const referenceArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant('${TELEGRAF_CONTROLLER_TOKEN}'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/).map((n) => '${' + n + '}'),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/), fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/)).map(([a, b]) => `@{${a}:${b}}`),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/).map((t) => 'tc-apiv1_' + t),
  fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }),
);

void describe('planSetToken at random cursors in the fixtures', () => {
  void test('only the edited lines change; EOL/BOM kept; value reads back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...smallFixtures, ...smallFixtures, '01-default-telegraf-full-v1.26.conf'),
        fc.double({ min: 0, max: 1, noNaN: true }),
        referenceArb,
        (name, where, reference) => {
          const text = fixtures.get(name) as string;
          const cursorOffset = Math.floor(where * text.length);
          let plan;
          try {
            plan = planSetToken(text, { reference, cursorOffset });
          } catch (e) {
            // Refused: a place that takes no token, or a reference that a literal string cannot hold.
            assert.ok(e instanceof ConfigEditError && (e.code === 'no-token-here' || e.code === 'invalid-reference'), String(e));
            return;
          }
          const after = applyEdits(text, plan.edits);
          assertOnlyEditedLinesChanged(text, after, plan.edits);
          assertEolAndBomKept(text, after);
          const cfg = parseTelegrafConfig(after);
          if (plan.table) {
            // Wherever the cursor was: one `token` key of a plugin that takes one, never a string edit.
            assert.ok(takesToken(plan.table), `${plan.table.name} takes a token`);
            assert.ok(plan.table);
            assert.equal(cfg.parseMode, parseTelegrafConfig(text).parseMode);
            const table = cfg.tables[plan.table.index];
            assert.ok(table && table.name === plan.table.name);
            const tokens = table.keys.filter((k) => k.key === 'token' && !k.inlineTablePath);
            assert.equal(tokens.length, 1, 'exactly one token key');
            assert.equal(tokens[0]?.value, reference);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------
// Generated Telegraf-like documents.

const identArb = fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/);
const safeChars = fc.stringMatching(/^[a-zA-Z0-9 ${}@:&#=.[\]_-]{0,14}$/);
const envArb = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);

const scalarArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 10, unit: 'binary' }).map(quoteBasicString),
  safeChars.map((s) => `'${s.replace(/'/g, '')}'`),
  fc.stringMatching(/^[a-z \n[\]=#"]{0,24}$/).map((s) => '"""' + s.replace(/"{3,}/g, '"') + 'x"""'),
  fc.stringMatching(/^[a-z \n[\]=#']{0,24}$/).map((s) => "'''" + s.replace(/'{3,}/g, "'") + "x'''"),
  fc.integer().map(String),
  fc.constantFrom('1.5', '-0.25e3', 'inf', '1_000', '0x1F', 'true', 'false', '1979-05-27T07:32:00Z', '07:32:00'),
  envArb.map((n) => '${' + n + '}'),
  envArb.map((n) => '$' + n),
  fc.constantFrom('"${TELEGRAF_CONTROLLER_TOKEN}"', '"@{store:key}"', '"&{agent_id}"', '"tc-apiv1_abcDEF-_1"', '"Token $TOKEN"'),
);

const { value: valueArb } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('array'), tie('inline')) as fc.Arbitrary<string>,
  array: fc
    .tuple(fc.array(tie('value') as fc.Arbitrary<string>, { maxLength: 4 }), fc.boolean(), fc.boolean())
    .map(([items, multi, trailing]) =>
      multi ? '[\n    ' + items.join(',\n    # c\n    ') + (trailing && items.length ? ',' : '') + '\n]' : '[' + items.join(', ') + ']',
    ),
  inline: fc
    .uniqueArray(fc.tuple(identArb, tie('value') as fc.Arbitrary<string>), { maxLength: 3, selector: ([k]) => k })
    .map((entries) => '{ ' + entries.map(([k, v]) => `${k} = ${v}`).join(', ') + ' }')
    .filter((s) => !s.includes('\n')),
}));

const keyArb = fc.oneof(
  { weight: 5, arbitrary: identArb },
  { weight: 1, arbitrary: fc.constantFrom('"Content-Type"', "'quoted key'", 'token', 'instance_id', 'url') },
);

const headerNames = [
  'agent',
  'global_tags',
  'outputs.heartbeat',
  'outputs.influxdb_v2',
  'inputs.cpu',
  'inputs.exec',
  'secretstores.os',
  'processors.enum',
  'outputs.http',
];

const extraLineArb = fc.constantFrom(
  '',
  '  ',
  '# [[outputs.heartbeat]]',
  '  # token = ""',
  '  ## comment with ${VAR} and "quotes"',
  '#   [outputs.heartbeat.status]',
);

const tableArb = fc.record({
  name: fc.constantFrom(...headerNames),
  isArray: fc.boolean(),
  headerIndent: fc.constantFrom('', ' ', '   '),
  keyIndent: fc.constantFrom('', '  ', '    ', '\t'),
  keys: fc.uniqueArray(fc.tuple(keyArb, valueArb, fc.constantFrom('', ' # trailing', '  ')), { maxLength: 5, selector: ([k]) => k }),
  extra: fc.array(extraLineArb, { maxLength: 3 }),
  sub: fc.boolean(),
});

const docArb = fc
  .record({
    tables: fc.array(tableArb, { maxLength: 6 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    finalEol: fc.boolean(),
    banner: fc.boolean(),
  })
  .map(({ tables, crlf, bom, finalEol, banner }) => {
    const lines: string[] = [];
    const seenStandard = new Set<string>();
    tables.forEach((t, i) => {
      if (banner && i === Math.floor(tables.length / 2)) {
        lines.push('#'.repeat(79), '#                            OUTPUT PLUGINS                                   #', '#'.repeat(79), '');
      }
      // Keep most documents valid TOML: a standard table only once, arrays otherwise.
      const isArray = t.isArray || seenStandard.has(t.name) || t.name.includes('.');
      if (!isArray) seenStandard.add(t.name);
      lines.push(`${t.headerIndent}${isArray ? '[[' : '['}${t.name}${isArray ? ']]' : ']'}`);
      for (const [k, v, trail] of t.keys) lines.push(`${t.keyIndent}${k} = ${v}${trail}`);
      lines.push(...t.extra);
      if (t.sub && isArray) lines.push(`${t.keyIndent}[${t.name}.sub]`, `${t.keyIndent}  x = 1`);
    });
    const eol = crlf ? '\r\n' : '\n';
    let text = lines.join('\n') + (finalEol && lines.length ? '\n' : '');
    text = text.replace(/\r?\n/g, eol);
    return (bom ? '\ufeff' : '') + text;
  });

void describe('generated documents', () => {
  let tomlValid = 0;
  void test('never throws; invariants; toml and scanner agree when the text is valid', () => {
    fc.assert(
      fc.property(docArb, (text) => {
        const cfg = parseTelegrafConfig(text);
        if (cfg.parseMode === 'toml') {
          tomlValid++;
          assert.deepEqual(comparable(parseTelegrafConfig(text, { scanner: true })), comparable(cfg));
        }
        for (const k of [...cfg.rootKeys, ...cfg.tables.flatMap((t) => t.keys)]) {
          assert.equal(k.valueText, text.slice(k.valueRange.start, k.valueRange.end));
        }
        for (const t of cfg.tables) assert.equal(tableAt(cfg, t.headerRange.start), t);
        findTokenSites(cfg);
        findControllerTokenLiterals(cfg);
      }),
      { numRuns: RUNS },
    );
    // The generator must mostly produce valid TOML, or the comparison proves little.
    assert.ok(tomlValid > RUNS * 0.5, `only ${tomlValid} of ${RUNS} generated documents were valid TOML`);
  });

  void test('adding a heartbeat (and a secret store) keeps other lines and is detected afterwards', () => {
    fc.assert(
      fc.property(docArb, fc.constantFrom<'auto' | 'end'>('auto', 'end'), (text, placement) => {
        const before = parseTelegrafConfig(text);
        const storeEdits = planAddSecretStore(text, { id: 'tc_store', type: 'os' });
        const withStore = applyEdits(text, storeEdits);
        assertOnlyEditedLinesChanged(text, withStore, storeEdits);
        assertEolAndBomKept(text, withStore);
        const edits = planAddHeartbeat(withStore, { url: 'http://c:8000/agents/heartbeat', token: '@{tc_store:token}', placement });
        const after = applyEdits(withStore, edits);
        assertOnlyEditedLinesChanged(withStore, after, edits);
        assertEolAndBomKept(withStore, after);
        const cfg = parseTelegrafConfig(after);
        if (before.parseMode === 'toml') assert.equal(cfg.parseMode, 'toml', 'a valid file stays valid');
        assert.equal(heartbeatOutputs(cfg).length, heartbeatOutputs(before).length + 1);
        const added = findTokenSites(cfg).filter((s) => s.raw === '@{tc_store:token}');
        assert.equal(added.length, 1);
        assert.equal(added[0]?.store?.id, 'tc_store');
        assert.ok(secretStores(cfg).some((s) => s.id === 'tc_store'));
        if (edits[0]?.start === withStore.length) assert.ok(after.endsWith(before.eol));
      }),
      { numRuns: RUNS },
    );
  });

  void test('setting the token in the first heartbeat writes exactly one direct token key', () => {
    fc.assert(
      fc.property(docArb, referenceArb, (text, reference) => {
        const cfg = parseTelegrafConfig(text);
        const hb = heartbeatOutputs(cfg)[0];
        if (!hb) return;
        const plan = planSetToken(text, { reference, table: hb });
        const after = applyEdits(text, plan.edits);
        // A non-string token value (e.g. a multi-line array with comments) or a multi-line string
        // (whose content lines may start with `#`) is replaced whole: those lines are value, not comments.
        const old = findDirectKey(hb, 'token');
        const multiLine = !!old && text.slice(old.valueRange.start, old.valueRange.end).includes('\n');
        assertOnlyEditedLinesChanged(text, after, plan.edits, { allowCommentLines: !!old && (old.valueKind !== 'string' || multiLine) });
        assertEolAndBomKept(text, after);
        const again = parseTelegrafConfig(after);
        assert.equal(again.parseMode, cfg.parseMode);
        const table = again.tables[hb.index];
        assert.ok(table);
        // Already several token keys (invalid TOML) is the only case where more than one may remain.
        const before = hb.keys.filter((k) => k.key === 'token' && !k.inlineTablePath).length;
        const tokens = table.keys.filter((k) => k.key === 'token' && !k.inlineTablePath);
        assert.equal(tokens.length, Math.max(1, before));
        assert.equal(findDirectKey(table, 'token')?.value, reference);
        // A new key goes before any commented sub-table header of the heartbeat.
        const commented = after.slice(table.bodyStart, table.bodyEnd).search(/^[ \t]*#+[ \t]*\[\[?[ \t]*outputs\.heartbeat\./m);
        if (before === 0 && commented !== -1) assert.ok((tokens[0]?.keyRange.start ?? 0) < table.bodyStart + commented);
      }),
      { numRuns: RUNS },
    );
  });
});

void describe('arbitrary text', () => {
  void test('parse and detection never throw', () => {
    const pieces = fc.constantFrom(
      '[',
      ']',
      '[[',
      ']]',
      '"',
      "'",
      '"""',
      "'''",
      '=',
      '#',
      '\n',
      '\r\n',
      '\r',
      ' ',
      '{',
      '}',
      ',',
      '.',
      '${',
      '$',
      '@{',
      '&{',
      'a',
      'token',
      'tc-apiv1_x',
      '\\',
      '\ufeff',
      '\ud83d',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(pieces, { maxLength: 40 }).map((p) => p.join('')),
          fc.string({ maxLength: 80, unit: 'binary' }),
        ),
        (text) => {
          const cfg = parseTelegrafConfig(text);
          findTokenSites(cfg);
          findControllerTokenLiterals(text);
          for (const t of cfg.tables) assert.ok(t.headerRange.end <= text.length);
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });
});

void describe('large files', () => {
  void test('fixture 01 (10,750 lines) and a 10x copy go through every operation', () => {
    const base = fixtures.get('01-default-telegraf-full-v1.26.conf') as string;
    const big = Array.from({ length: 10 }, () => base).join('\n');
    for (const text of [base, big]) {
      const cfg = parseTelegrafConfig(text);
      assert.equal(cfg.tables.length, text === base ? 10 : 100);
      assert.equal(findTokenSites(cfg).length, 0);
      assert.deepEqual(findControllerTokenLiterals(text), []);
      const hbEdits = planAddHeartbeat(text, { url: 'http://c:8000/agents/heartbeat', token: '${T}' });
      const after = applyEdits(text, hbEdits);
      const plan = planSetToken(after, { reference: 'tc-apiv1_x', cursorOffset: after.indexOf('[[outputs.heartbeat]]') });
      assert.equal(plan.target, 'replaced');
      for (let i = 0; i < 50; i++) {
        try {
          planSetToken(text, { reference: '${T}', cursorOffset: Math.floor((i / 50) * text.length) });
        } catch (e) {
          assert.ok(e instanceof ConfigEditError && e.code === 'no-token-here', String(e));
        }
      }
    }
    // The 10x copy repeats [agent]: not valid TOML, so the scanner handled it.
    assert.equal(parseTelegrafConfig(big).parseMode, 'scanner');
  });
});
