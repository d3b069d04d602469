/**
 * Finds out which token a value found in a config is, and whether the
 * configured controller accepts it.
 *
 * Order: (1) the value is stored in VS Code's SecretStorage for the
 * configured origin → its record in the token list decides (no request);
 * (2) otherwise, when signed in and `telegrafController.checkConfigTokens` is
 * on, `GET /api/auth/me` is sent WITH THE VALUE to the configured controller
 * only (never another host), which tells accepted / "Invalid token" /
 * "Token expired" / "Invalid token format" apart (docs/api-contract.md); for a
 * use that needs configs:read and no known record, `GET /api/configs` with
 * the value says whether it has it; (3) the prefix (first 12 characters)
 * is matched against the signed-in user's token list.
 *
 * Results are cached per origin and value FINGERPRINT (SHA-256), never per
 * value, with a TTL; concurrent asks for one value share one request. Checks
 * are rate-limited (src/core/checkLimiter.ts: a budget per window and at most
 * a few at a time), so a file with hundreds of distinct tokens never causes
 * hundreds of authentication attempts. In an untrusted workspace (Restricted
 * Mode) a value found in a file is sent only on an explicit command
 * (`explicit: true`, or inside {@link TokenResolver.explicitly}), never by
 * diagnostics, hovers or code actions on their own. Neither values nor
 * fingerprints are logged, and errors of these checks never sign the user
 * out (they concern the file's token, not the user's credential).
 */
import * as vscode from 'vscode';
import type { Token } from '../../core/api/contract';
import { ControllerError } from '../../core/api/errors';
import type { RequiredPermission } from '../../core/config/references';
import { tokensWithPrefixOf, valueFingerprint, type ControllerVerdict, type TokenFacts } from '../../core/config/tokenAssessment';
import { CheckLimiter, DEFAULT_CHECK_LIMITS, type CheckLimiterOptions } from '../../core/checkLimiter';
import { PREFIX, Settings } from '../../constants';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';

/** How long a controller answer is reused, ms. */
export const VERDICT_TTL_MS = 5 * 60_000;
/** How long "no answer" is reused before asking again, ms. */
export const UNREACHABLE_TTL_MS = 30_000;

interface CachedVerdict {
  at: number;
  ttl: number;
  verdict: ControllerVerdict;
  userId?: string;
  username?: string;
  configsRead?: boolean;
}

/** Whether config tokens may be checked against the controller (`telegrafController.checkConfigTokens`, default true). */
export function checkConfigTokensEnabled(): boolean {
  return vscode.workspace.getConfiguration(PREFIX).get<boolean>(Settings.checkConfigTokens) ?? true;
}

/** Resolves token values to records and controller verdicts (see the file comment). */
/** What of the token list can change an answer about a value: which tokens exist, their status and owner. */
function tokenSetKey(tokens: readonly Token[]): string {
  return tokens.map((t) => `${t.id}:${t.status}:${t.userId}`).join(',');
}

export class TokenResolver implements vscode.Disposable {
  private storedIndex: Promise<Map<string, string>> | undefined;
  private storedOrigin: string | undefined;
  private readonly cache = new Map<string, CachedVerdict>();
  private readonly inflight = new Map<string, Promise<CachedVerdict>>();
  private readonly subs: vscode.Disposable[];
  private readonly limiter: CheckLimiter;
  private readonly workspaceTrusted: () => boolean;
  private explicitDepth = 0;
  /** Ids, statuses and owners of the listed tokens when the cache was last valid (see the store subscription). */
  private tokenSet = '';
  private skipped = 0;

  constructor(
    private readonly connection: ControllerConnection,
    private readonly store: TokenStore,
    private readonly vault: SecretVault,
    private readonly log: Logger,
    opts: { limits?: CheckLimiterOptions; workspaceTrusted?: () => boolean } = {},
  ) {
    this.limiter = new CheckLimiter(opts.limits ?? DEFAULT_CHECK_LIMITS);
    this.workspaceTrusted = opts.workspaceTrusted ?? (() => vscode.workspace.isTrusted);
    this.subs = [
      vault.onDidChange(() => (this.storedIndex = undefined)),
      connection.onDidChange(() => {
        this.storedIndex = undefined;
        this.cache.clear();
      }),
      // A token deleted, revoked or reassigned (from the Tokens view, or by a refresh): earlier answers about
      // values may no longer hold (a deleted token's value is now rejected), so they are asked again.
      store.onDidChange(() => {
        const now = tokenSetKey(this.store.snapshot.tokens);
        if (now !== this.tokenSet) {
          this.tokenSet = now;
          this.cache.clear();
        }
      }),
    ];
  }

  /** Forgets every cached controller answer (e.g. after revoking or rotating). */
  clear(): void {
    this.cache.clear();
    this.storedIndex = undefined;
  }

  /** Id of the stored token whose value is `value` (for the configured origin), if any. */
  async storedIdFor(value: string): Promise<string | undefined> {
    return (await this.index()).get(valueFingerprint(value));
  }

  /**
   * Runs `task` as an explicit user command: checks it causes may send values
   * found in files even in an untrusted workspace (still deduplicated and
   * rate-limited).
   */
  async explicitly<T>(task: () => Promise<T>): Promise<T> {
    this.explicitDepth++;
    try {
      return await task();
    } finally {
      this.explicitDepth--;
    }
  }

