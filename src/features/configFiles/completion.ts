/**
 * Completion of `token = ` in `[[inputs.*]]` / `[[outputs.*]]` tables of a
 * Telegraf config. Offers references, never values:
 * - the environment reference `${TELEGRAF_CONTROLLER_TOKEN}` (or the name
 *   set in `telegrafController.envVarName`), and the other Telegraf name;
 * - every stored token as the environment reference (then offering to copy
 *   the token's `export` line) and as a reference into each secret store of
 *   the file (then showing the `telegraf secrets set` command);
 * - per stored token, an explicit "literal value" item that inserts nothing
 *   by itself: after a modal warning it writes the value (the value is never
 *   part of a completion item).
 */
import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import { secureValueFiles } from '../../infra/valueFiles';
import { envReference, escapeBasicString, secretReference, secretStores, type SecretStore } from '../../core/config';
import { tokenCompletionContext, type TokenCompletionContext } from '../../core/config/references';
import { envVarNote, exportLine } from '../../core/config/tokenAssessment';
import { displayStatus } from '../../core/tokens';
import { Commands } from '../../constants';
import { copySecret } from '../../infra/clipboard';
import { Cancelled, registerCommand } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import { envVarName } from '../../infra/envVarSetting';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';
import { isTelegrafDocument, type ParseCache } from '../../services/configDocuments';
import { confirmLiteral } from './literalConfirm';
import { secretKeyFor } from '../../core/config/tokenAssessment';
import { statusAndExpiry } from '../../services/words';

/** Argument of the follow-up command run after a token item was accepted. */
export interface CompletionFollowUp {
  tokenId: string;
  form: 'env' | 'secret' | 'literal';
  /** env: the variable name. */
  envVar?: string;
  /** secret: store id and key. */
  storeId?: string;
  secretKey?: string;
  /** literal: the document and whether the cursor is inside quotes. */
  uri?: string;
  quoted?: boolean;
}

/** Services of the completion provider. */
export interface CompletionDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
  parses: ParseCache;
}

function textFor(ctx: TokenCompletionContext, reference: string): string {
  if (ctx.quote === "'") return reference;
  if (ctx.quote === '"') return escapeBasicString(reference);
  return `"${escapeBasicString(reference)}"`;
}

/** Untrusted markdown holding only `text`. */
function plainDoc(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  return md.appendText(text);
}

