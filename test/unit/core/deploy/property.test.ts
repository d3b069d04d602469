/**
 * Property tests (fast-check; runs from TC_PROPERTY_RUNS, test/unit/propertyRuns.ts) of
 * the deployment edits on generated files:
 * - Compose files (map or list `environment:`, none, comments between
 *   entries, anchors and aliases, 2- or 4-space indent, quoted items, LF or
 *   CRLF, with or without a final newline);
 * - Kubernetes Deployments (telegraf container with or without `env`,
 *   comments between items, compact or indented lists);
 * - env files (comments, blank lines, `export`, quoted values, CRLF).
 * Each edit keeps every byte outside it, passes the `yaml` library's strict
 * parse, keeps every comment, anchor and alias, and reads back as the token
 * reference on the Telegraf service/container only.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { applyEdits } from '../../../../src/core/config';
import { fillValue, planAddToken, planEnvEntry, type DeployPlan } from '../../../../src/core/deploy';
import { PROPERTY_RUNS } from '../../propertyRuns';
import { strictYamlErrors, stripVar, yamlJs } from './helpers';

const RUNS = PROPERTY_RUNS;
const VALUE = 'tc-apiv1_PropertyValue_0123456789-xyz';

/** The edit leaves every byte outside it unchanged. */
function assertOutsideKept(text: string, plan: DeployPlan, out: string): void {
  assert.equal(plan.edits.length, 1);
  const e = plan.edits[0]!;
  const n = fillValue(e.newText, VALUE).length;
  assert.equal(out.slice(0, e.start), text.slice(0, e.start));
  assert.equal(out.slice(e.start + n), text.slice(e.end));
}

function assertKeptMarks(text: string, out: string): void {
  for (const m of text.matchAll(/#.*$|[&*][a-z][\w-]*/gm)) assert.ok(out.includes(m[0].replace(/\r$/, '')), `kept ${m[0]}`);
}

const key = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/).filter((k) => !k.includes('TOKEN'));
const plainValue = fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,10}$/);
const comment = fc.stringMatching(/^[a-z ]{0,12}$/).map((s) => `# ${s}`.trimEnd());

const composeArb = fc.record({
  indent: fc.constantFrom(2, 4),
  eol: fc.constantFrom('\n', '\r\n'),
  finalNewline: fc.boolean(),
  envForm: fc.constantFrom('map', 'list', 'none'),
  entries: fc.uniqueArray(fc.tuple(key, plainValue), { minLength: 1, maxLength: 5, selector: (t) => t[0] }),
  quote: fc.constantFrom('', '"', "'"),
  comments: fc.array(fc.option(comment, { nil: undefined }), { minLength: 6, maxLength: 6 }),
  tag: fc.constantFrom('', ':1.26', ':1.38', ':1.39-alpine', ':latest', ':1.40'),
  others: fc.integer({ min: 0, max: 2 }),
  anchor: fc.boolean(),
});

type ComposeCase = typeof composeArb extends fc.Arbitrary<infer T> ? T : never;

function composeText(c: ComposeCase): string {
  const i = ' '.repeat(c.indent);
  const lines: string[] = [];
  if (c.anchor) lines.push('x-logging: &log', `${i}driver: json-file`, '');
  lines.push('services:');
  for (let n = 0; n < c.others; n++) {
    lines.push(`${i}other${n}:`, `${i}${i}image: nginx`);
    if (c.anchor) lines.push(`${i}${i}logging: *log`);
    lines.push(`${i}${i}environment:`, `${i}${i}${i}SHARED: "x"`);
  }
  lines.push(`${i}telegraf:`);
  if (c.comments[0]) lines.push(`${i}${i}${c.comments[0]}`);
  lines.push(`${i}${i}image: telegraf${c.tag}`);
  if (c.anchor) lines.push(`${i}${i}logging: *log`);
  if (c.envForm !== 'none') {
    lines.push(`${i}${i}environment:`);
    c.entries.forEach(([k, v], n) => {
      if (c.comments[n + 1]) lines.push(`${i}${i}${i}${c.comments[n + 1]}`);
      lines.push(c.envForm === 'map' ? `${i}${i}${i}${k}: ${c.quote}${v}${c.quote}` : `${i}${i}${i}- ${c.quote}${k}=${v}${c.quote}`);
    });
  }
  lines.push(`${i}${i}restart: always`);
  return lines.join(c.eol) + (c.finalNewline ? c.eol : '');
}

