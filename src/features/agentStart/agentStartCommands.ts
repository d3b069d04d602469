/**
 * Starting an agent from a controller configuration (README "Starting an
 * agent from a controller config"):
 *
 * - "Show Configurations…": the active controller's configurations
 *   (`GET /api/configs`) in a quick pick, then what to do with the one picked;
 * - "Copy Agent Start Command…": for a configuration, the start text of one
 *   of six kinds (shell, systemd, docker run, Compose, Kubernetes, Windows
 *   service) with the token ALWAYS by reference, copied to the clipboard;
 * - "Test Agent Start…": a stored token (or one typed, never stored) tried the
 *   way the agent will use it: the config download with Telegraf's exact
 *   `Authorization` header, sent to the signed-in controller only.
 *
 * The text comes from the editor-free generators in src/core/agentStart.
 */
import * as vscode from 'vscode';
import * as ui from '../../infra/ui';
import type { ConfigSummary, Token } from '../../core/api/contract';
import {
  AGENT_START_KINDS,
  LAST_INFLUX_TOKEN_TELEGRAF,
  agentStartSnippet,
  checkAgentStart,
  isGoDuration,
  versionText,
  type AgentCheckResult,
  type AgentCheckStatus,
  type AgentStartKind,
  type AgentStartSnippet,
} from '../../core/agentStart';
import { displayText } from '../../core/text';
import { parseTime } from '../../core/tokens';
import { Commands } from '../../constants';
import { registerCommand, required } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';
import { relativeLabel, signInFirst } from '../../services/words';
import { storedValueFacts } from '../../services/tokenArgs';

/** Services of the agent start commands. */
export interface AgentStartDeps {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
}

/**
 * Argument of the commands (tests, other features): which configuration and,
 * to skip the pickers, the kind, Telegraf line, watch interval and token.
 */
export interface AgentStartArg {
  configId?: string;
  configName?: string;
  kind?: AgentStartKind;
  /** `1.40` (TELEGRAF_CONTROLLER_TOKEN) or `1.38` (INFLUX_TOKEN), or any `major.minor`. */
  telegrafVersion?: string;
  /** Go duration, or `''` for no watching. */
  watchInterval?: string;
  /** Test Agent Start: id of a stored token to use. */
  tokenId?: string;
}

const CURRENT_LINE = '1.40';

/** Localized label, description and codicon of each kind (the picker's rows). */
function kindItems(): Array<vscode.QuickPickItem & { startKind: AgentStartKind; name: string }> {
  const rows: Record<AgentStartKind, [string, string, string]> = {
    shell: ['terminal', vscode.l10n.t('Shell command'), vscode.l10n.t('telegraf --config <url>, the token from a hidden prompt')],
    systemd: ['server-process', vscode.l10n.t('systemd unit with its env file'), vscode.l10n.t('drop-in with EnvironmentFile=, env file mode 0640')],
    docker: ['package', vscode.l10n.t('docker run'), vscode.l10n.t('--env passed from the host environment')],
    compose: ['layers', vscode.l10n.t('Docker Compose service'), vscode.l10n.t('env_file read by the telegraf service only')],
    kubernetes: ['cloud', vscode.l10n.t('Kubernetes DaemonSet'), vscode.l10n.t('secretKeyRef to a Secret created with kubectl')],
    powershell: ['window', vscode.l10n.t('Windows service (PowerShell)'), vscode.l10n.t('service install, then the Environment registry value')],
  };
  return AGENT_START_KINDS.map((kind) => {
    const [icon, label, description] = rows[kind];
    return { startKind: kind, name: label, label: `$(${icon}) ${label}`, description };
  });
}

function requireReady(connection: ControllerConnection): string {
  if (connection.current.state !== 'ready' || !connection.current.url) {
    throw new Error(signInFirst(connection, vscode.l10n.t('Configurations are listed from the signed-in controller.')));
  }
  return connection.current.url;
}

