import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import type { User } from '../../core/api/contract';
import { ControllerError } from '../../core/api/errors';
import { hostOf, normalizeControllerUrl, sameLoopbackController, validateConnectionName } from '../../core/connections';
import { displayText, pickText } from '../../core/text';
import { Commands } from '../../constants';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { Notifier } from '../../infra/notify';
import type { StoredCredential } from '../../infra/secretVault';
import { controllerUrl } from '../../infra/settings';
import type { ConnectionHandle, ConnectionManager } from '../../services/connectionManager';
import type { ControllerConnection } from '../../services/controllerConnection';
import { roleLabel } from '../../services/words';

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

/** What a sign-in needs of a connection: listed ({@link ConnectionHandle}) or not saved yet (Connect…). */
export interface SignInTarget {
  readonly name: string;
  readonly url: string;
  /** Which setting holds the URL; undefined while it is not saved. */
  readonly source?: ConnectionHandle['source'];
  readonly connection: Pick<ControllerConnection, 'loginLocal' | 'signInWith' | 'api'>;
}

/** The setting that holds a connection's URL, for messages; undefined for a URL not saved yet. */
export function urlSettingOf(source: ConnectionHandle['source'] | undefined): string | undefined {
  if (source === undefined) return undefined;
  return source === 'connections' ? 'telegrafController.connections' : 'telegrafController.url';
}

/**
 * `e` with its sentence naming the setting that really holds the URL (the
 * client's messages say `telegrafController.url`); "the URL" for a URL not
 * saved yet. Other errors are returned unchanged.
 */
export function namingSetting(e: unknown, setting: string | undefined): unknown {
  if (!(e instanceof ControllerError) || !e.userMessage.includes('telegrafController.url')) return e;
  const userMessage =
    setting === undefined
      ? e.userMessage
          .replace(/ and telegrafController\.url is correct/g, vscode.l10n.t(' and the URL is correct'))
          .replace(/telegrafController\.url/g, vscode.l10n.t('the URL'))
      : e.userMessage.replace(/telegrafController\.url/g, setting);
  return new ControllerError({
    kind: e.kind,
    userMessage,
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.serverMessage !== undefined ? { serverMessage: e.serverMessage } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    ...(e.fieldErrors !== undefined ? { fieldErrors: e.fieldErrors } : {}),
    ...(e.route !== undefined ? { route: e.route } : {}),
    cause: e,
  });
}

/**
 * The sentence for a failed check of a URL (`GET /api/auth/status`): for an
 * answer that is not the controller's (404/405, an HTML page, a redirect, a
 * wrong shape) "This does not look like a Telegraf Controller API at <url> (…)";
 * otherwise the error's own sentence (connection refused, DNS, TLS, …).
 */
export function probeFailureText(e: unknown, url: string, setting?: string): string {
  if (e instanceof ControllerError) {
    const notController = e.kind === 'not-found' || e.kind === 'protocol' || e.status === 404 || e.status === 405;
    if (notController) {
      const why =
        e.status !== undefined && (e.status < 200 || e.status >= 300)
          ? `HTTP ${e.status}`
          : /HTML/.test(e.userMessage)
            ? vscode.l10n.t('a web page answered')
            : vscode.l10n.t('unexpected answer');
      return vscode.l10n.t('This does not look like a Telegraf Controller API at {0} ({1}).', url, why);
    }
    return (namingSetting(e, setting) as ControllerError).userMessage;
  }
  return e instanceof Error ? e.message : String(e);
}

/** "name" or "name (host)" for titles. */
function whereOf(target: SignInTarget): string {
  const host = hostOf(target.url);
  return target.name === host ? host : `${target.name} (${host})`;
}

/** Result of a sign-in dialog: the user, and a warning when the credential works but cannot list tokens. */
export interface SignInResult {
  user: User;
  /** Set when the API token cannot list tokens (403 on `GET /api/tokens`): the sign-in worked, the Tokens view will not. */
  warning?: string;
}

/**
 * Asks how to sign in and for the credential, verifies it and stores it
 * (SecretStorage, under the URL's origin). A wrong user name or password asks
 * for both again (the user name filled in, the error in the prompts) until the
 * controller locks the account (423 ends the dialog with its message); a
 * rejected API token (401) asks for the token again. After an API-token sign-in, checks that the token may list tokens
 * (docs/api-contract.md "Tokens": `tokens:read`). Throws Cancelled/ControllerError.
 */
