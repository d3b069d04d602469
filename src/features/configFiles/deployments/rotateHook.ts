/**
 * What "Rotate Token…" and "Revoke on Server and Replace…" learn from the
 * deployment files (README.md "Deploying agents"): plaintext occurrences of
 * the old value in env files (rewritten with the new value), plaintext
 * occurrences elsewhere (listed: apply the file's quick fix first), and the
 * places outside the workspace with the exact command to run: a cluster
 * Secret (and the restart of the workloads that read it), an env file a
 * systemd unit reads on the host, a Windows registry value, the Compose
 * services whose env file changed. Also the env files "Add to Env File…"
 * wrote outside the workspace (remembered in the workspace state,
 * writtenEnvFiles.ts): rewritten when VS Code may write them (with the
 * restart of the agent that reads them listed), listed with `sudoedit`
 * otherwise. VS Code does not watch such files, so its model of one may be
 * older than the file: the file is then rewritten from what is on disk, and
 * a model edit whose save fails is reverted (no buffer keeps a value).
 * Implements the rotate command's {@link DeploymentReferenceHook}.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { existsSync, promises as fs } from 'node:fs';
import {
  composeEnvFiles,
  composeRecreateCommand,
  CONTROLLER_TOKEN_VAR,
  deploymentKind,
  hostFileClaims,
  hostFileCommand,
  installHostFileCommand,
  isWholeCopy,
  kustomizeResources,
  mergeHostFileCommand,
  envFileAssignments,
  envFileEditCommand,
  envFileRestartCommand,
  LEGACY_TOKEN_VAR,
  manualPlaces,
  planRewrite,
  secretFromEnvFileCommand,
  secretFromPromptCommand,
  secretManifestValues,
  valueOccurrences,
  WRITABLE_KINDS,
  type DeployKind,
  type HostFileRef,
  type SecretRef,
} from '../../../core/deploy';
import { applyEdits, CONTROLLER_TOKEN_PREFIX } from '../../../core/config';
import { shQuote } from '../../../core/agentStart/generators';
import {
  CONFIG_EXCLUDE,
  decodeUtf8,
  diskText,
  documentText,
  locationLabel,
  MAX_CONFIG_CHARS,
  openDocument,
  readConfig,
  type ConfigText,
} from '../../../services/configDocuments';
import { canWriteFile, keepPermissionBits, permissionBits } from '../../../infra/valueFiles';
import type { DeploymentReferenceHook, DeploymentReferences, ManualPlaceRef } from '../tokenReplacement';
import type { DeploymentDiagnostics } from './diagnostics';
import { readDeployment, workspaceDeploymentUris } from './documents';
import { envFileLabel, writtenEnvFiles } from './writtenEnvFiles';

/** Token values an env file sets (`tc-apiv1_…`, or any value of TELEGRAF_CONTROLLER_TOKEN / INFLUX_TOKEN). */
function envFileTokenValues(text: string): string[] {
  return [...envFileAssignments(text)]
    .filter(([k, v]) => v !== '' && (v.startsWith(CONTROLLER_TOKEN_PREFIX) || k === CONTROLLER_TOKEN_VAR || k === LEGACY_TOKEN_VAR))
    .map(([, v]) => v);
}

/**
 * How to update cluster Secret `secret` (referenced by the manifest `manifest`)
 * when the token `oldValue` is rotated; undefined when the Secret is not this
 * token's:
 * - an env file it is made from (`secret.madeFromEnvFiles`) holds the old
 *   value: rotate rewrites that file, and the command sets the Secret's key
 *   from it (kustomize: `kubectl apply -k`);
 * - the env file it may be made from holds another token (and not this one):
 *   not this token's Secret, not listed;
 * - otherwise the workspace does not show what the Secret holds: listed as
 *   such, with a command that reads the new value at a hidden prompt.
 */
