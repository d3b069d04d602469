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
import {
  composeEnvFiles,
  deploymentKind,
  DEPLOY_GLOB,
  envFileAssignments,
  envFileOfSecret,
  envFileTokens,
  fillValue,
  hostEnvFileFor,
  hostFileClaim,
  hostFileClaims,
  manualPlaces,
  namesFile,
  planEnvEntry,
  secretManifestEntries,
  secretNameFor,
  type DeployKind,
} from '../../../core/deploy';
import { tokensWithPrefixOf } from '../../../core/config/tokenAssessment';
import type { Token } from '../../../core/api/contract';
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

/**
 * Reads a deployment file: the open document when it has unsaved changes,
 * else the file on disk (an editor without unsaved changes can briefly show
 * an older text than the disk after a write VS Code has not noticed yet; the
 * disk is what agents read). Undefined when unreadable or too large.
 */
export async function readDeployment(uri: vscode.Uri): Promise<ConfigText | undefined> {
  const open = openDocument(uri);
  if (open && (open.isDirty || uri.scheme !== 'file')) return documentText(open);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_CONFIG_CHARS * 2) return undefined;
    const text = decodeUtf8(await vscode.workspace.fs.readFile(uri));
    if (text.length > MAX_CONFIG_CHARS) return undefined;
    return open && open.getText() === text ? documentText(open) : diskText(uri, text);
  } catch {
    return open ? documentText(open) : undefined;
  }
}

/** Deployment files of the workspace (glob of `core/deploy/kinds`), plus the env files compose files name. */
export async function workspaceDeploymentUris(index: EnvFileIndex): Promise<vscode.Uri[]> {
  if ((vscode.workspace.workspaceFolders?.length ?? 0) === 0) return [];
  const found = await vscode.workspace.findFiles(DEPLOY_GLOB, CONFIG_EXCLUDE, MAX_DEPLOY_FILES);
  // One entry per file on disk: a path the index holds in another spelling (`..`, a symlinked folder) is the same file.
  const real = (p: string) => fs.realpath(p).catch(() => path.resolve(p));
  const seen = new Set(await Promise.all(found.map((u) => real(u.fsPath))));
  for (const p of index.paths()) {
    const key = await real(p);
    if (!seen.has(key)) {
      try {
        await fs.access(p);
        found.push(vscode.Uri.file(path.resolve(p)));
        seen.add(key);
      } catch {
        /* named by compose but missing */
      }
    }
  }
  return found;
}

/** What an env file already gives agents, before a token value is written into it. */
export interface EnvFileHolder {
  /** Absolute path of the env file. */
  fsPath: string;
  /** It sets the variable to another token: writing replaces that one. */
  replaces: boolean;
  /** The token it sets now, as the explorer names it (`"description" (tc-apiv1_abc…)`), when `replaces`. */
  current?: string;
  /** Other variables in it that hold tokens. */
  others: string[];
  /** Workspace deployment files (relative paths) that name the file, besides the one being changed. */
  readers: string[];
}

/**
 * What the env file at `fsPath` already gives agents: undefined when it is
 * missing or holds no other token (nothing to ask). `tokens` (the signed-in
 * list) names the token it holds by its prefix; `except` is the deployment
 * file being changed (not listed as a reader).
 */
export async function envFileHolder(
  fsPath: string,
  name: string,
  value: string,
  ctx: { index: EnvFileIndex; tokens: readonly Pick<Token, 'prefix' | 'description'>[]; except?: string },
): Promise<EnvFileHolder | undefined> {
  let text: string;
  try {
    text = await fs.readFile(fsPath, 'utf8');
  } catch {
    return undefined; // a new file
  }
  const { replaces, others } = envFileTokens(text, name, value);
  if (!replaces && others.length === 0) return undefined;
  const current = replaces ? heldTokenName(envFileAssignments(text).get(name) ?? '', ctx.tokens) : undefined;
  // A Compose file beside a .env reads it through ${VAR} of any variable in it: the other tokens' readers count too.
  const readers = await readersOf(fsPath, name, ctx, others);
  return { fsPath, replaces, ...(current ? { current } : {}), others, readers };
}

/** A held token value as the explorer names it (`"description" (tc-apiv1_abc…)`), never the value itself. */
export function heldTokenName(held: string, tokens: readonly Pick<Token, 'prefix' | 'description'>[]): string {
  const prefix = held.startsWith('tc-apiv1_') ? `${held.slice(0, 12)}…` : undefined;
  const matches = prefix ? tokensWithPrefixOf(held, tokens) : [];
  return matches.length === 1
    ? `"${ui.tokenName(matches[0]!.description, 60)}" (${prefix})`
    : prefix
      ? vscode.l10n.t('a token ({0})', prefix)
      : vscode.l10n.t('another value');
}

