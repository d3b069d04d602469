/**
 * "Telegraf Controller: Test Token": checks a token found in a Telegraf
 * config the way the agent will use it, against the CONFIGURED controller
 * only:
 *
 *   1. API acceptance: `GET /api/auth/me` with the token, telling apart the
 *      documented 401 reasons (docs/api-contract.md: "Missing or invalid
 *      Authorization header", "Invalid token format", "Invalid token",
 *      "Token expired");
 *   2. the permissions its use needs (heartbeat:write for
 *      `[[outputs.heartbeat]]`, configs:read for a controller config URL):
 *      from the token record when known, and `GET /api/configs` with the
 *      token for configs:read;
 *   3. for a heartbeat output, a real heartbeat `POST /agents/heartbeat` to
 *      the heartbeat port; a 401 there while the API accepts the token is the
 *      heartbeat-only 401 that the controller docs attribute to a cache.
 *
 * The result is a notification (details in the log) and the command's
 * return value. The token value is never logged or shown.
 */
import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import type { CodeActionDeps } from './codeActions';
import type { Token, User } from '../../core/api/contract';
import { ControllerError, type ErrorKind } from '../../core/api/errors';
import { CONTROLLER_TOKEN_PREFIX, findTokenSites, heartbeatAt, type TelegrafConfig, type TokenSite } from '../../core/config';
import { HEARTBEAT_WRITE, heartbeatTestUrl, literalOfSite, requiredPermissions, siteAt, type RequiredPermission } from '../../core/config/references';
import { missingPermissions, permissionText } from '../../core/config/tokenAssessment';
import { describePermissions } from '../../core/permissions';
import { displayText, pickText } from '../../core/text';
import { testHeartbeatMessage, testInstanceId } from '../../core/telegraf';

import { Commands } from '../../constants';
import { Cancelled, registerCommand, required } from '../../infra/commands';
import { secretKeysFor } from '../../core/config/tokenAssessment';
import { decodeUtf8, isTelegrafDocument, openDocument } from '../../services/configDocuments';
import { envFileAssignments } from '../../core/deploy';
import { isTokenRow, storedValueFacts, type TokenRow } from '../../services/tokenArgs';
import { roleLabel, statusAndExpiry, signInFirst } from '../../services/words';
import { heartbeatUrl } from '../../infra/settings';

/** Where to test: a document and an offset in (or at the start of) a credential. */
export interface TestTokenArg {
  uri: string;
  offset: number;
}

/** Outcome of one check. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One line of the result. */
export interface TokenCheck {
  /** `api`, `permission:<resource>:<action>`, `heartbeat`. */
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** For 401/403 answers: the error kind (`invalid-token`, `token-expired`, `forbidden`, …). */
  kind?: ErrorKind;
}

/** The result of Test Token (also the command's return value). */
export interface TestTokenResult {
  ok: boolean;
  /** Which token was tested, when known (description, never the value). */
  tokenLabel: string;
  checks: TokenCheck[];
}

/** Services of Test Token: the same as the quick fixes'. */
export type TestTokenDeps = CodeActionDeps;

/** The explanation of a 401 answer by its error kind (localized on use); undefined for other kinds. */
function reason401(kind: ErrorKind): string | undefined {
  switch (kind) {
    case 'missing-auth':
      return vscode.l10n.t('rejected: "Missing or invalid Authorization header" (the value could not be sent as a Bearer token)');
    case 'invalid-token-format':
      return vscode.l10n.t('rejected: "Invalid token format" (the value does not start with tc-apiv1_)');
    case 'invalid-token':
      return vscode.l10n.t('rejected: "Invalid token" (unknown, revoked or deleted, or its user is disabled)');
    case 'token-expired':
      return vscode.l10n.t('rejected: "Token expired"');
    default:
      return undefined;
  }
}

function errorDetail(e: unknown): { detail: string; kind?: ErrorKind } {
  if (e instanceof ControllerError) return { detail: reason401(e.kind) ?? e.userMessage, kind: e.kind };
  return { detail: e instanceof Error ? e.message : String(e) };
}

const ICON: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

/** What the test heartbeat reports as the sending program (the schema's free-text `version`). */
export const TEST_HEARTBEAT_VERSION = 'Telegraf Controller Tokens for VS Code (Test Token)';

/** Options of `runTokenChecks`. */
export interface TokenCheckOptions {
  /** Send the real heartbeat (default true); false: the heartbeat check is skipped. */
  heartbeat?: boolean;
}

