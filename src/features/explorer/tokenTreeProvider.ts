import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import type { Token } from '../../core/api/contract';
import type { ExplorerViewState } from '../../core/explorerModel';
import { queryTokens, windowed, daysLeft, STATUS_GROUPS, type TokenQueryResult } from '../../core/tokenQuery';
import { canManageTokens, isTokenAdmin, RESOURCES } from '../../core/permissions';
import { displayText } from '../../core/text';
import { displayStatus, formatUtc, parseTime, type DisplayStatus } from '../../core/tokens';
import { Commands } from '../../constants';
import { expiringWindowMs, expiryLabel, relativeLabel, roleLabel, stateText, statusGroupLabel, statusLabel } from '../../services/words';
import type { ConnectionHandle, ConnectionManager } from '../../services/connectionManager';
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

let numberFormat: Intl.NumberFormat | undefined;
/** Count formatting, with the formatter created on first use (building it at module load costs activation time). */
const nf = { format: (n: number): string => (numberFormat ??= new Intl.NumberFormat('en')).format(n) };

/** How long a full refresh waits for more reasons to refresh (ms): a burst of setting or view-state changes refreshes once. */
const FULL_REFRESH_DEBOUNCE_MS = 30;

/**
 * The Tokens view (TreeDataProvider). With one connection, its tokens (or
 * groups) are the top level and the view's description names the connection;
 * with several, each connection is a top-level node whose description shows
 * the signed-in user and role. Lists follow the explorer state (grouping,
 * sort, filter); long lists show 200 rows and a "Show more…" row. Errors never
 * pop up from here: they show as message rows.
 *
 * Nodes are stable objects (one per connection, group, token, message row),
 * updated in place. When a connection's list or state changes, only the nodes
 * that changed are refreshed (`onDidChangeTreeData(node)`): a row whose item
 * changed, or the parent whose children changed; the whole tree is refreshed
 * only when connections, grouping, sort or filter change (debounced). Refreshing
 * the root makes VS Code drop every element until it has fetched them again,
 * which is why it is kept for real reloads (the pattern of VS Code's
 * TreeDataProvider guide and vscode-python-environments).
 */
