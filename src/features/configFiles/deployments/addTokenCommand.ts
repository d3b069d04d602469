/**
 * "Add Token to Deployment…" (tokens view context menu, palette, editor and
 * explorer context menus on deployment files): picks the file and a token
 * whose value is stored in VS Code, plans the entry with
 * `core/deploy/plan` (Compose environment/env_file, Kubernetes secretKeyRef,
 * kustomize secretGenerator, Helm env/envFromSecret, systemd drop-in or the
 * unit's EnvironmentFile, env files, PowerShell, Jinja, Terraform), shows
 * what it will do (version notes, warnings), applies the file edit as ONE
 * WorkspaceEdit (minimal; undoable) and writes the value into a git-ignored
 * env file with mode 0600. Commands (kubectl, install, the Windows registry
 * PowerShell) are shown and copied, never run. A token value is never put
 * into a tracked manifest.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { signInFirst } from '../../../services/words';
import * as ui from '../../../infra/ui';
import type { Token } from '../../../core/api/contract';
import { applyEdits, suggestPresetForDeployment } from '../../../core/config';
import {
  DEFAULT_ENV_FILE,
  DEFAULT_SECRET_NAME,
  kustomizeResources,
  secretNameFor,
  deploymentKind,
  fillValue,
  planAddToken,
  telegrafContainers,
  telegrafServices,
  windowsServiceCommand,
  secretManifestText,
  yamlProblem,
  type ComposeMode,
  type DeployKind,
  type DeployPlan,
} from '../../../core/deploy';
import { Commands } from '../../../constants';
import { canManageTokens } from '../../../core/roles';
import { pickText } from '../../../core/text';
import { shQuote } from '../../../core/agentStart/generators';
import type { TextEdit } from '../../../core/config/types';
import { Cancelled, registerCommand, required } from '../../../infra/commands';
import { resolveToken, type TokenArg, type Services as TokenCommandDeps } from '../../../services/tokenArgs';
import type { GitIgnoreChecker } from '../../../services/gitIgnore';
import type { TokenUsage } from '../../../services/tokenUsage';
import { minimalEdit } from '../insertTokenCommand';
import {
  confirmEnvFileHolder,
  ensureGitIgnored,
  envFileHolder,
  freeFileBeside,
  kindOfDocument,
  freeOwnEnvFile,
  readDeployment,
  secretManifestHolder,
  secretReaders,
  workspaceCommand,
  workspaceDeploymentUris,
  writeOwnerOnly,
  writeValueFile,
  type EnvFileIndex,
} from './documents';
import { startScriptWarning } from './startScript';

/** Services of the command. */
export interface AddTokenDeps extends TokenCommandDeps {
  git: GitIgnoreChecker;
  envFiles: EnvFileIndex;
  /** Where a token is used in the workspace already (a token given to two agents is asked about). */
  usage?: TokenUsage;
}

/** What the command did (returned for tests; never the value). */
export interface AddTokenResult {
  file: string;
  plan: Pick<DeployPlan, 'kind' | 'status' | 'varName' | 'target' | 'notes' | 'warnings'>;
  valueFile?: string;
  commands: string[];
}

/** Options a test may pass instead of the pickers. */
export interface AddTokenOptions {
  tokenId?: string;
  uri?: string;
  composeMode?: ComposeMode;
  k8s?: 'kubectl' | 'manifest';
  /** Compose: the Telegraf service to wire (asked when the file has several). */
  service?: string;
  /** Kubernetes: the Telegraf container to wire, a `key` of `telegrafContainers` (asked when the file has several). */
  container?: string;
  /** The answer to "this env file (or Secret manifest) already gives agents another token" (asked when unset). */
  holder?: 'replace' | 'alternative';
  /** Skip the confirmation (tests). */
  yes?: boolean;
}

const WINDOWS = '$windows';

/** The one Telegraf service (Compose) or container (Kubernetes) of a file, as the plan's `target` names it; undefined when there are several or none. */
function soleAgent(kind: DeployKind, text: string): string | undefined {
  const body = text.replace(/^\uFEFF/, '');
  if (kind === 'compose') {
    const services = telegrafServices(body);
    return services.length === 1 ? `service "${services[0]!.name}"` : undefined;
  }
  if (kind === 'kubernetes') {
    const containers = telegrafContainers(body);
    return containers.length === 1 ? containers[0]!.label : undefined;
  }
  return undefined;
}

async function pickFile(deps: AddTokenDeps): Promise<vscode.Uri | typeof WINDOWS> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && kindOfDocument(active, deps.envFiles)) return active.uri;
  const uris = (await workspaceDeploymentUris(deps.envFiles)).slice(0, 500);
  const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = [];
  for (const uri of uris) {
    const t = await readDeployment(uri);
    if (!t) continue;
    const kind = deploymentKind(uri.fsPath.replace(/\\/g, '/'), t.text, deps.envFiles.paths());
    if (!kind || !/telegraf/i.test(t.text + uri.fsPath)) continue;
    items.push({ label: vscode.workspace.asRelativePath(uri), description: kind, uri });
  }
  items.push({
    label: `$(terminal-powershell) ${vscode.l10n.t('Windows service (PowerShell command)')}`,
    description: vscode.l10n.t('sets the service Environment registry value'),
  });
  const pick = required(await ui.showQuickPick(items, { placeHolder: vscode.l10n.t('Add the token to which deployment?') }));
  return pick.uri ?? WINDOWS;
}

