/**
 * The Tokens view bound to its data: the tree provider behind the view that
 * activation created (tokensTree.ts), the view's description and message line, its keys (Enter, Ctrl+C, Delete on the
 * selected rows), and the context keys the menus and welcome views read (README "How it works": the view follows the active connection,
 * `package.json` `viewsWelcome`/`menus` use these keys).
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys } from '../../constants';
import { registerCommand } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import { canManageTokens, isTokenAdmin } from '../../core/roles';
import type { ConnectionManager } from '../../services/connectionManager';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { ExplorerState } from './explorerState';
import type { TokensTree } from './tokensTree';
import { describeTokenFilter } from '../../core/explorerModel';
import { displayText } from '../../core/text';
import type { TokenNode, TokenTreeProvider } from './tokenTreeProvider';
import { TokenTreeProvider as TreeProvider } from './tokenTreeProvider';
import { roleLabel } from '../../services/words';

/** The Tokens view and what keeps it in step with the connections. */
export interface TokensView extends vscode.Disposable {
  /** The tree's data provider (loaded on first use). */
  readonly treeProvider: TokenTreeProvider;
  /** Refreshes the whole tree (when loaded: before, there is nothing to refresh). */
  scheduleRefresh(): void;
  readonly view: vscode.TreeView<unknown>;
}

/**
 * Binds the Tokens view that activation created ({@link createTokensTree}) to
 * the real tree provider (created here on first use) and keeps its
 * description, message and the context keys (`state`, `canCreate`,
 * `connectionCount`, `sessionEnded`, `anyAdmin`) in step with the
 * connections and the explorer state.
 */
export function bindTokensView(tree: TokensTree, manager: ConnectionManager, connection: ControllerConnection, state: ExplorerState): TokensView {
  const { view, changed } = tree;
  let real: TokenTreeProvider | undefined;
  const provider = (): TokenTreeProvider => {
    if (!real) {
      real = new TreeProvider(manager, state);
      subs.push(
        real,
        real.onDidChangeTreeData((n) => changed.fire(n)),
      );
    }
    return real;
  };
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const sync = () => {
    const s = connection.current;
    const all = manager.all;
    // Until the connections are read and their stored sign-in checked, no welcome text applies ("loading").
    setContext(ContextKeys.state, manager.loaded ? s.state : 'loading');
    // Create stays available while any connection can create tokens (the command asks which one if the active one cannot).
    setContext(
      ContextKeys.canCreate,
      all.some((h) => h.connection.current.state === 'ready' && !!h.connection.user && canManageTokens(h.connection.user.role)),
    );
    setContext(ContextKeys.connectionCount, all.length);
    setContext(ContextKeys.sessionEnded, s.state === 'needsSignIn' && !!s.message);
    setContext(
      ContextKeys.anyAdmin,
      all.some((h) => !!h.connection.user && isTokenAdmin(h.connection.user.role)),
    );
    view.description = viewDescription(manager, state);
    // The filter is also in the description, but a narrow side bar cuts the title: say it above the list too.
    view.message = manager.loaded
      ? [viewMessage(manager, connection), filterMessage(state)].filter(Boolean).join('\n') || undefined
      : vscode.l10n.t('Reading the connections and checking the sign-in…');
  };
  const subs: vscode.Disposable[] = [
    manager.onDidChange(sync),
    manager.onDidChangeState(sync),
    state.onDidChange(sync),
    view.onDidExpandElement((e) => provider().setExpanded(e.element, true)),
    view.onDidCollapseElement((e) => provider().setExpanded(e.element, false)),
  ];
  sync();
  return {
    get treeProvider() {
      return provider();
    },
    scheduleRefresh: () => real?.scheduleRefresh(),
    view: view as vscode.TreeView<unknown>,
    dispose: () => subs.forEach((d) => d.dispose()),
  };
}

/** The view's description: the connection (one connection) and the active filter, e.g. `admin (owner) @ localhost:8888 · filter: owner bob`. */
export function viewDescription(manager: ConnectionManager, state: ExplorerState): string | undefined {
  const parts: string[] = [];
  if (manager.all.length === 1) {
    const h = manager.all[0]!;
    const s = h.connection.current;
    parts.push(
      s.state === 'ready' && s.user
        ? vscode.l10n.t('{0} ({1}) @ {2}', displayText(s.user.username, 40), roleLabel(s.user.role), displayText(h.name, 60))
        : displayText(h.name, 60),
    );
  }
  const f = state.view.filter;
  if (f) parts.push(vscode.l10n.t('filter: {0}', displayText(describeTokenFilter(f), 80)));
  if (state.view.hideRevoked) parts.push(vscode.l10n.t('revoked hidden'));
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * The view's message about the connection, with one connection only (with
 * several, each connection node shows its own state): the Viewer notice, an
 * unreachable controller, an ended session. Undefined when all is well.
 */
export function viewMessage(manager: ConnectionManager, connection: ControllerConnection): string | undefined {
  if (manager.all.length > 1) return undefined;
  const s = connection.current;
  if (s.state === 'ready' && s.user && !canManageTokens(s.user.role)) {
    return vscode.l10n.t('Signed in as {0}, a Viewer: Viewers cannot manage tokens.', displayText(s.user.username, 60));
  }
  if (s.state === 'error') return s.message;
  if (s.state === 'needsSignIn' && s.message) return s.message;
  return undefined;
}

/**
 * The line above the list while a filter is active or revoked tokens are
 * hidden, e.g. `Filter: owner bob · heartbeat:write`; undefined otherwise.
 */
export function filterMessage(state: ExplorerState): string | undefined {
  const f = state.view.filter;
  const hidden = state.view.hideRevoked ? vscode.l10n.t('Revoked tokens are hidden.') : undefined;
  if (!f) return hidden;
  const filter = vscode.l10n.t('Filter: {0}', displayText(describeTokenFilter(f), 120));
  return hidden ? `${filter} · ${hidden}` : filter;
}

/**
 * The keys of the Tokens view (package.json `keybindings`, when the view has
 * focus): Delete deletes the selected rows (as the context menu passes
 * them), Enter opens the focused token's details, Ctrl+C / Cmd+C copies its
 * value when VS Code stores it, else its ID. Rows that are not tokens
 * (groups, messages) do nothing.
 */
export function registerSelectionKeys(view: vscode.TreeView<unknown>, log: Logger): vscode.Disposable[] {
  const token = (): (TokenNode & { kind: 'token' }) | undefined => {
    const n = view.selection[0] as TokenNode | undefined;
    return n && typeof n === 'object' && n.kind === 'token' ? n : undefined;
  };
  return [
    registerCommand(
      Commands.deleteSelectedTokens,
      () => (view.selection.length ? vscode.commands.executeCommand(Commands.deleteToken, view.selection[0], view.selection) : undefined),
      log,
    ),
    registerCommand(
      Commands.openSelectedToken,
      () => {
        const n = token();
        return n ? vscode.commands.executeCommand(Commands.showTokenDetails, n) : undefined;
      },
      log,
    ),
    registerCommand(
      Commands.copySelectedToken,
      () => {
        const n = token();
        return n ? vscode.commands.executeCommand(n.stored ? Commands.copyTokenValue : Commands.copyTokenId, n) : undefined;
      },
      log,
    ),
  ];
}
