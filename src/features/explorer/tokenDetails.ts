import * as vscode from 'vscode';
import type { Token } from '../../core/api/contract';
import { ControllerError } from '../../core/api/errors';
import { ACTIONS, RESOURCES, countPermissions, hasPermission } from '../../core/permissions';
import { displayText } from '../../core/text';
import { displayStatus, expiryText, formatUtc, parseTime } from '../../core/tokens';
import { TOKEN_URI_SCHEME } from '../../constants';
import type { ConnectionManager } from '../../services/connectionManager';
import { expiringWindowMs } from '../../services/words';

const DETAILS = 'details';

/**
 * The URI of a token's read-only details document:
 * `telegraf-controller-token://details/<connection key>/<token id>/Token <description>.txt`
 * (the last segment is the editor tab's title).
 */
export function detailsUri(connectionKey: string, token: Pick<Token, 'id' | 'description'>): vscode.Uri {
  // The last segment is the tab title: kept readable (Uri encodes it once), only path-breaking characters replaced.
  const title = `${vscode.l10n.t('Token {0}', displayText(token.description, 40).replace(/[\\/:*?"<>|#%]/g, '_') || token.id)}.txt`;
  return vscode.Uri.from({
    scheme: TOKEN_URI_SCHEME,
    authority: DETAILS,
    path: `/${encodeURIComponent(connectionKey)}/${encodeURIComponent(token.id)}/${title}`,
  });
}

/**
 * The text of the details document: every field of the token (server text as
 * plain text, control characters removed) and its effective permission grid
 * (resources × read/write/delete, `✓` granted, `·` not granted, blank where
 * the action does not exist). Pure apart from the types; `now` is UTC ms.
 */
export function renderTokenDetails(token: Token, ctx: { connectionName: string; connectionUrl: string; stored: boolean; now: number; windowMs: number }): string {
  const status = displayStatus(token, ctx.now, ctx.windowMs);
  const t = (ms: number | undefined, none: string) => (ms === undefined ? none : formatUtc(ms));
  const rows: Array<[string, string]> = [
    [vscode.l10n.t('Description'), displayText(token.description, 255)],
    [vscode.l10n.t('ID'), displayText(token.id, 120)],
    [vscode.l10n.t('Prefix'), `${displayText(token.prefix, 40)}…`],
    [vscode.l10n.t('Status'), `${statusWords(status)} (${expiryText(token, ctx.now)})`],
    [vscode.l10n.t('Owner'), vscode.l10n.t('{0} (user id {1})', displayText(token.username || vscode.l10n.t('(unknown)'), 80), displayText(token.userId, 80))],
    [vscode.l10n.t('Created'), t(parseTime(token.createdAt), '—')],
    [vscode.l10n.t('Expires'), t(parseTime(token.expiresAt), vscode.l10n.t('never'))],
    [vscode.l10n.t('Revoked'), t(parseTime(token.revokedAt), '—')],
    [vscode.l10n.t('Last used'), t(parseTime(token.lastUsedAt), vscode.l10n.t('never'))],
    [
      vscode.l10n.t('Value'),
      ctx.stored ? vscode.l10n.t('stored in VS Code secret storage (never shown here)') : vscode.l10n.t('not stored in this VS Code (shown only once, at creation)'),
    ],
    [
      vscode.l10n.t('Connection'),
      ctx.connectionUrl.includes(`//${ctx.connectionName}`) ? ctx.connectionUrl : `${displayText(ctx.connectionName, 60)} (${ctx.connectionUrl})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines: string[] = [];
  const title = vscode.l10n.t('Token: {0}', displayText(token.description, 120));
  lines.push(title, '='.repeat(Math.min(80, Array.from(title).length)), '');
  for (const [k, v] of rows) lines.push(`${k.padEnd(width)}${v}`);
  const heading = vscode.l10n.t('Effective permissions ({0})', countPermissions(token.permissions));
  lines.push('', heading, '-'.repeat(27), '');
  const col = 8;
  const first = Math.max(...RESOURCES.map((r) => r.label.length)) + 2;
  lines.push(`${vscode.l10n.t('Resource').padEnd(first)}${ACTIONS.map((a) => a.padEnd(col)).join('')}`.trimEnd());
  for (const r of RESOURCES) {
    const cells = ACTIONS.map((a) => (r.actions.includes(a) ? (hasPermission(token.permissions, r.id, a) ? '✓' : '·') : ' ').padEnd(col)).join('');
    lines.push(`${r.label.padEnd(first)}${cells}`.trimEnd());
  }
  lines.push('', vscode.l10n.t('✓ granted   · not granted   (blank: the action does not exist for the resource)'), '');
  lines.push(vscode.l10n.t('Read-only view. The controller never returns a token value after creation.'), '');
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
        return vscode.l10n.t('The token {0} could not be loaded from {1}: {2}', id, h.name, e instanceof ControllerError ? e.userMessage : e instanceof Error ? e.message : String(e));
      }
    }
    return renderTokenDetails(token, { connectionName: h.name, connectionUrl: h.url, stored: h.store.snapshot.stored.has(id), now: Date.now(), windowMs: expiringWindowMs() });
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}
