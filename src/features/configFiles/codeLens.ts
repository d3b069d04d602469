/**
 * CodeLens above every `[[outputs.heartbeat]]` of a Telegraf config:
 * "Set Telegraf Controller Token" (runs "Insert Token into Config…" with the
 * cursor in that table) and, when the table has a token, "Test Token".
 */
import * as vscode from 'vscode';
import { findDirectKey, findTokenSites, heartbeatOutputs } from '../../core/config';
import { Commands } from '../../constants';
import { registerCommand } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import { isTelegrafDocument, type ParseCache } from '../../services/configDocuments';
import type { TestTokenArg } from './testTokenCommand';

/** Provides the heartbeat CodeLenses. */
export class HeartbeatCodeLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly parses: ParseCache) {}

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isTelegrafDocument(doc)) return [];
    const cfg = this.parses.get(doc);
    const hbs = heartbeatOutputs(cfg);
    if (hbs.length === 0) return [];
    const sites = findTokenSites(cfg);
    const lenses: vscode.CodeLens[] = [];
    for (const hb of hbs) {
      const range = new vscode.Range(doc.positionAt(hb.headerRange.start), doc.positionAt(hb.headerRange.end));
      const key = findDirectKey(hb, 'token');
      const site = key ? sites.find((s) => s.key === key) : undefined;
      const hasToken = !!site && site.classification !== 'empty';
      lenses.push(
        new vscode.CodeLens(range, {
          title: `$(key) ${vscode.l10n.t('Set Telegraf Controller Token')}`,
          tooltip: vscode.l10n.t('Insert a stored token into this [[outputs.heartbeat]] as an environment or secret-store reference'),
          command: Commands.setHeartbeatToken,
          arguments: [doc.uri.toString(), hb.headerRange.start],
        }),
      );
      if (hasToken && site) {
        const arg: TestTokenArg = { uri: doc.uri.toString(), offset: site.credentialRange.start };
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(beaker) ${vscode.l10n.t('Test Token')}`,
            tooltip: vscode.l10n.t('Check this token against the configured controller: API, permissions and a real heartbeat'),
            command: Commands.testToken,
            arguments: [arg],
          }),
        );
      }
    }
    return lenses;
  }
}

/** Registers the CodeLens provider and the command behind "Set Telegraf Controller Token". */
export function registerHeartbeatCodeLens(selector: vscode.DocumentSelector, parses: ParseCache, log: Logger): vscode.Disposable[] {
  return [
    vscode.languages.registerCodeLensProvider(selector, new HeartbeatCodeLensProvider(parses)),
    registerCommand(
      Commands.setHeartbeatToken,
      async (uri?: string, headerOffset?: number) => {
        if (typeof uri === 'string' && typeof headerOffset === 'number') {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
          const editor = await vscode.window.showTextDocument(doc);
          const pos = doc.positionAt(headerOffset);
          editor.selection = new vscode.Selection(pos, pos);
        }
        await vscode.commands.executeCommand(Commands.insertToken);
      },
      log,
    ),
  ];
}
