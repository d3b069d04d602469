import * as path from 'node:path';
import * as vscode from 'vscode';
import { signInFirst } from '../../services/words';
import { canManageTokens } from '../../core/roles';
import * as ui from '../../infra/ui';
import { createOwnerOnlyFile, secureValueFiles } from '../../infra/valueFiles';
import type { Token } from '../../core/api/contract';
import {
  agentSiblings,
  applyEdits,
  ConfigEditError,
  envReference,
  heartbeatAt,
  heartbeatOutputs,
  isTelegrafConfig,
  parseTelegrafConfig,
  planAddHeartbeat,
  planAddSecretStore,
  planEnvFileEntry,
  planSetToken,
  replacedTokenLiterals,
  secretReference,
  suggestPresetForConfig,
  secretStores,
  storePasswordVar,
  tableAt,
  type ConfigTable,
  type TextEdit,
  JOSE_PASSWORD_VAR,
  DEFAULT_INSTANCE_ID,
} from '../../core/config';
import { pickText } from '../../core/text';
import { shQuote } from '../../core/agentStart/generators';
import { Commands } from '../../constants';
import { copySecret } from '../../infra/clipboard';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import { envVarName } from '../../infra/envVarSetting';
import { heartbeatUrl } from '../../infra/settings';
import { readConfig, savedEncodingProblem, workspaceConfigUris } from '../../services/configDocuments';
import { heartbeatReportsElsewhere } from '../../core/config/references';
import { exportLine, secretKeyFor, tokensWithPrefixOf } from '../../core/config/tokenAssessment';
import { GitIgnoreChecker } from '../../services/gitIgnore';
import type { TokenUsage } from '../../services/tokenUsage';
import { ensureGitIgnored, heldTokenName } from './deployments/documents';
import { envFileAssignments, envFileTokens } from '../../core/deploy';
import { rememberWrittenEnvFile } from './deployments/writtenEnvFiles';
import { resolveToken, type Services, type TokenArg } from '../../services/tokenArgs';
import { confirmLiteral } from './literalConfirm';
import { secretStoreHint } from './secretStoreHint';

/** How a token is put into a config (issue: insertion forms). */
export type InsertForm = 'env' | 'secret' | 'literal';

const FORM_STATE_KEY = 'telegrafController.insertForm';

/** True for files the insert command accepts: `.conf` and `.toml`, and documents in the `toml` or `telegraf` language. */
export function isConfigDocument(doc: vscode.TextDocument): boolean {
  const ext = path.extname(doc.fileName).toLowerCase();
  return ext === '.conf' || ext === '.toml' || doc.languageId === 'toml' || doc.languageId === 'telegraf';
}

/** Applies offset-based edits to `doc` as one undoable WorkspaceEdit; refuses when the document changed since `version`. */
export async function applyOffsetEdits(doc: vscode.TextDocument, version: number, edits: readonly TextEdit[]): Promise<void> {
  if (doc.version !== version) {
    throw new Error(vscode.l10n.t('{0} changed while the edit was prepared; nothing was written. Try again.', path.basename(doc.fileName)));
  }
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  const ok = await vscode.workspace.applyEdit(we);
  if (!ok) throw new Error(vscode.l10n.t('VS Code refused the edit of {0}; nothing was written.', path.basename(doc.fileName)));
}

async function targetEditor(preferred: vscode.TextDocument | undefined): Promise<vscode.TextEditor> {
  const active = vscode.window.activeTextEditor;
  if (active && isConfigDocument(active.document)) return active;
  // The config the command started from (before a create form took the focus), while it is still open.
  if (preferred && !preferred.isClosed && isConfigDocument(preferred)) return vscode.window.showTextDocument(preferred);
  // Telegraf configs only: not every .conf is one (a systemd drop-in, nginx, …).
  const candidates = await workspaceConfigUris(200);
  const files = (await Promise.all(candidates.map(async (uri) => ((await readConfig(uri)) ? uri : undefined)))).filter((u) => u !== undefined);
  if (files.length === 0) {
    throw new Error(vscode.l10n.t('Open a Telegraf config file (.conf or .toml) first, then run "Insert Token into Config…" again.'));
  }
  const pick = required(
    await ui.showQuickPick(
      files.map((uri) => ({ label: pickText(path.basename(uri.fsPath), 120), description: pickText(vscode.workspace.asRelativePath(uri), 200), uri })),
      { placeHolder: vscode.l10n.t('Insert the token into which Telegraf config?') },
    ),
  );
  const doc = await vscode.workspace.openTextDocument(pick.uri);
  return vscode.window.showTextDocument(doc);
}

