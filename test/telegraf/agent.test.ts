/**
 * The real agent against the emulator (agent side of the end-to-end flow; the
 * UI side is test/e2e/realTelegraf.e2e.ts): a token is created through the
 * API, written into a config by the extension's own planners
 * (src/core/config) in each form — env reference (the agent gets the
 * variable from an env file written with `planEnvFileEntry`), secret-store
 * reference (`telegraf secrets set` into a jose store whose password comes
 * from the environment), literal — and the real `telegraf` runs on it with a
 * 1 s heartbeat and a bounded run. The emulator must receive heartbeats that
 * match Telegraf's own JSON schema, authenticated by exactly that token.
 * Revoked: the agent's next heartbeat is rejected with `Invalid token` (in
 * the agent's own log). Rotated: the restarted agent works with the new
 * value. Config from a URL: `--config <emulator>/api/configs/<id>/toml` with
 * `TELEGRAF_CONTROLLER_TOKEN` (v1.40.1, Bearer) or `INFLUX_TOKEN` (v1.38.3,
 * Token), and a config change picked up by `--config-url-watch-interval`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { applyEdits, envReference, planAddSecretStore, planEnvFileEntry, planSetToken, secretReference } from '../../src/core/config';
import { planAddToken, yamlParsesStrictly } from '../../src/core/deploy';
import { startEmulator, type Emulator } from '../emulator/server';
import { DEMO_TOKEN_VALUES } from '../emulator/seed';
import { heartbeatValidator } from '../emulator/telegrafModule';
import { startAgent, stopAllAgents, waitFor } from './agent';
import { missingReason, PINNED_TELEGRAF_VERSION, TELEGRAF_138, telegrafBinary } from './telegraf';

const bin = telegrafBinary(PINNED_TELEGRAF_VERSION);
const bin138 = telegrafBinary(TELEGRAF_138);
const OWNER = DEMO_TOKEN_VALUES['tok-owner-full']!;
const STORE_ID = 'telegraf_secrets';
const SECRET_KEY = 'telegraf_controller_token';

let emu: Emulator;
let work: string;
before(async () => {
  emu = await startEmulator();
  work = mkdtempSync(path.join(os.tmpdir(), 'tc-agent-'));
});
after(async () => {
  await stopAllAgents();
  await emu?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Creates a Telegraf-agent token through the API, as the create form does (configs:read + heartbeat:write). */
