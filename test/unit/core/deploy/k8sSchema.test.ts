/**
 * Kubernetes object shapes checked against a published schema: every
 * Kubernetes document the deployment edits produce (insert and quick fixes
 * on the fixtures, the wired DaemonSet of the e2e, the ConfigMap-ref fix)
 * is validated with `kubernetes-models` (JSON schemas generated from the
 * Kubernetes OpenAPI spec; `validate()` throws on a wrong shape). The
 * validator can fail: a broken secretKeyRef is rejected.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { applyEdits } from '../../../../src/core/config';
import { deploymentKind, planAddToken, planFixes, scanText } from '../../../../src/core/deploy';
import { COMPOSE_ENV_FILES, deployFixtures, readDeployFixture } from './helpers';

type Model = new (data: unknown) => { validate(): void };

async function models(): Promise<Record<string, Model>> {
  const apps = (await import('kubernetes-models/apps/v1')) as unknown as Record<string, Model>;
  const core = (await import('kubernetes-models/v1')) as unknown as Record<string, Model>;
  return {
    'apps/v1 Deployment': apps.Deployment!,
    'apps/v1 DaemonSet': apps.DaemonSet!,
    'apps/v1 StatefulSet': apps.StatefulSet!,
    'v1 ConfigMap': core.ConfigMap!,
    'v1 Secret': core.Secret!,
    'v1 Pod': core.Pod!,
  };
}

/** Validates every known document of `text`; returns how many were checked. */
async function validateAll(text: string): Promise<number> {
  const m = await models();
  let n = 0;
  for (const doc of parseAllDocuments(text)) {
    const js = doc.toJS() as { apiVersion?: string; kind?: string } | null;
    if (!js?.apiVersion || !js.kind) continue;
    const Model = m[`${js.apiVersion} ${js.kind}`];
    if (!Model) continue;
    new Model(js).validate();
    n++;
  }
  return n;
}

void describe('Kubernetes schema (kubernetes-models)', () => {
  for (const name of deployFixtures().filter((f) => deploymentKind(f, readDeployFixture(f), COMPOSE_ENV_FILES) === 'kubernetes')) {
    test(`${name}: insert and fixes produce valid objects`, async () => {
      const text = readDeployFixture(name);
      const plan = planAddToken(name, text, {}, COMPOSE_ENV_FILES);
      const outs = [applyEdits(text, plan.edits)];
      for (const f of scanText('kubernetes', text)) for (const x of planFixes('kubernetes', text, f)) outs.push(applyEdits(text, x.edits));
      let checked = 0;
      for (const out of outs) checked += await validateAll(out);
      assert.ok(checked > 0, 'at least one object validated');
    });
  }

  test('a DaemonSet wired with secretKeyRef is valid; a broken secretKeyRef is rejected', async () => {
    const text =
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\nspec:\n  selector:\n    matchLabels: {app: telegraf}\n  template:\n    metadata:\n      labels: {app: telegraf}\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n';
    const plan = planAddToken('ds.yaml', text);
    const out = applyEdits(text, plan.edits);
    assert.equal(await validateAll(out), 1);
    const broken = out.replace('key: TELEGRAF_CONTROLLER_TOKEN', 'kee: TELEGRAF_CONTROLLER_TOKEN');
    await assert.rejects(validateAll(broken));
  });
});
