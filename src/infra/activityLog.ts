import { displayText } from '../core/text';
import type { Logger } from './logger';

/** Token operations written to the activity log. */
export type TokenOperation = 'create' | 'revoke' | 'delete' | 'reassign' | 'rotate' | 'insert' | 'copy-value';

/** One activity: what was done, on which connection, to which token, and an optional outcome or detail. */
export interface Activity {
  op: TokenOperation;
  /** The connection's name or label, e.g. `production` or `admin @ production`. */
  connection: string;
  token: { id: string; description?: string };
  /** Short extra text: `failed: <reason>`, `to bob (manager)`, `into telegraf.conf as an environment reference`. Never a value. */
  detail?: string;
  /** False when the operation failed (logged as a warning). Default true. */
  ok?: boolean;
}

/**
 * The activity line: `activity <UTC ISO time> <op> [<connection>] token <id> "<description>"[ — <detail>]`.
 * Server text is passed through `displayText` (control and bidi characters
 * removed, length-limited). Never carries a token value; the logger's
 * redaction is a second line of defence.
 */
export function formatActivity(a: Activity, now = Date.now()): string {
  const desc = a.token.description !== undefined ? ` "${displayText(a.token.description, 80)}"` : '';
  const detail = a.detail ? ` — ${displayText(a.detail, 300)}` : '';
  return `activity ${new Date(now).toISOString()} ${a.op}${a.ok === false ? ' FAILED' : ''} [${displayText(a.connection, 80)}] token ${displayText(a.token.id, 80)}${desc}${detail}`;
}

/**
 * Writes one activity line to the extension's log channel ("Show Log"):
 * info for successes, warning for failures. Use it for every token operation
 * (create, revoke, delete, reassign, rotate, insert).
 */
export function logActivity(log: Logger, a: Activity): void {
  const line = formatActivity(a);
  if (a.ok === false) log.warn(line);
  else log.info(line);
}
