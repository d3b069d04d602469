/**
 * State and rules of the controller emulator (docs/api-contract.md as modeled):
 * users, sessions, tokens (stored as SHA-256 hashes only), configs, login
 * lockout, role changes, and the handlers of every route, independent of HTTP.
 *
 * Times inside are ms since the epoch (emulator clock = real clock or the
 * injected `now`, plus a test offset); on the wire they are UTC ISO strings.
 *
 * No `vscode` import.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import {
  AUTH_MESSAGES,
  BulkIdsRequestSchema,
  BulkReassignRequestSchema,
  CreateTokenRequestSchema,
  DEFAULT_PAGE_LIMIT,
  ListTokensQuerySchema,
  LOGIN_LOCKOUT,
  LoginLocalRequestSchema,
  ReassignRequestSchema,
  SESSION_COOKIE_NAME,
  TOKEN_PREFIX_LENGTH,
  TOKEN_VALUE_PREFIX,
  type RouteName,
} from '../../src/core/api/contract';
import {
  ROLE_CEILING,
  countPermissions,
  effectivePermissions,
  hasPermission,
  intersectPermissions,
  isTokenAdmin,
  canManageTokens,
  normalizePermissions,
  presetPermissions,
  type Action,
  type Permissions,
  type ResourceId,
  type Role,
} from '../../src/core/permissions';
import type { z } from 'zod';
import type { ParsedSeed } from './seed';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
/** Session lifetime, ms (model choice: 8 hours). */
export const SESSION_TTL_MS = 8 * HOUR;

/** A user record (password as salted scrypt hash). */
export interface UserRecord {
  id: string;
  username: string;
  email?: string;
  role: Role;
  authProvider: 'local' | 'ldap' | 'oidc';
  disabled: boolean;
  passwordSalt?: Buffer;
  passwordHash?: Buffer;
  failedLogins: number;
  /** ms epoch; locked while now < lockedUntil. */
  lockedUntil?: number;
}

/** A token record. Only the SHA-256 hash of the value is kept. Times are ms epoch. */
export interface TokenRecord {
  id: string;
  description: string;
  userId: string;
  status: 'active' | 'revoked';
  permissions: Permissions;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  prefix: string;
  /** hex SHA-256 of the value. */
  hash: string;
}

/** A configuration with its TOML. `updatedAt` ms epoch. */
export interface ConfigRecord {
  id: string;
  name: string;
  description: string;
  toml: string;
  updatedAt: number;
}

/** A received heartbeat (for tests). `at` ms epoch. */
export interface HeartbeatRecord {
  tokenId: string;
  userId: string;
  at: number;
  body: unknown;
  /** The `Authorization` scheme it came with (`Bearer`, `Token`), or `''` without one. */
  scheme: string;
  /** The `User-Agent` header (Telegraf sends `Telegraf/<version> …`). */
  userAgent: string;
}

/**
 * An agent as the heartbeat server knows it: the `id`, `version` and
 * `hostname` of its last accepted heartbeat (the Telegraf heartbeat schema's
 * fields), the token it authenticated with, times ms epoch.
 */
export interface AgentRecord {
  id: string;
  version: string;
  hostname?: string;
  status?: string;
  tokenId: string;
  firstSeenAt: number;
  lastSeenAt: number;
  heartbeats: number;
}

/** A `GET`/`HEAD /api/configs/:id/toml` answered (for tests). `at` ms epoch. */
export interface ConfigFetchRecord {
  configId: string;
  method: string;
  status: number;
  /** The `Authorization` scheme (`Bearer` from `TELEGRAF_CONTROLLER_TOKEN`, `Token` from `INFLUX_TOKEN`), or `''`. */
  scheme: string;
  tokenId: string;
  userAgent: string;
  at: number;
}

/** The authenticated caller of a request. */
export interface Principal {
  user: UserRecord;
  /** Set when authenticated with a token. */
  token?: TokenRecord;
  /** Set when authenticated with a session. */
  sessionId?: string;
}