/** The configuration of `arg`, or one the user picks from `GET /api/configs`. */
async function pickConfig(deps: AgentStartDeps, arg: AgentStartArg | undefined, placeHolder: string): Promise<{ id: string; name: string }> {
  if (arg?.configId) return { id: arg.configId, name: arg.configName ?? arg.configId };
  const configs = await ui.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing configurations…') }, () =>
    deps.connection.api().listConfigs(),
  );
  if (configs.length === 0) throw new Error(vscode.l10n.t('{0} has no configurations yet. Create one in the controller first.', deps.connection.label));
  const now = Date.now();
  const items = configs.map((c: ConfigSummary) => {
    const updated = parseTime(c.updatedAt);
    return {
      label: `$(file-code) ${displayText(c.name, 80)}`,
      description: displayText(c.id, 60),
      detail: [ui.tokenName(c.description, 160), updated !== undefined ? vscode.l10n.t('updated {0}', relativeLabel(updated - now)) : '']
        .filter(Boolean)
        .join(' · '),
      config: { id: c.id, name: c.name },
    };
  });
  const pick = required(await ui.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true }));
  return pick.config;
}

async function pickVersion(arg: AgentStartArg | undefined): Promise<string> {
  if (arg?.telegrafVersion) return arg.telegrafVersion;
  const pick = required(
    await ui.showQuickPick(
      [
        { label: vscode.l10n.t('Telegraf 1.39 or later'), description: vscode.l10n.t('TELEGRAF_CONTROLLER_TOKEN, sent as Bearer'), version: CURRENT_LINE },
        {
          label: vscode.l10n.t('Telegraf {0} or earlier', versionText(LAST_INFLUX_TOKEN_TELEGRAF)),
          description: vscode.l10n.t('INFLUX_TOKEN, sent as Token'),
          version: versionText(LAST_INFLUX_TOKEN_TELEGRAF),
        },
      ],
      { placeHolder: vscode.l10n.t('Which Telegraf version does the agent run?') },
    ),
  );
  return pick.version;
}

async function pickWatch(arg: AgentStartArg | undefined): Promise<string> {
  if (arg?.watchInterval !== undefined) return arg.watchInterval;
  const items = [
    { label: vscode.l10n.t('Download the config once, at start'), value: '' },
    ...['1m', '5m', '15m'].map((d) => ({ label: vscode.l10n.t('Re-download every {0}', d), description: `--config-url-watch-interval ${d}`, value: d })),
    { label: vscode.l10n.t('Other interval…'), value: '?' },
  ];
  const pick = required(await ui.showQuickPick(items, { placeHolder: vscode.l10n.t('Should the agent watch the config for changes on the controller?') }));
  if (pick.value !== '?') return pick.value;
  return required(
    await ui.showInputBox({
      prompt: vscode.l10n.t('Interval as a Go duration (30s, 2m, 1h)'),
      validateInput: (s) => (isGoDuration(s.trim()) ? undefined : vscode.l10n.t('Use a number with a unit: 30s, 2m, 1h')),
    }),
  ).trim();
}

