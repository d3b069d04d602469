/**
 * Telegraf config documents for the editor features: which documents are
 * Telegraf configs, a per-version parse cache, the workspace's config files
 * (open documents first, the file on disk otherwise), and offset ↔ position
 * mapping for files that are not open.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isTelegrafConfig, parseTelegrafConfig, type Range, type TelegrafConfig } from '../core/config';
import { unreadableEncoding, type UnreadableEncoding } from '../core/telegraf/encoding';

/** Documents the providers register for; each provider still checks {@link isTelegrafDocument}. */
export const CONFIG_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{conf,toml}' },
  { scheme: 'untitled', language: 'toml' },
  { scheme: 'file', language: 'toml' },
  { scheme: 'untitled', language: 'telegraf' },
  { scheme: 'file', language: 'telegraf' },
];

/** Glob of candidate files in the workspace scan, and what it skips. */
export const CONFIG_GLOB = '**/*.{conf,toml}';
export const CONFIG_EXCLUDE = '{**/node_modules/**,**/.git/**,**/.vscode-test/**,**/dist/**,**/out/**}';

/** Largest file the features read, in UTF-16 units (the full default telegraf.conf is ~0.4 MB). */
export const MAX_CONFIG_CHARS = 5 * 1024 * 1024;

/**
 * The name `isTelegrafConfig` sees for a document: untitled TOML documents count as `.toml`,
 * untitled documents in the Telegraf Config language (package.json `languages`) as a `telegraf.conf`.
 */
function nameFor(doc: Pick<vscode.TextDocument, 'uri' | 'fileName' | 'languageId'>): string {
  if (doc.uri.scheme === 'untitled') {
    if (doc.languageId === 'telegraf') return 'untitled.telegraf.conf';
    return doc.languageId === 'toml' ? 'untitled.toml' : doc.fileName;
  }
  return doc.uri.path;
}

/** True for Telegraf configs: `telegraf.conf`, `telegraf.d/*.conf`, and `.conf`/`.toml` files with Telegraf tables. */
export function isTelegrafDocument(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return false;
  const text = doc.getText();
  if (text.length > MAX_CONFIG_CHARS) return false;
  return isTelegrafConfig(nameFor(doc), text);
}

/** A text with its URI and a position mapping (an open document, or a file read from disk). */
export interface ConfigText {
  uri: vscode.Uri;
  text: string;
  /** Version of the open document, `undefined` for a file read from disk. */
  version: number | undefined;
  positionAt(offset: number): vscode.Position;
}

/** Wraps an open document. */
export function documentText(doc: vscode.TextDocument): ConfigText {
  return { uri: doc.uri, text: doc.getText(), version: doc.version, positionAt: (o) => doc.positionAt(o) };
}

/**
 * Wraps text read from disk. Line breaks are `\r\n`, `\n` and a lone `\r`
 * (as VS Code counts them), so positions match the document once it is opened.
 */
export function diskText(uri: vscode.Uri, text: string): ConfigText {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return {
    uri,
    text,
    version: undefined,
    positionAt: (offset) => {
      const o = Math.max(0, Math.min(offset, text.length));
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= o) lo = mid;
        else hi = mid - 1;
      }
      return new vscode.Position(lo, o - (starts[lo] as number));
    },
  };
}

/** A `vscode.Range` from an offset range of a {@link ConfigText}. */
export function toRange(t: Pick<ConfigText, 'positionAt'>, r: Range): vscode.Range {
  return new vscode.Range(t.positionAt(r.start), t.positionAt(r.end));
}

/**
 * Decodes a file as VS Code does for UTF-8: a leading BOM is not part of the
 * document text (offsets then match the opened document).
 */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** The open document of `uri`, if any. */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

/**
 * Reads a candidate config: the open document's text when open, else the file
 * (skipped when larger than {@link MAX_CONFIG_CHARS}). `undefined` when it
 * cannot be read or is not a Telegraf config.
 */
export async function readConfig(uri: vscode.Uri): Promise<ConfigText | undefined> {
  const open = openDocument(uri);
  if (open) return isTelegrafDocument(open) ? documentText(open) : undefined;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_CONFIG_CHARS * 2) return undefined;
    const text = decodeUtf8(await vscode.workspace.fs.readFile(uri));
    if (text.length > MAX_CONFIG_CHARS || !isTelegrafConfig(uri.path, text)) return undefined;
    return diskText(uri, text);
  } catch {
    return undefined;
  }
}

/** Every candidate file in the workspace (`**\/*.{conf,toml}`, common build folders skipped), plus open Telegraf documents. */
export async function workspaceConfigUris(limit = 2000): Promise<vscode.Uri[]> {
  const found = (vscode.workspace.workspaceFolders?.length ?? 0) > 0 ? await vscode.workspace.findFiles(CONFIG_GLOB, CONFIG_EXCLUDE, limit) : [];
  const seen = new Set(found.map((u) => u.toString()));
  for (const d of vscode.workspace.textDocuments) {
    if (!seen.has(d.uri.toString()) && isTelegrafDocument(d)) {
      found.push(d.uri);
      seen.add(d.uri.toString());
    }
  }
  return found;
}

/** `telegraf.d/influx.conf:12`-style label (workspace-relative path, 1-based line). */
export function locationLabel(uri: vscode.Uri, line: number): string {
  const rel = uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : path.basename(uri.path);
  return `${rel}:${line + 1}`;
}

/** Parses documents once per version (the providers ask for the same version many times). */
export class ParseCache {
  private readonly entries = new Map<string, { version: number; cfg: TelegrafConfig }>();

  /** The parse of `doc` at its current version. */
  get(doc: vscode.TextDocument): TelegrafConfig {
    const key = doc.uri.toString();
    const hit = this.entries.get(key);
    if (hit && hit.version === doc.version) return hit.cfg;
    const cfg = parseTelegrafConfig(doc.getText());
    this.entries.set(key, { version: doc.version, cfg });
    if (this.entries.size > 50) {
      const first = this.entries.keys().next().value;
      if (first !== undefined) this.entries.delete(first);
    }
    return cfg;
  }

  /** Forgets a closed document. */
  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }
}

/** The encoding of `doc`'s file on disk when Telegraf cannot read it (UTF-16, UTF-32); undefined otherwise and for unsaved documents. */
export async function savedEncodingProblem(doc: vscode.TextDocument): Promise<UnreadableEncoding | undefined> {
  if (doc.uri.scheme !== 'file') return undefined;
  try {
    const handle = await fs.open(doc.uri.fsPath, 'r');
    try {
      const buf = new Uint8Array(4096);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return unreadableEncoding(buf.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
