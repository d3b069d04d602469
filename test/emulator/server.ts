/**
 * The Telegraf Controller emulator: a real HTTP(S) server implementing
 * docs/api-contract.md (API on one port, heartbeat on a second port), with
 * test/admin hooks under `/__emulator/` and fault injection.
 *
 * Hooks (JSON bodies; for tests and demos only):
 * - `POST /__emulator/reset` — reload the seed, clear faults, offset and rate limit.
 * - `POST /__emulator/users/:idOrName/role` `{ role }` — change a role (narrows/revokes tokens).
 * - `POST /__emulator/users/:idOrName/disabled` `{ disabled }`.
 * - `POST /__emulator/time` `{ offsetMs }` or `{ advanceMs }` — move the emulator clock.
 * - `POST /__emulator/tokens` `{ user, permissions?, description?, expiresAt?: ISO|null }` → `{ token, value }`.
 * - `POST /__emulator/bulk-tokens` `{ count, users?, seed? }` — add `count` generated tokens (see `bulk.ts`) → `{ added, total }`.
 * - `POST /__emulator/rate-limit` `{ max, windowMs }` or `{}` to remove.
 * - `GET|POST|DELETE /__emulator/faults` — list / add a `FaultSpec` (→ `{ id }`) / clear;
 *   `DELETE /__emulator/faults/:id` removes one.
 * - `PUT /__emulator/configs/:id` `{ toml, name?, description? }` — create or replace a config (its `Last-Modified` moves).
 * - `GET /__emulator/state` — counts, heartbeats, agents, config fetches (never values or hashes).
 *
 * Heartbeat bodies must match the real Telegraf's heartbeat JSON schema (read
 * from the Go module cache, `telegrafModule.ts`); `GET`/`HEAD
 * /api/configs/:id/toml` answer with `Last-Modified`, which Telegraf's
 * `--config-url-watch-interval` polls.
 *
 * No `vscode` import. Run from the command line with `cli.ts`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { matchRoute, type RouteName } from '../../src/core/api/contract';
import { ROLES, type Role } from '../../src/core/permissions';
import { FaultController, altersRealAnswer, sendAfterApply, type ActiveFault, type FaultSpec } from './faults';
import { DEMO_SEED, parseSeed, SeedTokenSchema, type ParsedSeed, type Seed } from './seed';
import { bulkTokenSpecs } from './bulk';
import { EmulatorState, errorResponse, type AppResponse } from './state';
import { heartbeatValidator, PINNED_TELEGRAF_VERSION } from './telegrafModule';

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** API port; 0 (default) = random free port. */
  port?: number;
  /** Heartbeat port; 0 (default) = random free port. */
  heartbeatPort?: number;
  /** Bind address, default `127.0.0.1`. */
  host?: string;
  /** Seed (default: the demo seed). */
  seed?: Seed;
  /** HTTPS: `true` generates a self-signed certificate (CN localhost, SAN localhost + 127.0.0.1); or give PEM cert/key. */
  tls?: boolean | { cert: string; key: string };
  /** Clock, ms epoch (default `Date.now`). */
  now?: () => number;
  /** Endpoint groups with auth disabled (`DISABLED_AUTH_ENDPOINTS`, docs/api-contract.md). */
  disabledAuth?: ReadonlyArray<'configs' | 'heartbeat'>;
  /** Serve `/__emulator/` hooks (default true). */
  hooks?: boolean;
  /**
   * The Telegraf release whose heartbeat JSON schema (read from the Go module
   * cache, see telegrafModule.ts) every heartbeat body must match, default the
   * pinned one (`PINNED_TELEGRAF_VERSION`); `false` accepts any body. Startup
   * throws when the schema is not in the module cache (run `bash scripts/build-telegraf.sh`).
   */
  heartbeatSchema?: string | false;
}

/** A running emulator. */
export interface Emulator {
  /** API base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Full heartbeat URL, e.g. `http://127.0.0.1:40124/agents/heartbeat`. */
  heartbeatUrl: string;
  /** PEM of the self-signed certificate (trust anchor) when TLS is on. */
  ca?: string;
  /** The state, for in-process inspection and helpers (`mintToken`, `setUserRole`, …). */
  state: EmulatorState;
  /** Fault switches. */
  faults: FaultController;
  /** Number of requests received so far by both servers (hooks excluded). */
  readonly requestCount: number;
  /** Stops both servers, closing open connections. */
  close(): Promise<void>;
}