async function secretPlace(
  manifest: vscode.Uri,
  kind: DeployKind,
  secret: SecretRef,
  oldValue: string,
  secretManifests: readonly { uri: vscode.Uri; text: string }[],
): Promise<{ note: string; command: string; unsure?: boolean; file?: string } | undefined> {
  // A Secret a kustomization beside the manifest generates: its own place (`kubectl apply -k`, which also rolls the pods)
  // covers it; kubectl on the plain name would miss the generated, hash-suffixed Secret.
  if (kind === 'kubernetes') {
    // The kustomization beside the manifest, or one above it that lists it under `resources:` (resources/daemonset.yaml).
    let dir = vscode.Uri.joinPath(manifest, '..');
    for (let up = 0; up < 4; up++, dir = vscode.Uri.joinPath(dir, '..')) {
      for (const k of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
        const text = (await readDeployment(vscode.Uri.joinPath(dir, k)))?.text;
        if (!text || !manualPlaces('kustomization', text).some((m) => m.secret?.name === secret.name)) continue;
        const lists = up === 0 || kustomizeResources(text).some((r) => path.resolve(dir.fsPath, r) === path.resolve(manifest.fsPath));
        if (lists) return undefined;
      }
      if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.joinPath(dir, '..'))) break;
    }
  }
  // A Secret manifest in the workspace that defines it (the git-ignored `*.secret.yaml` Add Token writes) says what it holds:
  // one beside the manifest, or one elsewhere that states the same namespace. A kustomization's secretGenerator says it itself.
  for (const m of kind === 'kustomization' ? [] : secretManifests) {
    const beside = path.dirname(m.uri.fsPath) === path.dirname(manifest.fsPath);
    if (!beside && !secret.namespace) continue;
    const values = secretManifestValues(m.text, secret.name, secret.key, secret.namespace, !beside);
    if (values === undefined) continue;
    const rel = vscode.workspace.asRelativePath(m.uri, false);
    if (values.includes(oldValue))
      return {
        note: ` — ${vscode.l10n.t('defined in {0}, which gets the new value: apply it again', rel)}${restartNote(secret)}`,
        command: withRestarts(`kubectl apply -f ${shQuote(rel)}`, secret),
        file: m.uri.fsPath,
      };
    if (values.length > 0) return undefined;
  }
  const dir = vscode.Uri.joinPath(manifest, '..');
  let other = false;
  // For a chart's envFromSecret (which "Add Token to Deployment…" patches from the env file beside the values), an env
  // file there holding this token is the likely source, under the key it sets. For a manifest, an env file beside it
  // may be another Secret's: it proves nothing.
  let likely: { rel: string; key: string; file: string } | undefined;
  for (const [i, name] of secret.envFiles.entries()) {
    const envUri = vscode.Uri.joinPath(dir, name);
    const text = (await readDeployment(envUri))?.text;
    if (text === undefined) continue;
    const values = envFileTokenValues(text);
    const rel = vscode.workspace.asRelativePath(envUri, false);
    const key = [...envFileAssignments(text)].find(([, v]) => v === oldValue)?.[0];
    if (!likely && key && !secret.madeFromEnvFiles && kind === 'helm-values') likely = { rel, key, file: envUri.fsPath };
    if (values.includes(oldValue) && secret.madeFromEnvFiles) {
      const command =
        kind === 'kustomization' ? `kubectl apply -k ${shQuote(vscode.workspace.asRelativePath(dir, false))}` : secretFromEnvFileCommand(secret, rel);
      return {
        note: ` — ${vscode.l10n.t('made from {0}, which gets the new value', rel)}${restartNote(secret)}`,
        command: withRestarts(command, secret),
        file: envUri.fsPath,
      };
    }
    if (i === 0 && values.length > 0 && !values.includes(oldValue)) other = true;
  }
  if (other) return undefined;
  if (likely)
    return {
      note: ` — ${vscode.l10n.t('probably set from {0} (key {1}), which gets the new value: update it only if it holds this token', likely.rel, likely.key)}${restartNote(secret)}`,
      command: withRestarts(secretFromEnvFileCommand({ ...secret, key: likely.key }, likely.rel), secret),
      unsure: true,
      file: likely.file,
    };
  return {
    note: ` — ${vscode.l10n.t('what it holds is not in the workspace: update it only if it holds this token')}${restartNote(secret)}`,
    command: withRestarts(secretFromPromptCommand(secret), secret),
    unsure: true,
  };
}

/**
 * Whether Rotate rewrites the old value in a deployment file of `kind`: env
 * files, and the Secret manifests "Add Token to Deployment…" writes
 * (`*.secret.yaml`, git-ignored), which are then applied again.
 */
function rewritable(kind: DeployKind, uri: vscode.Uri): boolean {
  return WRITABLE_KINDS.includes(kind) || (kind === 'kubernetes' && /\.secret\.ya?ml$/i.test(uri.fsPath));
}

/** The Secret's command followed by the restarts of the workloads that read it. */
function withRestarts(command: string, secret: SecretRef): string {
  return [command, ...secret.restarts].join('\n');
}

