/**
 * TLS: against the emulator's self-signed HTTPS, the client fails by default
 * with the actionable sentence (not an OpenSSL code), succeeds with the
 * certificate as `ca`, and with a TLS exception for its origin (only that
 * origin: not the heartbeat port, not another controller on the same dispatcher). A https URL to a plain
 * http server and a host-name mismatch give their own sentences.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerClient } from '../../../../src/core/api/client';
import { createDispatcher, type ControllerDispatcher } from '../../../../src/core/api/dispatcher';
import { generateSelfSignedCert, startEmulator, type Emulator } from '../../../emulator/server';
import { DEMO_TOKEN_VALUES } from '../../../emulator/seed';
import { expectKind } from './helpers';

let emu: Emulator;
let plain: Emulator;
const dispatchers: ControllerDispatcher[] = [];
const retry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

before(async () => {
  emu = await startEmulator({ tls: true });
  plain = await startEmulator();
});
after(async () => {
  await Promise.all(dispatchers.map((d) => d.close()));
  await emu.close();
  await plain.close();
});

function client(baseUrl: string, opts: Parameters<typeof createDispatcher>[0] = {}): ControllerClient {
  const d = createDispatcher({ connectTimeoutMs: 2000, ...opts });
  dispatchers.push(d);
  return new ControllerClient({ baseUrl, dispatcher: d, retry, timeoutMs: 3000 });
}

void test('the emulator serves https with a PEM certificate', () => {
  assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(emu.heartbeatUrl, /^https:/);
  assert.match(emu.ca ?? '', /-----BEGIN CERTIFICATE-----/);
});

void test('self-signed certificate is rejected by default with an actionable sentence', async () => {
  const e = await expectKind(client(emu.url).authStatus(), 'tls');
  assert.equal(
    e.userMessage,
    "The controller's certificate is not trusted. Set telegrafController.caFile to your CA's PEM file, or (not recommended) allow an untrusted certificate for this connection.",
  );
  assert.doesNotMatch(e.userMessage, /UNABLE_TO_VERIFY|SELF_SIGNED|DEPTH_ZERO/);
});

void test('trusting the certificate with `ca` works, for 127.0.0.1 and localhost', async () => {
  const c = client(emu.url, { ca: emu.ca! });
  assert.deepEqual((await c.authStatus()).providers, ['local']);
  const local = client(emu.url.replace('127.0.0.1', 'localhost'), { ca: emu.ca! });
  const token = DEMO_TOKEN_VALUES['tok-owner-full']!;
  assert.equal((await local.withCredential({ kind: 'token', token }).me()).username, 'admin');
  await c.sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-owner-agent-prod']!);
});

void test('a TLS exception for the controller origin accepts its certificate, and each use is reported with the origin', async () => {
  const used: string[] = [];
  const c = client(emu.url, { untrustedOrigins: [emu.url], onUntrustedUse: (o) => used.push(o) });
  assert.equal((await c.authStatus()).setupComplete, true);
  await c.authStatus();
  const port = new URL(emu.url).port;
  assert.deepEqual(used, [`https://127.0.0.1:${port}`, `https://127.0.0.1:${port}`]);
});

void test('a TLS exception stays with its origin: the heartbeat port of the same host is still verified', async () => {
  const used: string[] = [];
  const c = client(emu.url, { untrustedOrigins: [emu.url], onUntrustedUse: (o) => used.push(o) });
  assert.equal((await c.authStatus()).setupComplete, true);
  await expectKind(c.sendHeartbeat(emu.heartbeatUrl, DEMO_TOKEN_VALUES['tok-owner-agent-prod']!), 'tls');
  assert.ok(!used.some((o) => o.endsWith(`:${new URL(emu.heartbeatUrl).port}`)), 'the heartbeat origin used no exception');
});

void test('a TLS exception for another origin does not cover this one (same dispatcher)', async () => {
  const other = await startEmulator({ tls: true });
  try {
    const d = createDispatcher({ connectTimeoutMs: 2000, untrustedOrigins: [other.url] });
    dispatchers.push(d);
    const forOther = new ControllerClient({ baseUrl: other.url, dispatcher: d, retry, timeoutMs: 3000 });
    const forEmu = new ControllerClient({ baseUrl: emu.url, dispatcher: d, retry, timeoutMs: 3000 });
    assert.equal((await forOther.authStatus()).setupComplete, true);
    await expectKind(forEmu.authStatus(), 'tls');
  } finally {
    await other.close();
  }
});

void test('an unrelated CA does not make the certificate trusted', async () => {
  const other = await generateSelfSignedCert();
  await expectKind(client(emu.url, { ca: other.cert }).authStatus(), 'tls');
});

void test('https:// to a plain http server -> tls with a hint about http://', async () => {
  const e = await expectKind(client(plain.url.replace('http:', 'https:')).authStatus(), 'tls');
  assert.match(e.userMessage, /http:\/\//);
});

void test('certificate for another host name -> tls naming the host', async () => {
  // The certificate names localhost and 127.0.0.1; serve it on 127.0.0.2 (also loopback on Linux).
  const material = await generateSelfSignedCert();
  const other = await startEmulator({ host: '127.0.0.2', tls: material });
  try {
    const e = await expectKind(client(other.url, { ca: material.cert }).authStatus(), 'tls');
    assert.match(e.userMessage, /not issued for "127\.0\.0\.2"/);
  } finally {
    await other.close();
  }
});