export class TokenTreeProvider implements vscode.TreeDataProvider<TokenNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TokenNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];
  private readonly memo = new Map<string, { snap: unknown; view: unknown; groupBy: string; minute: number; windowMs: number; result: TokenQueryResult }>();
  /** Stable node objects by tree-item id. */
  private readonly nodes = new Map<string, TokenNode>();
  /** The children ids VS Code last fetched, per parent (`''` = root). */
  private readonly shownChildren = new Map<string, string>();
  /** The item VS Code last fetched, per node id (see {@link itemPrint}). */
  private readonly shownItems = new Map<string, string>();
  /** Groups the user expanded (node ids): they stay open when the tree is rebuilt, e.g. after a filter is cleared. */
  private readonly expanded = new Set<string>();
  /** Groups the user collapsed that open by themselves (the status groups that need attention). */
  private readonly collapsed = new Set<string>();
  private fullRefresh: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<string>();
  private dirtyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly state: ExplorerState,
  ) {
    let storeSubs: vscode.Disposable[] = [];
    const follow = () => {
      storeSubs.forEach((s) => s.dispose());
      storeSubs = manager.all.map((h) => h.store.onDidChange(() => this.connectionChanged(h.key)));
    };
    follow();
    this.subs = [
      manager.onDidChange(() => {
        follow();
        this.scheduleRefresh();
      }),
      manager.onDidChangeState((h) => this.connectionChanged(h.key)),
      state.onDidChange(() => this.scheduleRefresh()),
      { dispose: () => storeSubs.forEach((s) => s.dispose()) },
    ];
  }

  /** Refreshes the whole view, debounced: for a real reload (connections, grouping, sort, filter, settings changed). */
  scheduleRefresh(): void {
    if (this.fullRefresh) clearTimeout(this.fullRefresh);
    this.fullRefresh = setTimeout(() => {
      this.fullRefresh = undefined;
      this.dirty.clear();
      this.shownChildren.clear();
      this.emitter.fire(undefined);
    }, FULL_REFRESH_DEBOUNCE_MS);
  }

  /** Remembers that the user expanded or collapsed a node (from `TreeView.onDidExpandElement`/`onDidCollapseElement`). */
  setExpanded(node: TokenNode, expanded: boolean): void {
    const id = nodeId(node);
    if (expanded) {
      this.expanded.add(id);
      this.collapsed.delete(id);
    } else {
      this.expanded.delete(id);
      this.collapsed.add(id);
    }
  }

  /** Resolves once no refresh is pending (for tests: what happens next is caused by what they do next). */
  async whenIdle(): Promise<void> {
    while (this.fullRefresh || this.dirtyTimer) await new Promise((r) => setTimeout(r, FULL_REFRESH_DEBOUNCE_MS));
  }

  /** A connection's list or state changed: refresh what changed of it (coalesced per event-loop turn). */
  private connectionChanged(key: string): void {
    this.dirty.add(key);
    this.dirtyTimer ??= setTimeout(() => {
      this.dirtyTimer = undefined;
      const keys = [...this.dirty];
      this.dirty.clear();
      if (this.fullRefresh) return; // a full refresh is on its way
      for (const k of keys) this.refreshConnection(k);
    }, 0);
  }

  /** Fires `onDidChangeTreeData` for the nodes of a connection that changed since VS Code last fetched them. */
  private refreshConnection(key: string): void {
    const h = this.manager.get(key);
    if (!h) return;
    if (this.showsConnections) {
      const node = this.connectionNode(key);
      if (this.changedItem(node)) {
        this.emitter.fire(node);
        return; // VS Code fetches the node again, and its children
      }
      this.refreshChildren(node);
    } else {
      this.refreshChildren(undefined);
    }
  }

  /** Compares the children of `parent` with what VS Code last fetched: a different list refreshes `parent`, else each changed row. */
  private refreshChildren(parent: TokenNode | undefined): void {
    const parentId = parent ? nodeId(parent) : '';
    const before = this.shownChildren.get(parentId);
    if (before === undefined) return; // never fetched (collapsed): VS Code asks when it is expanded
    const children = this.childrenOf(parent);
    if (children.map(nodeId).join('\n') !== before) {
      this.emitter.fire(parent);
      return;
    }
    for (const child of children) {
      if (this.changedItem(child)) this.emitter.fire(child);
      else if (child.kind === 'group') this.refreshChildren(child);
    }
  }

  private changedItem(node: TokenNode): boolean {
    const shown = this.shownItems.get(nodeId(node));
    return shown !== undefined && shown !== itemPrint(this.buildItem(node));
  }

  /** The stable node with `id`, created by `make` the first time and updated with `fields` afterwards. */
  private stable<T extends TokenNode>(fresh: T): T {
    const id = nodeId(fresh);
    const node = this.nodes.get(id) as T | undefined;
    if (!node || node.kind !== fresh.kind) {
      this.nodes.set(id, fresh);
      return fresh;
    }
    for (const k of Object.keys(node) as Array<keyof T>) if (!(k in fresh)) delete node[k];
    Object.assign(node, fresh);
    return node;
  }

  private connectionNode(key: string): Extract<TokenNode, { kind: 'connection' }> {
    return this.stable({ kind: 'connection', connectionKey: key });
  }

  /** True when connections are top-level nodes (more than one configured). */
  get showsConnections(): boolean {
    return this.manager.all.length > 1;
  }

  getChildren(element?: TokenNode): TokenNode[] {
    const children = this.childrenOf(element);
    this.shownChildren.set(element ? nodeId(element) : '', children.map(nodeId).join('\n'));
    return children;
  }

  /** The parent of a node (for `TreeView.reveal`): its group, else its connection (with several), else the root. */
  getParent(node: TokenNode): TokenNode | undefined {
    if (node.kind === 'connection') return undefined;
    const key = node.connectionKey;
    const h = key ? this.manager.get(key) : undefined;
    const top = h && this.showsConnections ? this.connectionNode(h.key) : undefined;
    if (!h || node.kind !== 'token' || this.groupingFor(h) === 'none') return top;
    const group = this.query(h).groups.find((g) => g.tokens.some((t) => t.id === node.token.id));
    if (!group) return top;
    return this.nodes.get(`group:${h.key}:${group.key}`) ?? top;
  }

  private childrenOf(element?: TokenNode): TokenNode[] {
    if (!element) {
      const all = this.manager.all;
      if (all.length === 0) return [];
      if (all.length === 1) return all[0]!.connection.current.state === 'ready' ? this.connectionChildren(all[0]!) : [];
      return all.map((h) => this.connectionNode(h.key));
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

  /** The tree rows of a connection: sign-in/error rows, or its (grouped) tokens with status rows (stable nodes). */
  connectionChildren(h: ConnectionHandle): TokenNode[] {
    return this.connectionRows(h).map((n) => this.stable(n));
  }

  private connectionRows(h: ConnectionHandle): TokenNode[] {
    const s = h.connection.current;
    const key = h.key;
    if (s.state === 'needsSignIn') {
      return [
        {
          kind: 'message',
          connectionKey: key,
          id: `${key}:signin`,
          label: vscode.l10n.t('Sign in…'),
          icon: 'sign-in',
          tooltip: s.message,
          command: { command: Commands.signIn, title: vscode.l10n.t('Sign In'), arguments: [{ kind: 'connection', connectionKey: key }] },
        },
      ];
    }
    if (s.state === 'error') {
      return [
        {
          kind: 'message',
          connectionKey: key,
          id: `${key}:error`,
          label: s.message ?? vscode.l10n.t('The controller could not be reached.'),
          icon: 'error',
          tooltip: s.message,
          command: { command: Commands.refresh, title: vscode.l10n.t('Retry'), arguments: [{ kind: 'connection', connectionKey: key }] },
        },
      ];
    }
    if (s.state !== 'ready') return [];
    if (s.user && !canManageTokens(s.user.role)) {
      // One row, with the way out: with one connection the view's message explains, the row is the button.
      const signIn = {
        command: Commands.signIn,
        title: vscode.l10n.t('Sign In with Another Account'),
        arguments: [{ kind: 'connection', connectionKey: key }],
      };
      const label = this.showsConnections
        ? vscode.l10n.t('{0} is a Viewer: sign in with another account to manage tokens…', displayText(s.user.username, 40))
        : vscode.l10n.t('Sign in with another account…');
      return [
        {
          kind: 'message',
          connectionKey: key,
          id: `${key}:viewer`,
          label,
          icon: 'sign-in',
          command: signIn,
          tooltip: vscode.l10n.t('Viewers cannot manage tokens.'),
        },
      ];
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
      nodes.push({
        kind: 'message',
        connectionKey: key,
        id: `${key}:empty`,
        label: vscode.l10n.t('No tokens yet. Create one…'),
        icon: 'add',
        command: { command: Commands.createToken, title: vscode.l10n.t('Create Token') },
      });
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
      nodes.push(
        ...this.windowedTokens(
          h,
          result.groups.flatMap((g) => g.tokens),
          key,
        ),
      );
    } else {
      for (const g of result.groups) {
        const status = g.key.startsWith('status:') ? (g.key.slice(7) as DisplayStatus) : undefined;
        nodes.push({ kind: 'group', connectionKey: key, key: g.key, label: g.label, count: g.tokens.length, ...(status ? { status } : {}) });
      }
    }
    // Only while pages are still arriving: a one-page reload (a refresh on focus) changes no row.
    if (snap.loading && snap.progress && snap.progress.loaded < snap.progress.total) {
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
    const nodes: TokenNode[] = shown.map((token) => this.stable({ kind: 'token', token, stored: stored.has(token.id), connectionKey: h.key }));
    if (remaining > 0) nodes.push(this.stable({ kind: 'more', connectionKey: h.key, parentKey, remaining }));
    return nodes;
  }

  getTreeItem(node: TokenNode): vscode.TreeItem {
    const item = this.buildItem(node);
    this.shownItems.set(nodeId(node), itemPrint(item));
    return item;
  }

  private buildItem(node: TokenNode): vscode.TreeItem {
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
    item.description = [
      ready ? `${displayText(s.user!.username, 40)} (${roleLabel(s.user!.role)})` : stateText(s.state),
      active ? vscode.l10n.t('active') : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      ready ? 'vm-active' : s.state === 'error' ? 'vm-outline' : 'vm-outline',
      ready ? undefined : new vscode.ThemeColor(s.state === 'error' ? 'list.errorForeground' : 'disabledForeground'),
    );
    item.collapsibleState = ready || active ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    item.contextValue = `connection;${s.state};${active ? 'active' : 'inactive'}${ready && isTokenAdmin(s.user!.role) ? ';admin' : ''}`;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown('**')
      .appendText(displayText(h.name, 60))
      .appendMarkdown(active ? `** ${vscode.l10n.t('(active connection)')}  \n` : '**  \n');
    md.appendText(h.url).appendMarkdown('  \n');
    if (ready) md.appendText(vscode.l10n.t('Signed in as {0} ({1})', displayText(s.user!.username, 60), roleLabel(s.user!.role))).appendMarkdown('  \n');
    else md.appendText(s.message ?? stateText(s.state)).appendMarkdown('  \n');
    const snap = h.store.snapshot;
    if (snap.loadedAt) {
      const tokens = snap.tokens.length === 1 ? vscode.l10n.t('1 token') : vscode.l10n.t('{0} tokens', nf.format(snap.tokens.length));
      md.appendText(vscode.l10n.t('{0}, {1} with a stored value', tokens, nf.format(snap.stored.size)));
    }
    item.tooltip = md;
    item.accessibilityInformation = { label: vscode.l10n.t('Connection {0}, {1}', displayText(h.name, 60), item.description) };
    return item;
  }

  private groupItem(node: Extract<TokenNode, { kind: 'group' }>): vscode.TreeItem {
    const filtered = !!this.state.view.filter;
    const id = nodeId(node);
    // Expiring and expired tokens need attention: their groups open by themselves until the user collapses them.
    const attention = node.status === 'expiring' || node.status === 'expired';
    const open = filtered || this.expanded.has(id) || (attention && !this.collapsed.has(id));
    const label = node.status ? statusGroupLabel(node.status) : displayText(node.label, 80);
    const item = new vscode.TreeItem(label, open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
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
    const count =
      node.count === 1 ? vscode.l10n.t('{0}: {1} token', label, nf.format(node.count)) : vscode.l10n.t('{0}: {1} tokens', label, nf.format(node.count));
    item.tooltip = filtered ? vscode.l10n.t('{0} matching the filter', count) : count;
    item.accessibilityInformation = { label: count };
    return item;
  }

  /** Builds the TreeItem of a token at `now` (UTC ms). */
  tokenItem(token: Token, stored: boolean, now: number, connectionKey?: string): vscode.TreeItem {
    const windowMs = expiringWindowMs();
    const status = displayStatus(token, now, windowMs);
    const h = this.manager.get(connectionKey) ?? this.manager.active;
    const user = h?.connection.user;
    const admin = user ? isTokenAdmin(user.role) : false;
    const item = new vscode.TreeItem(ui.tokenName(token.description, 80));
    const key = h?.key ?? '';
    item.id = `token:${key}:${token.id}`;
    // Expiring tokens also carry a "3d" badge and the warning color (decorations); the phrase says when.
    const parts = [expiryLabel(token, now)];
    if (admin && h && this.groupingFor(h) !== 'owner') parts.push(displayText(token.username || token.userId, 40));
    if (stored) parts.push(vscode.l10n.t('value stored'));
    item.description = parts.join(' · ');
    const [icon, color] = STATUS_ICON[status];
    item.iconPath = new vscode.ThemeIcon(stored ? 'key' : icon, new vscode.ThemeColor(color));
    const expiresAt = parseTime(token.expiresAt);
    item.resourceUri = tokenItemUri(
      key,
      token.id,
      status,
      status === 'expiring' ? daysLeft(token.expiresAt, now) : undefined,
      expiresAt === undefined ? undefined : Math.max(1, Math.ceil((expiresAt - now) / 3_600_000)),
    );
    item.contextValue = `token;${token.status};${status}${admin && token.status === 'active' ? ';reassign' : ''};${stored ? 'stored' : 'remote'}`;
    item.tooltip = tokenTooltip(token, status, stored, now);
    item.accessibilityInformation = { label: vscode.l10n.t('Token {0}, {1}, {2}', ui.tokenName(token.description, 80), statusLabel(status), item.description) };
    return item;
  }

  dispose(): void {
    if (this.fullRefresh) clearTimeout(this.fullRefresh);
    if (this.dirtyTimer) clearTimeout(this.dirtyTimer);
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

/** Status group labels by display status (for messages). */
export const STATUS_GROUP_LABEL: Record<DisplayStatus, string> = Object.fromEntries(STATUS_GROUPS.map((g) => [g.status, g.label])) as Record<
  DisplayStatus,
  string
>;

/** The hover of a token item: every field as text (server text escaped), and the permission list. Information only, no actions. */
export function tokenTooltip(token: Token, status: DisplayStatus, stored: boolean, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(ui.tokenName(token.description, 200)).appendMarkdown('**\n\n');
  const row = (label: string, value: string) => md.appendText(`${label}: ${value}`).appendMarkdown('  \n');
  row(vscode.l10n.t('Status'), `${statusLabel(status)} (${expiryLabel(token, now)})`);
  row(vscode.l10n.t('Owner'), displayText(token.username, 80));
  row(vscode.l10n.t('ID'), token.id);
  row(vscode.l10n.t('Prefix'), `${token.prefix}…`);
  const created = parseTime(token.createdAt);
  if (created !== undefined) row(vscode.l10n.t('Created'), formatUtc(created));
  const exp = parseTime(token.expiresAt);
  row(vscode.l10n.t('Expires'), exp === undefined ? vscode.l10n.t('never') : formatUtc(exp));
  const used = parseTime(token.lastUsedAt);
  row(vscode.l10n.t('Last used'), used === undefined ? vscode.l10n.t('never') : `${relativeLabel(used - now)} (${formatUtc(used)})`);
  if (stored) row(vscode.l10n.t('Value'), vscode.l10n.t('stored in VS Code secret storage'));
  md.appendMarkdown(`\n**${vscode.l10n.t('Permissions')}**  \n`);
  const granted = RESOURCES.filter((r) => (token.permissions[r.id]?.length ?? 0) > 0);
  if (granted.length === 0) md.appendText(vscode.l10n.t('none'));
  for (const r of granted) row(r.label, (token.permissions[r.id] ?? []).join(', '));
  return md;
}

/** The identity of a node: the id of its tree item (without the filter mark of groups). */
export function nodeId(node: TokenNode): string {
  switch (node.kind) {
    case 'connection':
      return `connection:${node.connectionKey}`;
    case 'group':
      return `group:${node.connectionKey}:${node.key}`;
    case 'token':
      return `token:${node.connectionKey ?? ''}:${node.token.id}`;
    case 'more':
      return `more:${node.parentKey}`;
    case 'message':
      return `message:${node.id}`;
  }
}

/** What a tree item shows, as text: two equal prints render the same row. */
function itemPrint(item: vscode.TreeItem): string {
  const text = (v: unknown) =>
    v instanceof vscode.MarkdownString ? v.value : typeof v === 'object' && v && 'label' in v ? (v as vscode.TreeItemLabel).label : v;
  const icon = item.iconPath instanceof vscode.ThemeIcon ? [item.iconPath.id, item.iconPath.color?.id] : undefined;
  return JSON.stringify([
    text(item.label),
    item.description,
    text(item.tooltip),
    item.contextValue,
    icon,
    item.collapsibleState,
    item.resourceUri?.toString(),
    item.command?.command,
    item.accessibilityInformation?.label,
  ]);
}
