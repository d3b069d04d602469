/**
 * After a create whose outcome is unknown (a timeout after sending, a 201
 * whose body was cut off: `ControllerError.outcomeUnknown`), find out what
 * the controller actually holds instead of inviting a second create.
 *
 * The token value is shown once and never again (docs/api-contract.md
 * "Tokens"), so a token created without its value reaching us is an orphan:
 * nobody can use it, and the caller offers to revoke it.
 *
 * No `vscode` import.
 */
import type { ControllerClient } from './client';
import type { Token } from './contract';
import { ControllerError } from './errors';

/** How far before the create we look, in ms, to absorb clock skew between this machine and the controller. */
export const CREATE_SEARCH_SKEW_MS = 2 * 60_000;

/** What to look for. */
export interface CreatedTokenQuery {
  /** The description sent (compared trimmed, exactly). */
  description: string;
  /** Id of the signed-in user: the new token's owner. Absent = any owner. */
  userId?: string;
  /** When the create was sent, ms since the epoch. Tokens created more than `CREATE_SEARCH_SKEW_MS` before it are ignored. */
  sentAt: number;
}

/**
 * True when `e` says a create may have happened although no usable answer
 * arrived (see `ControllerError.outcomeUnknown`).
 */
export function isCreateOutcomeUnknown(e: unknown): e is ControllerError {
  return e instanceof ControllerError && e.outcomeUnknown;
}

/**
 * The active tokens that the ambiguous create may have made: same owner, same
 * description (trimmed, exact), created since `sentAt` minus
 * `CREATE_SEARCH_SKEW_MS`; newest first. Searches with `GET /api/tokens?q=`
 * (every page). A token whose `createdAt` the controller does not send is
 * left out (it cannot be told from an older one).
 *
 * @throws ControllerError when the search itself fails
 */
export async function findCreatedTokens(client: Pick<ControllerClient, 'listAllTokens'>, query: CreatedTokenQuery, signal?: AbortSignal): Promise<Token[]> {
  const description = query.description.trim();
  const since = query.sentAt - CREATE_SEARCH_SKEW_MS;
  const found = await client.listAllTokens({ q: description, status: 'active', ...(query.userId ? { userId: query.userId } : {}) }, signal);
  return found
    .filter((t) => t.description.trim() === description && (!query.userId || t.userId === query.userId || t.userId === ''))
    .filter((t) => {
      const created = Date.parse(t.createdAt);
      return !Number.isNaN(created) && created >= since;
    })
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
