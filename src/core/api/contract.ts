/**
 * The Telegraf Controller token API as this project models it: every route and
 * every zod schema in ONE module, so aligning with a real controller later is a
 * one-file change. Used by the client (`client.ts`) to build requests and parse
 * responses, and by the emulator (`test/emulator`) to route and validate.
 *
 * Source: docs/api-contract.md ("Routes", "Shapes", "Leniency",
 * "Errors", "Authentication").
 *
 * Response schemas are LENIENT: unknown fields are allowed (`looseObject`),
 * optional fields are tolerated with documented defaults, unknown permission
 * resources/actions are dropped. Request schemas (used by the emulator to
 * validate what it receives) are STRICT about what the model requires.
 *
 * Times are RFC 3339 strings in UTC; response parsing normalises them to
 * `Date.prototype.toISOString()` form (`2026-06-01T12:00:00.000Z`).
 *
 * No `vscode` import.
 */
import * as z from 'zod';
import { PRESET_IDS, RESOURCES, permissionMapIssues, type Action, type Permissions, type ResourceId, type Role } from '../permissions';

// ---------------------------------------------------------------------------
// Constants of the contract
// ---------------------------------------------------------------------------

/** Base path of the controller's HTTP API (docs/api-contract.md "Server and ports"). */
export const API_BASE_PATH = '/api';

/** Default port of the controller's API / web UI (docs/api-contract.md "Server and ports"). */
export const DEFAULT_API_PORT = 8888;

/** Port of the separate heartbeat server (docs/api-contract.md "Server and ports"). */
export const HEARTBEAT_PORT = 8000;

/** Path of the heartbeat endpoint on the heartbeat server (docs/api-contract.md "Server and ports"). */
export const HEARTBEAT_PATH = '/agents/heartbeat';

/** Every token value starts with this (docs/api-contract.md "Tokens"). */
export const TOKEN_VALUE_PREFIX = 'tc-apiv1_';

/** `Token.prefix` is the first this-many characters of the value (docs/api-contract.md "Tokens"). */
export const TOKEN_PREFIX_LENGTH = 12;

/** Name of the session cookie the emulator sets. The client does not depend on it: it keeps every cookie the login sets. */
export const SESSION_COOKIE_NAME = 'tc_session';

/** Maximum description length after trimming (docs/api-contract.md "Tokens"). */
export const DESCRIPTION_MAX_LENGTH = 255;

/** Default and maximum `limit` of `GET /api/tokens` (docs/api-contract.md "Routes"). */
export const DEFAULT_PAGE_LIMIT = 100;

/** Failed local logins before lockout, and the lockout duration in ms (docs/api-contract.md "Authentication"). */
export const LOGIN_LOCKOUT = { attempts: 5, durationMs: 15 * 60 * 1000 } as const;

/**
 * The four documented 401 messages (docs/api-contract.md
 * "Authentication"), plus the model's message for an unknown or expired session.
 */
export const AUTH_MESSAGES = {
  /** No `Authorization` header, or neither the `Bearer` nor the `Token` scheme. */
  missingAuth: 'Missing or invalid Authorization header',
  /** The credential does not start with `tc-apiv1_`. */
  invalidTokenFormat: 'Invalid token format',
  /** Unknown, revoked or deleted token, or its user is disabled. */
  invalidToken: 'Invalid token',
  /** An active token past its `expiresAt`. */
  tokenExpired: 'Token expired',
  /** The model's message for a session cookie that is unknown or has expired (not in the public docs). */
  sessionExpired: 'Session expired',
} as const;

/** Schemes accepted in the `Authorization` header (docs/api-contract.md "Authentication": both are accepted). */
export const AUTH_SCHEMES = ['Bearer', 'Token'] as const;

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

/** HTTP method of a route. */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** Name of a route of the contract. */
export type RouteName =
  | 'authStatus'
  | 'loginLocal'
  | 'logout'
  | 'me'
  | 'listTokens'
  | 'createToken'
  | 'getToken'
  | 'revokeToken'
  | 'deleteToken'
  | 'reassignToken'
  | 'bulkRevoke'
  | 'bulkDelete'
  | 'bulkReassign'
  | 'listUsers'
  | 'listConfigs'
  | 'getConfigToml'
  | 'heartbeat';

