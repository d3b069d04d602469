import * as vscode from 'vscode';
import { DEFAULT_PAGE_LIMIT, type Token } from '../core/api/contract';
import { ControllerError } from '../core/api/errors';
import { loadPages } from '../core/paging';
import type { Logger } from '../infra/logger';
import type { SecretVault } from '../infra/secretVault';
import { describe, type ControllerConnection } from './controllerConnection';

/** What the explorer shows: tokens, which of them have a stored value, and the last error. */
export interface TokenSnapshot {
  /** True while a load is running (pages may still be arriving: see `progress`). */
  loading: boolean;
  /** Tokens loaded so far (all of them once `loading` is false), in the order they arrived. */
  tokens: readonly Token[];
  /** Ids of tokens whose value is in SecretStorage. */
  stored: ReadonlySet<string>;
  /** Sentence for the user when the last load failed (the previous list is kept). */
  error?: string;
  /** UTC ms of the last complete load. */
  loadedAt?: number;
  /** While pages arrive: tokens loaded and the server's total. */
  progress?: { loaded: number; total: number };
}

/**
 * The token list of a connection, as every feature sees it: fetch, cache,
 * `onDidChange`. What features receive as `store` is the store of the
 * *active* connection (`ActiveTokenStore`); each connection has its own
 * {@link ConnectionTokenStore}.
 */
export interface TokenStore {
  /** Fires whenever the snapshot changes. */
  readonly onDidChange: vscode.Event<void>;
  /** The current snapshot. */
  readonly snapshot: TokenSnapshot;
  /** A token of the current list by id. */
  find(id: string): Token | undefined;
  /** Clears the list (e.g. after sign-out). */
  clear(): void;
  /** Re-reads which values are stored (SecretStorage changed), without calling the server. */
  refreshStored(): Promise<void>;
  /** Loads every page; resolves when the whole list is in. Concurrent calls share one load. Never throws. */
  refresh(): Promise<void>;
  /** Replaces or adds one token in the cached list (after revoke/create/reassign) without a reload. */
  upsert(token: Token): void;
  /** Removes one token from the cached list (after delete). */
  remove(id: string): void;
}

/** How often (ms) the snapshot is published while later pages arrive (page 1 is published at once). */
const PUBLISH_INTERVAL_MS = 250;

/**
 * Fetches and caches one connection's tokens. A Manager's list holds only
 * their own tokens; Owners and Administrators see everyone's (docs/api-contract.md
 * "Roles"). Loading is paged (`GET /api/tokens?page=&limit=100`, docs/api-contract.md
 * Part B): page 1 is published at once, the other pages are fetched a few at a
 * time in the background and published at most every 250 ms, so a list of
 * 10,000 tokens never holds up the window. Failures keep the previous list and
 * set `error`; a 401 signs the connection out.
 */