async function pickForm(memento: vscode.Memento): Promise<InsertForm> {
  const last = memento.get<InsertForm>(FORM_STATE_KEY) ?? 'env';
  const name = envVarName();
  const items: Array<vscode.QuickPickItem & { form: InsertForm }> = [
    {
      form: 'env',
      label: `$(symbol-variable) ${vscode.l10n.t('Environment variable reference')}`,
      description: `\${${name}}`,
      detail: vscode.l10n.t("Recommended. The value goes into the agent's environment, not into the file."),
    },
    {
      form: 'secret',
      label: `$(lock) ${vscode.l10n.t('Secret-store reference')}`,
      description: '@{store:key}',
      detail: vscode.l10n.t('Telegraf reads the value from a secret store (OS keyring, jose file, Docker secret).'),
    },
    {
      form: 'literal',
      label: `$(warning) ${vscode.l10n.t('Literal value')}`,
      description: 'tc-apiv1_…',
      detail: vscode.l10n.t('Writes the value in plain text into the file. Anyone who can read the file can use it.'),
    },
  ];
  // The last reference form chosen comes first; the literal value never does (Enter must not pick the unsafe choice).
  if (last !== 'literal') items.sort((a, b) => (a.form === last ? -1 : b.form === last ? 1 : 0));
  const pick = required(await ui.showQuickPick(items, { placeHolder: vscode.l10n.t('How should the config refer to the token?') }));
  await memento.update(FORM_STATE_KEY, pick.form);
  return pick.form;
}

/**
 * Registers "Insert Token into Config…": pick a stored token (or get it from
 * the tree), a Telegraf config, and a form (environment reference, secret-store
 * reference, or a confirmed literal); sets the `token` of the
 * `[[outputs.heartbeat]]` under the cursor, adds a heartbeat output, or inserts
 * at the cursor. Edits are one WorkspaceEdit (undoable); commented lines are
 * never touched.
 */
