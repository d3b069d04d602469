/**
 * Deployment documents in the workspace: which files are deployment files
 * (`core/deploy/kinds`), the env files Compose files name in `env_file:`
 * (found through the compose reference, not their name), reading a file as
 * an open document or from disk, and writing the value file (an env file
 * that holds the token: mode 0600, added to `.gitignore` when git does not
 * ignore it yet). See README.md "Deploying agents".
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shQuote } from '../../../core/agentStart/generators';
import { composeEnvFiles, deploymentKind, DEPLOY_GLOB, envFileTokens, fillValue, planEnvEntry, type DeployKind } from '../../../core/deploy';
import { applyEdits } from '../../../core/config';
import { CONFIG_EXCLUDE, decodeUtf8, diskText, documentText, MAX_CONFIG_CHARS, openDocument, type ConfigText } from '../../../services/configDocuments';
import type { GitIgnoreChecker } from '../../../services/gitIgnore';
import * as ui from '../../../infra/ui';
import { Cancelled } from '../../../infra/commands';

/** At most this many files are scanned. */
export const MAX_DEPLOY_FILES = 5000;

/** Env files named by compose files: absolute fsPath → the services (with their compose file) that read it. */
export class EnvFileIndex {
  private readonly users = new Map<string, string[]>();

  /** Records the `env_file:` entries of the compose file at `composePath`. */
  addCompose(composePath: string, text: string): void {
    for (const [rel, services] of composeEnvFiles(text)) {
      const abs = path.resolve(path.dirname(composePath), rel);
      const list = this.users.get(abs) ?? [];
      for (const s of services) if (!list.includes(s)) list.push(s);
      this.users.set(abs, list);
    }
  }

  /** Services that read the env file at `fsPath` (empty when no compose file names it). */
  servicesOf(fsPath: string): string[] {
    return this.users.get(path.resolve(fsPath)) ?? [];
  }

  /** Every known env file (absolute, `/`-separated as `deploymentKind` expects). */
  paths(): Set<string> {
    return new Set([...this.users.keys()].map((p) => p.replace(/\\/g, '/')));
  }

  clear(): void {
    this.users.clear();
  }
}

/** The deployment kind of a document, or undefined (TOML configs are the config features' job). */
export function kindOfDocument(doc: vscode.TextDocument, index?: EnvFileIndex): DeployKind | undefined {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return undefined;
  const p = doc.uri.scheme === 'file' ? doc.uri.fsPath.replace(/\\/g, '/') : doc.fileName;
  if (/\.(conf|toml)$/i.test(p) && !/\.service\.d\//.test(p)) return undefined;
  const text = doc.getText();
  if (text.length > MAX_CONFIG_CHARS) return undefined;
  const byLang = doc.languageId === 'dockercompose' ? 'compose' : undefined;
  return deploymentKind(p, text, index?.paths()) ?? byLang;
}

/** Reads a deployment file (the open document when open). Undefined when unreadable or too large. */
export async function readDeployment(uri: vscode.Uri): Promise<ConfigText | undefined> {
  const open = openDocument(uri);
  if (open) return documentText(open);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_CONFIG_CHARS * 2) return undefined;
    const text = decodeUtf8(await vscode.workspace.fs.readFile(uri));
    return text.length > MAX_CONFIG_CHARS ? undefined : diskText(uri, text);
  } catch {
    return undefined;
  }
}

/** Deployment files of the workspace (glob of `core/deploy/kinds`), plus the env files compose files name. */
export async function workspaceDeploymentUris(index: EnvFileIndex): Promise<vscode.Uri[]> {
  if ((vscode.workspace.workspaceFolders?.length ?? 0) === 0) return [];
  const found = await vscode.workspace.findFiles(DEPLOY_GLOB, CONFIG_EXCLUDE, MAX_DEPLOY_FILES);
  const seen = new Set(found.map((u) => u.fsPath));
  for (const p of index.paths()) {
    if (!seen.has(p)) {
      try {
        await fs.access(p);
        found.push(vscode.Uri.file(p));
        seen.add(p);
      } catch {
        /* named by compose but missing */
      }
    }
  }
  return found;
}

/**
 * Before a token value goes into the env file at `fsPath`: when the file
 * already sets `name` to another value, or holds other tokens, says that every
 * deployment reading the file gets what is in it, and asks (modal; the safe
 * choice, not writing, is the default). Nothing to say: returns at once.
 * Throws Cancelled when the user does not confirm.
 */
