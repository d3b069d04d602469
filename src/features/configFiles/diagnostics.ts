/**
 * Problems-panel diagnostics for tokens in Telegraf configs, across the
 * workspace: open documents (debounced on every change) plus a scan of the
 * workspace's config files on activation and whenever the token list, the
 * stored values, the connection or the settings change.
 *
 * Reported (source "Telegraf Controller", `code` = the finding code):
 * - `plaintext-token`: a `tc-apiv1_…` value in plain text: Warning, or
 *   Information when git ignores the file;
 * - `token-revoked`, `token-expired` (Error), `token-unknown`,
 *   `token-invalid-format`, `token-missing-permission` (Warning),
 *   `token-expiring` (Information), see `assessToken`.
 */
import * as vscode from 'vscode';
import { parseTelegrafConfig } from '../../core/config';
import { controllerTokenUses } from '../../core/config/references';
import { assessToken, type Finding, type FindingCode } from '../../core/config/tokenAssessment';
import { PREFIX } from '../../constants';
import type { Logger } from '../../infra/logger';
import { envVarName } from '../../infra/envVarSetting';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';
import type { SecretVault } from '../../infra/secretVault';
import {
  CONFIG_EXCLUDE,
  CONFIG_GLOB,
  documentText,
  isTelegrafDocument,
  openDocument,
  readConfig,
  toRange,
  workspaceConfigUris,
  type ConfigText,
} from '../../services/configDocuments';
import type { GitIgnoreChecker } from '../../services/gitIgnore';
import { checkConfigTokensEnabled, type TokenResolver } from './tokenResolver';
import { CheckRuns } from './checkRuns';

/** `source` of every diagnostic of this extension. */
export const DIAGNOSTIC_SOURCE = 'Telegraf Controller';

/** Debounce of edits in an open document, ms. */
export const EDIT_DEBOUNCE_MS = 400;
/** Debounce of workspace rescans, ms. */
export const SCAN_DEBOUNCE_MS = 1000;

/** Whether a diagnostic is one of ours with `code`. */
export function isOurDiagnostic(d: vscode.Diagnostic, code?: FindingCode): boolean {
  if (d.source !== DIAGNOSTIC_SOURCE) return false;
  const c = typeof d.code === 'object' && d.code ? d.code.value : d.code;
  return code === undefined || c === code;
}

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/** Services of {@link ConfigDiagnostics}. */
export interface DiagnosticsDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  resolver: TokenResolver;
  git: GitIgnoreChecker;
  log: Logger;
}

