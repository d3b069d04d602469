/**
 * Editor features on Telegraf configs (`telegraf.conf`, `telegraf.d/*.conf`,
 * `.conf`/`.toml` files with Telegraf tables): heartbeat CodeLens, `token = `
 * completion, hover, workspace diagnostics with quick fixes (including the
 * leak response), "Test Token", "Rotate Token…" and "Check Tokens in
 * Workspace Configs". The "Insert Token into Config…" command lives in
 * `insertTokenCommand.ts` and is registered by the composition root.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { displayText } from '../../core/text';
import * as ui from '../../infra/ui';
import { Commands } from '../../constants';
import { registerCommand } from '../../infra/commands';
import type { Logger } from '../../infra/logger';
import type { SecretVault } from '../../infra/secretVault';
import type { ControllerConnection } from '../../services/controllerConnection';
import type { TokenStore } from '../../services/tokenStore';
import type { TokenUsage } from '../../services/tokenUsage';
import { secretKeysFor } from '../../core/config/tokenAssessment';
import { findPrefixInWorkspace, findSecretStorePlaces, findValueInWorkspace } from './tokenReplacement';
import { registerPlaintextActions } from './codeActions';
import { registerHeartbeatCodeLens } from './codeLens';
import { registerTokenCompletion } from './completion';
import { CONFIG_SELECTOR, ParseCache } from '../../services/configDocuments';
import { ConfigDiagnostics, DIAGNOSTIC_SOURCE } from './diagnostics';
import { GitIgnoreChecker } from '../../services/gitIgnore';
import { registerTokenHover } from './hover';
import { registerRotateToken } from './rotateTokenCommand';
import { registerTestToken } from './testTokenCommand';
import { TokenResolver } from './tokenResolver';

/** What the config features need from the composition root. */
export interface ConfigFeatureServices {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
  context: vscode.ExtensionContext;
  /** Lets rotate follow the token into deployment files (the deployments feature). */
  deployments?: import('./tokenReplacement').DeploymentReferenceHook;
  /** Filled in here: where a token is used, for the explorer's Revoke and Delete confirmations. */
  usage?: TokenUsage;
}

/**
 * Registers every editor feature on Telegraf configs and starts the
 * diagnostics (a workspace scan runs shortly after activation). Returns the
 * disposables to push into `context.subscriptions`.
 */
export function registerConfigFeatures(services: ConfigFeatureServices): vscode.Disposable[] {
  const { connection, store, vault, log } = services;
  const parses = new ParseCache();
  const resolver = new TokenResolver(connection, store, vault, log);
  const git = new GitIgnoreChecker(() => vscode.workspace.isTrusted);
  const diagnostics = new ConfigDiagnostics({ connection, store, vault, resolver, git, log }).start();
  const common = { connection, store, vault, log, resolver, parses };
  if (services.usage) {
    // Configs and deployment files that hold the value, and configs that read it from a secret store under its key;
    // without the value (not stored here), the files that hold a value starting with the token's prefix.
    services.usage.finder = async (token, value) => {
      if (!value) return token.prefix ? await findPrefixInWorkspace(token.prefix) : [];
      const [configs, deployments, stores] = await Promise.all([
        findValueInWorkspace(value),
        services.deployments?.find(value),
        Promise.all(secretKeysFor(token).map((k) => findSecretStorePlaces(k))),
      ]);
      // One label per place: an absolute path inside the workspace is written as `locationLabel` writes it (relative).
      const relative = (label: string) => {
        const m = /^(.*?)(:\d+)?$/.exec(label)!;
        return path.isAbsolute(m[1]!) ? `${vscode.workspace.asRelativePath(m[1]!, false)}${m[2] ?? ''}` : label;
      };
      const lines = (deployments ? [...deployments.writable, ...deployments.readOnly, ...(deployments.elsewhere ?? [])] : []).map(relative);
      // A file named by its places (outside the workspace, or what a Secret or host file is made from) only when no line
      // of it is listed already.
      const files = (deployments?.manual ?? []).flatMap((m) => {
        if (!m.file) return [];
        const f = relative(m.file);
        return lines.some((l) => l === f || l.startsWith(`${f}:`)) ? [] : [f];
      });
      return [...new Set([...configs.map((o) => o.label), ...lines, ...files, ...stores.flat().map((p) => p.label)].map(relative))];
    };
  }
  return [
    resolver,
    diagnostics,
    // Git answers only once the workspace is trusted (services/gitIgnore.ts): check again with them.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      git.clear();
      void diagnostics.scanWorkspace();
    }),
    vscode.workspace.onDidCloseTextDocument((d) => parses.forget(d.uri)),
    ...registerHeartbeatCodeLens(CONFIG_SELECTOR, parses, log),
    ...registerTokenCompletion(CONFIG_SELECTOR, common),
    ...registerTokenHover(CONFIG_SELECTOR, common),
    ...registerPlaintextActions(CONFIG_SELECTOR, { ...common, deployments: services.deployments, workspaceState: services.context.workspaceState }),
    ...registerTestToken(common),
    ...registerRotateToken({ ...common, deployments: services.deployments }),
    registerCommand(
      Commands.checkConfigTokens,
      async () => {
        resolver.clear();
        git.clear();
        await ui.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking tokens in Telegraf configs…') }, () =>
          resolver.explicitly(async () => {
            await Promise.all([diagnostics.scanWorkspace(), services.deployments?.recheck()]);
          }),
        );
        // Every finding of this extension in Problems: the Telegraf configs' and the deployment files'.
        let problems = 0;
        let files = 0;
        for (const [, list] of vscode.languages.getDiagnostics()) {
          const ours = list.filter((d) => d.source === DIAGNOSTIC_SOURCE).length;
          problems += ours;
          if (ours > 0) files++;
        }
        if (services.connection.current.state === 'error') {
          // The controller did not answer: what it would say about the tokens found is not known.
          const show = vscode.l10n.t('Show Problems');
          void ui
            .showWarningMessage(
              vscode.l10n.t(
                'Could not reach the Telegraf Controller "{0}": tokens found in files were not checked against it (revoked, expired or unknown ones are not flagged). Check again when it answers.',
                displayText(services.connection.name, 60),
              ),
              show,
            )
            .then((choice) => {
              if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
            });
        } else if (problems === 0) {
          void ui.showInformationMessage(vscode.l10n.t('No token problems found in the Telegraf configs and deployment files of this workspace.'));
        } else {
          const show = vscode.l10n.t('Show Problems');
          void ui
            .showWarningMessage(
              problems === 1
                ? vscode.l10n.t('1 token problem found in the Telegraf configs and deployment files of this workspace.')
                : files === 1
                  ? vscode.l10n.t('{0} token problems found in 1 file.', problems)
                  : vscode.l10n.t('{0} token problems found in {1} files.', problems, files),
              show,
            )
            .then((choice) => {
              if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
            });
        }
        return problems;
      },
      log,
    ),
  ];
}
