/**
 * The position-carrying model of a Telegraf configuration file, shared by the
 * parser (`parse.ts`), detection (`detect.ts`) and insertion planning
 * (`insert.ts`).
 *
 * Every offset in this folder is a UTF-16 code-unit index into the JavaScript
 * string exactly as it was read (a leading BOM counts as one unit at offset 0),
 * which is what VS Code's `TextDocument.positionAt(offset)` expects.
 * Every line number is 0-based. No `vscode` import.
 */

/** A half-open range `[start, end)` of UTF-16 offsets into the config text. */
export interface Range {
  /** First offset in the range. */
  start: number;
  /** Offset just past the range (`end === start` for an empty range). */
  end: number;
}

/**
 * A plain text edit: replace `[start, end)` of the ORIGINAL text with
 * `newText` (an insertion when `start === end`). Edits of one plan never
 * overlap; the VS Code layer turns them into a `WorkspaceEdit`.
 */
export interface TextEdit {
  /** UTF-16 offset of the first replaced code unit. */
  start: number;
  /** UTF-16 offset just past the replaced code units. */
  end: number;
  /** Replacement text, already using the file's EOL style. */
  newText: string;
}

/** How a TOML string is written. */
export type StringStyle = 'basic' | 'literal' | 'multiline-basic' | 'multiline-literal';

/**
 * The kind of a value as written.
 * `substitution` is an UNQUOTED `${VAR}` / `$VAR` / `@{id:key}` / `&{param}`,
 * which is not TOML (Telegraf accepts it only with `--non-strict-env-handling`,
 * docs/api-contract.md "How Telegraf uses a token"; Controller dynamic values are
 * substituted by the Controller before Telegraf sees the file).
 * `invalid` is anything the tolerant scanner could not read as a value.
 */
export type ValueKind = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'array' | 'inline-table' | 'substitution' | 'invalid';

/**
 * A scalar leaf of a value (a string, number, bool, date or unquoted
 * substitution), with its position. Arrays list all their leaves; leaves of an
 * inline table that is directly a key's value belong to that table's own keys.
 */
export interface ScalarNode {
  /** Range of the raw scalar, including quotes for strings. */
  range: Range;
  kind: ValueKind;
  /** For strings: how the string is quoted. */
  style?: StringStyle;
  /** For strings: the raw contents between the delimiters (escapes not decoded). */
  contentRange?: Range;
  /** For strings: the decoded value. */
  value?: string;
}

/**
 * A `key = value` pair, a direct key of a table (or of the root), or an entry
 * of an inline table that is itself a key's value (then `inlineTablePath` is set).
 */
export interface ConfigKey {
  /** The decoded key segments joined with `.` (e.g. `token`; `a.b` for the dotted key `a . b`). */
  key: string;
  /** Decoded key segments (`['a', 'b']` for `a.b = …`, `['Content-Type']` for a quoted key). */
  keyPath: string[];
  /** Range of the key text (all segments, including quotes of quoted segments). */
  keyRange: Range;
  /** Range of the whole raw value (quotes, brackets and braces included). */
  valueRange: Range;
  /** The raw value text, `text.slice(valueRange.start, valueRange.end)`. */
  valueText: string;
  valueKind: ValueKind;
  /** Decoded string when `valueKind === 'string'`. */
  value?: string;
  /** For string values: the quoting style. */
  stringStyle?: StringStyle;
  /** For string values: range of the raw contents without the delimiters. */
  contentRange?: Range;
  /**
   * Scalar leaves of the value (the value itself for a scalar, every nested
   * leaf for an array). Empty for an inline table (its entries are keys).
   */
  scalars: ScalarNode[];
  /** 0-based line of the first character of the key. */
  line: number;
  /** Offset of the start of that line (where the key's indentation begins). */
  lineStart: number;
  /**
   * Set for entries of inline tables: the key path of the inline table inside
   * its table, e.g. `['headers']` for `headers = { Authorization = "…" }`.
   */
  inlineTablePath?: string[];
}

/** A `[table]` or `[[array.of.tables]]` header and the keys that follow it. */
export interface ConfigTable {
  /** Index of this table in `TelegrafConfig.tables` (document order). */
  index: number;
  /** Dotted name of the header, e.g. `outputs.heartbeat`, `outputs.heartbeat.status`. */
  name: string;
  /** Decoded header segments, e.g. `['outputs', 'heartbeat']`. */
  path: string[];
  /** `true` for `[[…]]`, `false` for `[…]`. */
  isArray: boolean;
  /** From the first `[` to just past the last `]` of the header. */
  headerRange: Range;
  /** Offset of the start of the header's line (before any leading whitespace). */
  headerLineStart: number;
  /** Whitespace before the header on its line (fixture 16 indents headers). */
  headerIndent: string;
  /** 0-based line of the header. */
  line: number;
  /** Offset just after the header line's line break (or the text end). */
  bodyStart: number;
  /** Offset where the next header's line starts, or `text.length` for the last table. */
  bodyEnd: number;
  /** Keys in document order: direct keys, each followed by its inline-table entries. */
  keys: ConfigKey[];
  /**
   * Indentation of the table's keys: the leading whitespace of its first direct
   * key, or the file's `keyIndent` when the table has no key.
   */
  indent: string;
  /**
   * For a sub-table such as `[outputs.heartbeat.status]`: index of the nearest
   * preceding table whose path is a prefix of this one (its parent plugin).
   */
  parentIndex?: number;
}

/** Where and why the strict TOML parse failed (the scanner was used instead). */
export interface ConfigParseError {
  /** The TOML parser's message (describes syntax only, never contains values). */
  message: string;
  /** 0-based line of the error. */
  line: number;
  /** UTF-16 offset of the error. */
  offset: number;
}

/** A parsed Telegraf configuration file. */
export interface TelegrafConfig {
  /** The text as given (BOM included). */
  text: string;
  /** Dominant line-ending style; `'\n'` when the text has no line break. */
  eol: '\n' | '\r\n';
  /** Whether the text starts with U+FEFF (Telegraf strips it before parsing). */
  hasBom: boolean;
  /** Whether the text ends with a line break (an empty text counts as `false`). */
  endsWithEol: boolean;
  /**
   * `toml` when `toml-eslint-parser` accepted the text (after masking unquoted
   * substitutions and the BOM); `scanner` when the tolerant scanner was used.
   */
  parseMode: 'toml' | 'scanner';
  /** Set when `parseMode === 'scanner'`: why strict parsing failed. */
  parseError?: ConfigParseError;
  /** Tables in document order. */
  tables: ConfigTable[];
  /** Keys before the first header. */
  rootKeys: ConfigKey[];
  /**
   * Unquoted `${VAR}`/`$VAR`/`@{…}`/`&{…}` outside strings and comments. Not
   * valid TOML: since Telegraf 1.38 (strict env handling) such a file fails to
   * load unless Telegraf runs with `--non-strict-env-handling`.
   */
  unquotedSubstitutions: Range[];
  /** The file's usual key indentation (first table with keys), `'  '` by default. */
  keyIndent: string;
  /** Offset of the start of every line (`lineStarts[0] === 0`). */
  lineStarts: number[];
}
