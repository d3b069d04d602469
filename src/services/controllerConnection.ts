import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { ControllerClient, type Credential } from '../core/api/client';
import type { AuthStatus, User } from '../core/api/contract';
import { createDispatcher } from '../core/api/dispatcher';
import { ControllerError, isAuthFailure } from '../core/api/errors';
import type { ViewState } from '../constants';
import type { Logger } from '../infra/logger';
import { originOf, type SecretVault, type StoredCredential } from '../infra/secretVault';
import { networkSettings } from '../infra/settings';

/** A snapshot of a connection's sign-in state. */
export interface ConnectionSnapshot {
  state: ViewState;
  url?: string;
  origin?: string;
  user?: User;
  /** Sentence for the user when `state` is `error` or `needsSignIn`. */
  message?: string;
}

/**
 * A connection to one controller as every feature sees it: its state, the
 * signed-in user, the API client, sign-in and sign-out.
 *
 * What features receive as `connection` is the *active* connection (see
 * `ConnectionManager` and `ActiveConnection`): the one commands and the
 * config-file features act on and the status bar shows. Each configured
 * controller is a {@link DirectConnection}.
 *
 * States (docs/api-contract.md "Authentication"): `needsServer` (no URL),
 * `needsSignIn` (no credential, or it was rejected with a 401), `ready`,
 * `error` (unreachable or failing server; the credential is kept).
 */
export interface ControllerConnection {
  /** Fires on every state change (for the active connection: also when another connection becomes active). */
  readonly onDidChange: vscode.Event<ConnectionSnapshot>;
  /** Current state. */
  readonly current: ConnectionSnapshot;
  /** The signed-in user, when `ready`. */
  readonly user: User | undefined;
  /** Origin of the configured URL, when one is set (the key of its secrets). */
  readonly origin: string | undefined;
  /** A short label for logs and titles, e.g. `admin @ production` (the name is the host when none was given). */
  readonly label: string;
  /** The connection's name (setting `telegrafController.connections`), or the host for the single `telegrafController.url`. */
  readonly name: string;
  /** Identity of the connection: its normalised URL; undefined when there is none. */
  readonly key: string | undefined;
  /** The API client carrying the credential. Throws a ControllerError of kind `missing-auth` when not signed in. */
  api(): ControllerClient;
  /** Points the connection at `url` and tries the stored credential of that origin. Never throws. */
  open(url: string | undefined): Promise<ConnectionSnapshot>;
  /** Verifies `credential` with `GET /api/auth/me` and stores it on success. Throws ControllerError (state kept). */
  signInWith(url: string, credential: StoredCredential): Promise<User>;
  /** Local login (`POST /api/auth/login/local`) returning the session credential. Throws ControllerError. */
  loginLocal(url: string, username: string, password: string): Promise<StoredCredential>;
  /** Signs out: best-effort server logout for sessions, then forgets the credential. */
  signOut(): Promise<void>;
  /** A 401-class failure of an API call signs the connection out; returns true when it did. */
  noteFailure(e: unknown): Promise<boolean>;
}

/**
 * One controller: URL, stored credential (SecretStorage, keyed by origin),
 * signed-in user and the API client that carries the credential.
 */
