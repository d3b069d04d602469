import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import type { Token } from '../../core/api/contract';
import { ControllerError } from '../../core/api/errors';
import { ACTIONS, RESOURCES, countPermissions, hasPermission } from '../../core/permissions';
import { displayText } from '../../core/text';
import { displayStatus, formatUtc, parseTime } from '../../core/tokens';
import { TOKEN_URI_SCHEME } from '../../constants';
import type { ConnectionManager } from '../../services/connectionManager';
import { expiringWindowMs, expiryLabel, relativeLabel } from '../../services/words';

const DETAILS = 'details';

/**
 * The URI of a token's read-only details document:
 * `telegraf-controller-token://details/<connection key>/<token id>/Token <description>.md`
 * (the last segment is the tab title; `.md`: it is shown in VS Code's Markdown
 * preview, read-only and in the theme's colours).
 */
export function detailsUri(connectionKey: string, token: Pick<Token, 'id' | 'description'>): vscode.Uri {
  // The last segment is the tab title: kept readable (Uri encodes it once), only path-breaking characters replaced.
  const title = `${vscode.l10n.t('Token {0}', ui.tokenName(token.description, 40).replace(/[\\/:*?"<>|#%]/g, '_') || token.id)}.md`;
  return vscode.Uri.from({
    scheme: TOKEN_URI_SCHEME,
    authority: DETAILS,
    path: `/${encodeURIComponent(connectionKey)}/${encodeURIComponent(token.id)}/${title}`,
  });
}

/**
 * Server text for a cell of a Markdown table, rendered exactly as the text: a
 * code span (CommonMark "Code spans": no emphasis, link, autolink, image or
 * HTML inside; the Markdown preview's linkify leaves it alone), with a fence
 * longer than any backtick run in the text and `|` escaped for the table.
 * Control and bidi characters are neutralised first (`displayText`).
 */
export function markdownCell(text: string, max = 255): string {
  const t = displayText(text, max).replace(/\|/g, '\\|');
  if (!t.trim()) return '—';
  const fence = '`'.repeat(Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length)) + 1);
  return `${fence} ${t} ${fence}`;
}

/**
 * The Markdown of the details document: every field of the token (server text
 * as code spans, see {@link markdownCell}) as a two-column table and its effective
 * permission grid (resources × read/write/delete, `✓` granted, `·` not
 * granted, blank where the action does not exist). `now` is UTC ms.
 */