/** ", then restart the pods that read it" when the Secret is read into environment variables. */
function restartNote(secret: SecretRef): string {
  return secret.restarts.length ? vscode.l10n.t(', then restart the pods that read it (they read it only when they start)') : '';
}

/**
 * How to update host file `f` (an `EnvironmentFile=` of the systemd unit
 * `unit`) when the token `oldValue` is rotated; undefined when it is not this
 * token's:
 * - a workspace file it is likely installed from holds the old value: rotate
 *   rewrites that file, and the command installs it again and restarts the unit;
 * - such a file holds another token: not this token's host file, not listed;
 * - otherwise the workspace does not show what the host file holds: listed as
 *   such, with a `sudoedit` command.
 */
async function hostFilePlace(
  unit: vscode.Uri,
  f: HostFileRef,
  oldValue: string,
): Promise<{ note: string; command: string; unsure?: boolean; file?: string } | undefined> {
  const dir = vscode.Uri.joinPath(unit, '..');
  let other = false;
  for (const name of await hostFileSources(dir, f)) {
    const source = vscode.Uri.joinPath(dir, name);
    const text = (await readDeployment(source))?.text;
    if (text === undefined) continue;
    const values = envFileTokenValues(text);
    const rel = vscode.workspace.asRelativePath(source, false);
    if (values.includes(oldValue)) {
      if (isWholeCopy(f.path, name))
        return {
          note: ` — ${vscode.l10n.t('installed from {0}, which gets the new value: install it again', rel)}`,
          command: installHostFileCommand(f, rel),
          // Made from that file: left out when the rotation could not update it.
          file: source.fsPath,
        };
      // The host file holds more than the workspace file (other settings): only the token's lines are replaced.
      const vars = [...envFileAssignments(text)].filter(([, v]) => v === oldValue).map(([k]) => k);
      return {
        note: ` — ${vscode.l10n.t('its {0} line gets the new value from {1}; its other lines stay', vars.join(', '), rel)}`,
        command: mergeHostFileCommand(f.path, rel, vars, f.unit),
        file: source.fsPath,
      };
    }
    if (values.length > 0) other = true;
  }
  if (other) return undefined;
  return {
    note: ` — ${vscode.l10n.t('what it holds is not in the workspace: update it only if it holds this token')}`,
    command: hostFileCommand(f),
    unsure: true,
  };
}

/**
 * The workspace files host file `f` is installed from, relative to the unit's
 * folder `dir`: the env files beside the unit (or its drop-in's unit) whose
 * `hostFileClaim` comment names `f.path`, when any does; otherwise
 * `f.sources` (the guesses by name) without the files that claim another
 * host file (another unit's).
 */
async function hostFileSources(dir: vscode.Uri, f: HostFileRef): Promise<string[]> {
  const claimed: string[] = [];
  const elsewhere = new Set<string>();
  const folders = [...new Set(f.sources.map((s) => path.posix.dirname(s)))];
  for (const folder of folders) {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(dir, folder)).then(
      (e) => e,
      () => [] as [string, vscode.FileType][],
    );
    for (const [name, type] of entries) {
      if (type !== vscode.FileType.File || !/\.env$|^\.env$/.test(name)) continue;
      const rel = folder === '.' ? name : `${folder}/${name}`;
      const text = (await readDeployment(vscode.Uri.joinPath(dir, rel)))?.text ?? '';
      const claims = hostFileClaims(text);
      if (claims.includes(f.path)) claimed.push(rel);
      else if (claims.length > 0) elsewhere.add(rel);
    }
  }
  return claimed.length > 0 ? claimed : f.sources.filter((s) => !elsewhere.has(s));
}

/**
 * The Compose services to recreate because an env file they read (`env_file:`,
 * or the `.env` Compose interpolates `${…}` from) is among `rewritten`
 * (absolute paths of env files that get the new value → the variables that
 * hold it): one place per
 * compose file, with `docker compose -f … up -d`.
 */