async function createToken(description: string): Promise<{ id: string; value: string }> {
  const res = await fetch(`${emu.url}/api/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OWNER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description, expiresAt: null, permissions: { configs: ['read'], heartbeat: ['write'] } }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const body = (await res.json()) as { token: { id: string }; value: string };
  return { id: body.token.id, value: body.value };
}

async function revoke(id: string): Promise<void> {
  const res = await fetch(`${emu.url}/api/tokens/${encodeURIComponent(id)}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${OWNER}` } });
  assert.equal(res.status, 200);
}

/** A minimal agent config: one input, 1 s intervals. */
const BASE = '[agent]\n  interval = "1s"\n  flush_interval = "1s"\n  omit_hostname = false\n\n[[inputs.mem]]\n';

/** The config with the token reference written by the extension's planner, heartbeat every 1 s. */
function configWith(reference: string, instanceId: string, base = BASE): string {
  const plan = planSetToken(base, {
    reference,
    heartbeat: { url: emu.heartbeatUrl, instanceId, interval: '1s', include: ['hostname', 'statistics', 'status'] },
  });
  return applyEdits(base, plan.edits);
}

const validate = heartbeatValidator();

/** Heartbeats of `instanceId` accepted after `since` (ms epoch), each schema-checked again here. */
function accepted(instanceId: string, since: number) {
  return emu.state.heartbeats.filter((h) => (h.body as { id?: string } | undefined)?.id === instanceId && h.at >= since);
}

/** Waits for `n` accepted heartbeats of `instanceId` with `tokenId`, and checks what they carried. */
async function expectHeartbeats(instanceId: string, tokenId: string, since: number, agentLog: () => string, n = 2): Promise<void> {
  const got = await waitFor(
    () => {
      const hs = accepted(instanceId, since);
      return hs.length >= n ? hs : undefined;
    },
    () => `${n} heartbeats of ${instanceId}; agent log:\n${agentLog().slice(-3000)}`,
    45_000,
  );
  for (const h of got) {
    assert.equal(h.tokenId, tokenId, 'authenticated by exactly the created token');
    assert.equal(h.scheme, 'Bearer');
    assert.match(h.userAgent, /^Telegraf\//);
    assert.equal(validate(h.body), undefined, 'schema-valid');
  }
  const agent = emu.state.agents.get(instanceId);
  assert.ok(agent);
  assert.match(agent.version, /^Telegraf 1\.\d+\.\d+/);
  assert.equal(agent.hostname, os.hostname());
}

type Form = 'env' | 'secret' | 'literal';

interface Setup {
  configFile: string;
  envFile?: string;
  env: Record<string, string>;
  /** Puts a new value where the agent reads it (env file, secret store, or the config itself). */
  rotate(value: string): Promise<void>;
}

/** Writes the config (and env file / secret) for a form, the way the extension's insertion does it. */
async function setUp(form: Form, value: string, instanceId: string): Promise<Setup> {
  const dir = path.join(work, `${form}-${instanceId}`);
  mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'telegraf.conf');
  if (form === 'env') {
    const envFile = path.join(dir, 'telegraf.env');
    const write = (v: string): void => writeFileSync(envFile, applyEdits('', [planEnvFileEntry('', 'TELEGRAF_CONTROLLER_TOKEN', v)]), { mode: 0o600 });
    write(value);
    writeFileSync(configFile, configWith(envReference(), instanceId));
    return { configFile, envFile, env: {}, rotate: async (v) => write(v) };
  }
  if (form === 'literal') {
    writeFileSync(configFile, configWith(value, instanceId), { mode: 0o600 });
    return { configFile, env: {}, rotate: async (v) => writeFileSync(configFile, configWith(v, instanceId), { mode: 0o600 }) };
  }
  // secret: a jose store whose password comes from the environment; the value set with `telegraf secrets set`.
  const env = { TELEGRAF_SECRETS_PASSWORD: `pw-${instanceId}` };
  const withStore = applyEdits(
    BASE,
    planAddSecretStore(BASE, { id: STORE_ID, type: 'jose', path: path.join(dir, 'secrets'), password: '${TELEGRAF_SECRETS_PASSWORD}' }),
  );
  writeFileSync(configFile, configWith(secretReference(STORE_ID, SECRET_KEY), instanceId, withStore));
  const set = async (v: string): Promise<void> => {
    const a = startAgent(bin!, { configs: [configFile], args: ['secrets', 'set', STORE_ID, SECRET_KEY, v], env, maxRunMs: 30_000 });
    await waitFor(
      () => a.exited,
      () => `telegraf secrets set: ${a.log()}`,
    );
    assert.equal(a.process.exitCode, 0, a.log());
  };
  await set(value);
  return { configFile, env, rotate: set };
}

void describe(
  `real Telegraf ${PINNED_TELEGRAF_VERSION} agent: heartbeats with the created token, revoke, rotate`,
  { skip: bin ? false : missingReason() },
  () => {
    for (const form of ['env', 'secret', 'literal'] as Form[]) {
      void test(`${form} reference`, async (t) => {
        const instanceId = `agent-${form}`;
        const first = await createToken(`Telegraf agent (${form})`);
        const s = await setUp(form, first.value, instanceId);
        // 1. Heartbeats accepted with exactly that token.
        let since = Date.now();
        let agent = startAgent(bin!, { configs: [s.configFile], env: s.env, ...(s.envFile ? { envFile: s.envFile } : {}) });
        await expectHeartbeats(instanceId, first.id, since, agent.log);
        assert.ok(emu.state.tokens.get(first.id)?.lastUsedAt, 'lastUsedAt moved');
        // 2. Revoked: the next heartbeat is rejected, in the agent's own log.
        const mark = agent.log().length;
        await revoke(first.id);
        const rejected = await agent.waitForLog(
          /E! \[outputs\.heartbeat\] .*received status 401 \(401 Unauthorized\) with message .*Invalid token.*/,
          30_000,
          mark,
        );
        t.diagnostic(`agent log after revoke: ${rejected[0]}`);
        await agent.stop();
        // 3. Rotated: a new token where the agent reads it; the restarted agent works.
        const second = await createToken(`Telegraf agent (${form}, rotated)`);
        await s.rotate(second.value);
        since = Date.now();
        agent = startAgent(bin!, { configs: [s.configFile], env: s.env, ...(s.envFile ? { envFile: s.envFile } : {}) });
        await expectHeartbeats(instanceId, second.id, since, agent.log);
        assert.doesNotMatch(agent.log(), /Invalid token/);
        await agent.stop();
        // The value never shows up in the agent's log.
        assert.ok(!agent.log().includes(second.value));
      });
    }
  },
);

/** A config the controller serves: the heartbeat token comes from the agent's environment. */
function servedConfig(instanceId: string, envVar: string): string {
  return configWith(envReference(envVar), instanceId);
}

void describe('real Telegraf agent: config from a URL', () => {
  void test(
    `${PINNED_TELEGRAF_VERSION}: --config <emulator>/api/configs/<id>/toml with TELEGRAF_CONTROLLER_TOKEN (Bearer), reload on change`,
    { skip: bin ? false : missingReason() },
    async () => {
      const tok = await createToken('Telegraf agent (config URL)');
      emu.state.putConfig('cfg-url-agent', { toml: servedConfig('agent-url', 'TELEGRAF_CONTROLLER_TOKEN'), name: 'URL agent' });
      const since = Date.now();
      const agent = startAgent(bin!, {
        configs: [`${emu.url}/api/configs/cfg-url-agent/toml`],
        args: ['--config-url-watch-interval', '1s'],
        env: { TELEGRAF_CONTROLLER_TOKEN: tok.value },
      });
      await expectHeartbeats('agent-url', tok.id, since, agent.log);
      const fetches = emu.state.configFetches.filter((f) => f.configId === 'cfg-url-agent');
      assert.ok(
        fetches.some((f) => f.method === 'GET' && f.status === 200 && f.scheme === 'Bearer' && f.tokenId === tok.id),
        JSON.stringify(fetches),
      );
      // The controller changes the config: the agent's HEAD poll sees a new Last-Modified and reloads it.
      await waitFor(
        () => emu.state.configFetches.some((f) => f.configId === 'cfg-url-agent' && f.method === 'HEAD' && f.status === 200),
        () => 'a HEAD poll',
      );
      const mark = agent.log().length;
      emu.state.putConfig('cfg-url-agent', { toml: servedConfig('agent-url-v2', 'TELEGRAF_CONTROLLER_TOKEN') });
      await agent.waitForLog(/Remote config modified/, 30_000, mark);
      // The reload restarts the agent process in place (SIGHUP); the new config's heartbeats arrive.
      await expectHeartbeats('agent-url-v2', tok.id, since, agent.log, 1);
      await agent.stop();
    },
  );

  void test(`${TELEGRAF_138}: the 1.38 line sends INFLUX_TOKEN with the Token scheme`, { skip: bin138 ? false : missingReason(TELEGRAF_138) }, async () => {
    const tok = await createToken('Telegraf 1.38 agent (config URL)');
    emu.state.putConfig('cfg-url-138', { toml: servedConfig('agent-138', 'INFLUX_TOKEN'), name: '1.38 agent' });
    const since = Date.now();
    const agent = startAgent(bin138!, {
      configs: [`${emu.url}/api/configs/cfg-url-138/toml`],
      env: { INFLUX_TOKEN: tok.value, TELEGRAF_CONTROLLER_TOKEN: 'tc-apiv1_ignoredBy138' },
    });
    await expectHeartbeats('agent-138', tok.id, since, agent.log);
    const fetch = emu.state.configFetches.find((f) => f.configId === 'cfg-url-138' && f.method === 'GET');
    assert.equal(fetch?.scheme, 'Token');
    assert.equal(fetch?.tokenId, tok.id);
    assert.match(emu.state.agents.get('agent-138')?.version ?? '', /^Telegraf 1\.38\.3/);
    await agent.stop();
  });
});

/**
 * The `config.outputs` of influxdata/telegraf chart values as the chart's
 * template renders them into telegraf.conf: one `[[outputs.<name>]]` per
 * entry, scalar settings as `key = "value"` (strings quoted), lists as arrays.
 */
function renderChartOutputs(values: string): string {
  const outputs = (parseYaml(values) as { config: { outputs: Array<Record<string, Record<string, unknown>>> } }).config.outputs;
  const lines: string[] = [];
  for (const entry of outputs) {
    for (const [name, settings] of Object.entries(entry)) {
      lines.push(`[[outputs.${name}]]`);
      for (const [k, v] of Object.entries(settings ?? {}))
        lines.push(
          `  ${k} = ${Array.isArray(v) ? `[${v.map((x) => JSON.stringify(String(x))).join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v)}`,
        );
    }
  }
  return lines.join('\n') + '\n';
}

