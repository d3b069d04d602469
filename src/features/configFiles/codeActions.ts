/**
 * Quick fixes for a plaintext `tc-apiv1_…` value in a Telegraf config:
 * - "Replace with ${TELEGRAF_CONTROLLER_TOKEN}" (the configured name): the
 *   edit, then an offer to store the value in SecretStorage (when it is not
 *   stored and the configured controller accepts it as a token of your list)
 *   and to copy its `export` line;
 * - "Replace with a secret-store reference…": pick or add a
 *   `[[secretstores.*]]`, write `@{id:key}`, show `telegraf secrets set`;
 * - "Revoke on Server and Replace…" (leak response), offered when the
 *   signed-in user may revoke the token: a replacement with the same
 *   permissions and lifetime is created and stored, every occurrence of the
 *   leaked value becomes the env reference, then the leaked token is revoked
 *   (modal confirmation naming it; nothing is revoked if a step fails).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { signInFirst } from '../../services/words';
import * as ui from '../../infra/ui';
import type { Token } from '../../core/api/contract';
import {
  applyEdits,
  envReference,
  JOSE_PASSWORD_VAR,
  planAddSecretStore,
  planReplaceSite,
  secretReference,
  secretStores,
  storePasswordVar,
  type SecretStoreType,
} from '../../core/config';
import { valueUseAt, type TokenValueUse } from '../../core/config/references';
import { exportLine, mayRevoke, replacementExpiry, rotatedDescription, valueFingerprint } from '../../core/config/tokenAssessment';
import { describePermissions } from '../../core/permissions';
import { displayText, pickText } from '../../core/text';
import { Commands } from '../../constants';
import { copySecret } from '../../infra/clipboard';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import { envVarName } from '../../infra/envVarSetting';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';
import { isTelegrafDocument, type ParseCache } from '../../services/configDocuments';
import { isOurDiagnostic } from './diagnostics';
import { addToEnvironmentFile, applyOffsetEdits, josePasswordNote, minimalEdit } from './insertTokenCommand';
import { secretKeyFor } from '../../core/config/tokenAssessment';
import { lifetimeText } from './rotateTokenCommand';
import { findValueInWorkspace, replaceToken, type DeploymentReferenceHook, type ReplaceOutcome } from './tokenReplacement';
import { deploymentRotation } from './rotateTokenCommand';
import { secretStoreHint } from './secretStoreHint';
import type { TokenResolver } from './tokenResolver';

/** Services of the quick fixes. */
export interface CodeActionDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  resolver: TokenResolver;
  log: Logger;
  parses: ParseCache;
  /** Lets "Revoke on Server and Replace…" follow the token into env files and deployments, as rotate does. */
  deployments?: DeploymentReferenceHook;
  /** Where "Add to Env File…" remembers the files it wrote (for Rotate Token…). */
  workspaceState?: vscode.Memento;
}

/** Argument of the quick-fix commands: where the plaintext value is. */
export interface PlaintextArg {
  uri: string;
  offset: number;
  /** revoke-and-replace: the token the value was identified as. */
  tokenId?: string;
  /** env follow-up: handle of the replaced value kept in memory (see {@link PendingValues}). */
  handle?: string;
}

/**
 * Values replaced by the env quick fix, kept in memory for its follow-up
 * ("store in VS Code", "copy export line") for 10 minutes, so the value is
 * never a command argument. Keyed by a random handle.
 */
export class PendingValues {
  private readonly byHandle = new Map<string, { value: string; at: number }>();
  private readonly handleByFp = new Map<string, string>();

  /** The handle of `value` (the same handle while it is pending). */
  handleFor(value: string): string {
    this.purge();
    const fp = valueFingerprint(value);
    const known = this.handleByFp.get(fp);
    if (known && this.byHandle.has(known)) return known;
    const handle = randomBytes(12).toString('hex');
    this.byHandle.set(handle, { value, at: Date.now() });
    this.handleByFp.set(fp, handle);
    return handle;
  }

