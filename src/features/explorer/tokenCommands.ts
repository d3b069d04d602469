import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import { isUnusableToken, type BulkResult, type Token, type User } from '../../core/api/contract';
import { ControllerError, isAuthFailure, mayHaveBeenApplied } from '../../core/api/errors';
import { chunk, describeReassign, mergeBulk, reassignPreview, summarizeBulk, type BulkSummary } from '../../core/tokenQuery';
import { effectivePermissions, isTokenAdmin } from '../../core/permissions';
import { canManageTokens } from '../../core/roles';
import { displayText, pickText } from '../../core/text';
import { displayStatus } from '../../core/tokens';
import { Commands } from '../../constants';
import { logActivity } from '../../infra/activityLog';
import { copySecret } from '../../infra/clipboard';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import type { Notifier } from '../../infra/notify';
import type { ConnectionHandle, ConnectionManager } from '../../services/connectionManager';
import type { TokenUsage } from '../../services/tokenUsage';
import { tokenPickItems, type Services, type TokenArg } from '../../services/tokenArgs';
import { detailsUri } from './tokenDetails';
import type { TokenNode } from './tokenTreeProvider';
import { roleLabel } from '../../services/words';

/** The explorer's own token commands also need the connections and the notifier. */
export interface ExplorerCommandDeps extends Services {
  manager: ConnectionManager;
  notifier: Notifier;
  /** Where tokens are used in the workspace (named in the Revoke and Delete confirmations). */
  usage?: TokenUsage;
}

/** Ids per bulk request (the contract allows up to 1000; smaller chunks give finer progress). */
const BULK_CHUNK = 100;
/** Tokens named in a confirmation before "and N more". */
const LISTED = 12;

/** A token with the connection it belongs to. */
export interface TokenTarget {
  handle: ConnectionHandle;
  token: Token;
}

function isNode(x: unknown): x is TokenNode {
  return !!x && typeof x === 'object' && 'kind' in x;
}

/**
 * The tokens a command acts on, with their connections: the multi-selection
 * of the tree (when it has several tokens and includes the clicked one), the
 * clicked token, ids (`{ ids, connectionKey }`, id strings: the active
 * connection), or a quick pick over the active connection's tokens (several
 * when `many`). Throws Cancelled when nothing is chosen.
 */
export async function resolveTargets(
  deps: ExplorerCommandDeps,
  arg: TokenArg,
  selected: unknown,
  opts: { placeHolder: string; many: boolean; filter?: (t: Token, stored: boolean) => boolean; noneFits?: (handle: ConnectionHandle) => string },
): Promise<TokenTarget[]> {
  const { manager } = deps;
  const filter = opts.filter ?? (() => true);
  const nodeTarget = (n: Extract<TokenNode, { kind: 'token' }>): TokenTarget | undefined => {
    const handle = manager.get(n.connectionKey) ?? manager.active;
    return handle ? { handle, token: handle.store.find(n.token.id) ?? n.token } : undefined;
  };
  if (opts.many && Array.isArray(selected)) {
    const nodes = selected.filter((s): s is Extract<TokenNode, { kind: 'token' }> => isNode(s) && s.kind === 'token');
    if (nodes.length > 1 && (!isNode(arg) || arg.kind !== 'token' || nodes.some((n) => n.token.id === arg.token.id))) {
      return nodes.map(nodeTarget).filter((t): t is TokenTarget => !!t);
    }
  }
  if (isNode(arg) && arg.kind === 'token') {
    const t = nodeTarget(arg);
    if (t) return [t];
  }
  if (arg && typeof arg === 'object' && 'ids' in arg && Array.isArray(arg.ids)) {
    const handle = manager.get(arg.connectionKey) ?? manager.active;
    if (!handle) throw new Error(vscode.l10n.t('No Telegraf Controller is connected.'));
    const out: TokenTarget[] = [];
    for (const id of arg.ids) out.push({ handle, token: handle.store.find(id) ?? (await handle.connection.api().getToken(id)) });
    return out;
  }
  const handle = manager.active;
  if (!handle) throw new Error(vscode.l10n.t('No Telegraf Controller is connected. Run "Telegraf Controller: Connect…".'));
  const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'id' in arg && typeof arg.id === 'string' ? arg.id : undefined;
  if (id) return [{ handle, token: handle.store.find(id) ?? (await handle.connection.api().getToken(id)) }];
  if (!handle.store.snapshot.loadedAt) await handle.store.refresh();
  const { tokens, stored } = handle.store.snapshot;
  const now = Date.now();
  const candidates = tokens.filter((t) => filter(t, stored.has(t.id)));
  if (candidates.length === 0) {
    void ui.showInformationMessage(opts.noneFits ? opts.noneFits(handle) : vscode.l10n.t('No token of {0} fits this command.', handle.name));
    throw new Cancelled();
  }
  const items = tokenPickItems(candidates, stored, now);
  if (opts.many) {
    const picks = required(await ui.showQuickPick(items, { placeHolder: opts.placeHolder, canPickMany: true, matchOnDescription: true, matchOnDetail: true }));
    if (picks.length === 0) throw new Cancelled();
    return picks.map((p) => ({ handle, token: p.token }));
  }
  const pick = required(await ui.showQuickPick(items, { placeHolder: opts.placeHolder, matchOnDescription: true, matchOnDetail: true }));
  return [{ handle, token: pick.token }];
}

