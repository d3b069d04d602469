/**
 * Quick fixes on deployment-file diagnostics (README.md "Deploying
 * agents"), in the file's idiom (`core/deploy/fixes`): Compose `${VAR}` plus
 * the value in `.env`; Kubernetes/Helm `secretKeyRef` plus a Secret the user
 * creates with kubectl; systemd `EnvironmentFile=`. The file edit is one
 * undoable WorkspaceEdit (minimal); the value goes into a git-ignored env
 * file with mode 0600 and is never a command argument (kept in memory under
 * a random handle). "Revoke on Server and Replace…" applies the fix first,
 * then replaces the token everywhere and revokes it.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { signInFirst } from '../../../services/words';
import * as ui from '../../../infra/ui';
import { shQuote } from '../../../core/agentStart/generators';
import type { Token } from '../../../core/api/contract';
import { mayRevoke, replacementExpiry, rotatedDescription } from '../../../core/config/tokenAssessment';
import { DEFAULT_SECRET_NAME, planFixes, scanText, withOwnEnvFile, type DeployFinding, type DeployFix } from '../../../core/deploy';
import { CONTROLLER_TOKEN_PREFIX } from '../../../core/config/detect';
import { describePermissions } from '../../../core/permissions';
import { displayText } from '../../../core/text';
import { Commands } from '../../../constants';
import { copySecret } from '../../../infra/clipboard';
import { Cancelled, registerCommand } from '../../../infra/commands';
import type { Logger } from '../../../infra/logger';
import type { SecretVault } from '../../../infra/secretVault';
import { envVarName } from '../../../infra/envVarSetting';
import type { ControllerConnection } from '../../../services/controllerConnection';
import type { TokenStore } from '../../../services/tokenStore';
import { isOurDiagnostic } from '../diagnostics';
import { workspaceCommand } from './documents';
import type { GitIgnoreChecker } from '../../../services/gitIgnore';
import { lifetimeText, deploymentRotation } from '../rotateTokenCommand';
import { findValueInWorkspace, replaceToken, type DeploymentReferenceHook } from '../tokenReplacement';
import type { TokenResolver } from '../tokenResolver';
import {
  confirmEnvFileHolder,
  envFileHolder,
  freeFileBeside,
  freeOwnEnvFile,
  kindOfDocument,
  secretReaders,
  writeValueFile,
  type EnvFileIndex,
} from './documents';

/** Services of the deployment quick fixes. */
export interface DeploymentActionDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  resolver: TokenResolver;
  git: GitIgnoreChecker;
  log: Logger;
  envFiles: EnvFileIndex;
  hook: DeploymentReferenceHook;
}

/** Argument of the fix commands (never holds a value). */
export interface DeployFixArg {
  uri: string;
  offset: number;
  /** Index of the fix in `planFixes`. */
  fix: number;
  /** Handle of the value kept in memory. */
  handle?: string;
  tokenId?: string;
}

/** Values awaiting a fix command, for 10 minutes, keyed by random handles. */
class PendingValues {
  private readonly map = new Map<string, { value: string; at: number }>();
  put(value: string): string {
    const limit = Date.now() - 600_000;
    for (const [k, v] of this.map) if (v.at < limit) this.map.delete(k);
    const h = randomBytes(12).toString('hex');
    this.map.set(h, { value, at: Date.now() });
    return h;
  }
  get(h: string | undefined): string | undefined {
    return h ? this.map.get(h)?.value : undefined;
  }
}

function findingAt(
  doc: vscode.TextDocument,
  index: EnvFileIndex,
  offset: number,
): { finding: DeployFinding; fixes: DeployFix[]; kind: NonNullable<ReturnType<typeof kindOfDocument>> } | undefined {
  const kind = kindOfDocument(doc, index);
  if (!kind) return undefined;
  const text = doc.getText();
  const finding = scanText(kind, text).find((f) => offset >= f.range.start && offset <= f.range.end);
  if (!finding) return undefined;
  return { finding, fixes: planFixes(kind, text, finding, doc.uri.scheme === 'file' ? doc.uri.fsPath : ''), kind };
}