/** Registers the command. */
export function registerAddTokenToDeployment(deps: AddTokenDeps): vscode.Disposable[] {
  const { connection, vault, log } = deps;
  return [
    registerCommand(
      Commands.addTokenToDeployment,
      async (arg?: TokenArg | vscode.Uri, opts: AddTokenOptions = {}): Promise<AddTokenResult | undefined> => {
        if (connection.current.state !== 'ready' || !connection.origin) throw new Error(signInFirst(connection));
        const origin = connection.origin;
        const fileArg = arg instanceof vscode.Uri ? arg : opts.uri ? vscode.Uri.parse(opts.uri) : undefined;
        const tokenArg: TokenArg =
          arg instanceof vscode.Uri ? (opts.tokenId ? { id: opts.tokenId } : undefined) : (arg ?? (opts.tokenId ? { id: opts.tokenId } : undefined));
        const target = fileArg ?? (await pickFile(deps));
        // The file is checked before a token is asked for: one that cannot take a token ends the command first.
        const opened = target === WINDOWS ? undefined : await openDeploymentFile(target, deps.envFiles);
        const stored = await vault.storedTokenIds(origin);
        const canCreate = !!deps.connection.user && canManageTokens(deps.connection.user.role);
        const token: Token = await resolveToken(
          deps,
          tokenArg,
          vscode.l10n.t('Add which token? (only tokens whose value is stored in VS Code)'),
          (t) => t.status === 'active' && stored.has(t.id),
          // No dead end: the form's new token (its value stored) is the one added.
          canCreate
            ? () =>
                vscode.commands.executeCommand<string | undefined>(
                  Commands.createToken,
                  suggestPresetForDeployment(
                    target === WINDOWS ? 'telegraf.exe' : target.fsPath,
                    target === WINDOWS ? 'Windows service' : vscode.workspace.asRelativePath(target, false),
                    opened && soleAgent(opened.kind, opened.doc.getText()),
                  ),
                  {
                    returnCreated: true,
                  },
                )
            : undefined,
        );
        const value = await vault.getTokenValue(origin, token.id);
        if (!value)
          throw new Error(
            vscode.l10n.t('The value of "{0}" is not stored in VS Code; create a token here or store its value first.', ui.tokenName(token.description, 80)),
          );

        if (target === WINDOWS) {
          const cmd = windowsServiceCommand();
          const copy = vscode.l10n.t('Copy Command');
          const choice = await ui.showInformationMessage(
            vscode.l10n.t(
              'Run this in an elevated PowerShell on the Windows host, after "telegraf.exe --service install" (it prompts for the token; VS Code never runs it).',
            ),
            { modal: true, detail: cmd },
            copy,
          );
          if (choice === copy) await vscode.env.clipboard.writeText(cmd);
          return {
            file: 'windows-service',
            plan: { kind: 'powershell', status: 'elsewhere', varName: 'TELEGRAF_CONTROLLER_TOKEN', notes: [], warnings: [] },
            commands: [cmd],
          };
        }

        const { doc, kind } = opened!;
        const text = doc.getText();
        const bom = text.startsWith('\uFEFF') ? 1 : 0;
        const body = text.slice(bom);
        const fsPath = doc.uri.fsPath.replace(/\\/g, '/');
        let composeMode = opts.composeMode;
        // Several Telegraf services in one Compose file: the user says which one gets this token.
        let service = opts.service;
        if (kind === 'compose' && !service) {
          const services = telegrafServices(body);
          if (services.length > 1)
            service = required(
              await ui.showQuickPick(
                // Those without a token first, as for Kubernetes containers.
                [...services.filter((n) => !n.readsToken), ...services.filter((n) => n.readsToken)].map((n) => ({
                  label: pickText(n.name, 60),
                  description: [
                    n.image ? pickText(n.image, 80) : vscode.l10n.t('(no image)'),
                    n.readsToken ? vscode.l10n.t('has a token already') : vscode.l10n.t('no token yet'),
                  ].join(' · '),
                  name: n.name,
                })),
                { placeHolder: vscode.l10n.t('Which Telegraf service of {0} gets the token?', path.basename(doc.fileName)) },
              ),
            ).name;
        }
        if (kind === 'compose' && !composeMode) {
          // When other services read .env through env_file:, the environment: choice would hand them the token.
          let sharedDotEnv: string[] = [];
          let refused = false;
          try {
            const first = planAddToken(
              fsPath,
              body,
              { composeMode: 'environment', controllerUrl: origin, ...(service ? { service } : {}) },
              deps.envFiles.paths(),
            );
            sharedDotEnv = first.sharedWith ?? [];
            // Nothing to choose when the service cannot take the token (its --config is another server's URL).
            refused = first.status === 'unsupported';
          } catch {
            /* the plan below reports it */
          }
          const environment = {
            label: 'environment:',
            description: sharedDotEnv.length
              ? `⚠ ${vscode.l10n.t('${VAR} entry; the value goes into .env, which {0} also read (env_file:)', sharedDotEnv.join(', '))}`
              : vscode.l10n.t('${VAR} entry; the value goes into .env beside the compose file'),
            mode: 'environment' as const,
          };
          const envFile = {
            label: 'env_file:',
            description: vscode.l10n.t('the value goes into {0}, read by this service only', DEFAULT_ENV_FILE),
            mode: 'env_file' as const,
          };
          if (!refused) {
            const pick = required(
              await ui.showQuickPick(sharedDotEnv.length ? [envFile, environment] : [environment, envFile], {
                placeHolder: vscode.l10n.t('How should the Telegraf service get the token?'),
              }),
            );
            composeMode = pick.mode;
          }
        }
        // Several Telegraf containers in one manifest: the user says which one gets this token (those without one first).
        let container = opts.container;
        if (kind === 'kubernetes' && container === undefined) {
          const list = telegrafContainers(body);
          if (list.length > 1) {
            const sorted = [...list.filter((c) => !c.readsToken), ...list.filter((c) => c.readsToken)];
            container = required(
              await ui.showQuickPick(
                sorted.map((c) => ({
                  label: pickText(c.label, 120),
                  description: [
                    c.namespace ? vscode.l10n.t('namespace {0}', pickText(c.namespace, 60)) : '',
                    c.readsToken ? vscode.l10n.t('has a token already') : vscode.l10n.t('no token yet'),
                  ]
                    .filter(Boolean)
                    .join(' · '),
                  detail: pickText(c.image, 120),
                  key: c.key,
                })),
                { placeHolder: vscode.l10n.t('Which Telegraf container of {0} gets the token?', path.basename(doc.fileName)) },
              ),
            ).key;
          }
        }
        const picked = { ...(service ? { service } : {}), ...(container !== undefined ? { container } : {}) };
        let plan = planAddToken(fsPath, body, { composeMode, controllerUrl: origin, ...picked }, deps.envFiles.paths());
        if (plan.status === 'unsupported') throw new Error(plan.notes.join(' ') || vscode.l10n.t('Nothing to add in this file.'));
        let k8s = opts.k8s;
        // A kustomization makes the Secret itself (secretGenerator): nothing to choose.
        if ((kind === 'kubernetes' || kind === 'helm-values') && !k8s && plan.valueFile === DEFAULT_ENV_FILE) {
          const pick = required(
            await ui.showQuickPick(
              [
                {
                  label: vscode.l10n.t('kubectl command'),
                  description: vscode.l10n.t('value into {0} (git-ignored, 0600); copy "kubectl create secret generic … --from-env-file"', DEFAULT_ENV_FILE),
                  v: 'kubectl' as const,
                },
                {
                  label: vscode.l10n.t('Secret manifest in a git-ignored file'),
                  description: `${DEFAULT_SECRET_NAME}.secret.yaml (0600)`,
                  v: 'manifest' as const,
                },
              ],
              { placeHolder: vscode.l10n.t('How should the Secret be created? (the value never goes into this manifest)') },
            ),
          );
          k8s = pick.v;
        }
        // For an env file the value goes into the file itself.
        const isEnv = plan.kind === 'env';
        const valueFileOf = async (p: DeployPlan) =>
          isEnv || !p.valueFile
            ? undefined
            : path.isAbsolute(p.valueFile)
              ? await resolveAbsolute(p.valueFile, path.dirname(doc.uri.fsPath))
              : path.join(path.dirname(doc.uri.fsPath), p.valueFile);
        const dir = path.dirname(doc.uri.fsPath);
        const secretNotes: string[] = [];
        // A Secret is one per namespace: when another workspace manifest's workload reads the one this plan would create,
        // this agent gets a Secret (and env file) of its own instead of sharing, and later replacing, that token.
        if (plan.status === 'edit' && plan.secretName && plan.valueFile === DEFAULT_ENV_FILE) {
          const ctx = { index: deps.envFiles, except: doc.uri.fsPath };
          const readers = await secretReaders(plan.secretName, plan.namespace, ctx);
          if (readers.length > 0) {
            const own = await freeOwnEnvFile(dir, plan.namespace, ctx);
            const other = planAddToken(fsPath, body, { composeMode, controllerUrl: origin, envFile: own, ...picked }, deps.envFiles.paths());
            secretNotes.push(
              k8s === 'manifest'
                ? vscode.l10n.t(
                    'The Secret "{0}" is already read by {1}: this agent gets the Secret "{2}" of its own ({2}.secret.yaml).',
                    plan.secretName,
                    readers.slice(0, 3).join(', '),
                    other.secretName ?? '',
                  )
                : vscode.l10n.t(
                    'The Secret "{0}" is already read by {1}: this agent gets the Secret "{2}" of its own, made from {3}.',
                    plan.secretName,
                    readers.slice(0, 3).join(', '),
                    other.secretName ?? '',
                    own,
                  ),
            );
            plan = other;
          }
        }
        let localValueFile = await valueFileOf(plan);
        const manifestOf = (p: DeployPlan) => path.join(dir, `${p.secretName ?? DEFAULT_SECRET_NAME}.secret.yaml`);
        // An env file (or Secret manifest) that already gives agents another token (another deployment may read it): asked
        // before anything changes, with a file of its own for this token as the default. Compose's .env has no other name.
        // The file the value goes into, as it is before any question: one that changes meanwhile (another run, a shell, git)
        // is never written with answers given about what it held.
        const valueTargetOf = (p: DeployPlan, file: string | undefined) => (file && k8s === 'manifest' ? manifestOf(p) : file);
        const snapshotOf = (f: string | undefined) => (f ? fs.readFile(f, 'utf8').catch(() => undefined) : Promise.resolve(undefined));
        let valueSnapshot = await snapshotOf(valueTargetOf(plan, localValueFile));
        const holderCtx = { index: deps.envFiles, tokens: deps.store.snapshot.tokens, except: doc.uri.fsPath };
        const holder =
          !localValueFile || opts.yes
            ? undefined
            : k8s === 'manifest'
              ? await secretManifestHolder(manifestOf(plan), plan.varName, value, holderCtx)
              : await envFileHolder(localValueFile, plan.varName, value, holderCtx);
        let holderAnswer: AddTokenOptions['holder'];
        if (holder && localValueFile) {
          const relative = plan.valueFile && !path.isAbsolute(plan.valueFile) && path.basename(plan.valueFile) !== '.env';
          // A file of its own: the next free telegraf-controller-N.env (its Secret is telegraf-controller-token-N, secretNameFor).
          // (telegraf-controller-2.env is followed by telegraf-controller-3.env, never telegraf-controller-2-2.env; for
          // Kubernetes and Helm, one whose Secret no other manifest reads.)
          const numbered = /^telegraf-controller(-\d+)?\.env$/.test(path.basename(localValueFile));
          // Compose's .env (the environment: form) has no other name: a file of its own is an env_file: of the service's own.
          // (Not when its environment: sets the variable already, a placeholder the environment: form fills: that entry
          // would override the env_file:.)
          const composeDotEnv =
            kind === 'compose' &&
            composeMode === 'environment' &&
            plan.status === 'edit' &&
            path.basename(plan.valueFile ?? '') === '.env' &&
            !planAddToken(fsPath, body, { composeMode: 'env_file', controllerUrl: origin, ...picked }, deps.envFiles.paths()).overridden;
          const ownEnvFile = composeDotEnv
            ? await fs.access(path.join(dir, DEFAULT_ENV_FILE)).then(
                async () => path.basename(await freeFileBeside(path.join(dir, DEFAULT_ENV_FILE))),
                () => DEFAULT_ENV_FILE,
              )
            : !relative
              ? undefined
              : numbered && (kind === 'kubernetes' || kind === 'helm-values' || kind === 'kustomization')
                ? await freeOwnEnvFile(dir, plan.namespace, { index: deps.envFiles, except: doc.uri.fsPath })
                : path.basename(
                    await freeFileBeside(
                      numbered ? path.join(dir, DEFAULT_ENV_FILE) : localValueFile,
                      k8s === 'manifest' ? (f) => manifestOf({ ...plan, secretName: secretNameFor(f) }) : undefined,
                    ),
                  );
          const alternative = ownEnvFile && k8s === 'manifest' ? `${secretNameFor(ownEnvFile)}.secret.yaml` : ownEnvFile;
          holderAnswer = opts.holder ?? (await confirmEnvFileHolder(holder, plan.varName, alternative));
          if (holderAnswer === 'alternative' && ownEnvFile) {
            if (composeDotEnv) composeMode = 'env_file';
            const other = planAddToken(fsPath, body, { composeMode, controllerUrl: origin, envFile: ownEnvFile, ...picked }, deps.envFiles.paths());
            if (other.valueFile !== ownEnvFile)
              throw new Error(vscode.l10n.t('{0} cannot read the token from another file; nothing was changed.', path.basename(doc.fileName)));
            plan = other;
            localValueFile = await valueFileOf(plan);
            valueSnapshot = await snapshotOf(valueTargetOf(plan, localValueFile));
          }
        }
        const warnings = [...plan.warnings];
        // A start script of its own may set the variable itself and replace the value given here.
        const startWarning = await startScriptWarning(plan, path.dirname(doc.uri.fsPath));
        if (startWarning) warnings.push(startWarning);
        if (plan.sharedWith?.length)
          warnings.push(
            vscode.l10n.t(
              '{0} is also read through env_file: by {1}: the token would reach them too. Give the Telegraf service an env_file: of its own instead.',
              plan.valueFile ?? '.env',
              plan.sharedWith.join(', '),
            ),
          );
        // Services of other Compose files that read the value file through env_file: get every line of it, the token too.
        if (kind === 'compose' && localValueFile) {
          const readers = deps.envFiles.servicesOf(localValueFile).filter((svc) => svc !== plan.service && !(plan.sharedWith ?? []).includes(svc));
          if (readers.length)
            warnings.push(
              vscode.l10n.t(
                '{0} is also read through env_file: by the Compose services {1}: the token would reach them too. Give the Telegraf service an env_file: of its own instead.',
                vscode.workspace.asRelativePath(localValueFile),
                readers.join(', '),
              ),
            );
        }
        // A file git tracks that would receive the value: the safe default is to untrack it first.
        let trackedTarget: string | undefined;
        if (isEnv) {
          const users = deps.envFiles.servicesOf(doc.uri.fsPath);
          if (users.length > 1)
            warnings.push(
              vscode.l10n.t(
                'This env file is shared by the Compose services {0}: the token would reach all of them. A telegraf-only env_file is safer.',
                users.join(', '),
              ),
            );
          if (doc.uri.scheme === 'file' && (await deps.git.isTrackedKnown(doc.uri.fsPath))) {
            trackedTarget = doc.uri.fsPath;
            warnings.push(
              vscode.l10n.t(
                'Git tracks this file: the token would be committed with it. Stop tracking it first: {0}',
                `git rm --cached -- ${shQuote(vscode.workspace.asRelativePath(doc.uri, false))}`,
              ),
            );
          } else if (doc.uri.scheme === 'file' && !(await deps.git.isIgnored(doc.uri.fsPath)) && (await deps.git.inRepository(doc.uri.fsPath)))
            warnings.push(vscode.l10n.t('Git does not ignore this file: the token would be committed with it.'));
        }
        // Where the value goes: the env file, or the Secret manifest written instead of it.
        const valueTarget = !localValueFile ? undefined : k8s === 'manifest' ? manifestOf(plan) : localValueFile;
        const valueTracked = valueTarget ? await deps.git.isTrackedKnown(valueTarget) : false;
        if (valueTarget && valueTracked) trackedTarget = valueTarget;
        if (valueTarget && valueTracked)
          warnings.push(
            vscode.l10n.t(
              'Git tracks {0}: the token would be committed with it (.gitignore does not untrack a file). Stop tracking it first: {1}',
              vscode.workspace.asRelativePath(valueTarget),
              `git rm --cached -- ${shQuote(vscode.workspace.asRelativePath(valueTarget, false))}`,
            ),
          );
        // With a Secret manifest, no env file is written: the notes say where the Secret comes from instead.
        const notes = [
          ...secretNotes,
          ...(k8s === 'manifest' && plan.valueFile && valueTarget
            ? plan.notes.map((n) =>
                n.replace(
                  `which you create from ${plan.valueFile}`,
                  `which "kubectl apply -f ${path.basename(valueTarget)}" creates (a git-ignored Secret manifest)`,
                ),
              )
            : plan.notes),
        ];
        // Other Telegraf services of the file still without a token: each needs one of its own (run again for each).
        if (kind === 'compose') {
          const bare = telegrafServices(body).filter((s) => s.name !== plan.service && !s.readsToken);
          if (bare.length)
            notes.push(
              vscode.l10n.t(
                'Other Telegraf services of this file have no token yet: {0}. Run Add Token to Deployment again for each, with a token of its own.',
                bare.map((s) => pickText(s.name, 60)).join(', '),
              ),
            );
        }
        // A kustomization's secretGenerator makes the Secret; the Telegraf container of its resources must read it too.
        const wiring = plan.kind === 'kustomization' && plan.secretGenerated ? await kustomizeWiring(dir, body, plan, origin, deps.envFiles) : [];
        const wiredFiles = wiring.filter((w) => w.edits.length > 0);
        for (const w of wiring) warnings.push(...w.problems.map((problem) => `${w.file}: ${problem}`));
        if (plan.kind === 'kustomization' && plan.secretGenerated) {
          notes.push(
            ...wiredFiles.map((w) =>
              vscode.l10n.t('{0}: the {1} reads {2} from that Secret (secretKeyRef; kustomize gives it the generated name).', w.file, w.target, plan.varName),
            ),
          );
          // A container that reads the variable from another Secret keeps it: this token would not reach that agent.
          for (const w of wiring)
            if (w.edits.length === 0 && w.reads && w.reads !== plan.secretName)
              warnings.push(
                vscode.l10n.t(
                  '{0}: the {1} reads {2} from the Secret "{3}", not from "{4}": this token does not reach it.',
                  w.file,
                  w.target,
                  plan.varName,
                  w.reads,
                  plan.secretName ?? '',
                ),
              );
          if (wiring.length === 0)
            warnings.push(
              vscode.l10n.t(
                'No Telegraf container was found in the resources of this kustomization: make its container read {0} from the Secret "{1}" (secretKeyRef), or the agent gets no token.',
                plan.varName,
                plan.secretName ?? '',
              ),
            );
        }
        // The token already serves other deployments: two agents sharing it cannot be revoked or rotated one at a time.
        const own = new Set(
          [doc.uri.fsPath, ...(valueTarget ? [valueTarget] : []), ...wiredFiles.map((w) => w.uri.fsPath)].map((f) => vscode.workspace.asRelativePath(f)),
        );
        const elsewhere = opts.yes
          ? []
          : ((await deps.usage?.of(token, value)) ?? []).filter((place) => !own.has(place.replace(/:\d+$/, '')) && !own.has(place));
        if (elsewhere.length)
          warnings.unshift(
            vscode.l10n.t(
              'This token is already given to {0}. Agents that share a token cannot be revoked or rotated one at a time: give this agent a token of its own.',
              elsewhere.length <= 3 ? elsewhere.join(', ') : `${elsewhere.slice(0, 3).join(', ')}, ${vscode.l10n.t('… and {0} more', elsewhere.length - 3)}`,
            ),
          );
        if (!opts.yes) {
          // The title names the file by its name; several folders may hold a .env or a docker-compose.yml.
          const rel = vscode.workspace.asRelativePath(doc.uri);
          const detail = [
            rel !== path.basename(doc.fileName) ? vscode.l10n.t('File: {0}', rel) : '',
            plan.target ? vscode.l10n.t('Found: {0}.', plan.target) : '',
            ...notes,
            ...warnings.map((w) => `⚠ ${w}`),
            valueTarget
              ? valueTracked
                ? vscode.l10n.t('The value goes into {0} (mode 0600), which git tracks.', vscode.workspace.asRelativePath(valueTarget))
                : vscode.l10n.t('The value goes into {0} (mode 0600, git-ignored).', vscode.workspace.asRelativePath(valueTarget))
              : '',
            ...plan.newFiles.map((f) => vscode.l10n.t('New file: {0}', f.path)),
          ]
            .filter(Boolean)
            .join('\n');
          const add = vscode.l10n.t('Add');
          const title = plan.edits.length
            ? vscode.l10n.t('Add {0} to {1}?', plan.varName, path.basename(doc.fileName))
            : vscode.l10n.t('Give the agent of {0} the token in {1}? (the file itself stays as is)', path.basename(doc.fileName), plan.varName);
          // A file git tracks would receive the value: a button copies the command that untracks it (nothing is written).
          const untrack = trackedTarget ? `git rm --cached -- ${shQuote(vscode.workspace.asRelativePath(trackedTarget, false))}` : undefined;
          const copyUntrack = vscode.l10n.t('Copy "git rm --cached" Command');
          const anyway = vscode.l10n.t('Add Anyway');
          // The safe choices come first (the first is the default button): a new token for this agent when another
          // deployment has this one, then untracking the file; adding comes last.
          const create = elsewhere.length && canCreate ? vscode.l10n.t('Create New Token…') : undefined;
          const go = create || untrack || elsewhere.length ? anyway : add;
          const buttons = [...(create ? [create] : []), ...(untrack ? [copyUntrack] : []), go];
          const choice = await ui.showWarningMessage(title, { modal: true, detail }, ...buttons);
          if (create && choice === create) {
            const id = await vscode.commands.executeCommand<string | undefined>(
              Commands.createToken,
              suggestPresetForDeployment(doc.fileName, vscode.workspace.asRelativePath(doc.uri, false), plan.target),
              {
                returnCreated: true,
              },
            );
            if (!id) throw new Cancelled();
            // The questions answered for this file are not asked again for the new token.
            return vscode.commands.executeCommand<AddTokenResult | undefined>(Commands.addTokenToDeployment, target, {
              ...opts,
              tokenId: id,
              ...(composeMode ? { composeMode } : {}),
              ...picked,
              ...(k8s ? { k8s } : {}),
              ...(holderAnswer ? { holder: holderAnswer } : {}),
            });
          }
          if (untrack && choice === copyUntrack) {
            await vscode.env.clipboard.writeText(untrack);
            void ui.showInformationMessage(
              vscode.l10n.t(
                'Copied: {0}. Nothing was changed: run it in the repository (the file stays on disk), then run "Add Token to Deployment…" again.',
                untrack,
              ),
            );
          }
          if (choice !== go) throw new Cancelled();
        }

        // The plan's offsets are of the text read before the dialogs: a file changed meanwhile (in its editor, or on disk
        // by git or a shell) is never edited with them.
        const onDisk = doc.uri.scheme === 'file' && !doc.isDirty ? await fs.readFile(doc.uri.fsPath, 'utf8').catch(() => undefined) : undefined;
        const same = (a: string) => a.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n') === text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
        if (doc.getText() !== text || (onDisk !== undefined && !same(onDisk)))
          throw new Error(
            vscode.l10n.t(
              '{0} changed while "Add Token to Deployment…" was open; nothing was changed. Run it again on the file as it is now.',
              path.basename(doc.fileName),
            ),
          );
        const valueTargetNow = valueTargetOf(plan, localValueFile);
        if (valueTargetNow && (await snapshotOf(valueTargetNow)) !== valueSnapshot)
          throw new Error(
            vscode.l10n.t(
              '{0} changed while "Add Token to Deployment…" was open; nothing was changed. Run it again on the file as it is now.',
              path.basename(valueTargetNow),
            ),
          );
        const we = new vscode.WorkspaceEdit();
        if (plan.edits.length) {
          let after = applyEdits(body, plan.edits);
          if (isEnv) after = fillValue(after, value);
          const e = minimalEdit(text, text.slice(0, bom) + after);
          we.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
        }
        for (const f of plan.newFiles) {
          const u = vscode.Uri.file(path.join(dir, f.path));
          we.createFile(u, { ignoreIfExists: true });
          we.insert(u, new vscode.Position(0, 0), f.content);
        }
        const wiredDocs: vscode.TextDocument[] = [];
        for (const w of wiredFiles) {
          const wdoc = await vscode.workspace.openTextDocument(w.uri);
          if (wdoc.getText() !== w.text)
            throw new Error(vscode.l10n.t('{0} changed while the change was prepared; nothing was changed.', path.basename(w.uri.fsPath)));
          for (const e of w.edits) we.replace(w.uri, new vscode.Range(wdoc.positionAt(e.start), wdoc.positionAt(e.end)), e.newText);
          if (!wdoc.isDirty) wiredDocs.push(wdoc);
        }
        const wasDirty = doc.isDirty;
        if ((plan.edits.length || plan.newFiles.length || wiredFiles.length) && !(await vscode.workspace.applyEdit(we)))
          throw new Error(vscode.l10n.t('VS Code refused the edit; nothing was changed.'));
        if (!wasDirty && plan.edits.length) await doc.save();
        for (const wdoc of wiredDocs) await wdoc.save();
        // The new files (a systemd drop-in…) are what the copied commands install: on disk, not only in an editor.
        for (const f of plan.newFiles) {
          const created = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, f.path)));
          if (created.isDirty && !(await created.save()))
            throw new Error(vscode.l10n.t('{0} could not be saved; save it before running the commands.', f.path));
        }
        if (isEnv && doc.uri.scheme === 'file') await fs.chmod(doc.uri.fsPath, 0o600).catch(() => undefined);
        let commands = plan.commands.map((c) => c.text);
        if (plan.kind === 'kustomization' && plan.secretGenerated) commands.push(`kubectl apply -k ${shQuote(vscode.workspace.asRelativePath(dir, false))}`);
        let valueFile: string | undefined;
        let gitState: 'already' | 'added' | 'tracked' | undefined;
        if (localValueFile) {
          if (k8s === 'manifest') {
            valueFile = manifestOf(plan);
            gitState = await writeSecretManifest(
              valueFile,
              { name: plan.secretName ?? DEFAULT_SECRET_NAME, namespace: plan.namespace },
              plan.varName,
              value,
              deps.git,
            );
            // The Secret comes from the manifest file instead of the env file; applying the changed manifest stays.
            commands = [`kubectl apply -f ${path.basename(valueFile)}`, ...commands.filter((c) => !c.includes('kubectl create secret'))];
          } else {
            valueFile = localValueFile;
            gitState = (await writeValueFile(valueFile, plan.varName, value, deps.git, plan.hostFile ? { hostFile: plan.hostFile } : {})).gitignored;
          }
        } else if (isEnv && doc.uri.scheme === 'file' && (await deps.git.isTrackedKnown(doc.uri.fsPath))) {
          gitState = 'tracked';
        }
        const tracked = gitState === 'tracked' ? (valueFile ?? doc.uri.fsPath) : undefined;
        // First of all, before the value can reach a commit.
        if (tracked) commands = [`git rm --cached -- ${shQuote(vscode.workspace.asRelativePath(tracked, false))}`, ...commands];
        // Run from the workspace folder: the files the plan names beside the deployment file get workspace paths.
        const named = [
          path.basename(doc.uri.fsPath),
          ...plan.newFiles.map((f) => f.path),
          ...(valueFile && path.dirname(valueFile) === dir ? [path.basename(valueFile)] : []),
        ];
        commands = commands.map((c) => workspaceCommand(c, dir, named));
        log.info(
          `added token ${token.id} "${ui.tokenName(token.description, 80)}" to ${vscode.workspace.asRelativePath(doc.uri)} as ${plan.varName}${valueFile ? ` (value in ${vscode.workspace.asRelativePath(valueFile)}, mode 0600)` : ''}`,
        );
        const copy = vscode.l10n.t('Copy Command');
        const summary = [
          plan.kind === 'kustomization' && plan.status === 'edit'
            ? wiredFiles.length > 0
              ? vscode.l10n.t(
                  '{0} now generates the Secret "{1}", and {2} reads {3} from it.',
                  path.basename(doc.fileName),
                  plan.secretName ?? '',
                  wiredFiles.map((w) => path.basename(w.uri.fsPath)).join(', '),
                  plan.varName,
                )
              : vscode.l10n.t(
                  '{0} now generates the Secret "{1}", but no Telegraf container in its resources reads it yet: add a secretKeyRef to it.',
                  path.basename(doc.fileName),
                  plan.secretName ?? '',
                )
            : plan.kind === 'kustomization' && plan.secretGenerated
              ? wiredFiles.length > 0
                ? vscode.l10n.t(
                    '{0} now reads {1} from the Secret "{2}" that {3} generates.',
                    wiredFiles.map((w) => path.basename(w.uri.fsPath)).join(', '),
                    plan.varName,
                    plan.secretName ?? '',
                    path.basename(doc.fileName),
                  )
                : vscode.l10n.t('{0} generates the Secret "{1}" from the file that now holds the value.', path.basename(doc.fileName), plan.secretName ?? '')
              : isEnv
                ? vscode.l10n.t('{0} now sets {1}.', vscode.workspace.asRelativePath(doc.uri), plan.varName)
                : plan.edits.length
                  ? vscode.l10n.t('{0} now reads {1} by reference.', vscode.workspace.asRelativePath(doc.uri), plan.varName)
                  : '',
          valueFile && !tracked ? vscode.l10n.t('The value is in {0} (mode 0600, git-ignored).', vscode.workspace.asRelativePath(valueFile)) : '',
          tracked
            ? vscode.l10n.t(
                'Git tracks {0}, which now holds the token: stop tracking it before your next commit (git rm --cached, the first copied command).',
                vscode.workspace.asRelativePath(tracked),
              )
            : '',
          ...plan.notes.filter((n) => /too old|reads the token from INFLUX_TOKEN/.test(n)),
        ]
          .filter(Boolean)
          .join(' ');
        const show = tracked ? ui.showWarningMessage : ui.showInformationMessage;
        void show(summary || vscode.l10n.t('Done.'), ...(commands.length ? [copy] : [])).then(async (c) => {
          if (c === copy) await vscode.env.clipboard.writeText(commands.join('\n'));
        });
        return {
          file: vscode.workspace.asRelativePath(doc.uri),
          plan: { kind: plan.kind, status: plan.status, varName: plan.varName, target: plan.target, notes: plan.notes, warnings },
          valueFile: valueFile && vscode.workspace.asRelativePath(valueFile),
          commands,
        };
      },
      log,
    ),
  ];
}