  /** The value of `handle`, once; undefined when unknown or expired. */
  take(handle: string): string | undefined {
    this.purge();
    const e = this.byHandle.get(handle);
    if (!e) return undefined;
    this.byHandle.delete(handle);
    this.handleByFp.delete(valueFingerprint(e.value));
    return e.value;
  }

  private purge(): void {
    const limit = Date.now() - 10 * 60_000;
    for (const [h, e] of this.byHandle) {
      if (e.at < limit) {
        this.byHandle.delete(h);
        this.handleByFp.delete(valueFingerprint(e.value));
      }
    }
  }
}

/** The quick-fix provider. */
export class PlaintextTokenActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly deps: CodeActionDeps,
    private readonly pending: PendingValues,
  ) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const diags = context.diagnostics.filter((d) => isOurDiagnostic(d, 'plaintext-token'));
    if (diags.length === 0 || !isTelegrafDocument(doc)) return [];
    const cfg = this.deps.parses.get(doc);
    const text = doc.getText();
    const actions: vscode.CodeAction[] = [];
    for (const d of diags) {
      const offset = doc.offsetAt(d.range.start);
      const use = valueUseAt(cfg, offset);
      if (!use) continue;
      const arg: PlaintextArg = { uri: doc.uri.toString(), offset };
      const name = envVarName();
      const ref = envReference(name);

      const env = new vscode.CodeAction(vscode.l10n.t('Replace with {0}', ref), vscode.CodeActionKind.QuickFix);
      env.diagnostics = [d];
      env.isPreferred = true;
      try {
        const plan = planReplaceSite(text, use.site, ref);
        const we = new vscode.WorkspaceEdit();
        for (const e of plan.edits) we.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
        env.edit = we;
        env.command = {
          command: Commands.plaintextReplacedFollowUp,
          title: vscode.l10n.t('Set up the environment variable'),
          arguments: [{ ...arg, handle: this.pending.handleFor(use.value) }],
        };
        actions.push(env);
      } catch {
        /* a stale or unwritable site: no env fix */
      }

      const secret = new vscode.CodeAction(vscode.l10n.t('Replace with a secret-store reference…'), vscode.CodeActionKind.QuickFix);
      secret.diagnostics = [d];
      secret.command = { command: Commands.replaceWithSecretReference, title: secret.title, arguments: [arg] };
      actions.push(secret);

      const revocable = await this.revocableToken(use);
      if (revocable) {
        const leak = new vscode.CodeAction(
          vscode.l10n.t('Revoke on Server and Replace… ("{0}")', ui.tokenName(revocable.description, 40)),
          vscode.CodeActionKind.QuickFix,
        );
        leak.diagnostics = [d];
        leak.command = { command: Commands.revokeAndReplace, title: leak.title, arguments: [{ ...arg, tokenId: revocable.id }] };
        actions.push(leak);
      }
    }
    return actions;
  }

  /** The token the value is, when identified reliably and the signed-in user may revoke it. */
  private async revocableToken(use: TokenValueUse): Promise<Token | undefined> {
    const user = this.deps.connection.user;
    if (!user) return undefined;
    const facts = await this.deps.resolver.facts(use.value, use.needs, { network: true });
    const t = facts.token;
    if (!t) return undefined;
    const reliable = facts.via === 'stored' || (facts.via === 'prefix' && facts.verdict === 'accepted');
    return reliable && mayRevoke(user, t) ? (t as Token) : undefined;
  }
}

async function openAt(arg: PlaintextArg | undefined, parses: ParseCache): Promise<{ doc: vscode.TextDocument; use: TokenValueUse }> {
  if (!arg || typeof arg.uri !== 'string' || typeof arg.offset !== 'number')
    throw new Error(vscode.l10n.t('Run this from the quick fixes of a plain-text token (Ctrl+.).'));
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
  const use = valueUseAt(parses.get(doc), arg.offset);
  if (!use) throw new Error(vscode.l10n.t('The plain-text token is no longer at that place in {0}; nothing was changed.', path.basename(doc.fileName)));
  return { doc, use };
}