/** A route: method and a path template whose `:name` segments are parameters. */
export interface RouteDef {
  readonly method: HttpMethod;
  /** Path template, e.g. `/api/tokens/:id/revoke`. */
  readonly path: string;
  /** Which server answers it: the API (port 8888) or the heartbeat server (port 8000). */
  readonly server: 'api' | 'heartbeat';
  /** True when retrying it automatically is safe (idempotent reads only). */
  readonly idempotent: boolean;
}

/**
 * Every route of docs/api-contract.md "Routes". Order matters for matching: literal segments
 * (`/api/tokens/bulk/revoke`) come before parameterised ones.
 */
export const ROUTES: Readonly<Record<RouteName, RouteDef>> = {
  authStatus: { method: 'GET', path: '/api/auth/status', server: 'api', idempotent: true },
  loginLocal: { method: 'POST', path: '/api/auth/login/local', server: 'api', idempotent: false },
  logout: { method: 'POST', path: '/api/auth/logout', server: 'api', idempotent: false },
  me: { method: 'GET', path: '/api/auth/me', server: 'api', idempotent: true },
  listTokens: { method: 'GET', path: '/api/tokens', server: 'api', idempotent: true },
  createToken: { method: 'POST', path: '/api/tokens', server: 'api', idempotent: false },
  bulkRevoke: { method: 'POST', path: '/api/tokens/bulk/revoke', server: 'api', idempotent: false },
  bulkDelete: { method: 'POST', path: '/api/tokens/bulk/delete', server: 'api', idempotent: false },
  bulkReassign: { method: 'POST', path: '/api/tokens/bulk/reassign', server: 'api', idempotent: false },
  getToken: { method: 'GET', path: '/api/tokens/:id', server: 'api', idempotent: true },
  revokeToken: { method: 'POST', path: '/api/tokens/:id/revoke', server: 'api', idempotent: false },
  deleteToken: { method: 'DELETE', path: '/api/tokens/:id', server: 'api', idempotent: false },
  reassignToken: { method: 'POST', path: '/api/tokens/:id/reassign', server: 'api', idempotent: false },
  listUsers: { method: 'GET', path: '/api/users', server: 'api', idempotent: true },
  listConfigs: { method: 'GET', path: '/api/configs', server: 'api', idempotent: true },
  getConfigToml: { method: 'GET', path: '/api/configs/:id/toml', server: 'api', idempotent: true },
  heartbeat: { method: 'POST', path: HEARTBEAT_PATH, server: 'heartbeat', idempotent: false },
};

/**
 * Fills a route's path template. Parameters are URI-encoded.
 * Throws `Error` when a parameter named in the template is missing.
 */
export function routePath(name: RouteName, params: Record<string, string> = {}): string {
  return ROUTES[name].path.replace(/:([A-Za-z]+)/g, (_m, key: string) => {
    const v = params[key];
    if (v === undefined) throw new Error(`route ${name}: missing parameter ${key}`);
    return encodeURIComponent(v);
  });
}

/**
 * Finds the route for a method and a path (no query string) on a server.
 * Returns `{ name, params }` (parameters URI-decoded), or `{ name: undefined,
 * pathKnown }` where `pathKnown` is true when the path exists for another
 * method (a server answers 405 then, 404 otherwise).
 */
