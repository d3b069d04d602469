/**
 * HTTP client of the Telegraf Controller token API (docs/api-contract.md), on
 * undici with a dedicated dispatcher. No `vscode` import.
 *
 * Every failure is a `ControllerError` (see `errors.ts`) with a `kind` and a
 * `userMessage`; a caller's own `AbortSignal` aborting rejects with the
 * signal's reason (an `AbortError`), not a `ControllerError`.
 *
 * Retries: idempotent GETs go through undici's `RetryAgent` (`retrying` in
 * dispatcher.ts): transient failures (connection reset or refused, 429,
 * 502/503/504) are retried with bounded exponential backoff, honouring
 * `Retry-After` up to `retry.maxDelayMs`. POST and DELETE (including
 * `createToken`) are NEVER retried. One overall deadline covers all attempts.
 *
 * Logging: one line per attempt via `log`, carrying method, route template,
 * status (or error kind) and duration in ms. Never a token, cookie, password,
 * token value, query string or body.
 */
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  AuthStatusSchema,
  BulkResponseSchema,
  ConfigsResponseSchema,
  CreateTokenResponseSchema,
  ErrorBodySchema,
  HEARTBEAT_PATH,
  HEARTBEAT_PORT,
  ListTokensPageSchema,
  parseTokenList,
  parseTokenRecord,
  isUnusableToken,
  ROUTES,
  TokenEnvelopeSchema,
  UserResponseSchema,
  UsersResponseSchema,
  DEFAULT_PAGE_LIMIT,
  AUTH_MESSAGES,
  fieldErrorsFromDetails,
  routePath,
  type AuthStatus,
  type BulkResult,
  type ConfigSummary,
  type CreateTokenRequest,
  type CreateTokenResponse,
  type ListTokensQuery,
  type ListTokensResponse,
  type RouteName,
  type Token,
  type TokenStatus,
  type UnusableToken,
  type User,
} from './contract';
import { DEFAULT_USER_MESSAGES } from './errorMessages';
import { ControllerError, mayHaveBeenApplied, type ErrorKind } from './errors';
import { createDispatcher, retrying, type ControllerDispatcher } from './dispatcher';
import { redactSecrets, rememberCookieValues, rememberSecret } from '../redact';

/** How long a password just typed stays redacted from messages and logs (ms): long enough for the sign-in's own errors. */
const PASSWORD_ECHO_MS = 120_000;

/**
 * How requests authenticate: a session cookie (from `loginLocal`), an API token, or nothing.
 * A token goes as `Authorization: Bearer <token>`, or with `scheme: 'Token'` as
 * `Authorization: Token <token>` (both accepted, docs/api-contract.md "Authentication"; Telegraf ≤ 1.38 sends `Token`).
 */
export type Credential = { kind: 'session'; cookie: string } | { kind: 'token'; token: string; scheme?: 'Bearer' | 'Token' } | { kind: 'none' };

/** Log levels of the injected logger. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Retry policy for idempotent requests. `attempts` counts the first try (1 = no retry); delays in ms. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Options of `ControllerClient`. */
export interface ClientOptions {
  /** Controller URL, e.g. `https://controller.example:8888` (a path prefix is kept; `/api/...` is appended). */
  baseUrl: string;
  /** Default `{ kind: 'none' }`. */
  credential?: Credential;
  /** Response timeout in ms: time to the response headers, and idle time between body chunks. Default 15000. */
  timeoutMs?: number;
  /** Connect timeout in ms, used only when the client creates its own dispatcher. Default 10000. */
  connectTimeoutMs?: number;
  /** Dispatcher (from `createDispatcher`). When absent the client creates a direct one and `close()` closes it. */
  dispatcher?: Dispatcher;
  /** Logger; receives no secrets. */
  log?: (level: LogLevel, message: string) => void;
  /** Retry policy of idempotent GETs. Default `{ attempts: 3, baseDelayMs: 250, maxDelayMs: 4000 }`. */
  retry?: RetryPolicy;
}

/** Default response timeout, ms. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Default retry policy. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4000 };
/** Largest response body the client reads, in bytes (larger is a protocol error). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export { redactSecrets };

/**
 * The heartbeat URL of a controller: same scheme and host as `baseUrl`, port
 * 8000, path `/agents/heartbeat` (docs/api-contract.md "Server and ports"). Throws `TypeError` for an
 * unparsable `baseUrl`.
 */
export function heartbeatUrlFor(baseUrl: string, port: number = HEARTBEAT_PORT): string {
  const u = new URL(baseUrl);
  u.port = String(port);
  u.pathname = HEARTBEAT_PATH;
  u.search = '';
  u.hash = '';
  u.username = '';
  u.password = '';
  return u.toString();
}

/** Internal: what a `withCredential` copy shares with its original. */
interface ClientOptionsWithMemory extends ClientOptions {
  unusableSeen?: Set<string>;
}

interface Req {
  route: RouteName;
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Absolute URL instead of baseUrl + route (heartbeat). */
  url?: string;
  /** Credential override (heartbeat). */
  credential?: Credential;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Client of one controller with one credential. Cheap to copy with
 * `withCredential` (the copy shares the dispatcher).
 */
export class ControllerClient {
  /** Normalised base URL (no trailing slash). */
  readonly baseUrl: string;
  private readonly credential: Credential;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  /** `dispatcher` behind undici's RetryAgent, for idempotent GETs (never closed itself: closing it would close `dispatcher`). */
  private readonly getDispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly logFn: (level: LogLevel, message: string) => void;
  private readonly retry: RetryPolicy;
  private readonly opts: ClientOptions;
  /** Unusable records already logged (shared with `withCredential` copies). */
  private readonly unusableSeen: Set<string>;

