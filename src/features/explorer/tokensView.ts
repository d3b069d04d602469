/**
 * The Tokens view itself: the tree view over {@link TokenTreeProvider}, its
 * description and message line, and the context keys the menus and welcome
 * views read (README "How it works": the view follows the active connection,
 * `package.json` `viewsWelcome`/`menus` use these keys).
 */
import * as vscode from 'vscode';
import { ContextKeys, Views } from '../../constants';
import { canManageTokens, isTokenAdmin } from '../../core/permissions';
import type { ConnectionManager } from '../../services/connectionManager';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { ExplorerState } from './explorerState';
import { TokenTreeProvider, filterMessage, viewDescription, viewMessage } from './tokenTreeProvider';

/** The Tokens view and what keeps it in step with the connections. */
export interface TokensView extends vscode.Disposable {
  readonly treeProvider: TokenTreeProvider;
  readonly view: vscode.TreeView<unknown>;
}

/**
 * Creates the Tokens view (multi-select) and keeps its description, message
 * and the context keys (`state`, `canCreate`, `connectionCount`,
 * `sessionEnded`, `anyAdmin`) in step with the connections and the explorer
 * state.
 */
export function createTokensView(manager: ConnectionManager, connection: ControllerConnection, state: ExplorerState): TokensView {
  const treeProvider = new TokenTreeProvider(manager, state);
  const view = vscode.window.createTreeView(Views.tokens, { treeDataProvider: treeProvider, showCollapseAll: false, canSelectMany: true });
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const sync = () => {
    const s = connection.current;
    const all = manager.all;
    setContext(ContextKeys.state, s.state);
    setContext(ContextKeys.canCreate, s.state === 'ready' && !!s.user && canManageTokens(s.user.role));
    setContext(ContextKeys.connectionCount, all.length);
    setContext(ContextKeys.sessionEnded, s.state === 'needsSignIn' && !!s.message);
    setContext(ContextKeys.anyAdmin, all.some((h) => !!h.connection.user && isTokenAdmin(h.connection.user.role)));
    view.description = viewDescription(manager, state);
    // The filter is also in the description, but a narrow side bar cuts the title: say it above the list too.
    view.message = [viewMessage(manager, connection), filterMessage(state)].filter(Boolean).join('\n') || undefined;
  };
  const subs = [treeProvider, view, manager.onDidChange(sync), manager.onDidChangeState(sync), state.onDidChange(sync)];
  sync();
  return {
    treeProvider,
    view: view as vscode.TreeView<unknown>,
    dispose: () => subs.forEach((d) => d.dispose()),
  };
}