export function matchRoute(
  method: string,
  pathname: string,
  server: 'api' | 'heartbeat' = 'api',
): { name: RouteName; params: Record<string, string> } | { name: undefined; pathKnown: boolean } {
  let pathKnown = false;
  const parts = pathname.replace(/\/+$/, '').split('/');
  for (const [name, def] of Object.entries(ROUTES) as [RouteName, RouteDef][]) {
    if (def.server !== server) continue;
    const tparts = def.path.split('/');
    if (tparts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < tparts.length; i++) {
      const t = tparts[i]!;
      const p = parts[i]!;
      if (t.startsWith(':')) {
        if (p === '') {
          ok = false;
          break;
        }
        try {
          params[t.slice(1)] = decodeURIComponent(p);
        } catch {
          ok = false;
          break;
        }
      } else if (t !== p) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    // A literal route (e.g. bulk/revoke) must win over a parameterised one: ROUTES lists literals first.
    if (def.method === method.toUpperCase()) return { name, params };
    pathKnown = true;
  }
  return { name: undefined, pathKnown };
}

// ---------------------------------------------------------------------------
// Shared field schemas (lenient)
// ---------------------------------------------------------------------------

/** An opaque id. Numbers are accepted and turned into strings (lenient). */
export const IdSchema = z.union([z.string().min(1), z.number().transform((n) => String(n))]);

/** An RFC 3339 timestamp, normalised to UTC `toISOString()` form. */
export const TimestampSchema = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an RFC 3339 timestamp' })
  .transform((s) => new Date(s).toISOString());

/** A nullable timestamp; a missing field is `null` (lenient). */
export const NullableTimestampSchema = TimestampSchema.nullable()
  .optional()
  .transform((v) => v ?? null);

const ROLE_ALIASES: Record<string, Role> = {
  owner: 'owner',
  administrator: 'administrator',
  admin: 'administrator',
  manager: 'manager',
  viewer: 'viewer',
};

/** A role; case-insensitive, `admin` accepted as `administrator` (lenient). docs/api-contract.md "Shapes". */
export const RoleSchema = z.string().transform((s, ctx) => {
  const r = ROLE_ALIASES[s.trim().toLowerCase()];
  if (!r) {
    ctx.addIssue({ code: 'custom', message: `unknown role "${s}"` });
    return z.NEVER;
  }
  return r;
});

/** Sign-in providers (docs/api-contract.md "Authentication"). */
export type AuthProvider = 'local' | 'ldap' | 'oidc';

/** Known sign-in providers. */
export const AUTH_PROVIDERS: readonly AuthProvider[] = ['local', 'ldap', 'oidc'];

function isAuthProvider(s: string): s is AuthProvider {
  return (AUTH_PROVIDERS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------

/**
 * Permissions in a RESPONSE (docs/api-contract.md "Permission grid"): an object of
 * resource → actions. Unknown resources, unknown actions and non-array values
 * are tolerated and dropped; the result is in grid order with empty rows dropped.
 */
export const PermissionsSchema = z.record(z.string(), z.unknown()).transform(permissionsFromResponse);

/** The transform of `PermissionsSchema` (also used by `parseListTokensResponseFast`). */
function permissionsFromResponse(raw: Record<string, unknown>): Permissions {
  const out: Permissions = {};
  for (const r of RESOURCES) {
    const v = raw[r.id];
    if (!Array.isArray(v)) continue;
    const wanted = v.filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase());
    const actions = r.actions.filter((a) => wanted.includes(a));
    if (actions.length > 0) out[r.id] = actions;
  }
  return out;
}

/**
 * Permissions in a REQUEST (create token), as the emulator validates them:
 * only known resources and, for each, only the actions the grid shows.
 * Unknown resources/actions are a 400 (docs/api-contract.md "Tokens").
 */
export const PermissionsRequestSchema = z
  .record(z.string(), z.array(z.string()))
  .superRefine((raw, ctx) => {
    for (const issue of permissionMapIssues(raw)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  })
  .transform((raw) => raw as Permissions);

// ---------------------------------------------------------------------------
// User, Token, configs, auth status
// ---------------------------------------------------------------------------

/** A controller user (docs/api-contract.md "Shapes"). Unknown providers are dropped to `undefined`. */
export const UserSchema = z.looseObject({
  id: IdSchema,
  username: z.string(),
  email: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? undefined)
    .optional(),
  role: RoleSchema,
  authProvider: z
    .string()
    .optional()
    .transform((v) => (v !== undefined && isAuthProvider(v.toLowerCase()) ? (v.toLowerCase() as AuthProvider) : undefined))
    .optional(),
  disabled: z.boolean().optional(),
});

/** A controller user (docs/api-contract.md "Shapes"). */
export type User = z.output<typeof UserSchema>;

/** Status of a token (docs/api-contract.md "Tokens"). Expiry is derived from `expiresAt`, not a status. */
export type TokenStatus = 'active' | 'revoked';

/** Token status; case-insensitive (lenient). */
export const TokenStatusSchema = z.string().transform((s, ctx) => {
  const v = s.trim().toLowerCase();
  if (v === 'active' || v === 'revoked') return v as TokenStatus;
  ctx.addIssue({ code: 'custom', message: `unknown token status "${s}"` });
  return z.NEVER;
});

/** A timestamp that may be absent or null (→ `null`); a present value must be a timestamp. */
const OptionalTimestampSchema = TimestampSchema.nullable()
  .optional()
  .transform((v) => v ?? null);

/**
 * A token as the controller returns it (docs/api-contract.md "Token"). Never
 * carries the value. Only `id`, `description` and `status` are required; every
 * other field may be absent (docs/api-contract.md "Leniency"): missing
 * `userId`/`username`/`prefix`/`createdAt` → `''`, missing `permissions` →
 * `{}`, missing `expiresAt`/`revokedAt`/`lastUsedAt` → `null`. A field that is present with a value of the wrong type makes
 * the record unusable (see `parseTokenRecord`).
 */
export const TokenSchema = z.looseObject({
  id: IdSchema,
  description: z.string(),
  status: TokenStatusSchema,
  userId: IdSchema.nullable()
    .optional()
    .transform((v) => v ?? ''),
  username: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? ''),
  permissions: PermissionsSchema.nullable()
    .optional()
    .transform((v): Permissions => v ?? {}),
  createdAt: TimestampSchema.nullable()
    .optional()
    .transform((v) => v ?? ''),
  expiresAt: OptionalTimestampSchema,
  revokedAt: OptionalTimestampSchema,
  lastUsedAt: OptionalTimestampSchema,
  prefix: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? ''),
});

