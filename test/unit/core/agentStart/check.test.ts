/**
 * "Test Agent Start" core: the config download with the header Telegraf
 * sends, against the emulator (real HTTP) and, for the exact header bytes, a
 * bare Node HTTP server that records what arrives.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ControllerClient } from '../../../../src/core/api/client';
import { configTomlUrl } from '../../../../src/core/api/configs';
import { checkAgentStart, configVariables, hasHeartbeatOutput } from '../../../../src/core/agentStart';
import { startEmulator, type Emulator } from '../../../emulator/server';
import { testClientOptions } from '../api/helpers';

const AGENT = 'tc-apiv1_demoOwnerAgentProd00000000000000';

describe('checkAgentStart against the emulator', () => {
  let emu: Emulator;
  let client: ControllerClient;
  let agentValue: string;
  let configsOnly: string;
  let noConfigs: string;
  before(async () => {
    emu = await startEmulator();
    client = new ControllerClient(testClientOptions(emu));
    agentValue = emu.state.mintToken({ user: 'u-owner', permissions: { configs: ['read'], heartbeat: ['write'] } }).value;
    configsOnly = emu.state.mintToken({ user: 'u-owner', permissions: { configs: ['read'] } }).value;
    noConfigs = emu.state.mintToken({ user: 'u-owner', permissions: { heartbeat: ['write'] } }).value;
  });
  after(async () => {
    await client.close();
    await emu.close();
  });

  test('an agent token downloads the config: pass, with the heartbeat and the variables it reads', async () => {
    const r = await checkAgentStart(client, { configId: 'cfg-linux-hosts', token: agentValue, permissions: { configs: ['read'], heartbeat: ['write'] } });
    assert.equal(r.ok, true, JSON.stringify(r.checks));
    assert.deepEqual(
      r.checks.map((c) => [c.id, c.status]),
      [
        ['value', 'pass'],
        ['fetch', 'pass'],
        ['heartbeat', 'pass'],
        ['variables', 'info'],
      ],
    );
    assert.equal(r.header, 'Authorization: Bearer tc-apiv1_…');
    assert.match(r.checks[3]!.detail, /\$\{TELEGRAF_CONTROLLER_TOKEN\} \(set by the start command\)/);
    assert.match(r.checks[3]!.detail, /\$\{INFLUX_TOKEN\}/);
    assert.ok(!JSON.stringify(r.checks).includes(agentValue), 'the value is in no message');
  });

  test('a 1.38 agent sends the Token scheme; heartbeat:write is not claimed when the permissions are unknown', async () => {
    const r = await checkAgentStart(client, { configId: 'cfg-linux-hosts', token: agentValue, telegrafVersion: '1.38' });
    assert.equal(r.ok, true);
    assert.equal(r.header, 'Authorization: Token tc-apiv1_…');
    assert.equal(r.checks.find((c) => c.id === 'heartbeat')!.status, 'skip', 'permissions unknown: not claimed');
  });

  test('403 without configs:read, and heartbeat:write missing is a failure', async () => {
    const r = await checkAgentStart(client, { configId: 'cfg-linux-hosts', token: noConfigs });
    assert.equal(r.ok, false);
    const fetch = r.checks.find((c) => c.id === 'fetch')!;
    assert.equal(fetch.kind, 'forbidden');
    assert.equal(fetch.httpStatus, 403);
    assert.match(fetch.detail, /lacks configs:read/);
    const r2 = await checkAgentStart(client, { configId: 'cfg-linux-hosts', token: configsOnly, permissions: { configs: ['read'] } });
    assert.equal(r2.ok, false);
    assert.match(r2.checks.find((c) => c.id === 'heartbeat')!.detail, /lacks heartbeat:write/);
  });

  test('the 401 reasons are told apart', async () => {
    const revoked = emu.state.mintToken({ user: 'u-owner', permissions: { configs: ['read'] } });
    emu.state.tokens.get(revoked.token.id)!.status = 'revoked';
    const expired = emu.state.mintToken({ user: 'u-owner', permissions: { configs: ['read'] }, expiresAt: Date.now() - 1000 });
    const cases: Array<[string, string, RegExp]> = [
      ['tc-apiv1_unknownValue000000000000000000', 'invalid-token', /unknown, revoked or deleted/],
      [revoked.value, 'invalid-token', /Invalid token/],
      [expired.value, 'token-expired', /Token expired/],
      ['influx-token-abc==', 'invalid-token-format', /does not start with tc-apiv1_/],
    ];
    for (const [value, kind, re] of cases) {
      const r = await checkAgentStart(client, { configId: 'cfg-linux-hosts', token: value });
      const fetch = r.checks.find((c) => c.id === 'fetch')!;
      assert.equal(fetch.kind, kind, value.slice(0, 12));
      assert.equal(fetch.httpStatus, 401);
      assert.match(fetch.detail, re);
      assert.ok(!fetch.detail.includes(value));
    }
  });

  test('404 for a deleted config; values Telegraf cannot send are caught before sending', async () => {
    const r = await checkAgentStart(client, { configId: 'cfg-gone', token: agentValue });
    assert.equal(r.checks.find((c) => c.id === 'fetch')!.kind, 'not-found');
    const before = emu.requestCount;
    for (const [value, re] of [
      [`${agentValue}\n`, /line break/],
      ['', /empty/],
      [`"${agentValue}"x y`, /spaces, quotes/],
    ] as const) {
      const bad = await checkAgentStart(client, { configId: 'cfg-linux-hosts', token: value });
      assert.equal(bad.ok, false);
      assert.deepEqual(
        bad.checks.map((c) => c.id),
        ['value'],
      );
      assert.match(bad.checks[0]!.detail, re);
    }
    assert.equal(emu.requestCount, before, 'nothing was sent');
  });

  test('a 1.36 agent cannot load a config with [[outputs.heartbeat]]', async () => {
    const r = await checkAgentStart(client, { configId: 'cfg-linux-hosts', token: agentValue, telegrafVersion: '1.36' });
    assert.equal(r.ok, false);
    assert.match(r.checks.find((c) => c.id === 'heartbeat')!.detail, /does not have/);
  });
});

describe('the exact header on the wire', () => {
  let server: http.Server;
  let seen: http.IncomingHttpHeaders[] = [];
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('[[inputs.cpu]]\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('Bearer for 1.39+, Token for 1.38, to /api/configs/<id>/toml', async () => {
    const client = new ControllerClient({ baseUrl: base, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    try {
      seen = [];
      await checkAgentStart(client, { configId: 'a b', token: AGENT });
      await checkAgentStart(client, { configId: 'a b', token: AGENT, telegrafVersion: '1.38.3' });
      assert.deepEqual(
        seen.map((h) => h.authorization),
        [`Bearer ${AGENT}`, `Token ${AGENT}`],
      );
    } finally {
      await client.close();
    }
    assert.equal(configTomlUrl(base, 'a b'), `${base}/api/configs/a%20b/toml`);
  });
});

describe('config text helpers', () => {
  test('configVariables: ${X}, ${X:-d}, $X outside comments; $$ is literal', () => {
    const toml = '# token = "${COMMENTED}"\n[[outputs.x]]\n  token = "${A}" # ${B}\n  u = "$C/${D:-x}" \n  p = "$$NOT"\n  h = "a#${E}"\n';
    assert.deepEqual(configVariables(toml), ['A', 'C', 'D', 'E']);
  });
  test('hasHeartbeatOutput ignores comments', () => {
    assert.equal(hasHeartbeatOutput('# [[outputs.heartbeat]]\n'), false);
    assert.equal(hasHeartbeatOutput('\n  [[ outputs.heartbeat ]]\n'), true);
  });
});