function composeRecreates(compose: vscode.Uri, text: string, rewritten: ReadonlyMap<string, string[]>): { label: string; command: string } | undefined {
  const dir = path.dirname(compose.fsPath);
  const services = new Set<string>();
  const files = new Set<string>();
  for (const [file, users] of composeEnvFiles(text)) {
    const abs = path.resolve(dir, file);
    if (!rewritten.has(abs)) continue;
    files.add(vscode.workspace.asRelativePath(abs, false));
    for (const u of users) services.add(u);
  }
  const dotEnv = path.join(dir, '.env');
  const interpolates = (rewritten.get(dotEnv) ?? []).some((name) => new RegExp(`\\$\\{?${name}(?![A-Za-z0-9_])`).test(text));
  if (interpolates) files.add(vscode.workspace.asRelativePath(dotEnv, false));
  if (files.size === 0) return undefined;
  const rel = vscode.workspace.asRelativePath(compose, false);
  // With .env interpolation any service may use the value: `up -d` without names recreates exactly the changed ones.
  const names = interpolates ? [] : [...services];
  return {
    label: `${vscode.l10n.t('Compose services of {0}', rel)}${names.length ? ` (${names.join(', ')})` : ''} — ${vscode.l10n.t(
      'they read {0}, which gets the new value, only when their containers are created',
      [...files].join(', '),
    )}`,
    command: composeRecreateCommand(rel, names),
  };
}

/** Largest file searched for the old value by {@link otherOccurrences}, bytes. */
const MAX_SEARCHED_BYTES = 512 * 1024;
/** Most files searched by {@link otherOccurrences}. */
const MAX_SEARCHED_FILES = 5000;

/**
 * `file:line` labels of `value` in the other text files of the workspace:
 * neither a deployment file (`known`) nor a Telegraf config (rotate handles
 * both), e.g. an env file with an unusual name. Files over
 * {@link MAX_SEARCHED_BYTES} and binary files are skipped.
 */
async function otherOccurrences(value: string, known: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  const uris = await vscode.workspace.findFiles('**/*', CONFIG_EXCLUDE, MAX_SEARCHED_FILES).then(undefined, () => [] as vscode.Uri[]);
  for (const uri of uris) {
    if (known.has(uri.toString())) continue;
    let text: string;
    try {
      const open = openDocument(uri);
      if (open) text = open.getText();
      else {
        if ((await vscode.workspace.fs.stat(uri)).size > MAX_SEARCHED_BYTES) continue;
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.includes(0)) continue;
        text = decodeUtf8(bytes);
      }
    } catch {
      continue;
    }
    const offsets = valueOccurrences(text, value);
    if (offsets.length === 0 || (await readConfig(uri))) continue;
    const lineAt = (offset: number) => text.slice(0, offset).split('\n').length - 1;
    for (const off of offsets) out.push(locationLabel(uri, lineAt(off)));
  }
  return out;
}

/** An env file "Add to Env File…" wrote outside the workspace, as read now: `text` undefined when VS Code may not read it. */
interface OutsideEnvFile {
  uri: vscode.Uri;
  /** `~/telegraf.env`, `/etc/default/telegraf`. */
  label: string;
  text: ConfigText | undefined;
}

/**
 * The remembered env files outside the workspace (those inside, and those a
 * Compose file names, are the deployment scan's: `deployments`), read now (the open document when it has unsaved changes). A file that is
 * gone (or a folder, or too large to be an env file) is left out; one VS
 * Code may not read is kept with `text` undefined.
 */
async function outsideEnvFiles(memento: vscode.Memento | undefined, deployments: readonly vscode.Uri[]): Promise<OutsideEnvFile[]> {
  const out: OutsideEnvFile[] = [];
  const known = new Set(deployments.map((u) => u.toString()));
  for (const p of writtenEnvFiles(memento)) {
    const uri = vscode.Uri.file(p);
    if (vscode.workspace.getWorkspaceFolder(uri) || known.has(uri.toString())) continue;
    const label = envFileLabel(uri);
    // Its unsaved changes when it has some; otherwise the disk (a model VS Code keeps of it may be older: it does not watch it).
    const open = openDocument(uri);
    if (open?.isDirty) {
      out.push({ uri, label, text: documentText(open) });
      continue;
    }
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch (e) {
      // Gone: dropped silently. Any other failure (a folder on the way VS Code may not enter): it may still hold the value.
      if (!isNotFound(e)) out.push({ uri, label, text: undefined });
      continue;
    }
    if ((stat.type & vscode.FileType.Directory) !== 0 || stat.size > MAX_CONFIG_CHARS * 2) continue;
    try {
      out.push({ uri, label, text: diskText(uri, decodeUtf8(await vscode.workspace.fs.readFile(uri))) });
    } catch (e) {
      if (!isNotFound(e)) out.push({ uri, label, text: undefined });
    }
  }
  return out;
}