/**
 * The instance id the test heartbeat of this token reports
 * (`vscode-test-token-<8 hex>`), from a hash of the value: the same token
 * always reports the same agent, and nothing of the value can be read back.
 */
export function testInstanceIdFor(value: string): string {
  return testInstanceId(`value:${value}`);
}

/**
 * How a token is used, for the checks: the permissions the use needs, and
 * whether it feeds a heartbeat output (with the heartbeat address: the one the
 * config names, else the controller's documented one).
 */
export interface TokenUse {
  needs: RequiredPermission[];
  heartbeat?: (controllerUrl: string, documented: string) => { url: string; fromConfig: boolean };
}

/** The use of the token at `site` of `cfg` (its plugin, its heartbeat output). */
export function useOfSite(cfg: TelegrafConfig, site: TokenSite): TokenUse {
  const hb = heartbeatAt(cfg, site.table);
  return { needs: requiredPermissions(cfg, site), ...(hb ? { heartbeat: (url: string, documented: string) => heartbeatTestUrl(hb, url, documented) } : {}) };
}

/**
 * The use of a token as a Telegraf agent's (README "Tokens in Telegraf
 * configs"): it downloads its config (`configs:read`) and sends heartbeats to
 * the controller's documented heartbeat address (`heartbeat:write`). Test
 * Token on a stored token of the Tokens view checks this use.
 */
export const AGENT_USE: TokenUse = {
  needs: [{ resource: 'configs', action: 'read', reason: 'config-url' }, HEARTBEAT_WRITE],
  heartbeat: (_url, documented) => ({ url: documented, fromConfig: false }),
};

