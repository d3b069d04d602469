/**
 * Telegraf's own loader judges our edits: `telegraf config check` (the real
 * agent, built by scripts/build-telegraf.sh) on every fixture of
 * test/fixtures/telegraf-configs before and after each insertion form — env
 * reference, secret-store reference (a `[[secretstores.jose]]` whose password
 * comes from the environment, the secret set with `telegraf secrets set`),
 * literal, and a new `[[outputs.heartbeat]]` — and on every golden output of
 * test/fixtures/golden. Variables are set to placeholder values and every
 * referenced secret is set to a placeholder (in its own kernel keyring for
 * `secretstores.os`, see telegraf.ts).
 *
 * A file that passed before an edit must pass after it. The markdown table of
 * files and results is printed and written to
 * test-results/telegraf-config-check.md. Where Telegraf and our parser
 * (src/core/config, docs: fixtures README) disagree about whether a file is
 * valid TOML, the case is listed there too and fails here.
 */
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  applyEdits,
  ConfigEditError,
  envReference,
  parseTelegrafConfig,
  planAddHeartbeat,
  planAddSecretStore,
  planSetToken,
  secretReference,
  type TextEdit,
} from '../../src/core/config';
import { secretValueCommand, unreadableEncoding } from '../../src/core/telegraf';
import { configCheck, envVarNames, missingReason, PINNED_TELEGRAF_VERSION, ROOT, secretRefs, TELEGRAF_138, telegrafBinary, type CheckResult } from './telegraf';

const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/telegraf-configs');
const GOLDEN_DIR = path.join(ROOT, 'test/fixtures/golden');
const HEARTBEAT_URL = 'http://127.0.0.1:9/agents/heartbeat';
/** A fake controller token: never a real one. */
const LITERAL = 'tc-apiv1_EXAMPLEonly0123456789abcdefABCDEF';
const PLACEHOLDER_TOKEN = 'tc-apiv1_placeholder0000000000000000000000';
const STORE_ID = 'telegraf_secrets';
const SECRET_KEY = 'telegraf_controller_token';
const JOSE_PASSWORD_VAR = 'TC_TEST_JOSE_PASSWORD';

type Op = 'env' | 'secret' | 'literal' | 'heartbeat';
const OPS: Op[] = ['env', 'secret', 'literal', 'heartbeat'];
const OP_TITLE: Record<Op, string> = { env: 'env ref', secret: 'secret-store ref', literal: 'literal', heartbeat: '+ heartbeat' };

const fixtures = readdirSync(FIXTURE_DIR)
  .filter((f) => f !== 'README.md' && !f.startsWith('.'))
  .sort();
const goldens = readdirSync(GOLDEN_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(path.join(GOLDEN_DIR, d.name)).map((f) => `${d.name}/${f}`))
  .sort();

let work: string;
before(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'tc-config-check-'));
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The edited text for an operation, or the reason the planner refused. */
function edit(original: string, op: Op, joseDir: string): { text: string } | { refused: string } {
  try {
    const apply = (text: string, edits: TextEdit[]): string => applyEdits(text, edits);
    switch (op) {
      case 'env':
        return { text: apply(original, planSetToken(original, { reference: envReference(), heartbeat: { url: HEARTBEAT_URL } }).edits) };
      case 'literal':
        return { text: apply(original, planSetToken(original, { reference: LITERAL, heartbeat: { url: HEARTBEAT_URL } }).edits) };
      case 'secret': {
        const withStore = apply(original, planAddSecretStore(original, { id: STORE_ID, type: 'jose', path: joseDir, password: `\${${JOSE_PASSWORD_VAR}}` }));
        return {
          text: apply(withStore, planSetToken(withStore, { reference: secretReference(STORE_ID, SECRET_KEY), heartbeat: { url: HEARTBEAT_URL } }).edits),
        };
      }
      case 'heartbeat':
        return { text: apply(original, planAddHeartbeat(original, { url: HEARTBEAT_URL, token: envReference() })) };
    }
  } catch (e) {
    if (e instanceof ConfigEditError) return { refused: e.code };
    throw e;
  }
}

let seq = 0;
/** Results by binary and text: a fixture is checked once per binary, however many goldens refer to it. */
const memo = new Map<string, Promise<CheckResult>>();

/** Writes `text` under a fresh directory as `name` and checks it with placeholders for every variable and secret it names. */
function check(bin: string, name: string, text: string): Promise<CheckResult> {
  const key = `${bin}\0${path.extname(name)}\0${text}`;
  let r = memo.get(key);
  if (!r) {
    r = checkNow(bin, name, text);
    memo.set(key, r);
  }
  return r;
}