/** The `token = ` completion provider. */
export class TokenCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly deps: CompletionDeps) {}

  async provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    if (!isTelegrafDocument(doc)) return undefined;
    const offset = doc.offsetAt(position);
    const ctx = tokenCompletionContext(doc.getText(), offset, this.deps.parses.get(doc));
    if (!ctx) return undefined;
    const range = new vscode.Range(doc.positionAt(ctx.replaceRange.start), doc.positionAt(ctx.replaceRange.end));
    const items: vscode.CompletionItem[] = [];
    const configured = envVarName();
    const names = [configured, ...['TELEGRAF_CONTROLLER_TOKEN', 'INFLUX_TOKEN'].filter((n) => n !== configured)];
    names.forEach((name, i) => {
      const ref = envReference(name);
      const item = new vscode.CompletionItem(
        { label: ref, description: i === 0 ? vscode.l10n.t('environment reference (recommended)') : vscode.l10n.t('environment reference') },
        vscode.CompletionItemKind.Variable,
      );
      item.insertText = textFor(ctx, ref);
      item.filterText = ref;
      item.range = range;
      item.sortText = `0${i}`;
      item.preselect = i === 0;
      // Short: the suggest widget shows `detail` on one line and clips the rest; the explanation goes into the documentation.
      item.detail = vscode.l10n.t('read by Telegraf at startup');
      const md = new vscode.MarkdownString();
      md.isTrusted = false;
      md.appendText(vscode.l10n.t('Telegraf reads the token from {0} at startup.', name)).appendMarkdown('\n\n');
      for (const line of envVarNote(name).lines) md.appendText(line).appendMarkdown('\n\n');
      item.documentation = md;
      items.push(item);
    });

    const origin = this.deps.connection.origin;
    if (!origin) return items;
    const refs = await this.deps.vault.listStoredTokens(origin);
    const cfg = this.deps.parses.get(doc);
    const stores = secretStores(cfg).filter((s): s is SecretStore => /^[A-Za-z0-9_]+$/.test(s.id));
    const now = Date.now();
    let n = 0;
    for (const ref of refs) {
      const token = this.deps.store.find(ref.id);
      if (token && displayStatus(token, now) !== 'active' && displayStatus(token, now) !== 'expiring') continue;
      const name = ui.tokenName(ref.description, 60);
      const state = token ? statusAndExpiry(token, now) : vscode.l10n.t('stored in VS Code');
      const sort = String(n++).padStart(3, '0');

      const envRef = envReference(configured);
      const env = new vscode.CompletionItem({ label: name, detail: `  ${envRef}`, description: state }, vscode.CompletionItemKind.Reference);
      env.insertText = textFor(ctx, envRef);
      env.filterText = `${envRef} ${ref.description}`;
      env.range = range;
      env.sortText = `1${sort}`;
      env.detail = vscode.l10n.t('environment reference');
      env.documentation = plainDoc(
        vscode.l10n.t("Inserts {0}, then offers to copy the line export {1}=… with this token's value for the agent's environment.", envRef, configured),
      );
      const follow: CompletionFollowUp = { tokenId: ref.id, form: 'env', envVar: configured };
      env.command = { command: Commands.completionFollowUp, title: vscode.l10n.t('Set up the token'), arguments: [follow] };
      items.push(env);

      const key = secretKeyFor(token ?? { description: ref.description, id: ref.id });
      for (const store of stores) {
        const sref = secretReference(store.id, key);
        const s = new vscode.CompletionItem(
          { label: name, detail: `  ${sref}`, description: `[[secretstores.${store.type}]] · ${state}` },
          vscode.CompletionItemKind.Reference,
        );
        s.insertText = textFor(ctx, sref);
        s.filterText = `${sref} ${ref.description}`;
        s.range = range;
        s.sortText = `2${sort}`;
        s.detail = vscode.l10n.t('secret-store reference');
        s.documentation = plainDoc(
          vscode.l10n.t('Inserts {0}, then shows the command that stores the value on the agent: telegraf secrets set {1} {2}', sref, store.id, key),
        );
        const f: CompletionFollowUp = { tokenId: ref.id, form: 'secret', storeId: store.id, secretKey: key };
        s.command = { command: Commands.completionFollowUp, title: vscode.l10n.t('Set up the secret'), arguments: [f] };
        items.push(s);
      }

      const lit = new vscode.CompletionItem(
        { label: name, detail: `  ${vscode.l10n.t('literal value')}`, description: vscode.l10n.t('plain text: asks first') },
        vscode.CompletionItemKind.Value,
      );
      lit.insertText = '';
      lit.filterText = `${ref.description} literal value`;
      lit.range = range;
      lit.sortText = `9${sort}`;
      lit.detail = vscode.l10n.t('plain text, asks first');
      lit.documentation = plainDoc(
        vscode.l10n.t(
          'Writes the value itself into the file after a warning: anyone who can read the file can use it. The warning offers the environment reference instead.',
        ),
      );
      const lf: CompletionFollowUp = { tokenId: ref.id, form: 'literal', uri: doc.uri.toString(), quoted: ctx.quote !== undefined };
      lit.command = { command: Commands.completionFollowUp, title: vscode.l10n.t('Insert the literal value'), arguments: [lf] };
      items.push(lit);
    }
    return items;
  }
}

