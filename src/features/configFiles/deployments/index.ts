/**
 * Deployment files (README.md "Deploying agents"): workspace diagnostics
 * for plaintext tokens and credentials in Compose, Kubernetes, Helm, env
 * files, systemd, shell, PowerShell, Dockerfile, Terraform, Jinja and JSON
 * files; hover; quick fixes in each format's idiom; "Add Token to
 * Deployment…"; and the hook that lets "Rotate Token…" follow a token into
 * env files and list the cluster Secrets and Windows registry values it
 * cannot update. Core logic: `src/core/deploy`.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../../infra/logger';
import type { SecretVault } from '../../../infra/secretVault';
import type { ControllerConnection } from '../../../services/controllerConnection';
import type { TokenStore } from '../../../services/tokenStore';
import { GitIgnoreChecker } from '../../../services/gitIgnore';
import type { DeploymentReferenceHook } from '../tokenReplacement';
import { TokenResolver } from '../tokenResolver';
import { registerDeploymentActions } from './actions';
import { registerAddTokenToDeployment } from './addTokenCommand';
import { DeploymentDiagnostics } from './diagnostics';
import { registerDeploymentHover } from './hover';
import { deploymentReferenceHook } from './rotateHook';
import type { TokenUsage } from '../../../services/tokenUsage';

/** What the deployment features need from the composition root. */
export interface DeploymentServices {
  connection: ControllerConnection;
  store: TokenStore;
  vault: SecretVault;
  log: Logger;
  /** Where "Add to Env File…" remembers the env files it wrote (paths only), so that rotate follows the token there. */
  workspaceState?: vscode.Memento;
  /** Where a token is used in the workspace (filled in by the config features). */
  usage?: TokenUsage;
}

/** Registers the deployment features; returns the disposables and the rotate hook (pass it to the config features). */
export function registerDeploymentFeatures(services: DeploymentServices): { disposables: vscode.Disposable[]; hook: DeploymentReferenceHook } {
  const { connection, store, vault, log } = services;
  const resolver = new TokenResolver(connection, store, vault, log);
  const git = new GitIgnoreChecker(() => vscode.workspace.isTrusted);
  const diagnostics = new DeploymentDiagnostics({ connection, store, vault, resolver, git, log }).start();
  const hook = deploymentReferenceHook(diagnostics, services.workspaceState, log);
  const envFiles = diagnostics.envFiles;
  return {
    hook,
    disposables: [
      resolver,
      diagnostics,
      // Git answers only once the workspace is trusted (services/gitIgnore.ts): check again with them.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        git.clear();
        void diagnostics.scanWorkspace();
      }),
      registerDeploymentHover(resolver, envFiles, () => connection.current.state === 'ready'),
      ...registerDeploymentActions({ connection, store, vault, resolver, git, log, envFiles, hook }),
      ...registerAddTokenToDeployment({ connection, store, vault, log, git, envFiles, usage: services.usage }),
    ],
  };
}
