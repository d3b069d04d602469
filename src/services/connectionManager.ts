import * as vscode from 'vscode';
import type { User } from '../core/api/contract';
import type { ControllerClient } from '../core/api/client';
import { ControllerError } from '../core/api/errors';
import { hostOf, normalizeControllerUrl, parseConnections, toSettings, uniqueName, type ConnectionEntry } from '../core/connections';
import { canManageTokens } from '../core/roles';
import type { Logger } from '../infra/logger';
import { originOf, type SecretVault, type StoredCredential } from '../infra/secretVault';
import { controllerConnectionsSetting, controllerUrl, saveControllerConnections, setControllerUrl } from '../infra/settings';
import { ConnectionTokenStore, type TokenSnapshot, type TokenStore } from './tokenStore';
import { DirectConnection, type ConnectionSnapshot, type ControllerConnection } from './controllerConnection';

/** workspaceState key of the active connection's key (its normalised URL; no secret). */
const ACTIVE_KEY = 'telegrafController.activeConnection';

/** One configured controller: its settings entry, connection and token list. */
export interface ConnectionHandle {
  /** Identity: the normalised URL. */
  readonly key: string;
  /** Current name. */
  readonly name: string;
  readonly url: string;
  /** Which setting holds it: `telegrafController.connections` or the single `telegrafController.url`. */
  readonly source: ConnectionEntry['source'];
  readonly connection: DirectConnection;
  readonly store: ConnectionTokenStore;
}

class Handle implements ConnectionHandle {
  /** True once the explorer showed this connection's tokens (or it was active): its list is kept loaded. */
  wanted = false;
  /** The first `open()` of the connection (reloads wait for it). */
  opened: Promise<unknown> = Promise.resolve();
  /** Listener of the connection's state (set right after construction). */
  subscription: vscode.Disposable = { dispose: () => undefined };
  constructor(
    public entry: ConnectionEntry,
    readonly connection: DirectConnection,
    readonly store: ConnectionTokenStore,
  ) {}
  get key(): string {
    return this.entry.key;
  }
  get name(): string {
    return this.entry.name;
  }
  get url(): string {
    return this.entry.url;
  }
  get source(): ConnectionEntry['source'] {
    return this.entry.source;
  }
}

/**
 * Every configured controller (setting `telegrafController.connections` plus
 * the single `telegrafController.url`), each with its own
 * {@link DirectConnection} (credential keyed by origin in SecretStorage) and
 * {@link ConnectionTokenStore}, and which one is *active* (remembered per
 * workspace). A connection's tokens are loaded when it is signed in and
 * either active or shown in the explorer.
 */
export class ConnectionManager implements vscode.Disposable {
  private handles: Handle[] = [];
  /**
   * False until the first `reload` has read the settings and opened every connection (stored credential
   * checked): before that, "no connection" or "signed out" would not be true yet.
   */
  loaded = false;
  private activeKey: string | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly activeEmitter = new vscode.EventEmitter<ConnectionHandle | undefined>();
  private readonly stateEmitter = new vscode.EventEmitter<ConnectionHandle>();
  /** Fires when connections were added, removed or renamed, or the active one changed. */
  readonly onDidChange = this.changeEmitter.event;
  /** Fires when another connection became active. */
  readonly onDidChangeActive = this.activeEmitter.event;
  /** Fires when a connection's sign-in state changed. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Problems of the last read of the settings (invalid entries), for the log. */
  problems: string[] = [];

  constructor(
    private readonly vault: SecretVault,
    private readonly log: Logger,
    private readonly memento: vscode.Memento,
  ) {
    this.activeKey = memento.get<string>(ACTIVE_KEY);
  }

  /** Every connection, in settings order. */
  get all(): readonly ConnectionHandle[] {
    return this.handles;
  }

  /** The active connection: the remembered one, else the first. */
  get active(): ConnectionHandle | undefined {
    return this.handles.find((h) => h.key === this.activeKey) ?? this.handles[0];
  }