/**
 * What the Secret manifest at `fsPath` (`<secret>.secret.yaml`, written by
 * "Add Token to Deployment…") already gives agents: undefined when it is
 * missing or sets `name` to `value` or to nothing; otherwise the token it
 * holds and the workspace files that read its Secret ({@link readersOf}).
 */
export async function secretManifestHolder(
  fsPath: string,
  name: string,
  value: string,
  ctx: { index: EnvFileIndex; tokens: readonly Pick<Token, 'prefix' | 'description'>[]; except?: string },
): Promise<EnvFileHolder | undefined> {
  let text: string;
  try {
    text = await fs.readFile(fsPath, 'utf8');
  } catch {
    return undefined;
  }
  const entries = secretManifestEntries(text);
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const held = entries ? (entries.stringData[name] ?? '') : (new RegExp(`^[ \\t]+${esc}:[ \\t]*["']?([^"'\\s]+)`, 'm').exec(text)?.[1] ?? '');
  // Other keys (another agent's variable, INFLUX_TOKEN beside TELEGRAF_CONTROLLER_TOKEN): the Secret serves them too.
  const others = (entries?.keys ?? []).filter((k) => k !== name);
  const replaces = held !== '' && held !== value;
  if (!replaces && others.length === 0) return undefined;
  return { fsPath, replaces, ...(replaces ? { current: heldTokenName(held, ctx.tokens) } : {}), others, readers: await readersOf(fsPath, name, ctx) };
}

/**
 * Workspace deployment files (relative paths, at most 5) that give agents what
 * the file at `fsPath` holds (the file being changed too, when it reads it
 * already): those naming it by a path
 * that resolves to it (`env_file:`, `--from-env-file`, a kustomize `envs:`
 * entry; never a file of the same name elsewhere) or, beside it, by the host
 * path a systemd unit reads its installed copy from (`namesFile`: the default
 * host file and the file's own `hostFileClaim` lines); Kubernetes and Helm
 * files beside it that read a Secret made from it (`secretKeyRef` of the
 * Secret {@link secretNameFor} names after it; for a `*.secret.yaml` manifest,
 * the Secret it defines); a Compose file beside a `.env` that reads `${name}`
 * (or `${v}` of a variable `v` of `alsoVars`, the file's other tokens).
 */
export async function readersOf(
  fsPath: string,
  name: string,
  ctx: { index: EnvFileIndex; except?: string },
  alsoVars: readonly string[] = [],
): Promise<string[]> {
  const base = path.basename(fsPath);
  // Where a systemd unit beside it reads its installed copy: the default host file, and any it says it is installed as.
  const own = await fs.readFile(fsPath, 'utf8').catch(() => '');
  const hostPaths = [hostEnvFileFor(base), ...hostFileClaims(own)];
  const dir = path.dirname(fsPath);
  // The Secret made from it (an env file this extension names: `telegraf-controller-2.env` → `telegraf-controller-token-2`).
  const secret = base.endsWith('.secret.yaml')
    ? base.slice(0, -'.secret.yaml'.length)
    : envFileOfSecret(secretNameFor(base)) === base
      ? secretNameFor(base)
      : undefined;
  const readers: string[] = [];
  for (const uri of await workspaceDeploymentUris(ctx.index)) {
    if (uri.fsPath === fsPath) continue;
    const t = await readDeployment(uri);
    if (!t) continue;
    const beside = path.dirname(uri.fsPath) === dir;
    const composeBeside = base === '.env' && beside && /^services:/m.test(t.text) && [name, ...alsoVars].some((v) => new RegExp(`\\$\\{?${v}\\b`).test(t.text));
    const kind = beside && secret !== undefined ? deploymentKind(uri.fsPath.replace(/\\/g, '/'), t.text, ctx.index.paths()) : undefined;
    const readsSecret = kind !== undefined && manualPlaces(kind, t.text, uri.fsPath).some((m) => m.secret?.name === secret);
    // The file being changed counts too when it already reads this file (another service or workload in it).
    if (composeBeside || namesFile(uri.fsPath, t.text, fsPath, hostPaths) || readsSecret) readers.push(vscode.workspace.asRelativePath(uri));
    if (readers.length >= 5) break;
  }
  return readers;
}

/**
 * Workspace deployment files (relative paths) other than `ctx.except` whose
 * workloads read the Kubernetes Secret `name` in `namespace` (a side that
 * does not state its namespace counts as the same): a Secret is one per
 * namespace, so a second agent given the same name would share, and later
 * replace, the first one's token.
 */
