/**
 * CRLF and BOM variants of the 20 deployment fixtures (made by converting
 * them: test/fixtures/deployments/variants/{crlf,bom}; no such files were
 * found in public repositories). The same findings are reported, the same
 * plan is made, the edits use the file's line ending, the BOM stays first,
 * and YAML outputs pass the strict parse.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { applyEdits } from '../../../../src/core/config';
import { deploymentKind, fillValue, planAddToken, planFixes, scanText, yamlProblem } from '../../../../src/core/deploy';
import { COMPOSE_ENV_FILES, deployFixtures, FAKE_TOKEN, readDeployFixture, strictYamlErrors, toCrlf, VARIANT_DIR } from './helpers';

const summary = (text: string, kind: ReturnType<typeof deploymentKind>) =>
  scanText(kind!, text).map((f) => `${f.code} ${text.slice(f.range.start, f.range.end)}`);

for (const name of deployFixtures()) {
  const lf = readDeployFixture(name);
  const kind = deploymentKind(name, lf, COMPOSE_ENV_FILES);
  const lfPlan = planAddToken(name, lf, {}, COMPOSE_ENV_FILES);
  const lfOut = fillValue(applyEdits(lf, lfPlan.edits), FAKE_TOKEN);
  void describe(`variants of ${name}`, () => {
    test('CRLF', () => {
      const crlf = readDeployFixture(name, path.join(VARIANT_DIR, 'crlf'));
      assert.equal(crlf, toCrlf(lf));
      assert.equal(deploymentKind(name, crlf, COMPOSE_ENV_FILES), kind);
      assert.deepEqual(summary(crlf, kind), summary(lf, kind));
      const p = planAddToken(name, crlf, {}, COMPOSE_ENV_FILES);
      assert.equal(p.status, lfPlan.status);
      assert.equal(p.varName, lfPlan.varName);
      const out = fillValue(applyEdits(crlf, p.edits), FAKE_TOKEN);
      assert.equal(out, toCrlf(lfOut), 'same edit, with CRLF line endings');
      assert.ok(!/[^\r]\n/.test(out), 'no bare LF introduced');
      if (/\.ya?ml$/.test(name)) assert.deepEqual(strictYamlErrors(out), []);
      for (const f of scanText(kind!, crlf))
        for (const x of planFixes(kind!, crlf, f)) assert.ok(!/[^\r]\n/.test(applyEdits(crlf, x.edits)), `fix "${x.title}" keeps CRLF`);
    });
    test('BOM', () => {
      const bom = readDeployFixture(name, path.join(VARIANT_DIR, 'bom'));
      assert.equal(bom, `\uFEFF${lf}`);
      assert.deepEqual(summary(bom, kind), summary(lf, kind));
      const p = planAddToken(name, bom, {}, COMPOSE_ENV_FILES);
      const out = fillValue(applyEdits(bom, p.edits), FAKE_TOKEN);
      assert.equal(out, `\uFEFF${lfOut}`, 'same edit, BOM kept first');
      if (/\.ya?ml$/.test(name)) assert.deepEqual(strictYamlErrors(out), []);
    });
  });
}

test("yamlProblem: one line naming where the YAML breaks, without the parser's excerpt or a dangling colon", () => {
  assert.equal(yamlProblem('services:\n  telegraf:\n    image: telegraf:1.40\n'), undefined);
  assert.equal(yamlProblem('a: b: c\n'), 'line 1, column 4: Nested mappings are not allowed in compact mappings');
  const p = yamlProblem('services:\n  telegraf:\n    image: telegraf\n   env: [a\n')!;
  assert.match(p, /^line 4, column 1: \S/);
  assert.ok(!p.includes('\n') && !p.endsWith(':'), p);
  const plan = planAddToken('/w/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n   environment: [A\n', {});
  assert.ok(
    plan.notes.some((n) => /the YAML does not parse \(line 4, column \d+: [^)]*[^:]\)$/.test(n)),
    plan.notes.join(' | '),
  );
});