/**
 * A token (docs/api-contract.md "Token"). Times are UTC ISO strings or null;
 * `prefix` is the first 12 characters of the value (`''` when the controller
 * does not send it); the value itself is never part of a Token.
 */
export type Token = z.output<typeof TokenSchema>;

/**
 * A record of a token list (or a single-record answer) that cannot be used:
 * it lacks `id`, `description` or `status`, or a field has a value of the
 * wrong type. The explorer shows it as such; the client logs it once.
 */
export interface UnusableToken {
  readonly unusable: true;
  /** Position in the page (0-based); -1 for a single-record answer. */
  readonly index: number;
  /** The record's id when it has a usable one. */
  readonly id?: string;
  /** The record's description when it is a string (server text: display with care). */
  readonly description?: string;
  /** Why it cannot be used, e.g. `status: unknown token status "paused"` (no values of other fields). */
  readonly reason: string;
}

/** True for an `UnusableToken`. */
export function isUnusableToken(t: unknown): t is UnusableToken {
  return typeof t === 'object' && t !== null && (t as { unusable?: unknown }).unusable === true;
}

/**
 * Parses one token record. `known` fills what the request itself tells
 * (the id asked for; `revoked` after a successful revoke) when the record
 * lacks it. Returns the token or an `UnusableToken` saying why.
 */
export function parseTokenRecord(raw: unknown, index = -1, known: { id?: string; status?: TokenStatus } = {}): Token | UnusableToken {
  let input = raw;
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && (known.id !== undefined || known.status !== undefined)) {
    const r = raw as Record<string, unknown>;
    input = {
      ...r,
      ...(known.id !== undefined && (r.id === undefined || r.id === null) ? { id: known.id } : {}),
      ...(known.status !== undefined && (r.status === undefined || r.status === null) ? { status: known.status } : {}),
      ...(r.description === undefined || r.description === null ? { description: '' } : {}),
    };
  }
  const parsed = TokenSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const id = typeof r.id === 'string' && r.id ? r.id : typeof r.id === 'number' ? String(r.id) : known.id;
  const reason = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(record)'}: ${i.message}`)
    .join('; ');
  return { unusable: true, index, ...(id !== undefined ? { id } : {}), ...(typeof r.description === 'string' ? { description: r.description } : {}), reason };
}

/** A configuration as listed by `GET /api/configs` (docs/api-contract.md "Routes"). Lenient: missing description → `''`, missing updatedAt → `null`. */
export const ConfigSummarySchema = z.looseObject({
  id: IdSchema,
  name: z.string(),
  description: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? ''),
  updatedAt: NullableTimestampSchema,
});

/** A configuration summary (docs/api-contract.md `GET /api/configs`). `updatedAt` is a UTC ISO string or null. */
export type ConfigSummary = z.output<typeof ConfigSummarySchema>;