export function renderTokenDetails(
  token: Token,
  ctx: { connectionName: string; connectionUrl: string; stored: boolean; now: number; windowMs: number },
): string {
  const status = displayStatus(token, ctx.now, ctx.windowMs);
  const t = (ms: number | undefined, none: string) => (ms === undefined ? none : formatUtc(ms));
  const used = parseTime(token.lastUsedAt);
  const rows: Array<[string, string]> = [
    [vscode.l10n.t('Description'), token.description.trim() ? markdownCell(token.description) : vscode.l10n.t('(no description)')],
    [vscode.l10n.t('ID'), markdownCell(token.id, 120)],
    [vscode.l10n.t('Prefix'), markdownCell(`${token.prefix}…`, 40)],
    [vscode.l10n.t('Status'), `${statusWords(status)} (${expiryLabel(token, ctx.now)})`],
    [
      vscode.l10n.t('Owner'),
      vscode.l10n.t('{0} (user id {1})', markdownCell(token.username || vscode.l10n.t('(unknown)'), 80), markdownCell(token.userId, 80)),
    ],
    [vscode.l10n.t('Created'), t(parseTime(token.createdAt), '—')],
    [vscode.l10n.t('Expires'), t(parseTime(token.expiresAt), vscode.l10n.t('never'))],
    [vscode.l10n.t('Revoked'), t(parseTime(token.revokedAt), '—')],
    [vscode.l10n.t('Last used'), used === undefined ? vscode.l10n.t('never') : `${relativeLabel(used - ctx.now)} (${formatUtc(used)})`],
    [
      vscode.l10n.t('Value'),
      ctx.stored
        ? vscode.l10n.t('stored in VS Code secret storage (never shown here)')
        : vscode.l10n.t('not stored in this VS Code (shown only once, at creation)'),
    ],
    [
      vscode.l10n.t('Connection'),
      markdownCell(ctx.connectionUrl.includes(`//${ctx.connectionName}`) ? ctx.connectionUrl : `${ctx.connectionName} (${ctx.connectionUrl})`),
    ],
  ];
  const lines: string[] = [];
  lines.push(`# ${vscode.l10n.t('Token details')}`, '');
  lines.push(`| ${vscode.l10n.t('Field')} | ${vscode.l10n.t('Value')} |`, '| --- | --- |');
  for (const [k, v] of rows) lines.push(`| ${k} | ${v} |`);
  lines.push('', `## ${vscode.l10n.t('Effective permissions ({0})', countPermissions(token.permissions))}`, '');
  lines.push(`| ${vscode.l10n.t('Resource')} | ${ACTIONS.join(' | ')} |`, `| --- | ${ACTIONS.map(() => ':-:').join(' | ')} |`);
  for (const r of RESOURCES) {
    const cells = ACTIONS.map((a) => (r.actions.includes(a) ? (hasPermission(token.permissions, r.id, a) ? '✓' : '·') : ' '));
    lines.push(`| ${r.label} | ${cells.join(' | ')} |`);
  }
  lines.push('', vscode.l10n.t('✓ granted · not granted (blank: the action does not exist for the resource)'), '');
  lines.push(`*${vscode.l10n.t('Read-only view. The controller never returns a token value after creation.')}*`, '');
  return lines.join('\n');
}

/** The status for the details document: `active, expiring soon`, `active`, `expired`, `revoked`. */
function statusWords(status: ReturnType<typeof displayStatus>): string {
  switch (status) {
    case 'expiring':
      return vscode.l10n.t('active, expiring soon');
    case 'active':
      return vscode.l10n.t('active');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'revoked':
      return vscode.l10n.t('revoked');
  }
}

/**
 * Serves the read-only details documents (`TextDocumentContentProvider`): the
 * token is looked up in its connection's list (or fetched with
 * `GET /api/tokens/:id`). `refresh(uri)` re-renders an open document.
 */
export class TokenDetailsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly manager: ConnectionManager) {
    const follow = () => {
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme === TOKEN_URI_SCHEME && doc.uri.authority === DETAILS) this.emitter.fire(doc.uri);
      }
    };
    let storeSubs: vscode.Disposable[] = [];
    const track = () => {
      storeSubs.forEach((s) => s.dispose());
      storeSubs = manager.all.map((h) => h.store.onDidChange(follow));
    };
    track();
    this.subs.push(manager.onDidChange(track), { dispose: () => storeSubs.forEach((s) => s.dispose()) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [connEnc, idEnc] = uri.path.split('/').filter(Boolean);
    const connectionKey = decodeURIComponent(connEnc ?? '');
    const id = decodeURIComponent(idEnc ?? '');
    const h = this.manager.get(connectionKey);
    if (!h) return vscode.l10n.t('The connection {0} is no longer configured.', connectionKey);
    let token = h.store.find(id);
    if (!token) {
      try {
        token = await h.connection.api().getToken(id);
      } catch (e) {
        return vscode.l10n.t(
          'The token {0} could not be loaded from {1}: {2}',
          id,
          h.name,
          e instanceof ControllerError ? e.userMessage : e instanceof Error ? e.message : String(e),
        );
      }
    }
    return renderTokenDetails(token, {
      connectionName: h.name,
      connectionUrl: h.url,
      stored: h.store.snapshot.stored.has(id),
      now: Date.now(),
      windowMs: expiringWindowMs(),
    });
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}
