/**
 * Hover on a token value or reference in a Telegraf config: which token it
 * is (description, status, expiry, permissions, owner) when it can be
 * resolved — a stored value, a controller check of the value (configured
 * controller only, cached), or a prefix match in the token list — and what
 * Telegraf does with `${TELEGRAF_CONTROLLER_TOKEN}` / `${INFLUX_TOKEN}`
 * (≥ 1.39 vs ≤ 1.38), secret-store references and dynamic values.
 * Information only: no links or actions that change state. Server text is
 * rendered as text (the MarkdownString is untrusted, text is escaped).
 */
import * as vscode from 'vscode';
import { secretValueCommand } from '../../core/telegraf';
import * as ui from '../../infra/ui';
import { expiryLabel, statusLabel } from '../../services/words';
import { storePasswordVar, type TelegrafConfig, type TokenSite } from '../../core/config';
import { literalOfSite, requiredPermissions, siteAt, type RequiredPermission } from '../../core/config/references';
import { envVarNote, missingPermissions, permissionText, type TokenFacts, type TokenRecord } from '../../core/config/tokenAssessment';
import { describePermissions } from '../../core/permissions';
import { displayText, markdownCodeSpan, markdownText } from '../../core/text';
import { displayStatus, formatUtc, parseTime } from '../../core/tokens';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';
import { isTelegrafDocument, type ParseCache } from '../../services/configDocuments';
import { secretKeysFor } from '../../core/config/tokenAssessment';
import { checkConfigTokensEnabled, type TokenResolver } from './tokenResolver';

/** Services of the hover provider. */
export interface HoverDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  resolver: TokenResolver;
  parses: ParseCache;
}

function newMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

/**
 * Appends `text` as an inline code span. Nothing inside a code span is
 * markdown (no escapes show, no link can form), so the text goes in as is:
 * only line breaks become spaces, bidi and control characters are
 * neutralised, and the fence is longer than any run of backticks inside.
 */
export function appendInlineCode(md: vscode.MarkdownString, text: string): vscode.MarkdownString {
  return md.appendMarkdown(markdownCodeSpan(text));
}

function row(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(markdownText(`${label}: ${value}`)).appendMarkdown('  \n');
}

/** Appends the fields of a token record (all server text escaped). */
export function appendTokenInfo(md: vscode.MarkdownString, t: TokenRecord, needs: readonly RequiredPermission[], now: number): void {
  const status = displayStatus(t, now);
  md.appendMarkdown('**')
    .appendMarkdown(markdownText(ui.tokenName(t.description, 120)))
    .appendMarkdown('**  \n');
  row(md, vscode.l10n.t('Status'), `${statusLabel(status)} (${expiryLabel(t, now)})`);
  const exp = parseTime(t.expiresAt);
  row(md, vscode.l10n.t('Expires'), exp === undefined ? vscode.l10n.t('never') : formatUtc(exp));
  row(md, vscode.l10n.t('Owner'), displayText(t.username || t.userId, 60));
  row(md, vscode.l10n.t('Permissions'), describePermissions(t.permissions));
  for (const n of needs) {
    const missing = missingPermissions(t.permissions, [n]).length > 0;
    row(md, vscode.l10n.t('Needs {0}', permissionText(n)), missing ? vscode.l10n.t('MISSING') : vscode.l10n.t('granted'));
  }
  row(md, vscode.l10n.t('ID'), vscode.l10n.t('{0} (prefix {1}…)', t.id, t.prefix));
}