  /**
   * Throws `ControllerError` (kind `validation`) when `baseUrl` is not an
   * http(s) URL.
   */
  constructor(opts: ClientOptions) {
    let u: URL;
    try {
      u = new URL(opts.baseUrl);
    } catch (cause) {
      throw new ControllerError({
        kind: 'validation',
        userMessage: 'The controller URL is not a valid URL. Use a URL such as https://controller.example:8888.',
        cause,
      });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new ControllerError({
        kind: 'validation',
        userMessage: `The controller URL must start with http:// or https:// (it starts with ${u.protocol}//).`,
      });
    }
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    this.baseUrl = u.toString().replace(/\/+$/, '');
    this.opts = opts;
    this.credential = opts.credential ?? { kind: 'none' };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? createDispatcher({ connectTimeoutMs: opts.connectTimeoutMs ?? 10_000 });
    this.logFn = opts.log ?? (() => undefined);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    const maxRetries = Math.max(0, Math.floor(this.retry.attempts) - 1);
    this.getDispatcher =
      maxRetries > 0 ? retrying(this.dispatcher, { maxRetries, minTimeout: this.retry.baseDelayMs, maxTimeout: this.retry.maxDelayMs }) : this.dispatcher;
    this.unusableSeen = (opts as ClientOptionsWithMemory).unusableSeen ?? new Set();
  }

  /** A client for the same controller and dispatcher with another credential. */
  withCredential(c: Credential): ControllerClient {
    const copy = new ControllerClient({
      ...this.opts,
      baseUrl: this.baseUrl,
      credential: c,
      dispatcher: this.dispatcher,
      unusableSeen: this.unusableSeen,
    } as ClientOptionsWithMemory);
    return copy;
  }

  /** Kind of the credential this client sends (never the credential itself). */
  get credentialKind(): Credential['kind'] {
    return this.credential.kind;
  }

  /** Closes the dispatcher if this client created it; a no-op for a dispatcher passed in. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  // ---------------------------------------------------------------- auth

  /** `GET /api/auth/status` (public): enabled providers and whether setup is complete. */
  async authStatus(): Promise<AuthStatus> {
    return this.json({ route: 'authStatus' }, AuthStatusSchema);
  }

  /**
   * `POST /api/auth/login/local`. Returns the user and the session cookie as a
   * `Cookie` header value (`name=value[; name2=value2]`), to be kept in
   * SecretStorage and used as `{ kind: 'session', cookie }`. A wrong user name
   * or password is a `ControllerError` of kind `invalid-token` (credential
   * rejected) with a sentence saying so; a locked account is kind `locked`.
   */
  async loginLocal(username: string, password: string): Promise<{ user: User; cookie: string }> {
    // A server message that echoes the password or the session id is redacted wherever it is shown or logged.
    rememberSecret(password, PASSWORD_ECHO_MS);
    const res = await this.send({ route: 'loginLocal', body: { username, password }, credential: { kind: 'none' } });
    const { user } = this.parseJson(res, UserResponseSchema, 'loginLocal');
    const raw = res.headers['set-cookie'];
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const pairs = list.map((c) => c.split(';')[0]!.trim()).filter((p) => p.includes('=') && !p.startsWith('='));
    if (pairs.length === 0) {
      throw new ControllerError({
        kind: 'protocol',
        status: res.status,
        route: routeLabel('loginLocal'),
        userMessage: 'The controller accepted the sign-in but did not start a session (no cookie was set). Use an API token instead.',
      });
    }
    rememberCookieValues(pairs.join('; '));
    return { user, cookie: pairs.join('; ') };
  }

  /** `POST /api/auth/logout` → 204. Like `deleteToken`, an HTML page or another body with a 2xx status is a `protocol` error. */
  async logout(): Promise<void> {
    expectNoContent(await this.send({ route: 'logout' }), routeLabel('logout'));
  }

  /** `GET /api/auth/me`: the user behind the credential (session or token). */
  async me(): Promise<User> {
    return (await this.json({ route: 'me' }, UserResponseSchema)).user;
  }

  // ---------------------------------------------------------------- tokens

  /**
   * `GET /api/tokens` with the query (status, userId, q, page, limit ≤ 100).
   * A Manager receives only their own tokens; a Viewer gets `forbidden`.
   */
  async listTokens(q: ListTokensQuery = {}, signal?: AbortSignal): Promise<ListTokensResponse> {
    const res = await this.send({ route: 'listTokens', query: { status: q.status, userId: q.userId, q: q.q, page: q.page, limit: q.limit }, signal });
    const label = routeLabel('listTokens');
    // The envelope is checked by its schema (a wrong one is a protocol error naming the problem);
    // the records are parsed one by one: one malformed record never hides the others.
    const page = parseTokenList(parseResponseBody(res.status, res.headers, res.text, ListTokensPageSchema, label));
    if (!page) throw new ControllerError({ kind: 'protocol', status: res.status, route: label, userMessage: DEFAULT_USER_MESSAGES.protocol });
    for (const u of page.unusable) this.noteUnusable(u);
    return page;
  }

