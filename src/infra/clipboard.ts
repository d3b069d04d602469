import * as vscode from 'vscode';
import { clipboardClearSeconds } from './settings';

let pending: NodeJS.Timeout | undefined;

/**
 * Copies a secret to the clipboard and, after `telegrafController.clipboardClearSeconds`
 * (default 60 s), clears it if it still holds that secret (like HashiCorp
 * Vault's extension). In VS Code for the Web (code-server), where reading the
 * clipboard needs a browser permission, it is cleared without the check.
 * Returns the delay in seconds (0 = not cleared).
 */
export async function copySecret(value: string): Promise<number> {
  await vscode.env.clipboard.writeText(value);
  const seconds = clipboardClearSeconds();
  if (pending) clearTimeout(pending);
  pending = undefined;
  if (seconds > 0) {
    pending = setTimeout(() => {
      pending = undefined;
      if (vscode.env.uiKind === vscode.UIKind.Web) {
        // In a browser, reading the clipboard needs a permission prompt VS Code reports as an error:
        // clear it without looking (the safer side for a secret).
        void vscode.env.clipboard.writeText('');
        return;
      }
      void vscode.env.clipboard.readText().then((current) => {
        if (current === value) void vscode.env.clipboard.writeText('');
      });
    }, seconds * 1000);
    pending.unref?.();
  }
  return seconds;
}
