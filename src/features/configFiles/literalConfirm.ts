/**
 * The one question asked before a token value is written in plain text into
 * a file. The safe answer comes first, so it is the dialog's default button
 * (Enter): a reference keeps the value out of the file. "Write Literal Value"
 * must be chosen on purpose.
 */
import * as vscode from 'vscode';
import * as ui from '../../infra/ui';

/** What the user chose: the safe reference instead, the literal, or nothing (cancelled). */
export type LiteralChoice = 'reference' | 'literal' | undefined;

/**
 * Asks whether to write the value in plain text into `fileLabel` (a relative
 * path or file name). `what` names the token when known. The buttons, in
 * order: the safe reference (default), "Write Literal Value"; Escape cancels.
 */
export async function confirmLiteral(fileLabel: string, what?: string): Promise<LiteralChoice> {
  const safe = vscode.l10n.t('Use Environment Reference Instead');
  const write = vscode.l10n.t('Write Literal Value');
  const choice = await ui.showWarningMessage(
    what
      ? vscode.l10n.t('Write the value of "{0}" in plain text into {1}?', what, fileLabel)
      : vscode.l10n.t('Write the token value in plain text into {0}?', fileLabel),
    {
      modal: true,
      detail: vscode.l10n.t(
        'Anyone who can read this file, its backups or its git history can use the token. An environment or secret-store reference keeps the value out of the file.',
      ),
    },
    safe,
    write,
  );
  return choice === write ? 'literal' : choice === safe ? 'reference' : undefined;
}