  /**
   * Every page of `GET /api/tokens` (100 per page) concatenated. Stops when
   * `total` is reached or a page is empty (at most 1000 pages).
   */
  async listAllTokens(q: Omit<ListTokensQuery, 'page'> = {}, signal?: AbortSignal): Promise<Token[]> {
    const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
    const out: Token[] = [];
    const seen = new Set<string>();
    let skipped = 0;
    for (let page = 1; page <= 1000; page++) {
      const res = await this.listTokens({ ...q, page, limit }, signal);
      for (const t of res.tokens) {
        if (!seen.has(t.id)) {
          seen.add(t.id);
          out.push(t);
        }
      }
      // Unusable records count as records: a page with one is still a full page.
      const records = res.tokens.length + res.unusable.length;
      skipped += res.unusable.length;
      if (records === 0 || out.length + skipped >= res.total || records < limit) break;
    }
    return out;
  }

  /**
   * `GET /api/tokens/:id`. A record lacking optional fields is returned with
   * their defaults (docs/api-contract.md "Leniency"); one that lacks `status`
   * or has a field of the wrong type is a `protocol` error naming the field.
   */
  async getToken(id: string): Promise<Token> {
    const t = await this.singleToken({ route: 'getToken', params: { id } }, { id });
    if (isUnusableToken(t)) throw unusableError(t, routeLabel('getToken'));
    return t;
  }

  /**
   * `POST /api/tokens` → `{ token, value }`. NEVER retried automatically: a
   * retry could create a second token. The value is returned once; the
   * caller must not log it.
   */
  async createToken(req: CreateTokenRequest): Promise<CreateTokenResponse> {
    const { token, value } = await this.json({ route: 'createToken', body: req }, CreateTokenResponseSchema);
    return { token, value };
  }

  /**
   * `POST /api/tokens/:id/revoke` (idempotent on the server; not retried).
   * A 2xx answer is a success even when the record in it is incomplete: the
   * id and the `revoked` status come from the request then, and a record we
   * still cannot read is returned as an `UnusableToken` (logged once).
   */
  async revokeToken(id: string): Promise<Token | UnusableToken> {
    return this.singleToken({ route: 'revokeToken', params: { id } }, { id, status: 'revoked' });
  }

  /**
   * `DELETE /api/tokens/:id` → 204. Success only when the controller said so:
   * 204, or a 2xx with an empty or JSON body; an HTML page (a proxy or SSO
   * gateway answering 200) or any other body is a `protocol` error.
   */
  async deleteToken(id: string): Promise<void> {
    expectNoContent(await this.send({ route: 'deleteToken', params: { id } }), routeLabel('deleteToken'));
  }

  /**
   * `POST /api/tokens/:id/reassign` `{ userId }` (Owner/Administrator).
   * Permissions are narrowed to the new owner's role. Like `revokeToken`, a
   * 2xx answer with an unreadable record is a success returning an `UnusableToken`.
   */
  async reassignToken(id: string, userId: string): Promise<Token | UnusableToken> {
    return this.singleToken({ route: 'reassignToken', params: { id }, body: { userId } }, { id });
  }

  /**
   * `POST /api/tokens/bulk/revoke`: per-id results. When the controller has
   * no such route (a `route-missing` 404), each id is revoked on its own
   * through `POST /api/tokens/:id/revoke` instead.
   */
  async bulkRevoke(ids: string[]): Promise<BulkResult[]> {
    return this.bulk({ route: 'bulkRevoke', body: { ids } }, ids, (id) => this.revokeToken(id));
  }

  /** `POST /api/tokens/bulk/delete`: per-id results; falls back to `DELETE /api/tokens/:id` per id when the route is missing. */
  async bulkDelete(ids: string[]): Promise<BulkResult[]> {
    return this.bulk({ route: 'bulkDelete', body: { ids } }, ids, (id) => this.deleteToken(id));
  }

  /** `POST /api/tokens/bulk/reassign`: per-id results (Owner/Administrator); falls back to the single route per id when the route is missing. */
  async bulkReassign(ids: string[], userId: string): Promise<BulkResult[]> {
    return this.bulk({ route: 'bulkReassign', body: { ids, userId } }, ids, (id) => this.reassignToken(id, userId));
  }

  // ---------------------------------------------------------------- users, configs, heartbeat

  /** `GET /api/users` (Owner/Administrator): reassign targets. */
  async listUsers(): Promise<User[]> {
    return (await this.json({ route: 'listUsers' }, UsersResponseSchema)).users;
  }

  /** `GET /api/configs`. */
  async listConfigs(): Promise<ConfigSummary[]> {
    return (await this.json({ route: 'listConfigs' }, ConfigsResponseSchema)).configs;
  }

  /** `GET /api/configs/:id/toml` → the TOML text (needs configs:read). An HTML answer is a `protocol` error. */
  async getConfigToml(id: string): Promise<string> {
    const res = await this.send({ route: 'getConfigToml', params: { id } });
    if (looksLikeHtml(res)) throw htmlError(res, routeLabel('getConfigToml'));
    return res.text;
  }

  /**
   * `POST <heartbeatUrl>` with `Authorization: Bearer <token>` (needs
   * heartbeat:write). Uses `token`, not this client's credential. `body`
   * defaults to a minimal heartbeat that matches Telegraf's heartbeat JSON
   * schema (`plugins/outputs/heartbeat/schema_v1.json`: `id` and `version`
   * required, no other properties than the schema's; docs/api-contract.md "How
   * Telegraf uses a token"). Not retried.
   */
  async sendHeartbeat(heartbeatUrl: string, token: string, body?: unknown): Promise<void> {
    const res = await this.send({
      route: 'heartbeat',
      url: heartbeatUrl,
      credential: { kind: 'token', token },
      body: body ?? { id: 'telegraf-controller-tokens-check', version: 'Telegraf Controller Tokens check', schema: 1, status: 'OK' },
    });
    // The heartbeat server's 200 body is not modelled (docs/api-contract.md): any body but a web page counts.
    if (looksLikeHtml(res)) throw htmlError(res, routeLabel('heartbeat'));
  }