/** The code action provider. */
export class DeploymentActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(
    private readonly deps: DeploymentActionDeps,
    private readonly pending: PendingValues,
  ) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const diags = context.diagnostics.filter(
      (d) =>
        isOurDiagnostic(d) &&
        ['plaintext-token', 'literal-credential', 'unfilled-placeholder', 'empty-default-token', 'configmap-token'].includes(String(d.code)),
    );
    const out: vscode.CodeAction[] = [];
    // A token the controller no longer accepts in an env file: put a working one in its place ("Add Token to Deployment…" on this file).
    const dead = context.diagnostics.find((d) => isOurDiagnostic(d) && ['token-revoked', 'token-expired', 'token-unknown'].includes(String(d.code)));
    if (dead && kindOfDocument(doc, this.deps.envFiles) === 'env') {
      const a = new vscode.CodeAction(vscode.l10n.t('Put Another Token Here…'), vscode.CodeActionKind.QuickFix);
      a.diagnostics = [dead];
      a.isPreferred = true;
      a.command = { command: Commands.addTokenToDeployment, title: a.title, arguments: [doc.uri] };
      out.push(a);
    }
    for (const d of diags) {
      const offset = doc.offsetAt(d.range.start);
      const at = findingAt(doc, this.deps.envFiles, offset);
      if (!at) continue;
      const value = doc.getText().slice(at.finding.range.start, at.finding.range.end);
      const carriesValue = at.finding.code === 'plaintext-token' || at.finding.code === 'literal-credential';
      const handle = carriesValue ? this.pending.put(at.finding.value ?? value) : undefined;
      at.fixes.forEach((fix, i) => {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.isPreferred = i === 0;
        a.command = {
          command: Commands.applyDeploymentFix,
          title: fix.title,
          arguments: [{ uri: doc.uri.toString(), offset, fix: i, handle } satisfies DeployFixArg],
        };
        out.push(a);
      });
      if (at.finding.code === 'plaintext-token' && at.finding.value) {
        const t = await this.revocable(at.finding.value);
        if (t) {
          const a = new vscode.CodeAction(
            vscode.l10n.t('Revoke on Server and Replace… ("{0}")', ui.tokenName(t.description, 40)),
            vscode.CodeActionKind.QuickFix,
          );
          a.diagnostics = [d];
          a.command = {
            command: Commands.revokeAndReplaceInDeployment,
            title: a.title,
            arguments: [{ uri: doc.uri.toString(), offset, fix: 0, handle, tokenId: t.id } satisfies DeployFixArg],
          };
          out.push(a);
        }
      }
    }
    return out;
  }

  private async revocable(value: string): Promise<Token | undefined> {
    const user = this.deps.connection.user;
    if (!user) return undefined;
    const facts = await this.deps.resolver.facts(value, [], { network: true });
    const t = facts.token;
    if (!t) return undefined;
    const reliable = facts.via === 'stored' || (facts.via === 'prefix' && facts.verdict === 'accepted');
    return reliable && mayRevoke(user, t) ? (t as Token) : undefined;
  }
}

/**
 * Applies fix `arg.fix` to the document: the file edit as one WorkspaceEdit
 * (saved when the document was not dirty), then the value into the env
 * file beside it. Returns the fix, or throws with a clear message when the
 * document changed underneath (nothing is written then).
 */
