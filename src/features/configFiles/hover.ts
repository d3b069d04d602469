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
import { type TelegrafConfig, type TokenSite } from '../../core/config';
import { literalOfSite, requiredPermissions, siteAt, type RequiredPermission } from '../../core/config/references';
import { envVarNote, missingPermissions, permissionText, type TokenFacts, type TokenRecord } from '../../core/config/tokenAssessment';
import { describePermissions } from '../../core/permissions';
import { displayText } from '../../core/text';
import { displayStatus, expiryText, formatUtc, parseTime } from '../../core/tokens';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../connection/controllerConnection';
import type { TokenStore } from '../explorer/tokenStore';
import { isTelegrafDocument, type ParseCache } from './configDocuments';
import { secretKeyFor } from './insertTokenCommand';
import { checkConfigTokensEnabled, type TokenResolver } from './tokenResolver';

/** Services of the hover provider. */
export interface HoverDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  resolver: TokenResolver;
  parses: ParseCache;
}

const STATUS_TEXT = { active: 'active', expiring: 'expiring soon', expired: 'expired', revoked: 'revoked' } as const;

function newMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

function row(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(`${label}: `).appendText(value).appendMarkdown('  \n');
}

/** Appends the fields of a token record (all server text escaped). */
export function appendTokenInfo(md: vscode.MarkdownString, t: TokenRecord, needs: readonly RequiredPermission[], now: number): void {
  const status = displayStatus(t, now);
  md.appendMarkdown('**').appendText(displayText(t.description || '(no description)', 120)).appendMarkdown('**  \n');
  row(md, 'Status', `${STATUS_TEXT[status]} (${expiryText(t, now)})`);
  const exp = parseTime(t.expiresAt);
  row(md, 'Expires', exp === undefined ? 'never' : formatUtc(exp));
  row(md, 'Owner', displayText(t.username || t.userId, 60));
  row(md, 'Permissions', describePermissions(t.permissions));
  for (const n of needs) {
    const missing = missingPermissions(t.permissions, [n]).length > 0;
    row(md, `Needs ${permissionText(n)}`, missing ? 'MISSING' : 'granted');
  }
  row(md, 'ID', `${t.id} (prefix ${t.prefix}…)`);
}

function appendFacts(md: vscode.MarkdownString, facts: TokenFacts, needs: readonly RequiredPermission[], host: string, now: number): void {
  if (facts.token) {
    appendTokenInfo(md, facts.token, needs, now);
    md.appendMarkdown('\n').appendText(facts.via === 'stored' ? 'Identified by its value, stored in VS Code\'s secret storage.' : `Identified by its prefix in your token list (${facts.token.prefix}…).`);
    if (facts.verdict === 'invalid-token') md.appendMarkdown('  \n').appendText(`${host} answers "Invalid token" for this value.`);
    return;
  }
  switch (facts.verdict) {
    case 'accepted':
      md.appendText(`${host} accepts this token${facts.username ? ` (user ${displayText(facts.username, 40)})` : ''}; it is not in your token list, so its description and permissions are not shown.`);
      if (facts.configsRead === false) md.appendMarkdown('  \n').appendText('It lacks configs:read.');
      break;
    case 'invalid-token':
      md.appendText(`${host} answers "Invalid token": the token is unknown, revoked or deleted, its user is disabled, or it belongs to another controller.`);
      break;
    case 'token-expired':
      md.appendText(`${host} answers "Token expired".`);
      break;
    case 'invalid-token-format':
    case 'missing-auth':
      md.appendText(`${host} answers "Invalid token format".`);
      break;
    case 'unreachable':
      md.appendText(`${host} could not be reached to identify this token.`);
      break;
    default:
      md.appendText(checkConfigTokensEnabled() ? 'Sign in to the controller to identify this token.' : 'Not identified: checking config tokens against the controller is off (telegrafController.checkConfigTokens).');
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
    const md = await this.render(cfg, site);
    if (!md) return undefined;
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(site.credentialRange.start), doc.positionAt(site.credentialRange.end)));
  }

  private host(): string {
    try {
      return this.deps.connection.current.url ? `The controller ${new URL(this.deps.connection.current.url).host}` : 'The controller';
    } catch {
      return 'The controller';
    }
  }

  /** The hover text of a site, or undefined for values that are not Telegraf Controller credentials. */
  async render(cfg: TelegrafConfig, site: TokenSite): Promise<vscode.MarkdownString | undefined> {
    const md = newMarkdown();
    const needs = requiredPermissions(cfg, site);
    const now = Date.now();
    const literal = literalOfSite(cfg, site);
    if (literal) {
      md.appendMarkdown('**Telegraf Controller token, in plain text**\n\n');
      const facts = await this.deps.resolver.facts(literal.value, needs, { network: true });
      appendFacts(md, facts, needs, this.host(), now);
      md.appendMarkdown('\n\n').appendText('Anyone who can read this file can use the token: prefer an environment or secret-store reference (see the quick fixes).');
      return md;
    }
    switch (site.classification) {
      case 'env': {
        const name = site.envVar ?? '';
        md.appendMarkdown('**Environment variable reference** ').appendMarkdown('`').appendText(`\${${name}}`).appendMarkdown('`\n\n');
        for (const line of envVarNote(name).lines) md.appendText(line).appendMarkdown('\n\n');
        if (site.envDefault !== undefined) md.appendText(`When ${name} is unset or empty, Telegraf uses the default written after ":-".`).appendMarkdown('\n\n');
        md.appendText('Which token it holds is decided on the agent; use "Test Token" to check one against the controller.');
        return md;
      }
      case 'secret': {
        md.appendMarkdown('**Secret-store reference** ').appendMarkdown('`').appendText(`@{${site.storeId}:${site.secretKey}}`).appendMarkdown('`\n\n');
        if (site.store) md.appendText(`Store "${site.store.id}" is the [[secretstores.${site.store.type}]] on line ${site.store.table.line + 1}.`);
        else md.appendText(`No [[secretstores.*]] with id "${site.storeId}" is defined in this file: Telegraf fails to resolve the reference unless another loaded file defines it.`);
        md.appendMarkdown('\n\n').appendText(`Telegraf reads the secret "${site.secretKey}" at startup; store it with: telegraf secrets set ${site.storeId} ${site.secretKey}`);
        const origin = this.deps.connection.origin;
        if (origin) {
          for (const ref of await this.deps.vault.listStoredTokens(origin)) {
            const t = this.deps.store.find(ref.id);
            if (secretKeyFor(t ?? { description: ref.description, id: ref.id }) !== site.secretKey) continue;
            md.appendMarkdown('\n\n').appendText('The secret name matches this stored token (by name only, not by value):').appendMarkdown('\n\n');
            if (t) appendTokenInfo(md, t, needs, now);
            else md.appendText(displayText(ref.description, 120));
            break;
          }
        }
        return md;
      }
      case 'dynamic':
        md.appendMarkdown('**Telegraf Controller dynamic value** ').appendMarkdown('`').appendText(`&{${site.dynamicName ?? ''}}`).appendMarkdown('`\n\n');
        md.appendText('The controller substitutes it when it serves the config; Telegraf itself never sees it.');
        return md;
      case 'placeholder':
        md.appendText('This looks like a placeholder, not a token: Telegraf sends it as written. If a script replaces it before deployment, keep it; otherwise use an environment reference.');
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