function isNotFound(e: unknown): boolean {
  return (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') || /\bENOENT\b|EntryNotFound/.test(String(e));
}

/** Place of a remembered env file that holds (or may hold) the old value and that VS Code cannot write. */
function cannotWritePlace(f: OutsideEnvFile, unit?: string): ManualPlaceRef {
  return {
    label: vscode.l10n.t(
      'Env file {0} (written by "Add to Env File…") — it holds the old value and VS Code cannot write it: put the new value in it, then restart the Telegraf agent that reads it',
      f.label,
    ),
    command: envFileEditCommand(f.uri.fsPath, unit),
    file: f.uri.fsPath,
  };
}

/**
 * Place of a remembered env file VS Code may write but did not update: it
 * changed on disk while it was being rewritten, or the write failed.
 */
function notSavedPlace(f: OutsideEnvFile): ManualPlaceRef {
  const restart = envFileRestartCommand(f.uri.fsPath);
  return {
    label: vscode.l10n.t(
      'Env file {0} (written by "Add to Env File…") — it changed on disk or could not be saved, so it still holds the old value: put the new value in it by hand, then restart the Telegraf agent that reads it',
      f.label,
    ),
    command: `# ${vscode.l10n.t('put the new value in {0} by hand', f.uri.fsPath)}\n${restart ?? `# ${vscode.l10n.t('restart the Telegraf agent that reads {0}', f.uri.fsPath)}`}`,
    file: f.uri.fsPath,
  };
}

/** Place of a workspace env file that changed on disk while it was being rewritten: it still holds the old value. */
function changedPlace(rel: string, fsPath: string): ManualPlaceRef {
  return {
    label: vscode.l10n.t(
      'Env file {0} — it changed on disk while it was being rewritten, so it still holds the old value: put the new value in it by hand',
      rel,
    ),
    command: `# ${vscode.l10n.t('put the new value in {0} by hand', fsPath)}`,
    file: fsPath,
  };
}

/** The text of the file `uri` on disk now (`bom`: it starts with a UTF-8 byte order mark), undefined when it cannot be read. */
async function readDisk(uri: vscode.Uri): Promise<{ text: string; bom: boolean } | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return { text: decodeUtf8(bytes), bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf };
  } catch {
    return undefined;
  }
}

/**
 * Replaces `oldValue` with `newValue` in the file `uri` on disk, computed from
 * the text on disk now (not from a model VS Code may hold of it) and written
 * only when the file did not change since it was read (read again just
 * before; recomputed once if it did). Keeps the file's permission bits.
 * Returns the occurrences replaced (0: none left), undefined when the file
 * kept changing or could not be read or written.
 */
async function rewriteOnDisk(uri: vscode.Uri, oldValue: string, newValue: string, log: { warn(m: string): void }): Promise<number | undefined> {
  const mode = await permissionBits(uri);
  for (let attempt = 0; attempt < 2; attempt++) {
    const before = await readDisk(uri);
    if (!before) return undefined;
    const edits = planRewrite(before.text, oldValue, newValue);
    if (edits.length === 0) return 0;
    const next = applyEdits(before.text, edits);
    const now = await readDisk(uri);
    if (!now || now.text !== before.text || now.bom !== before.bom) continue;
    const data = new TextEncoder().encode(before.bom ? `\ufeff${next}` : next);
    try {
      if (uri.scheme === 'file') {
        // Never half-written: a new file beside it (owner-only until its mode is given back), then renamed over it.
        const tmp = `${uri.fsPath}.${process.pid}.tmp`;
        await fs.writeFile(tmp, data, { mode: 0o600 });
        await fs.rename(tmp, uri.fsPath).catch(async (e: unknown) => {
          await fs.rm(tmp, { force: true });
          throw e;
        });
      } else await vscode.workspace.fs.writeFile(uri, data);
    } catch {
      return undefined;
    }
    await keepPermissionBits(uri, mode ?? 0o600, log);
    return edits.length;
  }
  return undefined;
}

/**
 * Drops our unsaved edit from `doc` (its save failed) by reloading it from
 * disk, so no editor buffer keeps a token value. True when it is no longer dirty.
 */
async function revertDocument(doc: vscode.TextDocument): Promise<boolean> {
  if (!doc.isDirty) return true;
  try {
    // "Revert File" acts on the active editor: show the document first.
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  } catch {
    // Reported by the caller.
  }
  return !doc.isDirty;
}

