import * as vscode from 'vscode';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import { autoRefreshSeconds } from '../../infra/settings';
import type { ConnectionManager } from '../../services/connectionManager';

/** Least time between two refreshes caused by the window gaining focus, ms. */
export const FOCUS_THROTTLE_MS = 60_000;

/**
 * Keeps the token lists fresh:
 * - when the window gains focus (at most once a minute);
 * - every `telegrafController.autoRefreshSeconds` (0 = off, the default);
 * - when SecretStorage changes in this or another window (`onDidChange`):
 *   the "value stored" marks are re-read, and a connection whose credential
 *   appeared or disappeared (sign-in or sign-out in another window) is
 *   re-opened.
 * Only lists that were loaded are refreshed; nothing here throws.
 */
export class Freshness implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private interval: NodeJS.Timeout | undefined;
  private lastFocusRefresh = Date.now();
  private secretTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly vault: SecretVault,
    private readonly log: Logger,
  ) {
    this.subs.push(
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused) this.onFocus();
      }),
      vault.onDidChange(() => this.onSecretsChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('telegrafController.autoRefreshSeconds')) this.configureInterval();
      }),
    );
    this.configureInterval();
  }

  /** Refreshes loaded lists unless the last focus refresh was less than a minute ago. Returns true when it refreshed. */
  onFocus(now = Date.now()): boolean {
    if (now - this.lastFocusRefresh < FOCUS_THROTTLE_MS) return false;
    this.lastFocusRefresh = now;
    this.refreshLoaded('window focus');
    return true;
  }

  /** Refreshes every list that was loaded, of signed-in connections. */
  refreshLoaded(reason: string): void {
    const handles = this.manager.all.filter((h) => h.connection.current.state === 'ready' && h.store.started && !h.store.snapshot.loading);
    if (handles.length === 0) return;
    this.log.debug(`Refreshing ${handles.length} token list(s) (${reason}).`);
    for (const h of handles) void h.store.refresh();
  }

  /** Re-reads stored marks and re-opens connections whose credential appeared or disappeared (debounced). */
  onSecretsChanged(): void {
    if (this.secretTimer) clearTimeout(this.secretTimer);
    this.secretTimer = setTimeout(() => {
      this.secretTimer = undefined;
      void this.syncSecrets();
    }, 200);
  }

  private async syncSecrets(): Promise<void> {
    for (const h of this.manager.all) {
      await h.store.refreshStored().catch(() => undefined);
      const origin = h.connection.origin;
      if (!origin) continue;
      const state = h.connection.current.state;
      if (state !== 'ready' && state !== 'needsSignIn') continue;
      const has = !!(await this.vault.getCredential(origin).catch(() => undefined));
      if ((state === 'ready' && !has) || (state === 'needsSignIn' && has)) {
        this.log.info(`The sign-in of ${h.name} changed in another window; reconnecting.`);
        await h.connection.open(h.url);
      }
    }
  }

  private configureInterval(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    const seconds = autoRefreshSeconds();
    if (seconds > 0) {
      this.interval = setInterval(() => this.refreshLoaded(`every ${seconds} s`), seconds * 1000);
      this.interval.unref?.();
    }
  }

  dispose(): void {
    if (this.interval) clearInterval(this.interval);
    if (this.secretTimer) clearTimeout(this.secretTimer);
    this.subs.forEach((s) => s.dispose());
  }
}
