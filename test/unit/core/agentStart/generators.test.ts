/**
 * The agent start generators, checked by real peers where one runs here:
 * `bash -n` for shell text, `systemd-analyze verify` for the unit drop-in,
 * the `yaml` library's strict parse for Compose/Kubernetes, the published
 * Kubernetes schemas (kubernetes-models) for the DaemonSet and Secret, and `kubectl
 * create secret --dry-run=client` for the Secret command the DaemonSet
 * comment gives. A peer that is not installed is reported as skipped, except
 * under CI=true, where a missing peer fails.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import {
  AGENT_START_KINDS,
  AgentStartOptionError,
  agentStartSnippet,
  configTomlUrl,
  isGoDuration,
  parseTelegrafVersion,
  psQuote,
  shQuote,
  systemdQuote,
  tokenVariableFor,
  type AgentStartKind,
  type AgentStartOptions,
} from '../../../../src/core/agentStart';

const BASE: AgentStartOptions = { controllerUrl: 'https://controller.example:8888/', configId: 'cfg-linux-hosts', configName: 'Linux hosts' };
const URL_ = 'https://controller.example:8888/api/configs/cfg-linux-hosts/toml';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** A peer that is missing skips the test locally and fails it under CI. */
function peer(t: { skip: (m: string) => void }, cmd: string): boolean {
  if (has(cmd)) return true;
  if (process.env.CI === 'true') assert.fail(`${cmd} is required under CI=true`);
  t.skip(`${cmd} is not installed`);
  return false;
}

function bashN(text: string): void {
  const r = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, `bash -n failed: ${r.stderr}\n${text}`);
}

function strictYaml(text: string): unknown {
  const doc = parseDocument(text, { strict: true, uniqueKeys: true, prettyErrors: true });
  assert.deepEqual(doc.errors.map(String), [], 'no YAML errors');
  assert.deepEqual(doc.warnings.map(String), [], 'no YAML warnings');
  return doc.toJS();
}

const VARIANTS: Array<{ name: string; o: AgentStartOptions; v: string; other: string }> = [
  { name: 'current', o: { ...BASE, watchInterval: '1m' }, v: 'TELEGRAF_CONTROLLER_TOKEN', other: 'INFLUX_TOKEN' },
  { name: '1.38', o: { ...BASE, telegrafVersion: '1.38.3' }, v: 'INFLUX_TOKEN', other: 'TELEGRAF_CONTROLLER_TOKEN' },
];

describe('token variable by Telegraf version', () => {
  test('1.39 and later: TELEGRAF_CONTROLLER_TOKEN with Bearer; 1.38 and earlier: INFLUX_TOKEN with Token', () => {
    for (const v of ['1.39', '1.40.1', 'v1.41.0', '1.39-alpine', 'telegraf:1.40', undefined, 'latest', 'alpine']) {
      assert.deepEqual([tokenVariableFor(v).name, tokenVariableFor(v).scheme], ['TELEGRAF_CONTROLLER_TOKEN', 'Bearer'], String(v));
    }
    for (const v of ['1.38', 'v1.38.3', 'telegraf:1.26', '1.26-alpine', '0.13']) {
      assert.deepEqual([tokenVariableFor(v).name, tokenVariableFor(v).scheme], ['INFLUX_TOKEN', 'Token'], v);
    }
    assert.equal(tokenVariableFor('1.36').heartbeat, false);
    assert.equal(tokenVariableFor('1.37').heartbeat, true);
    assert.deepEqual(parseTelegrafVersion('2.0.1'), { major: 2, minor: 0 });
    assert.equal(parseTelegrafVersion('1'), undefined);
  });
});