export function registerInsertToken(deps: Services & { workspaceState?: vscode.Memento; usage?: TokenUsage }, memento?: vscode.Memento): vscode.Disposable[] {
  const { connection, vault, log } = deps;
  const state = memento ?? deps.workspaceState;
  return [
    registerCommand(
      Commands.insertToken,
      async (arg: TokenArg, opts?: { uri?: string }) => {
        if (connection.current.state !== 'ready') throw new Error(signInFirst(connection));
        // The config to insert into: the one named (the create form opened from it), else the editor active now.
        const named = typeof opts?.uri === 'string' ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === opts.uri) : undefined;
        const startDoc = named ?? vscode.window.activeTextEditor?.document;
        const origin = connection.origin!;
        if (!deps.store.snapshot.loadedAt) await deps.store.refresh();
        const storedIds = await vault.storedTokenIds(origin);
        // A Viewer cannot create tokens: never offered.
        const canCreate = !!connection.user && canManageTokens(connection.user.role);
        if (!arg && storedIds.size === 0) {
          if (!canCreate) {
            void ui.showInformationMessage(
              vscode.l10n.t(
                'No token values are stored in this VS Code yet, and a Viewer cannot create tokens. Sign in as a Manager, Administrator or Owner to create one here.',
              ),
            );
            throw new Cancelled();
          }
          const choice = await ui.showInformationMessage(
            vscode.l10n.t('No token values are stored in this VS Code yet. The controller shows a value only once, so create a token here first.'),
            vscode.l10n.t('Create Token'),
          );
          if (choice) await vscode.commands.executeCommand(Commands.createToken);
          throw new Cancelled();
        }
        let token = await resolveToken(
          deps,
          arg,
          vscode.l10n.t('Insert which token?'),
          (t) => storedIds.has(t.id) && t.status === 'active',
          canCreate ? () => vscode.commands.executeCommand<string | undefined>(Commands.createToken, undefined, { returnCreated: true }) : undefined,
          // A heartbeat output sends the token to the controller, which rejects one without heartbeat:write.
          (t) =>
            (t.permissions.heartbeat ?? []).includes('write') ? undefined : vscode.l10n.t('$(warning) no heartbeat:write: a heartbeat output is rejected'),
        );
        let value = await vault.getTokenValue(origin, token.id);
        if (!value)
          throw new Error(vscode.l10n.t('The value of "{0}" is not stored in this VS Code, so it cannot be inserted.', ui.tokenName(token.description, 80)));
        const editor = await targetEditor(startDoc);
        const doc = editor.document;
        const fileName = path.basename(doc.fileName);
        if (doc.getText().trim() !== '' && !isTelegrafConfig(doc.fileName, doc.getText())) {
          const anyway = vscode.l10n.t('Insert Anyway');
          const ok = await ui.showWarningMessage(
            vscode.l10n.t('{0} does not look like a Telegraf config. Insert the token anyway?', fileName),
            { modal: true, detail: vscode.l10n.t('It has no [agent], [[inputs.*]], [[outputs.*]] or other Telegraf tables.') },
            anyway,
          );
          if (ok !== anyway) throw new Cancelled();
        }
        // A file saved as UTF-16 or UTF-32: Telegraf cannot read it whatever is inserted. Said before any question.
        const encoding = await savedEncodingProblem(doc);
        if (encoding) {
          const anyway = vscode.l10n.t('Insert Anyway');
          const ok = await ui.showWarningMessage(
            vscode.l10n.t('{0} is saved as {1}, which Telegraf cannot read. Insert the token anyway?', fileName, encoding),
            {
              modal: true,
              detail: vscode.l10n.t(
                'Telegraf reads configs as UTF-8. Save the file with the encoding UTF-8 first (the encoding in the status bar, then "Save with Encoding").',
              ),
            },
            anyway,
          );
          if (ok !== anyway) throw new Cancelled();
        }
        // A file that does not parse as TOML: Telegraf refuses to load it whatever is inserted. Said before any question.
        const brokenNow = parseTelegrafConfig(doc.getText()).parseError;
        if (brokenNow) await confirmBrokenToml(fileName, brokenNow, editor);
        let form = state ? await pickForm(state) : 'env';
        if (form === 'literal') {
          // The safe answer is the default button.
          const choice = await confirmLiteral(fileName);
          if (choice === undefined) throw new Cancelled();
          if (choice === 'reference') form = 'env';
        }
        if (form === 'literal') {
          // The value written here gives this agent the token other places hold already: asked first, a token of its own offered.
          const fresh = await confirmUnshared(deps, token, value, doc, canCreate, doc.uri);
          if (fresh) ({ token, value } = fresh);
        }
        const version = doc.version;
        const text = doc.getText();
        const cfg = parseTelegrafConfig(text);
        const edits: TextEdit[] = [];
        let addStore: { id: string; type: 'os' | 'jose' | 'docker'; password?: string } | undefined;
        let reference: string;
        let secretHint: { store: string; type?: string; passwordVar?: string; key: string } | undefined;
        if (form === 'env') reference = envReference(envVarName());
        else if (form === 'literal') reference = value;
        else {
          const stores = secretStores(cfg).filter((s) => /^[A-Za-z0-9_]+$/.test(s.id));
          let storeId: string;
          if (stores.length > 0) {
            const pick = required(
              await ui.showQuickPick(
                [
                  ...stores.map((s) => ({
                    label: pickText(s.id, 60),
                    description: `[[secretstores.${s.type}]]`,
                    id: s.id,
                    add: undefined as undefined | 'os' | 'jose' | 'docker',
                  })),
                  { label: `$(add) ${vscode.l10n.t('Add a new secret store…')}`, description: '', id: '', add: 'os' as const },
                ],
                { placeHolder: vscode.l10n.t('Which secret store holds the token?') },
              ),
            );
            storeId = pick.id;
            if (pick.add) storeId = '';
          } else storeId = '';
          if (!storeId) {
            const type = required(
              await ui.showQuickPick(
                [
                  { label: 'os', description: vscode.l10n.t('the OS keyring (Linux secret service, macOS keychain, Windows credential manager)') },
                  { label: 'jose', description: vscode.l10n.t('an encrypted file store') },
                  { label: 'docker', description: vscode.l10n.t('Docker secrets (/run/secrets)') },
                ],
                { placeHolder: vscode.l10n.t('Add which kind of secret store?') },
              ),
            ).label as 'os' | 'jose' | 'docker';
            storeId = 'telegraf_controller';
            addStore = { id: storeId, type, ...(type === 'jose' ? { password: `\${${JOSE_PASSWORD_VAR}}` } : {}) };
          }
          const key = secretKeyFor(token);
          reference = secretReference(storeId, key);
          const existing = stores.find((s) => s.id === storeId);
          const type = addStore?.type ?? existing?.type;
          const passwordVar = addStore ? (addStore.type === 'jose' ? JOSE_PASSWORD_VAR : undefined) : existing && storePasswordVar(existing);
          secretHint = { store: storeId, key, ...(type ? { type } : {}), ...(passwordVar ? { passwordVar } : {}) };
        }
        const cursor = doc.offsetAt(editor.selection.active);
        const here = heartbeatAt(cfg, tableAt(cfg, cursor));
        const heartbeats = heartbeatOutputs(cfg);
        let summary: string;
        // The heartbeat output the token goes into, if any: checked below for where it reports.
        let heartbeatTarget: ConfigTable | undefined;
        if (here) {
          heartbeatTarget = here;
          const plan = planSetToken(text, { reference, table: here });
          edits.push(...plan.edits);
          summary = plan.summary;
        } else {
          const choices: Array<vscode.QuickPickItem & { id: 'heartbeat' | 'set' | 'cursor' }> = [];
          if (heartbeats.length === 0) {
            choices.push({
              id: 'heartbeat',
              label: `$(pulse) ${vscode.l10n.t('Add an [[outputs.heartbeat]] output')}`,
              detail: vscode.l10n.t('Reports this agent to the controller (Telegraf ≥ 1.37) with the token.'),
            });
          } else {
            choices.push({
              id: 'set',
              label: `$(pulse) ${vscode.l10n.t('Set the token of [[outputs.heartbeat]]')}`,
              detail: vscode.l10n.t('line {0}', heartbeats[0]!.line + 1),
            });
          }
          // At the cursor only where a token belongs (a plugin that takes one); otherwise say why not.
          const pos = editor.selection.active;
          let cursorPlan: ReturnType<typeof planSetToken> | undefined;
          let notHere: string | undefined;
          try {
            cursorPlan = planSetToken(text, { reference, cursorOffset: cursor });
          } catch (e) {
            if (!(e instanceof ConfigEditError)) throw e;
            notHere = e.message;
          }
          if (cursorPlan) {
            const at = cursorPlan.table ? `${cursorPlan.table.isArray ? '[[' : '['}${cursorPlan.table.name}${cursorPlan.table.isArray ? ']]' : ']'}` : '';
            choices.push({
              id: 'cursor',
              label: `$(insert) ${vscode.l10n.t('Insert at the cursor')}`,
              detail: at ? vscode.l10n.t('line {0}, the token of {1}', pos.line + 1, at) : vscode.l10n.t('line {0}', pos.line + 1),
            });
          }
          const where = required(
            await ui.showQuickPick(choices, {
              // The question as the title, so the reason the cursor is not offered gets the input's whole width.
              title: vscode.l10n.t('Where in {0}?', fileName),
              placeHolder: notHere ? vscode.l10n.t('Not at the cursor: {0}', notHere) : vscode.l10n.t('Choose where the token goes'),
            }),
          );
          if (where.id === 'heartbeat') {
            await confirmNoSiblingHeartbeat(doc.uri);
            const instanceId = await askInstanceId(fileName);
            edits.push(...planAddHeartbeat(text, { url: heartbeatUrl(connection.current.url!), token: reference, instanceId }));
            summary = 'added an [[outputs.heartbeat]] output';
          } else if (where.id === 'set') {
            heartbeatTarget = heartbeats[0];
            const plan = planSetToken(text, { reference, table: heartbeats[0] });
            edits.push(...plan.edits);
            summary = plan.summary;
          } else {
            const plan = cursorPlan ?? planSetToken(text, { reference, cursorOffset: cursor });
            // A controller token is accepted only by Telegraf Controller: another plugin's `token`
            // (an InfluxDB output, an HTTP API) authenticates to its own service. Say so before replacing it.
            let heartbeatInstead = false;
            if (plan.table && plan.table.name !== 'outputs.heartbeat') {
              // The safe choice comes first (the dialog's default button).
              const addHeartbeat = vscode.l10n.t('Add [[outputs.heartbeat]] Instead');
              const replace = vscode.l10n.t('Use It There Anyway');
              const ok = await ui.showWarningMessage(
                vscode.l10n.t('Put a Telegraf Controller token into [[{0}]]?', plan.table.name),
                {
                  modal: true,
                  detail: vscode.l10n.t(
                    'This plugin sends its token to its own service (for example InfluxDB), which does not accept a Telegraf Controller token; a token it has now stops being used. A controller token belongs in [[outputs.heartbeat]] or the environment of an agent that downloads its config from the controller.',
                  ),
                },
                addHeartbeat,
                replace,
              );
              if (ok === addHeartbeat) heartbeatInstead = true;
              else if (ok !== replace) throw new Cancelled();
            }
            if (heartbeatInstead) {
              const instanceId = await askInstanceId(fileName);
              edits.push(...planAddHeartbeat(text, { url: heartbeatUrl(connection.current.url!), token: reference, instanceId }));
              summary = 'added an [[outputs.heartbeat]] output';
            } else {
              if (plan.table?.name === 'outputs.heartbeat') heartbeatTarget = plan.table;
              edits.push(...plan.edits);
              summary = plan.summary;
            }
          }
        }
        const elsewhere = heartbeatTarget && heartbeatReportsElsewhere(heartbeatTarget, connection.current.url!);
        if (elsewhere) {
          const anyway = vscode.l10n.t('Use It There Anyway');
          const ok = await ui.showWarningMessage(
            vscode.l10n.t('This [[outputs.heartbeat]] reports to {0}, not to {1}. Put the token there?', elsewhere, connection.label),
            {
              modal: true,
              detail: vscode.l10n.t(
                'Telegraf sends the token with every heartbeat to its url: a server other than the controller the token belongs to would receive it. Change the url to the controller first, unless {0} is that controller under another name.',
                elsewhere,
              ),
            },
            anyway,
          );
          if (ok !== anyway) throw new Cancelled();
        }
        let result = applyEdits(text, edits);
        if (addStore) result = applyEdits(result, planAddSecretStore(result, addStore));
        // A file that parsed but would not with the token in it (asked above when it was broken already): said before writing.
        const broken = !cfg.parseError && parseTelegrafConfig(result).parseError;
        if (broken) await confirmBrokenToml(fileName, broken);
        await applyOffsetEdits(doc, version, [minimalEdit(text, result)]);
        log.info(
          `[${connection.label}] inserted token ${token.id} "${ui.tokenName(token.description, 80)}" into ${vscode.workspace.asRelativePath(doc.uri)} as ${form === 'literal' ? 'a literal value' : form === 'env' ? 'an environment reference' : 'a secret-store reference'} (${summary})`,
        );
        if (form === 'literal') void secureValueFiles([{ uri: doc.uri, created: false }], log);
        // The edit replaced another token's literal value: that token may now be unused. Offer to revoke it
        // (Revoke's own confirmation says where else the workspace uses it); never without asking.
        const replaced = replacedTokenLiterals(text, result)
          .map((v) => tokensWithPrefixOf(v, deps.store.snapshot.tokens))
          .filter((m) => m.length === 1 && m[0]!.id !== token.id && m[0]!.status === 'active')
          .map((m) => m[0]!);
        if (replaced.length === 1) {
          const old = replaced[0]!;
          const revoke = vscode.l10n.t('Revoke Old Token…');
          void ui
            .showInformationMessage(
              vscode.l10n.t(
                '{0} held the token "{1}" ({2}…), now replaced. Revoke it if no other agent uses it.',
                fileName,
                ui.tokenName(old.description, 60),
                old.prefix,
              ),
              revoke,
            )
            .then((c) => (c === revoke ? vscode.commands.executeCommand(Commands.revokeToken, old.id) : undefined));
        }
        if (form === 'env') {
          const name = envVarName();
          const copyExport = vscode.l10n.t('Copy Export Line');
          const addToEnvFile = vscode.l10n.t('Add to Env File…');
          const choice = await ui.showInformationMessage(
            vscode.l10n.t("{0} now reads the token from {1}. Set {2} in the agent's environment.", fileName, `\${${name}}`, name),
            copyExport,
            addToEnvFile,
          );
          if (choice === copyExport) {
            const seconds = await copySecret(exportLine(name, value));
            const what = `export ${name}=…`;
            void vscode.window.setStatusBarMessage(
              seconds
                ? vscode.l10n.t('Copied "{0}"; it is cleared from the clipboard in {1} s if still there.', what, seconds)
                : vscode.l10n.t('Copied "{0}".', what),
              5000,
            );
          } else if (choice === addToEnvFile) {
            await addToEnvironmentFile(
              doc.uri,
              name,
              value,
              token,
              connection.label,
              log,
              state,
              (target) => confirmUnshared(deps, token, value, doc, canCreate, target),
              deps.store.snapshot.tokens,
            );
          }
        } else if (form === 'secret' && secretHint) {
          const hint = secretStoreHint(
            fileName,
            doc.uri.fsPath,
            { id: secretHint.store, type: secretHint.type, passwordVar: secretHint.passwordVar },
            secretHint.key,
          );
          const copyCommand = vscode.l10n.t('Copy Command');
          const copyValue = vscode.l10n.t('Copy Token Value');
          const choice = await ui.showInformationMessage(
            `${hint.message}${addStore?.type === 'jose' ? ` ${josePasswordNote()}` : ''}`,
            ...(hint.command ? [copyCommand] : []),
            copyValue,
          );
          if (choice === copyCommand && hint.command) await vscode.env.clipboard.writeText(hint.command);
          if (choice === copyValue) await copySecret(value);
        }
      },
      log,
    ),
  ];
}

