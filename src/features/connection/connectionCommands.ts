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
    return vscode.l10n.t('Enter a URL such as https://controller.example.com:8888');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return vscode.l10n.t('The URL must start with http:// or https://');
  if (url.username || url.password) return vscode.l10n.t('Do not put credentials in the URL; you will be asked for them next.');
  return undefined;
}

/** Asks how to sign in and for the credential; returns it (not yet verified). Throws Cancelled. */
async function askCredential(handle: ConnectionHandle): Promise<StoredCredential> {
  const url = handle.url;
  const where = handle.name === hostOf(url) ? hostOf(url) : `${handle.name} (${hostOf(url)})`;
  const method = required(
    await vscode.window.showQuickPick(
      [
        { label: `$(account) ${vscode.l10n.t('Username and Password')}`, description: vscode.l10n.t('local account; the session cookie is stored'), id: 'password' as const },
        { label: `$(key) ${vscode.l10n.t('API Token')}`, description: vscode.l10n.t('an existing tc-apiv1_… token with tokens permissions'), id: 'token' as const },
      ],
      { title: vscode.l10n.t('Sign in to {0}', where), placeHolder: vscode.l10n.t('How do you want to sign in?'), ignoreFocusOut: true },
    ),
  );
  if (method.id === 'token') {
    const token = required(
      await vscode.window.showInputBox({
        title: vscode.l10n.t('Sign in to {0} with an API token', where),
        prompt: vscode.l10n.t('Paste an API token. It is kept in VS Code secret storage only.'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim().startsWith('tc-apiv1_') ? undefined : vscode.l10n.t('A controller API token starts with tc-apiv1_')),
      }),
    ).trim();
    return { kind: 'token', token };
  }
  const username = required(
    await vscode.window.showInputBox({
      title: vscode.l10n.t('Sign in to {0}', where),
      prompt: vscode.l10n.t('Username'),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter your username')),
    }),
  ).trim();
  const password = required(await vscode.window.showInputBox({ title: vscode.l10n.t('Sign in to {0} as {1}', where, username), prompt: vscode.l10n.t('Password'), password: true, ignoreFocusOut: true }));
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to {0}…', where) }, () =>
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
  const user = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Telegraf Controller: verifying credential') }, () =>
    handle.connection.signInWith(handle.url, credential),
  );
  await manager.setActive(handle.key);
  void notifier.info('signed-in', vscode.l10n.t('Signed in to {0} as {1} ({2}).', displayText(handle.name, 60), displayText(user.username, 60), user.role));
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
  if (manager.all.length === 0) throw new Error(vscode.l10n.t('No Telegraf Controller connection is configured. Run "Telegraf Controller: Add Connection…".'));
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
        const who = s.state === 'ready' && s.user ? `${displayText(s.user.username, 40)} (${s.user.role})` : s.state === 'needsSignIn' ? vscode.l10n.t('signed out') : s.state === 'error' ? vscode.l10n.t('unreachable') : '';
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
      prompt: vscode.l10n.t('URL of the controller API (port 8888 by default). Saved in your user settings.'),
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
        const url = await askUrl(vscode.l10n.t('Connect to a Telegraf Controller'), manager.active?.url ?? controllerUrl());
        const handle = manager.findByUrl(url) ?? (await manager.add(undefined, url));
        await signInFlow(manager, notifier, handle);
      },
      log,
    ),
    registerCommand(
      Commands.addConnection,
      async () => {
        const url = await askUrl(vscode.l10n.t('Add a Telegraf Controller connection'), 'https://');
        const existing = manager.findByUrl(url);
        if (existing) {
          void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already listed as "{1}".', url, existing.name));
          await manager.setActive(existing.key);
          return existing.key;
        }
        const others = manager.all.map((h) => h.name);
        const name = required(
          await vscode.window.showInputBox({
            title: vscode.l10n.t('Name of the connection to {0}', hostOf(url)),
            prompt: vscode.l10n.t('A short name that tells it apart, e.g. production, staging, lab.'),
            value: hostOf(url),
            ignoreFocusOut: true,
            validateInput: (v) => validateConnectionName(v, others),
          }),
        ).trim();
        const handle = await manager.add(name, url);
        log.info(`Added connection ${handle.name} (${handle.url}).`);
        const signIn = vscode.l10n.t('Sign In');
        const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Added "{0}". Sign in now?', displayText(handle.name, 60)), signIn);
        if (choice === signIn) await signInFlow(manager, notifier, handle);
        return handle.key;
      },
      log,
    ),
    registerCommand(
      Commands.renameConnection,
      async (arg?: unknown) => {
        const handle = await resolveConnection(manager, arg, vscode.l10n.t('Rename which connection?'), false);
        const others = manager.all.filter((h) => h !== handle).map((h) => h.name);
        const name = required(
          await vscode.window.showInputBox({
            title: vscode.l10n.t('Rename "{0}"', handle.name),
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
        const handle = await resolveConnection(manager, arg, vscode.l10n.t('Remove which connection?'), false);
        const remove = vscode.l10n.t('Remove');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('Remove the connection "{0}"?', displayText(handle.name, 60)),
          {
            modal: true,
            detail: `${handle.url}\n${vscode.l10n.t('Its sign-in is forgotten. Nothing changes on the controller, and token values stored in this VS Code for it are kept.')}`,
          },
          remove,
        );
        if (choice !== remove) throw new Cancelled();
        await manager.remove(handle.key);
        log.info(`Removed connection ${handle.name} (${handle.url}).`);
      },
      log,
    ),
    registerCommand(
      Commands.setActiveConnection,
      async (arg?: unknown) => {
        const handle = isHandleArg(arg) || typeof arg === 'string' ? await resolveConnection(manager, arg, '', false) : await pickConnection(manager, vscode.l10n.t('Which connection should commands and config files use?'));
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
        const handle = await resolveConnection(manager, arg, vscode.l10n.t('Sign in to which connection?'), true);
        await signInFlow(manager, notifier, handle);
      },
      log,
    ),
    registerCommand(
      Commands.signOut,
      async (arg?: unknown) => {
        const handle = await resolveConnection(manager, arg, vscode.l10n.t('Sign out of which connection?'), true);
        if (!handle.connection.origin) throw new Cancelled();
        await handle.connection.signOut();
      },
      log,
    ),
  ];
}
