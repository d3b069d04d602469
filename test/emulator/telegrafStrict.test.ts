/**
 * The emulator is as strict as the real agent's counterpart (docs/api-contract.md "How
 * Telegraf uses a token"), judged by the real Telegraf's own files in the Go
 * module cache (telegrafModule.ts), never by copies in this repository:
 * heartbeat bodies must match `plugins/outputs/heartbeat/schema_v1.json`,
 * the token is accepted the way `heartbeat.go` sends it, the config route
 * answers the headers `config.go` `fetchConfig` sends (Bearer from
 * `TELEGRAF_CONTROLLER_TOKEN`, Token from `INFLUX_TOKEN`) and `HEAD` with a
 * `Last-Modified` for `--config-url-watch-interval`; agents are recorded by
 * `id`, `version`, `hostname`; a token's `lastUsedAt` moves when it is used.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH_MESSAGES } from '../../src/core/api/contract';
import { startEmulator, type Emulator } from './server';
import { DEMO_TOKEN_VALUES } from './seed';
import { configFetchAuth, heartbeatAuth, PINNED_TELEGRAF_VERSION, readHeartbeatSchema } from './telegrafModule';

let emu: Emulator;
const agentToken = DEMO_TOKEN_VALUES['tok-owner-agent-prod']!;
const hbBase = (): string => emu.heartbeatUrl;

before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.state.reset();
});

/** A heartbeat sent the way the pinned Telegraf's heartbeat.go sends one. */
async function heartbeat(body: unknown, token = agentToken): Promise<{ status: number; json: any }> {
  const auth = heartbeatAuth();
  const res = await fetch(hbBase(), {
    method: 'POST',
    headers: { [auth.header]: auth.prefix + token, 'content-type': 'application/json', 'user-agent': 'Telegraf/1.40.1 Go/1.27.0' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

const VALID = { id: 'agent-7', version: 'Telegraf 1.40.1', schema: 1, hostname: 'host-a', status: 'OK', statistics: { errors: 0, warnings: 1, metrics: 12 } };

void describe('heartbeat body: the real Telegraf JSON schema', () => {
  void test(`the schema is read from the Go module cache (telegraf@${PINNED_TELEGRAF_VERSION})`, () => {
    const schema = readHeartbeatSchema();
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['id', 'version']);
  });
  void test('a schema-valid body is accepted and the agent recorded by id, version, hostname', async () => {
    assert.equal((await heartbeat(VALID)).status, 200);
    assert.equal((await heartbeat({ ...VALID, hostname: 'host-b' })).status, 200);
    const agent = emu.state.agents.get('agent-7');
    assert.ok(agent);
    assert.equal(agent.version, 'Telegraf 1.40.1');
    assert.equal(agent.hostname, 'host-b');
    assert.equal(agent.tokenId, 'tok-owner-agent-prod');
    assert.equal(agent.heartbeats, 2);
    assert.equal(emu.state.heartbeats.at(-1)?.scheme, 'Bearer');
  });
  void test('bodies the schema rejects get 400 naming the problem, and nothing is recorded', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ instance_id: 'telegraf-controller-tokens-check', status: 'test' }, /required property 'id'/],
      [{ id: 'a' }, /required property 'version'/],
      [{ ...VALID, status: 'test' }, /allowed values/],
      [{ ...VALID, extra: 1 }, /additional properties \(extra\)/],
      [{ ...VALID, logs: [{ time: 'yesterday', level: 'INFO', source: 'agent', message: 'm' }] }, /date-time/],
      [{ ...VALID, statistics: { errors: 0 } }, /warnings/],
      [[], /object/],
    ];
    for (const [body, message] of bad) {
      const r = await heartbeat(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.message, message);
    }
    assert.equal(emu.state.heartbeats.length, 0);
    assert.equal(emu.state.agents.size, 0);
  });
  void test('authentication comes before the body: a bad token is 401 whatever the body', async () => {
    const r = await heartbeat({ nope: true }, 'tc-apiv1_unknown');
    assert.equal(r.status, 401);
    assert.equal(r.json.message, AUTH_MESSAGES.invalidToken);
  });
  void test('heartbeatSchema: false accepts any body (opt-out for foreign senders)', async () => {
    const open = await startEmulator({ heartbeatSchema: false });
    try {
      const res = await fetch(open.heartbeatUrl, { method: 'POST', headers: { authorization: `Bearer ${agentToken}` }, body: '{"anything":1}' });
      assert.equal(res.status, 200);
    } finally {
      await open.close();
    }
  });
});