/** Registers the provider and its follow-up command. */
export function registerTokenCompletion(selector: vscode.DocumentSelector, deps: CompletionDeps): vscode.Disposable[] {
  const { connection, vault, log } = deps;
  return [
    vscode.languages.registerCompletionItemProvider(selector, new TokenCompletionProvider(deps), '=', '"', "'", ' ', '$', '{', '@'),
    registerCommand(
      Commands.completionFollowUp,
      async (f?: CompletionFollowUp) => {
        if (!f || typeof f.tokenId !== 'string') return;
        const origin = connection.origin;
        const value = origin ? await vault.getTokenValue(origin, f.tokenId) : undefined;
        const ref = origin ? (await vault.listStoredTokens(origin)).find((r) => r.id === f.tokenId) : undefined;
        const name = ref ? ui.tokenName(ref.description, 80) : f.tokenId;
        if (!value) throw new Error(vscode.l10n.t('The value of "{0}" is no longer stored in this VS Code.', name));
        if (f.form === 'env' && f.envVar) {
          log.info(`[${connection.label}] inserted token ${f.tokenId} "${name}" as \${${f.envVar}} (completion)`);
          const choice = await ui.showInformationMessage(
            vscode.l10n.t(
              'The config now reads "{0}" from {1}. Set {2} in the agent\'s environment (e.g. /etc/default/telegraf).',
              name,
              `\${${f.envVar}}`,
              f.envVar,
            ),
            vscode.l10n.t('Copy Export Line'),
          );
          if (choice) {
            const seconds = await copySecret(exportLine(f.envVar, value));
            const what = `export ${f.envVar}=…`;
            void vscode.window.setStatusBarMessage(
              seconds
                ? vscode.l10n.t('Copied "{0}"; it is cleared from the clipboard in {1} s if still there.', what, seconds)
                : vscode.l10n.t('Copied "{0}".', what),
              5000,
            );
          }
          return;
        }
        if (f.form === 'secret' && f.storeId && f.secretKey) {
          log.info(`[${connection.label}] inserted token ${f.tokenId} "${name}" as @{${f.storeId}:${f.secretKey}} (completion)`);
          const cmd = `telegraf secrets set ${f.storeId} ${f.secretKey}`;
          const copyCommand = vscode.l10n.t('Copy Command');
          const copyValue = vscode.l10n.t('Copy Token Value');
          const choice = await ui.showInformationMessage(
            vscode.l10n.t('The config now reads "{0}" from {1}. Store the value on the agent with: {2}', name, `@{${f.storeId}:${f.secretKey}}`, cmd),
            copyCommand,
            copyValue,
          );
          if (choice === copyCommand) await vscode.env.clipboard.writeText(cmd);
          if (choice === copyValue) await copySecret(value);
          return;
        }
        if (f.form === 'literal' && f.uri) {
          const editor = vscode.window.activeTextEditor;
          if (!editor || editor.document.uri.toString() !== f.uri) return;
          // The safe answer is the default button: the environment reference instead of the value.
          const choice = await confirmLiteral(vscode.workspace.asRelativePath(editor.document.uri), name);
          if (choice === undefined) throw new Cancelled();
          const pos = editor.selection.active;
          if (choice === 'reference') {
            const envRef = envReference(envVarName());
            const done = await editor.edit((b) => b.insert(pos, f.quoted ? escapeBasicString(envRef) : `"${escapeBasicString(envRef)}"`));
            if (!done) throw new Error(vscode.l10n.t('VS Code refused the edit; nothing was written.'));
            log.info(`[${connection.label}] inserted ${envRef} instead of the value of token ${f.tokenId} "${name}" (completion)`);
            return;
          }
          const done = await editor.edit((b) => b.insert(pos, f.quoted ? value : `"${value}"`));
          if (!done) throw new Error(vscode.l10n.t('VS Code refused the edit; nothing was written.'));
          log.info(
            `[${connection.label}] inserted token ${f.tokenId} "${name}" as a literal value into ${vscode.workspace.asRelativePath(editor.document.uri)} (completion)`,
          );
          void secureValueFiles([{ uri: editor.document.uri, created: false }], log);
        }
      },
      log,
    ),
  ];
}
