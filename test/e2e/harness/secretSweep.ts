/**
 * The security sweep of the end-to-end run (scripts/run-e2e.mjs): every
 * secret the run's emulators hand out — token values and session ids — is
 * recorded (`watch`), then searched for
 *
 * - in each flow's browser storage before its browser context closes
 *   (`scanBrowser`: localStorage, sessionStorage and every IndexedDB database
 *   of the workbench origin — where VS Code for the web keeps workbench,
 *   extension and webview state);
 * - after the whole run, in files (`scanFiles`): the code-server user-data
 *   dir (settings, logs, globalStorage, workspaceStorage, the installed
 *   extension, state databases), every workspace copy, and the run's logs.
 *
 * Allowed places: SecretStorage (in code-server 4.100.3 that is the
 * browser's localStorage key `secrets.provider`, AES-GCM-sealed with a key
 * from the server's `/mint-key` route, the server half of which is
 * `<user-data-dir>/serve-web-key-half`; a plaintext search therefore finds
 * nothing there anyway), files a flow declares with `allowLiteralIn` (the
 * user explicitly asked to write the literal value there), and VS Code's Local
 * History copies of those files (`User/History/<hash>/<id>`, which VS Code
 * keeps on every save — also after the literal is replaced by a reference).
 * Anything else is a finding and fails the sweep.
 *
 * Each value is searched as UTF-8 and UTF-16LE text, and for token values also
 * the secret part after `tc-apiv1_` alone. Findings never print a value: only
 * its first 12 characters (a token's public prefix), its length and a hash.
 * No `vscode` import.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { Emulator } from '../../emulator/server';

/** Same value as `SECRET_OBSERVER_KEY` of test/emulator/state.ts (a registered symbol, so module copies agree). */
const SECRET_OBSERVER_KEY = Symbol.for('telegraf-controller-tokens.emulator.onSecretIssued');

/** What kind of secret a recorded value is. */
export type SecretKind = 'token value' | 'session id';

/** One place a secret was found. */
export interface SweepFinding {
  kind: SecretKind;
  /** The value, masked: first characters, length, hash. */
  value: string;
  /** File path, or `browser:<flow>:<storage>:<key>`. */
  where: string;
  /** `utf8`, `utf16le`, `utf8 (secret part)`, … */
  encoding: string;
  /** True when the place is allowed (SecretStorage, a file the user asked to hold the literal). */
  allowed: boolean;
  /** Why it is allowed. */
  reason?: string;
}

/** Totals of a sweep. */
export interface SweepStats {
  tokenValues: number;
  sessionIds: number;
  files: number;
  bytes: number;
  browserScans: number;
  browserEntries: number;
}

/** Key of code-server's SecretStorage in the browser's localStorage (see the file comment). */
export const SECRET_STORAGE_LOCAL_STORAGE_KEY = 'secrets.provider';

const TOKEN_PREFIX = 'tc-apiv1_';
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** `tc-apiv1_abc…(52 chars, sha256 1a2b3c4d)`: never the whole value. */
export function maskSecret(value: string): string {
  const shown = value.startsWith(TOKEN_PREFIX) ? value.slice(0, 12) : value.slice(0, 4);
  return `${shown}…(${value.length} chars, sha256 ${createHash('sha256').update(value).digest('hex').slice(0, 8)})`;
}

/**
 * Runs in the page: every entry of localStorage, sessionStorage and of each
 * IndexedDB object store of the page's origin, as text (binary values decoded
 * as Latin-1 and UTF-8). A string, not a function: the test runner's
 * TypeScript transform would add helpers the page does not have.
 */
const BROWSER_DUMP = `(async () => {
  const out = [];
  const decode = (u8) => new TextDecoder('latin1').decode(u8) + '\\n' + new TextDecoder('utf-8').decode(u8);
  const text = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof ArrayBuffer) return decode(new Uint8Array(v));
    if (ArrayBuffer.isView(v)) return decode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    try {
      return JSON.stringify(v, (k, x) => (ArrayBuffer.isView(x) ? decode(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)) : x));
    } catch (e) {
      return String(v);
    }
  };
  const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  for (const name of ['localStorage', 'sessionStorage']) {
    const storage = window[name];
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i) || '';
      out.push({ store: name, key: k, value: storage.getItem(k) || '' });
    }
  }
  const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
  for (const info of dbs) {
    if (!info.name) continue;
    const db = await request(indexedDB.open(info.name));
    try {
      for (const storeName of Array.from(db.objectStoreNames)) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
        keys.forEach((k, i) => out.push({ store: 'indexedDB:' + info.name + '/' + storeName, key: text(k), value: text(values[i]) }));
      }
    } finally {
      db.close();
    }
  }
  return out;
})()`;

