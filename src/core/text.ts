/**
 * Safe display of server-provided text (token descriptions, user names) in
 * places that render plain text: tree labels, quick picks, notifications.
 */

// C0/C1 controls (except none), bidi embeddings/overrides/isolates, zero-width and line/paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Returns `text` with control, bidi-override and zero-width characters replaced
 * by a space, runs of white space folded, and at most `max` characters (an
 * ellipsis marks a cut). Emoji and other printable Unicode are kept.
 */
export function displayText(text: string, max = 120): string {
  const clean = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(clean);
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : clean;
}
