/**
 * The Tokens tree view as activation creates it: VS Code needs the view and a
 * data provider when the extension activates, but the provider and the
 * services behind it are separate bundles (esbuild.mjs,
 * build/lazy-bundles.mjs). The view gets a stand-in provider that forwards
 * every call to the real one, loaded on the first call; `tokensView.ts` binds
 * the real provider, the description, the message and the context keys to it.
 */
import * as vscode from 'vscode';
import { Views } from '../../constants';
import type { TokenNode, TokenTreeProvider } from './tokenTreeProvider';

/** The view and the emitter its stand-in provider fires for the real provider. */
export interface TokensTree extends vscode.Disposable {
  readonly view: vscode.TreeView<TokenNode>;
  /** Fired for `onDidChangeTreeData` of the real provider (`tokensView.ts` forwards its events here). */
  readonly changed: vscode.EventEmitter<TokenNode | undefined>;
}

/**
 * Creates the Tokens view (multi-select) over a stand-in provider.
 * @param real loads (once) and returns the real provider; called on VS Code's first request for rows
 */
export function createTokensTree(real: () => TokenTreeProvider): TokensTree {
  const changed = new vscode.EventEmitter<TokenNode | undefined>();
  const standIn: vscode.TreeDataProvider<TokenNode> = {
    onDidChangeTreeData: changed.event,
    getChildren: (node) => real().getChildren(node),
    getTreeItem: (node) => real().getTreeItem(node),
    getParent: (node) => real().getParent(node),
  };
  const view = vscode.window.createTreeView(Views.tokens, { treeDataProvider: standIn, showCollapseAll: false, canSelectMany: true });
  return {
    view,
    changed,
    dispose: () => {
      view.dispose();
      changed.dispose();
    },
  };
}
