/**
 * Hostile server data for security tests: strings a controller
 * could return in token descriptions and user names — HTML and script,
 * markdown with a command link, 10,000 characters, C0/C1 control, ANSI, bidi
 * and zero-width characters, emoji. The payloads set `globalThis.__pwned` and
 * call `alert()` if they ever run, so a test can tell.
 *
 * `addHostileData(state)` renames a user and mints one token per string for
 * that user (values are returned, and reported through `onSecretIssued`).
 * Used by test/e2e/security-hostile.e2e.ts. No `vscode` import.
 */
import type { EmulatorState } from './state';

/** What a payload does when it runs. */
export const HOSTILE_PWN = 'globalThis.__pwned=1;alert(1)';

/** A markdown command link: VS Code would run the command when such a link in a notification is clicked. */
export const HOSTILE_LINK = '[x](command:workbench.action.terminal.new)';

/** A server error message carrying {@link HOSTILE_LINK} (for a fault's `body.message`). */
export const HOSTILE_SERVER_ERROR = `server-error-payload ${HOSTILE_LINK}`;

/** A workspace file name carrying {@link HOSTILE_LINK} (a valid file name on Linux and macOS). */
export const HOSTILE_FILE_NAME = `${HOSTILE_LINK}.conf`;

/** Descriptions, by kind; each carries a marker word to find it in the UI. */
export const HOSTILE_DESCRIPTIONS = Object.freeze({
  /** HTML, script, markdown, a command link, an entity. */
  html: `<img src=x onerror="${HOSTILE_PWN}"><script>${HOSTILE_PWN}</script><b>bold</b> **md** [quit](command:workbench.action.quit) &lt; html-payload`,
  /** 10,000 characters. */
  long: `long-payload ${'L'.repeat(10_000 - 13)}`,
  /** C0 controls, an ANSI escape, bidi override and isolates, zero-width space, line separator, CR LF. */
  ctrl: 'ctrl-payload \u0000\u0007\u001b[31mred\u001b[0m \u202Egnp.exe\u202C \u2066iso\u2069 zero\u200Bwidth line\u2028sep\r\nnewline',
  /** Emoji (with a ZWJ sequence) and other scripts. */
  emoji: 'emoji-payload 🔑 👩‍💻 🚀 ümlaut 日本語',
  /** A command link that opens a terminal when clicked, if it ever renders as a link. */
  link: `link-payload ${HOSTILE_LINK}`,
});

/** A user name with HTML and a bidi override. */
export const HOSTILE_USERNAME = `<img src=x onerror="${HOSTILE_PWN}">carol\u202E🦊`;

/**
 * Renames user `userId` (default the demo seed's `u-carol`) to
 * {@link HOSTILE_USERNAME} and mints one `configs:read` token per hostile
 * description for that user.
 * @returns the minted tokens' ids by kind
 * @throws Error when the user does not exist
 */
export function addHostileData(state: EmulatorState, userId = 'u-carol'): Record<keyof typeof HOSTILE_DESCRIPTIONS, string> {
  const user = state.users.get(userId);
  if (!user) throw new Error(`addHostileData: no user ${userId}`);
  user.username = HOSTILE_USERNAME;
  const out = {} as Record<keyof typeof HOSTILE_DESCRIPTIONS, string>;
  for (const [kind, description] of Object.entries(HOSTILE_DESCRIPTIONS) as [keyof typeof HOSTILE_DESCRIPTIONS, string][]) {
    out[kind] = state.mintToken({ user: userId, description, permissions: { configs: ['read'] } }).token.id;
  }
  return out;
}