/**
 * One edit that turns `before` into `after`: the span between their common
 * prefix and common suffix. Lets several planned steps (secret store, token)
 * reach the editor as a single, undoable replacement.
 */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  // Never split a CRLF pair or a surrogate pair.
  const splits = (t: string, i: number) =>
    i > 0 && i < t.length && ((t[i - 1] === '\r' && t[i] === '\n') || (t.charCodeAt(i - 1) >= 0xd800 && t.charCodeAt(i - 1) <= 0xdbff));
  while (start > 0 && (splits(before, start) || splits(after, start))) start--;
  while (end > 0 && (splits(before, before.length - end) || splits(after, after.length - end))) end--;
  return { start, end: before.length - end, newText: after.slice(start, after.length - end) };
}

/**
 * Writes `NAME=value` into an environment file the user picks (e.g.
 * `/etc/default/telegraf`, the systemd EnvironmentFile of the telegraf
 * service, or a `.env`): replaces the value of an existing `NAME=` line or
 * appends one, as one undoable WorkspaceEdit, then saves the file. The user
 * chose this file to hold the value; a file inside the workspace gets a
 * reminder to keep it out of version control. Its path is remembered in
 * `state` (never the value) so that Rotate Token… follows the token there.
 */
/**
 * Before a second `[[outputs.heartbeat]]` goes into the agent of `uri`: when
 * a file the same agent loads (telegraf.conf with telegraf.d/, `agentSiblings`)
 * already has one, the agent would send two heartbeats. Asks, with opening
 * that file (at its heartbeat) as the default; throws Cancelled unless the
 * user adds another one on purpose.
 */