/** `GET /api/auth/status` (docs/api-contract.md "Routes"). Unknown providers are dropped; missing `setupComplete` → `true`. */
export const AuthStatusSchema = z.looseObject({
  providers: z
    .array(z.unknown())
    .optional()
    .transform((v) =>
      (v ?? [])
        .filter((p): p is string => typeof p === 'string')
        .map((p) => p.toLowerCase())
        .filter(isAuthProvider),
    ),
  setupComplete: z
    .boolean()
    .optional()
    .transform((v) => v ?? true),
});

/** Result of `GET /api/auth/status`: enabled sign-in providers and whether the first-run owner exists. */
export type AuthStatus = z.output<typeof AuthStatusSchema>;

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/** Query of `GET /api/tokens` (docs/api-contract.md "Routes"). `page` is 1-based; `limit` ≤ 100. */
export interface ListTokensQuery {
  status?: TokenStatus;
  userId?: string;
  /** Free-text search (description, prefix, username). */
  q?: string;
  page?: number;
  limit?: number;
}

/** The query as the emulator validates it (strings from a URL). Invalid values are a 400. */
export const ListTokensQuerySchema = z.object({
  status: z.enum(['active', 'revoked']).optional(),
  userId: z.string().min(1).optional(),
  q: z.string().optional(),
  page: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(DEFAULT_PAGE_LIMIT).optional(),
});

/** Body of `POST /api/auth/login/local` (docs/api-contract.md "Routes"). */
export const LoginLocalRequestSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

/**
 * Body of `POST /api/tokens` (docs/api-contract.md "Routes"): `description` 1–255 chars
 * after trimming; `expiresAt` an RFC 3339 time or null (the "in the future"
 * check needs a clock and is the server's); `permissions` only known
 * resources/actions; `preset` a preset id (`telegraf-agent`, `read-only`,
 * `full`, `custom`). Either `permissions` or a non-custom `preset` should be given.
 */
export const CreateTokenRequestSchema = z.object({
  description: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'Description is required').max(DESCRIPTION_MAX_LENGTH, `Description must be at most ${DESCRIPTION_MAX_LENGTH} characters`)),
  expiresAt: z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)), {
      message: 'expiresAt must be an RFC 3339 time or null',
    })
    .nullable(),
  permissions: PermissionsRequestSchema.optional(),
  preset: z.enum(PRESET_IDS).optional(),
});

/** Body of `POST /api/tokens` as sent. `expiresAt` is a UTC ISO string in the future, or null for "never expires". */
export type CreateTokenRequest = z.input<typeof CreateTokenRequestSchema>;

/** Body of `POST /api/tokens/:id/reassign`. */
export const ReassignRequestSchema = z.object({ userId: z.string().min(1) });

/** Body of `POST /api/tokens/bulk/revoke` and `/bulk/delete`: 1..1000 ids. */
export const BulkIdsRequestSchema = z.object({ ids: z.array(z.string().min(1)).min(1).max(1000) });

/** Body of `POST /api/tokens/bulk/reassign`. */
export const BulkReassignRequestSchema = BulkIdsRequestSchema.extend({ userId: z.string().min(1) });

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/** `GET /api/auth/me` and `POST /api/auth/login/local` → `{ user }`. */
export const UserResponseSchema = z.looseObject({ user: UserSchema });

/** `GET /api/users` → `{ users }`. */
export const UsersResponseSchema = z.looseObject({ users: z.array(UserSchema) });

/** `GET /api/tokens/:id`, revoke, reassign → `{ token }`. */
export const TokenResponseSchema = z.looseObject({ token: TokenSchema });

/**
 * `{ token }` with the record left unparsed: the client parses it with
 * `parseTokenRecord` (it may be incomplete). The record must be an object: a
 * 2xx without one (`{}`, `{"ok":true}`) is not the controller's answer.
 */
export const TokenEnvelopeSchema = z.looseObject({ token: z.looseObject({}) });

/**
 * `GET /api/tokens` → `{ tokens, total, page, limit }`, the envelope only:
 * each record is parsed on its own (`parseTokenList`) so one malformed record
 * never hides the others. Lenient: missing `total` → number of records,
 * missing `page` → 1, missing `limit` → number of records.
 */