interface Needle {
  kind: SecretKind;
  value: string;
  encoding: string;
  bytes: Buffer;
}

/**
 * When `file` is an entry of VS Code's Local History
 * (`<user-data>/User/History/<hash>/<id>`), the file it is a copy of (from the
 * folder's `entries.json`), else undefined.
 */
export function localHistoryOf(file: string): string | undefined {
  const dir = path.dirname(file);
  if (path.basename(path.dirname(dir)) !== 'History' || path.basename(file) === 'entries.json') return undefined;
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'entries.json'), 'utf8')) as { resource?: string; entries?: { id?: string }[] };
    if (!meta.resource || !meta.entries?.some((e) => e.id === path.basename(file))) return undefined;
    return path.resolve(decodeURIComponent(new URL(meta.resource).pathname));
  } catch {
    return undefined;
  }
}

/** Records the run's secrets and searches for them. */
export class SecretSweep {
  private readonly values = new Map<string, SecretKind>();
  private readonly allowedFiles = new Map<string, Set<string> | 'any'>();
  private readonly findings: SweepFinding[] = [];
  private readonly stats: SweepStats = { tokenValues: 0, sessionIds: 0, files: 0, bytes: 0, browserScans: 0, browserEntries: 0 };

  /** Records a secret the run created (empty strings are ignored). */
  record(kind: SecretKind, value: string): void {
    if (!value || this.values.has(value)) return;
    this.values.set(value, kind);
    if (kind === 'token value') this.stats.tokenValues++;
    else this.stats.sessionIds++;
  }

  /** Records every token value and session id `emulator` hands out from now on (EmulatorState.onSecretIssued). */
  watch(emulator: Pick<Emulator, 'state'>): void {
    const previous = emulator.state.onSecretIssued;
    emulator.state.onSecretIssued = (kind, value) => {
      previous?.(kind, value);
      this.record(kind === 'token' ? 'token value' : 'session id', value);
    };
  }

  /**
   * Makes every emulator created in this process from now on report to this
   * sweep (EmulatorState reads `SECRET_OBSERVER_KEY` from globalThis when it
   * is constructed), including emulators a flow starts itself. Returns a
   * function that removes the hook.
   */
  installGlobal(): () => void {
    const g = globalThis as Record<symbol, unknown>;
    const fn = (kind: 'token' | 'session', value: string) => this.record(kind === 'token' ? 'token value' : 'session id', value);
    g[SECRET_OBSERVER_KEY] = fn;
    return () => {
      if (g[SECRET_OBSERVER_KEY] === fn) delete g[SECRET_OBSERVER_KEY];
    };
  }

  /**
   * Declares that the user explicitly asked `file` to hold a literal token
   * value (`value`, or any recorded value when omitted): findings there are allowed.
   */
  allowLiteralIn(file: string, value?: string): void {
    const key = path.resolve(file);
    if (value === undefined) {
      this.allowedFiles.set(key, 'any');
      return;
    }
    const cur = this.allowedFiles.get(key);
    if (cur === 'any') return;
    const set = cur ?? new Set<string>();
    set.add(value);
    this.allowedFiles.set(key, set);
  }

  /** Number of recorded secrets by kind. */
  counts(): { tokenValues: number; sessionIds: number } {
    return { tokenValues: this.stats.tokenValues, sessionIds: this.stats.sessionIds };
  }

  private needles(): Needle[] {
    const out: Needle[] = [];
    for (const [value, kind] of this.values) {
      out.push({ kind, value, encoding: 'utf8', bytes: Buffer.from(value, 'utf8') });
      out.push({ kind, value, encoding: 'utf16le', bytes: Buffer.from(value, 'utf16le') });
      if (kind === 'token value' && value.startsWith(TOKEN_PREFIX) && value.length - TOKEN_PREFIX.length >= 16) {
        const secret = value.slice(TOKEN_PREFIX.length);
        out.push({ kind, value, encoding: 'utf8 (secret part)', bytes: Buffer.from(secret, 'utf8') });
        out.push({ kind, value, encoding: 'utf16le (secret part)', bytes: Buffer.from(secret, 'utf16le') });
      }
    }
    return out;
  }

  private add(f: Omit<SweepFinding, 'value'> & { rawValue: string }): void {
    const { rawValue, ...rest } = f;
    // One finding per (value, place): the full value also contains its secret part.
    if (this.findings.some((x) => x.where === rest.where && x.value === maskSecret(rawValue))) return;
    this.findings.push({ ...rest, value: maskSecret(rawValue) });
  }