  // ---------------------------------------------------------------- plumbing

  /** Logs an unusable record once per client family (`withCredential` copies share the memory). */
  private noteUnusable(u: UnusableToken): void {
    const key = `${u.id ?? `#${u.index}`}|${u.reason}`;
    if (this.unusableSeen.has(key)) return;
    if (this.unusableSeen.size > 10_000) this.unusableSeen.clear();
    this.unusableSeen.add(key);
    this.logFn('warn', `token record ${u.id ?? `at position ${u.index}`} cannot be used and is shown as such: ${u.reason}`);
  }

  /** Sends a route answering `{ token }` and parses the record (see `parseTokenRecord`). */
  private async singleToken(req: Req, known: { id?: string; status?: TokenStatus }): Promise<Token | UnusableToken> {
    const res = await this.send(req);
    const label = routeLabel(req.route);
    const body = parseResponseBody(res.status, res.headers, res.text, TokenEnvelopeSchema, label);
    const t = parseTokenRecord(body.token, -1, known);
    if (isUnusableToken(t)) this.noteUnusable(t);
    return t;
  }

  /**
   * A bulk route, or (when the controller answers that the route does not
   * exist) the single-token call for each id, one after another.
   */
  private async bulk(req: Req, ids: string[], single: (id: string) => Promise<unknown>): Promise<BulkResult[]> {
    try {
      return (await this.json(req, BulkResponseSchema)).results;
    } catch (e) {
      if (!(e instanceof ControllerError) || e.kind !== 'route-missing') throw e;
      this.logFn('info', `${routeLabel(req.route)} is missing on this controller: sending ${ids.length} single request(s) instead`);
    }
    const out: BulkResult[] = [];
    for (const id of ids) {
      try {
        await single(id);
        out.push({ id, ok: true });
      } catch (e) {
        if (!(e instanceof ControllerError)) throw e;
        out.push({ id, ok: false, error: e.userMessage });
      }
    }
    return out;
  }

  private async json<S extends z.ZodType>(req: Req, schema: S): Promise<z.output<S>> {
    const res = await this.send(req);
    try {
      return this.parseJson(res, schema, req.route);
    } catch (e) {
      // A 2xx whose body we cannot read (cut off, not JSON) on a route that changes state: it was applied, or may have been.
      if (e instanceof ControllerError && !ROUTES[req.route].idempotent) throw markOutcomeUnknown(e);
      throw e;
    }
  }

  private parseJson<S extends z.ZodType>(res: RawResponse, schema: S, route: RouteName): z.output<S> {
    return parseResponseBody(res.status, res.headers, res.text, schema, routeLabel(route));
  }

  private buildUrl(req: Req): string {
    if (req.url) {
      let u: URL;
      try {
        u = new URL(req.url);
      } catch (cause) {
        throw new ControllerError({ kind: 'validation', route: routeLabel(req.route), userMessage: 'The heartbeat URL is not a valid URL.', cause });
      }
      return u.toString();
    }
    const path = routePath(req.route, req.params);
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined && v !== '') qs.set(k, String(v));
    }
    const s = qs.toString();
    return `${this.baseUrl}${path}${s ? `?${s}` : ''}`;
  }

  private headersFor(req: Req): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    const cred = req.credential ?? this.credential;
    if (cred.kind === 'token') {
      if (!/^[\x21-\x7e]+$/.test(cred.token)) {
        throw new ControllerError({
          kind: 'invalid-token-format',
          route: routeLabel(req.route),
          userMessage: 'The stored API token contains spaces or characters that cannot be sent. Set the token again.',
        });
      }
      h.authorization = `${cred.scheme ?? 'Bearer'} ${cred.token}`;
    } else if (cred.kind === 'session') {
      if (!/^[\x20-\x7e]+$/.test(cred.cookie)) {
        throw new ControllerError({ kind: 'session-expired', route: routeLabel(req.route), userMessage: DEFAULT_USER_MESSAGES['session-expired'] });
      }
      rememberCookieValues(cred.cookie);
      h.cookie = cred.cookie;
    }
    if (req.body !== undefined) h['content-type'] = 'application/json';
    return h;
  }

  /**
   * Sends with retries (idempotent routes only) under ONE overall deadline of
   * `timeoutMs` for the whole call (every attempt, every byte of the answer):
   * a server that trickles its answer cannot hold a request open longer.
   * Maps non-2xx statuses to errors; returns the 2xx response. For a route
   * that changes state, an error after the request may have been applied is
   * marked `outcomeUnknown`.
   */
  private async send(req: Req): Promise<RawResponse> {
    const def = ROUTES[req.route];
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    const caller = req.signal;
    try {
      return await this.sendOnce({ ...req, signal }, caller);
    } catch (e) {
      if (caller?.aborted) throw abortReason(caller);
      const err =
        deadline.aborted && !(e instanceof ControllerError && e.kind !== 'timeout' && e.kind !== 'network')
          ? new ControllerError({
              kind: 'timeout',
              route: routeLabel(req.route),
              userMessage: `The controller did not answer in time (the whole answer must arrive within ${Math.round(this.timeoutMs / 100) / 10} s). It may be overloaded or unreachable; try again, or raise telegrafController.requestTimeoutMs.`,
              cause: e,
            })
          : e;
      if (err instanceof ControllerError && !def.idempotent && !err.outcomeUnknown && mayHaveBeenApplied(err)) throw markOutcomeUnknown(err);
      throw err;
    }
  }

  private async sendOnce(req: Req, caller: AbortSignal | undefined): Promise<RawResponse> {
    const def = ROUTES[req.route];
    const label = routeLabel(req.route);
    const url = this.buildUrl(req);
    const headers = this.headersFor(req);
    const started = Date.now();
    if (req.signal?.aborted) throw abortReason(req.signal);
    let res: RawResponse;
    try {
      const r = await request(url, {
        method: def.method,
        headers,
        body: req.body !== undefined ? JSON.stringify(req.body) : null,
        dispatcher: def.method === 'GET' && def.idempotent ? this.getDispatcher : this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: req.signal,
      });
      let text: string;
      try {
        text = await readBody(r.body);
      } catch (e) {
        if (req.signal?.aborted) throw abortReason(req.signal);
        if (e instanceof ControllerError) throw e;
        const mapped = mapTransportError(e, { route: label, url, dispatcher: this.dispatcher, phase: 'body' });
        throw mapped;
      }
      res = { status: r.statusCode, headers: r.headers, text };
    } catch (e) {
      if (req.signal?.aborted) {
        this.logFn(
          caller?.aborted ? 'debug' : 'warn',
          `${def.method} ${def.path} ${caller?.aborted ? 'aborted' : 'failed: timeout (overall deadline)'} after ${Date.now() - started}ms`,
        );
        throw abortReason(req.signal);
      }
      const retried = retryExhausted(e);
      if (retried) {
        // RetryAgent gave up on a status it retries (429, 502-504): the last answer's status and headers.
        const err = errorFromResponse({ status: retried.status, headers: retried.headers, text: '' }, label, req.credential ?? this.credential, req.route);
        this.logFn(
          retried.status >= 500 ? 'warn' : 'info',
          `${def.method} ${def.path} ${retried.status} ${Date.now() - started}ms (${err.kind}, after retries)`,
        );
        throw err;
      }
      const err = e instanceof ControllerError ? e : mapTransportError(e, { route: label, url, dispatcher: this.dispatcher, phase: 'connect' });
      this.logFn('warn', `${def.method} ${def.path} failed: ${err.kind} after ${Date.now() - started}ms`);
      throw err;
    }
    const ms = Date.now() - started;
    if (res.status >= 200 && res.status < 300) {
      this.logFn('debug', `${def.method} ${def.path} ${res.status} ${ms}ms`);
      return res;
    }
    const err = errorFromResponse(res, label, req.credential ?? this.credential, req.route);
    this.logFn(res.status >= 500 ? 'warn' : 'info', `${def.method} ${def.path} ${res.status} ${ms}ms (${err.kind})`);
    throw err;
  }
}

