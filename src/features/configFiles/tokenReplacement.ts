/**
 * Replacing a token everywhere the workspace's Telegraf configs hold its
 * value, shared by "Rotate Token…" and the leak response "Revoke on Server
 * and Replace…":
 *
 *   1. create a replacement with the same permissions and lifetime
 *      (description suffixed " (rotated YYYY-MM-DD)"), reassigned to the old
 *      token's owner when an Owner/Administrator replaces someone else's;
 *   2. store its value in SecretStorage;
 *   3. rewrite every plaintext occurrence of the old value (one WorkspaceEdit;
 *      documents that were not dirty are saved);
 *   4. revoke the old token.
 *
 * If any step fails, the later steps do not run, so the old token is never
 * revoked unless every reference was updated; the error lists what was done.
 * Every operation is logged with the connection, token id and description,
 * never a value.
 */
import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import { secureValueFiles } from '../../infra/valueFiles';
import { isUnusableToken, type Token } from '../../core/api/contract';
import { describe as describeError } from '../../services/controllerConnection';
import { ControllerError } from '../../core/api/errors';
import { findCreatedTokens, isCreateOutcomeUnknown } from '../../core/api/createOutcome';
import { findTokenSites, parseTelegrafConfig, storePasswordVar } from '../../core/config';
import { secretValueCommand } from '../../core/telegraf';
import { findValueOccurrences, planRewriteValue, type RewriteMode } from '../../core/config/references';
import { lostPermissions, replacementExpiry, rotatedDescription } from '../../core/config/tokenAssessment';
import { describePermissions, isTokenAdmin } from '../../core/permissions';
import { displayText } from '../../core/text';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';
import { documentText, locationLabel, openDocument, readConfig, toRange, workspaceConfigUris } from '../../services/configDocuments';
import { readDeployment } from './deployments/documents';
import { CONTROLLER_TOKEN_PREFIX } from '../../core/config';

/** One plaintext occurrence of a value in a workspace config. */
export interface ValueOccurrence {
  uri: vscode.Uri;
  range: vscode.Range;
  /** `telegraf.d/a.conf:12`. */
  label: string;
}

/** Every plaintext occurrence of `value` in the workspace's Telegraf configs (open documents as edited). */
export async function findValueInWorkspace(value: string): Promise<ValueOccurrence[]> {
  const out: ValueOccurrence[] = [];
  for (const uri of await workspaceConfigUris()) {
    const t = await readConfig(uri);
    if (!t || !t.text.includes(value)) continue;
    for (const r of findValueOccurrences(parseTelegrafConfig(t.text), value)) {
      const range = toRange(t, r);
      out.push({ uri, range, label: locationLabel(uri, range.start.line) });
    }
  }
  return out;
}

/**
 * `file:line` labels of the lines of the workspace's Telegraf configs and
 * deployment-like files (`.env`, units, YAML) that hold a value starting with
 * `prefix` (a token's public prefix, `tc-apiv1_` and a few characters): where
 * a token whose value this VS Code does not store is used. Comment lines count
 * too; at most 20 places.
 */
export async function findPrefixInWorkspace(prefix: string): Promise<string[]> {
  if (!/^tc-apiv1_[A-Za-z0-9_-]{3,}$/.test(prefix)) return [];
  const out: string[] = [];
  for (const f of await tokenBearingFiles()) {
    f.lines.forEach((line, i) => {
      if (line.includes(prefix) && out.length < 20) out.push(locationLabel(f.uri, i));
    });
    if (out.length >= 20) break;
  }
  return out;
}

let tokenFiles: Promise<{ uri: vscode.Uri; lines: string[] }[]> | undefined;

/**
 * The lines of the workspace files {@link findPrefixInWorkspace} searches that
 * hold `tc-apiv1_`. Lookups that start while a read is under way share it (a
 * confirmation looks up its tokens at once: one read for all); a later lookup
 * reads again, so it never sees an older workspace.
 */