/** Registers "Show Configurations…", "Copy Agent Start Command…" and "Test Agent Start…". */
export function registerAgentStart(deps: AgentStartDeps): vscode.Disposable[] {
  const { connection, log } = deps;

  const copyStart = async (arg?: AgentStartArg): Promise<AgentStartSnippet> => {
    const url = requireReady(connection);
    const config = await pickConfig(deps, arg, vscode.l10n.t('Start an agent on which configuration?'));
    const kind =
      arg?.kind ??
      required(
        await ui.showQuickPick(kindItems(), {
          placeHolder: vscode.l10n.t('How will "{0}" run? The token is always by reference, never its value.', displayText(config.name, 60)),
          matchOnDescription: true,
        }),
      ).startKind;
    const telegrafVersion = await pickVersion(arg);
    const watchInterval = await pickWatch(arg);
    const snippet = agentStartSnippet(kind, {
      controllerUrl: url,
      configId: config.id,
      configName: config.name,
      telegrafVersion,
      ...(watchInterval ? { watchInterval } : {}),
    });
    await vscode.env.clipboard.writeText(snippet.text);
    log.info(`[${connection.label}] copied the ${kind} agent start text for config ${config.id} (${snippet.variable.name} by reference)`);
    for (const w of snippet.warnings) log.info(`  ! ${w}`);
    const open = vscode.l10n.t('Open in Editor');
    const test = vscode.l10n.t('Test Agent Start…');
    const copied = vscode.l10n.t(
      'Copied: {0} for "{1}". The token is read from {2} on the agent; the copied text holds no token value.',
      kindItems().find((k) => k.startKind === kind)!.name,
      displayText(config.name, 60),
      snippet.variable.name,
    );
    // An agent that cannot reach the URL as written: said as a warning, not left to the notes.
    void (
      snippet.unreachable
        ? ui.showWarningMessage(`${copied} ${vscode.l10n.t('The agent cannot reach {0} as written: {1}', url, snippet.unreachable)}`, open, test)
        : ui.showInformationMessage(copied, open, test)
    ).then(async (choice) => {
      if (choice === open) {
        const eol = snippet.language === 'powershell' ? '\r\n' : '\n';
        const notes = snippet.warnings.map((w) => `# ${w}`).join(eol);
        const doc = await vscode.workspace.openTextDocument({ language: snippet.language, content: `${snippet.text}${eol}${notes}${eol}` });
        await vscode.window.showTextDocument(doc, { preview: true });
      } else if (choice === test) {
        await vscode.commands.executeCommand(Commands.testAgentStart, { configId: config.id, configName: config.name, telegrafVersion });
      }
    });
    return snippet;
  };

  const testStart = async (arg?: AgentStartArg): Promise<AgentCheckResult> => {
    requireReady(connection);
    const config = await pickConfig(deps, arg, vscode.l10n.t('Test the agent start of which configuration?'));
    const telegrafVersion = await pickVersion(arg);
    const { value, token } = await pickToken(deps, arg);
    const result = await ui.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading "{0}" the way the agent will…', displayText(config.name, 60)) },
      () => checkAgentStart(connection.api(), { configId: config.id, token: value, telegrafVersion, ...(token ? { permissions: token.permissions } : {}) }),
    );
    const label = token ? `"${ui.tokenName(token.description, 60)}"` : vscode.l10n.t('the token');
    log.info(
      `[${connection.label}] Test Agent Start of config ${config.id} with ${label} as ${result.variable.name} (${result.header}): ${result.ok ? 'OK' : 'FAILED'}`,
    );
    for (const c of result.checks) log.info(`  ${ICON[c.status]} ${c.id}: ${c.detail}`);
    const details = vscode.l10n.t('Show Details');
    const show = (choice: string | undefined) => {
      if (choice === details) log.show();
    };
    if (result.ok) {
      const fetch = result.checks.find((c) => c.id === 'fetch');
      void ui
        .showInformationMessage(
          vscode.l10n.t(
            'Agent start test passed: {0} as {1} can download "{2}". {3}',
            label,
            result.variable.name,
            displayText(config.name, 60),
            fetch?.detail ?? '',
          ),
          details,
        )
        .then(show);
    } else {
      const fail = result.checks.find((c) => c.status === 'fail');
      void ui
        .showWarningMessage(vscode.l10n.t('Agent start test failed for "{0}" with {1}: {2}', displayText(config.name, 60), label, fail?.detail ?? ''), details)
        .then(show);
    }
    const { toml: _toml, ...rest } = result;
    return rest;
  };

  const showConfigs = async (arg?: AgentStartArg): Promise<void> => {
    requireReady(connection);
    const config = await pickConfig(deps, arg, vscode.l10n.t('Configurations of {0}', connection.label));
    const url = `${connection.current.url!.replace(/\/+$/, '')}/api/configs/${encodeURIComponent(config.id)}/toml`;
    const actions = [
      {
        label: `$(copy) ${vscode.l10n.t('Copy Agent Start Command…')}`,
        run: () => vscode.commands.executeCommand(Commands.copyAgentStartCommand, { configId: config.id, configName: config.name }),
      },
      {
        label: `$(beaker) ${vscode.l10n.t('Test Agent Start…')}`,
        run: () => vscode.commands.executeCommand(Commands.testAgentStart, { configId: config.id, configName: config.name }),
      },
      {
        label: `$(link) ${vscode.l10n.t('Copy Config URL')}`,
        description: url,
        run: async () => {
          await vscode.env.clipboard.writeText(url);
          void ui.showInformationMessage(vscode.l10n.t('Copied {0}', url));
        },
      },
    ];
    const pick = required(await ui.showQuickPick(actions, { placeHolder: vscode.l10n.t('"{0}": what next?', displayText(config.name, 60)) }));
    await pick.run();
  };

  return [
    registerCommand(Commands.showConfigurations, showConfigs, log, (e) => connection.noteFailure(e).then(() => undefined)),
    registerCommand(Commands.copyAgentStartCommand, copyStart, log, (e) => connection.noteFailure(e).then(() => undefined)),
    registerCommand(Commands.testAgentStart, testStart, log, (e) => connection.noteFailure(e).then(() => undefined)),
  ];
}