function markOutcomeUnknown(e: ControllerError): ControllerError {
  return new ControllerError({
    kind: e.kind,
    userMessage: e.userMessage,
    outcomeUnknown: true,
    cause: e.cause ?? e,
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.serverMessage !== undefined ? { serverMessage: e.serverMessage } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    ...(e.fieldErrors !== undefined ? { fieldErrors: e.fieldErrors } : {}),
    ...(e.route !== undefined ? { route: e.route } : {}),
  });
}

// ---------------------------------------------------------------------------
// Pure helpers (exported for tests)
// ---------------------------------------------------------------------------

function routeLabel(route: RouteName): string {
  const d = ROUTES[route];
  return `${d.method} ${d.path}`;
}

/** The status and headers of undici's `RequestRetryError` (RetryAgent gave up on a retried status), else undefined. */
function retryExhausted(e: unknown): { status: number; headers: Record<string, string | string[] | undefined> } | undefined {
  const o = e as { code?: unknown; statusCode?: unknown; headers?: unknown } | null;
  if (!o || o.code !== 'UND_ERR_REQ_RETRY' || typeof o.statusCode !== 'number') return undefined;
  const headers = o.headers && typeof o.headers === 'object' ? (o.headers as Record<string, string | string[] | undefined>) : {};
  return { status: o.statusCode, headers };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

async function readBody(body: AsyncIterable<Buffer> & { destroy?: (e?: Error) => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy?.();
      throw new ControllerError({
        kind: 'protocol',
        userMessage: `The controller's answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB, which this version does not accept.`,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function looksLikeHtml(res: { headers: Record<string, string | string[] | undefined>; text: string }): boolean {
  const ct = (header(res.headers, 'content-type') ?? '').toLowerCase();
  if (ct.includes('text/html') || ct.includes('application/xhtml')) return true;
  return /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(res.text.slice(0, 512));
}

function htmlError(res: { status: number }, route: string): ControllerError {
  return new ControllerError({
    kind: 'protocol',
    status: res.status,
    route,
    userMessage:
      'A web page (HTML) answered instead of the controller: a proxy or single sign-on (SSO) login page is probably in front of it. Check telegrafController.url and your proxy settings (HTTPS_PROXY, NO_PROXY).',
  });
}

/**
 * Checks the answer of a route that answers 204 No Content (delete, logout):
 * 204/205, or another 2xx with an empty or JSON body, is the controller
 * saying "done"; a web page or any other body (a proxy or SSO gateway
 * answering 200 in the controller's place) is a `protocol` error.
 */
function expectNoContent(res: RawResponse, route: string): void {
  if (res.status === 204 || res.status === 205) return;
  if (looksLikeHtml(res)) throw htmlError(res, route);
  const text = res.text.trim();
  if (text === '') return;
  try {
    JSON.parse(text);
    return;
  } catch {
    throw new ControllerError({
      kind: 'protocol',
      status: res.status,
      route,
      userMessage: `Something other than the controller answered (HTTP ${res.status} with a body that is not the controller's): the action may not have happened. Check telegrafController.url and any proxy in between, then refresh.`,
    });
  }
}

/** The `protocol` error for a single record (get) that cannot be used. */
function unusableError(t: UnusableToken, route: string): ControllerError {
  return new ControllerError({
    kind: 'protocol',
    route,
    userMessage: `The controller answered with a token record this version cannot use (${redactSecrets(t.reason).slice(0, 300)}).`,
  });
}

/** `text` trimmed, ending with a full stop (unless it already ends with . ! or ?). */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Parses `Retry-After` (seconds or HTTP date) into ms from now; `undefined` when absent or unparsable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

function zodSummary(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(root)';
    return `${path}: ${i.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return redactSecrets(parts.join('; ') + more).slice(0, 400);
}

/**
 * Parses a 2xx body with `schema`. Throws `ControllerError` kind `protocol`
 * for an HTML page, a body that is not JSON (e.g. truncated), or JSON of the
 * wrong shape ("the controller answered in a format this version does not
 * understand: <summary>"). Exported for property tests.
 */
export function parseResponseBody<S extends z.ZodType>(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  schema: S,
  route: string,
): z.output<S> {
  if (looksLikeHtml({ headers, text })) throw htmlError({ status }, route);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ControllerError({
      kind: 'protocol',
      status,
      route,
      cause,
      userMessage: text.trim()
        ? 'The controller answered with something that is not valid JSON (the answer may have been cut off). Try again; if it persists, check what is in front of the controller.'
        : 'The controller answered with an empty body where data was expected.',
    });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ControllerError({
      kind: 'protocol',
      status,
      route,
      userMessage: `The controller answered in a format this version does not understand: ${zodSummary(parsed.error)}`,
    });
  }
  return parsed.data;
}

function authKind(serverMessage: string | undefined, credential: Credential): ErrorKind {
  const m = (serverMessage ?? '').trim().toLowerCase();
  if (credential.kind === 'session') return 'session-expired';
  if (m === AUTH_MESSAGES.tokenExpired.toLowerCase() || m.includes('expired')) return 'token-expired';
  if (m === AUTH_MESSAGES.invalidTokenFormat.toLowerCase() || m.includes('format')) return 'invalid-token-format';
  if (m === AUTH_MESSAGES.invalidToken.toLowerCase()) return 'invalid-token';
  if (m === AUTH_MESSAGES.missingAuth.toLowerCase() || m.includes('missing')) return credential.kind === 'token' ? 'invalid-token' : 'missing-auth';
  if (m.includes('session')) return 'session-expired';
  return credential.kind === 'token' ? 'invalid-token' : 'missing-auth';
}

/** Routes whose path names no item: a 404 there can only mean the route is missing (bulkReassign names a user: see below). */
const ITEMLESS_ROUTES: ReadonlySet<RouteName> = new Set<RouteName>([
  'bulkRevoke',
  'bulkDelete',
  'listConfigs',
  'listTokens',
  'listUsers',
  'createToken',
  'me',
  'authStatus',
  'loginLocal',
  'logout',
]);

/**
 * True when a 404 is about the route, not an item (docs/api-contract.md
 * "Errors"): the contract's item 404 is a JSON error body; a 404 that is not
 * JSON (a web page, plain text, empty) or whose message speaks of a route,
 * path or endpoint ("Route not found", "Cannot POST /api/…") is the route
 * missing. On routes whose path names no item, JSON naming no user is too.
 */
function isRouteMissing(isJson: boolean, serverMessage: string | undefined, routeName: RouteName | undefined): boolean {
  if (routeName === 'heartbeat') return false;
  if (!isJson) return true;
  const m = (serverMessage ?? '').toLowerCase();
  if (/\broute\b|\bendpoint\b|\bpath\b|cannot (get|post|put|delete)\b|no handler|not implemented/.test(m)) return true;
  if (routeName === 'bulkReassign') return false;
  return routeName !== undefined && ITEMLESS_ROUTES.has(routeName) && !/\buser\b/.test(m);
}

const NOT_FOUND_MESSAGES: Partial<Record<RouteName, string>> = {
  getToken: 'The token does not exist on the controller; it may have been deleted.',
  revokeToken: 'The token does not exist on the controller; it may have been deleted.',
  deleteToken: 'The token does not exist on the controller; it may already have been deleted.',
  reassignToken: 'The token or the user does not exist on the controller.',
  bulkReassign: 'The user to reassign to does not exist on the controller.',
  getConfigToml: 'The configuration does not exist on the controller.',
  heartbeat: 'Nothing answers at the heartbeat URL (404). Check the heartbeat server address (port 8000, /agents/heartbeat).',
};

/**
 * Turns a non-2xx response into a `ControllerError`: 400 → `validation` with
 * `fieldErrors`; 401 → one of the auth kinds (by the server's message, docs/api-contract.md
 * "Authentication"); 403 `forbidden`; 404 `not-found`; 407 `proxy`; 409 `conflict`;
 * 423 `locked`; 429 `rate-limited` with `retryAfterMs`; 3xx and HTML pages
 * `protocol`; 5xx and anything else `server`. Exported for tests.
 */
export function errorFromResponse(
  res: { status: number; headers: Record<string, string | string[] | undefined>; text: string },
  route: string,
  credential: Credential,
  routeName?: RouteName,
): ControllerError {
  const status = res.status;
  const retryAfterMs = parseRetryAfter(header(res.headers, 'retry-after'));
  let serverMessage: string | undefined;
  let details: unknown;
  let isJson = false;
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(res.text));
    if (parsed.success) {
      isJson = true;
      serverMessage = parsed.data.message ?? parsed.data.error;
      details = parsed.data.details;
    }
  } catch {
    /* not JSON */
  }
  if (serverMessage !== undefined) serverMessage = redactSecrets(serverMessage).slice(0, 500);
  const base = { status, route, ...(serverMessage !== undefined ? { serverMessage } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };

  if (status >= 300 && status < 400) {
    const loc = header(res.headers, 'location');
    let where = '';
    try {
      if (loc) where = ` to ${new URL(loc, 'http://x.invalid').host === 'x.invalid' ? 'another page' : new URL(loc).host}`;
    } catch {
      where = '';
    }
    return new ControllerError({
      ...base,
      kind: 'protocol',
      userMessage: `The controller URL redirected the request${where}: a proxy or single sign-on (SSO) page is probably in front of the controller, or the URL is not the controller's API address. Check telegrafController.url.`,
    });
  }
  if (status === 407) {
    return new ControllerError({
      ...base,
      kind: 'proxy',
      userMessage: 'The proxy requires authentication (407). Put the proxy credentials in the proxy URL, or set NO_PROXY for the controller host.',
    });
  }
  if (status === 404 && isRouteMissing(isJson, serverMessage, routeName)) {
    return new ControllerError({
      ...base,
      kind: 'route-missing',
      userMessage: `The controller does not offer ${route || 'this request'} (HTTP 404 for the route itself, not for a token): it may run a different version than this extension expects, or something in front of it does not pass this path on.`,
    });
  }
  if (!isJson && looksLikeHtml(res) && status !== 429 && status < 500) return htmlError(res, route);

  const withServer = (fallback: string): string => (serverMessage ? `${fallback} The controller said: ${serverMessage}` : fallback);

  switch (status) {
    case 400: {
      const rawFields = fieldErrorsFromDetails(details);
      const fieldErrors = rawFields
        ? Object.fromEntries(Object.entries(rawFields).map(([k, v]) => [redactSecrets(k).slice(0, 100), redactSecrets(v).slice(0, 300)]))
        : undefined;
      const fieldText = fieldErrors
        ? Object.entries(fieldErrors)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')
        : '';
      return new ControllerError({
        ...base,
        kind: 'validation',
        ...(fieldErrors ? { fieldErrors } : {}),
        userMessage:
          `The controller rejected the request: ${serverMessage ?? 'invalid input'}${fieldText && !(serverMessage ?? '').includes(fieldText) ? ` (${fieldText})` : ''}.`.replace(
            /\.\.$/,
            '.',
          ),
      });
    }
    case 401: {
      if (routeName === 'loginLocal') {
        return new ControllerError({ ...base, kind: 'invalid-token', userMessage: 'The user name or password is not correct.' });
      }
      const kind = authKind(serverMessage, credential);
      return new ControllerError({ ...base, kind, userMessage: DEFAULT_USER_MESSAGES[kind] });
    }
    case 403:
      return new ControllerError({ ...base, kind: 'forbidden', userMessage: withServer(DEFAULT_USER_MESSAGES.forbidden) });
    case 404:
      return new ControllerError({
        ...base,
        kind: 'not-found',
        userMessage: (routeName && NOT_FOUND_MESSAGES[routeName]) ?? DEFAULT_USER_MESSAGES['not-found'],
      });
    case 409:
      return new ControllerError({ ...base, kind: 'conflict', userMessage: withServer(DEFAULT_USER_MESSAGES.conflict) });
    case 423:
      // The server's sentence already says the account is locked and for how long (docs/api-contract.md
      // "Authentication": 423 after 5 failures): show it alone, not after our own sentence saying the same.
      return new ControllerError({
        ...base,
        kind: 'locked',
        userMessage:
          serverMessage && /lock/i.test(serverMessage) && serverMessage.trim().length >= 20
            ? sentence(serverMessage)
            : withServer(DEFAULT_USER_MESSAGES.locked),
      });
    case 429: {
      const secs = retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : undefined;
      return new ControllerError({
        ...base,
        kind: 'rate-limited',
        userMessage: secs !== undefined ? `The controller is receiving too many requests. Try again in ${secs} s.` : DEFAULT_USER_MESSAGES['rate-limited'],
      });
    }
    default:
      if (status >= 500) {
        return new ControllerError({
          ...base,
          kind: 'server',
          userMessage:
            status === 502 || status === 503 || status === 504
              ? `The controller is unavailable right now (HTTP ${status}). Try again later.`
              : `The controller reported an internal error (HTTP ${status}). Try again later, or check the controller logs.`,
        });
      }
      if (status === 405 || status === 501) {
        return new ControllerError({
          ...base,
          kind: 'protocol',
          userMessage: `The controller does not support this request (HTTP ${status}); it may run a different version than this extension expects.`,
        });
      }
      return new ControllerError({ ...base, kind: 'server', userMessage: withServer(`The controller answered with an unexpected status (HTTP ${status}).`) });
  }
}

const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);

function collectCodes(e: unknown, depth = 0): { codes: string[]; messages: string[]; port?: number; address?: string } {
  const out: { codes: string[]; messages: string[]; port?: number; address?: string } = { codes: [], messages: [] };
  if (!e || typeof e !== 'object' || depth > 4) return out;
  const o = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; port?: unknown; address?: unknown };
  if (typeof o.code === 'string') out.codes.push(o.code);
  if (typeof o.message === 'string') out.messages.push(o.message);
  if (typeof o.port === 'number') out.port = o.port;
  if (typeof o.address === 'string') out.address = o.address;
  const nested: unknown[] = [];
  if (o.cause) nested.push(o.cause);
  if (Array.isArray(o.errors)) nested.push(...o.errors);
  for (const n of nested) {
    const c = collectCodes(n, depth + 1);
    out.codes.push(...c.codes);
    out.messages.push(...c.messages);
    out.port ??= c.port;
    out.address ??= c.address;
  }
  return out;
}

