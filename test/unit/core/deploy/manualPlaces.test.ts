/**
 * manualPlaces, secretFromEnvFileCommand, secretFromPromptCommand,
 * installHostFileCommand, composeRecreateCommand
 * (src/core/deploy/references.ts): the cluster Secrets, host env files and
 * registry values a deployment file reads the token from, the commands that
 * update them without the value ever being on a command line, and the
 * restarts that make agents read the new value.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  composeRecreateCommand,
  installHostFileCommand,
  isWholeCopy,
  manualPlaces,
  mergeHostFileCommand,
  planAddToken,
  planFixes,
  scanText,
  secretFromEnvFileCommand,
  secretCreateFromPromptCommand,
  secretFromPromptCommand,
  unitNameOf,
} from '../../../../src/core/deploy';
import { readDeployFixture } from './helpers';

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

test('a secretKeyRef gives the Secret, its namespace and key; only the Secret this extension creates is taken as made from its env file', () => {
  const [place, ...rest] = manualPlaces('kubernetes', DAEMONSET);
  assert.equal(rest.length, 0);
  assert.deepEqual(place!.secret, {
    name: 'tc-token',
    namespace: 'monitoring',
    key: 'INFLUX_TOKEN',
    envFiles: ['telegraf-controller.env', '.env'],
    madeFromEnvFiles: false,
    restarts: ['kubectl rollout restart daemonset/telegraf -n monitoring'],
  });
  assert.equal(place!.command, secretFromPromptCommand(place!.secret!), 'another Secret: nothing says what it is made from');
  const [own] = manualPlaces('kubernetes', DAEMONSET.replace('name: tc-token', 'name: telegraf-controller-token'));
  assert.deepEqual(own!.secret?.envFiles, ['telegraf-controller.env', '.env']);
  assert.equal(own!.secret?.madeFromEnvFiles, true);
  assert.equal(own!.command, secretFromEnvFileCommand(own!.secret!, 'telegraf-controller.env'));
});

test('a kustomize secretGenerator names its own env files', () => {
  const [place] = manualPlaces('kustomization', 'secretGenerator:\n  - name: tc-token\n    envs:\n      - agent.env\n');
  assert.deepEqual(place!.secret?.envFiles, ['agent.env']);
  assert.equal(place!.secret?.madeFromEnvFiles, true);
  assert.deepEqual(place!.secret?.restarts, [], 'kubectl apply -k rolls the pods itself (the generated name changes)');
});

test('envFrom secretRef: the Secret this extension creates is a place, another whole Secret (other settings) is not; each workload reading it is restarted', () => {
  const text = `${DAEMONSET.replace('name: tc-token', 'name: telegraf-controller-token')}---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: relay
  namespace: monitoring
spec:
  template:
    spec:
      containers:
        - name: telegraf
          image: telegraf:1.39
          envFrom:
            - secretRef:
                name: telegraf-controller-token
            - secretRef:
                name: influxdb-settings
---
apiVersion: v1
kind: Pod
metadata:
  name: once
  namespace: monitoring
spec:
  containers:
    - name: telegraf
      image: telegraf:1.39
      envFrom:
        - secretRef:
            name: telegraf-controller-token
`;
  const places = manualPlaces('kubernetes', text);
  assert.deepEqual(
    places.map((p) => [p.secret?.name, p.secret?.restarts]),
    [['telegraf-controller-token', ['kubectl rollout restart daemonset/telegraf -n monitoring', 'kubectl rollout restart deployment/relay -n monitoring']]],
    'a bare Pod cannot be rolled out: it gets the value when next created',
  );
});

test("a systemd unit or drop-in: each absolute EnvironmentFile= is a host file, installed from a workspace file of the same name or the quick fix's", () => {
  const unit = '[Service]\nEnvironmentFile=-/etc/default/telegraf\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nEnvironmentFile=relative.env\n';
  const places = manualPlaces('systemd', unit, '/w/deploy/telegraf.service');
  assert.deepEqual(
    places.map((p) => p.hostFile),
    [
      { path: '/etc/default/telegraf', unit: 'telegraf', sources: ['telegraf', 'telegraf-controller.env'] },
      { path: '/etc/telegraf/telegraf-controller.env', unit: 'telegraf', sources: ['telegraf-controller.env'] },
    ],
  );
  assert.equal(places[0]!.command, 'sudoedit /etc/default/telegraf && sudo systemctl restart telegraf');
  assert.equal(unit.slice(places[1]!.offset).split('\n')[0], 'EnvironmentFile=/etc/telegraf/telegraf-controller.env');
  const [dropIn] = manualPlaces('systemd', '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\n', '/w/deploy/agent.service.d/token.conf');
  assert.deepEqual(dropIn!.hostFile, {
    path: '/etc/telegraf/telegraf-controller.env',
    unit: 'agent',
    sources: ['telegraf-controller.env', '../telegraf-controller.env'],
  });
  assert.equal(unitNameOf('templates/telegraf.service.j2'), 'telegraf');
  assert.equal(
    installHostFileCommand(dropIn!.hostFile!, 'deploy/my env/telegraf-controller.env'),
    "sudo install -D -m 0600 -o root -g root 'deploy/my env/telegraf-controller.env' /etc/telegraf/telegraf-controller.env && sudo systemctl restart agent",
  );
});

test('the systemd quick fix and the host file rotate lists point to the same host path', () => {
  const unit = '[Service]\nEnvironment=TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_Abcdefghijklmnopqrstuvwxyz0123\n';
  const finding = scanText('systemd', unit).find((f) => f.code === 'plaintext-token');
  assert.ok(finding);
  const [fix] = planFixes('systemd', unit, finding);
  const after = unit.slice(0, fix!.edits[0]!.start) + fix!.edits[0]!.newText + unit.slice(fix!.edits[0]!.end);
  const [place] = manualPlaces('systemd', after, '/w/telegraf.service');
  assert.ok(fix!.commands[0]!.text.includes(` ${fix!.valueFile} ${place!.hostFile!.path} `), 'the fix installs its env file at the host path rotate lists');
  assert.ok(place!.hostFile!.sources.includes(fix!.valueFile), "rotate looks for the fix's env file");
});

test('the Compose recreate command quotes paths and names', () => {
  assert.equal(composeRecreateCommand('deploy/docker-compose.yml', ['telegraf']), 'docker compose -f deploy/docker-compose.yml up -d telegraf');
  assert.equal(composeRecreateCommand('my stack/compose.yaml', []), "docker compose -f 'my stack/compose.yaml' up -d");
});

test('the prompt command reads the value at a hidden prompt and never puts it on a command line', () => {
  const cmd = secretFromPromptCommand({ name: 'tc-token', namespace: 'monitoring', key: 'INFLUX_TOKEN', envFiles: [], restarts: [], madeFromEnvFiles: false });
  const lines = cmd.split('\n');
  assert.match(lines[0]!, /^read -rsp '[^']+' TC_TOKEN && echo$/);
  assert.equal(
    lines[1],
    'kubectl patch secret tc-token -n monitoring --type merge --patch-file=<(printf \'{"stringData":{"INFLUX_TOKEN":"%s"}}\' "$TC_TOKEN")',
  );
  assert.equal(lines[2], 'unset TC_TOKEN');
});

test('the env-file command patches the one key with the value kubectl reads from the env file, keeps the other keys, and patches nothing without the key (real bash and kubectl, --local)', (t) => {
  const has = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  if (!has) return t.skip('kubectl is not installed');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-patch-'));
  const manifest = path.join(dir, 'secret.yaml');
  writeFileSync(manifest, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\ndata:\n  OTHER: b3RoZXI=\n  TELEGRAF_CONTROLLER_TOKEN: b2xk\n');
  mkdirSync(path.join(dir, 'my env'));
  // kubectl takes env file values literally (quotes included), as the env file of "Add Token to Deployment…" is written.
  writeFileSync(path.join(dir, 'my env', 'agent.env'), 'OTHER_SETTING=x\nTELEGRAF_CONTROLLER_TOKEN=tc-apiv1_fromTheEnvFile01\n');
  writeFileSync(path.join(dir, 'empty.env'), 'OTHER_SETTING=x\n');
  const secret = { name: 's', namespace: 'ns', key: 'TELEGRAF_CONTROLLER_TOKEN', envFiles: [], restarts: [], madeFromEnvFiles: false };
  const local = (cmd: string) => cmd.replace('kubectl patch secret s -n ns', `kubectl patch --local -f ${manifest} -o yaml`);
  const cmd = secretFromEnvFileCommand(secret, 'my env/agent.env');
  assert.ok(cmd.includes("--from-env-file='my env/agent.env'"), 'the path is quoted');
  assert.ok(local(cmd).includes('--local'), 'the command was adapted');
  const r = spawnSync('bash', ['-c', local(cmd)], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`TELEGRAF_CONTROLLER_TOKEN: ${Buffer.from('tc-apiv1_fromTheEnvFile01').toString('base64')}\\n`));
  assert.match(r.stdout, /OTHER: b3RoZXI=/, 'the other keys stay');
  const none = spawnSync('bash', ['-c', local(secretFromEnvFileCommand(secret, 'empty.env'))], { cwd: dir, encoding: 'utf8' });
  assert.equal(none.stdout, '', 'an env file without the key patches nothing');
});

test('the prompt command patches exactly the typed value into the key and keeps the other keys (real bash and kubectl, --local)', (t) => {
  const has = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  if (!has) return t.skip('kubectl is not installed');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-patch-'));
  const manifest = path.join(dir, 'secret.yaml');
  writeFileSync(
    manifest,
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tc-token\n  namespace: monitoring\ndata:\n  OTHER: b3RoZXI=\n  TELEGRAF_CONTROLLER_TOKEN: b2xk\n',
  );
  // The same command against a local manifest instead of the cluster (kubectl patch --local prints the result).
  const cmd = secretFromPromptCommand({
    name: 'tc-token',
    namespace: 'monitoring',
    key: 'TELEGRAF_CONTROLLER_TOKEN',
    envFiles: [],
    restarts: [],
    madeFromEnvFiles: false,
  }).replace('kubectl patch secret tc-token -n monitoring', `kubectl patch --local -f ${manifest} -o yaml`);
  assert.ok(cmd.includes('--local'), 'the command was adapted');
  const r = spawnSync('bash', ['-c', cmd], { input: 'tc-apiv1_typedValue123\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /stringData:\n\s+TELEGRAF_CONTROLLER_TOKEN: tc-apiv1_typedValue123\n/);
  assert.match(r.stdout, /OTHER: b3RoZXI=/, 'the other keys stay');
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

test('a host file holding other settings gets only the token lines of the workspace file; a whole copy is installed (real sh)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-merge-'));
  const host = path.join(dir, 'default-telegraf');
  writeFileSync(host, 'INFLUX_URL=http://influx:8086\nTELEGRAF_CONTROLLER_TOKEN=tc-apiv1_old\nTELEGRAF_CONF=https://c/api/configs/1/toml\n', { mode: 0o644 });
  mkdirSync(path.join(dir, 'de ploy'));
  writeFileSync(path.join(dir, 'de ploy', 'telegraf-controller.env'), 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_new\n');
  const cmd = mergeHostFileCommand(host, 'de ploy/telegraf-controller.env', ['TELEGRAF_CONTROLLER_TOKEN']);
  assert.ok(!cmd.includes('tc-apiv1_'), 'no value in the command');
  const r = spawnSync('bash', ['-c', cmd.replace(/^sudo /, '')], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    readFileSync(host, 'utf8'),
    'INFLUX_URL=http://influx:8086\nTELEGRAF_CONF=https://c/api/configs/1/toml\nTELEGRAF_CONTROLLER_TOKEN=tc-apiv1_new\n',
  );
  assert.equal(statSync(host).mode & 0o777, 0o600);
  assert.ok(mergeHostFileCommand('/etc/default/telegraf', 'x.env', ['TELEGRAF_CONTROLLER_TOKEN'], 'telegraf').endsWith(' && sudo systemctl restart telegraf'));
  assert.equal(isWholeCopy('/etc/telegraf/telegraf-controller.env', 'deploy/telegraf-controller.env'), true, "the systemd quick fix's own pair");
  assert.equal(isWholeCopy('/etc/default/telegraf', 'deploy/etc/default/telegraf'), true);
  assert.equal(isWholeCopy('/etc/default/telegraf', 'deploy/telegraf-controller.env'), false);
});

test('the configMapKeyRef fix reads the same name and key from a Secret and copies a command that creates exactly that key in the namespace (real bash and kubectl, dry run)', (t) => {
  const text = readDeployFixture('14-k8s-deployment-configMapKeyRef-token.yaml');
  const finding = scanText('kubernetes', text).find((f) => f.code === 'configmap-token');
  assert.ok(finding, 'the configMapKeyRef to the token is found');
  const [fix] = planFixes('kubernetes', text, finding);
  assert.ok(fix, 'a fix is offered');
  assert.equal(fix.varName, 'INFLUXDB_TOKEN');
  const cmd = fix.commands[0]!.text;
  assert.equal(cmd, secretCreateFromPromptCommand('shared-environment', 'INFLUXDB_TOKEN', 'default'));
  assert.ok(!cmd.includes('--from-env-file'), 'no env file: the fix has no value to write, and a file would bring its other keys');
  const has = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  if (!has) return t.skip('kubectl is not installed');
  // The create command as a dry run: what kubectl would send to the cluster.
  const dry = cmd.replace(' 2>/dev/null ||', ' --dry-run=client -o yaml ||');
  assert.ok(dry.includes('--dry-run=client'), 'the command was adapted');
  const r = spawnSync('bash', ['-c', dry], { input: 'tc-apiv1_typedValue123\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`data:\\n\\s+INFLUXDB_TOKEN: ${Buffer.from('tc-apiv1_typedValue123').toString('base64')}\\n`));
  assert.match(r.stdout, /name: shared-environment\n\s+namespace: default/);
  assert.ok(!/MQTT/.test(r.stdout), 'only the key the manifest reads');
});

test('names and namespaces from a manifest never run as shell: anything but a DNS-1123 name is quoted', () => {
  const text = DAEMONSET.replace('namespace: monitoring', 'namespace: "x; touch /tmp/pwned"').replace('name: tc-token', 'name: "$(id)"');
  const places = manualPlaces('kubernetes', text, '/w/ds.yaml');
  assert.ok(places.length > 0, 'the Secret is found');
  for (const p of places) {
    assert.ok(!/ x; touch/.test(p.command) && p.command.includes("'x; touch /tmp/pwned'"), p.command);
    assert.ok(p.command.includes("'$(id)'"), p.command);
  }
  assert.equal(
    secretCreateFromPromptCommand('tc', 'K', 'monitoring').split('\n')[1],
    'kubectl create secret generic tc -n monitoring --from-file=K=<(printf %s "$TC_TOKEN") 2>/dev/null ||',
  );
});

test('Add Token to a container that already reads the token: the Secret command, then the restart of its pods (the manifest does not change)', () => {
  // telegraf:1.38 reads INFLUX_TOKEN, which the container already takes from a Secret.
  const p = planAddToken('/w/ds.yaml', DAEMONSET);
  assert.equal(p.status, 'elsewhere');
  assert.equal(p.commands.at(-1)?.text, 'kubectl rollout restart daemonset/telegraf -n monitoring');
});