/** The modal's list of tokens: one line each (description, prefix, owner, connection when several), at most 12 and "… and N more". */
export function listForConfirmation(targets: readonly TokenTarget[]): string {
  const several = new Set(targets.map((t) => t.handle.key)).size > 1;
  const lines = targets.slice(0, LISTED).map(({ token, handle }) => {
    const where = several ? ` — ${displayText(handle.name, 30)}` : '';
    return `• ${ui.tokenName(token.description, 60)} (${token.prefix}…, ${displayText(token.username || token.userId, 30)})${where}`;
  });
  if (targets.length > LISTED) lines.push(vscode.l10n.t('… and {0} more', targets.length - LISTED));
  return lines.join('\n');
}

/** Bulk operations of the explorer. */
export type BulkOp = 'revoke' | 'delete' | 'reassign';

/** Result of a bulk command: per-token outcome (returned by the command for tests and scripts). */
export interface BulkOutcome extends BulkSummary {
  op: BulkOp;
  /** Ids not sent because the user cancelled. */
  cancelled: string[];
}

/** The progress title of a bulk operation, e.g. `Revoking 3 tokens`. */
function progressTitle(op: BulkOp, n: number): string {
  const one = n === 1;
  switch (op) {
    case 'revoke':
      return one ? vscode.l10n.t('Revoking {0} token', n) : vscode.l10n.t('Revoking {0} tokens', n);
    case 'delete':
      return one ? vscode.l10n.t('Deleting {0} token', n) : vscode.l10n.t('Deleting {0} tokens', n);
    case 'reassign':
      return one ? vscode.l10n.t('Reassigning {0} token', n) : vscode.l10n.t('Reassigning {0} tokens', n);
  }
}

/** The summary of a bulk operation that fully succeeded, e.g. `Revoked 3 tokens.` */
function doneText(op: BulkOp, n: number): string {
  const one = n === 1;
  switch (op) {
    case 'revoke':
      return one ? vscode.l10n.t('Revoked {0} token.', n) : vscode.l10n.t('Revoked {0} tokens.', n);
    case 'delete':
      return one ? vscode.l10n.t('Deleted {0} token.', n) : vscode.l10n.t('Deleted {0} tokens.', n);
    case 'reassign':
      return one ? vscode.l10n.t('Reassigned {0} token.', n) : vscode.l10n.t('Reassigned {0} tokens.', n);
  }
}

/** The first sentence of a partial bulk summary, e.g. `Revoked 2 of 3 tokens.` (plural after `total`). */
function partialText(op: BulkOp, ok: number, total: number): string {
  const one = total === 1;
  switch (op) {
    case 'revoke':
      return one ? vscode.l10n.t('Revoked {0} of {1} token.', ok, total) : vscode.l10n.t('Revoked {0} of {1} tokens.', ok, total);
    case 'delete':
      return one ? vscode.l10n.t('Deleted {0} of {1} token.', ok, total) : vscode.l10n.t('Deleted {0} of {1} tokens.', ok, total);
    case 'reassign':
      return one ? vscode.l10n.t('Reassigned {0} of {1} token.', ok, total) : vscode.l10n.t('Reassigned {0} of {1} tokens.', ok, total);
  }
}

/**
 * Runs a bulk revoke/delete/reassign over `targets` (grouped by connection,
 * 100 ids per request) with a cancellable progress notification, updates each
 * connection's list from the per-token results, writes one activity line per
 * token, and reports a summary that names failures (never hidden).
 */