function tokenBearingFiles(): Promise<{ uri: vscode.Uri; lines: string[] }[]> {
  if (tokenFiles) return tokenFiles;
  const files = (async () => {
    const uris = [
      ...(await workspaceConfigUris()),
      ...(await vscode.workspace.findFiles('{**/*.env,**/.env,**/*.service,**/*.yml,**/*.yaml}', '**/node_modules/**', 2000)),
    ];
    const seen = new Set<string>();
    const out: { uri: vscode.Uri; lines: string[] }[] = [];
    for (const uri of uris) {
      if (seen.has(uri.toString())) continue;
      seen.add(uri.toString());
      // A Telegraf config, or any other file of those patterns (env files, units, manifests) as it is.
      const t = (await readConfig(uri)) ?? (await readDeployment(uri));
      if (t?.text.includes(CONTROLLER_TOKEN_PREFIX)) out.push({ uri, lines: t.text.split(/\r?\n/) });
    }
    return out;
  })().finally(() => {
    tokenFiles = undefined;
  });
  tokenFiles = files;
  return files;
}

/**
 * The places where the workspace's Telegraf configs read a token from a
 * secret store under `key` (`@{store:key}`, as "Insert Token into Config…"
 * writes it for a token): rotate cannot change the store, so each becomes a
 * place to update by hand with the command for that store's type
 * (`secretValueCommand`: `telegraf secrets set`, a Docker secret file, or
 * the store's own tools). One place per store and file.
 */
export async function findSecretStorePlaces(key: string): Promise<ManualPlaceRef[]> {
  const out: ManualPlaceRef[] = [];
  const seen = new Set<string>();
  for (const uri of await workspaceConfigUris()) {
    const t = await readConfig(uri);
    if (!t || !t.text.includes(key)) continue;
    for (const site of findTokenSites(parseTelegrafConfig(t.text))) {
      if (site.classification !== 'secret' || site.secretKey !== key || !site.storeId) continue;
      const type = site.store?.type;
      const id = `${uri.toString()}\u0000${site.storeId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const where = locationLabel(uri, toRange(t, site.valueRange).start.line);
      const cmd = secretValueCommand(type, uri.fsPath, site.storeId, key, site.store && storePasswordVar(site.store));
      out.push({
        label: vscode.l10n.t(
          'Secret "{0}" of the secret store "{1}" ({2}) — the config reads the token from it: set it to the new value where the agent runs',
          key,
          site.storeId,
          where,
        ),
        command: cmd?.command ?? `# ${vscode.l10n.t('set "{0}" in the secret store "{1}" with its own tools', key, site.storeId)}`,
      });
    }
  }
  return out;
}

export type { RewriteMode };

/** What a rewrite changed. */
export interface RewriteResult {
  /** Occurrences rewritten. */
  count: number;
  /** Files changed (workspace-relative labels). */
  files: string[];
  /** Files changed. */
  uris: vscode.Uri[];
  /**
   * Files that hold the old value but could not be written (an env file
   * outside the workspace without write permission, or with unsaved changes):
   * not among `files`, listed as places to update by hand before the old
   * token is revoked.
   */
  unwritten?: ManualPlaceRef[];
}

/** A place the extension does not update itself, with the exact command to run (never a value in it). */
export interface ManualPlaceRef {
  label: string;
  command: string;
  /**
   * The file (absolute path) the place is about or made from: an env file
   * "Add to Env File…" wrote outside the workspace, or the env file or Secret
   * manifest a cluster Secret is made from. A place the rewrite reports for
   * that file (not written) replaces the places found for it before.
   */
  file?: string;
  /**
   * The workspace does not show whether the place holds this token: its
   * command is given commented out in the copied script, to run only after
   * checking.
   */
  unsure?: boolean;
}

/**
 * Rewrites every occurrence of `oldValue` in the workspace's configs as ONE
 * WorkspaceEdit (re-reading every file first), then saves the documents that
 * had no unsaved changes before. Throws when VS Code refuses the edit.
 */
