import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import { daysLeft, expiringWithin } from '../../core/tokenQuery';
import { displayText, pickText } from '../../core/text';

import { Commands } from '../../constants';
import { registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { Notifier } from '../../infra/notify';
import type { SecretVault, StoredTokenRef } from '../../infra/secretVault';
import { expiryWarningDays } from '../../infra/settings';
import type { ConnectionHandle, ConnectionManager } from '../../services/connectionManager';
import { expiryLabel, roleLabel } from '../../services/words';

/** A stored token that expires soon, with the connection it belongs to (when one is configured for its origin). */
export interface ExpiringStoredToken {
  ref: StoredTokenRef;
  origin: string;
  handle: ConnectionHandle | undefined;
}

/**
 * The status-bar item of the window: the active connection, and a warning
 * count of tokens whose values are held in SecretStorage (any configured
 * origin) and that expire within `telegrafController.expiryWarningDays`
 * (default 7) or have expired; tokens known to be revoked are left out.
 * Clicking lists them. At the first non-zero count of a window a notification
 * offers the list (with "Don't Show Again").
 */
export class ExpiryStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private hourly: NodeJS.Timeout | undefined;
  private expiring: ExpiringStoredToken[] = [];
  private notified = false;
  private computing: Promise<void> | undefined;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly vault: SecretVault,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {
    this.item = vscode.window.createStatusBarItem('telegrafController.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Telegraf Controller');
    this.item.command = Commands.showExpiringTokens;
    let storeSubs: vscode.Disposable[] = [];
    const track = () => {
      storeSubs.forEach((s) => s.dispose());
      storeSubs = manager.all.map((h) => h.store.onDidChange(() => this.schedule()));
    };
    track();
    this.subs.push(
      manager.onDidChange(() => {
        track();
        this.schedule();
      }),
      manager.onDidChangeState(() => this.schedule()),
      vault.onDidChange(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('telegrafController.expiryWarningDays')) this.schedule();
      }),
      { dispose: () => storeSubs.forEach((s) => s.dispose()) },
    );
    this.hourly = setInterval(() => this.schedule(), 3600_000);
    this.hourly.unref?.();
    this.schedule(0);
  }

  /** Stored tokens expiring within the window (soonest first), as last computed. */
  get tokens(): readonly ExpiringStoredToken[] {
    return this.expiring;
  }

  /** The item's current text (for tests). */
  get text(): string {
    return this.item.text;
  }

  /** Recomputes now; resolves when the item is up to date. */
  async update(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.compute();
    this.computing = run;
    await run;
  }

  private schedule(delay = 150): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.computing = this.compute();
    }, delay);
  }

  private async compute(): Promise<void> {
    await this.computing?.catch(() => undefined);
    const now = Date.now();
    const windowMs = expiryWarningDays() * 24 * 3600 * 1000;
    const origins = new Map<string, ConnectionHandle | undefined>();
    for (const h of this.manager.all) {
      const o = new URL(h.url).origin;
      if (!origins.has(o)) origins.set(o, h);
    }
    const found: ExpiringStoredToken[] = [];
    for (const [origin, handle] of origins) {
      let refs: StoredTokenRef[];
      try {
        refs = await this.vault.listStoredTokens(origin);
      } catch (e) {
        this.log.warn(`Could not read the stored tokens of ${origin}: ${String(e)}`);
        continue;
      }
      // The server's view wins where the list is loaded: revoked tokens are left out, a changed expiry is used.
      const revoked = new Set<string>();
      const merged = refs.map((r) => {
        const t = handle?.store.find(r.id);
        if (t?.status === 'revoked') revoked.add(r.id);
        return t ? { ...r, expiresAt: t.expiresAt } : r;
      });
      for (const ref of expiringWithin(merged, now, windowMs, revoked)) found.push({ ref, origin, handle });
    }
    found.sort((a, b) => Date.parse(a.ref.expiresAt ?? '') - Date.parse(b.ref.expiresAt ?? ''));
    this.expiring = found;
    this.render(windowMs);
    if (found.length > 0 && !this.notified) {
      this.notified = true;
      void this.notifier
        .warn(
          'expiring-stored',
          found.length === 1
            ? vscode.l10n.t('{0} token stored in VS Code expires within {1} days.', found.length, expiryWarningDays())
            : vscode.l10n.t('{0} tokens stored in VS Code expire within {1} days.', found.length, expiryWarningDays()),
          vscode.l10n.t('Show'),
        )
        .then((c) => c && vscode.commands.executeCommand(Commands.showExpiringTokens));
    }
  }

  private render(windowMs: number): void {
    const active = this.manager.active;
    if (!active) {
      this.item.hide();
      return;
    }
    const s = active.connection.current;
    const icon = s.state === 'ready' ? '$(vm-active)' : '$(vm-outline)';
    const n = this.expiring.length;
    this.item.text = `${icon} ${pickText(active.name, 30)}${n ? `  $(warning) ${n}` : ''}`;
    this.item.backgroundColor = n ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const days = Math.round(windowMs / 86_400_000);
    const who =
      s.state === 'ready' && s.user
        ? vscode.l10n.t('signed in as {0} ({1})', displayText(s.user.username, 40), roleLabel(s.user.role))
        : s.state === 'needsSignIn'
          ? vscode.l10n.t('signed out')
          : s.state === 'error'
            ? vscode.l10n.t('unreachable')
            : '';
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.appendText(
      who
        ? vscode.l10n.t('Telegraf Controller: {0}, {1}', displayText(active.name, 60), who)
        : vscode.l10n.t('Telegraf Controller: {0}', displayText(active.name, 60)),
    ).appendMarkdown('  \n');
    md.appendText(
      n === 0
        ? vscode.l10n.t('No stored token expires within {0} days. Click to list or switch connections.', days)
        : n === 1
          ? vscode.l10n.t('{0} stored token expires within {1} days (or expired). Click to list them.', n, days)
          : vscode.l10n.t('{0} stored tokens expire within {1} days (or expired). Click to list them.', n, days),
    );
    this.item.tooltip = md;
    this.item.accessibilityInformation = {
      label:
        n === 0
          ? vscode.l10n.t('Telegraf Controller {0}', active.name)
          : n === 1
            ? vscode.l10n.t('Telegraf Controller {0}, 1 stored token expiring soon', active.name)
            : vscode.l10n.t('Telegraf Controller {0}, {1} stored tokens expiring soon', active.name, n),
    };
    this.item.show();
  }

  /**
   * Lists the expiring stored tokens in a quick pick (and "Set Active
   * Connection…"); picking a token opens its details. Returns the chosen id.
   */
  async showList(): Promise<string | undefined> {
    await this.update();
    const now = Date.now();
    type Item = vscode.QuickPickItem & { token?: ExpiringStoredToken; action?: 'switch' };
    const items: Item[] = this.expiring.map((e) => {
      const days = daysLeft(e.ref.expiresAt, now);
      return {
        label: `$(${days === 0 ? 'error' : 'warning'}) ${pickText(ui.tokenName(e.ref.description, 80))}`,
        description: expiryLabel({ status: 'active', expiresAt: e.ref.expiresAt }, now),
        detail: `${e.handle ? pickText(e.handle.name, 40) : pickText(e.origin, 80)} · ${pickText(e.ref.prefix, 40)}… · ${pickText(e.ref.id, 80)}`,
        token: e,
      };
    });
    if (items.length === 0) items.push({ label: vscode.l10n.t('No stored token expires within {0} days', expiryWarningDays()), description: '' });
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: `$(vm) ${vscode.l10n.t('Set Active Connection…')}`, action: 'switch' });
    const pick = required(
      await ui.showQuickPick(items, {
        placeHolder: vscode.l10n.t('Tokens stored in VS Code that expire soon — pick one to see its details'),
        matchOnDetail: true,
      }),
    );
    if (pick.action === 'switch') {
      await vscode.commands.executeCommand(Commands.setActiveConnection);
      return undefined;
    }
    if (!pick.token) return undefined;
    if (pick.token.handle) await vscode.commands.executeCommand(Commands.showTokenDetails, { ids: [pick.token.ref.id], connectionKey: pick.token.handle.key });
    return pick.token.ref.id;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.hourly) clearInterval(this.hourly);
    this.subs.forEach((s) => s.dispose());
    this.item.dispose();
  }
}

/** Registers "Show Expiring Tokens" (the status-bar item's click). */
export function registerExpiryCommands(bar: ExpiryStatusBar, log: Logger): vscode.Disposable[] {
  return [registerCommand(Commands.showExpiringTokens, () => bar.showList(), log)];
}
