/**
 * Whether Telegraf can read a config file's bytes. Telegraf reads a config as
 * UTF-8 bytes: it accepts a UTF-8 byte order mark, and bytes that are not
 * UTF-8 inside comments and strings (a Latin-1 `é`), but refuses UTF-16 and
 * UTF-32 files ("invalid TOML syntax" with a byte order mark, "not a TOML
 * file" without one), which an editor such as VS Code can save and still
 * shows as plain text. Measured with the real Telegraf (test/telegraf).
 * No `vscode` import.
 */

/** An encoding Telegraf cannot load a config in. */
export type UnreadableEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE' | 'UTF-16 or UTF-32 (no byte order mark)';

/**
 * The encoding of `bytes` (a whole config file, or at least its first
 * kilobytes) when Telegraf cannot read it, else undefined: a UTF-16 or UTF-32
 * byte order mark, or a NUL byte (which UTF-8 text never holds, and UTF-16
 * text of ASCII characters is half made of).
 */
export function unreadableEncoding(bytes: Uint8Array): UnreadableEncoding | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? 'UTF-32LE' : 'UTF-16LE';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32BE';
  if (a === 0xfe && b === 0xff) return 'UTF-16BE';
  return bytes.subarray(0, 4096).includes(0) ? 'UTF-16 or UTF-32 (no byte order mark)' : undefined;
}