export async function runBulk(deps: ExplorerCommandDeps, op: BulkOp, targets: readonly TokenTarget[], target?: User): Promise<BulkOutcome> {
  const total = targets.length;
  const byHandle = new Map<ConnectionHandle, Token[]>();
  for (const t of targets) byHandle.set(t.handle, [...(byHandle.get(t.handle) ?? []), t.token]);
  let summary: BulkSummary = { ok: [], failed: [] };
  const cancelled: string[] = [];
  await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: progressTitle(op, total), cancellable: true }, async (progress, cancel) => {
    let sent = 0;
    for (const [handle, tokens] of byHandle) {
      const api = handle.connection.api();
      for (const part of chunk(tokens, BULK_CHUNK)) {
        const ids = part.map((t) => t.id);
        if (cancel.isCancellationRequested) {
          cancelled.push(...ids);
          continue;
        }
        let results: BulkResult[];
        try {
          results = op === 'revoke' ? await api.bulkRevoke(ids) : op === 'delete' ? await api.bulkDelete(ids) : await api.bulkReassign(ids, target!.id);
        } catch (e) {
          const reason = e instanceof ControllerError ? e.userMessage : e instanceof Error ? e.message : String(e);
          results = ids.map((id) => ({ id, ok: false, error: reason }));
          if (isAuthFailure(e)) await handle.connection.noteFailure(e);
        }
        const part_ = summarizeBulk(ids, results);
        summary = mergeBulk(summary, part_);
        applyResults(deps, handle, op, part, part_, target);
        sent += ids.length;
        progress.report({ increment: (ids.length / total) * 100, message: vscode.l10n.t('{0} of {1}', sent, total) });
      }
    }
  });
  for (const { handle, token } of targets) {
    if (cancelled.includes(token.id)) continue;
    const f = summary.failed.find((x) => x.id === token.id);
    logActivity(deps.log, {
      op,
      connection: handle.connection.label,
      token: { id: token.id, description: token.description },
      ...(f ? { ok: false, detail: `failed: ${f.error}` } : op === 'reassign' && target ? { detail: `to ${target.username} (${target.role})` } : {}),
    });
  }
  const outcome: BulkOutcome = { op, ...summary, cancelled };
  await reportBulk(deps, outcome, targets);
  return outcome;
}

function applyResults(deps: ExplorerCommandDeps, handle: ConnectionHandle, op: BulkOp, tokens: readonly Token[], s: BulkSummary, target?: User): void {
  const ok = new Set(s.ok);
  const done = tokens.filter((t) => ok.has(t.id));
  if (done.length === 0) return;
  if (op === 'delete') {
    handle.store.removeMany(done.map((t) => t.id));
    for (const t of done) void deps.vault.deleteTokenValue(originOf(handle), t.id).catch(() => undefined);
    return;
  }
  const now = new Date().toISOString();
  handle.store.upsertMany(
    done.map((t) =>
      op === 'revoke'
        ? { ...t, status: 'revoked' as const, revokedAt: t.revokedAt ?? now }
        : { ...t, userId: target!.id, username: target!.username, permissions: effectivePermissions(t.permissions, target!.role) },
    ),
  );
}

function originOf(h: ConnectionHandle): string {
  return new URL(h.url).origin;
}

async function reportBulk(deps: ExplorerCommandDeps, o: BulkOutcome, targets: readonly TokenTarget[]): Promise<void> {
  const total = o.ok.length + o.failed.length + o.cancelled.length;
  const name = (id: string) => {
    const t = targets.find((x) => x.token.id === id)?.token;
    return t ? `"${ui.tokenName(t.description, 40)}"` : id;
  };
  if (o.failed.length === 0 && o.cancelled.length === 0) {
    await deps.notifier.info(`bulk-${o.op}`, doneText(o.op, o.ok.length));
    return;
  }
  const parts = [partialText(o.op, o.ok.length, total)];
  if (o.failed.length) {
    // Each reason is a sentence of its own; the summary adds the final full stop (never "deleted..").
    const shown = o.failed.slice(0, 3).map((f) => `${name(f.id)}: ${displayText(f.error, 80).replace(/[.\s]+$/, '')}`);
    const more = o.failed.length > 3 ? vscode.l10n.t('; and {0} more', o.failed.length - 3) : '';
    parts.push(vscode.l10n.t('{0} failed — {1}{2}.', o.failed.length, shown.join('; '), more));
  }
  if (o.cancelled.length) parts.push(vscode.l10n.t('{0} not sent (cancelled).', o.cancelled.length));
  const choice = await ui.showWarningMessage(parts.join(' '), vscode.l10n.t('Show Log'));
  if (choice) deps.log.show();
}

/** Where tokens about to stop working are used: the confirmation's lines, and the places (`file:line` labels). */
interface Usage {
  lines: string[];
  places: string[];
}

/**
 * Where `targets` are used in the workspace (found by the values this VS Code
 * stores, else by their prefixes; at most {@link LISTED} tokens are looked
 * up): the confirmation's lines, empty when none is known to be used.
 */
