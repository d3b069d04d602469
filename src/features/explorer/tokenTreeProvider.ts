import * as vscode from 'vscode';
import type { Token } from '../../core/api/contract';
import { describeTokenFilter, queryTokens, windowed, daysLeft, STATUS_GROUPS, type ExplorerViewState, type TokenQueryResult } from '../../core/explorerModel';
import { canManageTokens, isTokenAdmin, RESOURCES } from '../../core/permissions';
import { displayText } from '../../core/text';
import { displayStatus, expiryText, formatUtc, parseTime, type DisplayStatus } from '../../core/tokens';
import { Commands } from '../../constants';
import { expiryWarningDays } from '../../infra/settings';
import type { ConnectionHandle, ConnectionManager } from '../connection/connectionManager';
import type { ExplorerState } from './explorerState';
import { tokenItemUri } from './tokenDecorations';

/**
 * A node of the Tokens view: a connection (shown when more than one is
 * configured), a group (status or owner), a token, a "Show more…" row of a
 * long list, or an informational message row. Plain data; `getTreeItem`
 * builds the item.
 */
export type TokenNode =
  | { kind: 'connection'; connectionKey: string }
  | { kind: 'group'; connectionKey: string; key: string; label: string; count: number; status?: DisplayStatus }
  | { kind: 'token'; token: Token; stored: boolean; connectionKey?: string }
  | { kind: 'more'; connectionKey: string; parentKey: string; remaining: number }
  | { kind: 'message'; id: string; label: string; icon: string; command?: vscode.Command; tooltip?: string; connectionKey?: string };

const STATUS_ICON: Record<DisplayStatus, [string, string]> = {
  active: ['pass', 'testing.iconPassed'],
  expiring: ['warning', 'list.warningForeground'],
  expired: ['error', 'list.errorForeground'],
  revoked: ['circle-slash', 'disabledForeground'],
};

/** The status as a word (localized; built on use: `vscode.l10n` is ready once activation started). */
export function statusLabel(status: DisplayStatus): string {
  switch (status) {
    case 'active':
      return vscode.l10n.t('active');
    case 'expiring':
      return vscode.l10n.t('expiring soon');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'revoked':
      return vscode.l10n.t('revoked');
  }
}

/** A connection's state as a word, for the states other than `ready`. */
function stateText(state: string): string {
  switch (state) {
    case 'needsServer':
      return vscode.l10n.t('no URL');
    case 'needsSignIn':
      return vscode.l10n.t('signed out');
    case 'error':
      return vscode.l10n.t('unreachable');
    default:
      return state;
  }
}

let numberFormat: Intl.NumberFormat | undefined;
/** Count formatting, with the formatter created on first use (building it at module load costs activation time). */
const nf = { format: (n: number): string => (numberFormat ??= new Intl.NumberFormat('en')).format(n) };

/** The "expiring soon" window in ms (`telegrafController.expiryWarningDays`). */
export function expiringWindowMs(): number {
  return expiryWarningDays() * 24 * 3600 * 1000;
}

/**
 * The Tokens view (TreeDataProvider). With one connection, its tokens (or
 * groups) are the top level and the view's description names the connection;
 * with several, each connection is a top-level node whose description shows
 * the signed-in user and role. Lists follow the explorer state (grouping,
 * sort, filter); long lists show 200 rows and a "Show more…" row. Errors never
 * pop up from here: they show as message rows.
 */
