import * as vscode from 'vscode';
import { hostOf, normalizeControllerUrl, validateConnectionName } from '../../core/connections';
import { displayText } from '../../core/text';
import { Commands } from '../../constants';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { Notifier } from '../../infra/notify';
import type { StoredCredential } from '../../infra/secretVault';
import { controllerUrl } from '../../infra/settings';
import type { ConnectionHandle, ConnectionManager } from './connectionManager';

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
async function askCredential(handle: ConnectionHandle): Promise<StoredCredential> {
  const url = handle.url;
  const where = handle.name === hostOf(url) ? hostOf(url) : `${handle.name} (${hostOf(url)})`;
  const method = required(
    await vscode.window.showQuickPick(
      [
        { label: '$(account) Username and Password', description: 'local account; the session cookie is stored', id: 'password' as const },
        { label: '$(key) API Token', description: 'an existing tc-apiv1_… token with tokens permissions', id: 'token' as const },
      ],
      { title: `Sign in to ${where}`, placeHolder: 'How do you want to sign in?', ignoreFocusOut: true },
    ),
  );
  if (method.id === 'token') {
    const token = required(
      await vscode.window.showInputBox({
        title: `Sign in to ${where} with an API token`,
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
      title: `Sign in to ${where}`,
      prompt: 'Username',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter your username'),
    }),
  ).trim();
  const password = required(await vscode.window.showInputBox({ title: `Sign in to ${where} as ${username}`, prompt: 'Password', password: true, ignoreFocusOut: true }));
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Signing in to ${where}…` }, () =>
    handle.connection.loginLocal(url, username, password),
  );
}

/**
 * Runs the sign-in dialog for a connection and verifies the credential
 * (stored in SecretStorage under the URL's origin on success); makes it the
 * active connection. Throws Cancelled/ControllerError.
 */
export async function signInFlow(manager: ConnectionManager, notifier: Notifier, handle: ConnectionHandle): Promise<void> {
  const credential = await askCredential(handle);
  const user = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Telegraf Controller: verifying credential' }, () =>
    handle.connection.signInWith(handle.url, credential),
  );
  await manager.setActive(handle.key);
  void notifier.info('signed-in', `Signed in to ${displayText(handle.name, 60)} as ${displayText(user.username, 60)} (${user.role}).`);
}

function isHandleArg(x: unknown): x is { connectionKey: string } {
  return !!x && typeof x === 'object' && 'connectionKey' in x && typeof (x as { connectionKey: unknown }).connectionKey === 'string';
}

/**
 * The connection a command acts on: the tree node it was invoked on, a key
 * (URL) or name string, the active connection when `useActive`, or a quick pick.
 * Throws Cancelled when none is chosen, Error when none is configured.
 */
export async function resolveConnection(manager: ConnectionManager, arg: unknown, placeHolder: string, useActive: boolean): Promise<ConnectionHandle> {
  if (isHandleArg(arg)) {
    const h = manager.get(arg.connectionKey);
    if (h) return h;
  }
  if (typeof arg === 'string') {
    const h = manager.findByUrl(arg) ?? manager.all.find((x) => x.name === arg);
    if (h) return h;
  }
  if (manager.all.length === 0) throw new Error('No Telegraf Controller connection is configured. Run "Telegraf Controller: Add Connection…".');
  if (useActive && manager.active) return manager.active;
  if (manager.all.length === 1) return manager.all[0]!;
  return pickConnection(manager, placeHolder);
}

/** A quick pick of the configured connections (name, URL, sign-in state; the active one marked). Throws Cancelled. */
export async function pickConnection(manager: ConnectionManager, placeHolder: string): Promise<ConnectionHandle> {
  const active = manager.active?.key;
  const pick = required(
    await vscode.window.showQuickPick(
      manager.all.map((h) => {
        const s = h.connection.current;
        const who = s.state === 'ready' && s.user ? `${displayText(s.user.username, 40)} (${s.user.role})` : s.state === 'needsSignIn' ? 'signed out' : s.state === 'error' ? 'unreachable' : '';
        return { label: `${h.key === active ? '$(check) ' : ''}${displayText(h.name, 60)}`, description: who, detail: h.url, handle: h };
      }),
      { placeHolder, matchOnDetail: true },
    ),
  );
  return pick.handle;
}

async function askUrl(title: string, value: string | undefined): Promise<string> {
  const url = required(
    await vscode.window.showInputBox({
      title,
      prompt: 'URL of the controller API (port 8888 by default). Saved in your user settings.',
      value: value ?? 'http://localhost:8888',
      ignoreFocusOut: true,
      validateInput: validateControllerUrl,
    }),
  );
  return normalizeControllerUrl(url);
}

/** Registers Connect…, Sign In, Sign Out, Add / Rename / Remove Connection and Set Active Connection. */
export function registerConnectionCommands(manager: ConnectionManager, notifier: Notifier, log: Logger): vscode.Disposable[] {
  return [
    registerCommand(
      Commands.connect,
      async () => {
        const url = await askUrl('Connect to a Telegraf Controller', manager.active?.url ?? controllerUrl());
        const handle = manager.findByUrl(url) ?? (await manager.add(undefined, url));
        await signInFlow(manager, notifier, handle);
      },
      log,
    ),
    registerCommand(
      Commands.addConnection,
      async () => {
        const url = await askUrl('Add a Telegraf Controller connection', 'https://');
        const existing = manager.findByUrl(url);
        if (existing) {
          void vscode.window.showInformationMessage(`${url} is already listed as "${existing.name}".`);
          await manager.setActive(existing.key);
          return existing.key;
        }
        const others = manager.all.map((h) => h.name);
        const name = required(
          await vscode.window.showInputBox({
            title: `Name of the connection to ${hostOf(url)}`,
            prompt: 'A short name that tells it apart, e.g. production, staging, lab.',
            value: hostOf(url),
            ignoreFocusOut: true,
            validateInput: (v) => validateConnectionName(v, others),
          }),
        ).trim();
        const handle = await manager.add(name, url);
        log.info(`Added connection ${handle.name} (${handle.url}).`);
        const choice = await vscode.window.showInformationMessage(`Added "${displayText(handle.name, 60)}". Sign in now?`, 'Sign In');
        if (choice === 'Sign In') await signInFlow(manager, notifier, handle);
        return handle.key;
      },
      log,
    ),
    registerCommand(
      Commands.renameConnection,
      async (arg?: unknown) => {
        const handle = await resolveConnection(manager, arg, 'Rename which connection?', false);
        const others = manager.all.filter((h) => h !== handle).map((h) => h.name);
        const name = required(
          await vscode.window.showInputBox({
            title: `Rename "${handle.name}"`,
            prompt: handle.url,
            value: handle.name,
            ignoreFocusOut: true,
            validateInput: (v) => validateConnectionName(v, others),
          }),
        ).trim();
        if (name === handle.name) throw new Cancelled();
        const old = handle.name;
        await manager.rename(handle.key, name);
        log.info(`Renamed connection ${old} to ${name} (${handle.url}).`);
      },
      log,
    ),
    registerCommand(
      Commands.removeConnection,
      async (arg?: unknown) => {
        const handle = await resolveConnection(manager, arg, 'Remove which connection?', false);
        const choice = await vscode.window.showWarningMessage(
          `Remove the connection "${displayText(handle.name, 60)}"?`,
          {
            modal: true,
            detail: `${handle.url}\nIts sign-in is forgotten. Nothing changes on the controller, and token values stored in this VS Code for it are kept.`,
          },
          'Remove',
        );
        if (choice !== 'Remove') throw new Cancelled();
        await manager.remove(handle.key);
        log.info(`Removed connection ${handle.name} (${handle.url}).`);
      },
      log,
    ),
    registerCommand(
      Commands.setActiveConnection,
      async (arg?: unknown) => {
        const handle = isHandleArg(arg) || typeof arg === 'string' ? await resolveConnection(manager, arg, '', false) : await pickConnection(manager, 'Which connection should commands and config files use?');
        await manager.setActive(handle.key);
        return handle.key;
      },
      log,
    ),
    registerCommand(
      Commands.signIn,
      async (arg?: unknown) => {
        if (manager.all.length === 0) {
          await vscode.commands.executeCommand(Commands.connect);
          return;
        }
        const handle = await resolveConnection(manager, arg, 'Sign in to which connection?', true);
        await signInFlow(manager, notifier, handle);
      },
      log,
    ),
    registerCommand(
      Commands.signOut,
      async (arg?: unknown) => {
        const handle = await resolveConnection(manager, arg, 'Sign out of which connection?', true);
        if (!handle.connection.origin) throw new Cancelled();
        await handle.connection.signOut();
      },
      log,
    ),
  ];
}
