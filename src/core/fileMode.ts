/**
 * Permissions of files that hold a token value (README.md "Where your secrets
 * live": files we write that hold a value get mode 0600). Pure helpers over a
 * POSIX mode number; the shell (src/infra/valueFiles.ts) reads and sets modes.
 */

/** The mode a file holding a token value gets: read and write for its owner only. */
export const VALUE_FILE_MODE = 0o600;

/**
 * True when `mode` (a `stat().mode`, type bits allowed) gives no permission
 * at all to group or others: as strict as {@link VALUE_FILE_MODE} or stricter.
 */
export function isOwnerOnly(mode: number): boolean {
  return (mode & 0o077) === 0;
}

/** The permission bits of `mode` as four octal digits, e.g. `0644`. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
