/**
 * Golden files for the 20 real-world deployment fixtures × operations:
 * - flag: the findings (line:column, code, severity, the flagged text);
 * - insert: "Add Token to Deployment…" (the edited file and the plan: status,
 *   variable, target, value file, notes, warnings, commands, new files);
 * - fix: the first quick fix of the first fixable finding, when there is one.
 * Every YAML output passes the `yaml` library's strict parse, differs from
 * the input only by the token entry (compared as data), keeps a missing
 * final newline missing, and holds no token value (the value goes to a
 * git-ignored env file, except for env files, where it belongs). Kubernetes
 * env items keep their shape (name + exactly one of value/valueFrom). The
 * markdown table file × operation → result is printed and kept as
 * golden/RESULTS.md. `UPDATE_GOLDEN=1` rewrites the golden files.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../../src/core/config';
import { deploymentKind, fillValue, planAddToken, planFixes, scanText, type DeployKind, type DeployPlan } from '../../../../src/core/deploy';
import { assertGolden, COMPOSE_ENV_FILES, deployFixtures, FAKE_TOKEN, readDeployFixture, strictYamlErrors, stripVar, yamlJs } from './helpers';

const YAML_KINDS: DeployKind[] = ['compose', 'kubernetes', 'kustomization', 'helm-values', 'yaml'];
const rows: string[][] = [];

function lineCol(text: string, off: number): string {
  const before = text.slice(0, off);
  const line = before.split('\n').length;
  return `${line}:${off - before.lastIndexOf('\n')}`;
}

function flagReport(text: string, kind: DeployKind): { report: string; summary: string } {
  const f = scanText(kind, text);
  const lines = f.map(
    (x) =>
      `${lineCol(text, x.range.start)} ${x.code} ${x.severity}${x.lowerWhenIgnored ? ' (lower when git-ignored)' : ''} ${JSON.stringify(text.slice(x.range.start, x.range.end).slice(0, 48))}${x.name ? ` [${x.name}]` : ''}\n  ${x.message}`,
  );
  const counts = new Map<string, number>();
  for (const x of f) counts.set(x.code, (counts.get(x.code) ?? 0) + 1);
  const summary = f.length === 0 ? 'nothing flagged' : [...counts].map(([c, n]) => `${n}× ${c}`).join(', ');
  return { report: `kind: ${kind}\n${lines.join('\n')}\n`, summary };
}

function planReport(p: DeployPlan): string {
  return [
    `kind: ${p.kind}`,
    `status: ${p.status}`,
    `variable: ${p.varName}`,
    `pin: ${p.pin ? p.pin.tag : '(none)'}`,
    `target: ${p.target ?? '(none)'}`,
    `value file: ${p.valueFile ?? '(this file)'}`,
    ...p.notes.map((n) => `note: ${n}`),
    ...p.warnings.map((n) => `warning: ${n}`),
    ...p.commands.map((c) => `command (${c.label}):\n${c.text}`),
    ...p.newFiles.map((f) => `new file ${f.path} (${f.purpose}):\n${f.content}`),
    '',
  ].join('\n');
}

/** Kubernetes env items: a string name and exactly one of value / valueFrom (secretKeyRef with name and key). */
function assertEnvShapes(js: unknown): void {
  const walk = (v: unknown, key: string) => {
    if (Array.isArray(v)) {
      if (key === 'env') {
        for (const item of v) {
          const o = item as Record<string, unknown>;
          assert.equal(typeof o.name, 'string', 'env item without a name');
          assert.equal(('value' in o ? 1 : 0) + ('valueFrom' in o ? 1 : 0) <= 1, true, `env item ${String(o.name)} has both value and valueFrom`);
          const ref = (o.valueFrom as Record<string, Record<string, unknown>> | undefined)?.secretKeyRef;
          if (ref) assert.ok(typeof ref.name === 'string' && typeof ref.key === 'string', 'secretKeyRef needs name and key');
        }
      }
      v.forEach((i) => walk(i, ''));
    } else if (v && typeof v === 'object') for (const [k, val] of Object.entries(v)) walk(val, k);
  };
  walk(js, '');
}