/** Runs the checks for `value` in `use` (see `useOfSite`, `AGENT_USE`). Exported for tests. */
export async function runTokenChecks(
  deps: TestTokenDeps,
  use: TokenUse,
  value: string,
  known?: Token,
  options: TokenCheckOptions = {},
): Promise<TestTokenResult> {
  const { connection } = deps;
  const url = connection.current.url!;
  const client = connection.api().withCredential({ kind: 'token', token: value });
  const needs = use.needs;
  const hb = use.heartbeat;
  const checks: TokenCheck[] = [];

  const facts = await deps.resolver.facts(value, needs, { network: false });
  const token = known ?? facts.token;
  const tokenLabel = token ? `"${ui.tokenName(token.description, 80)}"` : vscode.l10n.t('the token');

  // 1. API acceptance.
  let user: User | undefined;
  try {
    user = await client.me();
    checks.push({
      id: 'api',
      title: vscode.l10n.t('API access'),
      status: 'pass',
      detail: vscode.l10n.t('accepted as user {0} ({1})', displayText(user.username, 40), roleLabel(user.role)),
    });
  } catch (e) {
    const { detail, kind } = errorDetail(e);
    const unreachable =
      !(e instanceof ControllerError) || !['missing-auth', 'invalid-token-format', 'invalid-token', 'token-expired', 'forbidden'].includes(e.kind);
    checks.push({
      id: 'api',
      title: vscode.l10n.t('API access'),
      status: 'fail',
      detail: unreachable ? vscode.l10n.t('could not check: {0}', detail) : detail,
      ...(kind ? { kind } : {}),
    });
  }

  // 2. Permissions the use needs.
  const perms = token && (!user || token.userId === user.id) ? token.permissions : undefined;
  const wanted = [...needs];
  if (hb && !wanted.some((n) => n.resource === 'configs')) wanted.push({ resource: 'configs', action: 'read', reason: 'config-url' });
  for (const need of wanted) {
    const id = `permission:${need.resource}:${need.action}`;
    const title = vscode.l10n.t('Has {0}', permissionText(need));
    const required = needs.includes(need);
    const why =
      need.reason === 'heartbeat-output'
        ? vscode.l10n.t('needed by [[outputs.heartbeat]]')
        : required
          ? vscode.l10n.t('needed to download a config from the controller')
          : vscode.l10n.t('needed when the agent downloads its config from the controller (--config URL)');
    if (!user) {
      checks.push({ id, title, status: 'skip', detail: vscode.l10n.t('not checked: the API did not accept the token') });
      continue;
    }
    if (need.resource === 'configs') {
      try {
        await client.listConfigs();
        checks.push({ id, title, status: 'pass', detail: vscode.l10n.t('GET /api/configs answered 200 ({0})', why) });
      } catch (e) {
        const { detail, kind } = errorDetail(e);
        const status: CheckStatus = required ? 'fail' : 'warn';
        checks.push({
          id,
          title,
          status,
          detail:
            kind === 'forbidden'
              ? vscode.l10n.t('GET /api/configs answered 403: the token lacks configs:read ({0})', why)
              : vscode.l10n.t('could not check: {0}', detail),
          ...(kind ? { kind } : {}),
        });
      }
      continue;
    }
    if (perms) {
      const missing = missingPermissions(perms, [need]).length > 0;
      checks.push({
        id,
        title,
        status: missing ? 'fail' : 'pass',
        detail: missing
          ? vscode.l10n.t('missing ({0}); the token has {1}', why, describePermissions(perms))
          : vscode.l10n.t('granted ({0}); the token has {1}', why, describePermissions(perms)),
      });
    } else {
      checks.push({ id, title, status: 'skip', detail: vscode.l10n.t('the token is not in your token list; the heartbeat below checks it') });
    }
  }

  // 3. A real heartbeat.
  if (hb && options.heartbeat === false) {
    checks.push({
      id: 'heartbeat',
      title: vscode.l10n.t('Heartbeat'),
      status: 'skip',
      detail: vscode.l10n.t('not sent: you chose the checks without a heartbeat'),
    });
  } else if (hb) {
    const instanceId = testInstanceIdFor(value);
    const documented = heartbeatUrl(url);
    let target = hb(url, documented);
    if (target.fromConfig && new URL(target.url).origin !== new URL(documented).origin) {
      // The address comes from a file in the workspace: a token is sent there only with the user's explicit consent.
      const send = vscode.l10n.t('Send to {0}', new URL(target.url).host);
      const useDocumented = vscode.l10n.t('Use {0}', new URL(documented).host);
      const choice = await ui.showWarningMessage(
        vscode.l10n.t('Send the token to {0} for the heartbeat test?', target.url),
        {
          modal: true,
          detail: vscode.l10n.t(
            "This address is the heartbeat url written in the config file, not the controller's documented heartbeat address ({0}). Send the token there only if you trust that address.",
            documented,
          ),
        },
        useDocumented,
        send,
      );
      if (choice === useDocumented) target = { url: documented, fromConfig: false };
      else if (choice !== send) {
        checks.push({
          id: 'heartbeat',
          title: vscode.l10n.t('Heartbeat'),
          status: 'skip',
          detail: vscode.l10n.t('not sent: you declined to send the token to {0}', target.url),
        });
        return { ok: checks.every((c) => c.status !== 'fail'), tokenLabel, checks };
      }
    }
    try {
      // The message a Telegraf heartbeat output sends (schema_v1.json), as a recognisable agent.
      await connection.api().sendHeartbeat(target.url, value, testHeartbeatMessage(instanceId, TEST_HEARTBEAT_VERSION));
      checks.push({
        id: 'heartbeat',
        title: vscode.l10n.t('Heartbeat as agent {0}', instanceId),
        status: 'pass',
        detail: target.fromConfig
          ? vscode.l10n.t('POST {0} answered 200; the controller now lists agent {1}', target.url, instanceId)
          : vscode.l10n.t("POST {0} answered 200 (the controller's documented heartbeat address); the controller now lists agent {1}", target.url, instanceId),
      });
    } catch (e) {
      const { detail, kind } = errorDetail(e);
      let text = `POST ${target.url}: ${detail}`;
      if (kind === 'forbidden') text = vscode.l10n.t('POST {0} answered 403: the token lacks heartbeat:write', target.url);
      else if (kind === 'connection-refused' || kind === 'network' || kind === 'timeout' || kind === 'dns') {
        // About the heartbeat address, not the API URL setting (the API answered above).
        text = target.fromConfig
          ? vscode.l10n.t('POST {0}: no answer ({1}). Check the url of [[outputs.heartbeat]] in the config.', target.url, kind)
          : vscode.l10n.t(
              "POST {0}: no answer ({1}). This is the controller's documented heartbeat address (port 8000 of the controller's host). If its heartbeat server listens elsewhere, run Test Token in a config whose [[outputs.heartbeat]] url names that address.",
              target.url,
              kind,
            );
      } else if (user && (kind === 'invalid-token' || kind === 'token-expired' || kind === 'missing-auth' || kind === 'invalid-token-format')) {
        text = vscode.l10n.t(
          'POST {0} answered 401 although the API accepts the token ({1}). The controller documentation describes a heartbeat-only 401 as a token cache problem on the heartbeat server: wait a minute and test again, or restart the controller if it persists.',
          target.url,
          detail,
        );
      }
      checks.push({ id: 'heartbeat', title: vscode.l10n.t('Heartbeat'), status: 'fail', detail: text, ...(kind ? { kind } : {}) });
    }
  }
  return { ok: checks.every((c) => c.status === 'pass' || c.status === 'skip' || c.status === 'warn'), tokenLabel, checks };
}