async function signInTo(target: SignInTarget, log: Logger | undefined): Promise<SignInResult> {
  const url = target.url;
  const where = whereOf(target);
  const setting = urlSettingOf(target.source);
  const method = required(
    await ui.showQuickPick(
      [
        {
          label: `$(account) ${vscode.l10n.t('Username and Password')}`,
          description: vscode.l10n.t('local account; the session cookie is stored'),
          id: 'password' as const,
        },
        {
          label: `$(key) ${vscode.l10n.t('API Token')}`,
          description: vscode.l10n.t('an existing tc-apiv1_… token with tokens permissions'),
          id: 'token' as const,
        },
      ],
      { title: vscode.l10n.t('Sign in to {0}', where), placeHolder: vscode.l10n.t('How do you want to sign in?'), ignoreFocusOut: true },
    ),
  );
  const verify = (credential: StoredCredential) =>
    ui.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Telegraf Controller: verifying credential') }, () =>
      target.connection.signInWith(url, credential),
    );
  try {
    if (method.id === 'token') {
      let user: User | undefined;
      let problem: string | undefined;
      while (!user) {
        const token = required(
          await ui.showInputBox({
            title: vscode.l10n.t('Sign in to {0} with an API token', where),
            prompt: problem
              ? vscode.l10n.t('{0} Paste the token again.', problem)
              : vscode.l10n.t('Paste an API token. It is kept in VS Code secret storage only.'),
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim().startsWith('tc-apiv1_') ? undefined : vscode.l10n.t('A controller API token starts with tc-apiv1_')),
          }),
        ).trim();
        try {
          user = await verify({ kind: 'token', token });
        } catch (e) {
          // A token the controller rejects (unknown, revoked, expired): ask again, as for a wrong password.
          if (e instanceof ControllerError && e.status === 401) {
            log?.warn(`Sign-in to ${hostOf(url)} with an API token rejected: ${e.message}`);
            problem =
              e.kind === 'token-expired'
                ? vscode.l10n.t('This token has expired.')
                : vscode.l10n.t('The controller rejected this token: it is unknown, revoked or deleted, or its user is disabled.');
            continue;
          }
          throw e;
        }
      }
      try {
        await target.connection.api().listTokens({ limit: 1 });
      } catch (e) {
        if (e instanceof ControllerError && e.kind === 'forbidden') {
          return {
            user,
            warning: vscode.l10n.t(
              'Signed in to {0} as {1}, but this API token cannot list tokens: it needs Tokens: read. Use a token with tokens permissions, or sign in with a password.',
              displayText(target.name, 60),
              displayText(user.username, 60),
            ),
          };
        }
        log?.warn(`Sign-in to ${hostOf(url)}: listing tokens after the sign-in failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      return { user };
    }
    let username = '';
    let problem: string | undefined;
    let failures = 0;
    for (;;) {
      // After a rejected attempt the user name is asked again, filled in: Enter keeps it, or correct it.
      username = required(
        await ui.showInputBox({
          title: vscode.l10n.t('Sign in to {0}', where),
          prompt: problem ? vscode.l10n.t('{0} Check the username (Enter keeps it).', problem) : vscode.l10n.t('Username'),
          value: username,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter your username')),
        }),
      ).trim();
      const password = required(
        await ui.showInputBox({
          title: vscode.l10n.t('Sign in to {0} as {1}', where, username),
          prompt: problem ? vscode.l10n.t('{0} Enter the password again.', problem) : vscode.l10n.t('Password'),
          password: true,
          ignoreFocusOut: true,
        }),
      );
      try {
        const credential = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to {0}…', where) }, () =>
          target.connection.loginLocal(url, username, password),
        );
        return { user: await verify(credential) };
      } catch (e) {
        // 401 from the login route: wrong user name or password. Ask again; a 423 (locked) ends the dialog.
        if (e instanceof ControllerError && e.status === 401) {
          log?.warn(`Sign-in to ${hostOf(url)} as ${displayText(username, 60)} rejected: ${e.message}`);
          failures++;
          // The controller does not say how many attempts are left; what it documents is said (MODEL.md: 5 by default, 15 minutes).
          problem =
            failures >= 2
              ? `${e.userMessage} ${vscode.l10n.t('{0} failed attempts in a row: the controller locks the account after 5 by default, for 15 minutes.', failures)}`
              : e.userMessage;
          continue;
        }
        throw e;
      }
    }
  } catch (e) {
    throw namingSetting(e, setting);
  }
}

/**
 * Runs the sign-in dialog for a connection and verifies the credential
 * (stored in SecretStorage under the URL's origin on success). The active
 * connection (status bar, commands, config-file checks) changes only when the
 * user says so: signing in to another connection leaves it, and the
 * notification offers to switch. Throws Cancelled/ControllerError.
 */
export async function signInFlow(manager: ConnectionManager, notifier: Notifier, handle: ConnectionHandle, log?: Logger): Promise<void> {
  const result = await signInTo(handle, log);
  if (!manager.active) await manager.setActive(handle.key);
  manager.want(handle);
  announce(notifier, handle.name, result, handle.key, manager);
}

/**
 * Tells the user how the sign-in went: a warning when the token cannot list
 * tokens, else "Signed in" — with a "Use …" button when the connection is not
 * the active one.
 */
function announce(notifier: Notifier, name: string, result: SignInResult, key: string, manager: ConnectionManager): void {
  if (result.warning) {
    const again = vscode.l10n.t('Sign In Again');
    void ui.showWarningMessage(result.warning, again).then((choice) => {
      if (choice === again) void vscode.commands.executeCommand(Commands.signIn, key);
    });
    return;
  }
  const { user } = result;
  const signedIn = vscode.l10n.t('Signed in to {0} as {1} ({2}).', displayText(name, 60), displayText(user.username, 60), roleLabel(user.role));
  const active = manager.active;
  if (active && active.key !== key) {
    const use = vscode.l10n.t('Use {0}', displayText(name, 40));
    const message = vscode.l10n.t('{0} Commands and config files still use {1}.', signedIn, displayText(active.name, 60));
    void ui.showInformationMessage(message, use).then((choice) => {
      if (choice === use) void manager.setActive(key);
    });
    return;
  }
  void notifier.info('signed-in', signedIn);
}

/**
 * Asks for a controller URL and checks it (`GET /api/auth/status`, with
 * progress) before anything else is asked: on failure the box opens again
 * with the URL and the problem, so the user can correct it. Throws Cancelled.
 */
async function askReachableUrl(manager: ConnectionManager, title: string, initial: string | undefined, log: Logger): Promise<string> {
  let value = initial;
  let problem: string | undefined;
  for (;;) {
    const url = await askUrl(title, value, problem);
    const listed = manager.findByUrl(url);
    const probe = manager.detached();
    try {
      await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', url) }, () => probe.probe(url));
      return url;
    } catch (e) {
      problem = probeFailureText(e, url, urlSettingOf(listed?.source));
      log.warn(`Connect: ${url} failed the check: ${e instanceof Error ? e.message : String(e)}`);
      value = url;
    } finally {
      probe.dispose();
    }
  }
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
  if (manager.all.length === 0) throw new Error(vscode.l10n.t('No Telegraf Controller connection is configured. Run "Telegraf Controller: Connect…".'));
  if (useActive && manager.active) return manager.active;
  if (manager.all.length === 1) return manager.all[0]!;
  return pickConnection(manager, placeHolder);
}

/** A quick pick of the configured connections (name, URL, sign-in state; the active one marked). Throws Cancelled. */
export async function pickConnection(manager: ConnectionManager, placeHolder: string): Promise<ConnectionHandle> {
  const active = manager.active?.key;
  const pick = required(
    await ui.showQuickPick(
      manager.all.map((h) => {
        const s = h.connection.current;
        const who =
          s.state === 'ready' && s.user
            ? `${pickText(s.user.username, 40)} (${roleLabel(s.user.role)})`
            : s.state === 'needsSignIn'
              ? vscode.l10n.t('signed out')
              : s.state === 'error'
                ? vscode.l10n.t('unreachable')
                : '';
        return { label: `${h.key === active ? '$(check) ' : ''}${pickText(h.name, 60)}`, description: who, detail: pickText(h.url, 200), handle: h };
      }),
      { placeHolder, matchOnDetail: true },
    ),
  );
  return pick.handle;
}

async function askUrl(title: string, value: string | undefined, problem?: string): Promise<string> {
  const url = required(
    await ui.showInputBox({
      title,
      prompt: problem
        ? vscode.l10n.t('{0} Correct the URL, or press Enter to try again.', problem)
        : vscode.l10n.t('URL of the controller API (port 8888 by default). Saved in your user settings.'),
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
        const url = await askReachableUrl(manager, vscode.l10n.t('Connect to a Telegraf Controller'), manager.active?.url ?? controllerUrl(), log);
        const listed = manager.findByUrl(url);
        if (listed) {
          // Connect… names the controller to use: it becomes the active one.
          await signInFlow(manager, notifier, listed, log);
          await manager.setActive(listed.key);
          return;
        }
        // Not saved yet: sign in on a detached connection first; the URL goes into the settings only after that worked.
        const detached = manager.detached();
        try {
          const result = await signInTo({ name: hostOf(url), url, connection: detached }, log);
          const handle = await manager.add(undefined, url);
          await manager.setActive(handle.key);
          announce(notifier, handle.name, result, handle.key, manager);
        } finally {
          detached.dispose();
        }
      },
      log,
    ),
    registerCommand(
      Commands.addConnection,
      async () => {
        const url = await askReachableUrl(manager, vscode.l10n.t('Add a Telegraf Controller connection'), 'https://', log);
        const existing = manager.findByUrl(url);
        if (existing) {
          void ui.showInformationMessage(vscode.l10n.t('{0} is already listed as "{1}".', url, existing.name));
          return existing.key;
        }
        // localhost and 127.0.0.1 on one port: one controller, which would get two sign-ins and two sets of stored values.
        const twin = manager.all.find((h) => sameLoopbackController(h.url, url));
        if (twin) {
          const use = vscode.l10n.t('Use "{0}"', twin.name);
          const anyway = vscode.l10n.t('Add Anyway');
          const choice = await ui.showWarningMessage(
            vscode.l10n.t('{0} is probably the controller of the connection "{1}" ({2}).', url, twin.name, twin.url),
            {
              modal: true,
              detail: vscode.l10n.t(
                'localhost, 127.0.0.1 and [::1] all name this machine. A second connection to the same controller has its own sign-in and its own stored token values.',
              ),
            },
            use,
            anyway,
          );
          if (choice === use) {
            await manager.setActive(twin.key);
            return twin.key;
          }
          if (choice !== anyway) throw new Cancelled();
        }
        const others = manager.all.map((h) => h.name);
        const name = required(
          await ui.showInputBox({
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
        const choice = await ui.showInformationMessage(vscode.l10n.t('Added "{0}". Sign in now?', displayText(handle.name, 60)), signIn);
        if (choice === signIn) await signInFlow(manager, notifier, handle, log);
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
          await ui.showInputBox({
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
        const choice = await ui.showWarningMessage(
          vscode.l10n.t('Remove the connection "{0}"?', displayText(handle.name, 60)),
          {
            modal: true,
            detail: `${handle.url}\n${vscode.l10n.t('Its sign-in is forgotten. Nothing changes on the controller, and token values stored in this VS Code for it are kept.')}`,
          },
          remove,
        );
        if (choice !== remove) throw new Cancelled();
        await manager.remove(handle.key);
        if (manager.findByUrl(handle.url)) {
          // Still listed: its URL comes from a settings level this extension does not write (machine, remote or policy settings).
          log.info(`Connection ${handle.name} (${handle.url}) signed out; it stays listed: telegrafController.url is set outside the user settings.`);
          const open = vscode.l10n.t('Open Settings');
          const answer = await ui.showInformationMessage(
            vscode.l10n.t(
              'Signed out of "{0}", but it stays listed: telegrafController.url names it in settings this extension does not change (for example the machine settings). Remove the setting there.',
              displayText(handle.name, 60),
            ),
            open,
          );
          if (answer === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'telegrafController.url');
          return;
        }
        log.info(`Removed connection ${handle.name} (${handle.url}).`);
      },
      log,
    ),
    registerCommand(
      Commands.setActiveConnection,
      async (arg?: unknown) => {
        const handle =
          isHandleArg(arg) || typeof arg === 'string'
            ? await resolveConnection(manager, arg, '', false)
            : await pickConnection(manager, vscode.l10n.t('Which connection should commands and config files use?'));
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
        // From the palette with several connections: the one that is signed out, else ask (never silently the active one).
        const signedOut = manager.all.filter((h) => h.connection.current.state === 'needsSignIn');
        const handle =
          arg === undefined && manager.all.length > 1 && signedOut.length === 1
            ? signedOut[0]!
            : await resolveConnection(manager, arg, vscode.l10n.t('Sign in to which connection?'), false);
        await signInFlow(manager, notifier, handle, log);
      },
      log,
    ),
    registerCommand(
      Commands.signOut,
      async (arg?: unknown) => {
        // From the palette with several connections: the one that is signed in, else ask (never silently the active one).
        const signedIn = manager.all.filter((h) => h.connection.current.state === 'ready');
        const handle =
          arg === undefined && manager.all.length > 1 && signedIn.length === 1
            ? signedIn[0]!
            : await resolveConnection(manager, arg, vscode.l10n.t('Sign out of which connection?'), false);
        if (!handle.connection.origin) throw new Cancelled();
        await handle.connection.signOut();
        void notifier.info(
          'signed-out',
          vscode.l10n.t('Signed out of {0}. Tokens found in config files are checked again after you sign in.', displayText(handle.name, 60)),
        );
      },
      log,
    ),
  ];
}
