/**
 * Problems-panel diagnostics for deployment files (README.md "Deploying
 * agents"): plaintext Telegraf Controller tokens and other credentials,
 * tokens kept in ConfigMaps, unfilled placeholders and empty token
 * defaults, in Compose, Kubernetes, Helm, env files (also those found only
 * through a compose `env_file:`), systemd, shell, PowerShell, Dockerfile,
 * Terraform, Jinja and JSON files. Same source and severity rules as the
 * Telegraf config diagnostics: a plaintext value is a Warning, one level
 * lower when git ignores the file. A controller token also gets the token
 * findings (`assessToken`) known locally (stored values, the token list).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isSecretOnlyManifest, scanText, type DeployFinding, type DeployKind } from '../../../core/deploy';
import { assessToken } from '../../../core/config/tokenAssessment';
import type { Logger } from '../../../infra/logger';
import type { ControllerConnection } from '../../../services/controllerConnection';
import type { TokenStore } from '../../../services/tokenStore';
import type { SecretVault } from '../../../infra/secretVault';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import type { GitIgnoreChecker } from '../../../services/gitIgnore';
import type { TokenResolver } from '../tokenResolver';
import { openDocument } from '../../../services/configDocuments';
import { deploymentKind } from '../../../core/deploy';
import { EnvFileIndex, readDeployment, workspaceDeploymentUris, rangeIn } from './documents';
import { CheckRuns } from '../checkRuns';

/** Debounce of edits, ms. */
export const DEPLOY_EDIT_DEBOUNCE_MS = 400;
/** A workspace scan slower than this is logged, ms. */
const SLOW_SCAN_MS = 5000;

const SEVERITY = {
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
  error: vscode.DiagnosticSeverity.Error,
} as const;
const LOWER: Record<DeployFinding['severity'], DeployFinding['severity']> = { warning: 'information', information: 'hint', hint: 'hint' };

/** Services of {@link DeploymentDiagnostics}. */
export interface DeploymentDiagnosticsDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  resolver: TokenResolver;
  git: GitIgnoreChecker;
  log: Logger;
}

/** A finding with the kind of the file it was found in (kept per document for the quick fixes). */
export interface KindedFinding extends DeployFinding {
  kind: DeployKind;
}