  /** A connection by key (normalised URL). */
  get(key: string | undefined): ConnectionHandle | undefined {
    return key === undefined ? undefined : this.handles.find((h) => h.key === key);
  }

  /** The connection with this URL (normalised before comparing), if any. */
  findByUrl(url: string): ConnectionHandle | undefined {
    let key: string;
    try {
      key = normalizeControllerUrl(url);
    } catch {
      return undefined;
    }
    return this.get(key);
  }

  /**
   * Reads the settings and brings the list in line: new entries get a
   * connection (opened: it tries its stored credential), removed ones are
   * disposed, renamed ones keep their state. Never throws.
   */
  async reload(): Promise<void> {
    const { entries, problems } = parseConnections(controllerConnectionsSetting(), controllerUrl());
    for (const p of problems) if (!this.problems.includes(p)) this.log.warn(p);
    this.problems = problems;
    const before = this.active?.key;
    const next: Handle[] = [];
    const opened: Handle[] = [];
    for (const entry of entries) {
      const existing = this.handles.find((h) => h.key === entry.key);
      if (existing) {
        existing.entry = entry;
        existing.connection.rename(entry.name === hostOf(entry.url) ? undefined : entry.name);
        next.push(existing);
      } else {
        const h = this.create(entry);
        next.push(h);
        opened.push(h);
      }
    }
    for (const h of this.handles) {
      if (!next.includes(h)) this.disposeHandle(h);
    }
    this.handles = next;
    // A connection added to the settings never takes over: the active one stays active unless it was removed
    // (the active connection changes only when the user says so).
    if (before && before !== this.activeKey && next.some((h) => h.key === before)) {
      this.activeKey = before;
      void this.memento.update(ACTIVE_KEY, before);
    }
    const active = this.active as Handle | undefined;
    if (active) active.wanted = true;
    this.changeEmitter.fire();
    if (before !== this.active?.key) this.activeEmitter.fire(this.active);
    for (const h of opened) h.opened = h.connection.open(h.url);
    try {
      await Promise.all(next.map((h) => h.opened));
    } finally {
      if (!this.loaded) {
        this.loaded = true;
        this.changeEmitter.fire();
      }
    }
  }

