/**
 * Shared helpers of the deployment-file tests: the 20 fixtures (copied from
 * the shared telegraf-deployments set, bytes as committed), their CRLF and
 * BOM variants (made by converting, in variants/), golden files
 * (`UPDATE_GOLDEN=1` rewrites them) and the YAML invariants.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = path.resolve(__dirname, '../../../..');
export const DEPLOY_DIR = path.join(ROOT, 'test/fixtures/deployments');
export const GOLDEN_DIR = path.join(DEPLOY_DIR, 'golden');
export const VARIANT_DIR = path.join(DEPLOY_DIR, 'variants');
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
/** The value written where an edit needs the token (a fake, well-formed controller token). */
export const FAKE_TOKEN = 'tc-apiv1_GOLDENgolden0123456789_-abcdef';
/** Env files named only through a compose `env_file:` (fixture 10 is `deploy/env_file` upstream). */
export const COMPOSE_ENV_FILES = new Set(['10-compose-env_file-quoted-var-refs.env']);

/** The 20 fixture names, sorted. */
export function deployFixtures(): string[] {
  return readdirSync(DEPLOY_DIR)
    .filter((f) => /^\d\d-/.test(f))
    .sort();
}

export function readDeployFixture(name: string, dir = DEPLOY_DIR): string {
  return readFileSync(path.join(dir, name), 'utf8');
}

/** Compares with (or, with UPDATE_GOLDEN=1, writes) `golden/<dir>/<file>`. */
export function assertGolden(dir: string, file: string, actual: string): void {
  const target = path.join(GOLDEN_DIR, dir, file);
  if (UPDATE_GOLDEN) {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, actual, 'utf8');
    return;
  }
  assert.ok(existsSync(target), `golden file missing: ${path.relative(ROOT, target)} (run with UPDATE_GOLDEN=1, then review it)`);
  const expected = readFileSync(target, 'utf8');
  if (expected !== actual) {
    let i = 0;
    while (i < expected.length && expected[i] === actual[i]) i++;
    assert.fail(`result differs from ${path.relative(ROOT, target)} at offset ${i}`);
  }
}

/** Strict YAML parse of every document: the list of errors (empty = valid). */
export function strictYamlErrors(text: string): string[] {
  return parseAllDocuments(text, { strict: true, prettyErrors: false }).flatMap((d) => d.errors.map((e) => e.message));
}

/** JS value of every document. */
export function yamlJs(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => d.toJS({ maxAliasCount: -1 }));
}

/**
 * A JS value with everything that names `varName` removed (map keys, env
 * items `{name: varName}`, `VAR=…` strings, env-file / secretGenerator
 * entries for the value file) and empty containers dropped, so "old" and
 * "new" compare equal when the edit only added the token entry.
 */
export function stripVar(v: unknown, varName: string, extra: readonly string[] = []): unknown {
  if (Array.isArray(v)) {
    const items = v
      .filter((i) => !(typeof i === 'string' && (i.startsWith(`${varName}=`) || extra.includes(i))))
      .filter(
        (i) =>
          !(
            i &&
            typeof i === 'object' &&
            !Array.isArray(i) &&
            ((i as Record<string, unknown>).name === varName || extra.includes(String((i as Record<string, unknown>).name)))
          ),
      )
      .map((i) => stripVar(i, varName, extra))
      .filter((i) => !isEmpty(i));
    return items;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      if (k === varName || extra.includes(k)) continue;
      const s = stripVar(val, varName, extra);
      if (!isEmpty(s)) out[k] = s;
    }
    return out;
  }
  return v;
}

function isEmpty(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)
  );
}

/** Converts LF line breaks to CRLF (lines already CRLF stay as they are). */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
