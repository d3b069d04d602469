/**
 * What the editor says about a token found in a Telegraf config: matching a
 * value to a token record, the findings (revoked, expired, unknown, missing
 * permission, expiring soon) from what is known about it, what Telegraf does
 * with `${TELEGRAF_CONTROLLER_TOKEN}` / `${INFLUX_TOKEN}`, and the pure parts
 * of rotating a token (description, lifetime, lost permissions). No `vscode`
 * import; times are UTC ms (`now`) or RFC 3339 UTC strings as the controller
 * sends them.
 *
 * Sources: docs/api-contract.md "Authentication of API requests" (the four 401
 * messages), "Tokens" (states, expiry, prefix = first 12 characters, an
 * agent needs Configs: Read and Heartbeat: Write), "How Telegraf uses a
 * token" (≥ 1.39 sends `TELEGRAF_CONTROLLER_TOKEN` as Bearer, older versions
 * `INFLUX_TOKEN` with the Token scheme; `TELEGRAF_CONTROLLER_TOKEN` wins when
 * both are set); Part B `Token`.
 */

import { createHash } from 'node:crypto';
import type { Permissions } from '../permissions';
import { RESOURCES, hasPermission } from '../permissions';
import { displayStatus, expiryFact, parseTime } from '../tokens';
import type { RequiredPermission } from './references';

/** The part of a token record these helpers read (a subset of the contract's `Token`). */
export interface TokenRecord {
  id: string;
  description: string;
  userId: string;
  username: string;
  status: 'active' | 'revoked';
  permissions: Permissions;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  /** First 12 characters of the value (docs/api-contract.md). */
  prefix: string;
}

/**
 * A one-way fingerprint of a token value (SHA-256, hex), used as a cache key
 * so that caches never hold the value. Not a secret-free identifier for
 * logs: never log it either.
 */
export function valueFingerprint(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Tokens of `tokens` whose `prefix` (the first 12 characters of their value)
 * starts `value`. Prefixes are short: several tokens may match, and a match
 * is a strong hint, not a proof (a value of another controller may share it).
 */
export function tokensWithPrefixOf<T extends Pick<TokenRecord, 'prefix'>>(value: string, tokens: readonly T[]): T[] {
  return tokens.filter((t) => t.prefix.length >= 10 && value.startsWith(t.prefix));
}

/**
 * The answer of the controller to `GET /api/auth/me` sent with the value:
 * `accepted`, or one of the documented 401 kinds (docs/api-contract.md):
 * `invalid-token` (unknown, revoked, deleted, or its user disabled),
 * `token-expired`, `invalid-token-format` (no `tc-apiv1_` prefix),
 * `missing-auth` (header missing or neither scheme). `unreachable` when no
 * answer came (network, TLS, 5xx); `signed-out` when nothing could be asked
 * because nobody is signed in to the controller; `unchecked` when nothing was
 * asked for another reason (checks turned off, Restricted Mode, the check
 * budget spent).
 */
export type ControllerVerdict =
  'accepted' | 'invalid-token' | 'token-expired' | 'invalid-token-format' | 'missing-auth' | 'unreachable' | 'signed-out' | 'unchecked';

/** Everything known about one token value. */
export interface TokenFacts {
  /** The token record, when the value is stored in VS Code or matched by prefix in the signed-in user's list. */
  token?: TokenRecord;
  /** How the record was found: `stored` (exact value in SecretStorage) or `prefix` (a hint). */
  via?: 'stored' | 'prefix';
  /** What the controller answered to the value itself. */
  verdict: ControllerVerdict;
  /** User name behind an accepted value (from `me()`). */
  username?: string;
  /** Result of `GET /api/configs` with the value: `false` = 403 (lacks configs:read); undefined = not asked. */
  configsRead?: boolean;
}

/** Diagnostic codes of config findings. */
export type FindingCode =
  | 'plaintext-token'
  | 'token-revoked'
  | 'token-expired'
  | 'token-unknown'
  | 'token-invalid-format'
  | 'token-missing-permission'
  | 'token-expiring'
  | 'token-unchecked'
  | 'token-unreachable';

/** Severity of a finding (mapped to VS Code's DiagnosticSeverity by the editor layer). */
export type FindingSeverity = 'error' | 'warning' | 'information';

/** One thing to tell the user about a token use. */
export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  /** A sentence; never contains the value. */
  message: string;
}

