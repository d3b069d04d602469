import * as vscode from 'vscode';
import type { Token } from '../../core/api/contract';
import { ControllerError } from '../../core/api/errors';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import { describe, type ControllerConnection } from '../connection/controllerConnection';

/** What the explorer shows: tokens, which of them have a stored value, and the last error. */
export interface TokenSnapshot {
  loading: boolean;
  tokens: readonly Token[];
  /** Ids of tokens whose value is in SecretStorage. */
  stored: ReadonlySet<string>;
  /** Sentence for the user when the last load failed (the previous list is kept). */
  error?: string;
  /** UTC ms of the last successful load. */
  loadedAt?: number;
}

/**
 * Fetches and caches the signed-in user's tokens (all pages), apart from the
 * tree that shows them. A Manager's list holds only their own tokens; Owners and
 * Administrators see everyone's (MODEL.md Part A "Roles"). Failures keep the
 * previous list and set `error`; a 401 signs the connection out.
 */
export class TokenStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires whenever the snapshot changes. */
  readonly onDidChange = this.emitter.event;
  private snap: TokenSnapshot = { loading: false, tokens: [], stored: new Set() };
  private generation = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly connection: ControllerConnection,
    private readonly vault: SecretVault,
    private readonly log: Logger,
  ) {}

  /** The current snapshot. */
  get snapshot(): TokenSnapshot {
    return this.snap;
  }

  /** A token of the current list by id. */
  find(id: string): Token | undefined {
    return this.snap.tokens.find((t) => t.id === id);
  }

  /** Clears the list (e.g. after sign-out). */
  clear(): void {
    this.generation++;
    this.inflight = undefined;
    this.update({ loading: false, tokens: [], stored: new Set(), error: undefined, loadedAt: undefined });
  }

  /** Re-reads which values are stored (SecretStorage changed), without calling the server. */
  async refreshStored(): Promise<void> {
    const origin = this.connection.origin;
    const stored = origin ? await this.vault.storedTokenIds(origin) : new Set<string>();
    this.update({ stored });
  }

  /** Loads all tokens. Concurrent calls share one request. Never throws. */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    const gen = ++this.generation;
    this.update({ loading: true });
    const run = (async () => {
      try {
        const origin = this.connection.origin;
        const [tokens, stored] = await Promise.all([
          this.connection.api().listAllTokens(),
          origin ? this.vault.storedTokenIds(origin) : Promise.resolve(new Set<string>()),
        ]);
        if (gen !== this.generation) return;
        this.update({ loading: false, tokens, stored, error: undefined, loadedAt: Date.now() });
      } catch (e) {
        if (gen !== this.generation) return;
        this.log.warn(`Listing tokens failed: ${describe(e)}`);
        const signedOut = await this.connection.noteFailure(e);
        if (signedOut) {
          this.clear();
          return;
        }
        this.update({ loading: false, error: e instanceof ControllerError ? e.userMessage : describe(e) });
      } finally {
        if (gen === this.generation) this.inflight = undefined;
      }
    })();
    this.inflight = run;
    return run;
  }

  /** Replaces or adds one token in the cached list (after revoke/create) without a reload. */
  upsert(token: Token): void {
    const tokens = this.snap.tokens.some((t) => t.id === token.id)
      ? this.snap.tokens.map((t) => (t.id === token.id ? token : t))
      : [token, ...this.snap.tokens];
    this.update({ tokens });
  }

  /** Removes one token from the cached list (after delete). */
  remove(id: string): void {
    this.update({ tokens: this.snap.tokens.filter((t) => t.id !== id) });
  }

  dispose(): void {
    this.emitter.dispose();
  }

  private update(patch: Partial<TokenSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.emitter.fire();
  }
}