/** The DiagnosticCollection of token problems in Telegraf configs, kept up to date. */
export class ConfigDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('telegrafController');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly runs = new CheckRuns();
  private scanTimer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly deps: DiagnosticsDeps) {}

  /** Subscribes to documents, files, the token list and settings, and schedules the first workspace scan. */
  start(): this {
    const { connection, store, vault } = this.deps;
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    const onFile = (uri: vscode.Uri) => {
      if (!openDocument(uri) && !/[\\/](node_modules|\.git)[\\/]/.test(uri.fsPath)) this.schedule(uri, EDIT_DEBOUNCE_MS);
    };
    // A new folder: its configs may have been written before the watcher watched it (inotify sees a new
    // folder first, then watches it), as `mkdir telegraf.d && cp … telegraf.d/` does: the workspace is scanned.
    const folders = vscode.workspace.createFileSystemWatcher('**/*', false, true, true);
    const onCreated = async (uri: vscode.Uri) => {
      if (/[\\/](node_modules|\.git)([\\/]|$)/.test(uri.fsPath)) return;
      const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
      if (stat && (stat.type & vscode.FileType.Directory) !== 0) this.scheduleScan();
    };
    this.subs.push(
      watcher,
      folders,
      folders.onDidCreate((u) => void onCreated(u)),
      watcher.onDidCreate(onFile),
      watcher.onDidChange(onFile),
      watcher.onDidDelete((uri) => this.forget(uri)),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d.uri, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document.uri, EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === 'file') this.schedule(d.uri, EDIT_DEBOUNCE_MS);
        else this.forget(d.uri);
      }),
      store.onDidChange(() => this.scheduleScan()),
      vault.onDidChange(() => this.scheduleScan()),
      connection.onDidChange(() => this.scheduleScan()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(PREFIX)) this.scheduleScan();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleScan()),
    );
    this.scheduleScan(0);
    return this;
  }

  /** Re-checks `uri` after `delayMs` (debounced per file). */
  schedule(uri: vscode.Uri, delayMs: number): void {
    if (uri.scheme !== 'file' && uri.scheme !== 'untitled') return;
    const key = uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.refreshUri(uri);
      }, delayMs),
    );
  }

  /** Re-scans the whole workspace after `delayMs` (debounced). */
  scheduleScan(delayMs = SCAN_DEBOUNCE_MS): void {
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.scanTimer = setTimeout(() => {
      this.scanTimer = undefined;
      void this.scanWorkspace();
    }, delayMs);
  }

  /** Scans every Telegraf config of the workspace now; resolves when all are done. Never throws. */
  scanWorkspace(): Promise<void> {
    return this.runs.scan(async () => {
      try {
        const uris = await workspaceConfigUris();
        const keep = new Set(uris.map((u) => u.toString()));
        this.collection.forEach((uri) => {
          if (!keep.has(uri.toString())) this.collection.delete(uri);
        });
        for (const uri of uris) await this.refreshUri(uri);
      } catch (e) {
        this.deps.log.warn(`Scanning the workspace's Telegraf configs failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  /** Re-checks one file (its open document, else the file on disk) now. Never throws. */
  async refreshUri(uri: vscode.Uri): Promise<void> {
    const latest = this.runs.begin(uri);
    try {
      const open = openDocument(uri);
      const target: ConfigText | undefined = open ? (isTelegrafDocument(open) ? documentText(open) : undefined) : await readConfig(uri);
      if (!target) {
        if (latest()) this.collection.delete(uri);
        return;
      }
      const stale = () => {
        if (!latest()) return true;
        const now = openDocument(uri);
        return !!now && target.version !== undefined && now.version !== target.version;
      };
      // First what is known locally (plaintext, stored tokens, cached answers), then the controller's answers.
      const quick = await this.analyze(target, false);
      if (stale()) return;
      this.collection.set(uri, quick);
      if (!checkConfigTokensEnabled() || this.deps.connection.current.state !== 'ready' || !quick.some((d) => isOurDiagnostic(d, 'plaintext-token'))) return;
      const full = await this.analyze(target, true);
      if (stale()) return;
      this.collection.set(uri, full);
    } catch (e) {
      this.deps.log.warn(`Checking tokens in ${vscode.workspace.asRelativePath(uri)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The diagnostics of one config text; `network: false` uses only SecretStorage, the token list and cached answers. */
  async analyze(target: ConfigText, network: boolean): Promise<vscode.Diagnostic[]> {
    const cfg = parseTelegrafConfig(target.text);
    const uses = controllerTokenUses(cfg);
    if (uses.length === 0) return [];
    const ignored = target.uri.scheme === 'file' ? await this.deps.git.isIgnored(target.uri.fsPath) : false;
    const host = this.hostLabel();
    const name = envVarName();
    const out: vscode.Diagnostic[] = [];
    const now = Date.now();
    for (const use of uses) {
      const range = toRange(target, use.range);
      const plain = new vscode.Diagnostic(
        range,
        ignored
          ? vscode.l10n.t(
              'A Telegraf Controller token is written in plain text (this file is git-ignored, but anyone who can read it can use the token). Prefer {0} or a secret-store reference.',
              `\${${name}}`,
            )
          : vscode.l10n.t(
              'A Telegraf Controller token is written in plain text: anyone who can read this file or its git history can use it. Replace it with {0} or a secret-store reference.',
              `\${${name}}`,
            ),
        ignored ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning,
      );
      plain.source = DIAGNOSTIC_SOURCE;
      plain.code = 'plaintext-token';
      out.push(plain);
      const facts = await this.deps.resolver.facts(use.value, use.needs, { network });
      for (const f of assessToken(facts, use.needs, now, host)) {
        const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = f.code;
        out.push(d);
      }
    }
    return out;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.subs.forEach((s) => s.dispose());
    this.collection.dispose();
  }

  private forget(uri: vscode.Uri): void {
    this.runs.forget(uri);
    this.collection.delete(uri);
  }

  /** How the core's (English) finding messages name the controller. */
  private hostLabel(): string {
    const url = this.deps.connection.current.url;
    try {
      return url ? `the controller ${new URL(url).host}` : 'the controller';
    } catch {
      return 'the controller';
    }
  }
}

/** Glob and exclusions of the scan (re-exported for tests). */
export const SCAN_GLOB = { include: CONFIG_GLOB, exclude: CONFIG_EXCLUDE };
