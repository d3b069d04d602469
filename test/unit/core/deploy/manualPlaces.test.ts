/**
 * manualPlaces, secretFromEnvFileCommand, secretFromPromptCommand
 * (src/core/deploy/references.ts): the cluster Secrets and registry values a
 * deployment file reads the token from, and the commands that update them
 * without the value ever being on a command line.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { manualPlaces, planFixes, scanText, secretFromEnvFileCommand, secretFromPromptCommand } from '../../../../src/core/deploy';

const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: telegraf
  namespace: monitoring
spec:
  template:
    spec:
      containers:
        - name: telegraf
          image: telegraf:1.38
          env:
            - name: INFLUX_TOKEN
              valueFrom:
                secretKeyRef:
                  name: tc-token
                  key: INFLUX_TOKEN
`;

test('a secretKeyRef gives the Secret, its namespace and key, and the env files it is likely made from', () => {
  const [place, ...rest] = manualPlaces('kubernetes', DAEMONSET);
  assert.equal(rest.length, 0);
  assert.deepEqual(place!.secret, { name: 'tc-token', namespace: 'monitoring', key: 'INFLUX_TOKEN', envFiles: ['telegraf-controller.env', '.env'] });
  assert.equal(
    place!.command,
    'kubectl create secret generic tc-token -n monitoring --from-env-file=telegraf-controller.env --dry-run=client -o yaml | kubectl apply -f -',
  );
});

test('a kustomize secretGenerator names its own env files', () => {
  const [place] = manualPlaces('kustomization', 'secretGenerator:\n  - name: tc-token\n    envs:\n      - agent.env\n');
  assert.deepEqual(place!.secret?.envFiles, ['agent.env']);
});

test('the prompt command reads the value at a hidden prompt and never puts it on a command line', () => {
  const cmd = secretFromPromptCommand({ name: 'tc-token', namespace: 'monitoring', key: 'INFLUX_TOKEN', envFiles: [] });
  const lines = cmd.split('\n');
  assert.match(lines[0]!, /^read -rsp '[^']+' TC_TOKEN && echo$/);
  assert.equal(
    lines[1],
    'kubectl create secret generic tc-token -n monitoring --from-file=INFLUX_TOKEN=<(printf %s "$TC_TOKEN") --dry-run=client -o yaml | kubectl apply -f -',
  );
  assert.equal(lines[2], 'unset TC_TOKEN');
  assert.equal(
    secretFromEnvFileCommand({ name: 's', key: 'K', envFiles: [] }, 'deploy/k8s/telegraf-controller.env'),
    'kubectl create secret generic s --from-env-file=deploy/k8s/telegraf-controller.env --dry-run=client -o yaml | kubectl apply -f -',
  );
});

test('the prompt command gives kubectl exactly the typed value (real bash and kubectl, client-side dry run)', (t) => {
  const has = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  if (!has) return t.skip('kubectl is not installed');
  const cmd = secretFromPromptCommand({ name: 'tc-token', namespace: 'monitoring', key: 'TELEGRAF_CONTROLLER_TOKEN', envFiles: [] }).replace(
    ' | kubectl apply -f -',
    '',
  );
  const r = spawnSync('bash', ['-c', cmd], { input: 'tc-apiv1_typedValue123\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`TELEGRAF_CONTROLLER_TOKEN: ${Buffer.from('tc-apiv1_typedValue123').toString('base64')}\\n`));
  assert.match(r.stdout, /namespace: monitoring/);
});

test('"Move to a Secret" creates the Secret in the namespace of the workload (kubectl -n)', () => {
  const text = DAEMONSET.replace(
    '            - name: INFLUX_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: tc-token\n                  key: INFLUX_TOKEN\n',
    '            - name: TELEGRAF_CONTROLLER_TOKEN\n              value: "tc-apiv1_Abcdefghijklmnopqrstuvwxyz0123"\n',
  );
  const finding = scanText('kubernetes', text).find((f) => f.code === 'plaintext-token');
  assert.ok(finding, 'the plaintext value is found');
  const [fix] = planFixes('kubernetes', text, finding);
  assert.match(fix!.commands[0]!.text, /^kubectl create secret generic telegraf-controller-token -n monitoring --from-env-file=telegraf-controller\.env$/);
});