/**
 * The edits that make the Telegraf container of a kustomization's resources
 * (`kustomizeResources`, files beside it) read the token from the Secret its
 * new secretGenerator makes: one entry per resource with a Telegraf
 * container (`edits` empty when it already defines the variable).
 */
async function kustomizeWiring(
  dir: string,
  kustomization: string,
  plan: DeployPlan,
  controllerUrl: string,
  index: EnvFileIndex,
): Promise<{ uri: vscode.Uri; file: string; text: string; edits: TextEdit[]; target: string; problems: string[]; reads?: string }[]> {
  const out: { uri: vscode.Uri; file: string; text: string; edits: TextEdit[]; target: string; problems: string[]; reads?: string }[] = [];
  for (const rel of kustomizeResources(kustomization)) {
    const uri = vscode.Uri.file(path.join(dir, rel));
    let text: string;
    try {
      text = (await vscode.workspace.openTextDocument(uri)).getText();
    } catch {
      continue;
    }
    // A Secret named after its env file (telegraf-controller-token-2 ← telegraf-controller-2.env): a container that reads
    // another such Secret is switched to this one (a file of its own was chosen); any other name is kept as given.
    const named = plan.valueFile && plan.secretName === secretNameFor(plan.valueFile);
    const p = planAddToken(uri.fsPath, text, { ...(named ? {} : { secretName: plan.secretName }), envFile: plan.valueFile, controllerUrl }, index.paths());
    if (p.kind !== 'kubernetes' || !p.target) continue;
    // What the resource's own plan objects to (a --config on another host than the controller, …): said in the dialog.
    const problems = [...p.warnings, ...(p.status === 'unsupported' ? p.notes : [])];
    out.push({
      uri,
      file: vscode.workspace.asRelativePath(uri),
      text,
      edits: p.status === 'edit' ? p.edits : [],
      target: p.target,
      problems,
      ...(p.status === 'elsewhere' && p.secretName ? { reads: p.secretName } : {}),
    });
  }
  return out;
}