void describe('property: Compose edits', () => {
  test('environment entry: bytes outside kept, strict parse, only the telegraf service changes, comments/anchors kept', () => {
    fc.assert(
      fc.property(composeArb, (c) => {
        const text = composeText(c);
        assert.deepEqual(strictYamlErrors(text), [], 'generator makes valid YAML');
        const plan = planAddToken('docker-compose.yml', text);
        assert.equal(plan.status, 'edit', plan.notes.join(' '));
        const out = fillValue(applyEdits(text, plan.edits), VALUE);
        assertOutsideKept(text, plan, out);
        assert.deepEqual(strictYamlErrors(out), []);
        assertKeptMarks(text, out);
        assert.equal(out.endsWith(c.eol), text.endsWith(c.eol));
        if (c.eol === '\r\n') assert.ok(!/[^\r]\n/.test(out));
        const js = yamlJs(out)[0] as { services: Record<string, { environment?: Record<string, string> | string[] }> };
        const env = js.services.telegraf!.environment!;
        const ref = `\${${plan.varName}:?${plan.varName} is not set}`;
        if (Array.isArray(env)) assert.ok(env.includes(`${plan.varName}=${ref}`));
        else assert.equal(env[plan.varName], ref);
        for (let n = 0; n < c.others; n++) assert.deepEqual(js.services[`other${n}`]!.environment, { SHARED: 'x' });
        assert.deepEqual(stripVar(yamlJs(out), plan.varName), stripVar(yamlJs(text), plan.varName));
        assert.equal(plan.varName, /:1\.(26|38)/.test(c.tag) ? 'INFLUX_TOKEN' : 'TELEGRAF_CONTROLLER_TOKEN');
      }),
      { numRuns: RUNS },
    );
  });

  test('env_file mode adds the file to the telegraf service only', () => {
    fc.assert(
      fc.property(composeArb, (c) => {
        const text = composeText(c);
        const plan = planAddToken('compose.yaml', text, { composeMode: 'env_file' });
        const out = applyEdits(text, plan.edits);
        assertOutsideKept(text, plan, out);
        assert.deepEqual(strictYamlErrors(out), []);
        const js = yamlJs(out)[0] as { services: Record<string, { env_file?: string[] }> };
        assert.deepEqual(js.services.telegraf!.env_file, ['telegraf-controller.env']);
        for (let n = 0; n < c.others; n++) assert.equal(js.services[`other${n}`]!.env_file, undefined);
      }),
      { numRuns: RUNS },
    );
  });
});

const k8sArb = fc.record({
  compact: fc.boolean(),
  eol: fc.constantFrom('\n', '\r\n'),
  envItems: fc.array(fc.tuple(key, plainValue, fc.boolean()), { minLength: 0, maxLength: 4 }),
  comments: fc.array(fc.option(comment, { nil: undefined }), { minLength: 5, maxLength: 5 }),
  sidecar: fc.boolean(),
  finalNewline: fc.boolean(),
});