async function usageOf(deps: ExplorerCommandDeps, targets: readonly TokenTarget[], op: 'stop' | 'reassign' = 'stop'): Promise<Usage> {
  if (!deps.usage) return { lines: [], places: [] };
  const found = await Promise.all(
    targets.slice(0, LISTED).map(async ({ handle, token }) => {
      const value = await deps.vault.getTokenValue(originOf(handle), token.id).catch(() => undefined);
      return { token, places: await deps.usage!.of(token, value) };
    }),
  );
  const used = found.filter((f) => f.places.length > 0);
  if (used.length === 0) return { lines: [], places: [] };
  const places = [...new Set(used.flatMap((u) => u.places))];
  const clip = (p: string[]) => (p.length <= 4 ? p.join(', ') : `${p.slice(0, 4).join(', ')}, ${vscode.l10n.t('… and {0} more', p.length - 4)}`);
  if (targets.length === 1)
    return {
      lines: [
        '',
        op === 'stop'
          ? vscode.l10n.t('Used in this workspace: {0}. Those agents are rejected too.', clip(used[0]!.places))
          : vscode.l10n.t('Used in this workspace: {0}. Those agents keep the same value, with the new permissions.', clip(used[0]!.places)),
      ],
      places,
    };
  return {
    lines: [
      '',
      op === 'stop'
        ? vscode.l10n.t('Used in this workspace (those agents are rejected too):')
        : vscode.l10n.t('Used in this workspace (those agents keep the same values, with the new permissions):'),
      ...used.map(({ token, places: p }) => `• ${ui.tokenName(token.description, 60)}: ${clip(p)}`),
    ],
    places,
  };
}

/**
 * Asks before tokens stop working or change owner. When the workspace uses
 * them (`usage.places`), the default button (Enter) is "Show Where It Is
 * Used", never the action: it lists the places and opens the one picked;
 * nothing changes on the controller then. Throws Cancelled unless `action` is
 * chosen.
 */
async function confirm(message: string, detail: string, action: string, usage?: Usage): Promise<void> {
  const show = vscode.l10n.t('Show Where It Is Used');
  const buttons = usage?.places.length ? [show, action] : [action];
  const choice = await ui.showWarningMessage(message, { modal: true, detail }, ...buttons);
  if (choice === show && usage) {
    const pick = await ui.showQuickPick(
      usage.places.map((label) => ({ label })),
      { placeHolder: vscode.l10n.t('Open which place? Nothing was changed on the controller.') },
    );
    if (pick) await openPlace(pick.label);
  }
  if (choice !== action) throw new Cancelled();
}

/** Opens a `file:line` place label (workspace-relative, as `locationLabel` writes it) at its line. */
async function openPlace(label: string): Promise<void> {
  const m = /^(.*):(\d+)$/.exec(label);
  const rel = m ? m[1]! : label;
  const line = m ? Math.max(0, Number(m[2]) - 1) : 0;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (rel.startsWith('/') || /^[A-Za-z]:[\\/]/.test(rel)) {
    // A file outside the workspace (an env file "Add to Env File…" wrote).
    await vscode.window.showTextDocument(vscode.Uri.file(rel), { selection: new vscode.Range(line, 0, line, 0), preview: true });
    return;
  }
  for (const folder of folders) {
    // Multi-root labels start with the folder's name.
    const inFolder = folders.length > 1 && rel.startsWith(`${folder.name}/`) ? rel.slice(folder.name.length + 1) : rel;
    const uri = vscode.Uri.joinPath(folder.uri, inFolder);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      continue;
    }
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: true });
    return;
  }
  await vscode.commands.executeCommand('workbench.action.quickOpen', label);
}

/**
 * Asks for the user to reassign `tokens` to (`GET /api/users`, enabled users,
 * not the current owner of a single token), each item saying how the
 * permissions would narrow to that user's role (`effectivePermissions`).
 * Throws Cancelled; throws Error when nothing would fit the chosen role.
 */
