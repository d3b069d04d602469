import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { displayText } from '../../core/text';
import type { ConnectionHandle, ConnectionManager } from '../../services/connectionManager';

/** Label of the provider in the Accounts menu (localized; call it after activation started). */
export function authProviderLabel(): string {
  return vscode.l10n.t('Telegraf Controller');
}

/**
 * What a session's `accessToken` holds: a placeholder, never the credential.
 * Sessions exist so each controller sign-in shows in VS Code's Accounts menu
 * (and can be signed out there); the credential stays in this extension's
 * SecretStorage and is not handed to other extensions.
 */
export const NOT_SHARED = 'not-shared';

/**
 * The Accounts-menu integration (`AuthenticationProvider`): one session per
 * signed-in connection and user (id = `<connection URL>#<user id>`, account =
 * `user @ name`). Signing in as another user on the same connection removes
 * the old session and adds a new one, so the menu never keeps an account that
 * is no longer signed in. `removeSession` signs that connection out when the
 * session is its current one, and only drops the menu entry otherwise;
 * `createSession` runs the sign-in of the active connection (or Connect… when
 * none is configured).
 */
export class ControllerAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private known = new Map<string, vscode.AuthenticationSession>();
  private readonly subs: vscode.Disposable[];

  constructor(private readonly manager: ConnectionManager) {
    this.known = this.current();
    this.subs = [manager.onDidChangeState(() => this.sync()), manager.onDidChange(() => this.sync())];
  }

  /** The session of a signed-in connection. */
  static sessionOf(h: ConnectionHandle): vscode.AuthenticationSession | undefined {
    const s = h.connection.current;
    if (s.state !== 'ready' || !s.user) return undefined;
    return {
      id: `${h.key}#${s.user.id}`,
      accessToken: NOT_SHARED,
      account: { id: `${h.key}#${s.user.id}`, label: `${displayText(s.user.username, 40)} @ ${displayText(h.name, 40)}` },
      scopes: [],
    };
  }

  private current(): Map<string, vscode.AuthenticationSession> {
    const m = new Map<string, vscode.AuthenticationSession>();
    for (const h of this.manager.all) {
      const s = ControllerAuthProvider.sessionOf(h);
      if (s) m.set(s.id, s);
    }
    return m;
  }

  private sync(): void {
    const next = this.current();
    const added: vscode.AuthenticationSession[] = [];
    const removed: vscode.AuthenticationSession[] = [];
    const changed: vscode.AuthenticationSession[] = [];
    for (const [id, s] of next) {
      const old = this.known.get(id);
      if (!old) added.push(s);
      else if (old.account.id !== s.account.id || old.account.label !== s.account.label) changed.push(s);
    }
    for (const [id, s] of this.known) if (!next.has(id)) removed.push(s);
    this.known = next;
    if (added.length || removed.length || changed.length) this.emitter.fire({ added, removed, changed });
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    return [...this.current().values()];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    await vscode.commands.executeCommand(this.manager.all.length ? Commands.signIn : Commands.connect);
    const h = this.manager.active;
    const s = h ? ControllerAuthProvider.sessionOf(h) : undefined;
    if (!s) throw new Error(vscode.l10n.t('Not signed in to a Telegraf Controller.'));
    return s;
  }

  async removeSession(sessionId: string): Promise<void> {
    const h = this.manager.all.find((c) => ControllerAuthProvider.sessionOf(c)?.id === sessionId);
    if (h) {
      await h.connection.signOut();
      return;
    }
    // Not a current sign-in (an account VS Code still lists): drop it from the menu, sign nobody out.
    const stale = this.known.get(sessionId) ?? { id: sessionId, accessToken: NOT_SHARED, account: { id: sessionId, label: '' }, scopes: [] };
    this.known.delete(sessionId);
    this.emitter.fire({ added: [], removed: [stale], changed: [] });
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}