export async function secretReaders(name: string, namespace: string | undefined, ctx: { index: EnvFileIndex; except?: string }): Promise<string[]> {
  const out: string[] = [];
  for (const uri of await workspaceDeploymentUris(ctx.index)) {
    if (uri.fsPath === ctx.except || !/\.ya?ml$/i.test(uri.fsPath)) continue;
    const t = await readDeployment(uri);
    if (!t || !t.text.includes(name)) continue;
    const kind = deploymentKind(uri.fsPath.replace(/\\/g, '/'), t.text, ctx.index.paths());
    if (kind !== 'kubernetes' && kind !== 'helm-values' && kind !== 'kustomization') continue;
    const reads = manualPlaces(kind, t.text, uri.fsPath).some(
      (m) => m.secret?.name === name && (!namespace || !m.secret.namespace || m.secret.namespace === namespace),
    );
    if (reads) out.push(vscode.workspace.asRelativePath(uri));
  }
  return out;
}

/**
 * A file of its own for a new agent's token beside `dir`: the first
 * `telegraf-controller-N.env` (N = 2, 3, …) that does not exist there, whose
 * Secret (`secretNameFor`: `telegraf-controller-token-N`) no other workspace
 * manifest reads in `namespace` and has no `*.secret.yaml` beside it.
 */
export async function freeOwnEnvFile(dir: string, namespace: string | undefined, ctx: { index: EnvFileIndex; except?: string }): Promise<string> {
  const exists = (p: string) =>
    fs.access(p).then(
      () => true,
      () => false,
    );
  for (let n = 2; ; n++) {
    const env = `telegraf-controller-${n}.env`;
    const secret = secretNameFor(env);
    if (await exists(path.join(dir, env))) continue;
    if (await exists(path.join(dir, `${secret}.secret.yaml`))) continue;
    if ((await secretReaders(secret, namespace, ctx)).length === 0) return env;
  }
}

/**
 * Asks before a token value goes into an env file that already gives agents
 * a token ({@link envFileHolder}): names that token and the workspace files
 * that read the file, and offers `alternative` (a free file name beside it)
 * as the default button, else opening the file; replacing must be chosen on
 * purpose. Returns `'replace'` or `'alternative'`; throws Cancelled otherwise.
 */
export async function confirmEnvFileHolder(holder: EnvFileHolder, name: string, alternative?: string): Promise<'replace' | 'alternative'> {
  const file = path.basename(holder.fsPath);
  const detail = [
    holder.replaces ? vscode.l10n.t('It sets {0} to {1}: writing replaces it for every deployment that reads {2}.', name, holder.current ?? '', file) : '',
    holder.others.length ? vscode.l10n.t('It also holds {0}: every deployment that reads {1} gets those values too.', holder.others.join(', '), file) : '',
    holder.readers.length
      ? vscode.l10n.t('Named by: {0}.', holder.readers.join(', '))
      : vscode.l10n.t('No other deployment file in the workspace names it; one outside the workspace may read it.'),
    alternative ? vscode.l10n.t('"Use {0}" puts the new token into a file of its own instead.', alternative) : '',
  ]
    .filter(Boolean)
    .join('\n');
  const other = alternative ? vscode.l10n.t('Use {0}', alternative) : vscode.l10n.t('Open {0}', file);
  // Only other variables hold tokens: the new one is added beside them, nothing is replaced.
  const replace = holder.replaces ? vscode.l10n.t('Replace the Token in {0}', file) : vscode.l10n.t('Add It to {0}', file);
  // The safe choice first: it is the default button (Enter).
  const choice = await ui.showWarningMessage(vscode.l10n.t('{0} already gives agents a token.', file), { modal: true, detail }, other, replace);
  if (choice === replace) return 'replace';
  if (choice === other && alternative) return 'alternative';
  if (choice === other) await vscode.window.showTextDocument(vscode.Uri.file(holder.fsPath), { preview: true });
  throw new Cancelled();
}

/**
 * The first `<stem>-N<ext>` (N = 2, 3, …) beside `fsPath` that does not exist
 * (nor does `alsoFree(candidate)`, a file named after it such as its Secret
 * manifest): a file of its own for a new token when `fsPath` already holds
 * another.
 */