async function checkNow(bin: string, name: string, text: string): Promise<CheckResult> {
  const dir = path.join(work, String(++seq));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, path.basename(name));
  writeFileSync(file, text);
  const env: Record<string, string> = {};
  for (const v of envVarNames(text)) env[v] = 'placeholder';
  env.TELEGRAF_CONTROLLER_TOKEN = PLACEHOLDER_TOKEN;
  env.INFLUX_TOKEN = PLACEHOLDER_TOKEN;
  env[JOSE_PASSWORD_VAR] = 'placeholder-password';
  const secrets = secretRefs(text).map((r) => ({ ...r, value: PLACEHOLDER_TOKEN }));
  return configCheck(bin, file, env, secrets);
}

/** Our parser's view: does the file load as TOML the way Telegraf (strict env handling) loads it? */
function ourVerdict(text: string): { ok: boolean; line?: number } {
  const cfg = parseTelegrafConfig(text);
  if (cfg.parseMode === 'toml' && cfg.unquotedSubstitutions.length === 0) return { ok: true };
  const first = cfg.unquotedSubstitutions[0];
  const line = cfg.parseError ? cfg.parseError.line + 1 : first ? text.slice(0, first.start).split('\n').length : undefined;
  return line === undefined ? { ok: false } : { ok: false, line };
}

function cell(r: CheckResult | { refused: string } | undefined): string {
  if (!r) return '';
  if ('refused' in r) return `refused (${r.refused})`;
  if (r.ok) return 'pass';
  const first = r.errors.split('\n')[0] ?? `exit ${String(r.code)}`;
  return `FAIL: ${first.replace(/\|/g, '\\|').slice(0, 110)}`;
}

interface Row {
  file: string;
  results: Partial<Record<'before' | Op, CheckResult | { refused: string }>>;
  parser: string;
}

const disagreements: string[] = [];

function recordParser(version: string, label: string, text: string, r: CheckResult): string {
  const ours = ourVerdict(text);
  const telegrafSyntaxOk = r.syntaxErrorLine === undefined;
  if (ours.ok === telegrafSyntaxOk) return ours.ok ? 'agrees (TOML ok)' : `agrees (syntax error l.${r.syntaxErrorLine ?? '?'})`;
  const msg = `${label} (Telegraf ${version}): our parser says ${ours.ok ? 'valid' : `invalid at l.${ours.line ?? '?'}`}, Telegraf says ${telegrafSyntaxOk ? 'valid' : `syntax error at l.${r.syntaxErrorLine}`}`;
  disagreements.push(msg);
  return `DISAGREES: ${msg}`;
}