export async function pickReassignTarget(handle: ConnectionHandle, tokens: readonly Token[]): Promise<User> {
  const users = await handle.connection.api().listUsers();
  const owners = new Set(tokens.map((t) => t.userId));
  const candidates = users.filter((u) => !u.disabled && !(tokens.length === 1 && owners.has(u.id)));
  if (candidates.length === 0) throw new Error(vscode.l10n.t('{0} has no other enabled user to reassign to.', handle.name));
  const rank = { owner: 0, administrator: 1, manager: 2, viewer: 3 } as const;
  const items = candidates
    .sort((a, b) => rank[a.role] - rank[b.role] || a.username.localeCompare(b.username))
    .map((u) => ({
      label: `$(account) ${pickText(u.username, 60)}`,
      description: `${u.role}${u.email ? ` · ${pickText(u.email, 60)}` : ''}`,
      detail: describeReassign(tokens, u.role),
      user: u,
    }));
  const title =
    tokens.length === 1 ? vscode.l10n.t('Reassign "{0}"', ui.tokenName(tokens[0]!.description, 60)) : vscode.l10n.t('Reassign {0} tokens', tokens.length);
  const pick = required(
    await ui.showQuickPick(items, {
      title,
      placeHolder: vscode.l10n.t("Reassign to which user? Permissions narrow to the new owner's role."),
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    }),
  );
  if (tokens.every((t) => reassignPreview(t.permissions, pick.user.role).empty)) {
    throw new Error(
      tokens.length === 1
        ? vscode.l10n.t(
            'None of the permissions of this token fits the {0} role of {1}; the controller would refuse the move.',
            pick.user.role,
            pick.user.username,
          )
        : vscode.l10n.t(
            'None of the permissions of these tokens fits the {0} role of {1}; the controller would refuse the move.',
            pick.user.role,
            pick.user.username,
          ),
    );
  }
  return pick.user;
}

/** True while the controller accepts the token: not revoked and not expired (an expired record keeps status "active"). */
function working(token: Token): boolean {
  const status = displayStatus(token, Date.now());
  return status === 'active' || status === 'expiring';
}

