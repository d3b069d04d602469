import * as vscode from 'vscode';
import { descriptionText, noLinks } from '../core/text';
import { redactSecrets } from '../core/redact';

/**
 * The one path from the extension to VS Code's message surfaces: every
 * notification (information, warning, error, modal or not, with its detail),
 * progress title and progress message, quick pick and input box prompt, title
 * and validation message goes through here, made safe by {@link safeMessage}.
 * Same signatures as `vscode.window`'s functions; the `vscode.window` function
 * is looked up at call time.
 *
 * Why: VS Code turns `[label](command:…)` inside such text into a link that
 * runs the command when clicked, and a message often interpolates text from
 * the controller (descriptions, user names, errors) or the workspace (file
 * names). See README.md "Where your secrets live". A lint rule
 * (eslint.config.mjs) and test/unit/security/messagePaths.test.ts keep every
 * call site on this module.
 */

/**
 * A message as shown: token values and credentials redacted (src/core/redact.ts)
 * and no `](` left to form a link.
 */
export function safeMessage(text: string): string {
  return noLinks(redactSecrets(text));
}

function isMessageOptions(v: unknown): v is vscode.MessageOptions {
  return typeof v === 'object' && v !== null && !('title' in v);
}

function show(level: 'info' | 'warning' | 'error', message: string, rest: unknown[]): Thenable<any> {
  const fn = level === 'info' ? vscode.window.showInformationMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const [first, ...others] = rest;
  if (isMessageOptions(first)) {
    const options: vscode.MessageOptions = first.detail === undefined ? first : { ...first, detail: safeMessage(first.detail) };
    return (fn as (...a: unknown[]) => Thenable<any>)(safeMessage(message), options, ...others);
  }
  return (fn as (...a: unknown[]) => Thenable<any>)(safeMessage(message), ...rest);
}

/** `vscode.window.showInformationMessage`, with {@link safeMessage} applied to the message and the detail. */
export const showInformationMessage: typeof vscode.window.showInformationMessage = (message: string, ...rest: any[]) => show('info', message, rest);

/** `vscode.window.showWarningMessage`, with {@link safeMessage} applied to the message and the detail. */
export const showWarningMessage: typeof vscode.window.showWarningMessage = (message: string, ...rest: any[]) => show('warning', message, rest);

/** `vscode.window.showErrorMessage`, with {@link safeMessage} applied to the message and the detail. */
export const showErrorMessage: typeof vscode.window.showErrorMessage = (message: string, ...rest: any[]) => show('error', message, rest);

/** `vscode.window.withProgress`, with {@link safeMessage} applied to the title and to every reported message. */
export function withProgress<R>(
  options: vscode.ProgressOptions,
  task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
): Thenable<R> {
  const safeOptions = options.title === undefined ? options : { ...options, title: safeMessage(options.title) };
  return vscode.window.withProgress(safeOptions, (progress, token) =>
    task({ report: (v) => progress.report(v.message === undefined ? v : { ...v, message: safeMessage(v.message) }) }, token),
  );
}

function safeQuickPickOptions<O extends vscode.QuickPickOptions | undefined>(options: O): O {
  if (!options) return options;
  return {
    ...options,
    ...(options.title !== undefined ? { title: safeMessage(options.title) } : {}),
    ...(options.placeHolder !== undefined ? { placeHolder: safeMessage(options.placeHolder) } : {}),
  };
}

/**
 * `vscode.window.showQuickPick`, with {@link safeMessage} applied to the title
 * and placeholder. Item labels, descriptions and details render icons, not
 * links: untrusted text in them goes through `pickText` (src/core/text.ts) at
 * the call site, next to the icons we put there ourselves.
 */
export const showQuickPick: typeof vscode.window.showQuickPick = ((items: any, options?: vscode.QuickPickOptions, token?: vscode.CancellationToken) =>
  vscode.window.showQuickPick(items, safeQuickPickOptions(options), token)) as typeof vscode.window.showQuickPick;

/** `vscode.window.showInputBox`, with {@link safeMessage} applied to the title, prompt, placeholder and every validation message. */
export function showInputBox(options?: vscode.InputBoxOptions, token?: vscode.CancellationToken): Thenable<string | undefined> {
  if (!options) return vscode.window.showInputBox(options, token);
  const safe: vscode.InputBoxOptions = { ...options };
  if (options.title !== undefined) safe.title = safeMessage(options.title);
  if (options.prompt !== undefined) safe.prompt = safeMessage(options.prompt);
  if (options.placeHolder !== undefined) safe.placeHolder = safeMessage(options.placeHolder);
  const validate = options.validateInput;
  if (validate) {
    safe.validateInput = async (value) => {
      const r = await validate(value);
      if (typeof r === 'string') return safeMessage(r);
      if (r && typeof r === 'object') return { ...r, message: safeMessage(r.message) };
      return r;
    };
  }
  return vscode.window.showInputBox(safe, token);
}

/**
 * A token's description as shown everywhere (tree, hover, pickers,
 * notifications, details): {@link descriptionText} with the localized
 * "(no description)" for an empty or white-space-only description.
 */
export function tokenName(description: string | undefined, max = 120): string {
  return descriptionText(description, vscode.l10n.t('(no description)'), max);
}