/** A workspace file standing for an absolute host path (`/etc/default/telegraf` → `…/etc/default/telegraf` in the workspace), else the default env file beside the deployment file. */
async function resolveAbsolute(abs: string, dir: string): Promise<string> {
  const rel = abs.replace(/^\/+/, '');
  const found = await vscode.workspace.findFiles(`**/${rel}`, undefined, 1);
  return found[0]?.fsPath ?? path.join(dir, DEFAULT_ENV_FILE);
}

/**
 * Opens the deployment file `target` for "Add Token to Deployment…" and
 * checks that it can take a token: a kind this extension knows, and for the
 * YAML kinds (Compose, Kubernetes, kustomization, Helm values) YAML that
 * parses. Throws an Error naming the file (and where its YAML breaks) otherwise.
 */
async function openDeploymentFile(target: vscode.Uri, envFiles: EnvFileIndex): Promise<{ doc: vscode.TextDocument; kind: DeployKind }> {
  const doc = await vscode.workspace.openTextDocument(target);
  const kind = kindOfDocument(doc, envFiles);
  if (!kind)
    throw new Error(
      vscode.l10n.t(
        '{0} is not a deployment file this extension knows (Compose, Kubernetes, Helm values, env file, systemd unit, PowerShell, Jinja, Terraform).',
        path.basename(doc.fileName),
      ),
    );
  const problem = ['compose', 'kubernetes', 'kustomization', 'helm-values'].includes(kind) ? yamlProblem(doc.getText().replace(/^\uFEFF/, '')) : undefined;
  if (problem) throw new Error(vscode.l10n.t('{0} is not valid YAML ({1}): fix it first; nothing was changed.', path.basename(doc.fileName), problem));
  return { doc, kind };
}

/** Writes a Secret manifest holding the value to a git-ignored file, mode 0600 (`writeOwnerOnly`: never half-written). */
async function writeSecretManifest(
  fsPath: string,
  secret: { name: string; namespace: string | undefined },
  varName: string,
  value: string,
  git: GitIgnoreChecker,
): Promise<'already' | 'added' | 'tracked'> {
  const before = await fs.readFile(fsPath, 'utf8').catch(() => undefined);
  // An existing manifest of this Secret keeps its other keys and its metadata: only this key is set.
  const content = secretManifestText(before, secret, varName, value);
  await writeOwnerOnly(fsPath, content, before);
  return ensureGitIgnored(fsPath, git);
}