const ICON: Record<AgentCheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–', info: 'i' };

/** A stored token of this controller (with its permissions when in the list), or a value typed now and never stored. */
async function pickToken(deps: AgentStartDeps, arg: AgentStartArg | undefined): Promise<{ value: string; token?: Token }> {
  const origin = deps.connection.origin!;
  if (arg?.tokenId) {
    const value = await deps.vault.getTokenValue(origin, arg.tokenId);
    if (!value) throw new Error(vscode.l10n.t('No value is stored for token {0} on this computer.', arg.tokenId));
    const token = deps.store.find(arg.tokenId);
    return { value, ...(token ? { token } : {}) };
  }
  const now = Date.now();
  const refs = await deps.vault.listStoredTokens(origin);
  const stored = refs.map((ref) => {
    const token = deps.store.find(ref.id);
    const facts = storedValueFacts(token, deps.store, now);
    return {
      usable: facts.usable,
      label: `$(key) ${ui.tokenName(ref.description, 80)}`,
      description: facts.description,
      get: async () => {
        const value = await deps.vault.getTokenValue(origin, ref.id);
        return value ? { value, ...(token ? { token } : {}) } : undefined;
      },
    };
  });
  // Usable tokens first: a revoked, expired or deleted one would only fail the test.
  const items: Array<vscode.QuickPickItem & { get: () => Promise<{ value: string; token?: Token } | undefined> }> = [
    ...stored.filter((i) => i.usable),
    ...stored.filter((i) => !i.usable),
  ];
  items.push({
    label: `$(edit) ${vscode.l10n.t('Enter the value…')}`,
    description: vscode.l10n.t('sent only to the signed-in controller, never stored'),
    get: async () => {
      const v = await ui.showInputBox({
        prompt: vscode.l10n.t('The token value the agent will have (tc-apiv1_…). Sent only to the signed-in controller and never stored.'),
        password: true,
        ignoreFocusOut: true,
      });
      // Deliberately not trimmed: Telegraf does not trim either, and the check says what is wrong with the value.
      return v === undefined ? undefined : { value: v };
    },
  });
  const pick = required(await ui.showQuickPick(items, { placeHolder: vscode.l10n.t('Which token will the agent use?'), matchOnDescription: true }));
  return required(await pick.get());
}
