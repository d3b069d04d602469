/**
 * Detection across every deployment file type (README.md "Deploying
 * agents"): a controller token (`tc-apiv1_…`) is flagged in Compose,
 * Kubernetes (env, ConfigMap, Secret stringData and base64 data), Helm
 * values, env files, systemd units, shell, PowerShell, Dockerfile,
 * Terraform, Jinja and JSON; never inside encrypted material (SealedSecret
 * encryptedData, SOPS); placeholders are reported at lower severity, not as
 * leaks. Also the file-kind rules and the format-specific quick fixes on
 * synthetic files made by converting the fixtures (a controller token in
 * place of the redacted InfluxDB tokens).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../../src/core/config';
import { adviceFor, deploymentKind, pinFromImage, planAddToken, planFixes, scanDeployment, scanText, type DeployKind } from '../../../../src/core/deploy';
import { readDeployFixture, strictYamlErrors } from './helpers';

const TOKEN = 'tc-apiv1_AbCdEf0123456789abcdef0123456789';

function codes(kind: DeployKind, text: string): string[] {
  return scanText(kind, text).map((f) => `${f.code}:${text.slice(f.range.start, f.range.end)}`);
}

void describe('deployment file kinds', () => {
  const cases: [string, string, DeployKind | undefined][] = [
    ['docker-compose.yml', 'services:\n  a: {}\n', 'compose'],
    ['deploy/telegraf.yaml', 'apiVersion: apps/v1\nkind: DaemonSet\n', 'kubernetes'],
    ['kustomization.yaml', 'resources: []\n', 'kustomization'],
    ['charts/values.yaml', 'image:\n  repo: x\n', 'helm-values'],
    ['.env', 'A=1\n', 'env'],
    ['.env.production', 'A=1\n', 'env'],
    ['telegraf.env', 'A=1\n', 'env'],
    ['etc/default/telegraf', 'A=1\n', 'env'],
    ['deploy/telegraf-default', 'A=1\n', 'env'],
    ['telegraf.default', 'A=1\n', 'env'],
    ['etc/systemd/system/telegraf.service', '[Service]\n', 'systemd'],
    ['etc/systemd/system/telegraf.service.d/override.conf', '[Service]\n', 'systemd'],
    ['install.sh', '', 'shell'],
    ['install.ps1', '', 'powershell'],
    ['Dockerfile', '', 'dockerfile'],
    ['main.tf', '', 'terraform'],
    ['telegraf.service.j2', '', 'jinja'],
    ['settings.json', '{}', 'json'],
    ['telegraf.conf', '[agent]\n', undefined],
    ['README.md', '', undefined],
  ];
  for (const [p, text, kind] of cases) test(`${p} → ${kind ?? 'not a deployment file'}`, () => assert.equal(deploymentKind(p, text), kind));
  test('a file named only through a compose env_file: is an env file', () => {
    assert.equal(deploymentKind('/w/deploy/secrets', 'TOKEN=x\n'), undefined);
    assert.equal(deploymentKind('/w/deploy/secrets', 'TOKEN=x\n', new Set(['/w/deploy/secrets'])), 'env');
  });
});

void describe('controller tokens are flagged in every file type', () => {
  const files: [DeployKind, string][] = [
    ['compose', `services:\n  telegraf:\n    image: telegraf:1.40\n    environment:\n      - TELEGRAF_CONTROLLER_TOKEN=${TOKEN}\n`],
    [
      'kubernetes',
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: t\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              value: ${TOKEN}\n`,
    ],
    ['helm-values', `image:\n  repository: telegraf\nenv:\n  - name: TELEGRAF_CONTROLLER_TOKEN\n    value: "${TOKEN}"\n`],
    ['env', `TELEGRAF_CONTROLLER_TOKEN=${TOKEN}\n`],
    ['systemd', `[Service]\nEnvironment=TELEGRAF_CONTROLLER_TOKEN=${TOKEN}\nExecStart=/usr/bin/telegraf\n`],
    ['shell', `export TELEGRAF_CONTROLLER_TOKEN="${TOKEN}"\ntelegraf --config https://c/api/configs/1/toml\n`],
    ['powershell', `$env:TELEGRAF_CONTROLLER_TOKEN = '${TOKEN}'\n`],
    ['dockerfile', `FROM telegraf:1.40\nENV TELEGRAF_CONTROLLER_TOKEN=${TOKEN}\n`],
    ['terraform', `resource "x" "y" {\n  token = "${TOKEN}"\n}\n`],
    ['jinja', `TELEGRAF_CONTROLLER_TOKEN="${TOKEN}"\n{{ other }}\n`],
    ['json', `{"env": {"TELEGRAF_CONTROLLER_TOKEN": "${TOKEN}"}}`],
  ];
  for (const [kind, text] of files) {
    test(kind, () => {
      const f = scanText(kind, text).filter((x) => x.code === 'plaintext-token');
      assert.equal(f.length, 1, JSON.stringify(codes(kind, text)));
      assert.equal(text.slice(f[0]!.range.start, f[0]!.range.end), TOKEN);
      assert.equal(f[0]!.value, TOKEN);
      assert.equal(f[0]!.severity, 'warning');
    });
  }
  test('a token in a comment is still a leak', () => {
    assert.deepEqual(codes('compose', `# token: ${TOKEN}\nservices: {}\n`), [`plaintext-token:${TOKEN}`]);
  });
});

void describe('Kubernetes specifics', () => {
  test('a token kept in a ConfigMap is flagged as such, and not lowered when git-ignored', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  TELEGRAF_CONTROLLER_TOKEN: ${TOKEN}\n`;
    const f = scanText('kubernetes', text);
    assert.deepEqual(f.map((x) => x.code).sort(), ['configmap-token', 'plaintext-token']);
    const plain = f.find((x) => x.code === 'plaintext-token')!;
    assert.match(plain.message, /ConfigMap/);
    assert.equal(plain.lowerWhenIgnored, false);
  });
  test('configMapKeyRef and envFrom.configMapRef to a token ConfigMap are flagged', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  INFLUXDB_TOKEN: abc\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: t\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf\n          envFrom:\n            - configMapRef:\n                name: shared\n`;
    const f = scanText('kubernetes', text).filter((x) => x.code === 'configmap-token');
    assert.equal(f.length, 2);
    assert.equal(
      scanText('kubernetes', readDeployFixture('14-k8s-deployment-configMapKeyRef-token.yaml')).filter((x) => x.code === 'configmap-token').length,
      1,
    );
  });
  test('Secret stringData committed: flagged with a kubectl hint', () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  TELEGRAF_CONTROLLER_TOKEN: ${TOKEN}\n`;
    const f = scanText('kubernetes', text);
    assert.equal(f.length, 1);
    assert.match(f[0]!.message, /kubectl/);
  });
  test('base64 data holding a controller token is flagged', () => {
    const b64 = Buffer.from(TOKEN).toString('base64');
    const f = scanText('kubernetes', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  T: ${b64}\n`);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.value, TOKEN);
  });
  test('encrypted material is never flagged: SealedSecret and SOPS', () => {
    const sealed = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\nspec:\n  encryptedData:\n    TELEGRAF_CONTROLLER_TOKEN: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAgBy3i4OJSWK\n    INFLUX_TOKEN: AgCx9f8==\n`;
    assert.deepEqual(codes('kubernetes', sealed), []);
    const sops = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  TELEGRAF_CONTROLLER_TOKEN: ENC[AES256_GCM,data:Zm9vYmFy,iv:abc=,tag:def==,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:x,type:str]\n  version: 3.8.1\n`;
    assert.deepEqual(codes('kubernetes', sops), []);
    assert.deepEqual(codes('env', 'TELEGRAF_CONTROLLER_TOKEN=ENC[AES256_GCM,data:abc,type:str]\nsops_version=3.8.1\n'), []);
  });
});

void describe('placeholders and defaults', () => {
  test('placeholders are unfilled, at information severity, not leaks (fixtures 04, 24, 26, 10)', () => {
    for (const [name, placeholder] of [
      ['04-compose-override-remote-config-placeholder-token.yml', '<TOKEN>'],
      ['24-etc-default-telegraf', '<<<TOKEN_HERE>>>'],
      ['26-windows-registry-env-multistring.ps1', 'GET_YOUR_TOKEN'],
      ['10-compose-env_file-quoted-var-refs.env', 'my-secret-token'],
    ] as const) {
      const text = readDeployFixture(name);
      const s = scanDeployment(name, text, new Set(['10-compose-env_file-quoted-var-refs.env']))!;
      const f = s.findings.find((x) => text.slice(x.range.start, x.range.end) === placeholder);
      assert.ok(f, `${placeholder} in ${name}`);
      assert.equal(f.code, 'unfilled-placeholder');
      assert.equal(f.severity, 'information');
    }
  });
  test('references are never flagged (fixture 21: envFromSecret, $INFLUX_TOKEN; fixture 29: Jinja)', () => {
    assert.deepEqual(scanText('helm-values', readDeployFixture('21-helm-values-envFromSecret-unquoted-vars.yaml')), []);
    assert.deepEqual(scanText('jinja', readDeployFixture('29-ansible-etc-default-telegraf-template.j2')), []);
  });
  test('a commented sample token in Helm values is not flagged (fixture 19)', () => {
    assert.deepEqual(scanText('helm-values', readDeployFixture('19-helm-telegraf-ds-values-official.yaml')), []);
  });
  test('${TOKEN:-} with an empty default is flagged (fixture 06)', () => {
    const f = scanText('compose', readDeployFixture('06-compose-override-map-env-default-interpolation.yml'));
    assert.ok(f.some((x) => x.code === 'empty-default-token' && x.name === 'NOC_AGENT_TOKEN'));
  });
  test('a Telegraf service that reads an admin token is flagged, on that service only (fixture 01: the influxdb2-admin-token secret)', () => {
    const text = readDeployFixture('01-compose-anchors-xext-secrets-entrypoint.yml');
    const f = scanText('compose', text).filter((x) => x.code === 'admin-token');
    assert.equal(f.length, 1, 'the dashboard and the influxdb services read the same secret: not agents, not flagged');
    assert.equal(f[0]!.severity, 'information');
    assert.equal(text.slice(f[0]!.range.start, f[0]!.range.end), 'influxdb2-admin-token');
    const headers = [...text.slice(0, f[0]!.range.start).matchAll(/^ {2}([\w-]+):\r?$/gm)];
    assert.equal(headers.at(-1)?.[1], 'telegraf', 'in the telegraf service');
    const env = scanText(
      'compose',
      'services:\n  telegraf:\n    image: telegraf:1.40\n    environment:\n      - INFLUX_TOKEN=${DOCKER_INFLUXDB_INIT_ADMIN_TOKEN}\n    secrets:\n      - source: influx_admin_token\n  influxdb:\n    image: influxdb:2\n    environment:\n      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: ${DOCKER_INFLUXDB_INIT_ADMIN_TOKEN}\n',
    ).filter((x) => x.code === 'admin-token');
    assert.deepEqual(
      env.map((x) => x.name),
      ['DOCKER_INFLUXDB_INIT_ADMIN_TOKEN', 'influx_admin_token'],
    );
  });
});

void describe('version awareness', () => {
  test('telegraf:1.26 → INFLUX_TOKEN and too old for the heartbeat; 1.38 → INFLUX_TOKEN; 1.39+ and unpinned → TELEGRAF_CONTROLLER_TOKEN', () => {
    const a = adviceFor(pinFromImage('telegraf:1.26'));
    assert.equal(a.varName, 'INFLUX_TOKEN');
    assert.equal(a.heartbeat, false);
    assert.match(a.notes.join(' '), /too old/);
    assert.equal(adviceFor(pinFromImage('docker.io/library/telegraf:1.38.3-alpine')).varName, 'INFLUX_TOKEN');
    assert.equal(adviceFor(pinFromImage('telegraf:1.37')).heartbeat, true);
    assert.equal(adviceFor(pinFromImage('telegraf:1.39-alpine')).varName, 'TELEGRAF_CONTROLLER_TOKEN');
    assert.equal(adviceFor(pinFromImage('telegraf:latest')).varName, 'TELEGRAF_CONTROLLER_TOKEN');
    assert.equal(adviceFor(pinFromImage('telegraf')).varName, 'TELEGRAF_CONTROLLER_TOKEN');
  });
});

void describe('format-specific quick fixes on controller tokens', () => {
  const fix = (kind: DeployKind, text: string) => {
    const f = scanText(kind, text).find((x) => x.code === 'plaintext-token')!;
    const fixes = planFixes(kind, text, f);
    assert.ok(fixes.length > 0, 'a fix');
    return { fix: fixes[0]!, out: applyEdits(text, fixes[0]!.edits) };
  };
  test('Compose (fixture 03 with a controller token): ${VAR:?…}, value into .env', () => {
    const src = readDeployFixture('03-compose-multiservice-literal-token-remote-config.yml').replace(/REDACTED_INFLUX_TOKEN_[A-Z_]*==/, TOKEN);
    const { fix: x, out } = fix('compose', src);
    assert.equal(x.valueFile, '.env');
    assert.ok(out.includes('- INFLUX_TOKEN=${INFLUX_TOKEN:?INFLUX_TOKEN is not set}'));
    assert.ok(!out.includes(TOKEN));
    assert.ok(!out.endsWith('\n'), 'no final newline added');
    assert.deepEqual(strictYamlErrors(out), []);
  });
  test('Kubernetes env value → secretKeyRef', () => {
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: t\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              value: ${TOKEN} # leaked\n`;
    const { fix: x, out } = fix('kubernetes', text);
    assert.equal(
      out,
      text.replace(
        `value: ${TOKEN}`,
        'valueFrom:\n                secretKeyRef:\n                  name: telegraf-controller-token\n                  key: TELEGRAF_CONTROLLER_TOKEN',
      ),
    );
    assert.match(x.commands[0]!.text, /kubectl create secret generic telegraf-controller-token --from-env-file=telegraf-controller.env/);
    assert.deepEqual(strictYamlErrors(out), []);
  });
  test('Helm values env value (fixture 18 with a token item) → secretKeyRef', () => {
    const src = readDeployFixture('18-helm-telegraf-values-official.yaml').replace(
      '    value: "telegraf-polling-service"',
      `    value: "telegraf-polling-service"\n  - name: "TELEGRAF_CONTROLLER_TOKEN"\n    value: "${TOKEN}"`,
    );
    const { out } = fix('helm-values', src);
    assert.ok(
      out.includes(
        '  - name: "TELEGRAF_CONTROLLER_TOKEN"\n    valueFrom:\n      secretKeyRef:\n        name: telegraf-controller-token\n        key: TELEGRAF_CONTROLLER_TOKEN\n',
      ),
    );
    assert.deepEqual(strictYamlErrors(out), []);
  });
  test('systemd Environment= → EnvironmentFile=', () => {
    const text = `[Unit]\nDescription=x\n\n[Service]\nEnvironment="TELEGRAF_CONTROLLER_TOKEN=${TOKEN}"\nExecStart=/usr/bin/telegraf\n`;
    const f = scanText('systemd', text).find((x) => x.code === 'plaintext-token')!;
    const [x] = planFixes('systemd', text, f);
    assert.ok(x);
    assert.equal(
      applyEdits(text, x.edits),
      `[Unit]\nDescription=x\n\n[Service]\nEnvironmentFile=/etc/telegraf/telegraf-controller.env\nExecStart=/usr/bin/telegraf\n`,
    );
  });
  test('Secret stringData (fixture 15 with a controller token) → line removed, kubectl command', () => {
    const src = readDeployFixture('15-k8s-secret-stringData-literal-token.yaml').replace(/REDACTED_INFLUXDB_TOKEN_[A-Z_]*==/, TOKEN);
    const { fix: x, out } = fix('kubernetes', src);
    assert.ok(!out.includes(TOKEN));
    assert.match(x.commands[0]!.text, /kubectl create secret generic telegraf-secrets/);
    assert.deepEqual(strictYamlErrors(out), []);
  });
});

void describe('Helm values under a wrapper chart key', () => {
  test('the telegraf chart nested under `telegraf:` gets the env item at its own indent; other keys untouched', () => {
    const text = [
      '# umbrella chart values',
      'grafana:',
      '  enabled: true',
      'telegraf:',
      '  image:',
      '    repository: telegraf',
      '    tag: "1.38-alpine"',
      '  env:',
      '    - name: HOSTNAME',
      '      value: "x"',
      '  config:',
      '    outputs: []',
      '',
    ].join('\n');
    const plan = planAddToken('values.yaml', text);
    assert.equal(plan.status, 'edit');
    assert.equal(plan.target, 'chart values under "telegraf"');
    assert.equal(plan.varName, 'INFLUX_TOKEN', 'tag 1.38 reads INFLUX_TOKEN');
    const out = applyEdits(text, plan.edits);
    assert.equal(
      out,
      text.replace(
        '      value: "x"\n',
        '      value: "x"\n    - name: INFLUX_TOKEN\n      valueFrom:\n        secretKeyRef:\n          name: telegraf-controller-token\n          key: INFLUX_TOKEN\n',
      ),
    );
    assert.deepEqual(strictYamlErrors(out), []);
  });
  test('a wrapper without env gets envFromSecret', () => {
    const text = 'telegraf-ds:\n  image:\n    repository: docker.io/library/telegraf\n  config:\n    outputs: []\n';
    const plan = planAddToken('values.yaml', text);
    assert.equal(applyEdits(text, plan.edits), `${text}  envFromSecret: telegraf-controller-token\n`);
  });
});