/** Registers Refresh, Revoke, Delete, Reassign, Copy Token ID / Prefix / Value, Show Details and the tree's Insert. */
export function registerTokenCommands(deps: ExplorerCommandDeps): vscode.Disposable[] {
  const { manager, log } = deps;
  const onError = async (e: unknown) => {
    await deps.connection.noteFailure(e);
  };
  const single = async (
    arg: TokenArg,
    placeHolder: string,
    filter?: (t: Token, stored: boolean) => boolean,
    noneFits?: (handle: ConnectionHandle) => string,
  ): Promise<TokenTarget> =>
    (await resolveTargets(deps, arg, undefined, { placeHolder, many: false, ...(filter ? { filter } : {}), ...(noneFits ? { noneFits } : {}) }))[0]!;

  // The multi-selection's menu entries (plural titles) run the same commands with the clicked row and the selection.
  const forSelection = (id: string, target: string) =>
    registerCommand(id, (arg: TokenArg, selected?: unknown) => vscode.commands.executeCommand(target, arg, selected), log);
  return [
    forSelection(Commands.revokeSelectedTokens, Commands.revokeToken),
    forSelection(Commands.deleteSelectedTokensMenu, Commands.deleteToken),
    forSelection(Commands.reassignSelectedTokens, Commands.reassignToken),
    registerCommand(
      Commands.refresh,
      async (arg?: TokenNode) => {
        const key = arg && typeof arg === 'object' && 'connectionKey' in arg ? arg.connectionKey : undefined;
        const handle = manager.get(key);
        if (handle) {
          if (handle.connection.current.state !== 'ready') await handle.connection.open(handle.url);
          else await handle.store.refresh();
          return;
        }
        await Promise.all(
          manager.all.map(async (h) => {
            if (h.connection.current.state === 'error') await h.connection.open(h.url);
            else if (h.store.started || h === manager.active) await h.store.refresh();
          }),
        );
      },
      log,
    ),
    registerCommand(
      Commands.revokeToken,
      async (arg: TokenArg, selected?: unknown) => {
        const targets = await resolveTargets(deps, arg, selected, {
          placeHolder: vscode.l10n.t('Revoke which tokens?'),
          many: true,
          filter: (t) => t.status === 'active',
        });
        const active = targets.filter((t) => t.token.status === 'active');
        if (active.length === 0)
          throw new Error(targets.length === 1 ? vscode.l10n.t('The token is revoked already.') : vscode.l10n.t('Every selected token is revoked already.'));
        if (active.length === 1 && targets.length === 1) {
          const { handle, token } = active[0]!;
          const name = ui.tokenName(token.description, 80);
          const usage = await usageOf(deps, active);
          await confirm(
            vscode.l10n.t('Revoke the token "{0}" ({1}…)?', name, token.prefix),
            [
              vscode.l10n.t('Every agent or script that uses it is rejected from now on. Revoking cannot be undone; the record is kept for audit.'),
              ...usage.lines,
            ].join('\n'),
            vscode.l10n.t('Revoke'),
            usage,
          );
          const updated = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Revoking "{0}"…', name) }, async () => {
            try {
              return await handle.connection.api().revokeToken(token.id);
            } catch (e) {
              // No answer, but the request may have reached the controller: ask it what happened rather than say "failed".
              if (!(e instanceof ControllerError) || !mayHaveBeenApplied(e)) throw e;
              log.warn(`[${handle.connection.label}] revoke of ${token.id} has an unknown outcome (${e.kind}); checking the token on the controller`);
              const now = await handle.connection
                .api()
                .getToken(token.id)
                .catch(() => undefined);
              if (now?.status === 'revoked') return now;
              throw new Error(
                now
                  ? vscode.l10n.t('The controller did not confirm the revoke of "{0}", and the token is still active (checked just now). Try again.', name)
                  : vscode.l10n.t(
                      'The controller did not confirm the revoke of "{0}", and checking the token failed: whether it is revoked is unknown. Refresh the Tokens view to see.',
                      name,
                    ),
                { cause: e },
              );
            }
          });
          // The server applied it even when its answer's record is unusable: keep ours, marked revoked.
          handle.store.upsert(isUnusableToken(updated) ? { ...token, status: 'revoked', revokedAt: token.revokedAt ?? new Date().toISOString() } : updated);
          logActivity(log, { op: 'revoke', connection: handle.connection.label, token: { id: token.id, description: token.description } });
          await deps.notifier.info('revoked', vscode.l10n.t('Revoked "{0}".', name));
          return { op: 'revoke', ok: [token.id], failed: [], cancelled: [] } satisfies BulkOutcome;
        }
        const skipped = targets.length - active.length;
        const bulkUsage = await usageOf(deps, active);
        await confirm(
          active.length === 1 ? vscode.l10n.t('Revoke {0} token?', 1) : vscode.l10n.t('Revoke {0} tokens?', active.length),
          `${listForConfirmation(active)}\n\n${vscode.l10n.t('Every agent or script that uses them is rejected from now on. Revoking cannot be undone; the records are kept for audit.')}${
            skipped
              ? `\n${skipped === 1 ? vscode.l10n.t('{0} selected token is revoked already and left out.', skipped) : vscode.l10n.t('{0} selected tokens are revoked already and left out.', skipped)}`
              : ''
          }${bulkUsage.lines.join('\n')}`,
          vscode.l10n.t('Revoke'),
          bulkUsage,
        );
        return runBulk(deps, 'revoke', active);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.deleteToken,
      async (arg: TokenArg, selected?: unknown) => {
        const targets = await resolveTargets(deps, arg, selected, { placeHolder: vscode.l10n.t('Delete which tokens?'), many: true });
        if (targets.length === 1) {
          const { handle, token } = targets[0]!;
          const name = ui.tokenName(token.description, 80);
          const usage = working(token) ? await usageOf(deps, targets) : { lines: [], places: [] };
          await confirm(
            vscode.l10n.t('Delete the token "{0}" ({1}…)?', name, token.prefix),
            [
              working(token)
                ? vscode.l10n.t('The token stops working and its record is removed completely. To keep an audit record, revoke it instead.')
                : token.status === 'revoked'
                  ? vscode.l10n.t("The revoked token's record is removed completely.")
                  : vscode.l10n.t("The expired token's record is removed completely."),
              ...usage.lines,
            ].join('\n'),
            vscode.l10n.t('Delete'),
            usage,
          );
          await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting "{0}"…', name) }, () =>
            handle.connection.api().deleteToken(token.id),
          );
          handle.store.remove(token.id);
          await deps.vault.deleteTokenValue(originOf(handle), token.id);
          logActivity(log, { op: 'delete', connection: handle.connection.label, token: { id: token.id, description: token.description } });
          await deps.notifier.info('deleted', vscode.l10n.t('Deleted "{0}".', name));
          return { op: 'delete', ok: [token.id], failed: [], cancelled: [] } satisfies BulkOutcome;
        }
        // Expired tokens already stop working: only the ones an agent can still use "stop working".
        const activeCount = targets.filter((t) => working(t.token)).length;
        const bulkUsage = await usageOf(
          deps,
          targets.filter((t) => working(t.token)),
        );
        await confirm(
          vscode.l10n.t('Delete {0} tokens?', targets.length),
          `${listForConfirmation(targets)}\n\n${
            activeCount === 0
              ? vscode.l10n.t('Their records are removed completely. To keep an audit record, revoke instead.')
              : activeCount === 1
                ? vscode.l10n.t(
                    'Their records are removed completely; {0} of them is active and stops working. To keep an audit record, revoke instead.',
                    activeCount,
                  )
                : vscode.l10n.t(
                    'Their records are removed completely; {0} of them are active and stop working. To keep an audit record, revoke instead.',
                    activeCount,
                  )
          }${bulkUsage.lines.join('\n')}`,
          vscode.l10n.t('Delete'),
          bulkUsage,
        );
        return runBulk(deps, 'delete', targets);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.reassignToken,
      async (arg: TokenArg, selected?: unknown) => {
        const targets = await resolveTargets(deps, arg, selected, {
          placeHolder: vscode.l10n.t('Reassign which tokens?'),
          many: true,
          filter: (t) => t.status === 'active',
        });
        const handles = new Set(targets.map((t) => t.handle));
        if (handles.size > 1) throw new Error(vscode.l10n.t('Reassign works on the tokens of one connection at a time: every controller has its own users.'));
        const handle = targets[0]!.handle;
        const me = handle.connection.user;
        if (!me || !isTokenAdmin(me.role)) {
          throw new Error(
            me
              ? vscode.l10n.t('Only the Owner or an Administrator can reassign tokens; you are signed in to {0} as a {1}.', handle.name, roleLabel(me.role))
              : vscode.l10n.t('Only the Owner or an Administrator can reassign tokens; you are signed in to {0} as nobody.', handle.name),
          );
        }
        let movable = targets.filter((t) => t.token.status === 'active');
        if (movable.length === 0) throw new Error(vscode.l10n.t('A revoked token cannot be reassigned.'));
        const user = await pickReassignTarget(
          handle,
          movable.map((t) => t.token),
        );
        // Tokens the chosen user owns already stay as they are: nothing to send, nothing to report as done.
        const owned = movable.filter((t) => t.token.userId === user.id);
        movable = movable.filter((t) => t.token.userId !== user.id);
        if (movable.length === 0)
          throw new Error(vscode.l10n.t('{0} already owns the selected tokens; nothing was reassigned.', displayText(user.username, 60)));
        const tokens = movable.map((t) => t.token);
        const narrowing = describeReassign(tokens, user.role, 6);
        // What a Telegraf agent needs (configs:read to download its config, heartbeat:write to report) and would lose.
        const agentLoss = (t: Token): string | undefined => {
          const lost = reassignPreview(t.permissions, user.role).removed.filter((r) => r === 'configs:read' || r === 'heartbeat:write');
          if (lost.length === 0) return undefined;
          return lost.length === 2
            ? vscode.l10n.t('agents that use it lose configs:read and heartbeat:write: the controller answers 403 to their config downloads and heartbeats')
            : lost[0] === 'heartbeat:write'
              ? vscode.l10n.t('agents that use it lose heartbeat:write: the controller answers 403 to their heartbeats')
              : vscode.l10n.t('agents that use it lose configs:read: the controller answers 403 to their config downloads');
        };
        if (movable.length === 1 && owned.length === 0) {
          const token = tokens[0]!;
          const name = ui.tokenName(token.description, 80);
          const usage = await usageOf(deps, movable, 'reassign');
          await confirm(
            vscode.l10n.t('Reassign "{0}" to {1} ({2})?', name, displayText(user.username, 60), roleLabel(user.role)),
            [
              agentLoss(token)
                ? vscode.l10n.t(
                    'Permissions: {0}.\nThe value does not change, but {1}. Narrowed permissions cannot be restored by reassigning back.',
                    narrowing,
                    agentLoss(token)!,
                  )
                : vscode.l10n.t(
                    'Permissions: {0}.\nThe value does not change; whoever uses it keeps working within the new permissions. Narrowed permissions cannot be restored by reassigning back.',
                    narrowing,
                  ),
              ...usage.lines,
            ].join('\n'),
            vscode.l10n.t('Reassign'),
            usage,
          );
          const updated = await handle.connection.api().reassignToken(token.id, user.id);
          if (isUnusableToken(updated)) await handle.store.refresh();
          else handle.store.upsert(updated);
          logActivity(log, {
            op: 'reassign',
            connection: handle.connection.label,
            token: { id: token.id, description: token.description },
            detail: `to ${user.username} (${user.role}): ${narrowing}`,
          });
          await deps.notifier.info('reassigned', vscode.l10n.t('Reassigned "{0}" to {1}.', name, displayText(user.username, 60)));
          return { op: 'reassign', ok: [token.id], failed: [], cancelled: [] } satisfies BulkOutcome;
        }
        const bulkUsage = await usageOf(deps, movable, 'reassign');
        await confirm(
          movable.length === 1
            ? vscode.l10n.t('Reassign {0} token to {1} ({2})?', 1, displayText(user.username, 60), roleLabel(user.role))
            : vscode.l10n.t('Reassign {0} tokens to {1} ({2})?', movable.length, displayText(user.username, 60), roleLabel(user.role)),
          [
            listForConfirmation(movable),
            '',
            vscode.l10n.t('Permissions: {0}.', narrowing),
            // Which tokens narrow, and what each loses.
            ...tokens
              .map((t) => ({ t, p: reassignPreview(t.permissions, user.role) }))
              .filter((x) => !x.p.empty && x.p.removed.length > 0)
              .slice(0, 8)
              .map(
                (x) =>
                  `• "${ui.tokenName(x.t.description, 60)}": ${vscode.l10n.t('loses {0}', x.p.removed.join(', '))}${agentLoss(x.t) ? ` (${agentLoss(x.t)!})` : ''}`,
              ),
            vscode.l10n.t('The values do not change. Narrowed permissions cannot be restored by reassigning back.'),
            owned.length === 1
              ? vscode.l10n.t('{0} already owns 1 of the selected tokens; it stays as it is.', displayText(user.username, 60))
              : owned.length > 1
                ? vscode.l10n.t('{0} already owns {1} of the selected tokens; they stay as they are.', displayText(user.username, 60), owned.length)
                : '',
            ...bulkUsage.lines,
          ]
            .filter((l, i) => i < 3 || l !== '')
            .join('\n'),
          vscode.l10n.t('Reassign'),
          bulkUsage,
        );
        return runBulk(deps, 'reassign', movable, user);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.copyTokenId,
      async (arg: TokenArg) => {
        const { token } = await single(arg, vscode.l10n.t('Copy the ID of which token?'));
        await vscode.env.clipboard.writeText(token.id);
        void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied token ID {0}', token.id), 3000);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.copyTokenPrefix,
      async (arg: TokenArg) => {
        const { token } = await single(arg, vscode.l10n.t('Copy the prefix of which token?'));
        await vscode.env.clipboard.writeText(token.prefix);
        void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied token prefix {0}', token.prefix), 3000);
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.copyTokenValue,
      async (arg: TokenArg) => {
        const { handle, token } = await single(
          arg,
          vscode.l10n.t('Copy the value of which token?'),
          (_t, stored) => stored,
          (h) =>
            h.connection.user && !canManageTokens(h.connection.user.role)
              ? vscode.l10n.t(
                  'No token value of {0} is stored in this VS Code. The controller shows a value only once, when the token is created, and a Viewer cannot create tokens.',
                  displayText(h.name, 60),
                )
              : vscode.l10n.t(
                  'No token value of {0} is stored in this VS Code. The controller shows a value only once, when the token is created; create a token here (Create Token) to keep its value.',
                  displayText(h.name, 60),
                ),
        );
        const value = await deps.vault.getTokenValue(originOf(handle), token.id);
        if (!value)
          throw new Error(
            vscode.l10n.t(
              'The value of "{0}" is not stored in this VS Code. Token values are shown only once, at creation.',
              ui.tokenName(token.description, 80),
            ),
          );
        const seconds = await copySecret(value);
        logActivity(log, {
          op: 'copy-value',
          connection: handle.connection.label,
          token: { id: token.id, description: token.description },
          detail: seconds > 0 ? `clipboard cleared after ${seconds} s` : 'clipboard not cleared automatically',
        });
        void vscode.window.setStatusBarMessage(
          seconds > 0
            ? vscode.l10n.t('Token value copied; it is cleared from the clipboard in {0} s if still there.', seconds)
            : vscode.l10n.t('Token value copied.'),
          5000,
        );
      },
      log,
      onError,
    ),
    registerCommand(
      Commands.showTokenDetails,
      async (arg: TokenArg) => {
        const { handle, token } = await single(arg, vscode.l10n.t('Show the details of which token?'));
        // VS Code's Markdown preview: read-only, follows the theme, its own strict content security policy.
        const uri = detailsUri(handle.key, token);
        await vscode.commands.executeCommand('markdown.showPreview', uri);
        return uri.toString();
      },
      log,
      onError,
    ),
    registerCommand(Commands.insertTokenFromTree, (arg: TokenArg) => onTokenConnection(manager, arg, Commands.insertToken), log),
    registerCommand(Commands.rotateTokenFromTree, (arg: TokenArg) => onTokenConnection(manager, arg, Commands.rotateToken), log),
  ];
}

/**
 * Runs a command of another feature (insert, rotate — they act on the active
 * connection) on a tree token: makes the token's connection active first
 * (the status bar shows the switch), then runs `command` with the node.
 */
async function onTokenConnection(manager: ConnectionManager, arg: TokenArg, command: string): Promise<unknown> {
  if (isNode(arg) && arg.kind === 'token' && arg.connectionKey && manager.active?.key !== arg.connectionKey) {
    const h = manager.get(arg.connectionKey);
    if (h) {
      await manager.setActive(h.key);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Active Telegraf Controller connection: {0}', h.name), 4000);
    }
  }
  return vscode.commands.executeCommand(command, arg);
}