export async function rewriteEverywhere(oldValue: string, mode: RewriteMode): Promise<RewriteResult> {
  const we = new vscode.WorkspaceEdit();
  const files: string[] = [];
  const uris: vscode.Uri[] = [];
  const toSave: vscode.Uri[] = [];
  let count = 0;
  for (const uri of await workspaceConfigUris()) {
    const t = await readConfig(uri);
    if (!t || !t.text.includes(oldValue)) continue;
    const edits = planRewriteValue(t.text, oldValue, mode);
    if (edits.length === 0) continue;
    // Positions of a file not open yet: open it so the edit applies to the same text.
    const doc = openDocument(uri) ?? (await vscode.workspace.openTextDocument(uri));
    const current = documentText(doc);
    const fresh = current.text === t.text ? edits : planRewriteValue(current.text, oldValue, mode);
    for (const e of fresh) we.replace(uri, toRange(current, e), e.newText);
    count += fresh.length;
    files.push(vscode.workspace.asRelativePath(uri, false));
    uris.push(uri);
    if (!doc.isDirty) toSave.push(uri);
  }
  if (count === 0) return { count, files, uris };
  const ok = await vscode.workspace.applyEdit(we);
  if (!ok) throw new Error(vscode.l10n.t('VS Code refused to edit the configs; nothing was changed in them.'));
  for (const uri of toSave) {
    const doc = openDocument(uri);
    if (doc?.isDirty) await doc.save();
  }
  return { count, files, uris };
}

/**
 * References to a token outside the Telegraf configs (deployment files),
 * found through `core/deploy`: labels of plaintext occurrences the hook
 * rewrites (env files), of those it does not (apply the file's quick fix),
 * and places outside the workspace with the exact command to run.
 */
export interface DeploymentReferences {
  writable: string[];
  readOnly: string[];
  manual: ManualPlaceRef[];
  /** Occurrences in other workspace files (neither a Telegraf config nor a deployment file this extension reads): listed, never edited. */
  elsewhere?: string[];
}

/** Lets rotate and the leak response follow a token into deployment files (implemented by the deployments feature). */
export interface DeploymentReferenceHook {
  find(oldValue: string): Promise<DeploymentReferences>;
  /** Rewrites the writable occurrences with `newValue` (one WorkspaceEdit). */
  rewrite(oldValue: string, newValue: string): Promise<RewriteResult>;
  /** Re-checks every deployment file of the workspace now (Check Tokens in Configs); never throws. */
  recheck(): Promise<void>;
}

/** Optional steps of {@link replaceToken}. */
export interface ReplaceHooks {
  /** Also rewrites deployment files (after the configs, before revoking). */
  deployments?: DeploymentReferenceHook;
  /**
   * Asked after every rewrite, before revoking, with the files the rewrite
   * could not write: false keeps the old token active (the places to update
   * by hand come first). Without it, a file that could not be written keeps
   * the old token active.
   */
  beforeRevoke?: (newValue: string, unwritten: readonly ManualPlaceRef[]) => Promise<boolean>;
}

/** Services of {@link replaceToken}. */
export interface ReplaceDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
}

/** Outcome of a successful {@link replaceToken}. */
export interface ReplaceOutcome {
  replacement: Token;
  /** The new value (shown once; the caller may offer to copy it, never log it). */
  value: string;
  rewrite: RewriteResult;
  /** The old token, revoked; undefined when the user chose to keep it active for now (`beforeRevoke`). */
  revoked: Token | undefined;
}

/** Thrown by {@link replaceToken} when a step failed: says which steps were done. */
export class ReplaceError extends Error {
  constructor(
    readonly failedStep: string,
    readonly done: string[],
    readonly reason: unknown,
  ) {
    const why = reason instanceof ControllerError ? reason.userMessage : reason instanceof Error ? reason.message : String(reason);
    super(
      vscode.l10n.t(
        '{0} failed: {1} {2} The old token was NOT revoked.',
        failedStep,
        why,
        done.length ? vscode.l10n.t('Done before: {0}.', done.join('; ')) : vscode.l10n.t('Nothing was changed.'),
      ),
    );
    this.name = 'ReplaceError';
  }
}

/**
 * Runs the replacement (see the file comment). `mode` decides how the old
 * value's occurrences are rewritten (`value` = with the new value). `why`
 * names the operation in the log (`rotate`, `leak response`). Throws
 * {@link ReplaceError} on a failed step (the old token stays active).
 */