void describe('property: Kubernetes edits', () => {
  test('secretKeyRef item on the telegraf container: bytes outside kept, strict parse, shape, comments kept', () => {
    fc.assert(
      fc.property(k8sArb, (c) => {
        const d = c.compact ? '' : '  ';
        const lines = ['apiVersion: apps/v1', 'kind: DaemonSet', 'metadata:', '  name: telegraf', 'spec:', '  template:', '    spec:', '      containers:'];
        if (c.sidecar) lines.push(`      ${d}- name: sidecar`, `      ${d}  image: busybox`);
        lines.push(`      ${d}- name: telegraf`, `      ${d}  image: telegraf:1.40`);
        if (c.envItems.length) {
          lines.push(`      ${d}  env:`);
          c.envItems.forEach(([k, v, field], n) => {
            if (c.comments[n]) lines.push(`      ${d}  ${d}${c.comments[n]}`);
            lines.push(`      ${d}  ${d}- name: ${k}`);
            if (field) lines.push(`      ${d}  ${d}  valueFrom:`, `      ${d}  ${d}    fieldRef:`, `      ${d}  ${d}      fieldPath: spec.nodeName`);
            else lines.push(`      ${d}  ${d}  value: "${v}"`);
          });
        }
        lines.push(`      ${d}  resources: {}`);
        const text = lines.join(c.eol) + (c.finalNewline ? c.eol : '');
        assert.deepEqual(strictYamlErrors(text), []);
        const plan = planAddToken('telegraf.yaml', text);
        assert.equal(plan.status, 'edit', plan.notes.join(' '));
        const out = applyEdits(text, plan.edits);
        assertOutsideKept(text, plan, out);
        assert.deepEqual(strictYamlErrors(out), []);
        assertKeptMarks(text, out);
        const docs = parseAllDocuments(out).map((x) => x.toJS()) as {
          spec: {
            template: { spec: { containers: { name: string; env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }[] } };
          };
        }[];
        const containers = docs[0]!.spec.template.spec.containers;
        const tg = containers.find((x) => x.name === 'telegraf')!;
        const item = tg.env!.find((e) => e.name === 'TELEGRAF_CONTROLLER_TOKEN')!;
        assert.deepEqual(item.valueFrom, { secretKeyRef: { name: 'telegraf-controller-token', key: 'TELEGRAF_CONTROLLER_TOKEN' } });
        if (c.sidecar) assert.equal(containers.find((x) => x.name === 'sidecar')!.env, undefined);
        assert.deepEqual(stripVar(yamlJs(out), 'TELEGRAF_CONTROLLER_TOKEN'), stripVar(yamlJs(text), 'TELEGRAF_CONTROLLER_TOKEN'));
      }),
      { numRuns: RUNS },
    );
  });
});

/** Minimal env-file reader (systemd EnvironmentFile / Compose .env): NAME → raw value; comments and blanks skipped. */
function readEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!;
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    out.set(m[1]!, v);
  }
  return out;
}

void describe('property: env file edits', () => {
  test('NAME=value set or appended: other lines kept byte for byte, value reads back, CRLF and final newline kept', () => {
    const line = fc.oneof(
      comment,
      fc.constant(''),
      fc.tuple(key, plainValue).map(([k, v]) => `${k}=${v}`),
      fc.tuple(key, plainValue).map(([k, v]) => `export ${k}=${v}`),
      fc.tuple(key, plainValue).map(([k, v]) => `${k}="${v} x"`),
      fc.constant('TELEGRAF_CONTROLLER_TOKEN=<TOKEN>'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, final) => {
        const text = lines.join(eol) + (final && lines.length ? eol : '');
        const e = planEnvEntry(text, 'TELEGRAF_CONTROLLER_TOKEN');
        const out = fillValue(applyEdits(text, [e]), VALUE);
        const n = fillValue(e.newText, VALUE).length;
        assert.equal(out.slice(0, e.start), text.slice(0, e.start));
        assert.equal(out.slice(e.start + n), text.slice(e.end));
        const before = readEnv(text);
        const after = readEnv(out);
        assert.equal(after.get('TELEGRAF_CONTROLLER_TOKEN'), VALUE);
        for (const [k, v] of before) if (k !== 'TELEGRAF_CONTROLLER_TOKEN') assert.equal(after.get(k), v);
        for (const l of lines) if (l.startsWith('#')) assert.ok(out.includes(l));
        // The line ending is known only when the file has a line break.
        if (eol === '\r\n' && text.includes('\n')) assert.ok(!/[^\r]\n/.test(out));
        if (text.includes('\n')) assert.equal(out.endsWith(eol), text.endsWith(eol));
      }),
      { numRuns: RUNS },
    );
  });
});
