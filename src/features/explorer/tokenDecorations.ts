import * as vscode from 'vscode';
import { TOKEN_URI_SCHEME } from '../../constants';
import type { DisplayStatus } from '../../core/tokens';

/** Authority of token item URIs (decorations); details documents use `details`. */
const ITEM = 'item';

/**
 * The `resourceUri` of a token tree item:
 * `telegraf-controller-token://item/<connection key>/<token id>?status=…&days=…&hours=…`
 * (`hours`, whole hours left rounded up, only when less than a day is left).
 * Status and time left are part of the URI, so a decoration never needs a
 * lookup and changes when they change. No secret in it (ids are public).
 */
export function tokenItemUri(connectionKey: string, tokenId: string, status: DisplayStatus, daysLeft: number | undefined, hoursLeft?: number): vscode.Uri {
  const query = new URLSearchParams({
    status,
    ...(daysLeft !== undefined ? { days: String(daysLeft) } : {}),
    ...(daysLeft === 0 && hoursLeft !== undefined ? { hours: String(hoursLeft) } : {}),
  }).toString();
  return vscode.Uri.from({ scheme: TOKEN_URI_SCHEME, authority: ITEM, path: `/${encodeURIComponent(connectionKey)}/${encodeURIComponent(tokenId)}`, query });
}

/** The decoration of a token item: a badge and color for expired and expiring tokens, grey for revoked ones. Undefined otherwise. */
export function decorationFor(uri: vscode.Uri): vscode.FileDecoration | undefined {
  if (uri.scheme !== TOKEN_URI_SCHEME || uri.authority !== ITEM) return undefined;
  const q = new URLSearchParams(uri.query);
  const days = q.get('days');
  switch (q.get('status') as DisplayStatus | null) {
    case 'expired':
      return new vscode.FileDecoration('!', vscode.l10n.t('Expired'), new vscode.ThemeColor('list.errorForeground'));
    case 'expiring': {
      const d = Number(days);
      const h = Number(q.get('hours') ?? NaN);
      // Badges hold two characters: "5h" under ten hours, "1d" (rounded up) for the rest of the last day.
      const badge = Number.isFinite(d) ? (d === 0 ? (h <= 9 ? `${Math.max(1, h)}h` : '1d') : d <= 9 ? `${d}d` : d <= 99 ? String(d) : '…') : '…';
      return new vscode.FileDecoration(
        badge,
        Number.isFinite(d)
          ? d === 0
            ? Number.isFinite(h)
              ? h <= 1
                ? vscode.l10n.t('Expires within an hour')
                : vscode.l10n.t('Expires within {0} hours', h)
              : vscode.l10n.t('Expires within a day')
            : d === 1
              ? vscode.l10n.t('Expires in {0} day', d)
              : vscode.l10n.t('Expires in {0} days', d)
          : vscode.l10n.t('Expires soon'),
        new vscode.ThemeColor('list.warningForeground'),
      );
    }
    case 'revoked':
      return new vscode.FileDecoration(undefined, vscode.l10n.t('Revoked'), new vscode.ThemeColor('gitDecoration.ignoredResourceForeground'));
    default:
      return undefined;
  }
}

/**
 * FileDecorationProvider of token items (badges "3d" / "!" and label colors).
 * `refresh()` asks VS Code to query again (e.g. when days pass).
 */
export class TokenDecorationProvider implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    return decorationFor(uri);
  }

  /** Re-queries every decoration. */
  refresh(): void {
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
