/**
 * Hover on a `tc-apiv1_…` value in a deployment file: which token it is
 * (description, status, expiry, permissions, owner) when it can be
 * resolved, as in Telegraf configs. Information only; server text escaped.
 */
import * as vscode from 'vscode';
import { CONTROLLER_TOKEN_RE } from '../../../core/config/detect';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { appendTokenInfo } from '../hover';
import type { TokenResolver } from '../tokenResolver';
import { kindOfDocument, type EnvFileIndex } from './documents';

/** The hover provider for deployment files. */
export class DeploymentHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly resolver: TokenResolver,
    private readonly envFiles: EnvFileIndex,
    private readonly signedIn: () => boolean = () => true,
  ) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!kindOfDocument(doc, this.envFiles)) return undefined;
    const line = doc.lineAt(position.line).text;
    for (const m of line.matchAll(new RegExp(CONTROLLER_TOKEN_RE.source, 'g'))) {
      if (position.character < m.index || position.character > m.index + m[0].length) continue;
      const facts = await this.resolver.facts(m[0], [], { network: true });
      const md = new vscode.MarkdownString(undefined, false);
      md.isTrusted = false;
      md.supportHtml = false;
      md.appendMarkdown(`**${vscode.l10n.t('Telegraf Controller token')}**  \n`);
      if (facts.token) appendTokenInfo(md, facts.token, [], Date.now());
      else if (facts.verdict === 'signed-out' || !this.signedIn()) md.appendText(vscode.l10n.t('Not identified: sign in to the controller that issued it.'));
      else
        md.appendText(
          vscode.l10n.t(
            "Not identified in your token list: another user's or another controller's token, or one of several of yours that start with {0}….",
            m[0].slice(0, 12),
          ),
        );
      const range = new vscode.Range(position.line, m.index, position.line, m.index + m[0].length);
      // Only where a finding (with its quick fixes) marks the value: an owner-only, git-ignored env file has none.
      const flagged = vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === DIAGNOSTIC_SOURCE && d.range.intersection(range));
      if (flagged) md.appendMarkdown('  \n').appendText(vscode.l10n.t('Written in plain text here: use the quick fix (Ctrl+.) to read it by reference.'));
      return new vscode.Hover(md, range);
    }
    return undefined;
  }
}

/** Registers the hover on every file (filtered by kind). */
export function registerDeploymentHover(resolver: TokenResolver, envFiles: EnvFileIndex, signedIn?: () => boolean): vscode.Disposable {
  return vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], new DeploymentHoverProvider(resolver, envFiles, signedIn));
}