interface ValuePick extends vscode.QuickPickItem {
  get: () => Promise<{ value: string; token?: Token } | undefined>;
  /** The stored token's secret name matches the reference's (listed first). */
  matchesKey?: boolean;
  /** False for a revoked, expired or deleted token (listed last). */
  usable?: boolean;
}

/** Largest env file read for Test Token, bytes. */
const MAX_ENV_FILE_BYTES = 256 * 1024;

/**
 * Env files (`.env`, `*.env`) in the config's folder and its parent folders up
 * to the workspace folder that set `name` to a controller token (`tc-apiv1_…`):
 * the values an agent started there (Compose reads `.env`, systemd an
 * `EnvironmentFile`) would get. Unreadable and large files are skipped.
 */
async function envFileValues(doc: vscode.TextDocument, name: string): Promise<Array<{ uri: vscode.Uri; value: string }>> {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  if (doc.uri.scheme !== 'file' || !folder) return [];
  const out: Array<{ uri: vscode.Uri; value: string }> = [];
  let dir = vscode.Uri.joinPath(doc.uri, '..');
  for (let depth = 0; depth < 10 && (dir.path + '/').startsWith(folder.uri.path.replace(/\/?$/, '/')); depth++) {
    const entries = await vscode.workspace.fs.readDirectory(dir).then(undefined, () => [] as [string, vscode.FileType][]);
    for (const [fileName, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      if (type !== vscode.FileType.File || !(fileName === '.env' || fileName.endsWith('.env'))) continue;
      const uri = vscode.Uri.joinPath(dir, fileName);
      const text = await readSmallText(uri);
      const value = text === undefined ? undefined : envFileAssignments(text).get(name);
      if (value?.startsWith(CONTROLLER_TOKEN_PREFIX)) out.push({ uri, value });
    }
    if (dir.path === folder.uri.path) break;
    dir = vscode.Uri.joinPath(dir, '..');
  }
  return out;
}

/** The open document's text, else the file's when it is at most {@link MAX_ENV_FILE_BYTES}; undefined when unreadable. */
async function readSmallText(uri: vscode.Uri): Promise<string | undefined> {
  const open = openDocument(uri);
  if (open) return open.getText();
  try {
    if ((await vscode.workspace.fs.stat(uri)).size > MAX_ENV_FILE_BYTES) return undefined;
    return decodeUtf8(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Asks which value a reference (`${VAR}`, `@{store:key}`) holds on the agent: a stored token or a typed value. */
async function pickValueFor(deps: TestTokenDeps, site: TokenSite, doc: vscode.TextDocument): Promise<{ value: string; token?: Token }> {
  const origin = deps.connection.origin!;
  const now = Date.now();
  const refs = await deps.vault.listStoredTokens(origin);
  const items: ValuePick[] = [];
  // What an env file beside the config gives the variable comes first: most likely what the agent gets.
  if (site.classification === 'env' && site.envVar) {
    for (const found of await envFileValues(doc, site.envVar)) {
      const facts = await deps.resolver.facts(found.value, [], { network: false }).catch(() => undefined);
      const token = facts?.token ? deps.store.find(facts.token.id) : undefined;
      items.push({
        label: `$(file) ${vscode.l10n.t('The value in {0}', pickText(vscode.workspace.asRelativePath(found.uri), 120))}`,
        description: token ? `${pickText(ui.tokenName(token.description, 80))} · ${statusAndExpiry(token, now)}` : vscode.l10n.t('not a token of your list'),
        get: () => Promise.resolve({ value: found.value, ...(token ? { token } : {}) }),
      });
    }
  }
  const fromFiles = items.length;
  for (const ref of refs) {
    const token = deps.store.find(ref.id);
    const matchesKey = site.secretKey !== undefined && token !== undefined && secretKeysFor(token).includes(site.secretKey);
    const facts = storedValueFacts(token, deps.store, now);
    items.push({
      label: `$(key) ${pickText(ui.tokenName(ref.description, 80))}`,
      description: `${facts.description}${matchesKey ? ` · ${vscode.l10n.t('matches the secret name')}` : ''}`,
      matchesKey,
      usable: facts.usable,
      get: async () => {
        const value = await deps.vault.getTokenValue(origin, ref.id);
        return value ? { value, ...(token ? { token } : {}) } : undefined;
      },
    });
  }
  const rank = (i: ValuePick) => (i.usable === false ? 2 : 0) - (i.matchesKey ? 1 : 0);
  const stored = items.splice(fromFiles).sort((a, b) => rank(a) - rank(b));
  items.push(...stored);
  items.push({
    label: `$(edit) ${vscode.l10n.t('Enter the value…')}`,
    description: vscode.l10n.t('paste the value the agent uses (sent only to the configured controller)'),
    get: async () => {
      const v = await ui.showInputBox({
        prompt: vscode.l10n.t('The token value the agent uses (tc-apiv1_…). It is sent only to the configured controller and never stored.'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (s) => (s.trim() ? undefined : vscode.l10n.t('Enter a value')),
      });
      return v ? { value: v.trim() } : undefined;
    },
  });
  const what =
    site.classification === 'env'
      ? `\${${site.envVar}}`
      : site.classification === 'secret'
        ? `@{${site.storeId}:${site.secretKey}}`
        : vscode.l10n.t('this reference');
  const pick = required(
    await ui.showQuickPick(items, { placeHolder: vscode.l10n.t('Which token does {0} hold on the agent?', what), matchOnDescription: true }),
  );
  return required(await pick.get());
}

/** The site to test in `doc`: the one at `offset`, else the cursor's, else the only one / a pick. */
async function chooseSite(cfg: TelegrafConfig, doc: vscode.TextDocument, offset: number | undefined): Promise<TokenSite> {
  const sites = findTokenSites(cfg).filter((s) => s.classification !== 'empty');
  if (offset !== undefined) {
    const at = siteAt(cfg, offset) ?? sites.find((s) => s.key.valueRange.start <= offset && offset <= s.key.valueRange.end);
    if (at) return at;
  }
  if (sites.length === 0) {
    throw new Error(vscode.l10n.t('{0} has no token to test (no "token" key or Authorization header with a value).', vscode.workspace.asRelativePath(doc.uri)));
  }
  if (sites.length === 1) return sites[0]!;
  const pick = required(
    await ui.showQuickPick(
      sites.map((s) => ({
        label: `${s.table ? `[${pickText(s.table.name, 80)}]` : vscode.l10n.t('(top level)')} ${pickText(s.key.key, 80)}`,
        description: `${vscode.l10n.t('line {0}', s.key.line + 1)} · ${s.classification === 'controller-literal' ? vscode.l10n.t('plain-text value') : s.classification}`,
        site: s,
      })),
      { placeHolder: vscode.l10n.t('Test which token?') },
    ),
  );
  return pick.site;
}

/** Asks before a real heartbeat is sent (a controller lists every heartbeat's sender as an agent): true to send, false to check without; throws Cancelled. */
async function askHeartbeat(value: string, url: string): Promise<boolean> {
  // Said before anything is sent: a real controller records a heartbeat as an agent.
  const send = vscode.l10n.t('Send Heartbeat');
  const without = vscode.l10n.t('Check Without Heartbeat');
  const choice = await ui.showInformationMessage(
    vscode.l10n.t('Test Token sends a real heartbeat as agent "{0}" to {1}.', testInstanceIdFor(value), url),
    {
      modal: true,
      detail: vscode.l10n.t(
        'A Telegraf Controller records every heartbeat it accepts: it will list "{0}" as an agent (with its last-seen time) until you delete it there. The other checks (API, permissions) send no heartbeat.',
        testInstanceIdFor(value),
      ),
    },
    send,
    without,
  );
  if (choice === undefined) throw new Cancelled();
  return choice === send;
}

/** Registers "Test Token". */
export function registerTestToken(deps: TestTokenDeps): vscode.Disposable[] {
  const { connection, log } = deps;
  /** Logs every check and shows the outcome; `where` says which use was tested (a file and line, or the agent use). */
  const report = (result: TestTokenResult, where: string): void => {
    log.info(`[${connection.label}] tested ${result.tokenLabel} (${where}): ${result.ok ? 'OK' : 'FAILED'}`);
    for (const c of result.checks) log.info(`  ${ICON[c.status]} ${c.title}: ${c.detail}`);
    const summary = result.checks.map((c) => `${ICON[c.status]} ${c.title}`).join(' · ');
    const showDetails = vscode.l10n.t('Show Details');
    const show = (choice: string | undefined) => {
      if (choice === showDetails) log.show();
    };
    if (result.ok)
      void ui.showInformationMessage(vscode.l10n.t('Token test of {0} ({1}) passed: {2}', result.tokenLabel, where, summary), showDetails).then(show);
    else {
      const firstFail = result.checks.find((c) => c.status === 'fail');
      void ui
        .showWarningMessage(
          firstFail
            ? vscode.l10n.t('Token test of {0} ({1}) failed. {2}: {3}', result.tokenLabel, where, firstFail.title, firstFail.detail)
            : vscode.l10n.t('Token test of {0} ({1}) failed: {2}', result.tokenLabel, where, summary),
          showDetails,
        )
        .then(show);
    }
  };
  /** Test Token on a row of the Tokens view: its stored value, as a Telegraf agent uses it (AGENT_USE), against the active connection. */
  const testStoredToken = async (row: TokenRow): Promise<TestTokenResult> => {
    if (row.connectionKey !== undefined && row.connectionKey !== connection.key) {
      throw new Error(
        vscode.l10n.t(
          'Test Token checks against the active connection. Make the connection of {0} active first ("Telegraf Controller: Set Active Connection…").',
          `"${ui.tokenName(row.token.description, 60)}"`,
        ),
      );
    }
    const value = await deps.vault.getTokenValue(connection.origin!, row.token.id);
    if (!value) {
      throw new Error(
        vscode.l10n.t(
          'No value of {0} is stored in this VS Code: only a token created here can be tested from the Tokens view. To test the value an agent uses, run Test Token in its config.',
          `"${ui.tokenName(row.token.description, 60)}"`,
        ),
      );
    }
    const heartbeat = await askHeartbeat(value, heartbeatUrl(connection.current.url!));
    const result = await ui.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the token against the controller…') },
      () => runTokenChecks(deps, AGENT_USE, value, row.token, { heartbeat }),
    );
    report(result, vscode.l10n.t('as a Telegraf agent uses it'));
    return result;
  };
  return [
    registerCommand(
      Commands.testToken,
      async (arg?: TestTokenArg | TokenRow): Promise<TestTokenResult> => {
        if (connection.current.state !== 'ready' || !connection.current.url) {
          throw new Error(signInFirst(connection, vscode.l10n.t('A token is only ever tested against the configured controller.')));
        }
        if (isTokenRow(arg)) return testStoredToken(arg);
        let doc: vscode.TextDocument;
        let offset: number | undefined;
        if (arg && typeof arg === 'object' && typeof arg.uri === 'string') {
          doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
          offset = typeof arg.offset === 'number' ? arg.offset : undefined;
        } else {
          const editor = vscode.window.activeTextEditor;
          if (!editor || !isTelegrafDocument(editor.document))
            throw new Error(vscode.l10n.t('Open a Telegraf config and place the cursor on a token, then run "Test Token" again.'));
          doc = editor.document;
          offset = doc.offsetAt(editor.selection.active);
        }
        const cfg = deps.parses.get(doc);
        const site = await chooseSite(cfg, doc, offset);
        let value: string;
        let token: Token | undefined;
        const literal = literalOfSite(cfg, site);
        if (literal) value = literal.value;
        else if (site.classification === 'env' || site.classification === 'secret') ({ value, token } = await pickValueFor(deps, site, doc));
        else if (site.classification === 'placeholder' || site.classification === 'dynamic') {
          throw new Error(
            vscode.l10n.t('The token on line {0} is a placeholder or a dynamic value, not a token: there is nothing to test.', site.key.line + 1),
          );
        } else throw new Error(vscode.l10n.t('The value on line {0} is not a Telegraf Controller token (tc-apiv1_…).', site.key.line + 1));

        const use = useOfSite(cfg, site);
        const heartbeat = use.heartbeat ? await askHeartbeat(value, use.heartbeat(connection.current.url, heartbeatUrl(connection.current.url)).url) : true;
        const result = await ui.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the token against the controller…') },
          () => runTokenChecks(deps, use, value, token, { heartbeat }),
        );
        report(result, `${vscode.workspace.asRelativePath(doc.uri)}:${site.key.line + 1}`);
        return result;
      },
      log,
    ),
  ];
}
