/**
 * A REAL Telegraf (built by scripts/build-telegraf.sh, never faked) started
 * from the text "Copy Agent Start Command…" generates authenticates to the
 * emulator: it downloads its config from `--config <emulator>/api/configs/<id>/toml`
 * and, with the `[[outputs.heartbeat]]` of that config, sends heartbeats that
 * the emulator records under the agent token. A heartbeat can only come from
 * the downloaded config, so one arriving proves the authenticated download.
 *
 * The environment comes from the env files the generators tell the user to
 * write (a Compose env_file, a systemd EnvironmentFile), loaded into an empty
 * environment (`env -i`, then `set -a; . file`), as Compose and systemd load
 * plain KEY=value lines. The shell variant runs the generated script itself.
 *
 * Binary: $TELEGRAF_BIN or .telegraf/v1.40.1/telegraf. Missing: skipped
 * locally, a failure under CI=true. Runs are bounded: each agent is stopped
 * (SIGTERM, then SIGKILL) as soon as the awaited condition holds or fails.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { agentStartSnippet } from '../../src/core/agentStart';
import { startEmulator, type Emulator } from '../emulator/server';

const ROOT = path.join(__dirname, '..', '..');
const BIN = process.env.TELEGRAF_BIN ?? path.join(ROOT, '.telegraf', 'v1.40.1', 'telegraf');
const HAVE_BIN = existsSync(BIN);
/** The last INFLUX_TOKEN line (Token scheme), for the 1.38 start text: $TELEGRAF_BIN_1_38 or .telegraf/v1.38.3/telegraf. */
const BIN_138 = process.env.TELEGRAF_BIN_1_38 ?? path.join(path.dirname(path.dirname(BIN)), 'v1.38.3', 'telegraf');
const HAVE_BIN_138 = existsSync(BIN_138);
if (process.env.CI === 'true' && (!HAVE_BIN || !HAVE_BIN_138)) {
  throw new Error(
    `Real Telegraf builds are required under CI=true: run "bash scripts/build-telegraf.sh" and "bash scripts/build-telegraf.sh v1.38.3" (looked for ${BIN} and ${BIN_138}).`,
  );
}
const CONFIG_ID = 'cfg-real-agent';
/** The same config for a 1.38-style agent: its heartbeat output reads INFLUX_TOKEN. */
const LEGACY_CONFIG_ID = 'cfg-real-agent-influx-token';

