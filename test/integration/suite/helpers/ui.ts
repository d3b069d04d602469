/**
 * Scripted answers for VS Code's prompts inside the extension host: tests
 * replace `vscode.window.showInputBox` / `showQuickPick` / `show*Message`
 * with queues of answers, and restore them afterwards. The extension under
 * test and these suites share one `vscode` API object (same extension folder).
 */
import * as vscode from 'vscode';
import { waitUntil } from '../../harness';

type Answer<TArg, TResult> = TResult | ((arg: TArg) => TResult);

/** Answers, consumed in order; a prompt with no answer left fails the test. */
export interface UiScript {
  inputBox?: Array<Answer<vscode.InputBoxOptions | undefined, string | undefined>>;
  /** For a quick pick: a function choosing from the items (labels, ids…), or undefined = dismiss. */
  quickPick?: Array<(items: any[]) => any>;
  /**
   * For showWarningMessage/showInformationMessage/showErrorMessage: the button
   * to press when the message text matches (each entry answers once); messages
   * matching no entry are dismissed. `before` runs while the message is shown
   * (what the user does meanwhile), before the answer is given. A function
   * answer chooses from the buttons shown (a label the test cannot know ahead).
   */
  message?: Array<{ match: string | RegExp; answer: string | undefined | ((buttons: string[]) => string | undefined); before?: () => void | Promise<void> }>;
}

/** Everything shown through the stubbed API, for assertions. */
export interface UiRecord {
  inputs: string[];
  picks: string[];
  /** Each message with its detail and its buttons in the order shown (the first is the default of a modal dialog). */
  messages: Array<{ level: 'info' | 'warning' | 'error'; text: string; detail?: string; buttons: string[] }>;
}

/**
 * Installs `script`; returns the record and a `restore()` that puts the real
 * functions back. Messages without a scripted answer are recorded and dismissed.
 */
export function scriptUi(script: UiScript): { record: UiRecord; restore: () => void } {
  const w = vscode.window as any;
  const saved = {
    showInputBox: w.showInputBox,
    showQuickPick: w.showQuickPick,
    showWarningMessage: w.showWarningMessage,
    showInformationMessage: w.showInformationMessage,
    showErrorMessage: w.showErrorMessage,
  };
  const record: UiRecord = { inputs: [], picks: [], messages: [] };
  const inputs = [...(script.inputBox ?? [])];
  const picks = [...(script.quickPick ?? [])];
  const answers = [...(script.message ?? [])];
  w.showInputBox = async (opts?: vscode.InputBoxOptions) => {
    record.inputs.push(opts?.prompt ?? opts?.title ?? '');
    if (inputs.length === 0) throw new Error(`Unexpected input box: ${opts?.prompt ?? opts?.title}`);
    const a = inputs.shift();
    const value = typeof a === 'function' ? a(opts) : a;
    if (value !== undefined && opts?.validateInput) {
      const err = await opts.validateInput(value);
      if (err) throw new Error(`Input "${value}" rejected by validation: ${typeof err === 'string' ? err : err.message}`);
    }
    return value;
  };
  w.showQuickPick = async (items: any, opts?: vscode.QuickPickOptions) => {
    const list = await items;
    record.picks.push(opts?.placeHolder ?? opts?.title ?? '');
    if (picks.length === 0) throw new Error(`Unexpected quick pick: ${opts?.placeHolder ?? opts?.title}`);
    return picks.shift()!(list);
  };
  const message =
    (level: 'info' | 'warning' | 'error') =>
    async (text: string, ...rest: any[]) => {
      const options = rest[0] && typeof rest[0] === 'object' && !('title' in rest[0]) ? rest[0] : undefined;
      const buttons = (options ? rest.slice(1) : rest).map((b: unknown) => (typeof b === 'string' ? b : String((b as { title?: unknown })?.title)));
      record.messages.push({ level, text, detail: options?.detail, buttons });
      const i = answers.findIndex((a) => (typeof a.match === 'string' ? text.includes(a.match) : a.match.test(text)));
      if (i < 0) return undefined;
      const [entry] = answers.splice(i, 1);
      await entry!.before?.();
      return typeof entry!.answer === 'function' ? entry!.answer(buttons) : entry!.answer;
    };
  w.showWarningMessage = message('warning');
  w.showInformationMessage = message('info');
  w.showErrorMessage = message('error');
  return {
    record,
    restore: () => Object.assign(w, saved),
  };
}

/** Chooses the quick-pick item whose label contains `text`. */
export function byLabel(text: string): (items: any[]) => any {
  return (items) => {
    const found = items.find((i) => typeof i.label === 'string' && i.label.includes(text));
    if (!found) throw new Error(`No quick-pick item with "${text}" in: ${items.map((i) => i.label).join(' | ')}`);
    return found;
  };
}

/**
 * Signs in to the runner's emulator through "Connect…" (scripted prompts)
 * unless the active connection is already signed in.
 */
export async function ensureSignedIn(
  api: { connection: { current: { state: string } } },
  emu: { url: string; username: string; password: string },
): Promise<void> {
  if (api.connection.current.state === 'ready') return;
  const ui = scriptUi({ inputBox: [emu.url, emu.username, emu.password], quickPick: [byLabel('Username and Password')] });
  try {
    await vscode.commands.executeCommand('telegrafController.connect');
  } finally {
    ui.restore();
  }
}

/** Signs the active connection in as `username` of the emulator's seed (password `<name>-password`, `admin-password` for admin) through "Sign In". */
export async function signInAs(api: { connection: { current: { state: string }; user?: { username: string } } }, username: string): Promise<void> {
  const ui = scriptUi({ quickPick: [byLabel('Username and Password')], inputBox: [username, `${username}-password`] });
  try {
    await vscode.commands.executeCommand('telegrafController.signIn');
  } finally {
    ui.restore();
  }
  await waitUntil(() => api.connection.current.state === 'ready' && api.connection.user?.username === username, { what: `signed in as ${username}` });
}
