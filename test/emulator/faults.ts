/**
 * Fault injection of the controller emulator: switches, per route or global,
 * that make the emulator misbehave the way real networks and proxies do.
 * Used in-process (`emulator.faults.add(...)`) or over HTTP
 * (`POST /__emulator/faults`).
 *
 * No `vscode` import.
 */
import type { RouteName } from '../../src/core/api/contract';

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
  take(route: RouteName | undefined, server: 'api' | 'heartbeat'): ActiveFault | undefined {
    for (let i = this.faults.length - 1; i >= 0; i--) {
      const f = this.faults[i]!;
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