interface Agent {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `script` with bash in an EMPTY environment (only PATH, HOME), stdin = `input`; `telegraf` on PATH is `bin`. */
function runAgent(script: string, cwd: string, input = '', bin = BIN): Agent {
  const child = spawn('env', ['-i', `PATH=${path.dirname(bin)}:/usr/bin:/bin`, `HOME=${cwd}`, 'bash', '-c', script], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin!.end(input);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Stops the agent's process group: SIGTERM, then SIGKILL if it is still there when SIGTERM's exit does not come. */
async function stop(a: Agent): Promise<void> {
  if (a.child.exitCode !== null || a.child.signalCode !== null) return;
  try {
    process.kill(-a.child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const killer = setTimeout(() => {
    try {
      process.kill(-a.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5000);
  await a.exited;
  clearTimeout(killer);
}

/**
 * Resolves when `cond()` holds; rejects when the agent exits first or after
 * `limitMs` (a bound on a hung agent, not a sleep: the check runs on every
 * output chunk and every 50 ms).
 */
function until(a: Agent, cond: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearInterval(iv);
      clearTimeout(to);
      a.child.stdout!.off('data', check);
      a.child.stderr!.off('data', check);
      a.child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      if (cond()) done();
    };
    const onExit = (code: number | null) => {
      if (cond()) done();
      else done(new Error(`telegraf exited (${code}) before ${what}. Output:\n${a.output()}`));
    };
    const iv = setInterval(check, 50);
    const to = setTimeout(() => done(new Error(`no ${what} within ${limitMs} ms. Output:\n${a.output()}`)), limitMs);
    a.child.stdout!.on('data', check);
    a.child.stderr!.on('data', check);
    a.child.on('exit', onExit);
    check();
  });
}

/** KEY=value lines of an env file into `export`-free bash that a systemd/Compose-style loader equals for plain lines. */
function loadEnvFile(file: string): string {
  return `set -a; . ${JSON.stringify(file)}; set +a`;
}

/** The argv of a systemd `ExecStart=` line (double quotes, `\\` escapes, `%%` and `$$` unescaped). */
function systemdArgv(line: string): string[] {
  const argv: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const raw = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
    argv.push(raw.replace(/%%/g, '%').replace(/\$\$/g, '$'));
  }
  return argv;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe(
  'a real Telegraf started from the generated start text',
  { skip: HAVE_BIN ? false : `no Telegraf binary at ${BIN} (bash scripts/build-telegraf.sh)` },
  () => {
    let emu: Emulator;
    let dir: string;
    let agentTokenId: string;
    let agentValue: string;
    const agents: Agent[] = [];

    before(async () => {
      emu = await startEmulator();
      dir = mkdtempSync(path.join(tmpdir(), 'real-agent-'));
      const minted = emu.state.mintToken({ user: 'u-owner', description: 'real agent', permissions: { configs: ['read'], heartbeat: ['write'] } });
      agentTokenId = minted.token.id;
      agentValue = minted.value;
      // The config the agent downloads: its heartbeat output reads the token from the same variable.
      emu.state.configs.set(CONFIG_ID, {
        id: CONFIG_ID,
        name: 'Real agent',
        description: 'heartbeat every second',
        updatedAt: Date.now(),
        toml: [
          '[agent]',
          '  interval = "1s"',
          '  flush_interval = "1s"',
          '  omit_hostname = true',
          '',
          '[[inputs.mem]]',
          '',
          '[[outputs.heartbeat]]',
          `  url = "${emu.heartbeatUrl}"`,
          '  instance_id = "real-agent-test"',
          '  token = "${TELEGRAF_CONTROLLER_TOKEN}"',
          '  interval = "1s"',
          '',
        ].join('\n'),
      });
    });
    before(() => {
      const cfg = emu.state.configs.get(CONFIG_ID)!;
      emu.state.configs.set(LEGACY_CONFIG_ID, { ...cfg, id: LEGACY_CONFIG_ID, toml: cfg.toml.replace('${TELEGRAF_CONTROLLER_TOKEN}', '${INFLUX_TOKEN}') });
    });
    after(async () => {
      for (const a of agents) await stop(a);
      await emu?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const heartbeatsOf = (id: string) => emu.state.heartbeats.filter((h) => h.tokenId === id).length;
    /** The emulator's record of config downloads: the last one of `configId` was authenticated with `scheme`. */
    const assertFetchScheme = (configId: string, scheme: 'Bearer' | 'Token') => {
      const fetches = emu.state.configFetches.filter((f) => f.configId === configId && f.method === 'GET');
      const last = fetches[fetches.length - 1];
      assert.ok(last, `the emulator recorded a download of ${configId}`);
      assert.equal(last.status, 200);
      assert.equal(last.scheme, scheme);
      assert.equal(last.tokenId, agentTokenId);
      assert.match(last.userAgent, /^Telegraf\//);
    };

    test('Compose: the env_file written by the generated commands + the service command → config download and heartbeat', async () => {
      const s = agentStartSnippet('compose', { controllerUrl: emu.url, configId: CONFIG_ID, watchInterval: '1m' });
      const work = mkdtempSync(path.join(dir, 'compose-'));
      // The comment's own command writes the env file (token from stdin, as from the hidden prompt).
      const writeLine = s.text
        .split('\n')
        .find((l) => l.includes('umask 077'))!
        .replace(/^#\s+/, '');
      const w = runAgent(writeLine, work, `${agentValue}\n`);
      assert.equal(await w.exited, 0, w.output());
      const envFile = path.join(work, 'telegraf-controller.env');
      assert.equal(statSync(envFile).mode & 0o777, 0o600, 'env file mode 0600');
      // The service's command, as Compose passes it to the image's entrypoint (which prepends "telegraf").
      const svc = (parseDocument(s.text).toJS() as { services: { telegraf: { command: string[] } } }).services.telegraf;
      const before = heartbeatsOf(agentTokenId);
      const a = runAgent(`${loadEnvFile(envFile)}; exec telegraf ${svc.command.map(q).join(' ')}`, work);
      agents.push(a);
      await until(a, () => heartbeatsOf(agentTokenId) > before, 'a heartbeat from the agent');
      assert.ok(emu.state.tokens.get(agentTokenId)!.lastUsedAt !== null);
      assert.ok(!a.output().includes(agentValue), 'Telegraf did not log the value');
      await stop(a);
      assertFetchScheme(CONFIG_ID, 'Bearer');
    });

    test('systemd: the EnvironmentFile written by the generated script + the drop-in ExecStart → heartbeat', async () => {
      const work = mkdtempSync(path.join(dir, 'systemd-'));
      const envFile = path.join(work, 'telegraf-controller.env');
      const s = agentStartSnippet('systemd', { controllerUrl: emu.url, configId: CONFIG_ID, envFile });
      // The script's own line that writes the env file (its install -o root -g telegraf needs root and a telegraf group).
      const writeLine = s.text.split('\n').find((l) => l.includes("printf 'TELEGRAF_CONTROLLER_TOKEN=%s\\n'"))!;
      const w = runAgent(`umask 077; ${writeLine}`, work, `${agentValue}\n`);
      assert.equal(await w.exited, 0, w.output());
      const dropIn = s.files.find((f) => f.path.endsWith('controller.conf'))!.content;
      assert.ok(dropIn.includes(`EnvironmentFile=${envFile}`));
      const exec = dropIn
        .split('\n')
        .filter((l) => l.startsWith('ExecStart='))
        .pop()!
        .slice('ExecStart='.length);
      const argv = systemdArgv(exec);
      assert.equal(argv[0], '/usr/bin/telegraf');
      const before = heartbeatsOf(agentTokenId);
      const a = runAgent(`${loadEnvFile(envFile)}; exec telegraf ${argv.slice(1).map(q).join(' ')}`, work);
      agents.push(a);
      await until(a, () => heartbeatsOf(agentTokenId) > before, 'a heartbeat from the agent');
      await stop(a);
      assertFetchScheme(CONFIG_ID, 'Bearer');
    });

    test('shell: the generated script itself, token typed at its hidden prompt → heartbeat', async () => {
      const s = agentStartSnippet('shell', { controllerUrl: emu.url, configId: CONFIG_ID, watchInterval: '30s' });
      const before = heartbeatsOf(agentTokenId);
      const a = runAgent(s.text, dir, `${agentValue}\n`);
      agents.push(a);
      await until(a, () => heartbeatsOf(agentTokenId) > before, 'a heartbeat from the agent');
      await stop(a);
      assertFetchScheme(CONFIG_ID, 'Bearer');
    });

    for (const [label, bin, have] of [
      ['a real Telegraf 1.38.3', BIN_138, HAVE_BIN_138],
      ['Telegraf 1.40.1, which falls back to INFLUX_TOKEN', BIN, HAVE_BIN],
    ] as const) {
      test(
        `Telegraf 1.38 line: the generated INFLUX_TOKEN script on ${label} → the download with the Token scheme → heartbeat`,
        { skip: have ? false : `no binary at ${bin}` },
        async () => {
          const s = agentStartSnippet('shell', { controllerUrl: emu.url, configId: LEGACY_CONFIG_ID, telegrafVersion: '1.38' });
          assert.ok(s.text.includes('export INFLUX_TOKEN') && !s.text.includes('TELEGRAF_CONTROLLER_TOKEN'));
          const before = heartbeatsOf(agentTokenId);
          const a = runAgent(s.text, dir, `${agentValue}\n`, bin);
          agents.push(a);
          await until(a, () => heartbeatsOf(agentTokenId) > before, 'a heartbeat from the agent');
          await stop(a);
          assertFetchScheme(LEGACY_CONFIG_ID, 'Token');
        },
      );
    }

    test('the test can fail: a misspelled variable (INLFLUX_TOKEN) gets 401 and no heartbeat', async () => {
      const work = mkdtempSync(path.join(dir, 'typo-'));
      const envFile = path.join(work, 'bad.env');
      writeFileSync(envFile, `INLFLUX_TOKEN=${agentValue}\n`, { mode: 0o600 });
      const before = emu.state.heartbeats.length;
      const a = runAgent(
        `${loadEnvFile(envFile)}; exec telegraf --config ${q(`${emu.url}/api/configs/${CONFIG_ID}/toml`)} --config-url-retry-attempts 1`,
        work,
      );
      agents.push(a);
      await until(a, () => /failed to fetch HTTP config: 401/.test(a.output()), 'the 401 from the emulator');
      await stop(a);
      assert.equal(emu.state.heartbeats.length, before);
      const last = emu.state.configFetches.filter((f) => f.configId === CONFIG_ID).pop();
      assert.deepEqual([last?.status, last?.scheme], [401, ''], 'the download came without an Authorization header');
    });
  },
);
