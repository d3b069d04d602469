/**
 * Where a token is used in the workspace, for the explorer's Revoke and Delete
 * confirmations. The config features (another feature, a separate bundle)
 * know how to look: when they load they set {@link TokenUsage.finder}; until
 * then, and when looking fails, nothing is known and nothing is said. One
 * instance is created at activation and handed to both features.
 */
import type { Token } from '../core/api/contract';

/** Labels of the places that use the token whose value is `value` (e.g. `telegraf.d/a.conf:12`, `.env:1`). */
export type TokenUsageFinder = (token: Pick<Token, 'id' | 'description' | 'prefix'>, value: string | undefined) => Promise<string[]>;

/** The finder the config features set, and a lookup that never throws. */
export class TokenUsage {
  finder: TokenUsageFinder | undefined;

  /** The places that use `token` (found by `value`, else by its prefix); empty without a finder or when looking fails. */
  async of(token: Pick<Token, 'id' | 'description' | 'prefix'>, value: string | undefined): Promise<string[]> {
    if (!this.finder) return [];
    try {
      return await this.finder(token, value);
    } catch {
      return [];
    }
  }
}
