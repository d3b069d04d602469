/**
 * "Test Agent Start": before the user deploys, checks that a token can do what
 * the started agent will do with it. Editor-free.
 *
 *  1. `value`: the token is sendable as Telegraf sends it (Telegraf does not
 *     trim: a space or a trailing newline from a secret file breaks the
 *     header; an empty variable still wins over `INFLUX_TOKEN`);
 *  2. `fetch`: `GET /api/configs/<id>/toml` with the same `Authorization`
 *     header the agent will send (`Bearer` ≥ 1.39 / `Token` ≤ 1.38), telling
 *     the documented 401 reasons and 403 (no configs:read) apart (docs/api-contract.md
 *     Part A "Authentication of API requests");
 *  3. `heartbeat`: when the downloaded config has `[[outputs.heartbeat]]`, the
 *     agent version must have that output (≥ 1.37) and the token needs
 *     heartbeat:write (checked from the token record when it is known);
 *  4. `variables`: environment variables the config reads (`${NAME}`), so that
 *     the names match what the start command sets (a mismatch is the most
 *     reported wiring bug: a token set under one name and read under another).
 *
 * The token value is never put into a result, message or log line.
 */
import type { ControllerClient } from '../api/client';
import { fetchConfigAsAgent } from '../api/configs';
import { ControllerError, type ErrorKind } from '../api/errors';
import type { Permissions } from '../permissions';
import { tokenVariableFor, versionText, type TokenVariable } from './tokenVariable';

/** Outcome of one check. `info` is advice that does not fail the test. */
export type AgentCheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'info';

/** One line of the result. */
export interface AgentCheck {
  id: 'value' | 'fetch' | 'heartbeat' | 'variables';
  status: AgentCheckStatus;
  /** Sentence for a person (English; never contains the token). */
  detail: string;
  /** For an HTTP failure: the client's error kind (`invalid-token`, `forbidden`, …). */
  kind?: ErrorKind;
  /** For an HTTP answer: its status. */
  httpStatus?: number;
}

/** The result of {@link checkAgentStart}. */
export interface AgentCheckResult {
  /** No check failed. */
  ok: boolean;
  /** The variable and scheme tested. */
  variable: TokenVariable;
  /** The header as sent, with the value masked: `Authorization: Bearer tc-apiv1_…`. */
  header: string;
  checks: AgentCheck[];
  /** The TOML downloaded (present when the fetch passed). */
  toml?: string;
}

/** What to check. */
export interface AgentCheckInput {
  configId: string;
  /** The token value the agent will have (never stored or returned). */
  token: string;
  /** Telegraf version of the agent (`1.40`, `1.38`); default current. */
  telegrafVersion?: string;
  /** The token's effective permissions when known (a token of the user's list). */
  permissions?: Permissions;
}

/** Environment variables a Telegraf TOML reads, in order of first use, outside comments (`${NAME}`, `${NAME:-x}`, `$NAME`). */
export function configVariables(toml: string): string[] {
  const seen = new Set<string>();
  for (const rawLine of toml.split(/\r?\n/)) {
    const line = stripComment(rawLine);
    const re = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?-][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const name = m[1] ?? m[2];
      if (name) seen.add(name);
    }
  }
  return [...seen];
}