export async function freeFileBeside(fsPath: string, alsoFree?: (candidate: string) => string): Promise<string> {
  const ext = path.extname(fsPath);
  const stem = fsPath.slice(0, fsPath.length - ext.length);
  const exists = (p: string) =>
    fs.access(p).then(
      () => true,
      () => false,
    );
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}${ext}`;
    if (!(await exists(candidate)) && !(alsoFree && (await exists(alsoFree(candidate))))) return candidate;
  }
}

/**
 * Sets `name=value` in the env file at `fsPath` (created when missing),
 * in the file's quoting style, with mode 0600; adds the file to the
 * `.gitignore` beside it when git does not ignore it yet. `opts.hostFile`: the
 * host file a systemd unit reads it as, recorded in a `hostFileClaim` comment
 * line. Refuses an open document with unsaved changes (nothing is lost).
 * Returns what was done, for the message (never the value).
 */
export async function writeValueFile(
  fsPath: string,
  name: string,
  value: string,
  git: GitIgnoreChecker,
  opts: { hostFile?: string } = {},
): Promise<{ created: boolean; gitignored: 'already' | 'added' | 'tracked' }> {
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
  let filled = fillValue(applyEdits(body, [planEnvEntry(body, name)]), value);
  // Which host file it is installed as: Rotate reads it back (hostFileClaims) to follow the token there.
  if (opts.hostFile && !hostFileClaims(filled).includes(opts.hostFile))
    filled = `${hostFileClaim(opts.hostFile)}${filled.includes('\r\n') ? '\r\n' : '\n'}${filled}`;
  const next = (hadBom ? '\uFEFF' : '') + filled;
  await writeOwnerOnly(fsPath, next, created ? undefined : text);
  return { created, gitignored: await ensureGitIgnored(fsPath, git) };
}

/**
 * Writes `next` to the file at `fsPath` (`before`: its text on disk when
 * `next` was computed, undefined for a new file), mode 0600, never
 * half-written. A file open in an editor without unsaved changes, whose
 * editor shows what is on disk, is changed through a WorkspaceEdit and saved:
 * the editor never keeps an older text that a later edit (Rotate) would start
 * from, and Undo can take the change back. Otherwise a new file beside it
 * (owner-only) is renamed over it. Throws when the file has unsaved changes
 * or its save fails; nothing is lost then.
 */
export async function writeOwnerOnly(fsPath: string, next: string, before: string | undefined): Promise<void> {
  const uri = vscode.Uri.file(fsPath);
  const open = openDocument(uri);
  if (open?.isDirty) throw new Error(vscode.l10n.t('{0} has unsaved changes; save or revert it first. Nothing was changed.', path.basename(fsPath)));
  const shown = open?.getText();
  if (open && before !== undefined && (shown === before || `\uFEFF${shown}` === before)) {
    // Owner-only before the value reaches it.
    await fs.chmod(fsPath, 0o600);
    const we = new vscode.WorkspaceEdit();
    we.replace(uri, new vscode.Range(open.positionAt(0), open.positionAt(shown!.length)), next.replace(/^\uFEFF/, ''));
    if (!(await vscode.workspace.applyEdit(we))) throw new Error(vscode.l10n.t('VS Code refused to edit {0}; nothing was changed.', path.basename(fsPath)));
    if (!(await open.save())) throw new Error(vscode.l10n.t('{0} could not be saved; the new value is only in its editor.', path.basename(fsPath)));
    await fs.chmod(fsPath, 0o600);
    return;
  }
  await fs.mkdir(path.dirname(fsPath), { recursive: true });
  const tmp = `${fsPath}.${process.pid}.tmp`;
  await fs.writeFile(tmp, next, { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, fsPath).catch(async (e: unknown) => {
    await fs.rm(tmp, { force: true });
    throw e;
  });
}

/**
 * Keeps a file that holds a value out of version control: unless git already
 * ignores it, `/<name>` is added to the `.gitignore` of its folder (created
 * when missing, line endings kept). Returns whether it was ignored already,
 * or `'tracked'` when git tracks the file: `.gitignore` does not untrack a
 * file, so only `git rm --cached` keeps its next version out of a commit (the
 * line is added all the same, so that it stays out afterwards).
 */
export async function ensureGitIgnored(fsPath: string, git: GitIgnoreChecker): Promise<'already' | 'added' | 'tracked'> {
  git.clear();
  if (await git.isIgnored(fsPath)) return 'already';
  // .gitignore does not untrack a file git tracks already: the value would be committed with it.
  const tracked = await git.isTrackedKnown(fsPath);
  const gi = path.join(path.dirname(fsPath), '.gitignore');
  let cur = '';
  try {
    cur = await fs.readFile(gi, 'utf8');
  } catch {
    /* new .gitignore */
  }
  const line = `/${path.basename(fsPath)}`;
  // Listed already (outside a git repository git ignores nothing): nothing to add, and nothing "now listed".
  if (!tracked && cur.split(/\r?\n/).includes(line)) return 'already';
  if (!cur.split(/\r?\n/).includes(line)) {
    const eol = cur.includes('\r\n') ? '\r\n' : '\n';
    await fs.writeFile(gi, `${cur}${cur && !cur.endsWith('\n') ? eol : ''}${line}${eol}`);
  }
  git.clear();
  return tracked ? 'tracked' : 'added';
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