async function confirmNoSiblingHeartbeat(uri: vscode.Uri): Promise<void> {
  if (uri.scheme !== 'file') return;
  const all = (await workspaceConfigUris()).map((u) => u.fsPath.replace(/\\/g, '/'));
  for (const sibling of agentSiblings(uri.fsPath.replace(/\\/g, '/'), all)) {
    const other = vscode.Uri.file(sibling);
    const t = await readConfig(other);
    const hb = t ? heartbeatOutputs(parseTelegrafConfig(t.text))[0] : undefined;
    if (!hb) continue;
    const label = vscode.workspace.asRelativePath(other);
    const open = vscode.l10n.t('Open {0}', path.basename(sibling));
    const add = vscode.l10n.t('Add Another Anyway');
    const choice = await ui.showWarningMessage(
      vscode.l10n.t('{0} already has an [[outputs.heartbeat]] (line {1}).', label, hb.line + 1),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Telegraf loads the files of telegraf.d/ together with telegraf.conf: a second heartbeat output makes the agent report twice. Set the token of that one instead ("Insert Token into Config…" there).',
        ),
      },
      open,
      add,
    );
    if (choice === add) return;
    if (choice === open) {
      const editor = await vscode.window.showTextDocument(other);
      const at = new vscode.Position(hb.line, 0);
      editor.selection = new vscode.Selection(at, at);
      editor.revealRange(new vscode.Range(at, at));
    }
    throw new Cancelled();
  }
}

