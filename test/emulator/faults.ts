/**
 * Fault injection of the controller emulator: switches, per route or global,
 * that make the emulator misbehave the way real networks and proxies do.
 * Used in-process (`emulator.faults.add(...)`) or over HTTP
 * (`POST /__emulator/faults`).
 *
 * No `vscode` import.
 */
import type * as http from 'node:http';
import type { RouteName } from '../../src/core/api/contract';
import type { AppResponse } from './state';

/**
 * A malformed answer:
 * - `non-json`: 200 `application/json` whose body is not JSON;
 * - `truncated-json`: 200, complete HTTP message, JSON cut in the middle;
 * - `truncated`: `Content-Length` larger than what is sent, then the socket is closed;
 * - `wrong-shape`: 200 valid JSON that does not match the contract;
 * - `html-login`: 200 `text/html` single-sign-on login page (what a proxy / SSO gateway returns);
 * - `empty`: 200 with an empty body.
 */
export type MalformedKind = 'non-json' | 'truncated-json' | 'truncated' | 'wrong-shape' | 'html-login' | 'empty';

/** Every malformed kind. */
export const MALFORMED_KINDS: readonly MalformedKind[] = ['non-json', 'truncated-json', 'truncated', 'wrong-shape', 'html-login', 'empty'];

/** A fault. Fields combine: `latencyMs` delays, then `drop` / `status` / `malformed` replace the answer (else the normal answer follows). */
export interface FaultSpec {
  /** Route it applies to; `'*'` or absent = every route (including unknown paths) of `server`. */
  route?: RouteName | '*';
  /** Which server: `api` (default when `route` is an API route) or `heartbeat`; absent with route `*` = both. */
  server?: 'api' | 'heartbeat';
  /** Delay before answering, ms. */
  latencyMs?: number;
  /** Answer with this HTTP status and a JSON error body (or, with `malformed`, that malformed body) instead. */
  status?: number;
  /** `Retry-After` header value (seconds, or an HTTP date string) sent with `status`. */
  retryAfter?: number | string;
  /** Override of the error body sent with `status`. */
  body?: unknown;
  /** Answer with a malformed body instead (with `status` if given, else 200). */
  malformed?: MalformedKind;
  /** Destroy the connection without any answer. */
  drop?: boolean;
  /** Apply to the next N matching requests only, then remove itself. Absent = until cleared. */
  times?: number;
  /**
   * The request IS applied (the token is created, revoked, …), then the answer
   * goes wrong: `cut` sends the status and half of the body under the full
   * `Content-Length` and closes the socket; `delay` waits `latencyMs` AFTER
   * applying, then answers normally (a client with a shorter timeout never sees it).
   */
  afterApply?: 'cut' | 'delay';
  /** Sends the real answer one byte every `intervalMs` (status and headers at once): a server that trickles. */
  trickle?: { intervalMs: number };
  /**
   * Rewrites the token records of the real answer (`tokens[]` of a list,
   * `token` of a single record) whose id is in `tokenIds` (all when absent):
   * removes `dropFields`, then sets `set`. A valid but unusual controller.
   */
  rewrite?: { tokenIds?: string[]; dropFields?: string[]; set?: Record<string, unknown> };
  /** Only requests whose `Authorization` header contains this text (e.g. a marker in the token values a test sends). */
  authorizationIncludes?: string;
}

/** A registered fault with its id and how many times it fired. */
export interface ActiveFault extends FaultSpec {
  readonly id: string;
  hits: number;
}

/** In-process switchboard of faults. The most recently added matching fault wins. */
export class FaultController {
  private faults: ActiveFault[] = [];
  private seq = 0;

  /** Adds a fault; returns its id (for `remove`). */
  add(spec: FaultSpec): string {
    const id = `f${++this.seq}`;
    this.faults.push({ ...spec, id, hits: 0 });
    return id;
  }

  /** Removes one fault by id; true if it existed. */
  remove(id: string): boolean {
    const n = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== n;
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The registered faults (copies). */
  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * The fault for a request to `route` (undefined for unknown paths) on
   * `server`, consuming one of its `times`; `undefined` when none matches.
   */
  take(route: RouteName | undefined, server: 'api' | 'heartbeat', authorization?: string): ActiveFault | undefined {
    for (let i = this.faults.length - 1; i >= 0; i--) {
      const f = this.faults[i]!;
      if (f.authorizationIncludes !== undefined && !(authorization ?? '').includes(f.authorizationIncludes)) continue;
      const routeOk = f.route === undefined || f.route === '*' || f.route === route;
      const fServer = f.server ?? (f.route === 'heartbeat' ? 'heartbeat' : f.route && f.route !== '*' ? 'api' : undefined);
      const serverOk = fServer === undefined || fServer === server;
      if (!routeOk || !serverOk) continue;
      f.hits++;
      if (f.times !== undefined && f.hits >= f.times) this.faults.splice(i, 1);
      return { ...f };
    }
    return undefined;
  }
}

/** True when `f` alters the real answer after the request was applied (see `sendAfterApply`). */
export function altersRealAnswer(f: FaultSpec): boolean {
  return f.afterApply !== undefined || f.trickle !== undefined || f.rewrite !== undefined;
}

function rewriteRecord(t: unknown, spec: NonNullable<FaultSpec['rewrite']>): unknown {
  if (!t || typeof t !== 'object' || Array.isArray(t)) return t;
  const rec = { ...(t as Record<string, unknown>) };
  if (spec.tokenIds && !spec.tokenIds.includes(String(rec.id))) return t;
  for (const f of spec.dropFields ?? []) delete rec[f];
  return { ...rec, ...(spec.set ?? {}) };
}

/** The body of `r` with `spec` applied to its token records. */
export function rewriteTokens(body: unknown, spec: NonNullable<FaultSpec['rewrite']>): unknown {
  if (!body || typeof body !== 'object') return body;
  const b = { ...(body as Record<string, unknown>) };
  if (Array.isArray(b.tokens)) b.tokens = b.tokens.map((t) => rewriteRecord(t, spec));
  if (b.token !== undefined) b.token = rewriteRecord(b.token, spec);
  return b;
}

/**
 * Sends the real answer `r` the way fault `f` says (`altersRealAnswer`):
 * rewritten, cut off, delayed or trickled. Resolves when done (or the socket closed).
 */
export async function sendAfterApply(f: FaultSpec, r: AppResponse, res: http.ServerResponse): Promise<void> {
  const body = f.rewrite && r.body !== undefined ? rewriteTokens(r.body, f.rewrite) : r.body;
  const payload = r.text ?? (body !== undefined ? JSON.stringify(body) : '');
  const headers: Record<string, string | string[]> = {
    ...(r.headers ?? {}),
    'content-type': r.text !== undefined ? (r.contentType ?? 'text/plain; charset=utf-8') : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
  };
  const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
  if (f.afterApply === 'delay' && f.latencyMs) await wait(f.latencyMs);
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(r.status, headers);
  if (f.afterApply === 'cut') {
    res.write(payload.slice(0, Math.floor(payload.length / 2)), () => res.socket?.destroy());
    return;
  }
  if (f.trickle) {
    const bytes = Buffer.from(payload);
    for (let i = 0; i < bytes.length; i++) {
      if (res.destroyed || res.socket?.destroyed) return;
      res.write(bytes.subarray(i, i + 1));
      await wait(f.trickle.intervalMs);
    }
  }
  if (f.trickle) res.end();
  else res.end(payload);
}