  /**
   * Everything known about `value` for a use that needs `needs`.
   * `network: false` answers from SecretStorage, the token list and the cache only;
   * in an untrusted workspace `network` counts only with `explicit` (an explicit
   * command) or inside {@link explicitly}. Never throws.
   */
  async facts(value: string, needs: readonly RequiredPermission[], opts: { network: boolean; explicit?: boolean }): Promise<TokenFacts> {
    const tokens = this.store.snapshot.tokens;
    let token: Token | undefined;
    let via: TokenFacts['via'];
    const storedId = await this.storedIdFor(value).catch(() => undefined);
    if (storedId) {
      token = tokens.find((t) => t.id === storedId);
      if (token) via = 'stored';
    }
    if (token && via === 'stored') return { token, via, verdict: 'unchecked' };

    const candidates = tokensWithPrefixOf(value, tokens);
    const needsConfigs = needs.some((n) => n.resource === 'configs');
    let verdict: CachedVerdict | undefined = this.cached(value, needsConfigs);
    const mayAsk = opts.network && (opts.explicit === true || this.explicitDepth > 0 || this.workspaceTrusted());
    if (!verdict && mayAsk) verdict = await this.ask(value, needsConfigs);
    // Nobody signed in: say so ("sign in to check") rather than saying nothing.
    const signedOut = this.connection.current.state === 'needsSignIn' && checkConfigTokensEnabled();
    // A controller that does not answer: say the value could not be checked, never that all is well.
    const unreachable = this.connection.current.state === 'error' && checkConfigTokensEnabled();
    const facts: TokenFacts = { verdict: verdict?.verdict ?? (signedOut ? 'signed-out' : unreachable ? 'unreachable' : 'unchecked') };
    if (verdict?.username) facts.username = verdict.username;
    if (verdict?.configsRead !== undefined) facts.configsRead = verdict.configsRead;
    let pick = candidates;
    if (verdict?.verdict === 'accepted' && verdict.userId) pick = candidates.filter((t) => t.userId === verdict!.userId);
    if (pick.length === 1) {
      facts.token = pick[0] as Token;
      facts.via = 'prefix';
    }
    return facts;
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.cache.clear();
  }

  private key(value: string, needsConfigs: boolean): string {
    return `${this.connection.origin ?? ''}\u0000${valueFingerprint(value)}\u0000${needsConfigs ? 'c' : ''}`;
  }

  private cached(value: string, needsConfigs: boolean): CachedVerdict | undefined {
    const k = this.key(value, needsConfigs);
    const hit = this.cache.get(k);
    if (hit && Date.now() - hit.at < hit.ttl) return hit;
    if (hit) this.cache.delete(k);
    return undefined;
  }

  private ask(value: string, needsConfigs: boolean): Promise<CachedVerdict> | undefined {
    if (this.connection.current.state !== 'ready' || !checkConfigTokensEnabled()) return undefined;
    const k = this.key(value, needsConfigs);
    const running = this.inflight.get(k);
    if (running) return running;
    if (!this.limiter.tryTake()) {
      if (this.skipped++ === 0) {
        this.log.info(
          `Token checks against ${this.connection.origin} paused: the limit of checks for values found in files is reached; more are allowed as time passes.`,
        );
      }
      return undefined;
    }
    this.skipped = 0;
    const run = this.limiter
      .run(() => this.check(value, needsConfigs))
      .then((v) => {
        this.cache.set(k, v);
        if (this.cache.size > 500) {
          const first = this.cache.keys().next().value;
          if (first !== undefined) this.cache.delete(first);
        }
        return v;
      })
      .finally(() => this.inflight.delete(k));
    this.inflight.set(k, run);
    return run;
  }

  private async check(value: string, needsConfigs: boolean): Promise<CachedVerdict> {
    const at = Date.now();
    let client;
    try {
      client = this.connection.api().withCredential({ kind: 'token', token: value });
    } catch {
      return { at, ttl: UNREACHABLE_TTL_MS, verdict: 'unchecked' };
    }
    try {
      const user = await client.me();
      const out: CachedVerdict = { at, ttl: VERDICT_TTL_MS, verdict: 'accepted', userId: user.id, username: user.username };
      if (needsConfigs) {
        try {
          await client.listConfigs();
          out.configsRead = true;
        } catch (e) {
          if (e instanceof ControllerError && e.kind === 'forbidden') out.configsRead = false;
        }
      }
      this.log.debug(`Checked a token found in a config against ${this.connection.origin}: accepted.`);
      return out;
    } catch (e) {
      const kind = e instanceof ControllerError ? e.kind : undefined;
      if (kind === 'invalid-token' || kind === 'token-expired' || kind === 'invalid-token-format' || kind === 'missing-auth') {
        this.log.debug(`Checked a token found in a config against ${this.connection.origin}: ${kind}.`);
        return { at, ttl: VERDICT_TTL_MS, verdict: kind };
      }
      this.log.debug(`Could not check a token found in a config against ${this.connection.origin}: ${kind ?? 'error'}.`);
      return { at, ttl: UNREACHABLE_TTL_MS, verdict: 'unreachable' };
    }
  }

  private index(): Promise<Map<string, string>> {
    const origin = this.connection.origin;
    if (!origin) return Promise.resolve(new Map());
    if (!this.storedIndex || this.storedOrigin !== origin) {
      this.storedOrigin = origin;
      this.storedIndex = (async () => {
        const map = new Map<string, string>();
        // Read in parallel: each read is a round trip to SecretStorage (to the browser in VS Code for the Web).
        const refs = await this.vault.listStoredTokens(origin);
        const values = await Promise.all(refs.map((ref) => this.vault.getTokenValue(origin, ref.id)));
        refs.forEach((ref, i) => {
          const v = values[i];
          if (v) map.set(valueFingerprint(v), ref.id);
        });
        return map;
      })();
      this.storedIndex.catch(() => (this.storedIndex = undefined));
    }
    return this.storedIndex;
  }
}