  /** Re-opens every connection (after network settings changed). */
  async reopenAll(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.connection.open(h.url)));
  }

  /** Makes `key` the active connection (remembered per workspace) and loads its tokens when signed in. */
  async setActive(key: string): Promise<void> {
    const h = this.handles.find((x) => x.key === key);
    if (!h) throw new Error(vscode.l10n.t('No connection {0}.', key));
    const changed = this.active?.key !== key;
    this.activeKey = key;
    await this.memento.update(ACTIVE_KEY, key);
    this.want(h);
    if (changed) {
      this.log.info(`Active connection: ${h.name} (${h.url}).`);
      this.changeEmitter.fire();
      this.activeEmitter.fire(h);
    }
  }

  /**
   * Marks a connection as shown (its tokens stay loaded) and starts loading
   * them when signed in and not loaded yet.
   */
  want(handle: ConnectionHandle): void {
    const h = handle as Handle;
    h.wanted = true;
    if (isListable(h.connection.current) && !h.store.started) void h.store.refresh();
  }

  /**
   * Adds a connection to `telegrafController.connections` (or, when no
   * connection exists yet and `name` is the host, to the single
   * `telegrafController.url`, as before). Returns its handle. Throws `TypeError`
   * for an invalid URL; returns the existing handle when the URL is listed already.
   */
  async add(name: string | undefined, url: string): Promise<ConnectionHandle> {
    const key = normalizeControllerUrl(url);
    const existing = this.get(key);
    if (existing) return existing;
    const taken = new Set(this.handles.map((h) => h.name.toLowerCase()));
    const wanted = (name ?? '').trim();
    if (this.handles.length === 0 && (!wanted || wanted === hostOf(key)) && !controllerUrl()) {
      await setControllerUrl(key);
    } else {
      const entries: ConnectionEntry[] = [
        ...this.handles.map((h) => h.entry),
        { key, name: uniqueName(wanted || hostOf(key), taken), url: key, source: 'connections' },
      ];
      const s = toSettings(entries, controllerUrl());
      await saveControllerConnections(s.connections, s.clearUrl);
    }
    await this.reload();
    const h = this.get(key);
    if (!h) throw new Error(vscode.l10n.t('The connection {0} could not be saved in the settings.', key));
    return h;
  }

  /**
   * A connection that is not in the settings and not listed (Connect… uses
   * it to check a URL and sign in before the URL is saved). Its credential is
   * stored under the URL's origin on sign-in, so the connection added later
   * with {@link add} opens signed in. The caller disposes it.
   */
  detached(): DirectConnection {
    return new DirectConnection(this.vault, this.log);
  }

  /** Renames a connection (the single-URL entry moves into `telegrafController.connections`). */
  async rename(key: string, name: string): Promise<void> {
    const entries = this.handles.map((h) => (h.key === key ? { ...h.entry, name: name.trim() } : h.entry));
    const s = toSettings(entries, controllerUrl());
    await saveControllerConnections(s.connections, s.clearUrl);
    await this.reload();
  }

  /**
   * Removes a connection from the settings and forgets its credential unless
   * another connection uses the same origin. Stored token values are kept
   * (they are the user's; the status bar still counts them).
   */
  async remove(key: string): Promise<void> {
    const h = this.get(key);
    if (!h) return;
    const entries = this.handles.filter((x) => x.key !== key).map((x) => x.entry);
    const s = toSettings(entries, controllerUrl());
    await saveControllerConnections(s.connections, s.clearUrl);
    const origin = originOf(h.url);
    if (!entries.some((e) => originOf(e.url) === origin)) {
      await h.connection.signOut().catch((e: unknown) => this.log.warn(`Sign-out of ${h.name} failed (ignored): ${String(e)}`));
    }
    if (this.activeKey === key) {
      this.activeKey = undefined;
      await this.memento.update(ACTIVE_KEY, undefined);
    }
    await this.reload();
  }

  dispose(): void {
    for (const h of this.handles) this.disposeHandle(h);
    this.handles = [];
    this.changeEmitter.dispose();
    this.activeEmitter.dispose();
    this.stateEmitter.dispose();
  }

  private create(entry: ConnectionEntry): Handle {
    const connection = new DirectConnection(this.vault, this.log, entry.name === hostOf(entry.url) ? undefined : entry.name);
    const store = new ConnectionTokenStore(connection, this.vault, this.log);
    const h = new Handle(entry, connection, store);
    let prev: ConnectionSnapshot = connection.current;
    h.subscription = connection.onDidChange((s) => {
      // A rename fires with the same state: only a new sign-in (or another user / URL) reloads the list.
      const signedInAnew = !isListable(prev) || prev.user?.id !== s.user?.id || prev.url !== s.url;
      prev = s;
      if (isListable(s)) {
        if (signedInAnew && (h.wanted || h === this.active)) {
          h.wanted = true;
          void store.refresh();
        }
      } else if (store.snapshot.tokens.length || store.snapshot.loading || store.snapshot.error) {
        store.clear();
      }
      this.stateEmitter.fire(h);
    });
    return h;
  }

  private disposeHandle(h: Handle): void {
    h.subscription.dispose();
    h.store.dispose();
    h.connection.dispose();
  }
}

/** True when a connection's tokens can be listed: signed in as a user who may manage tokens (not a Viewer, docs/api-contract.md "Roles"). */
export function isListable(s: ConnectionSnapshot): boolean {
  return s.state === 'ready' && !!s.user && canManageTokens(s.user.role);
}

const NONE: ConnectionSnapshot = { state: 'needsServer' };

/**
 * The active connection as a {@link ControllerConnection}: every call goes to
 * the manager's active connection at the time of the call, and `onDidChange`
 * fires when that connection's state changes or another one becomes active.
 * This is what the other features receive as `connection`.
 */