export async function applyFix(
  deps: DeploymentActionDeps,
  arg: DeployFixArg,
  value: string | undefined,
): Promise<{ fix: DeployFix; valuePath?: string; tracked?: boolean }> {
  const uri = vscode.Uri.parse(arg.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const at = findingAt(doc, deps.envFiles, arg.offset);
  let fix = at?.fixes[arg.fix];
  if (!at || !fix) throw new Error(vscode.l10n.t('The value is no longer at that place in {0}; nothing was changed.', path.basename(doc.fileName)));
  // Asked before anything changes: a cancel leaves the deployment file as it was.
  const valuePathOf = (f: DeployFix) =>
    value !== undefined && uri.scheme === 'file' ? (path.isAbsolute(f.valueFile) ? f.valueFile : path.join(path.dirname(uri.fsPath), f.valueFile)) : undefined;
  let valuePath = valuePathOf(fix);
  if (valuePath && fix.ownFileable && fix.edits.some((e) => e.newText.includes(`name: ${DEFAULT_SECRET_NAME}`))) {
    // The Secret it would create is read by another workspace manifest already (one Secret per namespace): one of its own.
    const ctx = { index: deps.envFiles, except: uri.fsPath };
    if ((await secretReaders(DEFAULT_SECRET_NAME, undefined, ctx)).length > 0) {
      fix = withOwnEnvFile(fix, await freeOwnEnvFile(path.dirname(uri.fsPath), undefined, ctx));
      valuePath = valuePathOf(fix);
    }
  }
  if (valuePath && value !== undefined) {
    const holder = await envFileHolder(valuePath, fix.varName, value, { index: deps.envFiles, tokens: deps.store.snapshot.tokens, except: uri.fsPath });
    // A file of its own (and the host file or Secret made from it) when the fix names only the default ones.
    const own = holder && fix.ownFileable ? path.basename(await freeFileBeside(valuePath)) : undefined;
    if (holder && (await confirmEnvFileHolder(holder, fix.varName, own)) === 'alternative' && own) {
      fix = withOwnEnvFile(fix, own);
      valuePath = valuePathOf(fix);
    }
  }
  const wasDirty = doc.isDirty;
  const version = doc.version;
  const we = new vscode.WorkspaceEdit();
  for (const e of fix.edits) we.replace(uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  if (doc.version !== version || !(await vscode.workspace.applyEdit(we)))
    throw new Error(vscode.l10n.t('{0} changed while the fix was prepared; nothing was changed.', path.basename(doc.fileName)));
  if (!wasDirty) await doc.save();
  const tracked =
    valuePath &&
    value !== undefined &&
    (await writeValueFile(valuePath, fix.varName, value, deps.git, fix.hostFile ? { hostFile: fix.hostFile } : {})).gitignored === 'tracked';
  return { fix, ...(valuePath ? { valuePath } : {}), ...(tracked ? { tracked } : {}) };
}

/** Registers the provider and its commands. */
export function registerDeploymentActions(deps: DeploymentActionDeps): vscode.Disposable[] {
  const pending = new PendingValues();
  const { connection, store, vault, log, resolver } = deps;
  return [
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], new DeploymentActions(deps, pending), {
      providedCodeActionKinds: DeploymentActions.kinds,
    }),
    registerCommand(
      Commands.applyDeploymentFix,
      async (arg?: DeployFixArg) => {
        if (!arg || typeof arg.uri !== 'string' || typeof arg.offset !== 'number' || typeof arg.fix !== 'number')
          throw new Error(vscode.l10n.t('Run this from the quick fixes of a deployment file (Ctrl+.).'));
        const value = pending.get(arg.handle);
        const { fix, valuePath, tracked } = await applyFix(deps, arg, value);
        log.info(
          `applied "${fix.title}" in ${vscode.workspace.asRelativePath(vscode.Uri.parse(arg.uri))}${valuePath ? ` (value into ${vscode.workspace.asRelativePath(valuePath)}, mode 0600)` : ''}`,
        );
        const copy = vscode.l10n.t('Copy Command');
        let msg = !valuePath
          ? fix.note
          : tracked
            ? `${fix.note} ${vscode.l10n.t(
                'Git tracks {0}, which now holds the token: stop tracking it before your next commit (git rm --cached, the first copied command).',
                vscode.workspace.asRelativePath(valuePath),
              )}`
            : `${fix.note} ${vscode.l10n.t('The value is in {0} (mode 0600, git-ignored).', vscode.workspace.asRelativePath(valuePath))}`;
        // The value left this file, not its git history: a committed token stays usable until it is revoked.
        const fileUri = vscode.Uri.parse(arg.uri);
        const committed = value !== undefined && fileUri.scheme === 'file' && (await deps.git.isTrackedKnown(fileUri.fsPath));
        if (committed)
          msg = `${msg} ${
            value.startsWith(CONTROLLER_TOKEN_PREFIX)
              ? vscode.l10n.t(
                  '{0} is tracked by git: the old value stays in its history, where anyone with the repository can use it. Revoke that token and use a new one (Revoke on Server and Replace…).',
                  path.basename(fileUri.fsPath),
                )
              : // Not a Telegraf Controller token: only the service that issued it (InfluxDB, a database) can revoke it.
                vscode.l10n.t(
                  '{0} is tracked by git: the old value stays in its history, where anyone with the repository can use it. Revoke or change that credential where it was issued (an InfluxDB token in InfluxDB, a password where it is set) and put the new one in the env file.',
                  path.basename(fileUri.fsPath),
                )
          }`;
        const commands = [
          ...(tracked && valuePath ? [`git rm --cached -- ${shQuote(vscode.workspace.asRelativePath(valuePath, false))}`] : []),
          ...fix.commands.map((c) =>
            valuePath ? workspaceCommand(c.text, path.dirname(valuePath), [path.basename(valuePath), path.basename(fileUri.fsPath)]) : c.text,
          ),
        ];
        const choice = await (tracked || committed ? ui.showWarningMessage : ui.showInformationMessage)(msg, ...(commands.length ? [copy] : []));
        if (choice === copy) await vscode.env.clipboard.writeText(commands.join('\n'));
        return fix.title;
      },
      log,
    ),
    registerCommand(
      Commands.revokeAndReplaceInDeployment,
      async (arg?: DeployFixArg) => {
        if (connection.current.state !== 'ready' || !connection.user) throw new Error(signInFirst(connection));
        if (!arg?.tokenId) throw new Error(vscode.l10n.t('The leaked token could not be identified.'));
        const value = pending.get(arg.handle);
        if (!value) throw new Error(vscode.l10n.t('Run the quick fix again (Ctrl+.); its value is no longer in memory.'));
        const token = store.find(arg.tokenId) ?? (await connection.api().getToken(arg.tokenId));
        if (!mayRevoke(connection.user, token)) throw new Error(vscode.l10n.t('You may not revoke "{0}".', ui.tokenName(token.description, 80)));
        const name = ui.tokenName(token.description, 80);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
        const at = findingAt(doc, deps.envFiles, arg.offset);
        const fix = at?.fixes[0];
        const now = Date.now();
        const toml = await findValueInWorkspace(value);
        const detail = [
          vscode.l10n.t(
            '1. Create "{0}" with the same permissions ({1}) and lifetime ({2}), and store its value in VS Code.',
            displayText(rotatedDescription(token.description, now), 120),
            describePermissions(token.permissions),
            lifetimeText(replacementExpiry(token, now)),
          ),
          fix
            ? vscode.l10n.t('2. In {0}: {1}.', path.basename(doc.fileName), fix.title)
            : vscode.l10n.t('2. {0} keeps the old value (no fix fits it): edit it by hand.', path.basename(doc.fileName)),
          toml.length === 1
            ? vscode.l10n.t('3. Update 1 Telegraf config reference and the env files that hold the value.')
            : vscode.l10n.t('3. Update {0} Telegraf config references and the env files that hold the value.', toml.length),
          vscode.l10n.t('4. Revoke "{0}" on {1}.', name, connection.label),
        ].join('\n');
        const go = vscode.l10n.t('Revoke and Replace');
        if (
          (await ui.showWarningMessage(
            vscode.l10n.t('Revoke the leaked token "{0}" ({1}…) and replace it?', name, token.prefix),
            { modal: true, detail },
            go,
          )) !== go
        )
          throw new Cancelled();
        if (fix) await applyFix(deps, { ...arg, fix: 0 }, value);
        const refs = await deps.hook.find(value);
        const rotation = deploymentRotation(refs, deps.hook);
        const outcome = await ui.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Replacing the leaked token "{0}"…', name) },
          () => replaceToken({ connection, store, vault, log }, token, value, { kind: 'env', name: envVarName() }, 'leak response', now, rotation.hooks),
        );
        resolver.clear();
        void ui
          .showInformationMessage(
            outcome.revoked
              ? vscode.l10n.t(
                  'Revoked "{0}" and replaced it with the new token "{2}" (references updated: {1}).',
                  name,
                  outcome.rewrite.count,
                  ui.tokenName(outcome.replacement.description, 80),
                )
              : vscode.l10n.t(
                  'Replaced "{0}" with the new token "{2}" (references updated: {1}). "{0}" stays active as you chose: revoke it from the Tokens view once nothing uses it.',
                  name,
                  outcome.rewrite.count,
                  ui.tokenName(outcome.replacement.description, 80),
                ),
            vscode.l10n.t('Copy New Value'),
          )
          .then(async (c) => {
            if (c) await copySecret(outcome.value);
          });
        return outcome;
      },
      log,
    ),
  ];
}
