/**
 * The list of named controller connections, as kept in the settings
 * `telegrafController.connections` (array of `{ name, url }`) and the older
 * single `telegrafController.url`, both application-scoped. Pure: parsing,
 * normalising, naming rules. No `vscode` import.
 *
 * A connection's identity (`key`) is its normalised URL: credentials are keyed
 * by the URL's origin in SecretStorage (docs/api-contract.md "Authentication" — the
 * server decides who you are; a changed URL must never receive another
 * origin's credential).
 */

/** One configured connection. `key` is the normalised URL (identity); `source` says which setting holds it. */
export interface ConnectionEntry {
  key: string;
  name: string;
  /** Normalised URL: http(s), no credentials, query, fragment or trailing slash. */
  url: string;
  source: 'connections' | 'url';
}

/** A connection as written to the `telegrafController.connections` setting. */
export interface ConnectionSetting {
  name: string;
  url: string;
}

/** Longest connection name, in characters. */
export const CONNECTION_NAME_MAX = 60;

/**
 * Normalises a controller URL: trims, requires http/https, drops user info,
 * query and fragment, and the trailing slash. Throws `TypeError` with a
 * sentence for a value that is not such a URL.
 */
export function normalizeControllerUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw new TypeError(`"${value}" is not a URL. Use a URL such as https://controller.example.com:8888.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`The controller URL must start with http:// or https:// ("${value}").`);
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/+$/, '');
}

/**
 * Whether two controller URLs name the same server on this machine under
 * different loopback names (`localhost`, `127.0.0.1` or any `127.x.x.x`,
 * `[::1]`) with the same scheme, port and path. Such connections would be two
 * entries with separate sign-ins and stored values for one controller.
 * False when either does not parse, or when they are equal (the same entry).
 */
export function sameLoopbackController(a: string, b: string): boolean {
  let x: URL, y: URL;
  try {
    x = new URL(normalizeControllerUrl(a));
    y = new URL(normalizeControllerUrl(b));
  } catch {
    return false;
  }
  const loopback = (h: string) => h === 'localhost' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
  return (
    x.toString() !== y.toString() && loopback(x.hostname) && loopback(y.hostname) && x.protocol === y.protocol && x.port === y.port && x.pathname === y.pathname
  );
}

/** The host (and port) of a URL, e.g. `localhost:8888`; the input itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Reads the two settings into one list, in order: the entries of
 * `connections` (invalid ones reported in `problems` and skipped), then the
 * single `url` unless a named entry already has the same URL. Duplicate URLs
 * keep the first entry; duplicate names get ` (2)`, ` (3)`… so every node is
 * told apart.
 */
export function parseConnections(rawConnections: unknown, legacyUrl: string | undefined): { entries: ConnectionEntry[]; problems: string[] } {
  const entries: ConnectionEntry[] = [];
  const problems: string[] = [];
  const keys = new Set<string>();
  const names = new Set<string>();
  const add = (name: string, url: string, source: ConnectionEntry['source']) => {
    let key: string;
    try {
      key = normalizeControllerUrl(url);
    } catch (e) {
      problems.push(`Connection "${name}": ${(e as Error).message}`);
      return;
    }
    if (keys.has(key)) {
      if (source === 'connections') problems.push(`Connection "${name}": ${key} is already listed; the duplicate is ignored.`);
      return;
    }
    const unique = uniqueName(name.trim() || hostOf(key), names);
    keys.add(key);
    names.add(unique.toLowerCase());
    entries.push({ key, name: unique, url: key, source });
  };
  if (rawConnections !== undefined && rawConnections !== null) {
    if (!Array.isArray(rawConnections)) problems.push('telegrafController.connections must be an array of { "name", "url" }.');
    else {
      rawConnections.forEach((c, i) => {
        const o = c && typeof c === 'object' ? (c as Record<string, unknown>) : undefined;
        if (!o || typeof o.url !== 'string' || !o.url.trim()) {
          problems.push(`telegrafController.connections[${i}] needs a "url".`);
          return;
        }
        add(typeof o.name === 'string' ? o.name.slice(0, CONNECTION_NAME_MAX) : '', o.url, 'connections');
      });
    }
  }
  if (legacyUrl && legacyUrl.trim()) add('', legacyUrl, 'url');
  return { entries, problems };
}

/** `name`, or `name (2)`, `name (3)`… — the first not in `takenLower` (lower-cased names). */
export function uniqueName(name: string, takenLower: ReadonlySet<string>): string {
  if (!takenLower.has(name.toLowerCase())) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name} (${i})`;
    if (!takenLower.has(candidate.toLowerCase())) return candidate;
  }
}

/**
 * Checks a connection name typed by the user; returns an error sentence or
 * undefined. Names are 1–60 characters, no control characters, unique
 * (case-insensitive) among `others`.
 */
export function validateConnectionName(value: string, others: readonly string[]): string | undefined {
  const name = value.trim();
  if (!name) return 'Enter a name, e.g. "production".';
  if (name.length > CONNECTION_NAME_MAX) return `At most ${CONNECTION_NAME_MAX} characters.`;
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069]/.test(name)) return 'The name contains control characters.';
  if (others.some((o) => o.toLowerCase() === name.toLowerCase())) return `A connection named "${name}" exists already.`;
  return undefined;
}

/**
 * The new value of the `connections` setting after an edit, and whether the
 * single `url` setting must be cleared. `entries` is the whole list as it
 * should be after the edit; the single-URL entry is moved into the list when
 * it was renamed (it has no name of its own), and dropped when removed.
 */
export function toSettings(entries: readonly ConnectionEntry[], legacyUrl: string | undefined): { connections: ConnectionSetting[]; clearUrl: boolean } {
  const legacyKey = legacyUrl ? safeNormalize(legacyUrl) : undefined;
  const legacyKept = entries.find((e) => e.source === 'url' && e.key === legacyKey && e.name === hostOf(e.url));
  const connections = entries.filter((e) => e !== legacyKept).map((e) => ({ name: e.name, url: e.url }));
  return { connections, clearUrl: legacyKey !== undefined && !legacyKept };
}

function safeNormalize(url: string): string | undefined {
  try {
    return normalizeControllerUrl(url);
  } catch {
    return undefined;
  }
}
