import * as vscode from 'vscode';
import { ContextKeys } from '../../constants';
import {
  DEFAULT_VIEW_STATE,
  parseViewState,
  serializeViewState,
  type ExplorerViewState,
  type GroupBy,
  type SortBy,
  type TokenFilter,
} from '../../core/explorerModel';

/** workspaceState key of the explorer's grouping, sort order and filter (the filter as its query text; never a token value). */
const STATE_KEY = 'telegrafController.explorer.view';

/** Tree rows shown per list before a "Show more…" row (the rest is revealed 200 at a time). */
export const DISPLAY_PAGE = 200;

/**
 * The explorer's view state — grouping, sort order, filter — remembered per
 * workspace (workspaceState), mirrored into context keys for the view-title
 * menus, plus how many rows each long list shows (not remembered).
 */
export class ExplorerState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when grouping, sort, filter or a display limit changed. */
  readonly onDidChange = this.emitter.event;
  private state: ExplorerViewState;
  private readonly limits = new Map<string, number>();

  constructor(private readonly memento: vscode.Memento) {
    this.state = parseViewState(memento.get(STATE_KEY));
    this.syncContext();
  }

  /** Current grouping, sort and filter. */
  get view(): ExplorerViewState {
    return this.state;
  }

  /** Rows shown for the list `parentKey` (a connection or group node key). */
  limit(parentKey: string): number {
    return this.limits.get(parentKey) ?? DISPLAY_PAGE;
  }

  /** Shows {@link DISPLAY_PAGE} more rows of the list `parentKey`. */
  showMore(parentKey: string): void {
    this.limits.set(parentKey, this.limit(parentKey) + DISPLAY_PAGE);
    this.emitter.fire();
  }

  /** Sets the grouping. */
  setGroupBy(groupBy: GroupBy): Promise<void> {
    return this.set({ ...this.state, groupBy });
  }

  /** Sets the sort order. */
  setSortBy(sortBy: SortBy): Promise<void> {
    return this.set({ ...this.state, sortBy });
  }

  /** Sets or (undefined) clears the filter. */
  setFilter(filter: TokenFilter | undefined): Promise<void> {
    const { filter: _old, ...rest } = this.state;
    return this.set(filter ? { ...rest, filter } : rest);
  }

  /** Hides (true) or shows revoked tokens. */
  setHideRevoked(hide: boolean): Promise<void> {
    const { hideRevoked: _old, ...rest } = this.state;
    return this.set(hide ? { ...rest, hideRevoked: true } : rest);
  }

  /** Back to no grouping, newest first, no filter. */
  reset(): Promise<void> {
    return this.set(DEFAULT_VIEW_STATE);
  }

  dispose(): void {
    this.emitter.dispose();
  }

  private async set(next: ExplorerViewState): Promise<void> {
    this.state = next;
    this.limits.clear();
    this.syncContext();
    this.emitter.fire();
    await this.memento.update(STATE_KEY, serializeViewState(next));
  }

  private syncContext(): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.state.groupBy);
    void vscode.commands.executeCommand('setContext', ContextKeys.sortBy, this.state.sortBy);
    void vscode.commands.executeCommand('setContext', ContextKeys.filterActive, !!this.state.filter);
    void vscode.commands.executeCommand('setContext', ContextKeys.hideRevoked, !!this.state.hideRevoked);
  }
}