export async function confirmValueFile(fsPath: string, name: string, value: string): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(fsPath, 'utf8');
  } catch {
    return; // a new file
  }
  const { replaces, others } = envFileTokens(text, name, value);
  if (!replaces && others.length === 0) return;
  const file = path.basename(fsPath);
  const detail = [
    replaces ? vscode.l10n.t('It already sets {0} to another token: that one is replaced, for every deployment that reads {1}.', name, file) : '',
    others.length ? vscode.l10n.t('It also holds {0}: every deployment that reads {1} gets those values too.', others.join(', '), file) : '',
    vscode.l10n.t('Another deployment may share this file (an env_file, an EnvironmentFile, a kubectl --from-env-file).'),
  ]
    .filter(Boolean)
    .join('\n');
  const write = vscode.l10n.t('Write to {0}', file);
  const choice = await ui.showWarningMessage(vscode.l10n.t('{0} already holds a token.', file), { modal: true, detail }, write);
  if (choice !== write) throw new Cancelled();
}

/**
 * Sets `name=value` in the env file at `fsPath` (created when missing),
 * in the file's quoting style, with mode 0600; adds the file to the
 * `.gitignore` beside it when git does not ignore it yet. Refuses an open
 * document with unsaved changes (nothing is lost). Returns what was done,
 * for the message (never the value).
 */
export async function writeValueFile(
  fsPath: string,
  name: string,
  value: string,
  git: GitIgnoreChecker,
): Promise<{ created: boolean; gitignored: 'already' | 'added' }> {
  const open = openDocument(vscode.Uri.file(fsPath));
  if (open?.isDirty) throw new Error(vscode.l10n.t('{0} has unsaved changes; save or revert it first. Nothing was changed.', path.basename(fsPath)));
  let text = '';
  let created = false;
  try {
    text = await fs.readFile(fsPath, 'utf8');
  } catch {
    created = true;
  }
  const hadBom = text.startsWith('\uFEFF');
  const body = hadBom ? text.slice(1) : text;
  const next = (hadBom ? '\uFEFF' : '') + fillValue(applyEdits(body, [planEnvEntry(body, name)]), value);
  await fs.mkdir(path.dirname(fsPath), { recursive: true });
  const tmp = `${fsPath}.${process.pid}.tmp`;
  await fs.writeFile(tmp, next, { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, fsPath);
  return { created, gitignored: await ensureGitIgnored(fsPath, git) };
}

/**
 * Keeps a file that holds a value out of version control: unless git already
 * ignores it, `/<name>` is added to the `.gitignore` of its folder (created
 * when missing, line endings kept). Returns whether it was ignored already.
 */
export async function ensureGitIgnored(fsPath: string, git: GitIgnoreChecker): Promise<'already' | 'added'> {
  git.clear();
  if (await git.isIgnored(fsPath)) return 'already';
  const gi = path.join(path.dirname(fsPath), '.gitignore');
  let cur = '';
  try {
    cur = await fs.readFile(gi, 'utf8');
  } catch {
    /* new .gitignore */
  }
  const line = `/${path.basename(fsPath)}`;
  if (!cur.split(/\r?\n/).includes(line)) {
    const eol = cur.includes('\r\n') ? '\r\n' : '\n';
    await fs.writeFile(gi, `${cur}${cur && !cur.endsWith('\n') ? eol : ''}${line}${eol}`);
  }
  git.clear();
  return 'added';
}

/** Range helper: offsets of a ConfigText → vscode.Range. */
export function rangeIn(t: Pick<ConfigText, 'positionAt'>, start: number, end: number): vscode.Range {
  return new vscode.Range(t.positionAt(start), t.positionAt(end));
}

/**
 * A command as the user runs it from the workspace folder: each of `files`
 * (names relative to `dir`, the deployment file's folder, as the core's plans
 * write them) that stands as a whole word (`install … FILE /etc/…`,
 * `kubectl apply -f FILE`) or as `--from-env-file=FILE` becomes its
 * workspace-relative path, shell-quoted.
 */
export function workspaceCommand(text: string, dir: string, files: readonly string[]): string {
  let out = text;
  for (const f of files.filter((x) => !path.isAbsolute(x))) {
    const rel = shQuote(vscode.workspace.asRelativePath(path.join(dir, f), false));
    // The name as the plan wrote it (shell-quoted when needed), as a whole word or after `=`.
    const as = shQuote(f).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(^|[\\s=])${as}(?=$|\\s)`, 'gm'), (_m, before: string) => `${before}${rel}`);
  }
  return out;
}