export class DirectConnection implements ControllerConnection, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ConnectionSnapshot>();
  /** Fires on every state change. */
  readonly onDidChange = this.emitter.event;
  private snapshot: ConnectionSnapshot = { state: 'needsServer' };
  private client: ControllerClient | undefined;
  private dispatcher: { close(): Promise<void> } | undefined;
  private displayName: string | undefined;

  /** `name`: how the user calls this controller (default: the URL's host). */
  constructor(
    private readonly vault: SecretVault,
    private readonly log: Logger,
    name?: string,
  ) {
    this.displayName = name;
  }

  /** Current state. */
  get current(): ConnectionSnapshot {
    return this.snapshot;
  }

  /** The signed-in user, when `ready`. */
  get user(): User | undefined {
    return this.snapshot.state === 'ready' ? this.snapshot.user : undefined;
  }

  /** Origin of the configured URL, when one is set. */
  get origin(): string | undefined {
    return this.snapshot.origin;
  }

  /** Normalised URL (the connection's identity), when set. */
  get key(): string | undefined {
    return this.snapshot.url;
  }

  /** The connection's name; the host when none was given. */
  get name(): string {
    if (this.displayName) return this.displayName;
    return this.snapshot.url ? safeHost(this.snapshot.url) : vscode.l10n.t('not connected');
  }

  /** A short label, e.g. `admin @ production` (or `admin @ localhost:8888` without a name). */
  get label(): string {
    return this.snapshot.user ? `${this.snapshot.user.username} @ ${this.name}` : this.name;
  }

  /** Renames the connection (fires `onDidChange` with the same state). */
  rename(name: string | undefined): void {
    if (name === this.displayName) return;
    this.displayName = name;
    this.emitter.fire(this.snapshot);
  }

  /**
   * The API client carrying the credential. Throws a ControllerError of kind
   * `missing-auth` when not signed in.
   */
  api(): ControllerClient {
    if (!this.client || this.snapshot.state === 'needsSignIn' || this.snapshot.state === 'needsServer') {
      throw new ControllerError({
        kind: 'missing-auth',
        userMessage: this.snapshot.url
          ? vscode.l10n.t('Not signed in to the Telegraf Controller "{0}". Run "Telegraf Controller: Sign In".', this.name)
          : vscode.l10n.t('Not signed in to a Telegraf Controller. Run "Telegraf Controller: Connect…".'),
      });
    }
    return this.client;
  }

  /**
   * Points the connection at `url` and tries the stored credential of that
   * origin (never another origin's). Never throws: failures become states.
   */
  async open(url: string | undefined): Promise<ConnectionSnapshot> {
    if (!url) return this.set({ state: 'needsServer' });
    let origin: string;
    try {
      origin = originOf(url);
    } catch {
      return this.set({ state: 'error', url, message: vscode.l10n.t('The controller URL "{0}" is not a valid URL.', url) });
    }
    const credential = await this.vault.getCredential(origin);
    if (!credential) return this.set({ state: 'needsSignIn', url, origin });
    return this.verify(url, origin, credential);
  }

  /**
   * Signs in with a stored-credential candidate: verifies it with
   * `GET /api/auth/me`, stores it on success. Throws ControllerError on failure
   * (the previous state is kept).
   */
  async signInWith(url: string, credential: StoredCredential): Promise<User> {
    const origin = originOf(url);
    const made = await this.makeClient(url, toClientCredential(credential));
    let user: User;
    try {
      user = await made.client.me();
      await this.vault.setCredential(origin, credential);
    } catch (e) {
      // The connection keeps its previous client (and that client's connection pool).
      discard(made);
      throw e;
    }
    this.adopt(made);
    this.set({ state: 'ready', url, origin, user });
    this.log.info(`Signed in to ${origin} as ${user.username} (${user.role}).`);
    return user;
  }

  /**
   * Checks that `url` answers like a controller API: `GET /api/auth/status`
   * without a credential (docs/api-contract.md "Auth"). Sends no credential and
   * changes no state. Throws ControllerError (connection refused, HTML page,
   * 404/405, wrong shape, …).
   */
  async probe(url: string): Promise<AuthStatus> {
    const made = await this.makeClient(url, { kind: 'none' });
    try {
      return await made.client.authStatus();
    } finally {
      discard(made);
    }
  }

  /** Local login (`POST /api/auth/login/local`), returning the session credential. Throws ControllerError. */
  async loginLocal(url: string, username: string, password: string): Promise<StoredCredential> {
    // A client of its own: a failed login must not disturb the signed-in client of this connection.
    const made = await this.makeClient(url, { kind: 'none' });
    try {
      const { cookie } = await made.client.loginLocal(username, password);
      return { kind: 'session', cookie, username };
    } finally {
      discard(made);
    }
  }

  /** Signs out: best-effort server logout for sessions, then forgets the credential. */
  async signOut(): Promise<void> {
    const { origin, url } = this.snapshot;
    if (!origin) return;
    const credential = await this.vault.getCredential(origin);
    if (credential?.kind === 'session' && this.client) {
      await this.client.logout().catch((e: unknown) => this.log.warn(`Logout request failed (ignored): ${describe(e)}`));
    }
    await this.vault.deleteCredential(origin);
    this.client = undefined;
    this.log.info(`Signed out of ${origin}.`);
    this.set({ state: 'needsSignIn', url, origin });
  }

  /**
   * Reacts to an error of an API call: a 401-class failure puts the connection
   * into `needsSignIn` (the stored credential is dropped; everything else is
   * kept). Returns true when it did.
   */
  async noteFailure(e: unknown): Promise<boolean> {
    if (!isAuthFailure(e) || this.snapshot.state !== 'ready') return false;
    const { origin, url } = this.snapshot;
    if (origin) await this.vault.deleteCredential(origin);
    this.client = undefined;
    const message = e instanceof ControllerError ? e.userMessage : vscode.l10n.t('Signed out.');
    this.log.warn(`Signed out of ${origin}: ${message}`);
    this.set({ state: 'needsSignIn', url, origin, message });
    return true;
  }

  dispose(): void {
    void this.dispatcher?.close().catch(() => undefined);
    this.emitter.dispose();
  }

  private async verify(url: string, origin: string, credential: StoredCredential): Promise<ConnectionSnapshot> {
    let made: MadeClient | undefined;
    try {
      made = await this.makeClient(url, toClientCredential(credential));
      const user = await made.client.me();
      this.adopt(made);
      return this.set({ state: 'ready', url, origin, user });
    } catch (e) {
      if (made) discard(made);
      this.log.warn(`Could not verify the stored credential for ${origin}: ${describe(e)}`);
      if (isAuthFailure(e)) {
        await this.vault.deleteCredential(origin);
        return this.set({ state: 'needsSignIn', url, origin, message: e instanceof ControllerError ? e.userMessage : undefined });
      }
      return this.set({ state: 'error', url, origin, message: e instanceof ControllerError ? e.userMessage : describe(e) });
    }
  }

  /** Makes `made` this connection's client; closes the previous client's dispatcher. */
  private adopt(made: MadeClient): void {
    const old = this.dispatcher;
    this.dispatcher = made.dispatcher;
    this.client = made.client;
    if (old && old !== made.dispatcher) void old.close().catch(() => undefined);
  }

  /** A client with a dispatcher of its own (not yet this connection's: see {@link adopt}). */
  private async makeClient(url: string, credential: Credential): Promise<MadeClient> {
    const net = networkSettings();
    let ca: string | undefined;
    if (net.caFile) {
      try {
        ca = await fs.readFile(net.caFile, 'utf8');
      } catch (e) {
        throw new ControllerError({
          kind: 'tls',
          userMessage: vscode.l10n.t(
            'The CA file set in telegrafController.caFile ({0}) could not be read: {1}.',
            net.caFile,
            (e as NodeJS.ErrnoException).code ?? 'error',
          ),
        });
      }
    }
    // TLS exceptions stay with the origins the user listed (never the heartbeat port or another host); each use is logged.
    if (!net.proxyStrictSSL && (net.proxy || process.env.HTTPS_PROXY || process.env.https_proxy)) {
      this.log.warn(`http.proxyStrictSSL is false: the proxy's TLS certificate is NOT verified for ${url} (the controller's own certificate still is).`);
    }
    const dispatcher = createDispatcher({
      ca,
      untrustedOrigins: net.allowUntrustedOrigins.map((o) => safeOrigin(o)).filter((o): o is string => !!o),
      onUntrustedUse: (o) => this.log.warn(`TLS certificate verification is OFF for ${o} (telegrafController.allowUntrustedCertificates).`),
      ...(net.proxy ? { proxyUrl: net.proxy } : {}),
      proxyStrictSSL: net.proxyStrictSSL,
      connectTimeoutMs: net.connectTimeoutMs,
    });
    const client = new ControllerClient({
      baseUrl: url,
      credential,
      timeoutMs: net.requestTimeoutMs,
      connectTimeoutMs: net.connectTimeoutMs,
      dispatcher,
      log: (level, message) => this.log[level](message),
    });
    return { client, dispatcher };
  }

  private set(s: ConnectionSnapshot): ConnectionSnapshot {
    this.snapshot = s;
    this.emitter.fire(s);
    return s;
  }
}

/** A client and the dispatcher (connection pool) it alone uses. */
interface MadeClient {
  client: ControllerClient;
  dispatcher: { close(): Promise<void> };
}

/** Closes the dispatcher of a client that was not adopted. */
function discard(made: MadeClient): void {
  void made.dispatcher.close().catch(() => undefined);
}

function toClientCredential(c: StoredCredential): Credential {
  return c.kind === 'session' ? { kind: 'session', cookie: c.cookie } : { kind: 'token', token: c.token };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function safeOrigin(s: string): string | undefined {
  try {
    return new URL(s).origin;
  } catch {
    return undefined;
  }
}

/** A loggable description of any thrown value (ControllerError messages carry no secrets). */
export function describe(e: unknown): string {
  if (e instanceof ControllerError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