/** An HTTP-independent response: status, JSON body (or text), extra headers. */
export interface AppResponse {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

/** An HTTP-independent request. */
export interface AppRequest {
  route: RouteName;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or `undefined` when empty. */
  body: unknown;
  /** True when the server runs TLS (for the cookie's `Secure`). */
  secure: boolean;
  /** HTTP method (`HEAD` is answered like `GET` on the config TOML route, without a body). */
  method?: string;
}

/** Builds the model's error body `{ error, message, details? }` (docs/api-contract.md `Error`). */
export function errorResponse(status: number, error: string, message: string, details?: unknown, headers?: Record<string, string>): AppResponse {
  return { status, body: details === undefined ? { error, message } : { error, message, details }, ...(headers ? { headers } : {}) };
}

/** True when `r` is a response rather than a token record (token records carry `hash`). */
function isResponse(r: TokenRecord | AppResponse): r is AppResponse {
  return !('hash' in r);
}

function zodFieldErrors(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of err.issues) {
    const key = i.path.length ? i.path.map(String).join('.') : '_';
    if (!(key in out)) out[key] = i.message;
  }
  return out;
}

function validation(message: string, fieldErrors: Record<string, string>): AppResponse {
  return errorResponse(400, 'validation_error', message, { fieldErrors });
}

const unauthorized = (message: string): AppResponse => errorResponse(401, 'unauthorized', message);
const forbidden = (message = 'You do not have permission to perform this action'): AppResponse => errorResponse(403, 'forbidden', message);
const notFound = (what = 'Resource'): AppResponse => errorResponse(404, 'not_found', `${what} not found`);

