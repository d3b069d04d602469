import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import { FILTER_SYNTAX_HELP, formatTokenFilter, parseTokenFilter, type GroupBy, type SortBy } from '../../core/explorerModel';
import { isTokenAdmin } from '../../core/permissions';
import { Commands } from '../../constants';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { ConnectionManager } from '../../services/connectionManager';
import type { ExplorerState } from './explorerState';
import type { TokenNode } from './tokenTreeProvider';

/**
 * Registers the view-title commands of the explorer: Group By (none / status /
 * owner), Sort By (created / expires / description), Filter… and Clear
 * Filter, and the tree's "Show more…" row.
 */
export function registerExplorerCommands(state: ExplorerState, manager: ConnectionManager, log: Logger): vscode.Disposable[] {
  const group = (groupBy: GroupBy) => async () => {
    if (groupBy === 'owner' && !manager.all.some((h) => h.connection.user && isTokenAdmin(h.connection.user.role))) {
      void ui.showInformationMessage(
        vscode.l10n.t("Grouping by owner helps Owners and Administrators, who see every user's tokens; as a Manager you see only your own."),
      );
    }
    await state.setGroupBy(groupBy);
  };
  const sort = (sortBy: SortBy) => () => state.setSortBy(sortBy);
  return [
    registerCommand(Commands.groupByNone, group('none'), log),
    registerCommand(Commands.groupByStatus, group('status'), log),
    registerCommand(Commands.groupByOwner, group('owner'), log),
    registerCommand(Commands.sortByCreated, sort('created'), log),
    registerCommand(Commands.sortByExpires, sort('expires'), log),
    registerCommand(Commands.sortByDescription, sort('description'), log),
    registerCommand(
      Commands.filterTokens,
      async (query?: unknown) => {
        // A string argument (tests, keybindings) skips the input box.
        const text =
          typeof query === 'string'
            ? query
            : required(
                await ui.showInputBox({
                  title: vscode.l10n.t('Filter Tokens'),
                  prompt: FILTER_SYNTAX_HELP,
                  placeHolder: vscode.l10n.t('e.g. agent owner:bob heartbeat:write'),
                  value: state.view.filter ? formatTokenFilter(state.view.filter) : '',
                  ignoreFocusOut: false,
                  validateInput: (v) => parseTokenFilter(v).error,
                }),
              );
        const parsed = parseTokenFilter(text);
        if (parsed.error !== undefined) throw new Error(parsed.error);
        await state.setFilter(parsed.filter);
      },
      log,
    ),
    registerCommand(Commands.clearFilter, () => state.setFilter(undefined), log),
    registerCommand(Commands.toggleHideRevoked, () => state.setHideRevoked(!state.view.hideRevoked), log),
    registerCommand(
      Commands.loadMore,
      (node?: TokenNode) => {
        if (!node || node.kind !== 'more') throw new Cancelled();
        state.showMore(node.parentKey);
      },
      log,
    ),
  ];
}