/** The line without a `#` comment (a `#` inside a basic or literal string is kept). */
function stripComment(line: string): string {
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

/** True when the TOML declares an `[[outputs.heartbeat]]` table (outside comments). */
export function hasHeartbeatOutput(toml: string): boolean {
  return toml.split(/\r?\n/).some((l) => /^\s*\[\[\s*outputs\.heartbeat\s*\]\]/.test(stripComment(l)));
}

/** A masked header: the scheme and the `tc-apiv1_` prefix only. */
function maskedHeader(v: TokenVariable, token: string): string {
  return `Authorization: ${v.scheme} ${token.startsWith('tc-apiv1_') ? 'tc-apiv1_…' : '…'}`;
}

function fetchFailure(e: unknown, configId: string, v: TokenVariable): AgentCheck {
  if (!(e instanceof ControllerError)) return { id: 'fetch', status: 'fail', detail: `Could not check: ${e instanceof Error ? e.message : String(e)}` };
  const base = { id: 'fetch' as const, status: 'fail' as const, kind: e.kind, ...(e.status !== undefined ? { httpStatus: e.status } : {}) };
  switch (e.kind) {
    case 'missing-auth':
      return {
        ...base,
        detail: `401 "Missing or invalid Authorization header": the controller got no usable "${v.scheme}" header. Is ${v.name} set and non-empty where the agent starts?`,
      };
    case 'invalid-token-format':
      return {
        ...base,
        detail: `401 "Invalid token format": the value does not start with tc-apiv1_ (a placeholder, another product's token, or quotes kept in the value?).`,
      };
    case 'invalid-token':
      return { ...base, detail: '401 "Invalid token": the token is unknown, revoked or deleted, or its user is disabled. Create or pick another token.' };
    case 'token-expired':
      return { ...base, detail: '401 "Token expired": create a new token (or one with a later expiry) for this agent.' };
    case 'forbidden':
      return {
        ...base,
        detail: `403: the token lacks configs:read (Configurations: Read), so the agent cannot download its config. An agent token needs Configurations: Read and Heartbeat: Write.`,
      };
    case 'not-found':
      return {
        ...base,
        detail: `404: the controller has no configuration "${encodeURIComponent(configId)}" (deleted or renamed?). Refresh the list and pick it again.`,
      };
    default:
      return { ...base, detail: `Could not check: ${e.userMessage}` };
  }
}

/**
 * Runs the checks against `client`'s controller (the token goes ONLY there).
 * Never throws for a controller answer: failures are checks with status
 * `fail`. Throws only for an aborted/unexpected programming error.
 */
export async function checkAgentStart(client: ControllerClient, input: AgentCheckInput): Promise<AgentCheckResult> {
  const v = tokenVariableFor(input.telegrafVersion);
  const header = maskedHeader(v, input.token);
  const checks: AgentCheck[] = [];
  const done = (toml?: string): AgentCheckResult => ({
    ok: checks.every((c) => c.status !== 'fail'),
    variable: v,
    header,
    checks,
    ...(toml !== undefined ? { toml } : {}),
  });

  // 1. The value as Telegraf would send it.
  if (input.token === '') {
    checks.push({
      id: 'value',
      status: 'fail',
      detail: `The value is empty. Telegraf still sends "${v.scheme} " with an empty ${v.name} (a set but empty variable wins over INFLUX_TOKEN), and the controller answers 401.`,
    });
    return done();
  }
  if (/[\r\n]/.test(input.token)) {
    checks.push({
      id: 'value',
      status: 'fail',
      detail:
        "The value contains a line break (a secret file that ends with a newline?). Telegraf sends it as is and the Authorization header is invalid. Write the file with printf '%s', not echo.",
    });
    return done();
  }
  if (/\s/.test(input.token) || !/^[\x21-\x7e]+$/.test(input.token)) {
    checks.push({
      id: 'value',
      status: 'fail',
      detail: 'The value contains spaces, quotes from an env file, or characters an HTTP header cannot carry. Telegraf would send an invalid header.',
    });
    return done();
  }
  checks.push({ id: 'value', status: 'pass', detail: `Sent as ${v.name} the way Telegraf ${versionText(v.version)} sends it: ${header}.` });

  // 2. The config download.
  let toml: string;
  try {
    toml = await fetchConfigAsAgent(client, input.configId, input.token, v.scheme);
  } catch (e) {
    checks.push(fetchFailure(e, input.configId, v));
    return done();
  }
  if (!toml.trim()) {
    checks.push({
      id: 'fetch',
      status: 'fail',
      httpStatus: 200,
      detail: 'The controller answered 200 with an empty config: Telegraf would start with no plugins and exit.',
    });
    return done(toml);
  }
  const bytes = Buffer.byteLength(toml, 'utf8');
  checks.push({
    id: 'fetch',
    status: 'pass',
    httpStatus: 200,
    detail: `GET /api/configs/${encodeURIComponent(input.configId)}/toml answered 200 (${bytes} bytes): the token has configs:read.`,
  });

  // 3. Heartbeat.
  if (hasHeartbeatOutput(toml)) {
    if (!v.heartbeat) {
      checks.push({
        id: 'heartbeat',
        status: 'fail',
        detail: `The config has [[outputs.heartbeat]], which Telegraf ${versionText(v.version)} does not have (1.37 or later): the agent would refuse to load it.`,
      });
    } else if (input.permissions) {
      const has = (input.permissions.heartbeat ?? []).includes('write');
      checks.push(
        has
          ? { id: 'heartbeat', status: 'pass', detail: 'The config has [[outputs.heartbeat]] and the token has heartbeat:write.' }
          : {
              id: 'heartbeat',
              status: 'fail',
              detail: 'The config has [[outputs.heartbeat]] but the token lacks heartbeat:write: the controller will reject its heartbeats (403).',
            },
      );
    } else {
      checks.push({
        id: 'heartbeat',
        status: 'skip',
        detail: 'The config has [[outputs.heartbeat]]; heartbeat:write not checked (the token is not in your token list).',
      });
    }
  }

  // 4. Variables the config reads.
  const vars = configVariables(toml);
  if (vars.length) {
    const other = v.name === 'TELEGRAF_CONTROLLER_TOKEN' ? 'INFLUX_TOKEN' : 'TELEGRAF_CONTROLLER_TOKEN';
    const readsOther = vars.includes(other) && !vars.includes(v.name);
    const list = vars.map((n) => (n === v.name ? `\${${n}} (set by the start command)` : `\${${n}}`)).join(', ');
    if (readsOther && other === 'TELEGRAF_CONTROLLER_TOKEN') {
      checks.push({
        id: 'variables',
        status: 'warn',
        detail: `The config reads \${TELEGRAF_CONTROLLER_TOKEN}, but a Telegraf ${versionText(v.version)} agent is started with INFLUX_TOKEN: set TELEGRAF_CONTROLLER_TOKEN too (or upgrade to 1.39+). It reads: ${list}.`,
      });
    } else {
      checks.push({ id: 'variables', status: 'info', detail: `The config reads ${list}: define every one of them in the agent's environment.` });
    }
  }
  return done(toml);
}