/**
 * Maps a transport error from undici / Node (connect, TLS, DNS, timeouts,
 * sockets, proxy) to a `ControllerError` with an actionable sentence. The
 * technical error is kept as `cause`. Exported for tests.
 */
export function mapTransportError(e: unknown, ctx: { route: string; url: string; dispatcher?: Dispatcher; phase?: 'connect' | 'body' }): ControllerError {
  const { codes, messages, port } = collectCodes(e);
  const has = (...c: string[]): boolean => codes.some((x) => c.includes(x));
  const msg = messages.join(' | ');
  let origin = '';
  let host = '';
  let targetPort = '';
  try {
    const u = new URL(ctx.url);
    origin = u.origin;
    host = u.hostname;
    targetPort = u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    /* ignore */
  }
  const usesProxy = (ctx.dispatcher as ControllerDispatcher | undefined)?.usesProxy === true;
  const { address } = collectCodes(e);
  const base = { route: ctx.route, cause: e };

  if (/Proxy response \(\d+\)|Proxy Authentication Required/i.test(msg)) {
    const st = /\((\d{3})\)/.exec(msg)?.[1];
    return new ControllerError({
      ...base,
      kind: 'proxy',
      userMessage: `The proxy refused to connect to the controller${st ? ` (HTTP ${st})` : ''}. Check the proxy settings (HTTPS_PROXY / http.proxy), its credentials, or add the controller host to NO_PROXY.`,
    });
  }
  // A connect failure on another port than the target's, with a proxy configured, is the proxy failing.
  if (usesProxy && has('ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH') && port !== undefined && String(port) !== targetPort) {
    return new ControllerError({
      ...base,
      kind: 'proxy',
      userMessage: `The proxy ${address ? `${address.includes(':') ? `[${address}]` : address}:${port}` : `on port ${port}`} cannot be reached. Check the proxy settings (HTTPS_PROXY / http.proxy) or add the controller host to NO_PROXY.`,
    });
  }
  if (codes.some((c) => UNTRUSTED_CODES.has(c))) {
    return new ControllerError({ ...base, kind: 'tls', userMessage: DEFAULT_USER_MESSAGES.tls });
  }
  if (has('CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID')) {
    return new ControllerError({
      ...base,
      kind: 'tls',
      userMessage: "The controller's certificate has expired or is not yet valid. Renew it on the controller (SSL_CERT_PATH), or check this computer's clock.",
    });
  }
  if (has('ERR_TLS_CERT_ALTNAME_INVALID')) {
    return new ControllerError({
      ...base,
      kind: 'tls',
      userMessage: `The controller's certificate is not issued for "${host}". Use the host name the certificate names in telegrafController.url, or reissue the certificate.`,
    });
  }
  if (has('EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER') || /wrong version number|ssl3_get_record|packet length too long/i.test(msg)) {
    return new ControllerError({
      ...base,
      kind: 'tls',
      userMessage:
        'The secure (TLS) handshake with the controller failed. If the controller serves plain HTTP, use an http:// URL; otherwise check its certificate configuration.',
    });
  }
  if (codes.some((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_')) || /certificate|\bTLS\b|\bSSL\b/i.test(msg)) {
    return new ControllerError({ ...base, kind: 'tls', userMessage: DEFAULT_USER_MESSAGES.tls });
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
    return new ControllerError({
      ...base,
      kind: 'dns',
      userMessage: `The controller host "${host}" could not be found (DNS). Check telegrafController.url and your network.`,
    });
  }
  if (has('ECONNREFUSED')) {
    return new ControllerError({
      ...base,
      kind: 'connection-refused',
      userMessage: `Nothing is listening at ${origin} (connection refused). Check that the controller is running and telegrafController.url is correct.`,
    });
  }
  if (has('UND_ERR_CONNECT_TIMEOUT')) {
    return new ControllerError({
      ...base,
      kind: 'timeout',
      userMessage: `Connecting to ${origin} timed out. Check that the controller is reachable from this computer (firewall, VPN, proxy).`,
    });
  }
  if (has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT')) {
    return new ControllerError({
      ...base,
      kind: 'timeout',
      userMessage: 'The controller did not answer in time. It may be overloaded or unreachable; try again.',
    });
  }
  if (has('UND_ERR_RES_CONTENT_LENGTH_MISMATCH') || (ctx.phase === 'body' && has('UND_ERR_SOCKET', 'ECONNRESET', 'UND_ERR_CLOSED', 'EPIPE'))) {
    return new ControllerError({ ...base, kind: 'protocol', userMessage: "The controller's answer was cut off before it was complete. Try again." });
  }
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_ABORTED')) {
    return new ControllerError({
      ...base,
      kind: 'network',
      userMessage: `The connection to ${origin} was closed unexpectedly. Try again; if it persists, check the network or a proxy in between.`,
    });
  }
  if (has('UND_ERR_INVALID_ARG', 'ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_CHAR', 'UND_ERR_NOT_SUPPORTED')) {
    return new ControllerError({
      ...base,
      kind: 'network',
      userMessage: 'The request to the controller could not be sent (invalid URL or header). Check telegrafController.url.',
    });
  }
  return new ControllerError({ ...base, kind: 'network', userMessage: DEFAULT_USER_MESSAGES.network });
}