function appendFacts(md: vscode.MarkdownString, facts: TokenFacts, needs: readonly RequiredPermission[], host: string, now: number): void {
  const usable = facts.token && ['active', 'expiring'].includes(displayStatus(facts.token, now));
  if (facts.token && usable && facts.via === 'prefix' && facts.verdict === 'invalid-token') {
    // Only the prefix matches a usable token, and the controller rejects the value: not that token's facts, which would mislead.
    md.appendMarkdown(
      markdownText(
        vscode.l10n.t(
          '{0} answers "Invalid token" for this value. Only its prefix ({1}…) matches your token "{2}": the value is probably mistyped or cut short, or that token was deleted or its user disabled.',
          host,
          facts.token.prefix,
          ui.tokenName(facts.token.description, 80),
        ),
      ),
    );
    return;
  }
  if (facts.token) {
    appendTokenInfo(md, facts.token, needs, now);
    md.appendMarkdown('\n').appendMarkdown(
      markdownText(
        facts.via === 'stored'
          ? vscode.l10n.t("Identified by its value, stored in VS Code's secret storage.")
          : vscode.l10n.t('Identified by its prefix in your token list ({0}…).', facts.token.prefix),
      ),
    );
    if (facts.verdict === 'invalid-token')
      md.appendMarkdown('  \n').appendMarkdown(markdownText(vscode.l10n.t('{0} answers "Invalid token" for this value.', host)));
    return;
  }
  switch (facts.verdict) {
    case 'accepted':
      md.appendMarkdown(
        markdownText(
          facts.username
            ? vscode.l10n.t(
                '{0} accepts this token (user {1}). It cannot be matched to one token of your list (the controller keeps only a 12-character prefix of each value), so its description and permissions are not shown.',
                host,
                displayText(facts.username, 40),
              )
            : vscode.l10n.t(
                '{0} accepts this token. It cannot be matched to one token of your list (the controller keeps only a 12-character prefix of each value), so its description and permissions are not shown.',
                host,
              ),
        ),
      );
      if (facts.configsRead === false) md.appendMarkdown('  \n').appendMarkdown(markdownText(vscode.l10n.t('It lacks configs:read.')));
      // The check signed in with the value: the controller counts that as a use of the token.
      md.appendMarkdown('  \n').appendMarkdown(
        markdownText(vscode.l10n.t('This check signed in with the value, so the controller shows it as the token\'s last use ("Last used").')),
      );
      break;
    case 'invalid-token':
      md.appendMarkdown(
        markdownText(
          vscode.l10n.t(
            '{0} answers "Invalid token": the token is unknown, revoked or deleted, its user is disabled, or it belongs to another controller.',
            host,
          ),
        ),
      );
      break;
    case 'token-expired':
      md.appendMarkdown(markdownText(vscode.l10n.t('{0} answers "Token expired".', host)));
      break;
    case 'invalid-token-format':
    case 'missing-auth':
      md.appendMarkdown(markdownText(vscode.l10n.t('{0} answers "Invalid token format".', host)));
      break;
    case 'unreachable':
      md.appendMarkdown(markdownText(vscode.l10n.t('{0} could not be reached to identify this token.', host)));
      break;
    default:
      md.appendMarkdown(
        markdownText(
          checkConfigTokensEnabled()
            ? vscode.workspace.isTrusted
              ? vscode.l10n.t('Sign in to the controller to identify this token.')
              : vscode.l10n.t(
                  'Not checked automatically in Restricted Mode: run "Check Tokens in Workspace Configs" to check the tokens of this workspace against the controller.',
                )
            : vscode.l10n.t('Not identified: checking config tokens against the controller is off (telegrafController.checkConfigTokens).'),
        ),
      );
  }
}

