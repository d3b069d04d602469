import * as vscode from 'vscode';
import type { Token } from '../../core/api/contract';
import { isTokenAdmin, RESOURCES } from '../../core/permissions';
import { displayText } from '../../core/text';
import { displayStatus, expiryText, formatUtc, parseTime, type DisplayStatus } from '../../core/tokens';
import type { ControllerConnection } from '../connection/controllerConnection';
import type { TokenStore } from './tokenStore';

/** A node of the Tokens view: a token, or an informational message row. */
export type TokenNode =
  | { kind: 'token'; token: Token; stored: boolean }
  | { kind: 'message'; id: string; label: string; icon: string; command?: vscode.Command; tooltip?: string };

const STATUS_ORDER: Record<DisplayStatus, number> = { expiring: 0, active: 1, expired: 2, revoked: 3 };

const STATUS_ICON: Record<DisplayStatus, [string, string]> = {
  active: ['pass', 'testing.iconPassed'],
  expiring: ['warning', 'list.warningForeground'],
  expired: ['error', 'list.errorForeground'],
  revoked: ['circle-slash', 'disabledForeground'],
};

const STATUS_LABEL: Record<DisplayStatus, string> = {
  active: 'active',
  expiring: 'expiring soon',
  expired: 'expired',
  revoked: 'revoked',
};

/** Sorts tokens: expiring soon, active, expired, revoked; newest first within a group. */
export function sortTokens(tokens: readonly Token[], now: number): Token[] {
  return [...tokens].sort(
    (a, b) =>
      STATUS_ORDER[displayStatus(a, now)] - STATUS_ORDER[displayStatus(b, now)] ||
      (parseTime(b.createdAt) ?? 0) - (parseTime(a.createdAt) ?? 0),
  );
}

/**
 * The Tokens view (TreeDataProvider): one item per token with status icon and
 * text, expiry, owner (for Owners/Administrators), a tooltip with every field
 * and the effective permissions, and a key icon when the value is stored.
 * Errors never pop up from here: they show as a message row.
 */
export class TokenTreeProvider implements vscode.TreeDataProvider<TokenNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TokenNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly store: TokenStore,
    private readonly connection: ControllerConnection,
  ) {
    this.subs = [store.onDidChange(() => this.emitter.fire(undefined)), connection.onDidChange(() => this.emitter.fire(undefined))];
  }

  getChildren(element?: TokenNode): TokenNode[] {
    if (element) return [];
    if (this.connection.current.state !== 'ready') return [];
    const snap = this.store.snapshot;
    const nodes: TokenNode[] = [];
    if (snap.error) {
      nodes.push({
        kind: 'message',
        id: 'error',
        label: `Could not load tokens: ${snap.error}`,
        icon: 'error',
        tooltip: snap.error,
        command: { command: 'telegrafController.refresh', title: 'Retry' },
      });
    }
    if (snap.loading && snap.tokens.length === 0) {
      nodes.push({ kind: 'message', id: 'loading', label: 'Loading tokens…', icon: 'loading~spin' });
      return nodes;
    }
    if (!snap.loading && !snap.error && snap.tokens.length === 0 && snap.loadedAt) {
      nodes.push({
        kind: 'message',
        id: 'empty',
        label: 'No tokens yet. Create one…',
        icon: 'add',
        command: { command: 'telegrafController.createToken', title: 'Create Token' },
      });
    }
    const now = Date.now();
    for (const token of sortTokens(snap.tokens, now)) nodes.push({ kind: 'token', token, stored: snap.stored.has(token.id) });
    return nodes;
  }

  getTreeItem(node: TokenNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(displayText(node.label, 200));
      item.id = `message:${node.id}`;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.command = node.command;
      item.tooltip = node.tooltip;
      item.contextValue = 'message';
      return item;
    }
    return this.tokenItem(node.token, node.stored, Date.now());
  }

  /** Builds the TreeItem of a token at `now` (UTC ms). */
  tokenItem(token: Token, stored: boolean, now: number): vscode.TreeItem {
    const status = displayStatus(token, now);
    const admin = this.connection.user ? isTokenAdmin(this.connection.user.role) : false;
    const item = new vscode.TreeItem(displayText(token.description || '(no description)', 80));
    item.id = `token:${this.connection.origin ?? ''}:${token.id}`;
    const parts = [STATUS_LABEL[status]];
    if (status !== 'revoked' && status !== 'expired') parts.push(expiryText(token, now));
    else parts[0] = expiryText(token, now);
    if (admin) parts.push(displayText(token.username, 40));
    if (stored) parts.push('value stored');
    item.description = parts.join(' · ');
    const [icon, color] = STATUS_ICON[status];
    item.iconPath = new vscode.ThemeIcon(stored ? 'key' : icon, new vscode.ThemeColor(color));
    item.contextValue = `token;${token.status};${status};${stored ? 'stored' : 'remote'}`;
    item.tooltip = tokenTooltip(token, status, stored, now);
    item.accessibilityInformation = { label: `Token ${displayText(token.description, 80)}, ${item.description}` };
    return item;
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

/** The hover of a token item: every field as text (server text escaped), and the permission list. */
export function tokenTooltip(token: Token, status: DisplayStatus, stored: boolean, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(displayText(token.description, 200)).appendMarkdown('**\n\n');
  const row = (label: string, value: string) => md.appendMarkdown(`${label}: `).appendText(value).appendMarkdown('  \n');
  row('Status', `${STATUS_LABEL[status]} (${expiryText(token, now)})`);
  row('Owner', displayText(token.username, 80));
  row('ID', token.id);
  row('Prefix', `${token.prefix}…`);
  const created = parseTime(token.createdAt);
  if (created !== undefined) row('Created', formatUtc(created));
  const exp = parseTime(token.expiresAt);
  row('Expires', exp === undefined ? 'never' : formatUtc(exp));
  const used = parseTime(token.lastUsedAt);
  row('Last used', used === undefined ? 'never' : formatUtc(used));
  if (stored) row('Value', 'stored in VS Code secret storage');
  md.appendMarkdown('\n**Permissions**  \n');
  const granted = RESOURCES.filter((r) => (token.permissions[r.id]?.length ?? 0) > 0);
  if (granted.length === 0) md.appendText('none');
  for (const r of granted) row(r.label, (token.permissions[r.id] ?? []).join(', '));
  return md;
}