  /**
   * Searches the page's browser storage (localStorage, sessionStorage, every
   * IndexedDB database and object store) for the recorded secrets. Call it
   * before the page's browser context closes. Never throws (a page that is
   * gone is reported as a finding-free scan with a note in `errors`).
   */
  async scanBrowser(page: Page, label: string): Promise<{ entries: number; error?: string }> {
    let dump: Array<{ store: string; key: string; value: string }> = [];
    try {
      dump = (await page.evaluate(BROWSER_DUMP)) as typeof dump;
    } catch (e) {
      return { entries: 0, error: e instanceof Error ? e.message : String(e) };
    }
    this.stats.browserScans++;
    this.stats.browserEntries += dump.length;
    const needles = this.needles();
    for (const entry of dump) {
      const hay = Buffer.from(`${entry.key}\n${entry.value}`, 'utf8');
      for (const n of needles) {
        if (n.encoding.startsWith('utf16le')) continue; // browser strings are searched as text
        if (hay.indexOf(n.bytes) < 0) continue;
        const inSecretStorage = entry.store === 'localStorage' && entry.key === SECRET_STORAGE_LOCAL_STORAGE_KEY;
        this.add({
          kind: n.kind,
          rawValue: n.value,
          where: `browser:${label}:${entry.store}:${entry.key.slice(0, 120)}`,
          encoding: n.encoding,
          allowed: inSecretStorage,
          ...(inSecretStorage ? { reason: 'SecretStorage (code-server keeps it in localStorage, sealed)' } : {}),
        });
      }
    }
    return { entries: dump.length };
  }

  /** Searches every regular file under `roots` (recursively, symlinks not followed) for the recorded secrets. */
  scanFiles(roots: readonly string[]): void {
    const needles = this.needles();
    const seen = new Set<string>();
    const visit = (p: string): void => {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        return;
      }
      if (st.isSymbolicLink()) return;
      if (st.isDirectory()) {
        let names: string[];
        try {
          names = fs.readdirSync(p);
        } catch {
          return;
        }
        for (const n of names) visit(path.join(p, n));
        return;
      }
      if (!st.isFile() || seen.has(p)) return;
      seen.add(p);
      if (st.size > MAX_FILE_BYTES) {
        this.findings.push({ kind: 'token value', value: '(not searched)', where: p, encoding: `file larger than ${MAX_FILE_BYTES} bytes`, allowed: false });
        return;
      }
      let buf: Buffer;
      try {
        buf = fs.readFileSync(p);
      } catch {
        return; // vanished (a log rotated) or unreadable socket
      }
      this.stats.files++;
      this.stats.bytes += buf.length;
      const history = localHistoryOf(p);
      const allowed = this.allowedFiles.get(path.resolve(p)) ?? (history ? this.allowedFiles.get(history) : undefined);
      const reason = history
        ? `VS Code's Local History copy of ${history}, which the user asked to hold the literal value`
        : 'the user asked this file to hold the literal value';
      for (const n of needles) {
        if (buf.indexOf(n.bytes) < 0) continue;
        const ok = allowed === 'any' ? n.kind === 'token value' : !!allowed?.has(n.value);
        this.add({ kind: n.kind, rawValue: n.value, where: p, encoding: n.encoding, allowed: ok, ...(ok ? { reason } : {}) });
      }
    };
    for (const r of roots) if (fs.existsSync(r)) visit(path.resolve(r));
  }

  /** The result: ok when nothing was found outside the allowed places and at least one token value was searched for. */
  result(): { ok: boolean; findings: SweepFinding[]; stats: SweepStats; summary: string } {
    const bad = this.findings.filter((f) => !f.allowed);
    const allowed = this.findings.filter((f) => f.allowed);
    const vacuous = this.stats.tokenValues === 0;
    const s = this.stats;
    const lines = [
      `searched ${s.tokenValues} token value(s) and ${s.sessionIds} session id(s) created by the run in ${s.files} files (${(s.bytes / 1e6).toFixed(1)} MB) and ${s.browserScans} browser storage dump(s) (${s.browserEntries} entries)`,
    ];
    if (vacuous) lines.push('NO token value was created during the run: the sweep proves nothing (a flow must create tokens)');
    for (const f of allowed) lines.push(`allowed: ${f.kind} ${f.value} in ${f.where} [${f.encoding}] — ${f.reason}`);
    for (const f of bad) lines.push(`LEAK: ${f.kind} ${f.value} in ${f.where} [${f.encoding}]`);
    return { ok: bad.length === 0 && !vacuous, findings: [...this.findings], stats: { ...s }, summary: lines.join('\n') };
  }
}