void describe('real Telegraf agent: Helm values of the influxdata/telegraf chart', () => {
  void test(
    `${PINNED_TELEGRAF_VERSION}: Add Token gives the chart's heartbeat output the token (without it, the heartbeat is rejected with 401)`,
    { skip: bin ? false : missingReason() },
    async () => {
      const tok = await createToken('Telegraf agent (Helm heartbeat)');
      const values = [
        'image:',
        '  repo: "docker.io/library/telegraf"',
        '  tag: "1.40-alpine"',
        'config:',
        '  agent:',
        '    interval: "1s"',
        '  outputs:',
        '    - heartbeat:',
        `        url: "${emu.heartbeatUrl}"`,
        '        instance_id: "helm-agent"',
        '        interval: "1s"',
        '  inputs:',
        '    - mem: {}',
        '',
      ].join('\n');
      const plan = planAddToken('/w/values.yaml', values, {});
      assert.equal(plan.kind, 'helm-values');
      const after = applyEdits(values, plan.edits);
      assert.match(after, /^ {8}token: "\$\{TELEGRAF_CONTROLLER_TOKEN\}"$/m, after);
      assert.ok(yamlParsesStrictly(after).ok, after);
      const dir = path.join(work, 'helm');
      mkdirSync(dir, { recursive: true });
      const run = async (text: string) => {
        const configFile = path.join(dir, 'telegraf.conf');
        writeFileSync(configFile, `[agent]\n  interval = "1s"\n  flush_interval = "1s"\n\n[[inputs.mem]]\n\n${renderChartOutputs(text)}`);
        return startAgent(bin!, { configs: [configFile], env: { TELEGRAF_CONTROLLER_TOKEN: tok.value } });
      };
      // Before: the variable alone does not reach the heartbeat output.
      const before = await run(values);
      await before.waitForLog(/E! \[outputs\.heartbeat\] .*received status 401/, 30_000);
      await before.stop();
      // After: heartbeats authenticated by exactly that token.
      const since = Date.now();
      const agent = await run(after);
      await expectHeartbeats('helm-agent', tok.id, since, agent.log);
      await agent.stop();
    },
  );
});