/** Largest accepted request body, bytes (larger → 413). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Generates a self-signed certificate for localhost and 127.0.0.1 with
 * `selfsigned` (EC P-256, valid 30 days). Returns PEM cert and key.
 */
export async function generateSelfSignedCert(): Promise<{ cert: string; key: string }> {
  const selfsigned = await import('selfsigned');
  const notBefore = new Date(Date.now() - 60_000);
  const r = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: r.cert, key: r.private };
}

const HTML_LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Corporate SSO</title></head>
<body><form method="post" action="/sso/login"><h1>Sign in to continue</h1>
<label>User <input name="user"></label><label>Password <input type="password" name="pass"></label>
<button type="submit">Sign in</button></form></body></html>`;

function readBody(req: http.IncomingMessage): Promise<{ raw: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ raw: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, r: AppResponse, head = false): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
  let payload = '';
  if (r.text !== undefined) {
    payload = r.text;
    headers['content-type'] = r.contentType ?? 'text/plain; charset=utf-8';
  } else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(head ? undefined : payload);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Applies a fault's answer (after its latency). Returns true when the fault answered (or dropped). */
function applyFault(f: ActiveFault, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (f.drop) {
    req.socket.destroy();
    return true;
  }
  const headers: Record<string, string> = {};
  if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
  if (f.status !== undefined && f.malformed === undefined) {
    const body =
      f.body ??
      (f.status >= 500
        ? { error: 'internal_error', message: 'Injected server error' }
        : f.status === 429
          ? { error: 'too_many_requests', message: 'Too many requests' }
          : { error: 'injected', message: `Injected status ${f.status}` });
    send(res, { status: f.status, body, headers });
    return true;
  }
  const status = f.status ?? 200;
  switch (f.malformed) {
    case undefined:
      return false;
    case 'non-json':
      send(res, { status, headers, text: 'this is not json', contentType: 'application/json' });
      return true;
    case 'truncated-json':
      send(res, { status, headers, text: '{"tokens":[{"id":"tok-1","descript', contentType: 'application/json' });
      return true;
    case 'truncated': {
      const full = '{"tokens":[{"id":"tok-1","description":"a token that is never completed"}],"total":1}';
      res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(full.length) });
      res.write(full.slice(0, 20), () => res.socket?.destroy());
      return true;
    }
    case 'wrong-shape':
      send(res, { status, headers, body: { items: [{ name: 42 }], user: { id: 7 }, token: 'nope', results: 'none', configs: {}, providers: 'local' } });
      return true;
    case 'html-login':
      send(res, { status, headers, text: HTML_LOGIN_PAGE, contentType: 'text/html; charset=utf-8' });
      return true;
    case 'empty':
      send(res, { status, headers, text: '', contentType: 'application/json' });
      return true;
  }
}

/**
 * Starts the emulator: API server and heartbeat server on `host`
 * (127.0.0.1). Resolves when both listen. Throws when a port is taken or the
 * seed is invalid.
 */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const seed: ParsedSeed = opts.seed ? parseSeed(opts.seed) : DEMO_SEED;
  const schemaVersion = opts.heartbeatSchema === undefined ? PINNED_TELEGRAF_VERSION : opts.heartbeatSchema;
  const state = new EmulatorState(seed, {
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.disabledAuth ? { disabledAuth: opts.disabledAuth } : {}),
    ...(schemaVersion ? { heartbeatValidator: heartbeatValidator(schemaVersion) } : {}),
  });
  const faults = new FaultController();
  const host = opts.host ?? '127.0.0.1';
  const hooks = opts.hooks ?? true;
  let requestCount = 0;

  let tlsMaterial: { cert: string; key: string } | undefined;
  if (opts.tls === true) tlsMaterial = await generateSelfSignedCert();
  else if (opts.tls) tlsMaterial = opts.tls;
  const secure = tlsMaterial !== undefined;

  const handler =
    (server: 'api' | 'heartbeat') =>
    async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
      try {
        const url = new URL(req.url ?? '/', 'http://emulator.invalid');
        const method = (req.method ?? 'GET').toUpperCase();
        const { raw, tooLarge } = await readBody(req);
        if (server === 'api' && hooks && url.pathname.startsWith('/__emulator/')) {
          send(res, hook(method, url.pathname, raw));
          return;
        }
        requestCount++;
        // HEAD is GET without a body (Telegraf's --config-url-watch-interval polls the config with HEAD).
        const head = method === 'HEAD';
        const m = matchRoute(head ? 'GET' : method, url.pathname, server);
        if (head && m.name !== undefined && m.name !== 'getConfigToml') {
          send(res, errorResponse(405, 'method_not_allowed', `Method ${method} not allowed`), true);
          return;
        }
        const route: RouteName | undefined = m.name;
        const fault = faults.take(route, server, typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
        const after = fault && altersRealAnswer(fault) ? fault : undefined;
        if (fault && !after) {
          if (fault.latencyMs) await sleep(fault.latencyMs);
          if (res.destroyed || req.socket.destroyed) return;
          if (applyFault(fault, req, res)) return;
        }
        if (m.name === undefined) {
          send(
            res,
            m.pathKnown ? errorResponse(405, 'method_not_allowed', `Method ${method} not allowed`) : errorResponse(404, 'not_found', 'Route not found'),
          );
          return;
        }
        if (tooLarge) {
          send(res, errorResponse(413, 'payload_too_large', 'Request body too large'));
          return;
        }
        let body: unknown;
        if (raw.trim() !== '') {
          try {
            body = JSON.parse(raw);
          } catch {
            send(res, errorResponse(400, 'validation_error', 'Request body is not valid JSON', { fieldErrors: { _: 'invalid JSON' } }));
            return;
          }
        }
        const answer = state.handle({ route: m.name, params: m.params, query: url.searchParams, headers: req.headers, body, secure, method });
        if (after) await sendAfterApply(after, answer, res);
        else send(res, answer, head);
      } catch (e) {
        // Never expected: the property tests assert no 500 for bad input.
        send(res, errorResponse(500, 'internal_error', e instanceof Error ? e.message : 'internal error'));
      }
    };

  const hook = (method: string, pathname: string, raw: string): AppResponse => {
    let body: Record<string, unknown> = {};
    try {
      if (raw.trim()) body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return errorResponse(400, 'validation_error', 'hook body is not JSON');
    }
    try {
      const parts = pathname.split('/').filter(Boolean); // ['__emulator', ...]
      const what = parts[1];
      if (what === 'reset' && method === 'POST') {
        state.reset();
        faults.clear();
        return { status: 204 };
      }
      if (what === 'state' && method === 'GET') {
        return {
          status: 200,
          body: {
            now: new Date(state.now()).toISOString(),
            timeOffsetMs: state.timeOffsetMs,
            users: [...state.users.values()].map((u) => state.userView(u)),
            tokens: state.tokens.size,
            sessions: state.sessions.size,
            heartbeats: state.heartbeats.map((h) => ({
              tokenId: h.tokenId,
              userId: h.userId,
              at: new Date(h.at).toISOString(),
              scheme: h.scheme,
              body: h.body,
            })),
            agents: [...state.agents.values()].map((a) => ({
              ...a,
              firstSeenAt: new Date(a.firstSeenAt).toISOString(),
              lastSeenAt: new Date(a.lastSeenAt).toISOString(),
            })),
            configFetches: state.configFetches.map((f) => ({ ...f, at: new Date(f.at).toISOString() })),
            requestCount,
          },
        };
      }
      if (what === 'users' && parts[2] && method === 'POST') {
        const id = decodeURIComponent(parts[2]);
        if (!state.findUser(id)) return errorResponse(404, 'not_found', 'User not found');
        if (parts[3] === 'role') {
          const role = body.role as Role;
          if (!ROLES.includes(role)) return errorResponse(400, 'validation_error', `role must be one of ${ROLES.join(', ')}`);
          return { status: 200, body: state.setUserRole(id, role) };
        }
        if (parts[3] === 'disabled') {
          state.setUserDisabled(id, body.disabled === true);
          return { status: 204 };
        }
      }
      if (what === 'time' && method === 'POST') {
        if (typeof body.offsetMs === 'number') state.timeOffsetMs = body.offsetMs;
        if (typeof body.advanceMs === 'number') state.timeOffsetMs += body.advanceMs;
        return { status: 200, body: { now: new Date(state.now()).toISOString(), timeOffsetMs: state.timeOffsetMs } };
      }
      if (what === 'tokens' && method === 'POST') {
        const exp = body.expiresAt;
        const minted = state.mintToken({
          user: String(body.user ?? ''),
          ...(body.permissions ? { permissions: body.permissions as never } : {}),
          ...(typeof body.description === 'string' ? { description: body.description } : {}),
          ...(exp === null || typeof exp === 'string' ? { expiresAt: exp === null ? null : Date.parse(exp) } : {}),
        });
        return { status: 201, body: { token: state.tokenView(minted.token), value: minted.value } };
      }
      if (what === 'bulk-tokens' && method === 'POST') {
        const count = typeof body.count === 'number' ? Math.floor(body.count) : NaN;
        if (!(count >= 1 && count <= 100_000)) return errorResponse(400, 'validation_error', 'count must be a number from 1 to 100000');
        const users = Array.isArray(body.users) ? body.users.filter((u): u is string => typeof u === 'string') : undefined;
        const specs = bulkTokenSpecs(count, { ...(users ? { users } : {}), ...(typeof body.seed === 'number' ? { seed: body.seed } : {}) });
        const added = state.addSeedTokens(specs.map((t) => SeedTokenSchema.parse(t)));
        return { status: 201, body: { added, total: state.tokens.size, firstId: specs[0]?.id, lastId: specs[specs.length - 1]?.id } };
      }
      if (what === 'configs' && parts[2] && (method === 'PUT' || method === 'POST')) {
        if (typeof body.toml !== 'string') return errorResponse(400, 'validation_error', 'toml must be a string');
        const c = state.putConfig(decodeURIComponent(parts[2]), {
          toml: body.toml,
          ...(typeof body.name === 'string' ? { name: body.name } : {}),
          ...(typeof body.description === 'string' ? { description: body.description } : {}),
        });
        return { status: 200, body: { id: c.id, name: c.name, updatedAt: new Date(c.updatedAt).toISOString() } };
      }
      if (what === 'rate-limit' && method === 'POST') {
        state.rateLimit = typeof body.max === 'number' && typeof body.windowMs === 'number' ? { max: body.max, windowMs: body.windowMs } : undefined;
        return { status: 204 };
      }
      if (what === 'faults') {
        if (method === 'GET') return { status: 200, body: { faults: faults.list() } };
        if (method === 'POST') return { status: 201, body: { id: faults.add(body as FaultSpec) } };
        if (method === 'DELETE') {
          if (parts[2]) return faults.remove(parts[2]) ? { status: 204 } : errorResponse(404, 'not_found', 'Fault not found');
          faults.clear();
          return { status: 204 };
        }
      }
      return errorResponse(404, 'not_found', 'Unknown emulator hook');
    } catch (e) {
      return errorResponse(400, 'validation_error', e instanceof Error ? e.message : String(e));
    }
  };

  const make = (server: 'api' | 'heartbeat'): http.Server => {
    const h = handler(server);
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => void h(req, res);
    const s = tlsMaterial ? https.createServer({ cert: tlsMaterial.cert, key: tlsMaterial.key }, listener) : http.createServer(listener);
    s.keepAliveTimeout = 1000;
    return s;
  };
  const api = make('api');
  const hb = make('heartbeat');
  const sockets = new Set<Socket>();
  for (const s of [api, hb]) {
    s.on(tlsMaterial ? 'secureConnection' : 'connection', (sock: Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    // Raw TCP sockets too (for TLS servers, failed handshakes never become secure connections).
    if (tlsMaterial) {
      s.on('connection', (sock: Socket) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
      });
    }
  }
  const listen = (s: http.Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        s.off('error', reject);
        resolve((s.address() as AddressInfo).port);
      });
    });
  const apiPort = await listen(api, opts.port ?? 0);
  let hbPort: number;
  try {
    hbPort = await listen(hb, opts.heartbeatPort ?? 0);
  } catch (e) {
    await new Promise((r) => api.close(r));
    throw e;
  }
  const scheme = secure ? 'https' : 'http';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `${scheme}://${hostPart}:${apiPort}`,
    heartbeatUrl: `${scheme}://${hostPart}:${hbPort}/agents/heartbeat`,
    ...(tlsMaterial ? { ca: tlsMaterial.cert } : {}),
    state,
    faults,
    get requestCount() {
      return requestCount;
    },
    async close() {
      if (closed) return;
      closed = true;
      const done = Promise.all([api, hb].map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const sock of sockets) sock.destroy();
      api.closeAllConnections();
      hb.closeAllConnections();
      await done;
    },
  };
}
