/**
 * The HTTP transport of the controller client: a DEDICATED undici dispatcher
 * (never `setGlobalDispatcher`, which would change how VS Code's own `fetch`
 * reaches the network), built from undici's public agents:
 *
 * - One `EnvHttpProxyAgent` PER ORIGIN (scheme, host, port), each with that
 *   origin's TLS trust. A TLS exception (`untrustedOrigins`, the user's
 *   `telegrafController.allowUntrustedCertificates`) therefore applies to the
 *   origins it names and to nothing else — not to the heartbeat port of the
 *   same host, not to another controller. Each request that uses an
 *   exception is reported through `onUntrustedUse(origin)` (the caller logs a
 *   warning naming the origin, as the README promises).
 * - Proxies: `EnvHttpProxyAgent` picks `HTTP_PROXY`/`HTTPS_PROXY` and honours
 *   `NO_PROXY` (either case) itself; an explicit `proxyUrl` (VS Code's
 *   `http.proxy`) replaces both proxy variables, an explicit `noProxy` the
 *   environment's list. `proxyStrictSSL: false` (VS Code's
 *   `http.proxyStrictSSL`) stops verifying the certificate of an https proxy;
 *   the controller's own certificate is still verified.
 * - Retries: `retrying()` wraps the dispatcher in undici's `RetryAgent` for
 *   idempotent GETs only (see `DEFAULT_RETRY_OPTIONS`); POST and DELETE never
 *   go through it.
 *
 * TLS is verified. `ca` (PEM text) is trusted IN ADDITION to Node's bundled roots.
 * No `vscode` import.
 */
import * as tls from 'node:tls';
import { Dispatcher, EnvHttpProxyAgent, RetryAgent } from 'undici';

/** Options of `createDispatcher`. */
export interface DispatcherOptions {
  /** Extra CA certificate(s), PEM text, trusted in addition to the bundled roots (e.g. the content of `telegrafController.caFile`). */
  ca?: string;
  /**
   * Origins (`https://host:port`) whose certificate is accepted without
   * verification: the user's explicit, warned exceptions. Any other origin,
   * including another port of the same host, is verified.
   */
  untrustedOrigins?: readonly string[];
  /** Called for each request sent to an origin of `untrustedOrigins`, with that origin. */
  onUntrustedUse?: (origin: string) => void;
  /** Proxy URL (`http://[user:pass@]host:port` or `https://…`) for every target; absent = `HTTP_PROXY` / `HTTPS_PROXY` of the environment. */
  proxyUrl?: string;
  /** NO_PROXY-style list of hosts that bypass the proxy; absent = `NO_PROXY` of the environment. */
  noProxy?: string;
  /** Verify the certificate of an https proxy (VS Code's `http.proxyStrictSSL`). Default true. */
  proxyStrictSSL?: boolean;
  /** TCP + TLS connect timeout in ms (default 10000). */
  connectTimeoutMs?: number;
}

/** Default connect timeout, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Retry policy of idempotent GETs, in undici `RetryAgent` terms. `maxRetries` counts retries after the first try. */
export interface RetryOptions {
  maxRetries: number;
  /** First delay, ms; doubled each retry. */
  minTimeout: number;
  /** Largest delay, ms; a longer `Retry-After` is cut to it. */
  maxTimeout: number;
}

/** Default retry policy: 2 retries, 250 ms then 500 ms, never more than 4 s (also for `Retry-After`). */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = { maxRetries: 2, minTimeout: 250, maxTimeout: 4000 };

/** Statuses a GET is retried on: rate limited, and the gateway/unavailable family (docs/api-contract.md "Errors"). */
export const RETRY_STATUS_CODES: readonly number[] = [429, 502, 503, 504];

/**
 * A dispatcher that sends each request through the agent of its origin
 * (see the file comment). `usesProxy` tells the client whether a proxy is
 * configured at all, so a failure to reach it is worded as a proxy error.
 */
export class ControllerDispatcher extends Dispatcher {
  private readonly agents = new Map<string, EnvHttpProxyAgent>();
  private readonly untrusted: ReadonlySet<string>;
  private readonly opts: DispatcherOptions;
  private closed = false;