export class ActiveConnection implements ControllerConnection, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ConnectionSnapshot>();
  /** Fires when the active connection's state changed or another connection became active. */
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly manager: ConnectionManager) {
    this.subs = [
      manager.onDidChangeState((h) => {
        if (h === manager.active) this.emitter.fire(h.connection.current);
      }),
      manager.onDidChangeActive(() => this.emitter.fire(this.current)),
    ];
  }

  private get target(): DirectConnection | undefined {
    return this.manager.active?.connection;
  }

  get current(): ConnectionSnapshot {
    return this.target?.current ?? NONE;
  }
  get user(): User | undefined {
    return this.target?.user;
  }
  get origin(): string | undefined {
    return this.target?.origin;
  }
  get label(): string {
    return this.target?.label ?? vscode.l10n.t('not connected');
  }
  get name(): string {
    return this.target?.name ?? vscode.l10n.t('not connected');
  }
  get key(): string | undefined {
    return this.manager.active?.key;
  }
  api(): ControllerClient {
    const t = this.target;
    if (!t)
      throw new ControllerError({
        kind: 'missing-auth',
        userMessage: vscode.l10n.t('Not connected to a Telegraf Controller. Run "Telegraf Controller: Connect…".'),
      });
    return t.api();
  }
  /** Opens `url` as the active connection (added to the settings when new). */
  async open(url: string | undefined): Promise<ConnectionSnapshot> {
    if (!url) return this.current;
    const h = this.manager.findByUrl(url) ?? (await this.manager.add(undefined, url));
    await this.manager.setActive(h.key);
    return h.connection.open(h.url);
  }
  /** Signs in to `url` (added to the settings when new) and makes it the active connection. */
  async signInWith(url: string, credential: StoredCredential): Promise<User> {
    const h = this.manager.findByUrl(url) ?? (await this.manager.add(undefined, url));
    const user = await h.connection.signInWith(h.url, credential);
    await this.manager.setActive(h.key);
    return user;
  }
  loginLocal(url: string, username: string, password: string): Promise<StoredCredential> {
    const h = this.manager.findByUrl(url);
    if (h) return h.connection.loginLocal(url, username, password);
    const t = this.target;
    if (!t) throw new ControllerError({ kind: 'missing-auth', userMessage: vscode.l10n.t('Not connected to a Telegraf Controller.') });
    return t.loginLocal(url, username, password);
  }
  async signOut(): Promise<void> {
    await this.target?.signOut();
  }
  async noteFailure(e: unknown): Promise<boolean> {
    return (await this.target?.noteFailure(e)) ?? false;
  }
  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

const EMPTY: TokenSnapshot = { loading: false, tokens: [], stored: new Set() };

/**
 * The active connection's token list as a {@link TokenStore}; `onDidChange`
 * fires when that list changes or another connection becomes active. This is
 * what the other features receive as `store`.
 */
export class ActiveTokenStore implements TokenStore, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the active list changed or another connection became active. */
  readonly onDidChange = this.emitter.event;
  private listening: vscode.Disposable | undefined;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly manager: ConnectionManager) {
    const follow = () => {
      this.listening?.dispose();
      this.listening = manager.active?.store.onDidChange(() => this.emitter.fire());
    };
    follow();
    this.subs = [
      manager.onDidChange(() => follow()),
      manager.onDidChangeActive(() => {
        follow();
        this.emitter.fire();
      }),
    ];
  }

  private get target(): ConnectionTokenStore | undefined {
    return this.manager.active?.store;
  }

  get snapshot(): TokenSnapshot {
    return this.target?.snapshot ?? EMPTY;
  }
  find(id: string) {
    return this.target?.find(id);
  }
  clear(): void {
    this.target?.clear();
  }
  async refreshStored(): Promise<void> {
    await this.target?.refreshStored();
  }
  async refresh(): Promise<void> {
    const a = this.manager.active;
    if (!a) return;
    if (!isListable(a.connection.current)) return;
    await a.store.refresh();
  }
  upsert(token: Parameters<TokenStore['upsert']>[0]): void {
    this.target?.upsert(token);
  }
  remove(id: string): void {
    this.target?.remove(id);
  }
  dispose(): void {
    this.listening?.dispose();
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}