function table(rows: Row[], withOps: boolean): string {
  const head = withOps
    ? ['file', 'before', ...OPS.map((o) => OP_TITLE[o]), 'our parser vs Telegraf (syntax)']
    : ['golden output', 'config check', 'our parser vs Telegraf (syntax)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = withOps ? [r.file, cell(r.results.before), ...OPS.map((o) => cell(r.results[o])), r.parser] : [r.file, cell(r.results.before), r.parser];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const report: string[] = [];

for (const version of [PINNED_TELEGRAF_VERSION, TELEGRAF_138]) {
  const bin = telegrafBinary(version);
  const rows: Row[] = [];
  const goldenRows: Row[] = [];

  void describe(`telegraf ${version} config check: fixtures before and after each insertion form`, { skip: bin ? false : missingReason(version) }, () => {
    for (const name of fixtures) {
      void test(name, async () => {
        const original = readFileSync(path.join(FIXTURE_DIR, name), 'utf8');
        const row: Row = { file: name, results: {}, parser: '' };
        rows.push(row);
        const beforeResult = await check(bin!, name, original);
        row.results.before = beforeResult;
        row.parser = recordParser(version, name, original, beforeResult);
        const regressions: string[] = [];
        for (const op of OPS) {
          const joseDir = path.join(work, `jose-${++seq}`);
          const edited = edit(original, op, joseDir);
          if ('refused' in edited) {
            row.results[op] = edited;
            continue;
          }
          const r = await check(bin!, name, edited.text);
          row.results[op] = r;
          if (beforeResult.ok && !r.ok) regressions.push(`${OP_TITLE[op]}: ${r.errors}`);
        }
        assert.deepEqual(regressions, [], `${name} passed config check before the edit but not after`);
      });
    }
  });

  void describe(`telegraf ${version} config check: golden outputs`, { skip: bin ? false : missingReason(version) }, () => {
    for (const name of goldens) {
      void test(name, async () => {
        const text = readFileSync(path.join(GOLDEN_DIR, name), 'utf8');
        const r = await check(bin!, name, text);
        const stem = name.split('/')[0]!;
        const fixture = fixtures.find((f) => f.startsWith(`${stem}.`));
        assert.ok(fixture, `the fixture of ${name}`);
        const beforeResult = await check(bin!, fixture, readFileSync(path.join(FIXTURE_DIR, fixture), 'utf8'));
        goldenRows.push({ file: name, results: { before: r }, parser: recordParser(version, name, text, r) });
        if (beforeResult.ok) assert.ok(r.ok, `${name}: its fixture passes config check, the golden output does not:\n${r.errors}`);
      });
    }
  });

  void describe(`telegraf ${version} config check: report`, { skip: bin ? false : missingReason(version) }, () => {
    void test('the table', () => {
      rows.sort((a, b) => a.file.localeCompare(b.file));
      goldenRows.sort((a, b) => a.file.localeCompare(b.file));
      report.push(
        `### Telegraf ${version}: \`telegraf config check\`, fixtures × insertion forms\n\n${table(rows, true)}\n\n### Telegraf ${version}: golden outputs\n\n${table(goldenRows, false)}\n`,
      );
      assert.equal(rows.length, fixtures.length);
    });
  });
}

void describe('telegraf config check: our parser agrees with Telegraf', () => {
  void test('no disagreement about which files are valid TOML', () => {
    const out = [...report, `### Parser disagreements\n\n${disagreements.length ? disagreements.map((d) => `- ${d}`).join('\n') : 'none'}\n`].join('\n');
    const dir = path.join(ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'telegraf-config-check.md'), out);
    console.log(`\n${out}`);
    assert.deepEqual(disagreements, []);
  });
});

void describe('secret stores: which ones telegraf secrets set writes', { skip: telegrafBinary() ? false : missingReason() }, () => {
  void test('a docker store is refused by telegraf secrets set (so the editor gives a Docker secret file instead), a jose store is written', () => {
    const dir = mkdtempSync(path.join(work, 'stores-'));
    const docker = path.join(dir, 'docker.conf');
    // The secrets directory the container would have (/run/secrets), here a folder of the test.
    mkdirSync(path.join(dir, 'run-secrets'));
    writeFileSync(docker, `[[secretstores.docker]]\n  id = "d"\n  path = "${path.join(dir, 'run-secrets')}"\n\n[[outputs.discard]]\n`);
    const refused = spawnSync(telegrafBinary()!, ['--config', docker, 'secrets', 'set', 'd', 'k', 'v'], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(refused.status, 0, 'telegraf refuses to set a docker secret');
    assert.match(`${refused.stdout}${refused.stderr}`, /does not support setting secrets/);
    assert.equal(secretValueCommand('docker', docker, 'd', 'k')?.kind, 'docker');
    const jose = path.join(dir, 'jose.conf');
    writeFileSync(jose, `[[secretstores.jose]]\n  id = "j"\n  path = "${path.join(dir, 'jose')}"\n  password = "pw"\n\n[[outputs.discard]]\n`);
    const set = spawnSync(telegrafBinary()!, ['--config', jose, 'secrets', 'set', 'j', 'k', 'v'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(set.status, 0, `${set.stdout}${set.stderr}`);
    assert.equal(secretValueCommand('jose', jose, 'j', 'k')?.kind, 'telegraf');
  });
});

void describe('file encodings: which ones Telegraf reads, and unreadableEncoding agrees', { skip: telegrafBinary() ? false : missingReason() }, () => {
  const text = '# café\n[[inputs.cpu]]\n  percpu = true\n\n[[outputs.heartbeat]]\n  url = "http://127.0.0.1:9/agents/heartbeat"\n  instance_id = "enc"\n';
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const utf32le = (s: string) => Buffer.concat([...s].map((ch) => Buffer.from(new Uint32Array([ch.codePointAt(0)!]).buffer)));
  const encodings: [string, Buffer][] = [
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['Latin-1 (é in a comment)', Buffer.from(text, 'latin1')],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le')],
    ['UTF-32LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le(text)])],
  ];
  for (const [name, bytes] of encodings) {
    void test(`${name}: Telegraf's verdict is ours`, async () => {
      const dir = mkdtempSync(path.join(work, 'encoding-'));
      const file = path.join(dir, 'telegraf.conf');
      writeFileSync(file, bytes);
      const r = await configCheck(telegrafBinary()!, file, {});
      const ours = unreadableEncoding(bytes);
      assert.equal(ours === undefined, r.ok, `${name}: ours ${ours ?? 'readable'}, Telegraf ${r.ok ? 'loads it' : r.errors}`);
    });
  }
});