  /** See `createDispatcher`. Throws `TypeError` for an unparsable `proxyUrl`. */
  constructor(opts: DispatcherOptions = {}) {
    super();
    if (opts.proxyUrl) new URL(opts.proxyUrl); // fail early on a bad setting
    this.opts = opts;
    this.untrusted = new Set((opts.untrustedOrigins ?? []).map(originOf).filter((o): o is string => o !== undefined));
  }

  /** True when a proxy is configured (explicitly or by `HTTP_PROXY`/`HTTPS_PROXY`); NO_PROXY may still exempt a target. */
  get usesProxy(): boolean {
    const env = process.env;
    return Boolean(this.opts.proxyUrl || env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
  }

  /** The agent of `origin`, created on first use with that origin's TLS trust. */
  private agentFor(origin: string): EnvHttpProxyAgent {
    let agent = this.agents.get(origin);
    if (!agent) {
      const timeout = this.opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const target = {
        timeout,
        ...(this.opts.ca?.trim() ? { ca: [...tls.rootCertificates, this.opts.ca] } : {}),
        ...(this.untrusted.has(origin) ? { rejectUnauthorized: false } : {}),
      };
      const proxyTls = {
        timeout,
        ...(this.opts.ca?.trim() ? { ca: [...tls.rootCertificates, this.opts.ca] } : {}),
        ...(this.opts.proxyStrictSSL === false ? { rejectUnauthorized: false } : {}),
      };
      // `requestTls`/`proxyTls` are ProxyAgent options; EnvHttpProxyAgent passes its options on to the
      // ProxyAgent it creates for a proxied target, and `connect` to the Agent of a direct one.
      const options: EnvHttpProxyAgent.Options & { requestTls: typeof target; proxyTls: typeof proxyTls } = {
        connect: target,
        requestTls: target,
        proxyTls,
        ...(this.opts.proxyUrl ? { httpProxy: this.opts.proxyUrl, httpsProxy: this.opts.proxyUrl } : {}),
        ...(this.opts.noProxy !== undefined ? { noProxy: this.opts.noProxy } : {}),
      };
      agent = new EnvHttpProxyAgent(options);
      this.agents.set(origin, agent);
    }
    return agent;
  }

  /** @inheritdoc */
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = originOf(String(options.origin ?? '')) ?? String(options.origin ?? '');
    if (this.closed) throw new TypeError('dispatcher is closed');
    if (this.untrusted.has(origin)) this.opts.onUntrustedUse?.(origin);
    return this.agentFor(origin).dispatch(options, handler);
  }

  /** Closes every agent (waits for in-flight requests). */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.closed = true;
    const p = Promise.all([...this.agents.values()].map((a) => a.close())).then(() => undefined);
    if (callback) {
      void p.then(callback, callback);
      return;
    }
    return p;
  }

  /** Destroys every agent (aborts in-flight requests). */
  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    this.closed = true;
    const err = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const p = Promise.all([...this.agents.values()].map((x) => x.destroy(err))).then(() => undefined);
    if (callback) {
      void p.then(callback, callback);
      return;
    }
    return p;
  }
}

/** `scheme://host:port` of a URL with the default port made explicit, or undefined when it is not a URL. */
function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
  } catch {
    return undefined;
  }
}

/**
 * Creates the dedicated dispatcher of a controller connection. Never installs
 * it globally. Close it (`await d.close()`) when the connection is dropped.
 * Throws `TypeError` when `proxyUrl` is not a URL.
 */
export function createDispatcher(opts: DispatcherOptions = {}): ControllerDispatcher {
  return new ControllerDispatcher(opts);
}

/**
 * `dispatcher` wrapped in undici's `RetryAgent`: transient failures of a GET
 * (connection reset or refused, socket errors, the `RETRY_STATUS_CODES`) are
 * retried with exponential backoff, honouring `Retry-After` up to
 * `maxTimeout`. Only GET is retried. Closing the result closes `dispatcher`: close the
 * dispatcher itself instead.
 */
export function retrying(dispatcher: Dispatcher, retry: RetryOptions = DEFAULT_RETRY_OPTIONS): Dispatcher {
  return new RetryAgent(dispatcher, {
    methods: ['GET'],
    statusCodes: [...RETRY_STATUS_CODES],
    maxRetries: retry.maxRetries,
    minTimeout: retry.minTimeout,
    maxTimeout: retry.maxTimeout,
    timeoutFactor: 2,
    retryAfter: true,
  });
}
