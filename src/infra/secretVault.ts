import * as vscode from 'vscode';
import type * as z from 'zod';
import { credentialSchema as CredentialSchema, tokenIndexSchema as IndexSchema } from './vaultSchemas';

/**
 * A credential for one controller origin, as kept in SecretStorage:
 * a session cookie from a local login, or an API token the user pasted.
 */
export type StoredCredential = { kind: 'session'; cookie: string; username: string } | { kind: 'token'; token: string };

/** What the extension remembers about a token whose value it holds (no value here). */
export interface StoredTokenRef {
  id: string;
  description: string;
  /** RFC 3339 UTC string, or null = never expires. */
  expiresAt: string | null;
  /** First 12 characters of the value (the controller shows them too). */
  prefix: string;
  /** UTC ms when the value was stored. */
  storedAt: number;
}

const KEY_CREDENTIAL = 'telegrafController.credential:';
const KEY_VALUE = 'telegrafController.tokenValue:';
const KEY_INDEX = 'telegrafController.tokenIndex:';

/** The origin (`https://host:port`) a credential or token value is keyed by. Throws TypeError on an invalid URL. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * The only place token values and credentials live: VS Code SecretStorage,
 * with keys namespaced by the controller's origin, so a changed URL setting
 * never receives another origin's credential. Values are zod-parsed on read;
 * a corrupt entry reads as absent. `onDidChange` fires for changes made in
 * this or another window.
 */
export class SecretVault implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when any of this extension's secrets changed (any window). */
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith('telegrafController.')) this.emitter.fire();
    });
  }

  /** The stored credential for `origin`, or undefined. */
  async getCredential(origin: string): Promise<StoredCredential | undefined> {
    return this.read(KEY_CREDENTIAL + origin, CredentialSchema());
  }

  /** Stores the credential for `origin`, replacing any previous one. */
  async setCredential(origin: string, credential: StoredCredential): Promise<void> {
    await this.secrets.store(KEY_CREDENTIAL + origin, JSON.stringify(credential));
  }

  /** Forgets the credential for `origin`. Token values stay (they are the user's). */
  async deleteCredential(origin: string): Promise<void> {
    await this.secrets.delete(KEY_CREDENTIAL + origin);
  }

  /** The stored value of token `tokenId` on `origin`, or undefined. */
  async getTokenValue(origin: string, tokenId: string): Promise<string | undefined> {
    return (await this.secrets.get(KEY_VALUE + origin + ':' + tokenId)) || undefined;
  }

  /** Stores a token's value and adds it to the origin's index. */
  async storeTokenValue(origin: string, ref: Omit<StoredTokenRef, 'storedAt'>, value: string): Promise<void> {
    await this.secrets.store(KEY_VALUE + origin + ':' + ref.id, value);
    await this.updateIndex(origin, (list) => [...list.filter((r) => r.id !== ref.id), { ...ref, storedAt: Date.now() }]);
  }

  /** Forgets a token's value and index entry. */
  async deleteTokenValue(origin: string, tokenId: string): Promise<void> {
    await this.secrets.delete(KEY_VALUE + origin + ':' + tokenId);
    await this.updateIndex(origin, (list) => list.filter((r) => r.id !== tokenId));
  }

  /** Tokens of `origin` whose values are stored. */
  async listStoredTokens(origin: string): Promise<StoredTokenRef[]> {
    return (await this.read(KEY_INDEX + origin, IndexSchema())) ?? [];
  }

  /** Ids of the tokens of `origin` whose values are stored. */
  async storedTokenIds(origin: string): Promise<Set<string>> {
    return new Set((await this.listStoredTokens(origin)).map((r) => r.id));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  private async read<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const raw = await this.secrets.get(key);
    if (!raw) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private updateIndex(origin: string, change: (list: StoredTokenRef[]) => StoredTokenRef[]): Promise<void> {
    const next = this.queue.then(async () => {
      const list = (await this.read(KEY_INDEX + origin, IndexSchema())) ?? [];
      await this.secrets.store(KEY_INDEX + origin, JSON.stringify(change(list)));
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