export async function replaceToken(
  deps: ReplaceDeps,
  old: Token,
  oldValue: string,
  mode: 'value' | { kind: 'env'; name: string },
  why: string,
  now = Date.now(),
  hooks: ReplaceHooks = {},
): Promise<ReplaceOutcome> {
  const { connection, store, vault, log } = deps;
  const who = connection.label;
  const origin = connection.origin;
  const api = connection.api();
  const oldName = ui.tokenName(old.description, 80);
  const done: string[] = [];
  const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      log.warn(`[${who}] ${why} of token ${old.id} "${oldName}": ${name} failed: ${describeError(e)}`);
      throw new ReplaceError(name, done, e);
    }
  };

  const description = rotatedDescription(old.description, now);
  const created = await step(vscode.l10n.t('Creating the replacement'), async () => {
    const sentAt = Date.now();
    try {
      return await api.createToken({ description, expiresAt: replacementExpiry(old, now), permissions: old.permissions });
    } catch (e) {
      if (!isCreateOutcomeUnknown(e)) throw e;
      // No answer, but the controller may have created it: a replacement whose value never arrived is of no use, so
      // look for it and revoke it, rather than leave an active token behind and say nothing changed.
      log.warn(`[${who}] ${why} of token ${old.id} "${oldName}": the create of its replacement has an unknown outcome (${e.kind}); looking for it`);
      let orphans: Token[];
      try {
        orphans = await findCreatedTokens(api, { description, ...(connection.user ? { userId: connection.user.id } : {}), sentAt });
      } catch (lookup) {
        log.warn(`[${who}] looking for the replacement "${description}" failed: ${describeError(lookup)}`);
        throw new Error(
          vscode.l10n.t(
            'the controller did not confirm creating the replacement, and checking whether it exists failed: look for "{0}" in the Tokens view and revoke it if it is there.',
            ui.tokenName(description, 80),
          ),
          { cause: lookup },
        );
      }
      for (const t of orphans) {
        try {
          const r = await api.revokeToken(t.id);
          store.upsert(isUnusableToken(r) ? { ...t, status: 'revoked', revokedAt: new Date().toISOString() } : r);
          log.info(`[${who}] revoked ${t.id} "${ui.tokenName(t.description, 80)}": created as a replacement, but its value never arrived (${why})`);
          done.push(vscode.l10n.t('revoked the replacement "{0}", created without its value reaching VS Code', ui.tokenName(t.description, 80)));
        } catch (r) {
          store.upsert(t);
          log.warn(`[${who}] revoking the orphaned replacement ${t.id} failed: ${describeError(r)}`);
          throw new Error(
            vscode.l10n.t(
              'the controller created the replacement "{0}" without its value reaching VS Code, and revoking it failed: revoke it in the Tokens view.',
              ui.tokenName(t.description, 80),
            ),
            { cause: r },
          );
        }
      }
      throw e;
    }
  });
  let replacement = created.token;
  const newName = ui.tokenName(replacement.description, 80);
  log.info(`[${who}] created token ${replacement.id} "${newName}" to replace ${old.id} "${oldName}" (${why})`);
  done.push(vscode.l10n.t('created "{0}"', newName));
  store.upsert(replacement);

  const me = connection.user;
  if (me && old.userId !== me.id && isTokenAdmin(me.role)) {
    replacement = await step(vscode.l10n.t('Reassigning "{0}" to {1}', newName, displayText(old.username, 40)), async () => {
      const r = await api.reassignToken(replacement.id, old.userId);
      return isUnusableToken(r) ? api.getToken(replacement.id) : r;
    });
    log.info(`[${who}] reassigned token ${replacement.id} "${newName}" to user ${old.userId} (${why})`);
    done.push(vscode.l10n.t('reassigned it to {0}', displayText(old.username, 40)));
    store.upsert(replacement);
  }

  const lost = lostPermissions(old.permissions, replacement.permissions);
  if (lost.length > 0) {
    const narrowed = describePermissions(replacement.permissions);
    try {
      await api.deleteToken(replacement.id);
      store.remove(replacement.id);
      log.info(`[${who}] deleted token ${replacement.id} "${newName}" again: the controller narrowed its permissions (${why})`);
      done.push(vscode.l10n.t('deleted "{0}" again', newName));
    } catch (e) {
      log.warn(`[${who}] could not delete token ${replacement.id} "${newName}": ${describeError(e)}`);
    }
    await step(vscode.l10n.t("Checking the replacement's permissions"), async () => {
      throw new Error(
        vscode.l10n.t('the controller gave the replacement fewer permissions than "{0}" (missing {1}; it has {2}).', oldName, lost.join(', '), narrowed),
      );
    });
  }

  if (origin) {
    await step(vscode.l10n.t('Storing the new value in VS Code'), () =>
      vault.storeTokenValue(
        origin,
        { id: replacement.id, description: replacement.description, expiresAt: replacement.expiresAt, prefix: replacement.prefix },
        created.value,
      ),
    );
    done.push(vscode.l10n.t("stored its value in VS Code's secret storage"));
  }

  const rewriteMode: RewriteMode = mode === 'value' ? { kind: 'value', newValue: created.value } : mode;
  const rewrite = await step(vscode.l10n.t('Updating the configs'), () => rewriteEverywhere(oldValue, rewriteMode));
  if (rewrite.count > 0) {
    log.info(`[${who}] replaced ${rewrite.count} reference(s) to token ${old.id} "${oldName}" in ${rewrite.files.join(', ')} (${why})`);
    done.push(
      rewrite.count === 1
        ? vscode.l10n.t('updated 1 reference in {0}', rewrite.files.join(', '))
        : vscode.l10n.t('updated {0} references in {1}', rewrite.count, rewrite.files.join(', ')),
    );
    // The files now hold the new value in plain text: owner-only, or the user is told.
    if (rewriteMode.kind === 'value')
      void secureValueFiles(
        rewrite.uris.map((uri) => ({ uri, created: false })),
        log,
      );
  }

  const unwritten: ManualPlaceRef[] = [];
  if (hooks.deployments) {
    const dep = await step(vscode.l10n.t('Updating the env files'), () => hooks.deployments!.rewrite(oldValue, created.value));
    if (dep.unwritten?.length) {
      unwritten.push(...dep.unwritten);
      log.warn(`[${who}] ${why} of token ${old.id} "${oldName}": ${dep.unwritten.length} env file(s) holding the old value could not be written`);
    }
    if (dep.count > 0) {
      log.info(`[${who}] replaced ${dep.count} reference(s) to token ${old.id} "${oldName}" in ${dep.files.join(', ')} (${why})`);
      done.push(
        dep.count === 1
          ? vscode.l10n.t('updated 1 reference in {0}', dep.files.join(', '))
          : vscode.l10n.t('updated {0} references in {1}', dep.count, dep.files.join(', ')),
      );
      rewrite.count += dep.count;
      rewrite.files.push(...dep.files);
      rewrite.uris.push(...dep.uris);
      // Env files now hold the new value: owner-only, or the user is told.
      void secureValueFiles(
        dep.uris.map((uri) => ({ uri, created: false })),
        log,
      );
    }
  }
  if (hooks.beforeRevoke ? !(await hooks.beforeRevoke(created.value, unwritten)) : unwritten.length > 0) {
    // The user's choice (or a file still holding the old value, with no one to ask), not a failure: the old token stays
    // active until the places outside the workspace use the new one.
    log.info(
      `[${who}] kept token ${old.id} "${oldName}" active ${hooks.beforeRevoke ? 'on request' : '(env files could not be written)'} (${why}; replaced by ${replacement.id})`,
    );
    await store.refreshStored().catch(() => undefined);
    return { replacement, value: created.value, rewrite, revoked: undefined };
  }
  const answer = await step(vscode.l10n.t('Revoking "{0}"', oldName), () => api.revokeToken(old.id));
  // The server applied the revoke even when its answer's record is unusable.
  const revoked: Token = isUnusableToken(answer) ? { ...old, status: 'revoked', revokedAt: old.revokedAt ?? new Date().toISOString() } : answer;
  log.info(`[${who}] revoked token ${old.id} "${oldName}" (${why}; replaced by ${replacement.id})`);
  store.upsert(revoked);
  if (origin) await vault.deleteTokenValue(origin, old.id).catch(() => undefined);
  await store.refreshStored().catch(() => undefined);
  return { replacement, value: created.value, rewrite, revoked };
}