export const ListTokensPageSchema = z.looseObject({
  tokens: z.array(z.unknown()),
  total: z.number().int().min(0).optional(),
  page: z.number().int().min(1).optional(),
  limit: z.number().int().min(0).optional(),
});

/** One page of tokens: the usable records, the unusable ones (see `UnusableToken`), and the counts. `page` is 1-based. */
export interface ListTokensResponse {
  tokens: Token[];
  unusable: UnusableToken[];
  total: number;
  page: number;
  limit: number;
}

/**
 * Parses a `GET /api/tokens` body record by record. Returns `undefined` when
 * the envelope itself is not a page (then the whole answer is a protocol error).
 */
export function parseTokenList(data: unknown): ListTokensResponse | undefined {
  const env = ListTokensPageSchema.safeParse(data);
  if (!env.success) return undefined;
  const tokens: Token[] = [];
  const unusable: UnusableToken[] = [];
  env.data.tokens.forEach((raw, i) => {
    const t = parseTokenRecord(raw, i);
    if (isUnusableToken(t)) unusable.push(t);
    else tokens.push(t);
  });
  const n = env.data.tokens.length;
  return { tokens, unusable, total: env.data.total ?? n, page: env.data.page ?? 1, limit: env.data.limit ?? n };
}

/** `POST /api/tokens` → 201 `{ token, value }`. `value` must start with `tc-apiv1_`. */
export const CreateTokenResponseSchema = z.looseObject({
  token: TokenSchema,
  value: z.string().startsWith(TOKEN_VALUE_PREFIX, 'value does not start with tc-apiv1_'),
});

/** Result of creating a token: the record and the value, shown once (never logged or stored outside SecretStorage). */
export type CreateTokenResponse = z.output<typeof CreateTokenResponseSchema>;

/** One per-id result of a bulk action. `error` is the server's message when `ok` is false. */
export const BulkResultSchema = z.looseObject({
  id: IdSchema,
  ok: z.boolean(),
  error: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? undefined)
    .optional(),
});

/** One per-id result of a bulk action (docs/api-contract.md, bulk routes). */
export type BulkResult = z.output<typeof BulkResultSchema>;

/** Bulk revoke/delete/reassign → `{ results }`. */
export const BulkResponseSchema = z.looseObject({ results: z.array(BulkResultSchema) });

/** `GET /api/configs` → `{ configs }`. */
export const ConfigsResponseSchema = z.looseObject({ configs: z.array(ConfigSummarySchema) });

/** Error body `{ error, message, details? }` (docs/api-contract.md "Errors"). Lenient: either field may be missing. */
export const ErrorBodySchema = z.looseObject({
  error: z.string().optional(),
  message: z.string().optional(),
  details: z.unknown().optional(),
});

/** Error body as the controller sends it (docs/api-contract.md "Errors"). */
export type ErrorBody = z.output<typeof ErrorBodySchema>;

/**
 * `details` of a 400 as the emulator sends it: `{ fieldErrors: { field: message } }`.
 * The client also accepts zod-flatten style `{ fieldErrors: { field: [messages] } }`
 * and an array of `{ path|field, message }`.
 */
export const ValidationDetailsSchema = z.union([
  z.looseObject({ fieldErrors: z.record(z.string(), z.union([z.string(), z.array(z.string())])) }),
  z.array(
    z.looseObject({
      path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).optional(),
      field: z.string().optional(),
      message: z.string(),
    }),
  ),
]);

/** Converts a `details` value to `{ field: message }`, or `undefined` if it has no recognisable field errors. */
export function fieldErrorsFromDetails(details: unknown): Record<string, string> | undefined {
  const parsed = ValidationDetailsSchema.safeParse(details);
  if (!parsed.success) return undefined;
  const out: Record<string, string> = {};
  if (Array.isArray(parsed.data)) {
    for (const e of parsed.data) {
      const key = e.field ?? (Array.isArray(e.path) ? e.path.join('.') : e.path) ?? '';
      if (key && !(key in out)) out[key] = e.message;
    }
  } else {
    for (const [k, v] of Object.entries(parsed.data.fieldErrors)) {
      const msg = Array.isArray(v) ? v[0] : v;
      if (msg !== undefined) out[k] = msg;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/** Re-exported so consumers of the contract need only this module. */
export type { Action, Permissions, ResourceId, Role };