/** Registers the provider and the commands behind its fixes. */
export function registerPlaintextActions(selector: vscode.DocumentSelector, deps: CodeActionDeps): vscode.Disposable[] {
  const { connection, store, vault, resolver, log, parses } = deps;
  const pending = new PendingValues();
  const who = () => connection.label;
  return [
    vscode.languages.registerCodeActionsProvider(selector, new PlaintextTokenActions(deps, pending), { providedCodeActionKinds: PlaintextTokenActions.kinds }),

    registerCommand(
      Commands.plaintextReplacedFollowUp,
      async (arg?: PlaintextArg) => {
        const value = arg?.handle ? pending.take(arg.handle) : undefined;
        if (!value) return;
        const name = envVarName();
        const file = arg ? path.basename(vscode.Uri.parse(arg.uri).path) : vscode.l10n.t('The config');
        const origin = connection.origin;
        const storedId = await resolver.storedIdFor(value);
        const facts = storedId ? undefined : await resolver.facts(value, [], { network: true, explicit: true });
        const storable = !storedId && origin && facts?.token && facts.via === 'prefix' && facts.verdict === 'accepted' ? facts.token : undefined;
        log.info(
          `[${who()}] replaced a plain-text token${facts?.token ? ` (${facts.token.id} "${ui.tokenName(facts.token.description, 80)}")` : ''} in ${file} with \${${name}}`,
        );
        const storeButton = vscode.l10n.t('Store Value in VS Code');
        const copyExport = vscode.l10n.t('Copy Export Line');
        const addToEnvFile = vscode.l10n.t('Add to Env File…');
        const buttons = storable ? [storeButton, addToEnvFile, copyExport] : [addToEnvFile, copyExport];
        const reads = vscode.l10n.t(
          "{0} now reads the token from {1}. Set {2} in the agent's environment (e.g. /etc/default/telegraf).",
          file,
          `\${${name}}`,
          name,
        );
        let choice = await ui.showInformationMessage(storable ? `${reads} ${vscode.l10n.t('The value is not stored in VS Code yet.')}` : reads, ...buttons);
        if (choice === storeButton && storable && origin) {
          await vault.storeTokenValue(
            origin,
            { id: storable.id, description: storable.description, expiresAt: storable.expiresAt, prefix: storable.prefix },
            value,
          );
          await store.refreshStored();
          log.info(`[${who()}] stored the value of token ${storable.id} "${ui.tokenName(storable.description, 80)}" in secret storage`);
          choice = await ui.showInformationMessage(
            vscode.l10n.t('Stored the value of "{0}" in VS Code\'s secret storage.', ui.tokenName(storable.description, 80)),
            addToEnvFile,
            copyExport,
          );
        }
        if (choice === addToEnvFile && arg) {
          const token = facts?.token ?? (storedId ? store.find(storedId) : undefined) ?? { id: storedId ?? 'unknown', description: '' };
          await addToEnvironmentFile(vscode.Uri.parse(arg.uri), name, value, token, who(), log, deps.workspaceState, undefined, store.snapshot.tokens);
        }
        if (choice === copyExport) {
          const seconds = await copySecret(exportLine(name, value));
          const what = `export ${name}=…`;
          void vscode.window.setStatusBarMessage(
            seconds
              ? vscode.l10n.t('Copied "{0}"; it is cleared from the clipboard in {1} s if still there.', what, seconds)
              : vscode.l10n.t('Copied "{0}".', what),
            5000,
          );
        }
      },
      log,
    ),

    registerCommand(
      Commands.replaceWithSecretReference,
      async (arg?: PlaintextArg) => {
        const { doc, use } = await openAt(arg, parses);
        const version = doc.version;
        const text = doc.getText();
        const cfg = parses.get(doc);
        const stores = secretStores(cfg).filter((s) => /^[A-Za-z0-9_]+$/.test(s.id));
        let storeId: string;
        let add: { id: string; type: SecretStoreType; password?: string } | undefined;
        const items: Array<vscode.QuickPickItem & { id?: string; type?: SecretStoreType }> = [
          ...stores.map((s) => ({
            label: pickText(s.id, 60),
            description: vscode.l10n.t('[[secretstores.{0}]] on line {1}', s.type, s.table.line + 1),
            id: s.id,
          })),
          {
            label: `$(add) ${vscode.l10n.t('Add {0}', '[[secretstores.os]]')}`,
            description: vscode.l10n.t('the OS keyring (secret service, macOS keychain, Windows credential manager)'),
            type: 'os' as const,
          },
          {
            label: `$(add) ${vscode.l10n.t('Add {0}', '[[secretstores.jose]]')}`,
            description: vscode.l10n.t('an encrypted file store'),
            type: 'jose' as const,
          },
          {
            label: `$(add) ${vscode.l10n.t('Add {0}', '[[secretstores.docker]]')}`,
            description: vscode.l10n.t('Docker secrets (/run/secrets)'),
            type: 'docker' as const,
          },
        ];
        const pick = required(await ui.showQuickPick(items, { placeHolder: vscode.l10n.t('Which secret store should hold the token?') }));
        if (pick.id) storeId = pick.id;
        else {
          let id = 'telegraf_controller';
          for (let i = 2; stores.some((s) => s.id === id); i++) id = `telegraf_controller_${i}`;
          storeId = id;
          const type = pick.type ?? 'os';
          add = { id, type, ...(type === 'jose' ? { password: `\${${JOSE_PASSWORD_VAR}}` } : {}) };
        }
        const facts = await resolver.facts(use.value, use.needs, { network: true, explicit: true });
        const suggested = facts.token ? secretKeyFor(facts.token) : 'telegraf_controller_token';
        const key = required(
          await ui.showInputBox({
            prompt: vscode.l10n.t('Name of the secret in "{0}" (letters, digits and _ only)', storeId),
            value: suggested,
            validateInput: (s) =>
              /^[A-Za-z0-9_]+$/.test(s) ? undefined : vscode.l10n.t('Use only letters, digits and "_" (Telegraf\'s rule for secret names).'),
          }),
        );
        const reference = secretReference(storeId, key);
        let result = applyEdits(text, planReplaceSite(text, use.site, reference).edits);
        if (add) result = applyEdits(result, planAddSecretStore(result, add));
        await applyOffsetEdits(doc, version, [minimalEdit(text, result)]);
        const file = vscode.workspace.asRelativePath(doc.uri);
        log.info(
          `[${who()}] replaced a plain-text token${facts.token ? ` (${facts.token.id} "${ui.tokenName(facts.token.description, 80)}")` : ''} in ${file} with ${reference}${add ? ` and added [[secretstores.${add.type}]] "${add.id}"` : ''}`,
        );
        const existing = stores.find((s) => s.id === storeId);
        const type = add?.type ?? existing?.type;
        const passwordVar = add ? (add.type === 'jose' ? JOSE_PASSWORD_VAR : undefined) : existing && storePasswordVar(existing);
        const hint = secretStoreHint(
          path.basename(doc.fileName),
          doc.uri.fsPath,
          { id: storeId, ...(type ? { type } : {}), ...(passwordVar ? { passwordVar } : {}) },
          key,
        );
        const copyCommand = vscode.l10n.t('Copy Command');
        const copyValue = vscode.l10n.t('Copy Token Value');
        const choice = await ui.showInformationMessage(
          `${hint.message}${add?.type === 'jose' ? ` ${josePasswordNote()}` : ''}`,
          ...(hint.command ? [copyCommand] : []),
          copyValue,
        );
        if (choice === copyCommand && hint.command) await vscode.env.clipboard.writeText(hint.command);
        if (choice === copyValue) await copySecret(use.value);
      },
      log,
    ),

    registerCommand(
      Commands.revokeAndReplace,
      async (arg?: PlaintextArg): Promise<ReplaceOutcome | undefined> => {
        if (connection.current.state !== 'ready' || !connection.user) throw new Error(signInFirst(connection));
        const { use } = await openAt(arg, parses);
        const tokenId = arg?.tokenId;
        if (!tokenId) throw new Error(vscode.l10n.t('The leaked token could not be identified.'));
        const token = store.find(tokenId) ?? (await connection.api().getToken(tokenId));
        const user = connection.user;
        if (!mayRevoke(user, token))
          throw new Error(
            vscode.l10n.t(
              'You may not revoke "{0}" (it is revoked already, or owned by another user and you are not an Owner or Administrator).',
              ui.tokenName(token.description, 80),
            ),
          );
        const name = ui.tokenName(token.description, 80);
        const envName = envVarName();
        const occurrences = await findValueInWorkspace(use.value);
        const now = Date.now();
        const deployment = deploymentRotation(deps.deployments ? await deps.deployments.find(use.value) : undefined, deps.deployments);
        const listed = occurrences.slice(0, 15).map((o) => `• ${o.label}`);
        if (occurrences.length > 15) listed.push(`• ${vscode.l10n.t('… and {0} more', occurrences.length - 15)}`);
        const detail = [
          vscode.l10n.t(
            '1. Create "{0}" with the same permissions ({1}) and lifetime ({2}), and store its value in VS Code.',
            displayText(rotatedDescription(token.description, now), 120),
            describePermissions(token.permissions),
            lifetimeText(replacementExpiry(token, now)),
          ),
          `${occurrences.length === 1 ? vscode.l10n.t('2. Replace the plain-text value with {0} in 1 place:', `\${${envName}}`) : vscode.l10n.t('2. Replace the plain-text value with {0} in {1} places:', `\${${envName}}`, occurrences.length)}\n${listed.join('\n')}`,
          ...deployment.lines,
          vscode.l10n.t('3. Revoke "{0}" on {1}: every agent still using the leaked value is rejected from then on.', name, connection.label),
          '',
          vscode.l10n.t("Afterwards set {0} to the new value in the agents' environment. If a step fails, the leaked token is not revoked.", envName),
        ].join('\n');
        const revokeAndReplace = vscode.l10n.t('Revoke and Replace');
        const ok = await ui.showWarningMessage(
          vscode.l10n.t('Revoke the leaked token "{0}" ({1}…) and replace it?', name, token.prefix),
          { modal: true, detail },
          revokeAndReplace,
        );
        if (ok !== revokeAndReplace) throw new Cancelled();
        log.info(`[${who()}] leak response for token ${token.id} "${name}" (${occurrences.length} plain-text reference(s))`);
        const outcome = await ui.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Replacing the leaked token "{0}"…', name) },
          () => replaceToken({ connection, store, vault, log }, token, use.value, { kind: 'env', name: envName }, 'leak response', now, deployment.hooks),
        );
        resolver.clear();
        void ui
          .showInformationMessage(
            outcome.revoked
              ? vscode.l10n.t(
                  'Revoked "{0}" and replaced the plain-text value with {2} (references updated: {1}). Set {3} to the value of "{4}" on the agents.',
                  name,
                  outcome.rewrite.count,
                  `\${${envName}}`,
                  envName,
                  ui.tokenName(outcome.replacement.description, 80),
                )
              : vscode.l10n.t(
                  'Replaced the plain-text value with {2} (references updated: {1}); "{0}" stays active as you chose: revoke it from the Tokens view once nothing uses it. Set {3} to the value of "{4}" on the agents.',
                  name,
                  outcome.rewrite.count,
                  `\${${envName}}`,
                  envName,
                  ui.tokenName(outcome.replacement.description, 80),
                ),
            vscode.l10n.t('Copy Export Line'),
          )
          .then(async (choice) => {
            if (choice) await copySecret(exportLine(envName, outcome.value));
          });
        return outcome;
      },
      log,
    ),
  ];
}
