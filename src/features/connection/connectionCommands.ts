import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import { controllerUrl, setControllerUrl } from '../../infra/settings';
import type { StoredCredential } from '../../infra/secretVault';
import type { ControllerConnection } from './controllerConnection';

/** Validates a controller URL typed by the user; returns an error sentence or undefined. */
export function validateControllerUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'Enter a URL such as https://controller.example.com:8888';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The URL must start with http:// or https://';
  if (url.username || url.password) return 'Do not put credentials in the URL; you will be asked for them next.';
  return undefined;
}

/** Asks how to sign in and for the credential; returns it (not yet verified). Throws Cancelled. */
async function askCredential(connection: ControllerConnection, url: string): Promise<StoredCredential> {
  const method = required(
    await vscode.window.showQuickPick(
      [
        { label: '$(account) Username and Password', description: 'local account; the session cookie is stored', id: 'password' as const },
        { label: '$(key) API Token', description: 'an existing tc-apiv1_… token with tokens permissions', id: 'token' as const },
      ],
      { title: `Sign in to ${new URL(url).host}`, placeHolder: 'How do you want to sign in?', ignoreFocusOut: true },
    ),
  );
  if (method.id === 'token') {
    const token = required(
      await vscode.window.showInputBox({
        title: `Sign in to ${new URL(url).host} with an API token`,
        prompt: 'Paste an API token. It is kept in VS Code secret storage only.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim().startsWith('tc-apiv1_') ? undefined : 'A controller API token starts with tc-apiv1_'),
      }),
    ).trim();
    return { kind: 'token', token };
  }
  const username = required(
    await vscode.window.showInputBox({
      title: `Sign in to ${new URL(url).host}`,
      prompt: 'Username',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter your username'),
    }),
  ).trim();
  const password = required(
    await vscode.window.showInputBox({ title: `Sign in to ${new URL(url).host} as ${username}`, prompt: 'Password', password: true, ignoreFocusOut: true }),
  );
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Signing in to ${new URL(url).host}…` },
    () => connection.loginLocal(url, username, password),
  );
}

/** Runs the sign-in dialog for `url` and verifies the credential; shows the result. Throws Cancelled/ControllerError. */
async function signInFlow(connection: ControllerConnection, url: string): Promise<void> {
  const credential = await askCredential(connection, url);
  const user = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Telegraf Controller: verifying credential' },
    () => connection.signInWith(url, credential),
  );
  if (controllerUrl() !== url) await setControllerUrl(url);
  void vscode.window.showInformationMessage(`Signed in to ${new URL(url).host} as ${user.username} (${user.role}).`);
}

/** Registers Connect…, Sign In and Sign Out. */
export function registerConnectionCommands(connection: ControllerConnection, log: Logger): vscode.Disposable[] {
  return [
    registerCommand(
      Commands.connect,
      async () => {
        const url = required(
          await vscode.window.showInputBox({
            title: 'Connect to a Telegraf Controller',
            prompt: 'URL of the controller API (port 8888 by default). Saved in your user settings.',
            value: controllerUrl() ?? 'http://localhost:8888',
            ignoreFocusOut: true,
            validateInput: validateControllerUrl,
          }),
        );
        const normalized = new URL(url.trim()).toString().replace(/\/$/, '');
        await signInFlow(connection, normalized);
      },
      log,
    ),
    registerCommand(
      Commands.signIn,
      async () => {
        const url = connection.current.url ?? controllerUrl();
        if (!url) {
          await vscode.commands.executeCommand(Commands.connect);
          return;
        }
        await signInFlow(connection, url);
      },
      log,
    ),
    registerCommand(
      Commands.signOut,
      async () => {
        if (!connection.origin) throw new Cancelled();
        await connection.signOut();
      },
      log,
    ),
  ];
}