export class TokenTreeProvider implements vscode.TreeDataProvider<TokenNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TokenNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];
  private readonly memo = new Map<string, { snap: unknown; view: unknown; groupBy: string; minute: number; windowMs: number; result: TokenQueryResult }>();
  private pending: NodeJS.Timeout | undefined;
  /** True when a pending refresh must happen even if the signature is unchanged. */
  private forced = false;
  private lastSignature: string | undefined;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly state: ExplorerState,
  ) {
    const fire = () => this.scheduleRefresh();
    // A store event that changes nothing the tree shows (the loading flag of a list that is shown,
    // the same stored-value marks read again) does not refresh the view: every refresh of the root
    // makes VS Code forget the tree's elements until it has fetched them again, and a context-menu
    // command invoked in that window receives no element (it then asked which token, listing the
    // active connection's tokens instead of acting on the clicked one).
    const fireIfChanged = () => this.scheduleRefresh(false);
    let storeSubs: vscode.Disposable[] = [];
    const follow = () => {
      storeSubs.forEach((s) => s.dispose());
      storeSubs = manager.all.map((h) => h.store.onDidChange(fireIfChanged));
    };
    follow();
    this.subs = [
      manager.onDidChange(() => {
        follow();
        fire();
      }),
      manager.onDidChangeState(fire),
      state.onDidChange(fire),
      { dispose: () => storeSubs.forEach((s) => s.dispose()) },
    ];
  }

  /**
   * Refreshes the whole view (coalesced: at most one refresh per event-loop
   * turn). With `force` false the refresh is skipped when nothing the tree
   * shows changed since the last one ({@link renderSignature}).
   */
  scheduleRefresh(force = true): void {
    if (force) this.forced = true;
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      const forced = this.forced;
      this.forced = false;
      const signature = this.renderSignature();
      if (!forced && signature === this.lastSignature) return;
      this.lastSignature = signature;
      this.emitter.fire(undefined);
    }, 0);
  }

  /** A digest of everything the rows depend on, apart from the view state and the connections (those always refresh). */
  private renderSignature(): string {
    const parts: unknown[] = [Math.floor(Date.now() / 60_000), expiringWindowMs(), this.manager.active?.key];
    for (const h of this.manager.all) {
      const s = h.connection.current;
      const snap = h.store.snapshot;
      const loadingShown = snap.loading && (snap.tokens.length === 0 || !!snap.progress);
      parts.push([
        h.key,
        h.name,
        s.state,
        s.message,
        s.user?.id,
        s.user?.role,
        snap.error,
        snap.loadedAt !== undefined,
        loadingShown,
        snap.progress?.loaded,
        snap.progress?.total,
        tokensDigest(snap.tokens),
        [...snap.stored].sort().join(','),
      ]);
    }
    return JSON.stringify(parts);
  }

  /** True when connections are top-level nodes (more than one configured). */
  get showsConnections(): boolean {
    return this.manager.all.length > 1;
  }

  getChildren(element?: TokenNode): TokenNode[] {
    if (!element) {
      const all = this.manager.all;
      if (all.length === 0) return [];
      if (all.length === 1) return all[0]!.connection.current.state === 'ready' ? this.connectionChildren(all[0]!) : [];
      return all.map((h) => ({ kind: 'connection' as const, connectionKey: h.key }));
    }
    switch (element.kind) {
      case 'connection': {
        const h = this.manager.get(element.connectionKey);
        return h ? this.connectionChildren(h) : [];
      }
      case 'group': {
        const h = this.manager.get(element.connectionKey);
        if (!h) return [];
        const group = this.query(h).groups.find((g) => g.key === element.key);
        if (!group) return [];
        return this.windowedTokens(h, group.tokens, `${h.key}#${group.key}`);
      }
      default:
        return [];
    }
  }

  /** The tree rows of a connection: sign-in/error rows, or its (grouped) tokens with status rows. */
  connectionChildren(h: ConnectionHandle): TokenNode[] {
    const s = h.connection.current;
    const key = h.key;
    if (s.state === 'needsSignIn') {
      return [
        { kind: 'message', connectionKey: key, id: `${key}:signin`, label: vscode.l10n.t('Sign in…'), icon: 'sign-in', tooltip: s.message, command: { command: Commands.signIn, title: vscode.l10n.t('Sign In'), arguments: [{ kind: 'connection', connectionKey: key }] } },
      ];
    }
    if (s.state === 'error') {
      return [
        { kind: 'message', connectionKey: key, id: `${key}:error`, label: s.message ?? vscode.l10n.t('The controller could not be reached.'), icon: 'error', tooltip: s.message, command: { command: Commands.refresh, title: vscode.l10n.t('Retry'), arguments: [{ kind: 'connection', connectionKey: key }] } },
      ];
    }
    if (s.state !== 'ready') return [];
    if (s.user && !canManageTokens(s.user.role)) {
      return [{ kind: 'message', connectionKey: key, id: `${key}:viewer`, label: vscode.l10n.t('{0} is a Viewer: Viewers cannot manage tokens.', s.user.username), icon: 'info' }];
    }
    this.manager.want(h);
    const snap = h.store.snapshot;
    const nodes: TokenNode[] = [];
    if (snap.error) {
      nodes.push({
        kind: 'message',
        connectionKey: key,
        id: `${key}:loadError`,
        label: vscode.l10n.t('Could not load tokens: {0}', snap.error),
        icon: 'error',
        tooltip: snap.error,
        command: { command: Commands.refresh, title: vscode.l10n.t('Retry'), arguments: [{ kind: 'connection', connectionKey: key }] },
      });
    }
    if (snap.loading && snap.tokens.length === 0) {
      nodes.push({ kind: 'message', connectionKey: key, id: `${key}:loading`, label: vscode.l10n.t('Loading tokens…'), icon: 'loading~spin' });
      return nodes;
    }
    const result = this.query(h);
    const groupBy = this.groupingFor(h);
    if (!snap.loading && !snap.error && result.total === 0 && snap.loadedAt) {
      nodes.push({ kind: 'message', connectionKey: key, id: `${key}:empty`, label: vscode.l10n.t('No tokens yet. Create one…'), icon: 'add', command: { command: Commands.createToken, title: vscode.l10n.t('Create Token') } });
    } else if (result.total > 0 && result.matched === 0 && this.state.view.filter) {
      nodes.push({
        kind: 'message',
        connectionKey: key,
        id: `${key}:nomatch`,
        label: vscode.l10n.t('No token matches the filter ({0} hidden). Clear Filter', nf.format(result.total)),
        icon: 'filter',
        command: { command: Commands.clearFilter, title: vscode.l10n.t('Clear Filter') },
      });
    }
    if (groupBy === 'none') {
      nodes.push(...this.windowedTokens(h, result.groups.flatMap((g) => g.tokens), key));
    } else {
      for (const g of result.groups) {
        const status = g.key.startsWith('status:') ? (g.key.slice(7) as DisplayStatus) : undefined;
        nodes.push({ kind: 'group', connectionKey: key, key: g.key, label: g.label, count: g.tokens.length, ...(status ? { status } : {}) });
      }
    }
    if (snap.loading && snap.progress) {
      nodes.push({
        kind: 'message',
        connectionKey: key,
        id: `${key}:progress`,
        label: vscode.l10n.t('Loading tokens… {0} of {1}', nf.format(snap.progress.loaded), nf.format(snap.progress.total)),
        icon: 'loading~spin',
      });
    }
    return nodes;
  }

  /**
   * The grouping used for a connection: grouping by owner applies to Owners
   * and Administrators only (a Manager sees only their own tokens), others get
   * no grouping.
   */
  groupingFor(h: ConnectionHandle): ExplorerViewState['groupBy'] {
    const g = this.state.view.groupBy;
    if (g !== 'owner') return g;
    const u = h.connection.user;
    return u && isTokenAdmin(u.role) ? 'owner' : 'none';
  }

  /** The filtered, sorted, grouped tokens of a connection (memoised per snapshot, view state and minute). */
  query(h: ConnectionHandle): TokenQueryResult {
    const snap = h.store.snapshot;
    const groupBy = this.groupingFor(h);
    const view = groupBy === this.state.view.groupBy ? this.state.view : { ...this.state.view, groupBy };
    const minute = Math.floor(Date.now() / 60_000);
    const windowMs = expiringWindowMs();
    const m = this.memo.get(h.key);
    if (m && m.snap === snap && m.view === this.state.view && m.groupBy === groupBy && m.minute === minute && m.windowMs === windowMs) return m.result;
    const result = queryTokens(snap.tokens, view, Date.now(), windowMs);
    this.memo.set(h.key, { snap, view: this.state.view, groupBy, minute, windowMs, result });
    return result;
  }

  private windowedTokens(h: ConnectionHandle, tokens: readonly Token[], parentKey: string): TokenNode[] {
    const { shown, remaining } = windowed(tokens, this.state.limit(parentKey));
    const stored = h.store.snapshot.stored;
    const nodes: TokenNode[] = shown.map((token) => ({ kind: 'token', token, stored: stored.has(token.id), connectionKey: h.key }));
    if (remaining > 0) nodes.push({ kind: 'more', connectionKey: h.key, parentKey, remaining });
    return nodes;
  }

  getTreeItem(node: TokenNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message': {
        const item = new vscode.TreeItem(displayText(node.label, 200));
        item.id = `message:${node.id}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = node.command;
        item.tooltip = node.tooltip;
        item.contextValue = 'message';
        return item;
      }
      case 'connection':
        return this.connectionItem(node.connectionKey);
      case 'group':
        return this.groupItem(node);
      case 'more': {
        const item = new vscode.TreeItem(vscode.l10n.t('Show {0} more…', nf.format(Math.min(200, node.remaining))));
        item.id = `more:${node.parentKey}`;
        item.description = vscode.l10n.t('{0} not shown', nf.format(node.remaining));
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: Commands.loadMore, title: vscode.l10n.t('Show More'), arguments: [node] };
        item.contextValue = 'more';
        return item;
      }
      case 'token':
        return this.tokenItem(node.token, node.stored, Date.now(), node.connectionKey);
    }
  }

  private connectionItem(key: string): vscode.TreeItem {
    const h = this.manager.get(key);
    const item = new vscode.TreeItem(h ? displayText(h.name, 60) : key, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `connection:${key}`;
    if (!h) return item;
    const s = h.connection.current;
    const active = this.manager.active?.key === key;
    const ready = s.state === 'ready' && s.user;
    item.description = [ready ? `${displayText(s.user!.username, 40)} (${s.user!.role})` : stateText(s.state), active ? vscode.l10n.t('active') : undefined].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      ready ? 'vm-active' : s.state === 'error' ? 'vm-outline' : 'vm-outline',
      ready ? undefined : new vscode.ThemeColor(s.state === 'error' ? 'list.errorForeground' : 'disabledForeground'),
    );
    item.collapsibleState = ready || active ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    item.contextValue = `connection;${s.state};${active ? 'active' : 'inactive'}${ready && isTokenAdmin(s.user!.role) ? ';admin' : ''}`;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown('**').appendText(displayText(h.name, 60)).appendMarkdown(active ? `** ${vscode.l10n.t('(active connection)')}  \n` : '**  \n');
    md.appendText(h.url).appendMarkdown('  \n');
    if (ready) md.appendText(vscode.l10n.t('Signed in as {0} ({1})', displayText(s.user!.username, 60), s.user!.role)).appendMarkdown('  \n');
    else md.appendText(s.message ?? stateText(s.state)).appendMarkdown('  \n');
    const snap = h.store.snapshot;
    if (snap.loadedAt) md.appendText(vscode.l10n.t('{0} tokens, {1} with a stored value', nf.format(snap.tokens.length), nf.format(snap.stored.size)));
    item.tooltip = md;
    item.accessibilityInformation = { label: vscode.l10n.t('Connection {0}, {1}', displayText(h.name, 60), item.description) };
    return item;
  }

  private groupItem(node: Extract<TokenNode, { kind: 'group' }>): vscode.TreeItem {
    const filtered = !!this.state.view.filter;
    const item = new vscode.TreeItem(displayText(node.label, 80), filtered ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    // A filtered list opens its groups: a different id makes VS Code apply the expanded state.
    item.id = `group:${node.connectionKey}:${node.key}${filtered ? ':filtered' : ''}`;
    item.description = nf.format(node.count);
    if (node.status) {
      const [icon, color] = STATUS_ICON[node.status];
      item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    } else {
      item.iconPath = new vscode.ThemeIcon('account');
    }
    item.contextValue = `group;${node.status ? 'status' : 'owner'}`;
    const count = node.count === 1 ? vscode.l10n.t('{0}: {1} token', node.label, nf.format(node.count)) : vscode.l10n.t('{0}: {1} tokens', node.label, nf.format(node.count));
    item.tooltip = filtered ? vscode.l10n.t('{0} matching the filter', count) : count;
    item.accessibilityInformation = { label: vscode.l10n.t('{0}, {1} tokens', node.label, node.count) };
    return item;
  }

  /** Builds the TreeItem of a token at `now` (UTC ms). */
  tokenItem(token: Token, stored: boolean, now: number, connectionKey?: string): vscode.TreeItem {
    const windowMs = expiringWindowMs();
    const status = displayStatus(token, now, windowMs);
    const h = this.manager.get(connectionKey) ?? this.manager.active;
    const user = h?.connection.user;
    const admin = user ? isTokenAdmin(user.role) : false;
    const item = new vscode.TreeItem(displayText(token.description || vscode.l10n.t('(no description)'), 80));
    const key = h?.key ?? '';
    item.id = `token:${key}:${token.id}`;
    // Expiring tokens carry a "3d" badge and the warning color (decorations): the phrase would repeat it.
    const parts = status === 'expiring' ? [] : [expiryText(token, now)];
    if (admin && h && this.groupingFor(h) !== 'owner') parts.push(displayText(token.username || token.userId, 40));
    if (stored) parts.push(vscode.l10n.t('value stored'));
    item.description = parts.join(' · ');
    const [icon, color] = STATUS_ICON[status];
    item.iconPath = new vscode.ThemeIcon(stored ? 'key' : icon, new vscode.ThemeColor(color));
    item.resourceUri = tokenItemUri(key, token.id, status, status === 'expiring' ? daysLeft(token.expiresAt, now) : undefined);
    item.contextValue = `token;${token.status};${status}${admin && token.status === 'active' ? ';reassign' : ''};${stored ? 'stored' : 'remote'}`;
    item.tooltip = tokenTooltip(token, status, stored, now);
    item.accessibilityInformation = { label: vscode.l10n.t('Token {0}, {1}, {2}', displayText(token.description, 80), statusLabel(status), item.description) };
    return item;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

/** Status group labels by display status (for messages). */
export const STATUS_GROUP_LABEL: Record<DisplayStatus, string> = Object.fromEntries(STATUS_GROUPS.map((g) => [g.status, g.label])) as Record<DisplayStatus, string>;

/** The view's description: the connection (one connection) and the active filter, e.g. `admin (owner) @ localhost:8888 · filter: owner bob`. */
export function viewDescription(manager: ConnectionManager, state: ExplorerState): string | undefined {
  const parts: string[] = [];
  if (manager.all.length === 1) {
    const h = manager.all[0]!;
    const s = h.connection.current;
    parts.push(s.state === 'ready' && s.user ? vscode.l10n.t('{0} ({1}) @ {2}', displayText(s.user.username, 40), s.user.role, displayText(h.name, 60)) : displayText(h.name, 60));
  }
  const f = state.view.filter;
  if (f) parts.push(vscode.l10n.t('filter: {0}', displayText(describeTokenFilter(f), 80)));
  return parts.length ? parts.join(' · ') : undefined;
}

/** The line above the list while a filter is active, e.g. `Filter: owner bob · heartbeat:write`; undefined without a filter. */
export function filterMessage(state: ExplorerState): string | undefined {
  const f = state.view.filter;
  return f ? vscode.l10n.t('Filter: {0}', displayText(describeTokenFilter(f), 120)) : undefined;
}

/** The hover of a token item: every field as text (server text escaped), and the permission list. Information only, no actions. */
export function tokenTooltip(token: Token, status: DisplayStatus, stored: boolean, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(displayText(token.description, 200)).appendMarkdown('**\n\n');
  const row = (label: string, value: string) => md.appendText(`${label}: ${value}`).appendMarkdown('  \n');
  row(vscode.l10n.t('Status'), `${statusLabel(status)} (${expiryText(token, now)})`);
  row(vscode.l10n.t('Owner'), displayText(token.username, 80));
  row(vscode.l10n.t('ID'), token.id);
  row(vscode.l10n.t('Prefix'), `${token.prefix}…`);
  const created = parseTime(token.createdAt);
  if (created !== undefined) row(vscode.l10n.t('Created'), formatUtc(created));
  const exp = parseTime(token.expiresAt);
  row(vscode.l10n.t('Expires'), exp === undefined ? vscode.l10n.t('never') : formatUtc(exp));
  const used = parseTime(token.lastUsedAt);
  row(vscode.l10n.t('Last used'), used === undefined ? vscode.l10n.t('never') : formatUtc(used));
  if (stored) row(vscode.l10n.t('Value'), vscode.l10n.t('stored in VS Code secret storage'));
  md.appendMarkdown(`\n**${vscode.l10n.t('Permissions')}**  \n`);
  const granted = RESOURCES.filter((r) => (token.permissions[r.id]?.length ?? 0) > 0);
  if (granted.length === 0) md.appendText(vscode.l10n.t('none'));
  for (const r of granted) row(r.label, (token.permissions[r.id] ?? []).join(', '));
  return md;
}

const digests = new WeakMap<readonly Token[], string>();

/** A short digest of a token list's content (memoised per array): FNV-1a of its JSON, with the count. */
function tokensDigest(tokens: readonly Token[]): string {
  let d = digests.get(tokens);
  if (d === undefined) {
    const text = JSON.stringify(tokens);
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    d = `${tokens.length}:${h.toString(16)}`;
    digests.set(tokens, d);
  }
  return d;
}