export class ConnectionTokenStore implements TokenStore, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires whenever the snapshot changes. */
  readonly onDidChange = this.emitter.event;
  private snap: TokenSnapshot = { loading: false, tokens: [], stored: new Set() };
  private generation = 0;
  private inflight: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private byId = new Map<string, Token>();

  constructor(
    private readonly connection: ControllerConnection,
    private readonly vault: SecretVault,
    private readonly log: Logger,
  ) {}

  /** The current snapshot. */
  get snapshot(): TokenSnapshot {
    return this.snap;
  }

  /** True once a load was started (the explorer loads a connection's list when it is first shown). */
  get started(): boolean {
    return this.generation > 0;
  }

  /** A token of the current list by id. */
  find(id: string): Token | undefined {
    return this.byId.get(id);
  }

  /** Clears the list and stops a running load. */
  clear(): void {
    this.generation++;
    this.inflight = undefined;
    this.abort?.abort(new Error('cleared'));
    this.abort = undefined;
    this.update({ loading: false, tokens: [], stored: new Set(), error: undefined, loadedAt: undefined, progress: undefined });
  }

  /** Re-reads which values are stored (SecretStorage changed), without calling the server. */
  async refreshStored(): Promise<void> {
    const origin = this.connection.origin;
    const stored = origin ? await this.vault.storedTokenIds(origin) : new Set<string>();
    const same = stored.size === this.snap.stored.size && [...stored].every((id) => this.snap.stored.has(id));
    if (!same) this.update({ stored });
  }

  /** Loads every page. Concurrent calls share one load. Never throws. */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    const gen = ++this.generation;
    const abort = new AbortController();
    this.abort?.abort(new Error('superseded'));
    this.abort = abort;
    this.update({ loading: true });
    const run = (async () => {
      const started = Date.now();
      try {
        const origin = this.connection.origin;
        const api = this.connection.api();
        const storedP = origin ? this.vault.storedTokenIds(origin) : Promise.resolve(new Set<string>());
        let acc: Token[] = [];
        let lastPublish = 0;
        let pending: NodeJS.Timeout | undefined;
        const publish = (loaded: number, total: number) => {
          if (gen !== this.generation) return;
          lastPublish = Date.now();
          this.setTokens(acc, { loading: true, progress: { loaded, total } });
        };
        const all = await loadPages<Token>(
          async (page, signal) => {
            const res = await api.listTokens({ page, limit: DEFAULT_PAGE_LIMIT }, signal);
            return { items: res.tokens, total: res.total, records: res.tokens.length + res.unusable.length };
          },
          {
            limit: DEFAULT_PAGE_LIMIT,
            concurrency: 4,
            signal: abort.signal,
            key: (t) => t.id,
            onPage: (items, loaded, total) => {
              acc = acc.concat(items);
              if (pending) return;
              const wait = lastPublish === 0 ? 0 : PUBLISH_INTERVAL_MS - (Date.now() - lastPublish);
              if (wait <= 0) publish(loaded, total);
              else {
                pending = setTimeout(() => {
                  pending = undefined;
                  publish(acc.length, total);
                }, wait);
              }
            },
          },
        );
        if (pending) clearTimeout(pending);
        const stored = await storedP;
        if (gen !== this.generation) return;
        this.setTokens(all, { loading: false, stored, error: undefined, loadedAt: Date.now(), progress: undefined });
        this.log.debug(`[${this.connection.name}] listed ${all.length} tokens in ${Date.now() - started} ms.`);
      } catch (e) {
        if (gen !== this.generation) return;
        this.log.warn(`[${this.connection.name}] listing tokens failed: ${describe(e)}`);
        const signedOut = await this.connection.noteFailure(e);
        if (signedOut) {
          this.clear();
          return;
        }
        this.update({ loading: false, progress: undefined, error: e instanceof ControllerError ? e.userMessage : describe(e) });
      } finally {
        if (gen === this.generation) {
          this.inflight = undefined;
          this.abort = undefined;
        }
      }
    })();
    this.inflight = run;
    return run;
  }

  /** Replaces or adds one token in the cached list (after revoke/create/reassign) without a reload. */
  upsert(token: Token): void {
    const tokens = this.byId.has(token.id) ? this.snap.tokens.map((t) => (t.id === token.id ? token : t)) : [token, ...this.snap.tokens];
    this.setTokens(tokens, {});
  }

  /** Removes one token from the cached list (after delete). */
  remove(id: string): void {
    this.removeMany([id]);
  }

  /** Removes several tokens from the cached list (after a bulk delete). */
  removeMany(ids: readonly string[]): void {
    const gone = new Set(ids);
    if (![...gone].some((id) => this.byId.has(id))) return;
    this.setTokens(
      this.snap.tokens.filter((t) => !gone.has(t.id)),
      {},
    );
  }

  /** Replaces several tokens at once (after a bulk revoke/reassign), one change event. */
  upsertMany(tokens: readonly Token[]): void {
    if (tokens.length === 0) return;
    const next = new Map(tokens.map((t) => [t.id, t]));
    const list = this.snap.tokens.map((t) => next.get(t.id) ?? t);
    const fresh = tokens.filter((t) => !this.byId.has(t.id));
    this.setTokens(fresh.length ? [...fresh, ...list] : list, {});
  }

  dispose(): void {
    this.abort?.abort(new Error('disposed'));
    this.emitter.dispose();
  }

  private setTokens(tokens: readonly Token[], patch: Partial<TokenSnapshot>): void {
    this.byId = new Map(tokens.map((t) => [t.id, t]));
    this.update({ ...patch, tokens });
  }

  private update(patch: Partial<TokenSnapshot>): void {
    if ('tokens' in patch && patch.tokens && patch.tokens.length === 0) this.byId = new Map();
    this.snap = { ...this.snap, ...patch };
    this.emitter.fire();
  }
}
