/**
 * Safe display of server-provided text (token descriptions, user names) in
 * places that render plain text: tree labels, quick picks, notifications.
 */

// C0/C1 controls (except none), bidi embeddings/overrides/isolates, zero-width and line/paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** {@link UNSAFE} without tab and line feed: for full text (webview), where lines may matter. */
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Returns `text` with control (except tab and line feed), bidi embedding,
 * override and isolate, zero-width and line/paragraph separator characters
 * replaced by a space; nothing else changes (no shortening). For text shown
 * in full, e.g. by the create-token webview: a description or user name with
 * U+202E must not render reversed. Pure, never throws.
 */
export function neutralizeText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, ' ');
}

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

/**
 * The link syntax VS Code turns into a clickable link in notification text,
 * modal dialogs, progress notifications and quick input messages:
 * `[label](command:…)`, `[label](https://…)`, `[label](file:…)`. VS Code's
 * parser has no escape character (a backslash does not stop it), so the only
 * safe form is one where `]` is never directly followed by `(`. See
 * README.md "Where your secrets live" (server and workspace text).
 */
const LINK_JOIN = /\]\(/g;

/**
 * Returns `text` with every `](` written as `] (`, so that no part of it, nor
 * of a message it is interpolated into, can be parsed as a command or web link
 * by a notification, dialog, progress title or input box message. Applied to
 * whole messages by src/infra/ui.ts; pure, idempotent, never throws.
 */
export function noLinks(text: string): string {
  return text.replace(LINK_JOIN, '] (');
}

/**
 * Returns `text` with VS Code's icon syntax `$(name)` escaped as `\$(name)`, for
 * places that render icons in plain text: quick pick label/description/detail
 * and status bar text. Untrusted text must not show an icon (e.g. a fake
 * "stored" key) in a picker. Pure, never throws.
 */
export function escapeIcons(text: string): string {
  return text.replace(/(\\)?\$\(/g, (m, escaped: string | undefined) => (escaped ? m : '\\$('));
}

/**
 * Untrusted text (a token description, a user name, an error message, a file
 * name) made safe for a message: {@link displayText} (controls, bidi and
 * zero-width characters removed, shortened to `max`) then {@link noLinks}.
 */
export function untrustedText(text: string, max = 120): string {
  return noLinks(displayText(text, max));
}

/**
 * {@link untrustedText} for a quick pick field or a status bar text, where
 * `$(name)` would render as an icon: also {@link escapeIcons}.
 */
export function pickText(text: string, max = 120): string {
  return escapeIcons(untrustedText(text, max));
}

/**
 * The display name of a token: its description as {@link displayText}, or
 * `fallback` (the localized "(no description)") when nothing visible is left:
 * empty, white space only, or only control/bidi/zero-width characters.
 */
export function descriptionText(description: string | undefined, fallback: string, max = 120): string {
  return displayText(description ?? '', max) || fallback;
}

/**
 * `text` as a markdown inline code span (CommonMark "Code spans"): nothing
 * inside a code span is markdown, so no link, image, emphasis or escape can
 * form. Line breaks become spaces, bidi and control characters are
 * neutralised ({@link displayText}, at most `max` characters), and the fence
 * is one backtick longer than the longest run of backticks inside, padded
 * with a space when the text starts or ends with a backtick.
 */
export function markdownCodeSpan(text: string, max = 200): string {
  const clean = displayText(text.replace(/[\r\n]+/g, ' '), max);
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * `text` as markdown prose that renders exactly as written and wraps between
 * words: every ASCII punctuation character is backslash-escaped (CommonMark
 * "Backslash escapes": any ASCII punctuation may be), so no link, autolink
 * (`http\://`), image, emphasis, heading, HTML or theme icon can form; bidi
 * and control characters are neutralised. Unlike VS Code's
 * `MarkdownString.appendText`, spaces stay ordinary spaces (appendText turns
 * them into non-breaking ones, so long hover text breaks inside words).
 * Line breaks become markdown line breaks.
 */
export function markdownText(text: string): string {
  return neutralizeText(text)
    .replace(/[!-/:-@[-`{-~]/g, '\\$&')
    .replace(/\r?\n/g, '  \n');
}