/** The DiagnosticCollection of deployment files, kept up to date. */
export class DeploymentDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('telegrafController.deployments');
  readonly envFiles = new EnvFileIndex();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly runs = new CheckRuns();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly deps: DeploymentDiagnosticsDeps) {}

  start(): this {
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d.uri, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document.uri, DEPLOY_EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (/compose[^/\\]*\.ya?ml$/i.test(d.fileName) || /^services:/m.test(d.getText())) void this.scanWorkspace();
      }),
      this.deps.store.onDidChange(() => this.schedule(undefined, 1000)),
      this.deps.vault.onDidChange(() => this.schedule(undefined, 1000)),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.subs.push(
      watcher,
      watcher.onDidChange((u) => this.onDisk(u)),
      watcher.onDidCreate((u) => void this.onCreate(u)),
      watcher.onDidDelete((u) => this.collection.delete(u)),
    );
    setTimeout(() => void this.scanWorkspace(), 0);
    return this;
  }

  /**
   * A new folder: its files may have been written before the file watcher
   * watched it (inotify adds a watch for a new folder only after seeing it, so
   * `mkdir x && cp … x/` can pass unseen): the whole workspace is checked.
   */
  private async onCreate(uri: vscode.Uri): Promise<void> {
    if (/[\\/](node_modules|\.git)([\\/]|$)/.test(uri.fsPath)) return;
    const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
    if (!stat) return; // gone again
    if ((stat.type & vscode.FileType.Directory) !== 0) this.schedule(undefined, DEPLOY_EDIT_DEBOUNCE_MS);
    else this.onDisk(uri);
  }

  private onDisk(uri: vscode.Uri): void {
    // Open files too: a change on disk may be one of mode only (chmod 600), which the editor's text does not show.
    if (/[\\/](node_modules|\.git)[\\/]/.test(uri.fsPath)) return;
    if (path.basename(uri.fsPath) === '.gitignore') {
      this.deps.git.clear();
      this.schedule(undefined, 1000);
      return;
    }
    // A Compose file written from a shell may name new env files (env_file:): the whole workspace, as on save.
    if (/compose[^/\\]*\.ya?ml$/i.test(uri.fsPath)) this.schedule(undefined, DEPLOY_EDIT_DEBOUNCE_MS);
    else if (deploymentKind(uri.fsPath, '', this.envFiles.paths()) || this.collection.has(uri)) this.schedule(uri, DEPLOY_EDIT_DEBOUNCE_MS);
  }

  /** Re-checks `uri` (or the whole workspace) after `delayMs`. */
  schedule(uri: vscode.Uri | undefined, delayMs: number): void {
    if (uri && uri.scheme !== 'file' && uri.scheme !== 'untitled') return;
    const key = uri?.toString() ?? '*';
    const at = Date.now() + delayMs;
    const old = this.timers.get(key);
    // One file: a new edit postpones its check (typing). The whole workspace: a pending scan is never postponed,
    // so frequent triggers (token list refreshes, files written in a burst) cannot keep it from running.
    if (old && !uri && old.at <= at) return;
    if (old) clearTimeout(old.timer);
    this.timers.set(key, {
      at,
      timer: setTimeout(() => {
        this.timers.delete(key);
        void (uri ? this.refreshUri(uri) : this.scanWorkspace());
      }, delayMs),
    });
  }

  /** Scans every deployment file of the workspace; resolves when done. Never throws. */
  scanWorkspace(): Promise<void> {
    return this.runs.scan(async () => {
      const started = Date.now();
      let files = 0;
      try {
        this.envFiles.clear();
        const uris = await workspaceDeploymentUris(this.envFiles);
        // Compose files first: they name env files that have no telling name.
        const compose = uris.filter((u) => /\.ya?ml$/i.test(u.fsPath));
        for (const u of compose) {
          const t = await readDeployment(u);
          if (t && /^services:/m.test(t.text)) this.envFiles.addCompose(u.fsPath, t.text);
        }
        const all = await workspaceDeploymentUris(this.envFiles);
        const keep = new Set(all.map((u) => u.toString()));
        this.collection.forEach((uri) => {
          if (!keep.has(uri.toString()) && !openDocument(uri)) this.collection.delete(uri);
        });
        files = all.length;
        for (const uri of all) await this.refreshUri(uri);
      } catch (e) {
        this.deps.log.warn(`Scanning the workspace's deployment files failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      // A slow scan delays every finding after it: worth a line in the log.
      const ms = Date.now() - started;
      if (ms > SLOW_SCAN_MS) this.deps.log.info(`Checking ${files} deployment files took ${(ms / 1000).toFixed(1)} s.`);
    });
  }

  /** Re-checks one file now. Never throws. */
  async refreshUri(uri: vscode.Uri): Promise<void> {
    const latest = this.runs.begin(uri);
    try {
      const fsPath = uri.scheme === 'file' ? uri.fsPath.replace(/\\/g, '/') : uri.path;
      if (/\.(conf|toml)$/i.test(fsPath) && !/\.service\.d\//.test(fsPath)) return;
      const t = await readDeployment(uri);
      const open = openDocument(uri);
      const kind = t ? (deploymentKind(fsPath, t.text, this.envFiles.paths()) ?? (open?.languageId === 'dockercompose' ? 'compose' : undefined)) : undefined;
      if (!t || !kind) {
        if (latest()) this.collection.delete(uri);
        return;
      }
      const range = (s: number, e: number) => rangeIn(t, s, e);
      const stale = () => {
        if (!latest()) return true;
        const now = openDocument(uri);
        return !!now && t.version !== undefined && now.version !== t.version;
      };
      // First what is known locally, at once; then what the controller says about unknown values, without
      // holding up the scan of the other files (the resolver limits and deduplicates those checks).
      const quick = await this.analyze(uri, t.text, kind, range, false);
      if (stale()) return;
      this.collection.set(uri, quick);
      void this.analyze(uri, t.text, kind, range, true)
        .then((full) => {
          if (!stale()) this.collection.set(uri, full);
        })
        .catch((e: unknown) => this.deps.log.warn(`Checking ${vscode.workspace.asRelativePath(uri)} with the controller failed: ${String(e)}`));
    } catch (e) {
      this.deps.log.warn(`Checking ${vscode.workspace.asRelativePath(uri)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The diagnostics of one deployment text. */
  async analyze(uri: vscode.Uri, text: string, kind: DeployKind, range: (s: number, e: number) => vscode.Range, network = false): Promise<vscode.Diagnostic[]> {
    const findings = scanText(kind, text);
    const out: vscode.Diagnostic[] = [];
    let ignored = findings.some((f) => f.lowerWhenIgnored) && uri.scheme === 'file' ? await this.deps.git.isIgnored(uri.fsPath) : false;
    // How the file is kept out of git, for the message: git-ignored, or (an env file) simply not tracked.
    const outOfGit = ignored ? 'git-ignored' : 'not tracked by git';
    // An env file is where the value belongs: it counts as a leak only when git tracks it.
    if (kind === 'env' && !ignored && uri.scheme === 'file' && findings.some((f) => f.code === 'plaintext-token'))
      ignored = !(await this.deps.git.isTracked(uri.fsPath));
    const now = Date.now();
    // With `network`, token facts may ask the controller about a value (the resolver: trusted workspaces only,
    // deduplicated and rate-limited), so a token deleted on the controller is reported where a file still holds it.
    // A git-ignored env file only its owner can read (mode 0600, as this extension writes them) is where a value
    // belongs: no plaintext finding there, only what the token's facts say (revoked, expired, unknown), and no
    // "sign in to check" on every such file.
    // So is a git-ignored owner-only Secret manifest (`<secret>.secret.yaml`, as "Add Token to Deployment…" writes them).
    const valueStore =
      (kind === 'env' || (kind === 'kubernetes' && isSecretOnlyManifest(text))) && ignored && uri.scheme === 'file' && (await ownerOnly(uri.fsPath));
    for (const f of findings) {
      if (valueStore && f.code === 'plaintext-token' && f.value) {
        const facts = await this.deps.resolver.facts(f.value, [], { network });
        for (const a of assessToken(facts, [], now, 'the controller')) {
          if (a.code === 'token-unchecked') continue;
          const d = new vscode.Diagnostic(range(f.range.start, f.range.end), a.message, SEVERITY[a.severity]);
          d.source = DIAGNOSTIC_SOURCE;
          d.code = a.code;
          out.push(d);
        }
        continue;
      }
      const sev = ignored && f.lowerWhenIgnored ? LOWER[f.severity] : f.severity;
      const msg =
        ignored && f.lowerWhenIgnored && f.code === 'plaintext-token'
          ? `${f.message} (This file is ${outOfGit}, but anyone who can read it can use the token.)`
          : f.message;
      const d = new vscode.Diagnostic(range(f.range.start, f.range.end), msg, SEVERITY[sev]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = f.code;
      out.push(d);
      if (f.code === 'plaintext-token' && f.value) {
        const facts = await this.deps.resolver.facts(f.value, [], { network });
        for (const a of assessToken(facts, [], now, 'the controller')) {
          const extra = new vscode.Diagnostic(range(f.range.start, f.range.end), a.message, SEVERITY[a.severity]);
          extra.source = DIAGNOSTIC_SOURCE;
          extra.code = a.code;
          out.push(extra);
        }
      }
    }
    if (kind === 'env' && uri.scheme === 'file') {
      const services = this.envFiles.servicesOf(uri.fsPath);
      if (services.length > 1 && /token/i.test(text)) {
        const d = new vscode.Diagnostic(
          range(0, 0),
          vscode.l10n.t(
            'This env file is shared by the Compose services {0}: a token here reaches every one of them. Give the Telegraf service its own env_file for its token.',
            services.join(', '),
          ),
          vscode.DiagnosticSeverity.Information,
        );
        d.source = DIAGNOSTIC_SOURCE;
        d.code = 'shared-env-file';
        out.push(d);
      }
    }
    return out;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.subs.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}

/** True when only the file's owner may read or write it (no group or other bits); false when unknown (e.g. Windows). */
async function ownerOnly(fsPath: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  try {
    return ((await fs.stat(fsPath)).mode & 0o077) === 0;
  } catch {
    return false;
  }
}