for (const name of deployFixtures()) {
  const text = readDeployFixture(name);
  const stem = name.replace(/\.[^.]+$/, '');
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '';
  const kind = deploymentKind(name, text, COMPOSE_ENV_FILES)!;
  void describe(`deployment fixture ${name}`, () => {
    test('flag', () => {
      assert.ok(kind, 'a deployment kind');
      const { report, summary } = flagReport(text, kind);
      rows.push([name, 'flag', summary]);
      assertGolden(stem, 'flag.txt', report);
    });

    test('insert', () => {
      const plan = planAddToken(name, text, {}, COMPOSE_ENV_FILES);
      const out = fillValue(applyEdits(text, plan.edits), FAKE_TOKEN);
      rows.push([
        name,
        'insert',
        `${plan.status}${plan.edits.length ? ` (${plan.edits.length} edit${plan.edits.length > 1 ? 's' : ''})` : ''}: ${plan.varName}${plan.target ? ` → ${plan.target}` : ''}${plan.valueFile ? `; value → ${plan.valueFile}` : ''}${plan.pin && plan.varName === 'INFLUX_TOKEN' ? ` (pin ${plan.pin.tag})` : ''}`,
      ]);
      assertGolden(stem, 'insert.plan.txt', planReport(plan));
      if (plan.edits.length > 0) assertGolden(stem, `insert${ext || '.txt'}`, out);
      assert.equal(out.endsWith('\n'), text.endsWith('\n'), 'the final-newline habit is kept');
      if (kind !== 'env') assert.ok(!out.includes(FAKE_TOKEN), 'no token value is written into a deployment file (only a reference)');
      if (YAML_KINDS.includes(kind)) {
        assert.deepEqual(strictYamlErrors(out), [], 'the output passes the strict YAML parse');
        const extra = [plan.valueFile ?? '', 'secretGenerator', 'env_file'].filter(Boolean);
        assert.deepEqual(stripVar(yamlJs(out), plan.varName, extra), stripVar(yamlJs(text), plan.varName, extra), 'only the token entry changed');
        if (kind === 'kubernetes' || kind === 'helm-values') assertEnvShapes(yamlJs(out));
        // Anchors, aliases and comments survive.
        for (const m of text.matchAll(/[&*][A-Za-z][\w-]*|#.*$/gm)) assert.ok(out.includes(m[0]), `kept ${m[0]}`);
      }
      // Every byte outside the edits is kept: the output minus the inserted/replaced text is the input.
      const sorted = [...plan.edits].sort((a, b) => a.start - b.start);
      let pos = 0;
      let rebuilt = '';
      for (const e of sorted) {
        rebuilt += text.slice(pos, e.start);
        pos = e.end;
      }
      rebuilt += text.slice(pos);
      let stripped = out;
      for (const e of [...sorted].reverse()) {
        const startInOut =
          e.start + sorted.filter((x) => x.start < e.start).reduce((n, x) => n + fillValue(x.newText, FAKE_TOKEN).length - (x.end - x.start), 0);
        stripped = stripped.slice(0, startInOut) + stripped.slice(startInOut + fillValue(e.newText, FAKE_TOKEN).length);
      }
      assert.equal(stripped, rebuilt);
    });

    test('fix', () => {
      const rank = (x: { code: string; name?: string }) =>
        x.code === 'plaintext-token' ? 0 : /token/i.test(x.name ?? '') ? (x.code === 'literal-credential' ? 1 : 2) : 3;
      const findings = scanText(kind, text).sort((a, b) => rank(a) - rank(b) || a.range.start - b.range.start);
      for (const f of findings) {
        const fixes = planFixes(kind, text, f);
        if (fixes.length === 0) continue;
        const fix = fixes[0]!;
        const out = applyEdits(text, fix.edits);
        rows.push([name, 'fix', `${fix.title} at ${lineCol(text, f.range.start)}`]);
        assertGolden(stem, `fix${ext || '.txt'}`, `${out}`);
        assertGolden(
          stem,
          'fix.plan.txt',
          [
            `finding: ${f.code} at ${lineCol(text, f.range.start)}`,
            `title: ${fix.title}`,
            `variable: ${fix.varName}`,
            `value file: ${fix.valueFile}`,
            `note: ${fix.note}`,
            ...fix.commands.map((c) => `command: ${c.text}`),
            '',
          ].join('\n'),
        );
        if (YAML_KINDS.includes(kind)) assert.deepEqual(strictYamlErrors(out), []);
        assert.ok(
          !scanText(kind, out).some(
            (x) => x.range.start === f.range.start && x.code === f.code && text.slice(f.range.start, f.range.end) === out.slice(x.range.start, x.range.end),
          ),
          'the fixed value is no longer flagged',
        );
        return;
      }
      rows.push([name, 'fix', '(no quick fix: nothing fixable flagged, or the value belongs in this file)']);
    });
  });
}

after(() => {
  const order = (r: string[]) => `${r[0]}\u0000${['flag', 'insert', 'fix'].indexOf(r[1]!)}`;
  const sorted = [...rows].sort((a, b) => (order(a) < order(b) ? -1 : 1));
  const table = ['| file | operation | result |', '|---|---|---|', ...sorted.map((r) => `| ${r[0]} | ${r[1]} | ${r[2]!.replace(/\|/g, '\\|')} |`)].join('\n');
  console.log(`\n${table}\n`);
  if (rows.length === deployFixtures().length * 3)
    assertGolden('.', 'RESULTS.md', `# Deployment fixtures × operations (generated by test/unit/core/deploy/golden.test.ts)\n\n${table}\n`);
});