describe('agent start text', () => {
  for (const kind of AGENT_START_KINDS) {
    for (const { name, o, v, other } of VARIANTS) {
      test(`${kind} (${name}): config URL, ${v} by reference, never the other variable, no token value`, () => {
        const s = agentStartSnippet(kind, o);
        assert.equal(s.configUrl, URL_);
        assert.ok(s.text.includes(URL_), 'the config URL is in the text');
        assert.ok(s.text.includes(v), `${v} is named`);
        assert.equal(s.variable.name, v);
        // The other variable is never SET (the PowerShell filter that removes stale entries names both).
        assert.ok(!new RegExp(`\\b${other}=`).test(s.text.replace(/\^\(TELEGRAF_CONTROLLER_TOKEN\|INFLUX_TOKEN\)=/g, '')), `${other} is not set`);
        assert.ok(!/tc-apiv1_[A-Za-z0-9]/.test(s.text), 'no token value');
        assert.ok(!/^\s*Environment=/m.test(s.text), 'no Environment=TOKEN=… in a unit');
        if (o.watchInterval) assert.ok(s.text.includes(`--config-url-watch-interval`) && s.text.includes(o.watchInterval));
        else assert.ok(!s.text.includes('--config-url-watch-interval'));
        assert.ok(s.warnings.length > 0 && s.warnings.every((w) => w.length > 20 && !w.includes('tc-apiv1_x')));
      });
    }
  }

  test('shell, docker and systemd texts are valid bash (bash -n)', () => {
    for (const kind of ['shell', 'docker', 'systemd'] as AgentStartKind[]) {
      for (const { o } of VARIANTS) bashN(agentStartSnippet(kind, o).text);
      bashN(agentStartSnippet(kind, { ...BASE, configId: "it's a $(weird) id; rm -rf /", controllerUrl: 'http://10.0.0.5:8888' }).text);
    }
  });

  test('server text cannot break out of a comment: ids and names with line breaks stay on their comment line', () => {
    for (const kind of AGENT_START_KINDS) {
      const s = agentStartSnippet(kind, { ...BASE, configId: 'x\nrm -rf / #', configName: 'n\r\ncurl evil | sh\u2028' });
      const lines = s.text.split(/\r?\n/);
      assert.ok(!lines.some((l) => /^\s*(rm -rf|curl evil)/.test(l)), `${kind}: ${lines.filter((l) => /rm -rf|curl evil/.test(l)).join(' | ')}`);
      if (kind === 'compose' || kind === 'kubernetes') strictYaml(s.text);
      if (kind === 'shell' || kind === 'docker' || kind === 'systemd') bashN(s.text);
    }
  });

  test('shell: the URL is one quoted word even with odd ids; the /etc/default/telegraf trap is said', () => {
    const s = agentStartSnippet('shell', { ...BASE, configId: "a b'$c" });
    assert.ok(s.text.includes(`'https://controller.example:8888/api/configs/a%20b'\\''%24c/toml'`));
    assert.ok(s.text.includes('/etc/default/telegraf'));
    assert.ok(s.warnings.some((w) => w.includes('/etc/default/telegraf')));
    // bash itself splits the command into exactly the argv Telegraf gets.
    const line = /&& (telegraf .*)$/m.exec(s.text)![1]!;
    const argv = execFileSync('bash', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    assert.deepEqual(argv, ['telegraf', '--config', "https://controller.example:8888/api/configs/a%20b'%24c/toml"]);
  });

  test('docker: --env passes the variable from the shell; a loopback controller is warned about', () => {
    const s = agentStartSnippet('docker', { ...BASE, controllerUrl: 'http://localhost:8888' });
    assert.match(s.text, /--env TELEGRAF_CONTROLLER_TOKEN \\/);
    assert.ok(!/--env TELEGRAF_CONTROLLER_TOKEN=/.test(s.text));
    assert.ok(s.warnings.some((w) => w.includes('inside a container')));
    assert.ok(s.text.includes('telegraf:1.40'));
    assert.ok(agentStartSnippet('docker', { ...BASE, telegrafVersion: '1.38' }).text.includes('telegraf:1.38'));
  });

  test('pasted into a shell that reads it line by line (no bracketed paste), read takes the typed token, not the next pasted line (real bash)', () => {
    const s = agentStartSnippet('shell', BASE);
    const dir = mkdtempSync(path.join(tmpdir(), 'tc-paste-'));
    const out = path.join(dir, 'seen');
    // The agent's command replaced by one that records what it would get; the script and then the typed token arrive on stdin.
    // (the whole start is the last line: nothing pasted after it that read could take)
    const script = s.text.replace(/&& telegraf .*$/m, `&& printf '%s' "$TELEGRAF_CONTROLLER_TOKEN" > ${out}`);
    assert.notEqual(script, s.text, 'the agent command was replaced');
    const r = spawnSync('bash', ['-s'], { input: `${script}tc-apiv1_typedAfterThePaste\n`, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), 'tc-apiv1_typedAfterThePaste');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a loopback controller URL in a container or a pod: said in the copied text itself, first, and as `unreachable`', () => {
    for (const kind of ['docker', 'compose', 'kubernetes'] as const) {
      const s = agentStartSnippet(kind, { ...BASE, controllerUrl: 'http://127.0.0.1:8888' });
      assert.ok(s.unreachable?.includes('127.0.0.1'), kind);
      assert.equal(s.text.split('\n')[0], `# WARNING: ${s.unreachable}`, kind);
      assert.equal(s.warnings[0], s.unreachable, kind);
      assert.equal(agentStartSnippet(kind, BASE).unreachable, undefined, `${kind}: a routable host is no warning`);
    }
    // On the same host, 127.0.0.1 works: no warning for a shell or a systemd unit.
    for (const kind of ['shell', 'systemd'] as const)
      assert.equal(agentStartSnippet(kind, { ...BASE, controllerUrl: 'http://127.0.0.1:8888' }).unreachable, undefined);
  });

  test('compose: strict YAML; the token only through a telegraf-only env_file; command is the exact argv', () => {
    for (const { o, v } of VARIANTS) {
      const s = agentStartSnippet('compose', o);
      const js = strictYaml(s.text) as { services: Record<string, { image: string; command: string[]; env_file: string[]; environment?: unknown }> };
      const svc = js.services.telegraf!;
      assert.deepEqual(svc.command, ['--config', URL_, ...(o.watchInterval ? ['--config-url-watch-interval', o.watchInterval] : [])]);
      assert.deepEqual(svc.env_file, ['./telegraf-controller.env']);
      assert.equal(svc.environment, undefined, 'no environment: entry that could hold a value');
      assert.deepEqual(
        s.files.map((f) => [f.path, f.mode]),
        [['telegraf-controller.env', '0600']],
      );
      assert.match(s.files[0]!.content, new RegExp(`^${v}=`));
    }
  });

  test('kubernetes: strict YAML DaemonSet with a secretKeyRef, valid against the published Kubernetes schema; the kubectl command builds the Secret with the right key and no newline', async (t) => {
    // kubernetes-models: the Kubernetes OpenAPI schemas as JSON-schema validators (ESM only, hence the dynamic import).
    const { DaemonSet } = await import('kubernetes-models/apps/v1');
    const { Secret } = await import('kubernetes-models/v1');
    for (const { o, v } of VARIANTS) {
      const s = agentStartSnippet('kubernetes', o);
      const js = strictYaml(s.text) as any;
      new DaemonSet(js).validate();
      const broken = structuredClone(js);
      delete broken.spec.selector;
      assert.throws(() => new DaemonSet(broken).validate(), /selector/, 'the schema check can fail');
      assert.equal(js.apiVersion, 'apps/v1');
      assert.equal(js.kind, 'DaemonSet');
      assert.deepEqual(js.spec.selector.matchLabels, js.spec.template.metadata.labels, 'the selector matches the pod labels');
      const c = js.spec.template.spec.containers[0];
      assert.deepEqual(c.args, ['--config', URL_, ...(o.watchInterval ? ['--config-url-watch-interval', o.watchInterval] : [])]);
      const env = c.env.find((e: any) => e.name === v);
      assert.deepEqual(env.valueFrom, { secretKeyRef: { name: 'telegraf-controller-token', key: v } });
      assert.ok(!c.env.some((e: any) => 'value' in e && /TOKEN/.test(e.name)), 'no literal token value');
      assert.ok(!/configMapKeyRef|stringData/.test(s.text.replace(/^#.*$/gm, '')), 'never a ConfigMap or stringData');
    }
    if (!peer(t, 'kubectl')) return;
    const s = agentStartSnippet('kubernetes', BASE);
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-k8s-'));
    try {
      // The comment's own commands, with the prompt fed from stdin and kubectl in dry-run.
      const lines = s.text
        .split('\n')
        .filter((l) => l.startsWith('#   '))
        .map((l) => l.slice(4));
      const script = lines
        .join('\n')
        .replace(
          'kubectl create secret generic telegraf-controller-token --from-env-file=telegraf-controller-token.env',
          'kubectl create secret generic telegraf-controller-token --from-env-file=telegraf-controller-token.env --dry-run=client -o json',
        );
      const r = spawnSync('bash', ['-c', script], { cwd: dir, input: 'tc-apiv1_unitTestValue123\n', encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const secret = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
      assert.equal(secret.kind, 'Secret');
      new Secret(secret).validate();
      assert.equal(
        Buffer.from(secret.data.TELEGRAF_CONTROLLER_TOKEN, 'base64').toString('utf8'),
        'tc-apiv1_unitTestValue123',
        'no trailing newline in the value',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('systemd: a drop-in with EnvironmentFile= (no Environment=), env file 0640, passes systemd-analyze verify', (t) => {
    const s = agentStartSnippet('systemd', { ...BASE, configId: 'odd%id$x', watchInterval: '90s' });
    const dropIn = s.files.find((f) => f.path.endsWith('.service.d/controller.conf'))!;
    const envFile = s.files.find((f) => f.path.endsWith('.env'))!;
    assert.equal(dropIn.mode, '0644');
    assert.equal(envFile.mode, '0640');
    assert.match(dropIn.content, /^EnvironmentFile=\/etc\/telegraf\/telegraf-controller\.env$/m);
    assert.match(dropIn.content, /^ExecStart=$/m, 'clears the packaged ExecStart');
    assert.ok(!/^Environment=/m.test(dropIn.content));
    assert.ok(s.text.includes(dropIn.content.trimEnd()), 'the script writes exactly this drop-in');
    assert.ok(s.text.includes('install -m 0640 -o root -g telegraf /dev/null'));
    assert.ok(s.warnings.some((w) => w.includes('/etc/default/telegraf')));
    // `%` doubled for specifiers, `$` doubled against expansion.
    assert.ok(dropIn.content.includes('"https://controller.example:8888/api/configs/odd%%25id%%24x/toml"'), dropIn.content);
    if (!peer(t, 'systemd-analyze')) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-systemd-'));
    try {
      // The packaged unit's shape (telegraf's scripts/telegraf.service), with a binary that exists here.
      writeFileSync(
        path.join(dir, 'telegraf.service'),
        '[Unit]\nDescription=Telegraf\nAfter=network-online.target\n\n[Service]\nType=notify\nEnvironmentFile=-/etc/default/telegraf\nExecStart=/usr/bin/telegraf -config /etc/telegraf/telegraf.conf $TELEGRAF_OPTS\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n'.replace(
          /\/usr\/bin\/telegraf/g,
          '/usr/bin/true',
        ),
      );
      mkdirSync(path.join(dir, 'telegraf.service.d'));
      writeFileSync(path.join(dir, 'telegraf.service.d', 'controller.conf'), dropIn.content.replace(/\/usr\/bin\/telegraf/g, '/usr/bin/true'));
      const r = spawnSync('systemd-analyze', ['verify', path.join(dir, 'telegraf.service')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', `no warnings: ${r.stderr}`);
      // A deliberately broken drop-in is reported: the check can fail.
      writeFileSync(path.join(dir, 'telegraf.service.d', 'controller.conf'), '[Service]\nExecStart=/usr/bin/true "%z"\n');
      const bad = spawnSync('systemd-analyze', ['verify', path.join(dir, 'telegraf.service')], { encoding: 'utf8' });
      assert.ok(bad.status !== 0 || bad.stderr.trim() !== '', 'systemd-analyze reports a bad specifier');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('powershell: service install BEFORE the registry Environment value; the token from Read-Host, merged with existing entries', () => {
    for (const { o, v } of VARIANTS) {
      const s = agentStartSnippet('powershell', o);
      const install = s.text.search(/service install|--service install/);
      const reg = s.text.indexOf('New-ItemProperty');
      assert.ok(install > 0 && reg > install, 'install comes first');
      assert.ok(s.text.indexOf('Start-Service') > reg);
      assert.ok(s.text.includes('-PropertyType MultiString'));
      assert.ok(s.text.includes('Read-Host -AsSecureString'));
      assert.ok(s.text.includes(`"${v}=$value"`));
      assert.ok(s.text.includes('HKLM:\\SYSTEM\\CurrentControlSet\\Services\\telegraf'));
      assert.ok(s.text.includes('\r\n') && !/[^\r]\n/.test(s.text), 'CRLF line endings throughout');
      // The Windows installer keeps only --config: the watch interval goes into ImagePath.
      if (o.watchInterval) assert.match(s.text, /ImagePath.*--config-url-watch-interval 1m/);
    }
    assert.ok(agentStartSnippet('powershell', BASE).text.includes('service install'));
    assert.ok(agentStartSnippet('powershell', { ...BASE, telegrafVersion: '1.30' }).text.includes('--service install'));
  });

  test('warnings follow the version and the URL', () => {
    assert.ok(agentStartSnippet('shell', { ...BASE, telegrafVersion: '1.36' }).warnings.some((w) => w.includes('no [[outputs.heartbeat]]')));
    assert.ok(agentStartSnippet('shell', { ...BASE, controllerUrl: 'http://ctl.example:8888' }).warnings.some((w) => w.includes('unencrypted')));
    assert.ok(!agentStartSnippet('shell', { ...BASE, controllerUrl: 'http://127.0.0.1:8888' }).warnings.some((w) => w.includes('unencrypted')));
    assert.ok(agentStartSnippet('shell', BASE).warnings.some((w) => w.includes('even to an empty string')));
  });

  test('bad options are clear errors', () => {
    assert.throws(() => agentStartSnippet('shell', { ...BASE, watchInterval: '1 minute' }), AgentStartOptionError);
    assert.throws(() => agentStartSnippet('shell', { ...BASE, watchInterval: '10' }), /duration/);
    assert.throws(() => agentStartSnippet('shell', { ...BASE, controllerUrl: 'ftp://x' }), /http/);
    assert.throws(() => agentStartSnippet('shell', { ...BASE, controllerUrl: 'not a url' }), /not a valid URL/);
    assert.throws(() => agentStartSnippet('kubernetes', { ...BASE, secretName: 'Bad_Name' }), /not a valid name/);
    assert.throws(() => agentStartSnippet('systemd', { ...BASE, envFile: 'relative.env' }), /absolute/);
    assert.throws(() => agentStartSnippet('shell', { ...BASE, serviceName: 'a b' }), /not a valid name/);
  });
});

describe('quoting helpers', () => {
  test('Go durations as Telegraf parses them', () => {
    for (const ok of ['1m', '30s', '1h30m', '1.5h', '500ms']) assert.ok(isGoDuration(ok), ok);
    for (const bad of ['', '0s', '10', '1 m', 'm', '-1m', '1d']) assert.ok(!isGoDuration(bad), bad);
  });
  test('shQuote, psQuote, systemdQuote', () => {
    assert.equal(shQuote('simple/path:8888'), 'simple/path:8888');
    assert.equal(shQuote("it's"), `'it'\\''s'`);
    assert.equal(psQuote("it's"), `'it''s'`);
    assert.equal(systemdQuote('a%b$c"d'), '"a%%b$$c\\"d"');
    assert.equal(configTomlUrl('https://u:p@h:1/base/?q#f', 'a/b'), 'https://h:1/base/api/configs/a%2Fb/toml');
  });
});