void describe('authentication exactly as Telegraf sends it', () => {
  void test('heartbeat.go of the pinned release sends Authorization: Bearer <token>', () => {
    assert.deepEqual(heartbeatAuth(), { header: 'Authorization', prefix: 'Bearer ' });
  });
  void test('fetchConfig sends Bearer from TELEGRAF_CONTROLLER_TOKEN, else Token from INFLUX_TOKEN', () => {
    assert.deepEqual(configFetchAuth(), [
      { env: 'TELEGRAF_CONTROLLER_TOKEN', prefix: 'Bearer ' },
      { env: 'INFLUX_TOKEN', prefix: 'Token ' },
    ]);
  });
  void test('the config route accepts each header fetchConfig builds, records the scheme, and moves lastUsedAt', async () => {
    const tok = emu.state.tokens.get('tok-owner-agent-prod');
    assert.ok(tok);
    for (const { prefix } of configFetchAuth()) {
      tok.lastUsedAt = null;
      const res = await fetch(`${emu.url}/api/configs/cfg-linux-hosts/toml`, {
        headers: { authorization: prefix + agentToken, accept: 'application/toml', 'user-agent': 'Telegraf/1.40.1' },
      });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /\[\[/);
      assert.ok(res.headers.get('last-modified'));
      assert.ok(tok.lastUsedAt !== null, `lastUsedAt set by ${prefix.trim()}`);
      assert.equal(emu.state.configFetches.at(-1)?.scheme, prefix.trim());
      assert.equal(emu.state.configFetches.at(-1)?.tokenId, 'tok-owner-agent-prod');
    }
  });
  void test('a heartbeat moves lastUsedAt; a revoked token gets 401 Invalid token', async () => {
    const tok = emu.state.tokens.get('tok-owner-agent-prod');
    assert.ok(tok);
    tok.lastUsedAt = null;
    assert.equal((await heartbeat(VALID)).status, 200);
    assert.ok(tok.lastUsedAt !== null);
    tok.status = 'revoked';
    const r = await heartbeat(VALID);
    assert.equal(r.status, 401);
    assert.equal(r.json.message, AUTH_MESSAGES.invalidToken);
  });
});

void describe('config polling (--config-url-watch-interval)', () => {
  void test('HEAD answers Last-Modified without a body; a changed config changes it', async () => {
    const url = `${emu.url}/api/configs/cfg-linux-hosts/toml`;
    const auth = { authorization: `Bearer ${agentToken}` };
    const h1 = await fetch(url, { method: 'HEAD', headers: auth });
    assert.equal(h1.status, 200);
    assert.equal(await h1.text(), '');
    const lm1 = h1.headers.get('last-modified');
    assert.ok(lm1);
    const put = await fetch(`${emu.url}/__emulator/configs/cfg-linux-hosts`, { method: 'PUT', body: JSON.stringify({ toml: '[agent]\n  interval = "5s"\n' }) });
    assert.equal(put.status, 200);
    const h2 = await fetch(url, { method: 'HEAD', headers: auth });
    assert.notEqual(h2.headers.get('last-modified'), lm1);
    assert.equal(await (await fetch(url, { headers: auth })).text(), '[agent]\n  interval = "5s"\n');
    assert.deepEqual(
      emu.state.configFetches.map((f) => f.method),
      ['HEAD', 'HEAD', 'GET'],
    );
    const unauth = await fetch(url, { method: 'HEAD' });
    assert.equal(unauth.status, 401);
  });
  void test('HEAD on another route is 405', async () => {
    const res = await fetch(`${emu.url}/api/tokens`, { method: 'HEAD', headers: { authorization: `Bearer ${agentToken}` } });
    assert.equal(res.status, 405);
  });
});