/** Place of the agent that reads a remembered env file that gets the new value: it reads it only when it starts. */
function restartPlace(f: OutsideEnvFile, unit?: string): ManualPlaceRef {
  return {
    label: vscode.l10n.t('The Telegraf agent that reads {0}, which gets the new value — it reads the file only when it starts: restart it', f.label),
    command: envFileRestartCommand(f.uri.fsPath, unit) ?? `# ${vscode.l10n.t('restart the Telegraf agent that reads {0}', f.uri.fsPath)}`,
    file: f.uri.fsPath,
  };
}

/** The hook, over the workspace's deployment files and the env files "Add to Env File…" wrote outside it (remembered in `memento`). */
export function deploymentReferenceHook(
  diags: DeploymentDiagnostics,
  memento?: vscode.Memento,
  log: { warn(m: string): void } = { warn: () => undefined },
): DeploymentReferenceHook {
  const deploymentFiles = async () => {
    if (diags.envFiles.paths().size === 0) await diags.scanWorkspace();
    return workspaceDeploymentUris(diags.envFiles);
  };
  // The workspace files the last `find` of each old value said get the new value: `rewrite` names any it then leaves alone.
  const promised = new Map<string, Set<string>>();
  return {
    recheck: () => diags.scanWorkspace(),
    async find(oldValue: string): Promise<DeploymentReferences> {
      const out: DeploymentReferences = { writable: [], readOnly: [], manual: [], elsewhere: [] };
      const willWrite = new Set<string>();
      promised.set(oldValue, willWrite);
      const seenCmd = new Set<string>();
      const deployments = await deploymentFiles();
      out.elsewhere = await otherOccurrences(oldValue, new Set(deployments.map((u) => u.toString())));
      const rewritten = new Map<string, string[]>();
      const composeFiles: { uri: vscode.Uri; text: string }[] = [];
      const outside = await outsideEnvFiles(memento, deployments);
      // A remembered file that a workspace systemd unit reads (`EnvironmentFile=`): the unit names the service to restart.
      const units = new Map<string, string>();
      // Secret manifests of the workspace: what a Secret a workload reads holds.
      const secretManifests: { uri: vscode.Uri; text: string }[] = [];
      for (const uri of deployments) {
        if (!/\.ya?ml$/i.test(uri.fsPath)) continue;
        const t = await readDeployment(uri);
        if (t && /^kind:[ \t]*["']?Secret\b/m.test(t.text)) secretManifests.push({ uri, text: t.text });
      }
      for (const uri of deployments) {
        const t = await readDeployment(uri);
        if (!t) continue;
        const kind = deploymentKind(uri.fsPath.replace(/\\/g, '/'), t.text, diags.envFiles.paths());
        if (!kind) continue;
        if (kind === 'compose') composeFiles.push({ uri, text: t.text });
        for (const off of valueOccurrences(t.text, oldValue)) {
          const label = locationLabel(uri, t.positionAt(off).line);
          const writable = rewritable(kind, uri);
          (writable ? out.writable : out.readOnly).push(label);
          if (writable) willWrite.add(uri.fsPath);
          if (writable)
            rewritten.set(
              path.resolve(uri.fsPath),
              [...envFileAssignments(t.text)].filter(([, v]) => v === oldValue).map(([k]) => k),
            );
        }
        for (const m of manualPlaces(kind, t.text, uri.fsPath)) {
          const known = m.hostFile && outside.find((f) => f.uri.fsPath === m.hostFile!.path);
          if (known && m.hostFile) {
            units.set(known.uri.fsPath, m.hostFile.unit);
            // Read below: it is listed there when it holds the value.
            if (known.text) continue;
          }
          const place = m.secret
            ? await secretPlace(uri, kind, m.secret, oldValue, secretManifests)
            : m.hostFile
              ? await hostFilePlace(uri, m.hostFile, oldValue)
              : {
                  note: ` — ${vscode.l10n.t('what it holds is not in the workspace: update it only if it holds this token')}`,
                  command: m.command,
                  unsure: true,
                };
          if (!place || seenCmd.has(place.command)) continue;
          seenCmd.add(place.command);
          out.manual.push({
            label: `${m.label} (${locationLabel(uri, t.positionAt(m.offset).line)})${place.note}`,
            command: place.command,
            ...(place.unsure ? { unsure: true } : {}),
            ...('file' in place && typeof place.file === 'string' ? { file: place.file } : {}),
          });
        }
      }
      for (const c of composeFiles) {
        const place = composeRecreates(c.uri, c.text, rewritten);
        if (place && !seenCmd.has(place.command)) {
          seenCmd.add(place.command);
          out.manual.push(place);
        }
      }
      for (const f of outside) {
        const unit = units.get(f.uri.fsPath);
        let place: ManualPlaceRef | undefined;
        if (!f.text) {
          // The unit's host-file place lists it already.
          if (unit) continue;
          place = {
            label: vscode.l10n.t(
              'Env file {0} (written by "Add to Env File…") — VS Code cannot read it: update it only if it holds this token, then restart the Telegraf agent that reads it',
              f.label,
            ),
            command: envFileEditCommand(f.uri.fsPath),
          };
        } else {
          const offsets = valueOccurrences(f.text.text, oldValue);
          if (offsets.length === 0) continue;
          if (await canWriteFile(f.uri)) {
            willWrite.add(f.uri.fsPath);
            for (const off of offsets) out.writable.push(`${f.label}:${f.text.positionAt(off).line + 1}`);
            place = restartPlace(f, unit);
          } else place = cannotWritePlace(f, unit);
        }
        if (seenCmd.has(place.command)) continue;
        seenCmd.add(place.command);
        out.manual.push(place);
      }
      return out;
    },
    async rewrite(oldValue: string, newValue: string) {
      const we = new vscode.WorkspaceEdit();
      const files: string[] = [];
      const uris: vscode.Uri[] = [];
      const toSave: vscode.Uri[] = [];
      const unwritten: ManualPlaceRef[] = [];
      let count = 0;
      let editsInDirty = 0;
      const staleOpen: vscode.Uri[] = [];
      const deployments = await deploymentFiles();
      for (const uri of deployments) {
        const t = await readDeployment(uri);
        if (!t || !t.text.includes(oldValue)) continue;
        const kind = deploymentKind(uri.fsPath.replace(/\\/g, '/'), t.text, diags.envFiles.paths());
        if (!kind || !rewritable(kind, uri)) continue;
        const doc = openDocument(uri) ?? (await vscode.workspace.openTextDocument(uri));
        if (!doc.isDirty && uri.scheme === 'file' && (await readDisk(uri))?.text !== doc.getText()) {
          // Its editor shows an older text than the disk (a write VS Code has not noticed yet): never edited, rewritten on disk.
          staleOpen.push(uri);
          continue;
        }
        const cur = documentText(doc);
        const edits = planRewrite(cur.text, oldValue, newValue);
        for (const e of edits) we.replace(uri, new vscode.Range(cur.positionAt(e.start), cur.positionAt(e.end)), e.newText);
        if (edits.length === 0) continue;
        if (!doc.isDirty) {
          count += edits.length;
          files.push(vscode.workspace.asRelativePath(uri, false));
          uris.push(uri);
          toSave.push(uri);
        } else {
          editsInDirty++;
          // Saving would also write the user's own unsaved changes: the new value stays in the editor, for the user to save.
          const rel = vscode.workspace.asRelativePath(uri, false);
          unwritten.push({
            label: vscode.l10n.t('Env file {0} — it has unsaved changes, so the new value is only in its editor: save it', rel),
            command: `# ${vscode.l10n.t('save {0} in VS Code', rel)}`,
            file: uri.fsPath,
          });
        }
      }
      // Env files written outside the workspace: in the same edit (one undo) when VS Code's model of the file is the file on disk,
      // rewritten on disk otherwise; counted only once they are on disk.
      const outside: { file: OutsideEnvFile; doc: vscode.TextDocument; edits: number; dirty: boolean; mode: number | undefined }[] = [];
      const onDisk: OutsideEnvFile[] = [];
      for (const file of await outsideEnvFiles(memento, deployments)) {
        if (!file.text) continue;
        if (valueOccurrences(file.text.text, oldValue).length === 0) continue;
        if (!(await canWriteFile(file.uri))) {
          unwritten.push(cannotWritePlace(file));
          continue;
        }
        let doc: vscode.TextDocument | undefined;
        try {
          doc = openDocument(file.uri) ?? (await vscode.workspace.openTextDocument(file.uri));
        } catch {
          doc = undefined;
        }
        const disk = doc && !doc.isDirty ? await readDisk(file.uri) : undefined;
        if (!doc || (!doc.isDirty && disk?.text !== doc.getText())) {
          // No model, or one older than the file (VS Code does not watch files outside the workspace): never edit it.
          onDisk.push(file);
          continue;
        }
        const cur = documentText(doc);
        const edits = planRewrite(cur.text, oldValue, newValue);
        if (edits.length === 0) continue;
        for (const e of edits) we.replace(file.uri, new vscode.Range(cur.positionAt(e.start), cur.positionAt(e.end)), e.newText);
        outside.push({ file, doc, edits: edits.length, dirty: doc.isDirty, mode: await permissionBits(file.uri) });
      }
      const rewritten = async (file: OutsideEnvFile, edits: number) => {
        // Counted as rewritten only when the file on disk holds the new value and not the old one.
        const disk = await readDisk(file.uri);
        if (edits > 0 && disk !== undefined && disk.text.includes(newValue) && valueOccurrences(disk.text, oldValue).length === 0) {
          count += edits;
          files.push(file.label);
          uris.push(file.uri);
          return true;
        }
        return false;
      };
      const writeOnDisk = async (file: OutsideEnvFile) => {
        const n = await rewriteOnDisk(file.uri, oldValue, newValue, log);
        // 0: the old value is no longer in it (changed meanwhile): nothing to do.
        if (n !== 0 && !(n !== undefined && (await rewritten(file, n)))) unwritten.push(notSavedPlace(file));
      };
      const writeStaleOpen = async () => {
        for (const uri of staleOpen) {
          const rel = vscode.workspace.asRelativePath(uri, false);
          const n = await rewriteOnDisk(uri, oldValue, newValue, log);
          const disk = n ? await readDisk(uri) : undefined;
          if (n && disk && disk.text.includes(newValue) && valueOccurrences(disk.text, oldValue).length === 0) {
            count += n;
            files.push(rel);
            uris.push(uri);
          } else if (n !== 0) unwritten.push(changedPlace(rel, uri.fsPath));
        }
      };
      // A file the confirmation said gets the new value, which no longer holds the old one (changed on disk meanwhile):
      // named, never counted as updated (nor is what is made from it).
      const unkept = () => {
        const done = new Set([...uris.map((u) => u.fsPath), ...unwritten.flatMap((u) => (u.file ? [u.file] : []))]);
        for (const fsPath of promised.get(oldValue) ?? []) {
          if (done.has(fsPath)) continue;
          const rel = vscode.workspace.asRelativePath(fsPath, false);
          const deleted = !existsSync(fsPath);
          unwritten.push({
            label: deleted
              ? vscode.l10n.t('{0} — it was deleted after the rotation was confirmed, so it was not updated', rel)
              : vscode.l10n.t(
                  '{0} — it changed after the rotation was confirmed and no longer holds the old value, so it was not updated: check what it holds',
                  rel,
                ),
            command: `# ${vscode.l10n.t('check {0}: it was not updated', fsPath)}`,
            file: fsPath,
          });
        }
        promised.delete(oldValue);
      };
      if (count === 0 && editsInDirty === 0 && outside.length === 0) {
        await writeStaleOpen();
        for (const file of onDisk) await writeOnDisk(file);
        unkept();
        return { count, files, uris, unwritten };
      }
      if (!(await vscode.workspace.applyEdit(we))) throw new Error(vscode.l10n.t('VS Code refused to edit the env files; nothing was changed in them.'));
      for (const uri of toSave) await openDocument(uri)?.save();
      for (const o of outside) {
        if (o.dirty) {
          // Saving would also write the user's own unsaved changes: the new value stays in the editor, for the user to save.
          unwritten.push({
            label: vscode.l10n.t(
              'Env file {0} (written by "Add to Env File…") — it has unsaved changes, so the new value is only in its editor: save it, then restart the Telegraf agent that reads it',
              o.file.label,
            ),
            command: envFileRestartCommand(o.file.uri.fsPath) ?? `# ${vscode.l10n.t('restart the Telegraf agent that reads {0}', o.file.uri.fsPath)}`,
            file: o.file.uri.fsPath,
          });
          continue;
        }
        const saved = await o.doc.save().then(
          (ok) => ok,
          () => false,
        );
        await keepPermissionBits(o.file.uri, o.mode, log);
        if (saved && (await rewritten(o.file, o.edits))) continue;
        // The save failed (the file changed on disk meanwhile, …): drop our edit from the editor, then rewrite what is on disk now.
        if (!(await revertDocument(o.doc))) {
          log.warn(`could not revert the unsaved rewrite of ${o.file.uri.fsPath} in its editor`);
          unwritten.push(notSavedPlace(o.file));
          continue;
        }
        await writeOnDisk(o.file);
      }
      await writeStaleOpen();
      for (const file of onDisk) await writeOnDisk(file);
      unkept();
      return { count, files, uris, unwritten };
    },
  };
}