/** `heartbeat:write`, the notation used in messages. */
export function permissionText(p: Pick<RequiredPermission, 'resource' | 'action'>): string {
  return `${p.resource}:${p.action}`;
}

/** The permissions of `needs` that `perms` does not grant. */
export function missingPermissions(perms: Permissions, needs: readonly RequiredPermission[]): RequiredPermission[] {
  return needs.filter((n) => !hasPermission(perms, n.resource, n.action));
}

function useText(p: RequiredPermission): string {
  return p.reason === 'heartbeat-output' ? 'the [[outputs.heartbeat]] output' : 'downloading a config from the controller';
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function quoteName(t: Pick<TokenRecord, 'description'>): string {
  return `"${t.description.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, ' ').slice(0, 80)}"`;
}

/**
 * The findings about one token use, from what is known (`facts`) and what the
 * use needs, at `now` (UTC ms). `host` names the configured controller in
 * messages, e.g. `the controller localhost:8888` (capitalised at a sentence start). Rules:
 * - The severity states the token's facts, whoever is signed in: whatever the
 *   controller rejects (an agent using it gets 401) is an error.
 * - a known record decides status: revoked → error; expired → error;
 *   otherwise missing permissions → warning each; expiring within 7 days →
 *   information; a value the controller rejects as `invalid-token` although
 *   its record is active → error (its user may be disabled, or it was
 *   deleted);
 * - without a record: `token-expired` → error; `invalid-token` → error
 *   "rejected by <host>" (unknown, revoked or deleted, user disabled, or
 *   a token of another controller); `invalid-token-format` → error; an
 *   accepted value with `configsRead === false` while the use needs
 *   configs:read → warning; `signed-out` → information "sign in to check";
 * - `unreachable`/`unchecked` alone → nothing.
 */
export function assessToken(facts: TokenFacts, needs: readonly RequiredPermission[], now: number, host: string): Finding[] {
  const out: Finding[] = [];
  const t = facts.token;
  if (t) {
    const name = quoteName(t);
    const status = displayStatus(t, now);
    if (status === 'revoked') {
      out.push({
        code: 'token-revoked',
        severity: 'error',
        message: `The token ${name} is revoked (${expiryFact(t, now)}): ${host} rejects it. Replace it with an active token.`,
      });
      return out;
    }
    if (status === 'expired' || facts.verdict === 'token-expired') {
      out.push({
        code: 'token-expired',
        severity: 'error',
        message: `The token ${name} has expired (${expiryFact(t, now)}): ${host} rejects it with "Token expired". Rotate it or use another token.`,
      });
      return out;
    }
    if (facts.verdict === 'invalid-token') {
      out.push({
        code: 'token-unknown',
        severity: 'error',
        message:
          facts.via === 'prefix'
            ? `${cap(host)} rejects this value as "Invalid token". Only its prefix matches the active token ${name}: the value is probably mistyped or cut short, or that token was deleted or its user disabled. Copy the value again from where it was created.`
            : `${cap(host)} rejects this value as "Invalid token" although the token ${name} is listed as active: it may have been deleted, or its user is disabled.`,
      });
      return out;
    }
    for (const p of missingPermissions(t.permissions, needs)) {
      out.push({
        code: 'token-missing-permission',
        severity: 'warning',
        message: `The token ${name} lacks ${permissionText(p)}, which ${useText(p)} needs; the controller will answer 403.`,
      });
    }
    if (status === 'expiring') {
      out.push({
        code: 'token-expiring',
        severity: 'information',
        message: `The token ${name} ${expiryFact(t, now)}. Rotate it before the agent is rejected.`,
      });
    }
    return out;
  }
  switch (facts.verdict) {
    case 'token-expired':
      out.push({ code: 'token-expired', severity: 'error', message: `${cap(host)} rejects this token with "Token expired". Replace it with an active token.` });
      break;
    case 'invalid-token':
      out.push({
        code: 'token-unknown',
        severity: 'error',
        message: `${cap(host)} rejects this token as "Invalid token": it is unknown, revoked or deleted, its user is disabled, or it belongs to another controller.`,
      });
      break;
    case 'invalid-token-format':
    case 'missing-auth':
      out.push({
        code: 'token-invalid-format',
        severity: 'error',
        message: `${cap(host)} rejects this value as "Invalid token format": it is not a complete Telegraf Controller token.`,
      });
      break;
    case 'accepted':
      if (facts.configsRead === false && needs.some((n) => n.resource === 'configs')) {
        out.push({
          code: 'token-missing-permission',
          severity: 'warning',
          message: `This token lacks configs:read, which downloading a config from the controller needs; ${host} answers 403.`,
        });
      }
      break;
    case 'unreachable':
      out.push({
        code: 'token-unreachable',
        severity: 'information',
        message: `${cap(host)} could not be reached to check this token: what it last said is not known now. Check again when it answers ("Check Tokens in Workspace Configs").`,
      });
      break;
    case 'signed-out':
      out.push({
        code: 'token-unchecked',
        severity: 'information',
        message: `Sign in to ${host} to check this token (revoked, expired, unknown, or missing a permission its use needs).`,
      });
      break;
    default:
      break;
  }
  return out;
}

/** The Telegraf meaning of an environment variable used for a token, for hovers. */
export interface EnvVarNote {
  /** Whether Telegraf itself gives the name a meaning (TELEGRAF_CONTROLLER_TOKEN, INFLUX_TOKEN). */
  known: boolean;
  /** Markdown-free sentences (the editor escapes them). */
  lines: string[];
}

/**
 * What Telegraf does with `${name}` (docs/api-contract.md "How Telegraf uses a
 * token"; fixtures README: strict env handling since 1.38).
 */
export function envVarNote(name: string): EnvVarNote {
  const common = `Telegraf replaces \${${name}} with the variable from its environment when it loads the config (since 1.38 only inside quoted strings; an unset variable is left as written).`;
  if (name === 'TELEGRAF_CONTROLLER_TOKEN') {
    return {
      known: true,
      lines: [
        common,
        'Telegraf 1.39 and later also send TELEGRAF_CONTROLLER_TOKEN as "Authorization: Bearer …" when --config is a controller URL (<controller URL>/api/configs/<id>/toml).',
        'Telegraf 1.38 and earlier do not know this variable: they send INFLUX_TOKEN (Token scheme) for the config download. For agents on ≤ 1.38 set INFLUX_TOKEN too, or use ${INFLUX_TOKEN} (setting telegrafController.envVarName).',
        'When both are set, Telegraf ≥ 1.39 uses TELEGRAF_CONTROLLER_TOKEN.',
      ],
    };
  }
  if (name === 'INFLUX_TOKEN') {
    return {
      known: true,
      lines: [
        common,
        'Telegraf 1.38 and earlier send INFLUX_TOKEN as "Authorization: Token …" when --config is a controller URL; the controller accepts both schemes.',
        'Telegraf 1.39 and later prefer TELEGRAF_CONTROLLER_TOKEN (Bearer) and fall back to INFLUX_TOKEN only when it is unset.',
        'INFLUX_TOKEN is also the usual name of an InfluxDB token: make sure the agent does not need a different InfluxDB token under the same name.',
      ],
    };
  }
  return { known: false, lines: [common] };
}

/** Largest description the controller accepts (docs/api-contract.md rules). */
export const MAX_DESCRIPTION_LENGTH = 255;

const ROTATED_SUFFIX_RE = /\s*\((?:rotated|replaced) (\d{4}-\d{2}-\d{2})(?: \d{2}:\d{2} UTC)?\)$/;

/**
 * `description` without the suffixes {@link rotatedDescription} adds
 * (`web-07 agent (rotated 2026-12-02)` → `web-07 agent`): the name the first
 * token of a rotation chain had.
 */
export function originalDescription(description: string): string {
  let d = description.trim();
  for (let next = d.replace(ROTATED_SUFFIX_RE, '').trim(); next !== d; next = d.replace(ROTATED_SUFFIX_RE, '').trim()) d = next;
  return d;
}

/**
 * The description of a replacement token: the old one without a previous
 * ` (rotated YYYY-MM-DD)` suffix, plus ` (rotated <UTC date of now>)`, or
 * ` (rotated YYYY-MM-DD HH:MM UTC)` when the old one was rotated the same day
 * (two rotations a day keep distinct names), cut
 * (never inside a surrogate pair, marked with `…`) so that the whole is at
 * most 255 UTF-16 units, the controller's limit.
 */
export function rotatedDescription(description: string, now: number): string {
  const iso = new Date(now).toISOString();
  const sameDay = ROTATED_SUFFIX_RE.exec(description.trim())?.[1] === iso.slice(0, 10);
  const suffix = ` (rotated ${iso.slice(0, 10)}${sameDay ? ` ${iso.slice(11, 16)} UTC` : ''})`;
  const base = description.trim().replace(ROTATED_SUFFIX_RE, '').trim();
  const room = MAX_DESCRIPTION_LENGTH - suffix.length;
  let cut = base;
  if (base.length > room) {
    cut = '';
    for (const ch of base) {
      if (cut.length + ch.length > room - 1) break;
      cut += ch;
    }
    cut = cut.trimEnd() + '…';
  }
  return (cut || 'Token') + suffix;
}

/** Shortest lifetime given to a replacement, ms (one hour). */
export const MIN_REPLACEMENT_LIFETIME_MS = 3600_000;

/**
 * `expiresAt` of a replacement with the same lifetime as `token`: `null` when
 * it never expires, else `now + (expiresAt − createdAt)` as an RFC 3339 UTC
 * string (seconds precision). When `createdAt` cannot be read the remaining
 * time of the old token is used; the lifetime is at least one hour; the
 * result is never later than 9999-12-31T23:59:59Z (four-digit years).
 */
export function replacementExpiry(token: Pick<TokenRecord, 'createdAt' | 'expiresAt'>, now: number): string | null {
  const exp = parseTime(token.expiresAt);
  if (token.expiresAt === null || exp === undefined) return null;
  const created = parseTime(token.createdAt);
  let lifetime = created !== undefined ? exp - created : exp - now;
  if (!Number.isFinite(lifetime) || lifetime < MIN_REPLACEMENT_LIFETIME_MS) lifetime = MIN_REPLACEMENT_LIFETIME_MS;
  // RFC 3339 has four-digit years: a far-future expiry (the form accepts 31 Dec 9999) is capped at the last second of 9999.
  const at = Math.min(Math.floor((now + lifetime) / 1000) * 1000, LAST_RFC3339_MS);
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** 9999-12-31T23:59:59Z, the latest time RFC 3339 can write, ms. */
const LAST_RFC3339_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Permissions of `requested` missing from `effective`, as `resource:action` strings in grid order. */
export function lostPermissions(requested: Permissions, effective: Permissions): string[] {
  const out: string[] = [];
  for (const r of RESOURCES) {
    for (const a of requested[r.id] ?? []) if (r.actions.includes(a) && !hasPermission(effective, r.id, a)) out.push(`${r.id}:${a}`);
  }
  return out;
}

/**
 * Whether the signed-in user may revoke `token` (docs/api-contract.md "Roles",
 * Part B rules): Owners and Administrators any token, Managers their own,
 * Viewers none; a revoked token cannot be revoked again.
 */
export function mayRevoke(
  user: { id: string; role: 'owner' | 'administrator' | 'manager' | 'viewer' },
  token: Pick<TokenRecord, 'userId' | 'status'>,
): boolean {
  if (token.status !== 'active') return false;
  if (user.role === 'owner' || user.role === 'administrator') return true;
  return user.role === 'manager' && token.userId === user.id;
}

/**
 * ` export NAME=value`, the shell line that puts a token into an agent's
 * environment. It starts with a space: bash keeps such a line out of its
 * history when HISTCONTROL has `ignorespace` (`ignoreboth` is the default of
 * Debian's and Ubuntu's ~/.bashrc), and so does zsh with HIST_IGNORE_SPACE.
 */
export function exportLine(name: string, value: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(value) ? ` export ${name}=${value}` : ` export ${name}='${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The secret keys configs may read `token` under: the one Insert Token gives
 * it ({@link secretKeyFor}, from the description without its " (rotated …)"
 * suffix, so a token and its rotated successors share one key) and the key of
 * the whole description, which earlier versions gave rotated tokens.
 */
export function secretKeysFor(token: { description: string; id: string }): string[] {
  return [...new Set([secretKeyFor(token), keyFromDescription(token.description, token.id)])];
}

/**
 * A secret key name for `token`: `tc_` and its description without a
 * " (rotated …)" suffix ({@link originalDescription}), lowercased, with runs of
 * other characters as `_` (Telegraf's rule: letters, digits and `_`), at most
 * 40 characters after the prefix; `tc_token_<id>` for an empty description.
 */
export function secretKeyFor(token: { description: string; id: string }): string {
  return keyFromDescription(originalDescription(token.description), token.id);
}

function keyFromDescription(description: string, id: string): string {
  const base = description
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return base ? `tc_${base}` : `tc_token_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