/** SHA-256 hex of a token value. */
export function hashTokenValue(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A new random token value: `tc-apiv1_` + 43 base64url chars (256 bits). */
export function newTokenValue(): string {
  return TOKEN_VALUE_PREFIX + randomBytes(32).toString('base64url');
}

function hashPassword(password: string, salt: Buffer): Buffer {
  return scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

const AUTH_RE = /^\s*(Bearer|Token)\s+(\S+)\s*$/i;

/** The `Authorization` scheme of a request as sent (`Bearer`, `Token`, another word), `''` without the header. */
function authScheme(h: Record<string, string | string[] | undefined>): string {
  const v = header(h, 'authorization');
  return v === undefined ? '' : (/^\s*(\S+)/.exec(v)?.[1] ?? '');
}

/** The credential of a `Bearer`/`Token` `Authorization` header. */
function bearerValue(h: Record<string, string | string[] | undefined>): string | undefined {
  return AUTH_RE.exec(header(h, 'authorization') ?? '')?.[2];
}

/** Parses a `Cookie` header into name → value. */
export function parseCookies(cookieHeader: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (cookieHeader ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/**
 * `globalThis` key of a process-wide default for `EmulatorState.onSecretIssued`
 * (test-only: the e2e security sweep sets it, so that emulators a flow starts
 * itself report the secrets they hand out too).
 */
export const SECRET_OBSERVER_KEY = Symbol.for('telegraf-controller-tokens.emulator.onSecretIssued');

/** Options of `EmulatorState`. */
export interface StateOptions {
  /** Clock, ms epoch (default `Date.now`). */
  now?: () => number;
  /** Endpoint groups with auth disabled, like the controller's `DISABLED_AUTH_ENDPOINTS` (docs/api-contract.md). */
  disabledAuth?: ReadonlyArray<'configs' | 'heartbeat'>;
  /**
   * Validates a heartbeat body, e.g. against the real Telegraf's JSON schema
   * (`heartbeatValidator` in telegrafModule.ts): returns the errors, or
   * `undefined` when valid. A body with errors is answered 400. Without it any body is accepted.
   */
  heartbeatValidator?: (body: unknown) => string[] | undefined;
}

/** All state of one emulator, plus the route handlers. */
export class EmulatorState {
  users = new Map<string, UserRecord>();
  tokens = new Map<string, TokenRecord>();
  configs = new Map<string, ConfigRecord>();
  sessions = new Map<string, { userId: string; expiresAt: number }>();
  heartbeats: HeartbeatRecord[] = [];
  /** Agents by heartbeat `id`. */
  agents = new Map<string, AgentRecord>();
  /** Every request of the config TOML route, answered or not. */
  configFetches: ConfigFetchRecord[] = [];
  providers: Array<'local' | 'ldap' | 'oidc'> = ['local'];
  setupComplete = true;
  /** Test offset added to the clock, ms. */
  timeOffsetMs = 0;
  /** Optional rate limit: at most `max` requests per `windowMs` per credential; beyond → 429. */
  rateLimit: { max: number; windowMs: number } | undefined;
  /**
   * Test-only observer of every secret this emulator hands out: token values
   * (`POST /api/tokens`, `mintToken`) and session ids (`POST
   * /api/auth/login/local`). The e2e security sweep
   * (test/e2e/harness/secretSweep.ts) records them to search the run's files
   * and browser storage for leaks; the emulator itself still keeps only hashes.
   */
  onSecretIssued: ((kind: 'token' | 'session', value: string) => void) | undefined;
  private rateWindows = new Map<string, { start: number; count: number }>();
  private readonly clock: () => number;
  readonly disabledAuth: ReadonlySet<string>;
  private readonly heartbeatValidator: ((body: unknown) => string[] | undefined) | undefined;
  private seed: ParsedSeed;

  /** Loads `seed` (see `load`). */
  constructor(seed: ParsedSeed, opts: StateOptions = {}) {
    this.onSecretIssued = (globalThis as Record<symbol, unknown>)[SECRET_OBSERVER_KEY] as EmulatorState['onSecretIssued'];
    this.clock = opts.now ?? Date.now;
    this.disabledAuth = new Set(opts.disabledAuth ?? []);
    this.heartbeatValidator = opts.heartbeatValidator;
    this.seed = seed;
    this.load(seed);
  }

  /** Emulator time, ms epoch. */
  now(): number {
    return this.clock() + this.timeOffsetMs;
  }

  /** Discards everything and loads the seed again (the one given, or the last one). Time offset and rate limit are reset. */
  reset(seed?: ParsedSeed): void {
    if (seed) this.seed = seed;
    this.timeOffsetMs = 0;
    this.rateLimit = undefined;
    this.load(this.seed);
  }

  private load(seed: ParsedSeed): void {
    this.users.clear();
    this.tokens.clear();
    this.configs.clear();
    this.sessions.clear();
    this.heartbeats = [];
    this.agents.clear();
    this.configFetches = [];
    this.rateWindows.clear();
    this.providers = seed.providers ?? ['local'];
    this.setupComplete = seed.setupComplete ?? true;
    const now = this.now();
    for (const u of seed.users) {
      const rec: UserRecord = {
        id: u.id,
        username: u.username,
        role: u.role,
        authProvider: u.authProvider ?? 'local',
        disabled: u.disabled ?? false,
        failedLogins: 0,
      };
      if (u.email !== undefined) rec.email = u.email;
      if (u.password !== undefined) {
        rec.passwordSalt = randomBytes(16);
        rec.passwordHash = hashPassword(u.password, rec.passwordSalt);
      }
      this.users.set(u.id, rec);
    }
    this.addSeedTokens(seed.tokens ?? []);
    for (const c of seed.configs ?? []) {
      this.configs.set(c.id, { id: c.id, name: c.name, description: c.description ?? '', toml: c.toml, updatedAt: now - (c.updatedDaysAgo ?? 0) * DAY });
    }
  }

  /**
   * Adds seed-shaped tokens (relative times from now) to the running state,
   * e.g. thousands of generated ones (`bulk.ts`, hook `POST /__emulator/bulk-tokens`).
   * Throws `Error` for an unknown owner. Returns how many were added.
   */
  addSeedTokens(tokens: NonNullable<ParsedSeed['tokens']>): number {
    const now = this.now();
    let n = this.tokens.size;
    for (const t of tokens) {
      const owner = t.userId ? this.users.get(t.userId) : this.findUserByName(t.username ?? '');
      if (!owner) throw new Error(`seed token "${t.description}": unknown owner ${t.userId ?? t.username}`);
      const requested = t.permissions ?? (t.preset ? presetPermissions(t.preset, owner.role) : {});
      const value = t.value ?? newTokenValue();
      const createdAt = t.createdAt ? Date.parse(t.createdAt) : now - (t.createdDaysAgo ?? 0) * DAY;
      const expiresAt = t.expiresInDays !== undefined ? now + t.expiresInDays * DAY : t.expiresAt ? Date.parse(t.expiresAt) : null;
      const revoked = t.revoked ?? t.revokedDaysAgo !== undefined;
      const rec: TokenRecord = {
        id: t.id ?? `tok-seed-${++n}`,
        description: t.description,
        userId: owner.id,
        status: revoked ? 'revoked' : 'active',
        permissions: effectivePermissions(requested, owner.role),
        createdAt,
        expiresAt,
        revokedAt: revoked ? now - (t.revokedDaysAgo ?? 0) * DAY : null,
        lastUsedAt: t.lastUsedHoursAgo !== undefined ? now - t.lastUsedHoursAgo * HOUR : null,
        prefix: value.slice(0, TOKEN_PREFIX_LENGTH),
        hash: hashTokenValue(value),
      };
      this.tokens.set(rec.id, rec);
    }
    return tokens.length;
  }

  // ------------------------------------------------------------ lookups and views

  /** The user with this username (case-sensitive), if any. */
  findUserByName(username: string): UserRecord | undefined {
    for (const u of this.users.values()) if (u.username === username) return u;
    return undefined;
  }

  /** A user by id or, failing that, by username. */
  findUser(idOrName: string): UserRecord | undefined {
    return this.users.get(idOrName) ?? this.findUserByName(idOrName);
  }

  /** The token whose value hashes to the stored hash, if any. */
  findTokenByValue(value: string): TokenRecord | undefined {
    const h = hashTokenValue(value);
    for (const t of this.tokens.values()) if (t.hash === h) return t;
    return undefined;
  }

  /** Public view of a user (docs/api-contract.md `User`). */
  userView(u: UserRecord): Record<string, unknown> {
    return { id: u.id, username: u.username, ...(u.email ? { email: u.email } : {}), role: u.role, authProvider: u.authProvider, disabled: u.disabled };
  }

  /** Public view of a token (docs/api-contract.md `Token`); never the value or hash. */
  tokenView(t: TokenRecord): Record<string, unknown> {
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: t.id,
      description: t.description,
      userId: t.userId,
      username: this.users.get(t.userId)?.username ?? '',
      status: t.status,
      permissions: normalizePermissions(t.permissions),
      createdAt: iso(t.createdAt),
      expiresAt: iso(t.expiresAt),
      revokedAt: iso(t.revokedAt),
      lastUsedAt: iso(t.lastUsedAt),
      prefix: t.prefix,
    };
  }

  // ------------------------------------------------------------ test helpers (in-process and /__emulator)

  /**
   * Creates a token directly (no HTTP, no role check beyond the ceiling) and
   * returns its record and value. For tests that need a credential of a
   * given user, e.g. a Viewer. `expiresAt` ms epoch or null.
   */
  mintToken(opts: { user: string; permissions?: Permissions; description?: string; expiresAt?: number | null; value?: string }): {
    token: TokenRecord;
    value: string;
  } {
    const owner = this.findUser(opts.user);
    if (!owner) throw new Error(`mintToken: unknown user ${opts.user}`);
    const value = opts.value ?? newTokenValue();
    const rec: TokenRecord = {
      id: `tok_${randomBytes(6).toString('hex')}`,
      description: opts.description ?? 'minted by test',
      userId: owner.id,
      status: 'active',
      permissions: effectivePermissions(opts.permissions ?? ROLE_CEILING[owner.role], owner.role),
      createdAt: this.now(),
      expiresAt: opts.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
      prefix: value.slice(0, TOKEN_PREFIX_LENGTH),
      hash: hashTokenValue(value),
    };
    this.tokens.set(rec.id, rec);
    this.onSecretIssued?.('token', value);
    return { token: rec, value };
  }

  /**
   * Changes a user's role, narrowing their active tokens to the new role's
   * ceiling and revoking those left with no permission (docs/api-contract.md
   * "Tokens": "When a user's role is lowered, their tokens are narrowed or
   * revoked to match"). Returns the ids of narrowed and revoked tokens.
   */
  setUserRole(idOrName: string, role: Role): { narrowed: string[]; revoked: string[] } {
    const u = this.findUser(idOrName);
    if (!u) throw new Error(`setUserRole: unknown user ${idOrName}`);
    u.role = role;
    const narrowed: string[] = [];
    const revoked: string[] = [];
    for (const t of this.tokens.values()) {
      if (t.userId !== u.id || t.status !== 'active') continue;
      const next = intersectPermissions(t.permissions, ROLE_CEILING[role]);
      if (countPermissions(next) === 0) {
        t.status = 'revoked';
        t.revokedAt = this.now();
        revoked.push(t.id);
      } else if (countPermissions(next) !== countPermissions(t.permissions)) {
        t.permissions = next;
        narrowed.push(t.id);
      }
    }
    return { narrowed, revoked };
  }

  /** Disables or enables a user; a disabled user's tokens and sessions stop working (docs/api-contract.md: "Invalid token … its user disabled"). */
  setUserDisabled(idOrName: string, disabled: boolean): void {
    const u = this.findUser(idOrName);
    if (!u) throw new Error(`setUserDisabled: unknown user ${idOrName}`);
    u.disabled = disabled;
  }

  // ------------------------------------------------------------ authentication

  /**
   * Authenticates an API request: the `Authorization` header (`Bearer` or
   * `Token` scheme) wins; else the session cookie. Returns the principal or
   * the 401 response with one of the documented messages (docs/api-contract.md).
   * `allowSession` is false on the heartbeat server. Marks `lastUsedAt`.
   */
  authenticate(headers: AppRequest['headers'], allowSession = true): Principal | AppResponse {
    const auth = header(headers, 'authorization');
    if (auth !== undefined) {
      const m = AUTH_RE.exec(auth);
      if (!m) return unauthorized(AUTH_MESSAGES.missingAuth);
      const value = m[2]!;
      if (!value.startsWith(TOKEN_VALUE_PREFIX)) return unauthorized(AUTH_MESSAGES.invalidTokenFormat);
      const t = this.findTokenByValue(value);
      const user = t ? this.users.get(t.userId) : undefined;
      if (!t || !user || t.status !== 'active' || user.disabled) return unauthorized(AUTH_MESSAGES.invalidToken);
      if (t.expiresAt !== null && t.expiresAt <= this.now()) return unauthorized(AUTH_MESSAGES.tokenExpired);
      t.lastUsedAt = this.now();
      return { user, token: t };
    }
    if (allowSession) {
      const sid = parseCookies(header(headers, 'cookie'))[SESSION_COOKIE_NAME];
      if (sid !== undefined) {
        const s = this.sessions.get(sid);
        const user = s ? this.users.get(s.userId) : undefined;
        if (!s || !user || user.disabled || s.expiresAt <= this.now()) {
          if (s) this.sessions.delete(sid);
          return unauthorized(AUTH_MESSAGES.sessionExpired);
        }
        return { user, sessionId: sid };
      }
    }
    return unauthorized(AUTH_MESSAGES.missingAuth);
  }

  /** Effective permissions of a principal: role ceiling, further narrowed by the token when authenticated with one. */
  principalPermissions(p: Principal): Permissions {
    const ceiling = ROLE_CEILING[p.user.role];
    return p.token ? intersectPermissions(p.token.permissions, ceiling) : normalizePermissions(ceiling);
  }

  private can(p: Principal, resource: ResourceId, action: Action): boolean {
    return hasPermission(this.principalPermissions(p), resource, action);
  }

  /** Rate limiting (429 with Retry-After) when `rateLimit` is set. Key: the credential's hash. */
  checkRateLimit(headers: AppRequest['headers']): AppResponse | undefined {
    if (!this.rateLimit) return undefined;
    const key = createHash('sha256')
      .update(`${header(headers, 'authorization') ?? ''}|${header(headers, 'cookie') ?? ''}`)
      .digest('hex');
    const now = this.now();
    const w = this.rateWindows.get(key);
    if (!w || now - w.start >= this.rateLimit.windowMs) {
      this.rateWindows.set(key, { start: now, count: 1 });
      return undefined;
    }
    w.count++;
    if (w.count <= this.rateLimit.max) return undefined;
    const retry = Math.max(1, Math.ceil((w.start + this.rateLimit.windowMs - now) / 1000));
    return errorResponse(429, 'too_many_requests', 'Too many requests', undefined, { 'retry-after': String(retry) });
  }

  // ------------------------------------------------------------ route handlers

  /** Dispatches an API or heartbeat request to its handler. Never throws for bad input (400s). */
  handle(req: AppRequest): AppResponse {
    const limited = this.checkRateLimit(req.headers);
    if (limited) return limited;
    switch (req.route) {
      case 'authStatus':
        return { status: 200, body: { providers: this.providers, setupComplete: this.setupComplete } };
      case 'loginLocal':
        return this.login(req);
      case 'logout':
        return this.logout(req);
      case 'heartbeat':
        return this.heartbeat(req);
      case 'listConfigs':
      case 'getConfigToml':
        return this.configsRoute(req);
      default:
        break;
    }
    const p = this.authenticate(req.headers);
    if ('status' in p) return p;
    switch (req.route) {
      case 'me':
        return { status: 200, body: { user: this.userView(p.user) } };
      case 'listUsers':
        if (!isTokenAdmin(p.user.role) || !this.can(p, 'users', 'read')) return forbidden();
        return { status: 200, body: { users: [...this.users.values()].map((u) => this.userView(u)) } };
      default:
        return this.tokenRoute(req, p);
    }
  }

  private login(req: AppRequest): AppResponse {
    if (!this.providers.includes('local')) return errorResponse(404, 'not_found', 'Local login is not enabled');
    const parsed = LoginLocalRequestSchema.safeParse(req.body);
    if (!parsed.success) return validation('Username and password are required', zodFieldErrors(parsed.error));
    const { username, password } = parsed.data;
    const u = this.findUserByName(username);
    const now = this.now();
    if (u && u.lockedUntil !== undefined && u.lockedUntil > now) {
      const mins = Math.ceil((u.lockedUntil - now) / 60000);
      return errorResponse(423, 'locked', `Account locked after too many failed login attempts; try again in ${mins} minute${mins === 1 ? '' : 's'}`);
    }
    const ok =
      u !== undefined &&
      !u.disabled &&
      u.authProvider === 'local' &&
      u.passwordHash !== undefined &&
      u.passwordSalt !== undefined &&
      timingSafeEqual(hashPassword(password, u.passwordSalt), u.passwordHash);
    if (!ok) {
      if (u) {
        u.failedLogins++;
        if (u.failedLogins >= LOGIN_LOCKOUT.attempts) {
          u.lockedUntil = now + LOGIN_LOCKOUT.durationMs;
          u.failedLogins = 0;
        }
      }
      return unauthorized('Invalid username or password');
    }
    u.failedLogins = 0;
    delete u.lockedUntil;
    const sid = randomBytes(24).toString('base64url');
    this.sessions.set(sid, { userId: u.id, expiresAt: now + SESSION_TTL_MS });
    this.onSecretIssued?.('session', sid);
    const cookie = `${SESSION_COOKIE_NAME}=${sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}${req.secure ? '; Secure' : ''}`;
    return { status: 200, body: { user: this.userView(u) }, headers: { 'set-cookie': cookie } };
  }

  private logout(req: AppRequest): AppResponse {
    const sid = parseCookies(header(req.headers, 'cookie'))[SESSION_COOKIE_NAME];
    if (sid !== undefined) this.sessions.delete(sid);
    return { status: 204, headers: { 'set-cookie': `${SESSION_COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` } };
  }

  private heartbeat(req: AppRequest): AppResponse {
    let tokenId = '';
    let userId = '';
    if (!this.disabledAuth.has('heartbeat')) {
      const p = this.authenticate(req.headers, false);
      if ('status' in p) return p;
      if (!this.can(p, 'heartbeat', 'write')) return forbidden('Token lacks heartbeat:write');
      tokenId = p.token?.id ?? '';
      userId = p.user.id;
    }
    const errors = this.heartbeatValidator?.(req.body);
    if (errors) {
      return validation(`Heartbeat does not match the Telegraf heartbeat schema: ${errors.join('; ')}`, { schema: errors.join('; ') });
    }
    const now = this.now();
    this.heartbeats.push({ tokenId, userId, at: now, body: req.body, scheme: authScheme(req.headers), userAgent: header(req.headers, 'user-agent') ?? '' });
    const b = req.body as { id?: unknown; version?: unknown; hostname?: unknown; status?: unknown } | undefined;
    if (b && typeof b.id === 'string') {
      const prev = this.agents.get(b.id);
      const agent: AgentRecord = {
        id: b.id,
        version: typeof b.version === 'string' ? b.version : '',
        ...(typeof b.hostname === 'string' ? { hostname: b.hostname } : {}),
        ...(typeof b.status === 'string' ? { status: b.status } : {}),
        tokenId,
        firstSeenAt: prev?.firstSeenAt ?? now,
        lastSeenAt: now,
        heartbeats: (prev?.heartbeats ?? 0) + 1,
      };
      this.agents.set(b.id, agent);
    }
    return { status: 200, body: { status: 'ok' } };
  }

  /**
   * Creates or replaces a config (test hook): `updatedAt` moves to now, so
   * its `Last-Modified` changes and agents polling with
   * `--config-url-watch-interval` reload it.
   */
  putConfig(id: string, c: { toml: string; name?: string; description?: string }): ConfigRecord {
    const prev = this.configs.get(id);
    // Last-Modified has one-second resolution: make each change visible to a poller.
    const now = Math.max(this.now(), (prev?.updatedAt ?? 0) + 1000);
    const rec: ConfigRecord = { id, name: c.name ?? prev?.name ?? id, description: c.description ?? prev?.description ?? '', toml: c.toml, updatedAt: now };
    this.configs.set(id, rec);
    return rec;
  }

  private configsRoute(req: AppRequest): AppResponse {
    const r = this.configsAnswer(req);
    if (req.route === 'getConfigToml') {
      const p = this.disabledAuth.has('configs') || r.status === 401 ? undefined : this.findTokenByValue(bearerValue(req.headers) ?? '');
      this.configFetches.push({
        configId: req.params.id ?? '',
        method: req.method ?? 'GET',
        status: r.status,
        scheme: authScheme(req.headers),
        tokenId: p?.id ?? '',
        userAgent: header(req.headers, 'user-agent') ?? '',
        at: this.now(),
      });
    }
    return r;
  }

  private configsAnswer(req: AppRequest): AppResponse {
    if (!this.disabledAuth.has('configs')) {
      const p = this.authenticate(req.headers);
      if ('status' in p) return p;
      if (!this.can(p, 'configs', 'read')) return forbidden('Missing permission configs:read');
    }
    if (req.route === 'listConfigs') {
      const configs = [...this.configs.values()].map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        updatedAt: new Date(c.updatedAt).toISOString(),
      }));
      return { status: 200, body: { configs } };
    }
    const c = this.configs.get(req.params.id ?? '');
    if (!c) return notFound('Config');
    // Telegraf's --config-url-watch-interval polls with HEAD and reloads when Last-Modified changes.
    return { status: 200, text: c.toml, contentType: 'text/x-toml; charset=utf-8', headers: { 'last-modified': new Date(c.updatedAt).toUTCString() } };
  }

  private tokenRoute(req: AppRequest, p: Principal): AppResponse {
    // docs/api-contract.md: "a Viewer gets 403 on every token route".
    if (!canManageTokens(p.user.role)) return forbidden('Viewers cannot manage tokens');
    const admin = isTokenAdmin(p.user.role);
    const need = (action: Action): AppResponse | undefined => (this.can(p, 'tokens', action) ? undefined : forbidden(`Missing permission tokens:${action}`));
    switch (req.route) {
      case 'listTokens': {
        const denied = need('read');
        if (denied) return denied;
        const q = ListTokensQuerySchema.safeParse(Object.fromEntries(req.query.entries()));
        if (!q.success) return validation('Invalid query', zodFieldErrors(q.error));
        const { status, userId, q: text, page = 1, limit = DEFAULT_PAGE_LIMIT } = q.data;
        const needle = text?.trim().toLowerCase();
        const all = [...this.tokens.values()]
          .filter((t) => admin || t.userId === p.user.id)
          .filter((t) => !status || t.status === status)
          .filter((t) => !userId || t.userId === userId)
          .filter((t) => {
            if (!needle) return true;
            const name = this.users.get(t.userId)?.username ?? '';
            return [t.description, t.prefix, name, t.id].some((s) => s.toLowerCase().includes(needle));
          })
          .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
        const slice = all.slice((page - 1) * limit, page * limit);
        return { status: 200, body: { tokens: slice.map((t) => this.tokenView(t)), total: all.length, page, limit } };
      }
      case 'createToken': {
        const denied = need('write');
        if (denied) return denied;
        return this.createToken(req, p);
      }
      case 'getToken': {
        const denied = need('read');
        if (denied) return denied;
        const r = this.accessToken(req.params.id ?? '', p);
        return isResponse(r) ? r : { status: 200, body: { token: this.tokenView(r) } };
      }
      case 'revokeToken': {
        const denied = need('write');
        if (denied) return denied;
        const r = this.accessToken(req.params.id ?? '', p);
        if (isResponse(r)) return r;
        this.revoke(r);
        return { status: 200, body: { token: this.tokenView(r) } };
      }
      case 'deleteToken': {
        const denied = need('delete');
        if (denied) return denied;
        const r = this.accessToken(req.params.id ?? '', p);
        if (isResponse(r)) return r;
        this.tokens.delete(r.id);
        return { status: 204 };
      }
      case 'reassignToken': {
        if (!admin) return forbidden('Only the Owner or an Administrator can reassign tokens');
        const denied = need('write');
        if (denied) return denied;
        const body = ReassignRequestSchema.safeParse(req.body);
        if (!body.success) return validation('userId is required', zodFieldErrors(body.error));
        const target = this.users.get(body.data.userId);
        if (!target) return notFound('User');
        if (target.disabled) return errorResponse(409, 'conflict', 'The target user is disabled');
        const t = this.tokens.get(req.params.id ?? '');
        if (!t) return notFound('Token');
        const err = this.reassign(t, target);
        return err ?? { status: 200, body: { token: this.tokenView(t) } };
      }
      case 'bulkRevoke':
      case 'bulkDelete': {
        const denied = need(req.route === 'bulkRevoke' ? 'write' : 'delete');
        if (denied) return denied;
        const body = BulkIdsRequestSchema.safeParse(req.body);
        if (!body.success) return validation('ids must be a non-empty array of token ids', zodFieldErrors(body.error));
        const results = body.data.ids.map((id) => {
          const r = this.accessToken(id, p);
          if (isResponse(r)) return { id, ok: false, error: (r.body as { message: string }).message };
          if (req.route === 'bulkRevoke') this.revoke(r);
          else this.tokens.delete(r.id);
          return { id, ok: true };
        });
        return { status: 200, body: { results } };
      }
      case 'bulkReassign': {
        if (!admin) return forbidden('Only the Owner or an Administrator can reassign tokens');
        const denied = need('write');
        if (denied) return denied;
        const body = BulkReassignRequestSchema.safeParse(req.body);
        if (!body.success) return validation('ids and userId are required', zodFieldErrors(body.error));
        const target = this.users.get(body.data.userId);
        if (!target) return notFound('User');
        if (target.disabled) return errorResponse(409, 'conflict', 'The target user is disabled');
        const results = body.data.ids.map((id) => {
          const t = this.tokens.get(id);
          if (!t) return { id, ok: false, error: 'Token not found' };
          const err = this.reassign(t, target);
          return err ? { id, ok: false, error: (err.body as { message: string }).message } : { id, ok: true };
        });
        return { status: 200, body: { results } };
      }
      default:
        return notFound('Route');
    }
  }

  /** The token if `p` may act on it: 404 when absent, 403 when it is another user's and `p` is not Owner/Administrator. */
  private accessToken(id: string, p: Principal): TokenRecord | AppResponse {
    const t = this.tokens.get(id);
    if (!t) return notFound('Token');
    if (t.userId !== p.user.id && !isTokenAdmin(p.user.role)) return forbidden("Only the Owner or an Administrator can manage another user's token");
    return t;
  }

  private revoke(t: TokenRecord): void {
    if (t.status === 'revoked') return; // idempotent: revocation time kept
    t.status = 'revoked';
    t.revokedAt = this.now();
  }

  /** Reassigns `t` to `target`, narrowing to the target's role; 409 when revoked or nothing would remain. */
  private reassign(t: TokenRecord, target: UserRecord): AppResponse | undefined {
    if (t.status === 'revoked') return errorResponse(409, 'conflict', 'A revoked token cannot be reassigned');
    const next = intersectPermissions(t.permissions, ROLE_CEILING[target.role]);
    if (countPermissions(next) === 0) return errorResponse(409, 'conflict', `The new owner's role (${target.role}) allows none of this token's permissions`);
    t.userId = target.id;
    t.permissions = next;
    return undefined;
  }

  private createToken(req: AppRequest, p: Principal): AppResponse {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      return validation('The body must be a JSON object', { _: 'expected an object' });
    }
    const parsed = CreateTokenRequestSchema.safeParse(req.body);
    if (!parsed.success) return validation('Invalid token request', zodFieldErrors(parsed.error));
    const { description, expiresAt, permissions, preset } = parsed.data;
    const now = this.now();
    const expiresMs = expiresAt === null ? null : Date.parse(expiresAt);
    if (expiresMs !== null && expiresMs <= now) return validation('expiresAt must be in the future', { expiresAt: 'must be in the future or null' });
    let requested: Permissions;
    if (permissions !== undefined) requested = permissions;
    else if (preset !== undefined && preset !== 'custom') requested = presetPermissions(preset, p.user.role);
    else return validation('permissions or a preset is required', { permissions: 'select at least one permission' });
    if (countPermissions(requested) === 0) return validation('Select at least one permission', { permissions: 'select at least one permission' });
    // Effective = requested ∩ role (docs/api-contract.md), and never more than the calling token itself.
    const effective = intersectPermissions(requested, this.principalPermissions(p));
    if (countPermissions(effective) === 0) {
      return validation('None of the requested permissions is allowed for your role', { permissions: 'none of the requested permissions is within your role' });
    }
    const value = newTokenValue();
    const rec: TokenRecord = {
      id: `tok_${randomBytes(8).toString('hex')}`,
      description,
      userId: p.user.id,
      status: 'active',
      permissions: effective,
      createdAt: now,
      expiresAt: expiresMs,
      revokedAt: null,
      lastUsedAt: null,
      prefix: value.slice(0, TOKEN_PREFIX_LENGTH),
      hash: hashTokenValue(value),
    };
    this.tokens.set(rec.id, rec);
    this.onSecretIssued?.('token', value);
    return { status: 201, body: { token: this.tokenView(rec), value } };
  }
}