/**
 * The value env file `target` sets `name` to, when that is another value than
 * `value` (an agent reading the file has that token now); undefined when the
 * file is missing, unreadable, or sets nothing else. An open editor's text
 * counts, as it is what would be edited.
 */
async function heldInEnvFile(target: vscode.Uri, name: string, value: string): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
  const text =
    open?.getText() ??
    (await Promise.resolve(vscode.workspace.fs.readFile(target)).then(
      (bytes) => new TextDecoder().decode(bytes),
      () => undefined,
    ));
  if (text === undefined || !envFileTokens(text, name, value).replaces) return undefined;
  return envFileAssignments(text).get(name);
}

/**
 * "Add to Env File…": asks where (a save dialog, `.env` of the workspace
 * folder by default), sets `name=value` there as one WorkspaceEdit (a new file
 * is created 0600 first), saves it, keeps it out of git in the workspace, and
 * remembers its path (never the value) so that Rotate Token… follows it.
 * `unshared`, when given, is asked once the file is chosen and may answer
 * another token (and value) to write instead, or throw to stop.
 * Does nothing when the dialog is dismissed; throws when VS Code refuses the edit.
 */
export async function addToEnvironmentFile(
  configUri: vscode.Uri,
  name: string,
  value: string,
  token: Pick<Token, 'id' | 'description'>,
  connectionLabel: string,
  log: { info(m: string): void; warn(m: string): void },
  state: vscode.Memento | undefined,
  unshared?: (target: vscode.Uri) => Promise<{ token: Token; value: string } | undefined>,
  known: readonly Pick<Token, 'prefix' | 'description'>[] = [],
): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(configUri)?.uri ?? vscode.Uri.joinPath(configUri, '..');
  const git = new GitIgnoreChecker(() => vscode.workspace.isTrusted);
  let target: vscode.Uri | undefined;
  for (;;) {
    target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Environment file for the Telegraf agent (e.g. /etc/default/telegraf or a .env)'),
      defaultUri: target ?? vscode.Uri.joinPath(folder, '.env'),
      saveLabel: vscode.l10n.t('Write {0} Here', name),
    });
    if (!target) return;
    // A file that already gives an agent another token in this variable: writing would take it from that agent. Asked first.
    const held = await heldInEnvFile(target, name, value);
    if (held !== undefined) {
      const other = vscode.l10n.t('Choose Another File…');
      const replace = vscode.l10n.t('Replace It');
      const rel = target.scheme === 'file' && vscode.workspace.getWorkspaceFolder(target) ? vscode.workspace.asRelativePath(target, false) : target.fsPath;
      const choice = await ui.showWarningMessage(
        vscode.l10n.t('{0} already sets {1} to {2}.', rel, name, heldTokenName(held, known)),
        {
          modal: true,
          detail: vscode.l10n.t(
            'Writing replaces it: the agent that reads {0} would get this token instead, and the token it has now would no longer reach it. Choose a file of its own for this agent, or replace it on purpose.',
            path.basename(target.fsPath),
          ),
        },
        other,
        replace,
      );
      if (choice === other) continue;
      if (choice !== replace) return;
    }
    // A file git tracks would carry the token into the next commit (.gitignore does not untrack it): asked first.
    if (target.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(target) || !(await git.isTrackedKnown(target.fsPath))) break;
    const other = vscode.l10n.t('Choose Another File…');
    const anyway = vscode.l10n.t('Write It Anyway');
    const rel = vscode.workspace.asRelativePath(target, false);
    const choice = await ui.showWarningMessage(
      vscode.l10n.t('Git tracks {0}.', rel),
      {
        modal: true,
        detail: vscode.l10n.t(
          'The token would be committed with it: .gitignore does not untrack a file. Choose a file git does not track, or stop tracking this one (git rm --cached).',
        ),
      },
      other,
      anyway,
    );
    if (choice === anyway) break;
    if (choice !== other) return;
  }
  // A token other agents hold already: asked once the file is known (the file itself holding it is no sharing).
  const fresh = await unshared?.(target);
  if (fresh) ({ token, value } = fresh);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    exists = false;
  }
  // A new env file starts empty with mode 0600: the value is never on disk readable by others.
  const created = !exists && (await createOwnerOnlyFile(target));
  if (created) exists = true;
  const we = new vscode.WorkspaceEdit();
  if (!exists) we.createFile(target, { ignoreIfExists: true });
  const doc = exists ? await vscode.workspace.openTextDocument(target) : undefined;
  const text = doc?.getText() ?? '';
  const edit = planEnvFileEntry(text, name, value);
  if (doc) we.replace(target, new vscode.Range(doc.positionAt(edit.start), doc.positionAt(edit.end)), edit.newText);
  else we.insert(target, new vscode.Position(0, 0), edit.newText);
  if (!(await vscode.workspace.applyEdit(we)))
    throw new Error(vscode.l10n.t('VS Code refused the edit of {0}; nothing was written.', path.basename(target.fsPath)));
  const saved = await vscode.workspace.openTextDocument(target);
  await saved.save();
  void secureValueFiles([{ uri: target, created: created || !exists }], log);
  // Its path (never the value), so that Rotate Token… follows the token there, even outside the workspace.
  await rememberWrittenEnvFile(state, target).catch((e: unknown) =>
    log.warn(`Remembering the env file ${target.fsPath} for Rotate Token… failed: ${e instanceof Error ? e.message : String(e)}`),
  );
  log.info(`[${connectionLabel}] wrote token ${token.id} "${ui.tokenName(token.description, 80)}" as ${name} into the environment file ${target.fsPath}`);
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(target) && target.scheme === 'file';
  // In the workspace, kept out of version control the way the deployment quick fixes do it.
  const ignored = inWorkspace
    ? await ensureGitIgnored(target.fsPath, git).catch((e: unknown) => {
        log.warn(`Adding ${target.fsPath} to .gitignore failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      })
    : undefined;
  if (ignored === 'tracked') {
    const rel = vscode.workspace.asRelativePath(target, false);
    const copy = vscode.l10n.t('Copy Command');
    void ui
      .showWarningMessage(
        vscode.l10n.t(
          '{0} is set in {1}, which git tracks: stop tracking it before your next commit (git rm --cached), or the token is committed. .gitignore now lists it, so it stays out once untracked.',
          name,
          rel,
        ),
        copy,
      )
      .then((c) => (c === copy ? vscode.env.clipboard.writeText(`git rm --cached -- ${shQuote(rel)}`) : undefined));
    return;
  }
  void ui.showInformationMessage(
    ignored === 'added'
      ? vscode.l10n.t('{0} is set in {1}, now listed in .gitignore.', name, vscode.workspace.asRelativePath(target))
      : ignored === 'already'
        ? vscode.l10n.t('{0} is set in {1}, which git ignores.', name, vscode.workspace.asRelativePath(target))
        : inWorkspace
          ? vscode.l10n.t(
              '{0} is set in {1}. This file is in your workspace: keep it out of version control (e.g. in .gitignore).',
              name,
              vscode.workspace.asRelativePath(target),
            )
          : vscode.l10n.t('{0} is set in {1}.', name, target.fsPath),
  );
}

/**
 * Asks the `instance_id` of a new `[[outputs.heartbeat]]` in `fileName`: the
 * id the controller lists the agent under. `&{agent_id}` (the default) is
 * right when Telegraf Controller serves the config, which puts in each
 * agent's id; an agent that reads the file itself sends the id as written, so
 * agents sharing one would show as one agent (docs: the heartbeat plugin's
 * "Unique identifier … (required)"). Returns the trimmed answer; throws
 * {@link Cancelled} when dismissed.
 */
async function askInstanceId(fileName: string): Promise<string> {
  const id = await ui.showInputBox({
    title: vscode.l10n.t('instance_id of the new [[outputs.heartbeat]] in {0}', fileName),
    value: DEFAULT_INSTANCE_ID,
    prompt: vscode.l10n.t(
      "Keep &{agent_id} when Telegraf Controller serves this config (it puts in each agent's id). An agent that reads this file itself sends the id as written: give it a name of its own, such as its host name.",
    ),
    ignoreFocusOut: true,
    validateInput: (v) =>
      v.trim() === ''
        ? vscode.l10n.t('The heartbeat output needs an instance_id.')
        : /[\u0000-\u001f\u007f]/.test(v)
          ? vscode.l10n.t('An instance_id has no control characters.')
          : undefined,
  });
  return required(id).trim();
}

/**
 * Asks before inserting into `fileName`, which does not parse as TOML
 * (`error`, line 0-based); throws {@link Cancelled} unless the user goes on.
 * With `editor` (the error is in its text as it is), the default button goes
 * to that line instead.
 */
async function confirmBrokenToml(fileName: string, error: { line: number; message: string }, editor?: vscode.TextEditor): Promise<void> {
  const anyway = vscode.l10n.t('Insert Anyway');
  const goTo = vscode.l10n.t('Go to Line {0}', error.line + 1);
  const ok = await ui.showWarningMessage(
    vscode.l10n.t('{0} is not valid TOML (line {1}): Telegraf would refuse to load it. Insert the token anyway?', fileName, error.line + 1),
    { modal: true, detail: vscode.l10n.t('{0}. Fix that line first; the token goes where it belongs once the file parses.', error.message) },
    ...(editor ? [goTo] : []),
    anyway,
  );
  if (editor && ok === goTo) {
    const line = editor.document.lineAt(Math.min(error.line, editor.document.lineCount - 1));
    const shown = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    shown.selection = new vscode.Selection(line.range.start, line.range.end);
    shown.revealRange(line.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  if (ok !== anyway) throw new Cancelled();
}

/**
 * Before a token value is written for one more agent (a literal in `doc`, or
 * the env file `target` of its agent): when places outside this agent's
 * folders (those of `doc` and `target`, and above a `telegraf.d/`) hold that
 * token already (configs, deployment files, env files; `usage`), asks first,
 * because agents that
 * share a token cannot be revoked or rotated one at a time. The safe choice is
 * the default button: "Create New Token…" (when `canCreate`) opens the create
 * form and answers with the new token and its value; "Use It Anyway" answers
 * undefined (go on with `token`). Throws {@link Cancelled} when dismissed or
 * when the form is closed without creating.
 */
async function confirmUnshared(
  deps: Services & { usage?: TokenUsage },
  token: Token,
  value: string,
  doc: vscode.TextDocument,
  canCreate: boolean,
  target: vscode.Uri,
): Promise<{ token: Token; value: string } | undefined> {
  // This agent's own places: the folders of the config (and, for telegraf.d/, the one above it, where telegraf.conf and
  // the agent's env file sit) and of the env file. Places elsewhere are other agents'.
  const own = new Set<string>();
  for (const u of [doc.uri, target]) {
    const dir = path.posix.dirname(vscode.workspace.asRelativePath(u, false).replace(/\\/g, '/'));
    own.add(dir);
    if (path.posix.basename(dir) === 'telegraf.d') own.add(path.posix.dirname(dir));
  }
  const places = ((await deps.usage?.of(token, value)) ?? []).filter((p) => !own.has(path.posix.dirname(p.replace(/:\d+$/, '').replace(/\\/g, '/'))));
  if (places.length === 0) return undefined;
  const create = canCreate ? vscode.l10n.t('Create New Token…') : undefined;
  const anyway = vscode.l10n.t('Use It Anyway');
  const listed = places.length <= 3 ? places.join(', ') : `${places.slice(0, 3).join(', ')}, ${vscode.l10n.t('… and {0} more', places.length - 3)}`;
  const choice = await ui.showWarningMessage(
    vscode.l10n.t('"{0}" is already used by {1}.', ui.tokenName(token.description, 60), listed),
    {
      modal: true,
      detail: vscode.l10n.t('Agents that share a token cannot be revoked or rotated one at a time: give this agent a token of its own.'),
    },
    ...(create ? [create] : []),
    anyway,
  );
  if (choice === anyway) return undefined;
  if (!create || choice !== create) throw new Cancelled();
  // A form for this agent: its preset and a description naming its config, never an earlier draft's.
  const suggestion = {
    preset: 'telegraf-agent' as const,
    ...suggestPresetForConfig(doc.fileName, doc.getText()),
    description: `Telegraf agent (${vscode.workspace.asRelativePath(doc.uri, false)})`.slice(0, 255),
  };
  const id = await vscode.commands.executeCommand<string | undefined>(Commands.createToken, suggestion, {
    returnCreated: true,
  });
  const fresh = typeof id === 'string' ? deps.store.find(id) : undefined;
  const freshValue = fresh ? await deps.vault.getTokenValue(deps.connection.origin!, fresh.id) : undefined;
  if (!fresh || !freshValue) throw new Cancelled();
  return { token: fresh, value: freshValue };
}

/** What the user must do for a `[[secretstores.jose]]` the editor added: its password comes from {@link JOSE_PASSWORD_VAR}. */
export function josePasswordNote(): string {
  return vscode.l10n.t(
    "The new jose store reads its password from {0}: set it in the agent's environment (a service's env file) and in the shell where you run the command.",
    JOSE_PASSWORD_VAR,
  );
}
