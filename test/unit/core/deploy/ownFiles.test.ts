/**
 * Deployments that must not share a token (src/core/deploy/plan.ts): a systemd
 * unit given an env file of its own reads its own host file; a Compose file
 * with several Telegraf services wires the one named; a service that already
 * reads the env file is not given it twice; `env_file: .env` becomes a list;
 * a Kubernetes manifest given a file of its own reads a Secret of its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../../src/core/config';
import {
  DEFAULT_SECRET_NAME,
  envFileOfSecret,
  HOST_ENV_FILE,
  hostEnvFileFor,
  hostFileClaim,
  hostFileClaims,
  isSecretOnlyManifest,
  manualPlaces,
  namesFile,
  planAddToken,
  planFixes,
  scanDeployment,
  secretManifestValues,
  secretNameFor,
  telegrafServiceNames,
  telegrafServices,
  telegrafContainers,
  withOwnEnvFile,
} from '../../../../src/core/deploy';
import { yamlParsesStrictly } from '../../../../src/core/deploy';

test('hostEnvFileFor: the default env file installs as the default host file; any other under its own name', () => {
  assert.equal(hostEnvFileFor('telegraf-controller.env'), HOST_ENV_FILE);
  assert.equal(hostEnvFileFor('telegraf-controller-2.env'), '/etc/telegraf/telegraf-controller-2.env');
  assert.equal(hostEnvFileFor('sub/db.env'), '/etc/telegraf/db.env');
});

test('a systemd unit given a file of its own: the drop-in and the install command name its own host file', () => {
  const p = planAddToken('/w/telegraf-db.service', '[Service]\nExecStart=/usr/bin/telegraf\n', { envFile: 'telegraf-controller-2.env' });
  assert.equal(p.newFiles[0]?.content, '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller-2.env\n');
  assert.match(p.commands[0]!.text, /^sudo install -D -m 0600 -o root -g root telegraf-controller-2\.env \/etc\/telegraf\/telegraf-controller-2\.env && /);
  assert.ok(!p.commands[0]!.text.includes(HOST_ENV_FILE));
  const dropIn = planAddToken('/w/telegraf-db.service.d/override.conf', '[Service]\nNice=5\n', { envFile: 'db.env' });
  assert.equal(applyEdits('[Service]\nNice=5\n', dropIn.edits), '[Service]\nEnvironmentFile=/etc/telegraf/db.env\nNice=5\n');
});

const TWO =
  'services:\n  agent-a:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n  agent-b:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n';

test('Compose with two Telegraf services: both are listed, and the named one is wired', () => {
  assert.deepEqual(telegrafServiceNames(TWO), ['agent-a', 'agent-b']);
  assert.deepEqual(
    telegrafServices(TWO).map((s) => s.name),
    ['agent-a', 'agent-b'],
  );
  assert.ok(
    telegrafServices(TWO).every((s) => /telegraf/.test(s.image)),
    JSON.stringify(telegrafServices(TWO)),
  );
  assert.deepEqual(telegrafServices('services: [unclosed'), []);
  // Which already has a token: environment: sets the variable its version reads, or env_file: names a file of this extension's.
  assert.deepEqual(
    telegrafServices(
      'services:\n  a:\n    image: telegraf:1.40\n    environment:\n      TELEGRAF_CONTROLLER_TOKEN: ${TELEGRAF_CONTROLLER_TOKEN}\n  b:\n    image: telegraf:1.38\n    environment:\n      - INFLUX_TOKEN=${INFLUX_TOKEN}\n  c:\n    image: telegraf:1.40\n    env_file: telegraf-controller-2.env\n  d:\n    image: telegraf:1.40\n    environment:\n      INFLUX_TOKEN: x\n',
    ).map((s) => `${s.name}:${s.readsToken}`),
    ['a:true', 'b:true', 'c:true', 'd:false'],
  );
  const p = planAddToken('/w/compose.yaml', TWO, { composeMode: 'env_file', service: 'agent-b' });
  assert.equal(p.service, 'agent-b');
  const out = applyEdits(TWO, p.edits);
  assert.equal(
    out,
    TWO.replace(
      '  agent-b:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n',
      '  agent-b:\n    image: telegraf:1.40\n    env_file:\n      - shared.env\n      - telegraf-controller.env\n',
    ),
  );
  assert.ok(!p.notes.some((n) => /first one was wired/.test(n)), 'no "first one" note when the service was chosen');
});

test('a service that already reads the env file is not given it twice', () => {
  const once = planAddToken('/w/compose.yaml', TWO, { composeMode: 'env_file', service: 'agent-a' });
  const after = applyEdits(TWO, once.edits);
  const again = planAddToken('/w/compose.yaml', after, { composeMode: 'env_file', service: 'agent-a' });
  assert.deepEqual(again.edits, []);
  assert.equal(again.status, 'elsewhere');
  assert.equal(again.valueFile, 'telegraf-controller.env');
});

test('env_file: with one file becomes a block list with the new file added', () => {
  const text = 'services:\n  telegraf:\n    image: telegraf:1.40\n    env_file: .env\n';
  const p = planAddToken('/w/compose.yaml', text, { composeMode: 'env_file' });
  const out = applyEdits(text, p.edits);
  assert.equal(out, 'services:\n  telegraf:\n    image: telegraf:1.40\n    env_file:\n      - .env\n      - telegraf-controller.env\n');
  assert.ok(yamlParsesStrictly(out));
});

test("a host file named after a second unit's own env file is installed from that file only, never from the first unit's", () => {
  const [place] = manualPlaces(
    'systemd',
    '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller-2.env\n',
    '/w/telegraf-db.service.d/controller-token.conf',
  );
  assert.deepEqual(place!.hostFile?.sources, ['telegraf-controller-2.env', '../telegraf-controller-2.env']);
  const [first] = manualPlaces('systemd', `[Service]\nEnvironmentFile=${HOST_ENV_FILE}\n`, '/w/telegraf.service');
  assert.deepEqual(first!.hostFile?.sources, ['telegraf-controller.env']);
  // A unit written by an earlier version, reading /etc/telegraf/controller-token.env, is still installed from the env file beside it.
  const [older] = manualPlaces('systemd', '[Service]\nEnvironmentFile=/etc/telegraf/controller-token.env\n', '/w/telegraf.service');
  assert.deepEqual(older!.hostFile?.sources, ['controller-token.env', 'telegraf-controller.env']);
});

const DAEMONSET =
  'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf\n  namespace: monitoring\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n';

test('secretNameFor / envFileOfSecret: a file of its own is made into a Secret of its own, and back', () => {
  assert.equal(secretNameFor('telegraf-controller.env'), DEFAULT_SECRET_NAME);
  assert.equal(secretNameFor('telegraf-controller-2.env'), 'telegraf-controller-token-2');
  assert.equal(secretNameFor('sub/telegraf-controller-13.env'), 'telegraf-controller-token-13');
  assert.equal(secretNameFor('agent.env'), DEFAULT_SECRET_NAME);
  assert.equal(envFileOfSecret(DEFAULT_SECRET_NAME), 'telegraf-controller.env');
  assert.equal(envFileOfSecret('telegraf-controller-token-2'), 'telegraf-controller-2.env');
  assert.equal(envFileOfSecret('telegraf-controller-token-x'), undefined);
  assert.equal(envFileOfSecret('relay-settings'), undefined);
});

test('Kubernetes, kustomize and Helm given a file of its own read a Secret of its own (the first token keeps its Secret)', () => {
  const k = planAddToken('/w/ds.yaml', DAEMONSET, { envFile: 'telegraf-controller-2.env' });
  assert.equal(k.secretName, 'telegraf-controller-token-2');
  assert.match(k.commands[0]!.text, /^kubectl create secret generic telegraf-controller-token-2 -n monitoring --from-env-file=telegraf-controller-2\.env /);
  assert.match(applyEdits(DAEMONSET, k.edits), /secretKeyRef:\n\s+name: telegraf-controller-token-2\n\s+key: TELEGRAF_CONTROLLER_TOKEN\n/);
  assert.ok(!k.commands.some((c) => / telegraf-controller-token /.test(c.text)));
  const kz = planAddToken('/w/kustomization.yaml', 'resources:\n  - ds.yaml\n', { envFile: 'telegraf-controller-2.env' });
  assert.match(applyEdits('resources:\n  - ds.yaml\n', kz.edits), /- name: telegraf-controller-token-2\n\s+envs:\n\s+- telegraf-controller-2\.env\n/);
  assert.equal(planAddToken('/w/ds.yaml', DAEMONSET).secretName, DEFAULT_SECRET_NAME);
});

test('kustomize again: a file of its own gets a secretGenerator entry of its own and the container switches to it; kustomize builds it (real kubectl)', (t) => {
  const first = 'namespace: monitoring\nresources:\n  - resources/daemonset.yaml\n';
  const once = applyEdits(first, planAddToken('/w/kustomization.yaml', first).edits);
  assert.match(once, /secretGenerator:\n {2}- name: telegraf-controller-token\n {4}envs:\n {4}- telegraf-controller\.env\n/);
  const ds = applyEdits(DAEMONSET, planAddToken('/w/resources/daemonset.yaml', DAEMONSET, { envFile: 'telegraf-controller.env' }).edits);
  // The same file again (the holder dialog's "replace"): the generator already makes the Secret from it, nothing changes.
  const again = planAddToken('/w/kustomization.yaml', once);
  assert.equal(again.status, 'elsewhere');
  assert.equal(again.secretName, 'telegraf-controller-token');
  assert.equal(again.secretGenerated, true);
  assert.equal(again.valueFile, 'telegraf-controller.env');
  // A file of its own: its own generator entry, never a second file feeding one Secret (kustomize refuses a repeated key).
  const own = planAddToken('/w/kustomization.yaml', once, { envFile: 'telegraf-controller-2.env' });
  assert.equal(own.status, 'edit');
  assert.equal(own.secretName, 'telegraf-controller-token-2');
  assert.equal(own.secretGenerated, true);
  const twice = applyEdits(once, own.edits);
  assert.equal(
    twice,
    `${once}  - name: telegraf-controller-token-2\n    envs:\n    - telegraf-controller-2.env\n`,
    'appended to the secretGenerator list, in its style',
  );
  const rewired = planAddToken('/w/resources/daemonset.yaml', ds, { envFile: 'telegraf-controller-2.env' });
  assert.equal(rewired.status, 'edit');
  const ds2 = applyEdits(ds, rewired.edits);
  assert.match(ds2, /name: telegraf-controller-token-2\n/);
  // Run again after the first agent got a Secret of its own (-2): its file gets the value, never a new Secret.
  const second = 'resources:\n  - ds.yaml\nsecretGenerator:\n  - name: telegraf-controller-token-2\n    envs:\n      - telegraf-controller-2.env\n';
  const rerun = planAddToken('/w/kustomization.yaml', second);
  assert.equal(rerun.status, 'elsewhere');
  assert.equal(rerun.valueFile, 'telegraf-controller-2.env');
  assert.equal(rerun.secretName, 'telegraf-controller-token-2');
  assert.equal(rerun.edits.length, 0);
  // A generator entry of that name made from other files: said, never a second file added to it.
  const taken = planAddToken(
    '/w/kustomization.yaml',
    'resources:\n  - ds.yaml\nsecretGenerator:\n  - name: telegraf-controller-token\n    envs:\n      - secrets.env\n',
  );
  assert.equal(taken.status, 'elsewhere');
  assert.equal(taken.edits.length, 0);
  assert.match(taken.notes.join(' '), /already makes "telegraf-controller-token" from secrets\.env/);

  const has = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  if (!has) return t.skip('kubectl is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'tc-kustomize-'));
  try {
    mkdirSync(path.join(dir, 'resources'));
    writeFileSync(path.join(dir, 'kustomization.yaml'), twice);
    writeFileSync(path.join(dir, 'resources/daemonset.yaml'), ds2);
    writeFileSync(path.join(dir, 'telegraf-controller.env'), 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_first\n');
    writeFileSync(path.join(dir, 'telegraf-controller-2.env'), 'TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_second\n');
    const built = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const secondSecret = /name: (telegraf-controller-token-2-[a-z0-9]+)\n/.exec(built.stdout)?.[1];
    assert.ok(secondSecret, built.stdout);
    assert.match(
      built.stdout,
      new RegExp(`secretKeyRef:\\n\\s+key: TELEGRAF_CONTROLLER_TOKEN\\n\\s+name: ${secondSecret}\\n|secretKeyRef:\\n\\s+name: ${secondSecret}\\n`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a container that already reads the token from a Secret gets that Secret's key set, not a new Secret", () => {
  const text = DAEMONSET.replace(
    '          image: telegraf:1.40\n',
    '          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: agent-secrets\n                  key: TELEGRAF_CONTROLLER_TOKEN\n',
  );
  const p = planAddToken('/w/ds.yaml', text);
  assert.equal(p.status, 'elsewhere');
  assert.equal(p.secretName, 'agent-secrets');
  assert.ok(p.commands[0]!.text.includes('agent-secrets') && p.commands[0]!.text.includes('-n monitoring'), p.commands[0]!.text);
  assert.ok(!p.commands.some((c) => c.text.includes(DEFAULT_SECRET_NAME)), JSON.stringify(p.commands));
  assert.match(p.commands[1]!.text, /^kubectl rollout restart daemonset\/telegraf -n monitoring$/);
});

test('manualPlaces: a Secret of its own is known to be made from its own env file', () => {
  const text = DAEMONSET.replace(
    '          image: telegraf:1.40\n',
    '          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token-2\n                  key: TELEGRAF_CONTROLLER_TOKEN\n',
  );
  const [place] = manualPlaces('kubernetes', text, '/w/ds.yaml');
  assert.deepEqual(place?.secret?.envFiles, ['telegraf-controller-2.env']);
  assert.equal(place?.secret?.madeFromEnvFiles, true);
  assert.match(place!.command, /--from-env-file=telegraf-controller-2\.env/);
  const other = manualPlaces('kubernetes', text.replace('telegraf-controller-token-2', 'relay-settings'), '/w/ds.yaml')[0];
  assert.equal(other?.secret?.madeFromEnvFiles, false);
});

test('withOwnEnvFile: the systemd and Kubernetes quick fixes move to a file of their own, with the host file and Secret named after it', () => {
  const unit = '[Service]\nEnvironment=TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_abcdefghijklmnopqrstuvwxyz012345\n';
  const finding = scanDeployment('/w/telegraf-db.service', unit)!.findings.find((f) => f.code === 'plaintext-token')!;
  const [fix] = planFixes('systemd', unit, finding);
  const own = withOwnEnvFile(fix!, 'telegraf-controller-2.env');
  assert.equal(own.valueFile, 'telegraf-controller-2.env');
  assert.equal(applyEdits(unit, own.edits), '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller-2.env\n');
  assert.match(own.commands[0]!.text, /^sudo install -D -m 0600 -o root -g root telegraf-controller-2\.env \/etc\/telegraf\/telegraf-controller-2\.env && /);
  assert.ok(!own.note.includes(HOST_ENV_FILE), own.note);
  const ds = DAEMONSET.replace(
    '          image: telegraf:1.40\n',
    '          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              value: tc-apiv1_abcdefghijklmnopqrstuvwxyz012345\n',
  );
  const kf = scanDeployment('/w/ds.yaml', ds)!.findings.find((f) => f.code === 'plaintext-token')!;
  const k = withOwnEnvFile(planFixes('kubernetes', ds, kf)[0]!, 'telegraf-controller-3.env');
  assert.match(applyEdits(ds, k.edits), /name: telegraf-controller-token-3\n\s+key: TELEGRAF_CONTROLLER_TOKEN/);
  assert.equal(k.commands[0]!.text, 'kubectl create secret generic telegraf-controller-token-3 -n monitoring --from-env-file=telegraf-controller-3.env');
  // A fix that names a Secret of the manifest's own is left as it is.
  const compose = { ...fix!, ownFileable: false };
  assert.equal(withOwnEnvFile(compose, 'telegraf-controller-2.env'), compose);
});

test('hostFileClaim / hostFileClaims: the host file a value file is installed as reads back from its comment line', () => {
  const text = `${hostFileClaim('/etc/default/telegraf-edge')}\nTELEGRAF_CONTROLLER_TOKEN=x\n# Installed on the host as /etc/telegraf/a.env\r\n#Installed on the host as relative.env\n`;
  assert.deepEqual(hostFileClaims(text), ['/etc/default/telegraf-edge', '/etc/telegraf/a.env']);
  assert.deepEqual(hostFileClaims('TELEGRAF_CONTROLLER_TOKEN=x\n'), []);
  const plan = planAddToken('/w/telegraf-edge.service', '[Service]\nEnvironmentFile=-/etc/default/telegraf-edge\n', { envFile: 'telegraf-controller-2.env' });
  assert.equal(plan.hostFile, '/etc/default/telegraf-edge');
  assert.equal(planAddToken('/w/telegraf.service', '[Service]\nExecStart=/usr/bin/telegraf\n').hostFile, HOST_ENV_FILE);
});

test('secretManifestValues: what a Secret manifest gives the key, by name and namespace', () => {
  const manifest =
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: agent-a\n  namespace: "ns-1"\nstringData:\n  TELEGRAF_CONTROLLER_TOKEN: "tc-apiv1_aaa"\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: agent-b\ndata:\n  TELEGRAF_CONTROLLER_TOKEN: ' +
    Buffer.from('tc-apiv1_bbb').toString('base64') +
    '\n';
  assert.deepEqual(secretManifestValues(manifest, 'agent-a', 'TELEGRAF_CONTROLLER_TOKEN', 'ns-1'), ['tc-apiv1_aaa']);
  assert.deepEqual(secretManifestValues(manifest, 'agent-a', 'TELEGRAF_CONTROLLER_TOKEN'), ['tc-apiv1_aaa']);
  assert.equal(secretManifestValues(manifest, 'agent-a', 'TELEGRAF_CONTROLLER_TOKEN', 'ns-2'), undefined, 'another namespace: another Secret');
  assert.deepEqual(secretManifestValues(manifest, 'agent-b', 'TELEGRAF_CONTROLLER_TOKEN', 'any'), ['tc-apiv1_bbb']);
  assert.deepEqual(secretManifestValues(manifest, 'agent-b', 'INFLUX_TOKEN'), []);
  assert.equal(secretManifestValues(manifest, 'agent-c', 'TELEGRAF_CONTROLLER_TOKEN'), undefined);
});

test('Helm values of the influxdata/telegraf chart (image.repo, args, env) are found and wired', () => {
  const values =
    'image:\n  repo: "docker.io/library/telegraf"\n  tag: "1.40-alpine"\n  pullPolicy: IfNotPresent\nargs:\n  - --config\n  - https://tc.example.com/api/configs/helm/toml\nenv:\n  - name: HOSTNAME\n    value: "telegraf-polling-service"\n';
  const p = planAddToken('/w/values.yaml', values, {});
  assert.equal(p.kind, 'helm-values');
  assert.equal(p.status, 'edit', p.notes.join(' '));
  assert.match(applyEdits(values, p.edits), /- name: TELEGRAF_CONTROLLER_TOKEN\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: telegraf-controller-token\n/);
});

test('the host-file merge command writes its new file owner-only from the first byte (umask 077)', () => {
  const p = planAddToken('/w/telegraf-db.service', '[Service]\nEnvironmentFile=-/etc/default/telegraf-db\n', {});
  assert.match(p.commands[0]!.text, /^sudo sh -c 'umask 077; \{ grep -Ev/);
});

test('namesFile: a path that resolves to the env file names it; a file of the same name in another folder does not', () => {
  const env = '/ws/site-a/telegraf-controller.env';
  const hosts = [HOST_ENV_FILE];
  // Compose env_file: relative to the compose file's folder, with or without ./
  assert.equal(namesFile('/ws/site-a/compose.yaml', 'services:\n  t:\n    env_file: telegraf-controller.env\n', env, hosts), true);
  assert.equal(namesFile('/ws/site-a/compose.yaml', 'services:\n  t:\n    env_file:\n      - ./telegraf-controller.env\n', env, hosts), true);
  assert.equal(namesFile('/ws/site-a/deploy/compose.yaml', 'services:\n  t:\n    env_file: ["../telegraf-controller.env"]\n', env, hosts), true);
  assert.equal(namesFile('/ws/site-b/compose.yaml', 'services:\n  t:\n    env_file: telegraf-controller.env\n', env, hosts), false, 'its own file');
  assert.equal(namesFile('/ws/site-b/compose.yaml', 'services:\n  t:\n    env_file: ../site-a/telegraf-controller.env\n', env, hosts), true);
  assert.equal(namesFile('/ws/x/run.sh', 'kubectl create secret generic t --from-env-file=/ws/site-a/telegraf-controller.env\n', env, hosts), true);
  // A longer name that ends the same is another file.
  assert.equal(namesFile('/ws/site-a/compose.yaml', 'env_file: old-telegraf-controller.env\n', env, hosts), false);
  assert.equal(namesFile('/ws/site-a/compose.yaml', 'env_file: telegraf-controller.env.bak\n', env, hosts), false);
  // A systemd unit reads the host copy: beside the file it is that file's copy; in another folder, another host's file.
  const unit = '[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\n';
  assert.equal(namesFile('/ws/site-a/telegraf.service', unit, env, hosts), true);
  assert.equal(namesFile('/ws/site-b/telegraf.service', unit, env, hosts), false);
  // A drop-in of a unit beside the env file reads the same host copy.
  assert.equal(namesFile('/ws/site-a/telegraf-edge.service.d/controller-token.conf', unit, env, hosts), true);
  assert.equal(namesFile('/ws/site-a/other/controller-token.conf', unit, env, hosts), false);
  assert.equal(namesFile('/ws/site-a/telegraf.service', '[Service]\nEnvironmentFile=-/etc/telegraf/other.env\n', env, hosts), false);
  // A host file the env file says it is installed as.
  assert.equal(
    namesFile('/ws/site-a/db.service', '[Service]\nEnvironmentFile=/etc/telegraf/db.env\n', env, [
      HOST_ENV_FILE,
      ...hostFileClaims(`${hostFileClaim('/etc/telegraf/db.env')}\n`),
    ]),
    true,
  );
  // Windows separators.
  assert.equal(namesFile('C:\\ws\\site-a\\compose.yaml', 'env_file: .\\telegraf-controller.env\n', 'C:\\ws\\site-a\\telegraf-controller.env', hosts), true);
});

test('isSecretOnlyManifest: a file of Secrets only, as Add Token to Deployment writes them; not a workload, a ConfigMap or broken YAML', () => {
  const secret =
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: telegraf-controller-token\ntype: Opaque\nstringData:\n  TELEGRAF_CONTROLLER_TOKEN: "tc-apiv1_x"\n';
  assert.equal(isSecretOnlyManifest(secret), true);
  assert.equal(isSecretOnlyManifest(`---\n${secret}---\n${secret}`), true);
  assert.equal(isSecretOnlyManifest(`${secret}---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: t\n`), false);
  assert.equal(isSecretOnlyManifest('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n'), false);
  assert.equal(isSecretOnlyManifest(`${secret}  bad: [\n`), false);
  assert.equal(isSecretOnlyManifest(''), false);
});

test('a Telegraf older than 1.39 whose config reads INFLUX_TOKEN as the InfluxDB token is not given the controller token in that variable', () => {
  const values = (tag: string, outputs: string) =>
    `image:\n  repo: telegraf\n  tag: "${tag}"\nenvFromSecret: "telegraf-tokens"\nconfig:\n  outputs:\n${outputs}`;
  const influx = '    - influxdb_v2:\n        urls: ["http://influxdb:8086"]\n        token: $INFLUX_TOKEN\n';
  const old = planAddToken('/ws/values.yaml', values('1.20.4', influx));
  assert.equal(old.status, 'unsupported');
  assert.deepEqual(old.commands, []);
  assert.match(old.notes.join(' '), /already reads INFLUX_TOKEN as an output's token .* Upgrade the image to Telegraf 1\.39 or later/);
  // 1.39 and later read TELEGRAF_CONTROLLER_TOKEN: no conflict.
  const modern = planAddToken('/ws/values.yaml', values('1.40', influx));
  assert.equal(modern.status, 'elsewhere');
  assert.equal(modern.varName, 'TELEGRAF_CONTROLLER_TOKEN');
  // The heartbeat output's own token (1.37/1.38 send INFLUX_TOKEN to the controller) is the controller token itself.
  const hb = planAddToken(
    '/ws/values.yaml',
    values('1.38', '    - heartbeat:\n        url: "http://c:8000/agents/heartbeat"\n        token: ${INFLUX_TOKEN}\n'),
  );
  assert.equal(hb.status, 'elsewhere');
  assert.equal(hb.varName, 'INFLUX_TOKEN');
  assert.ok(!hb.warnings.some((w) => /neither load/.test(w)), 'it reports to the controller');
  assert.ok(
    modern.warnings.some((w) => /neither load the agent's configuration from the controller/.test(w)),
    modern.warnings.join(' | '),
  );
  // TOML in a ConfigMap beside a legacy agent.
  const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  telegraf.conf: |\n    [[outputs.influxdb_v2]]\n      token = "\${INFLUX_TOKEN}"\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: t\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.30\n`;
  assert.equal(planAddToken('/ws/ds.yaml', cm).status, 'unsupported');
});

test('a manifest with several Telegraf workloads: the token goes to the first that does not read one yet', () => {
  const ds = (name: string, ns: string, env = '') =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n${env}`;
  const reads =
    '          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n';
  const both = `${ds('telegraf-edge', 'monitoring', reads)}---\n${ds('telegraf-core', 'prod')}`;
  const p = planAddToken('/ws/agents.yaml', both, { envFile: 'telegraf-controller-2.env' });
  assert.equal(p.status, 'edit');
  assert.match(p.target ?? '', /telegraf-core/);
  assert.equal(p.namespace, 'prod');
  assert.equal(p.secretName, 'telegraf-controller-token-2');
  const out = applyEdits(both, p.edits);
  assert.equal(yamlParsesStrictly(out).ok, true);
  assert.match(out.slice(out.indexOf('telegraf-core')), /name: telegraf-controller-token-2/);
  // The first agent without a token is still the first choice.
  assert.match(planAddToken('/ws/agents.yaml', `${ds('a', 'x')}---\n${ds('b', 'y')}`).target ?? '', /DaemonSet\/a|"a"|a /);
});

test('Helm values: a heartbeat entry in config.outputs gets token: "${VAR}" (the variable alone leaves the output without one); another token setting is warned about', () => {
  const values =
    'image:\n  repo: telegraf\n  tag: "1.40"\nenvFromSecret: agent-env\nconfig:\n  outputs:\n    - heartbeat:\n        url: "http://tc:8000/agents/heartbeat"\n        instance_id: "a"\n    - heartbeat:\n        url: "http://tc:8000/agents/heartbeat"\n        token: "${OTHER}"\n';
  const p = planAddToken('/w/values.yaml', values, {});
  const out = applyEdits(values, p.edits);
  assert.match(out, /instance_id: "a"\n {8}token: "\$\{TELEGRAF_CONTROLLER_TOKEN\}"\n/);
  assert.equal(out.match(/token: /g)?.length, 2, 'the entry with its own token is left as it is');
  assert.ok(
    p.warnings.some((w) => /sends its own token setting, not \$\{TELEGRAF_CONTROLLER_TOKEN\}/.test(w)),
    p.warnings.join(' | '),
  );
  assert.ok(
    p.notes.some((n) => /the values need no other change/.test(n)),
    p.notes.join(' | '),
  );
  const legacy = planAddToken('/w/values.yaml', values.replace('"1.40"', '"1.38"'), {});
  assert.match(applyEdits(values, legacy.edits), /token: "\$\{INFLUX_TOKEN\}"/);
});

test('Kubernetes: a container that already reads a Secret made from an env file of its own gets the value in that same file; a file of its own asked for rewires it to its own Secret', () => {
  const manifest =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: telegraf-a\n  namespace: edge-a\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token-2\n                  key: TELEGRAF_CONTROLLER_TOKEN\n';
  // Again on the same workload: the value goes into telegraf-controller-2.env, the one file the Secret is made from.
  const again = planAddToken('/w/k8s/agents.yaml', manifest, {});
  assert.equal(again.status, 'elsewhere');
  assert.equal(again.secretName, 'telegraf-controller-token-2');
  assert.equal(again.valueFile, 'telegraf-controller-2.env');
  assert.ok(
    again.commands.some(
      (c) => c.text.includes('telegraf-controller-token-2') && c.text.includes('telegraf-controller-2.env') && !/telegraf-controller\.env/.test(c.text),
    ),
    again.commands.map((c) => c.text).join('\n'),
  );
  // A file of its own (the holder dialog's default): the container reads the Secret made from it.
  const own = planAddToken('/w/k8s/agents.yaml', manifest, { envFile: 'telegraf-controller-3.env' });
  assert.equal(own.status, 'edit');
  assert.equal(own.secretName, 'telegraf-controller-token-3');
  const out = applyEdits(manifest, own.edits);
  assert.match(out, /secretKeyRef:\n\s+name: telegraf-controller-token-3\n/);
  assert.ok(yamlParsesStrictly(out).ok);
  assert.ok(
    own.commands.every((c) => !c.text.includes('telegraf-controller-token-2')),
    own.commands.map((c) => c.text).join('\n'),
  );
});

test('Kubernetes: several Telegraf workloads in one file: the first without a token gets it, and the others waiting for one are named', () => {
  const workload = (name: string, ns: string, env = '') =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n${env}`;
  const reads =
    '          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n';
  const text = [workload('telegraf-a', 'edge-a', reads), workload('telegraf-b', 'edge-b'), workload('telegraf-c', 'edge-c')].join('---\n');
  const p = planAddToken('/w/agents.yaml', text, {});
  assert.equal(p.target, 'Deployment/telegraf-b container "telegraf"');
  assert.equal(p.namespace, 'edge-b');
  assert.ok(
    p.notes.some((n) =>
      /another Telegraf workload without a token \(Deployment\/telegraf-c container "telegraf"\): run "Add Token to Deployment…" again/.test(n),
    ),
    p.notes.join(' | '),
  );
  const last = planAddToken('/w/agents.yaml', [workload('telegraf-a', 'edge-a', reads), workload('telegraf-b', 'edge-b')].join('---\n'), {});
  assert.ok(!last.notes.some((n) => /without a token/.test(n)), last.notes.join(' | '));
});

test('Kubernetes: the Telegraf containers of a file are listed for a picker, and the one chosen is wired', () => {
  const workload = (name: string, ns: string, env = '') =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n${env}`;
  const reads =
    '          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN\n';
  const text = [workload('telegraf-a', 'edge-a', reads), workload('telegraf-b', 'edge-b'), workload('telegraf-c', 'edge-c')].join('---\n');
  const list = telegrafContainers(text);
  assert.deepEqual(
    list.map((c) => [c.label, c.namespace, c.readsToken]),
    [
      ['Deployment/telegraf-a container "telegraf"', 'edge-a', true],
      ['Deployment/telegraf-b container "telegraf"', 'edge-b', false],
      ['Deployment/telegraf-c container "telegraf"', 'edge-c', false],
    ],
  );
  const c = planAddToken('/w/agents.yaml', text, { container: list[2]!.key });
  assert.equal(c.target, 'Deployment/telegraf-c container "telegraf"');
  assert.equal(c.namespace, 'edge-c');
  const out = applyEdits(text, c.edits);
  assert.equal(out.split('---\n')[1], text.split('---\n')[1], 'telegraf-b is left as it was');
  assert.match(out.split('---\n')[2]!, /TELEGRAF_CONTROLLER_TOKEN/);
  const gone = planAddToken('/w/agents.yaml', text, { container: 'edge-x/Deployment/gone/telegraf' });
  assert.equal(gone.status, 'unsupported', 'a container no longer in the file is never guessed');
  assert.match(gone.notes.join(' '), /No Telegraf container/);
  assert.deepEqual(telegrafContainers('a: [unclosed'), []);
});

test('Helm values: a heartbeat entry whose url names another host than the controller is warned about (the token would go there)', () => {
  const values = (host: string) =>
    `image:\n  repo: telegraf\n  tag: "1.40"\nconfig:\n  outputs:\n    - heartbeat:\n        url: "http://${host}:8000/agents/heartbeat"\n        instance_id: "a"\n`;
  const elsewhere = planAddToken('/w/values.yaml', values('tc.example.com'), { controllerUrl: 'http://127.0.0.1:8888' });
  assert.ok(
    elsewhere.warnings.some((w) => /reports to tc\.example\.com, not to the controller at http:\/\/127\.0\.0\.1:8888/.test(w)),
    elsewhere.warnings.join(' | '),
  );
  const same = planAddToken('/w/values.yaml', values('localhost'), { controllerUrl: 'http://127.0.0.1:8888' });
  assert.ok(!same.warnings.some((w) => /reports to/.test(w)), same.warnings.join(' | '));
});

test('Compose env_file: an environment: entry (map or list) that sets the variable overrides the env file: said', () => {
  for (const env of ['    environment:\n      - TELEGRAF_CONTROLLER_TOKEN=<TOKEN>\n', '    environment:\n      TELEGRAF_CONTROLLER_TOKEN: <TOKEN>\n']) {
    const p = planAddToken('/w/docker-compose.yml', `services:\n  telegraf:\n    image: telegraf:1.40\n${env}`, { composeMode: 'env_file' });
    assert.equal(p.overridden, true, env);
    assert.ok(
      p.warnings.some((w) => /overrides env_file/.test(w)),
      p.warnings.join(' | '),
    );
  }
  const other = planAddToken('/w/docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n    environment:\n      - TZ=UTC\n', {
    composeMode: 'env_file',
  });
  assert.equal(other.overridden, undefined);
});