/** The hover provider for token sites. */
export class TokenHoverProvider implements vscode.HoverProvider {
  constructor(private readonly deps: HoverDeps) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!isTelegrafDocument(doc)) return undefined;
    const cfg = this.deps.parses.get(doc);
    const site = siteAt(cfg, doc.offsetAt(position));
    if (!site) return undefined;
    const md = await this.render(cfg, site, doc.uri.fsPath);
    if (!md) return undefined;
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(site.credentialRange.start), doc.positionAt(site.credentialRange.end)));
  }

  private host(): string {
    try {
      return this.deps.connection.current.url
        ? vscode.l10n.t('The controller {0}', new URL(this.deps.connection.current.url).host)
        : vscode.l10n.t('The controller');
    } catch {
      return vscode.l10n.t('The controller');
    }
  }

  /** The hover text of a site of the config at `configPath`, or undefined for values that are not Telegraf Controller credentials. */
  async render(cfg: TelegrafConfig, site: TokenSite, configPath: string): Promise<vscode.MarkdownString | undefined> {
    const md = newMarkdown();
    const needs = requiredPermissions(cfg, site);
    const now = Date.now();
    const literal = literalOfSite(cfg, site);
    if (literal) {
      md.appendMarkdown(`**${vscode.l10n.t('Telegraf Controller token, in plain text')}**\n\n`);
      const facts = await this.deps.resolver.facts(literal.value, needs, { network: true });
      appendFacts(md, facts, needs, this.host(), now);
      md.appendMarkdown('\n\n').appendMarkdown(
        markdownText(vscode.l10n.t('Anyone who can read this file can use the token: prefer an environment or secret-store reference (see the quick fixes).')),
      );
      return md;
    }
    switch (site.classification) {
      case 'env': {
        const name = site.envVar ?? '';
        appendInlineCode(md.appendMarkdown(`**${vscode.l10n.t('Environment variable reference')}** `), `\${${name}}`).appendMarkdown('\n\n');
        for (const line of envVarNote(name).lines) md.appendMarkdown(markdownText(line)).appendMarkdown('\n\n');
        if (site.envDefault !== undefined)
          md.appendMarkdown(markdownText(vscode.l10n.t('When {0} is unset or empty, Telegraf uses the default written after ":-".', name))).appendMarkdown(
            '\n\n',
          );
        md.appendMarkdown(markdownText(vscode.l10n.t('Which token it holds is decided on the agent; use "Test Token" to check one against the controller.')));
        return md;
      }
      case 'secret': {
        appendInlineCode(md.appendMarkdown(`**${vscode.l10n.t('Secret-store reference')}** `), `@{${site.storeId}:${site.secretKey}}`).appendMarkdown('\n\n');
        if (site.store)
          md.appendMarkdown(
            markdownText(vscode.l10n.t('Store "{0}" is the [[secretstores.{1}]] on line {2}.', site.store.id, site.store.type, site.store.table.line + 1)),
          );
        else
          md.appendMarkdown(
            markdownText(
              vscode.l10n.t(
                'No [[secretstores.*]] with id "{0}" is defined in this file: Telegraf fails to resolve the reference unless another loaded file defines it.',
                site.storeId ?? '',
              ),
            ),
          );
        const set = secretValueCommand(site.store?.type, configPath, site.storeId ?? '', site.secretKey ?? '', site.store && storePasswordVar(site.store));
        md.appendMarkdown('\n\n').appendMarkdown(
          markdownText(
            !set
              ? vscode.l10n.t(
                  'Telegraf reads the secret "{0}" at startup; set it with the tools of that store (telegraf secrets set cannot write to it).',
                  site.secretKey ?? '',
                )
              : set.kind === 'docker'
                ? vscode.l10n.t(
                    'Telegraf reads the Docker secret "{0}" from /run/secrets/{0} in its container at startup: give the Telegraf service that secret (Compose secrets: with file:). This writes the value into the file {0} (mode 0600): {1}',
                    site.secretKey ?? '',
                    set.command,
                  )
                : vscode.l10n.t('Telegraf reads the secret "{0}" at startup; store it with: {1}', site.secretKey ?? '', set.command),
          ),
        );
        const origin = this.deps.connection.origin;
        if (origin) {
          // A token and its rotated successors share a key: the active one is named, else the first.
          const matching = (await this.deps.vault.listStoredTokens(origin))
            .map((ref) => ({ ref, t: this.deps.store.find(ref.id) }))
            .filter(({ ref, t }) => secretKeysFor(t ?? { description: ref.description, id: ref.id }).includes(site.secretKey ?? ''));
          const best = matching.find(({ t }) => t?.status === 'active') ?? matching[0];
          if (best) {
            md.appendMarkdown('\n\n')
              .appendMarkdown(markdownText(vscode.l10n.t('The secret name matches this stored token (by name only, not by value):')))
              .appendMarkdown('\n\n');
            if (best.t) appendTokenInfo(md, best.t, needs, now);
            else md.appendMarkdown(markdownText(ui.tokenName(best.ref.description, 120)));
          }
        }
        return md;
      }
      case 'dynamic':
        appendInlineCode(md.appendMarkdown(`**${vscode.l10n.t('Telegraf Controller dynamic value')}** `), `&{${site.dynamicName ?? ''}}`).appendMarkdown(
          '\n\n',
        );
        md.appendMarkdown(markdownText(vscode.l10n.t('The controller substitutes it when it serves the config; Telegraf itself never sees it.')));
        return md;
      case 'placeholder':
        md.appendMarkdown(
          markdownText(
            vscode.l10n.t(
              'This looks like a placeholder, not a token: Telegraf sends it as written. If a script replaces it before deployment, keep it; otherwise use an environment reference.',
            ),
          ),
        );
        return md;
      default:
        return undefined;
    }
  }
}

/** Registers the hover provider. */
export function registerTokenHover(selector: vscode.DocumentSelector, deps: HoverDeps): vscode.Disposable[] {
  return [vscode.languages.registerHoverProvider(selector, new TokenHoverProvider(deps))];
}
