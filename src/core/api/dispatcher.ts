/**
 * The HTTP transport of the controller client: a DEDICATED undici dispatcher
 * (never `setGlobalDispatcher`, which would change how VS Code's own `fetch`
 * reaches the network) with the controller's TLS trust and an optional proxy.
 *
 * - TLS is verified. `ca` (PEM text) is trusted IN ADDITION to Node's bundled
 *   roots. Verification is disabled only with `allowUntrusted: true`.
 * - A proxy, when given, is used for every origin except those matched by
 *   `noProxy` (NO_PROXY syntax, see `matchesNoProxy`). undici's ProxyAgent
 *   tunnels with CONNECT for both http and https targets.
 * - `proxyFor` decides the proxy URL from an explicit setting or from
 *   `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (either case).
 *
 * No `vscode` import.
 */
import * as tls from 'node:tls';
import { Agent, Dispatcher, ProxyAgent } from 'undici';

/** Options of `createDispatcher`. */
export interface DispatcherOptions {
  /** Extra CA certificate(s), PEM text, trusted in addition to the bundled roots (e.g. the content of `telegrafController.caFile`). */
  ca?: string;
  /** Accept any server certificate. Insecure; only on the user's explicit choice. Default false. */
  allowUntrusted?: boolean;
  /** Proxy URL (`http://[user:pass@]host:port` or `https://…`). No proxy when absent. */
  proxyUrl?: string;
  /** NO_PROXY-style list (comma or space separated) of hosts that bypass `proxyUrl`. */
  noProxy?: string;
  /** TCP + TLS connect timeout in ms (default 10000). */
  connectTimeoutMs?: number;
}

/** Default connect timeout, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * A dispatcher that sends each request either directly or through a proxy,
 * by origin. `proxyOriginFor(origin)` tells the client which proxy (if any) a
 * request used, so a failure to reach the proxy is reported as a proxy error.
 */
export class ControllerDispatcher extends Dispatcher {
  private readonly direct: Agent;
  private readonly proxied: ProxyAgent | undefined;
  private readonly proxyOrigin: string | undefined;
  private readonly noProxy: string;

  /** See `createDispatcher`. Throws `TypeError` for an unparsable `proxyUrl`. */
  constructor(opts: DispatcherOptions = {}) {
    super();
    const timeout = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const tlsOpts = tlsOptions(opts);
    this.direct = new Agent({ connect: { timeout, ...tlsOpts } });
    this.noProxy = opts.noProxy ?? '';
    if (opts.proxyUrl) {
      const u = new URL(opts.proxyUrl);
      this.proxyOrigin = u.origin;
      this.proxied = new ProxyAgent({
        uri: opts.proxyUrl,
        requestTls: { timeout, ...tlsOpts },
        proxyTls: { timeout, ...tlsOpts },
      });
    }
  }

  /** Origin of the proxy a request to `origin` goes through, or undefined when it goes direct. Never contains credentials. */
  proxyOriginFor(origin: string): string | undefined {
    if (!this.proxied) return undefined;
    return matchesNoProxy(origin, this.noProxy) ? undefined : this.proxyOrigin;
  }

  /** @inheritdoc */
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = String(options.origin ?? '');
    const target = this.proxied && this.proxyOriginFor(origin) ? this.proxied : this.direct;
    return target.dispatch(options, handler);
  }

  /** Closes both underlying agents (waits for in-flight requests). */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const p = Promise.all([this.direct.close(), this.proxied?.close()]).then(() => undefined);
    if (callback) {
      void p.then(callback, callback);
      return;
    }
    return p;
  }

  /** Destroys both underlying agents (aborts in-flight requests). */
  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const p = Promise.all([this.direct.destroy(err), this.proxied?.destroy(err)]).then(() => undefined);
    if (callback) {
      void p.then(callback, callback);
      return;
    }
    return p;
  }
}

function tlsOptions(opts: DispatcherOptions): { ca?: string[]; rejectUnauthorized?: boolean } {
  const out: { ca?: string[]; rejectUnauthorized?: boolean } = {};
  if (opts.ca && opts.ca.trim()) out.ca = [...tls.rootCertificates, opts.ca];
  if (opts.allowUntrusted) out.rejectUnauthorized = false;
  return out;
}

/**
 * Creates the dedicated dispatcher of a controller connection. Never installs
 * it globally. Close it (`await d.close()`) when the connection is dropped.
 * Throws `TypeError` when `proxyUrl` is not a URL.
 */
export function createDispatcher(opts: DispatcherOptions = {}): ControllerDispatcher {
  return new ControllerDispatcher(opts);
}

/** Proxy-related settings and environment, for `proxyFor`. */
export interface ProxySettings {
  /** An explicit proxy (e.g. VS Code's `http.proxy`); wins over the environment. Empty string = none. */
  proxyUrl?: string;
  /** An explicit NO_PROXY list; wins over the environment's. */
  noProxy?: string;
  /** Environment to read `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (upper or lower case) from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

function envVar(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v && v.trim() ? v.trim() : undefined;
}

/**
 * The proxy URL to use for `targetUrl`, or `undefined` for a direct
 * connection: the explicit `proxyUrl` if set, else `HTTPS_PROXY` for https
 * targets / `HTTP_PROXY` for http targets; `undefined` when the target
 * matches the NO_PROXY list (explicit `noProxy`, else `NO_PROXY`).
 */
export function proxyFor(targetUrl: string, settings: ProxySettings = {}): string | undefined {
  const env = settings.env ?? process.env;
  let target: URL;
  try {
    target = new URL(targetUrl);
  } catch {
    return undefined;
  }
  const proxy =
    settings.proxyUrl && settings.proxyUrl.trim()
      ? settings.proxyUrl.trim()
      : target.protocol === 'https:'
        ? (envVar(env, 'HTTPS_PROXY') ?? envVar(env, 'HTTP_PROXY'))
        : envVar(env, 'HTTP_PROXY');
  if (!proxy) return undefined;
  const noProxy = settings.noProxy ?? envVar(env, 'NO_PROXY') ?? '';
  return matchesNoProxy(target.origin, noProxy) ? undefined : proxy;
}

/** The NO_PROXY list to hand to `createDispatcher` (explicit setting, else the environment's). */
export function noProxyFor(settings: ProxySettings = {}): string {
  return settings.noProxy ?? envVar(settings.env ?? process.env, 'NO_PROXY') ?? '';
}

/**
 * True when `origin` (or URL) is matched by a NO_PROXY list: entries split by
 * comma or whitespace; `*` matches everything; `host` matches the host and
 * its subdomains; `.host` / `*.host` match subdomains (and the host);
 * `host:port` also requires the port; IPv6 in brackets is accepted.
 */
export function matchesNoProxy(origin: string, noProxy: string): boolean {
  if (!noProxy.trim()) return false;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1]!;
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (entryPort && entryPort !== port) continue;
    if (entry.startsWith('.')) {
      if (host.endsWith(entry) || host === entry.slice(1)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}
