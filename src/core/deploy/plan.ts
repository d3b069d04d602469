/**
 * "Add Token to Deployment…" planning (README.md "Deploying agents"): finds
 * the Telegraf service or container in a deployment file (image `telegraf`,
 * a `telegraf` command, the influxdata `telegraf`/`telegraf-ds` charts) and
 * plans, by reference, the entry that gives the agent its Telegraf
 * Controller token:
 * - Compose: `environment:` (map or list form, as the file uses) with
 *   `${VAR:?…}`, or `env_file:`; the value goes into a git-ignored env file;
 * - Kubernetes: `env[].valueFrom.secretKeyRef` on the telegraf container,
 *   plus the `kubectl create secret generic … --from-env-file` command;
 * - kustomize: a `secretGenerator` with `envs:`;
 * - Helm values: an `env` item with `secretKeyRef`, or `envFromSecret`;
 * - systemd: an `EnvironmentFile=` drop-in plus the env file, or the env
 *   file the unit already reads (`/etc/default/telegraf`);
 * - env files: the `NAME=value` entry, in the file's quoting style;
 * - PowerShell: the `Environment` registry value command (never run);
 * - Jinja / Terraform templates: a reference to a vaulted / sensitive variable.
 * The variable follows the Telegraf version the file pins (`version.ts`).
 * Every edit is a minimal offset edit of the file; nothing else changes.
 * YAML is located through the `yaml` package's Document API (node ranges),
 * and callers verify outputs with `yamlParsesStrictly`. No `vscode` import.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TextEdit } from '../config/types';
import { deploymentKind, type DeployKind } from './kinds';
import { appendLines, columnOf, eolOf, indentAt, insertLinesAfter, lineStart } from './textEdit';
import { shQuote } from '../agentStart/generators';
import { isControllerConfigUrl, otherHostThan } from '../config/configUrl';
import { checkConfigSources, commandWords, displayUrl } from './configSource';
import { composeStartScript, startScriptOf, type StartScript } from './entrypoint';
import { adviceFor, CONTROLLER_TOKEN_VAR, LEGACY_TOKEN_VAR, pinFromImage, pinFromTag, type TelegrafPin } from './version';
import {
  composeEnvFiles,
  composeServices,
  get,
  helmTelegrafValues,
  isTelegrafImage,
  k8sContainers,
  k8sKind,
  type K8sContainer,
  pairOf,
  str,
  yamlDocuments,
  yamlProblem,
} from './yamlModel';

/** Default name of the Kubernetes Secret that holds the token. */
export const DEFAULT_SECRET_NAME = 'telegraf-controller-token';
/** Default env file (beside the deployment file) that holds the value; git-ignored, mode 0600. */
export const DEFAULT_ENV_FILE = 'telegraf-controller.env';
/** The systemd drop-in written beside a unit: `<unit>.d/<this>`. */
export const DROP_IN_NAME = 'controller-token.conf';
/** Where the drop-in tells systemd to read the token from on the host. */
export const HOST_ENV_FILE = '/etc/telegraf/telegraf-controller.env';

/**
 * The host path a systemd unit reads the workspace env file `envFile` from:
 * `/etc/telegraf/<its name>` ({@link HOST_ENV_FILE} for
 * {@link DEFAULT_ENV_FILE}), so the workspace file and its installed copy
 * share one name, two units given files of their own also read files of
 * their own on the host, and Rotate finds each one's source by its name
 * (`isWholeCopy`).
 */
export function hostEnvFileFor(envFile: string): string {
  const name = envFile.slice(envFile.replace(/\\/g, '/').lastIndexOf('/') + 1);
  return `/etc/telegraf/${name}`;
}

/**
 * The Kubernetes Secret made from the workspace env file `envFile`:
 * {@link DEFAULT_SECRET_NAME} for {@link DEFAULT_ENV_FILE} (and any other
 * name), `telegraf-controller-token-N` for a file of its own
 * `telegraf-controller-N.env` (the one offered when the default file already
 * holds another agent's token), so a second token never replaces the first
 * one's Secret. {@link envFileOfSecret} is the inverse.
 */
export function secretNameFor(envFile: string): string {
  const n = /(?:^|[/\\])telegraf-controller-(\d+)\.env$/.exec(envFile)?.[1];
  return n ? `${DEFAULT_SECRET_NAME}-${n}` : DEFAULT_SECRET_NAME;
}

/**
 * The workspace env file (beside the manifest) a Secret this extension names
 * is made from: {@link DEFAULT_ENV_FILE} for {@link DEFAULT_SECRET_NAME},
 * `telegraf-controller-N.env` for `telegraf-controller-token-N`; undefined
 * for any other Secret. Inverse of {@link secretNameFor}.
 */
export function envFileOfSecret(secretName: string): string | undefined {
  if (secretName === DEFAULT_SECRET_NAME) return DEFAULT_ENV_FILE;
  const n = new RegExp(`^${DEFAULT_SECRET_NAME}-(\\d+)$`).exec(secretName)?.[1];
  return n ? `telegraf-controller-${n}.env` : undefined;
}

/**
 * The comment line a value file carries for each host file it is installed
 * into (`# Installed on the host as /etc/default/telegraf-edge`): env files
 * allow `#` comments (systemd, Compose, `kubectl --from-env-file`), and
 * {@link hostFileClaims} reads it back.
 */
export function hostFileClaim(hostPath: string): string {
  return `# Installed on the host as ${hostPath}`;
}

/** The host files an env file's {@link hostFileClaim} comments name (absolute paths). */
export function hostFileClaims(text: string): string[] {
  return [...text.matchAll(/^#[ \t]*Installed on the host as (\/\S+)[ \t]*\r?$/gm)].map((m) => m[1]!);
}

/** The Telegraf services of a Compose file (image telegraf, a telegraf command, or a service named telegraf), in file order. */
export function telegrafServiceNames(text: string): string[] {
  return telegrafServices(text).map((s) => s.name);
}

/**
 * The Telegraf services of a Compose file's text with their `image` (empty
 * when the service has none, e.g. it is built) and whether they have a token
 * already (`readsToken`: `environment:` sets the variable their Telegraf
 * version reads, or `env_file:` names a `telegraf-controller[-N].env`), in
 * file order, so a picker can tell them apart; empty when the text does not
 * parse.
 */
export function telegrafServices(text: string): { name: string; image: string; readsToken: boolean }[] {
  try {
    return composeServices(parsedOrThrow(text))
      .filter((s) => s.telegraf)
      .map((s) => {
        // Its environment: sets the variable its Telegraf version reads the token from, or it reads an env file of this extension's.
        const varName = adviceFor(pinFromImage(s.image)).varName;
        const env = get(s.map, 'environment');
        const sets = isMap(env) ? !!pairOf(env, varName) : isSeq(env) && env.items.some((i) => (str(i) ?? '').split('=')[0]!.trim() === varName);
        const ef = get(s.map, 'env_file');
        const files = isSeq(ef) ? ef.items.map((i) => str(i) ?? str(get(i, 'path')) ?? '') : [str(ef) ?? ''];
        return { name: s.name, image: s.image, readsToken: sets || files.some((f) => /(?:^|\/)telegraf-controller(?:-\d+)?\.env$/.test(f)) };
      });
  } catch {
    return [];
  }
}

/** A Telegraf container of a Kubernetes manifest, as {@link telegrafContainers} lists it. */
export interface TelegrafContainer {
  /** Identifies it for {@link PlanOptions.container}: namespace, workload (`Kind/name`) and container name. */
  key: string;
  /** e.g. `Deployment/telegraf container "telegraf"` (the plan's `target`). */
  label: string;
  image: string;
  namespace?: string;
  /** Its `env` already sets the variable the token goes into (it has a token). */
  readsToken: boolean;
}

/**
 * The Telegraf containers of a Kubernetes manifest's text (every document),
 * in file order, so a picker can ask which one gets a token; empty when the
 * text does not parse.
 */
export function telegrafContainers(text: string): TelegrafContainer[] {
  try {
    return k8sContainers(parsedOrThrow(text))
      .filter((c) => isTelegrafImage(c.image))
      .map((c) => {
        const namespace = str(get(get(c.doc.contents, 'metadata'), 'namespace'));
        const env = pairOf(c.map, 'env');
        return {
          key: containerKey(c),
          label: `${c.workload} container "${c.name}"`,
          image: c.image,
          ...(namespace ? { namespace } : {}),
          readsToken: !!(env && envListHas(env.value, adviceFor(pinFromImage(c.image)).varName)),
        };
      });
  } catch {
    return [];
  }
}

function containerKey(c: Pick<K8sContainer, 'doc' | 'workload' | 'name'>): string {
  return `${str(get(get(c.doc.contents, 'metadata'), 'namespace')) ?? ''}/${c.workload}/${c.name}`;
}

/** How to wire a Compose service. */
export type ComposeMode = 'environment' | 'env_file';

/** Options of {@link planAddToken}. */
export interface PlanOptions {
  composeMode?: ComposeMode;
  /** The Secret to create or read; {@link secretNameFor} the env file when absent. */
  secretName?: string;
  /** Env file name for the value (relative to the deployment file's folder). */
  envFile?: string;
  /** The URL of the controller the token comes from: a `--config` of another controller gets a warning. */
  controllerUrl?: string;
  /** Compose: the service to wire (one of {@link telegrafServiceNames}); the first Telegraf service when absent. */
  service?: string;
  /**
   * Kubernetes: the container to wire, a `key` of {@link telegrafContainers}; when absent, the first Telegraf
   * container that reads no token yet (else the first).
   */
  container?: string;
}

/** A new file the plan writes (relative to the deployment file's folder, `/`-separated). */
export interface NewFile {
  path: string;
  content: string;
  /** Human purpose. */
  purpose: string;
}

/** A command the user runs (shown and copied, never run by the extension). */
export interface PlanCommand {
  label: string;
  text: string;
}

/** Result of {@link planAddToken}. */
export interface DeployPlan {
  kind: DeployKind;
  /**
   * `edit`: `edits` change this file; `elsewhere`: this file stays as is, the
   * value goes where `valueFile`/`commands` say; `unsupported`: nothing to do
   * here (see `notes`).
   */
  status: 'edit' | 'elsewhere' | 'unsupported';
  /** What was found, e.g. `service "telegraf"`, `Deployment/telegraf container "telegraf"`. */
  target?: string;
  /** The environment variable the agent reads the token from. */
  varName: string;
  pin?: TelegrafPin;
  /** Minimal edits of this file. */
  edits: TextEdit[];
  /**
   * Where the token value goes: an env file (`NAME=value`), git-ignored with
   * mode 0600. Relative to the deployment file's folder unless absolute.
   * For `kind: 'env'` the file itself is the value file.
   */
  valueFile?: string;
  /** Compose: the other services that read {@link valueFile} through `env_file:` (the token would reach them too). */
  sharedWith?: string[];
  /** Compose: the Telegraf service the plan wires. */
  service?: string;
  /** Compose (`env_file:`): the service's `environment:` also sets the variable, which overrides the env file. */
  overridden?: boolean;
  /** Kubernetes, Helm, kustomize: the Secret the agent reads the token from (created from {@link valueFile}). */
  secretName?: string;
  /** Kubernetes: the namespace of the workload (`metadata.namespace`), where its Secret must be. */
  namespace?: string;
  /**
   * kustomize: the kustomization's `secretGenerator` makes {@link secretName}
   * from {@link valueFile} (once this plan's edits are made): `kubectl apply -k`
   * then gives the agent the value, and its resources' Telegraf container is
   * wired to that Secret.
   */
  secretGenerated?: boolean;
  /**
   * systemd: the host file the unit reads that {@link valueFile} is installed
   * into (whole, or its token line): written into the value file as a
   * {@link hostFileClaim} comment, so Rotate knows which workspace file
   * feeds which host file.
   */
  hostFile?: string;
  /** Files without the value (a systemd drop-in). */
  newFiles: NewFile[];
  commands: PlanCommand[];
  /** English notes (version advice, what was chosen and why). */
  notes: string[];
  /** English warnings (shared env file, tracked file, plaintext in a manifest). */
  warnings: string[];
  /**
   * Compose, Kubernetes, systemd: a script that starts the agent instead of
   * Telegraf itself; it may set {@link varName} itself and replace the value
   * given here (`scriptAssignments` reads it).
   */
  startScript?: StartScript;
}

function base(kind: DeployKind, varName: string): DeployPlan {
  return { kind, status: 'unsupported', varName, edits: [], newFiles: [], commands: [], notes: [], warnings: [] };
}

/** `${VAR:?VAR is not set}`: Compose fails loudly instead of passing an empty token. */
export function composeReference(varName: string): string {
  return `\${${varName}:?${varName} is not set}`;
}

/**
 * Plans adding the token reference to the deployment file at `path`
 * (contents `text`). Never throws for unusual input: a file that cannot be
 * handled yields `status: 'unsupported'` with a note. YAML with syntax
 * errors is not edited.
 */
export function planAddToken(path: string, text: string, opts: PlanOptions = {}, envFiles?: ReadonlySet<string>): DeployPlan {
  if (text.startsWith('\uFEFF')) {
    // A BOM is kept: plan on the text after it, then shift the edits past it.
    const p = planAddToken(path, text.slice(1), opts, envFiles);
    p.edits = p.edits.map((e) => ({ ...e, start: e.start + 1, end: e.end + 1 }));
    return p;
  }
  const kind = deploymentKind(path, text, envFiles) ?? 'yaml';
  return legacyVariableInUse(planByKind(kind, path, text, opts), text);
}

/**
 * A plan for an agent older than Telegraf 1.39 (the token goes into
 * {@link LEGACY_TOKEN_VAR}) in a file whose Telegraf config already reads that
 * variable as an output's token (`token: $INFLUX_TOKEN`, `token =
 * "${INFLUX_TOKEN}"`: the InfluxDB API token): one variable cannot hold both,
 * so nothing is changed and the way forward (Telegraf 1.39 or later, which
 * reads {@link CONTROLLER_TOKEN_VAR}) is named.
 */
function legacyVariableInUse(p: DeployPlan, text: string): DeployPlan {
  if (p.varName !== LEGACY_TOKEN_VAR || p.status === 'unsupported') return p;
  const reads = [...text.matchAll(new RegExp(`\\btoken["']?\\s*[:=]\\s*["']?\\$\\{?${LEGACY_TOKEN_VAR}\\b`, 'g'))];
  // The heartbeat output's own token (Telegraf 1.37 and 1.38 send INFLUX_TOKEN to the controller) is not another token.
  const plugin = (at: number) => {
    const before = text.slice(0, at);
    const toml = [...before.matchAll(/\[\[outputs\.([A-Za-z0-9_]+)\]\]/g)].pop();
    const yaml = [...before.matchAll(/^[ \t]*-[ \t]*([A-Za-z0-9_]+):[ \t]*$/gm)].pop();
    return (toml?.index ?? -1) > (yaml?.index ?? -1) ? toml?.[1] : yaml?.[1];
  };
  if (!reads.some((m) => plugin(m.index) !== 'heartbeat')) return p;
  return {
    ...p,
    status: 'unsupported',
    edits: [],
    newFiles: [],
    commands: [],
    notes: [
      `The Telegraf config here already reads ${LEGACY_TOKEN_VAR} as an output's token (the InfluxDB API token), and ${p.pin ? `Telegraf ${p.pin.tag}` : 'this Telegraf'} reads the controller token from that same variable: one would replace the other. Upgrade the image to Telegraf 1.39 or later, which reads ${CONTROLLER_TOKEN_VAR}, then add the token.`,
    ],
    warnings: [],
  };
}

function planByKind(kind: DeployKind, path: string, text: string, opts: PlanOptions): DeployPlan {
  try {
    switch (kind) {
      case 'compose': {
        const p = planCompose(text, opts);
        // Compose reads env files and .env when it creates a container: the running one keeps its old environment.
        const file = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
        if (p.status === 'edit' && p.service && file)
          p.commands.push({ label: 'Recreate the Telegraf container with the token', text: `docker compose -f ${shQuote(file)} up -d ${shQuote(p.service)}` });
        return p;
      }
      case 'kubernetes':
        return planKubernetes(text, opts, path);
      case 'kustomization':
        return planKustomization(text, opts);
      case 'helm-values':
        return planHelm(text, opts);
      case 'env':
        return planEnvFile(text);
      case 'systemd':
        return planSystemd(path, text, opts);
      case 'powershell':
        return planPowerShell(text);
      case 'jinja':
        return planJinja(text);
      case 'terraform':
        return planTerraform(text);
      default: {
        const p = base(kind, CONTROLLER_TOKEN_VAR);
        p.notes.push(
          `${kind} files are checked for plaintext tokens, but the token is not wired here: pass it at run time from an env file (docker run --env-file, systemd EnvironmentFile=, a Kubernetes Secret).`,
        );
        return p;
      }
    }
  } catch (e) {
    const p = base(kind, CONTROLLER_TOKEN_VAR);
    p.notes.push(`This file could not be edited safely: ${e instanceof Error ? e.message : String(e)}`);
    return p;
  }
}

function parsedOrThrow(text: string) {
  const problem = yamlProblem(text);
  if (problem) throw new Error(`the YAML does not parse (${problem})`);
  return yamlDocuments(text);
}

function rangeOf(node: Node | null | undefined): [number, number, number] {
  const r = node?.range;
  if (!r) throw new Error('a YAML node has no source range');
  return r;
}

/** End offset of a map pair (its value, or its key when the value is empty). */
function pairEnd(p: Pair<Node, Node | null>): number {
  return p.value ? rangeOf(p.value)[1] : rangeOf(p.key)[1];
}

/** The pair holding `node` as key: its key column (indentation of the block). */
function keyColumn(text: string, p: Pair<Node, Node | null>): number {
  return columnOf(text, rangeOf(p.key)[0]);
}

/** Indentation string (spaces) of `n` columns, using the file's tab habit when its line uses tabs. */
function spaces(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

/** Lines of a `secretKeyRef` env item, `dash` being the text before `name` on the first line (`    - `). */
function secretKeyRefItem(dash: string, varName: string, secretName: string, nameQuote: string): string[] {
  const pad = spaces(dash.length);
  return [
    `${dash}name: ${nameQuote}${varName}${nameQuote}`,
    `${pad}valueFrom:`,
    `${pad}  secretKeyRef:`,
    `${pad}    name: ${secretName}`,
    `${pad}    key: ${varName}`,
  ];
}

/**
 * The edit appending a `secretKeyRef` item to a block `env:` sequence, in its
 * style (indent of `-`, quoted names), or undefined when `env` is a flow
 * sequence.
 */
function appendEnvItem(text: string, env: YAMLSeq, varName: string, secretName: string): TextEdit | undefined {
  if (env.flow || env.items.length === 0) return undefined;
  const last = env.items[env.items.length - 1] as Node;
  const first = env.items[0];
  const firstName = isMap(first) ? pairOf(first, 'name') : undefined;
  const q = firstName && isScalar(firstName.value) ? (firstName.value.type === 'QUOTE_DOUBLE' ? '"' : firstName.value.type === 'QUOTE_SINGLE' ? "'" : '') : '';
  const start = rangeOf(last)[0];
  const ls = lineStart(text, start);
  const dash = text.slice(ls, start);
  if (!/^[ \t]*-[ \t]+$/.test(dash)) throw new Error('the env list has an unusual layout');
  return insertLinesAfter(text, rangeOf(last)[1], secretKeyRefItem(dash, varName, secretName, q));
}

/** Whether an env list already defines `varName`. */
function envListHas(env: unknown, varName: string): boolean {
  return isSeq(env) && env.items.some((i) => str(get(i, 'name')) === varName);
}

/**
 * A Kubernetes object name or namespace as a shell word: a valid DNS-1123
 * name as it is, anything else (a hostile or broken manifest) shell-quoted,
 * so a copied command never runs what a workspace file wrote into a name.
 */
export function k8sArg(name: string): string {
  return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) ? name : shQuote(name);
}

/**
 * The command that sets key `key` of the existing Secret `name` (in
 * `namespace` when given) to the value the env file `envFile` (a path as the
 * user types it) gives that key, and changes nothing else of the Secret:
 * kubectl reads the env file (its own parser, quotes included) into a base64
 * value in a shell variable, and a merge patch of `data` sets that one key.
 * The value is never on a command line (`printf` is a bash builtin); an env
 * file without the key patches nothing.
 */
export function secretKeyFromEnvFileCommand(name: string, key: string, envFile: string, namespace?: string): string {
  const ns = namespace ? ` -n ${k8sArg(namespace)}` : '';
  return [
    `TC_B64=$(kubectl create secret generic ${k8sArg(name)} --from-env-file=${shQuote(envFile)} --dry-run=client -o 'jsonpath={.data.${key}}') && [ -n "$TC_B64" ] &&`,
    `  kubectl patch secret ${k8sArg(name)}${ns} --type merge --patch-file=<(printf '{"data":{"${key}":"%s"}}' "$TC_B64")`,
    'unset TC_B64',
  ].join('\n');
}

/** Workload kinds `kubectl rollout restart` takes. */
const ROLLOUT_KINDS: Record<string, string> = { Deployment: 'deployment', DaemonSet: 'daemonset', StatefulSet: 'statefulset' };

/**
 * The command that restarts workload `kind`/`name` so its pods read a changed
 * Secret (environment variables are read at container start only); undefined
 * for a kind `kubectl rollout restart` does not take (a bare Pod, a Job: they
 * get the new value when next created).
 */
export function rolloutRestartCommand(kind: string, name: string, namespace?: string): string | undefined {
  const k = ROLLOUT_KINDS[kind];
  return k && name ? `kubectl rollout restart ${k}/${k8sArg(name)}${namespace ? ` -n ${k8sArg(namespace)}` : ''}` : undefined;
}

/** One command that creates the Secret from the env file, or updates it when it exists (`kubectl apply`). */
function k8sCommands(secretName: string, envFile: string, namespace?: string): PlanCommand[] {
  const ns = namespace ? ` -n ${k8sArg(namespace)}` : '';
  return [
    {
      label: 'Create or update the Secret from the env file',
      text: `kubectl create secret generic ${k8sArg(secretName)}${ns} --from-env-file=${envFile} --dry-run=client -o yaml | kubectl apply -f -`,
    },
  ];
}

/** The words of a YAML `command`/`args`/`entrypoint` node: a list's items, or a string split as a shell does. */
function yamlWords(node: unknown): string[] {
  if (isSeq(node)) return node.items.map((i) => str(i) ?? '');
  const s = str(node);
  return s === undefined ? [] : commandWords(s);
}

/**
 * Applies {@link checkConfigSources} to plan `p`: a blocking reason makes the
 * plan `unsupported` with that note (returns true: the caller stops); a
 * warning is added to `p.warnings`.
 */
function blockedByConfigSource(p: DeployPlan, words: readonly string[], lookup?: (name: string) => string | undefined, controllerUrl?: string): boolean {
  const check = checkConfigSources(words, p.varName, lookup, p.kind === 'compose' || p.kind === 'kubernetes', controllerUrl);
  if (check.blocking) {
    p.status = 'unsupported';
    p.edits = [];
    p.commands = [];
    p.newFiles = [];
    delete p.valueFile;
    p.notes = [check.blocking];
    return true;
  }
  if (check.warning) p.warnings.push(check.warning);
  return false;
}

// ---------------------------------------------------------------- Compose

function planCompose(text: string, opts: PlanOptions): DeployPlan {
  const docs = parsedOrThrow(text);
  const services = composeServices(docs);
  const svc = (opts.service ? services.find((s) => s.name === opts.service) : undefined) ?? services.find((s) => s.telegraf);
  if (!svc) {
    const p = base('compose', CONTROLLER_TOKEN_VAR);
    p.notes.push('No Telegraf service found (image telegraf, a telegraf command or a service named telegraf).');
    return p;
  }
  const pin = pinFromImage(svc.image);
  const advice = adviceFor(pin);
  const p = base('compose', advice.varName);
  p.pin = pin;
  p.target = `service "${svc.name}"`;
  p.service = svc.name;
  p.notes.push(...advice.notes);
  const varName = advice.varName;
  // Compose fills ${…} of a command from the shell or .env, which this file does not show.
  if (blockedByConfigSource(p, [...yamlWords(get(svc.map, 'entrypoint')), ...yamlWords(get(svc.map, 'command'))], undefined, opts.controllerUrl)) return p;
  const start = composeStartScript(svc.map, yamlWords);
  if (start) p.startScript = start;
  const envPair = pairOf(svc.map, 'environment');
  const mode: ComposeMode = opts.composeMode ?? 'environment';
  const valueFile = opts.envFile ?? (mode === 'environment' ? '.env' : DEFAULT_ENV_FILE);
  p.valueFile = valueFile;
  // Worded by the UI, which knows the user's choices (a warning in the confirmation, the order of the choices).
  const others = otherEnvFileReaders(text, valueFile, svc.name);
  if (others.length) p.sharedWith = others;
  const eol = eolOf(text);
  void eol;
  const svcPair = (get(svc.doc.contents, 'services') as YAMLMap).items.find((x) => isPair(x) && x.value === svc.map) as Pair<Node, Node>;
  const firstKey = svc.map.items[0] as Pair<Node, Node | null> | undefined;
  const childIndent = firstKey ? spaces(keyColumn(text, firstKey)) : spaces(keyColumn(text, svcPair) + 2);
  const anchorLine = (pairOf(svc.map, 'image') ?? firstKey) as Pair<Node, Node | null> | undefined;

  if (mode === 'env_file') {
    const ef = pairOf(svc.map, 'env_file');
    const listed = ef && isSeq(ef.value) ? (ef.value.items as Node[]).map((i) => str(i) ?? str(get(i, 'path')) ?? '') : ef ? [str(ef.value) ?? ''] : [];
    if (listed.includes(valueFile)) {
      // Already wired (a second run): only the value file gets the new token.
      p.status = 'elsewhere';
      p.notes.push(`The "${svc.name}" service already reads ${valueFile} (env_file:); the value goes into it.`);
      return p;
    }
    if (ef && isSeq(ef.value) && !ef.value.flow && ef.value.items.length > 0) {
      const last = ef.value.items[ef.value.items.length - 1] as Node;
      const ls = lineStart(text, rangeOf(last)[0]);
      p.edits.push(insertLinesAfter(text, rangeOf(last)[1], [`${text.slice(ls, rangeOf(last)[0])}${valueFile}`]));
    } else if (ef && isScalar(ef.value) && typeof ef.value.value === 'string' && !/[#\n]/.test(text.slice(rangeOf(ef.key as Node)[0], rangeOf(ef.value)[1]))) {
      // `env_file: .env` (one file): the same as a one-item list, written as a block list with the new file added.
      const keyStart = rangeOf(ef.key as Node)[0];
      const indent = text.slice(lineStart(text, keyStart), keyStart);
      const [vs, ve] = rangeOf(ef.value);
      const raw = text.slice(vs, ve);
      p.edits.push({ start: keyStart, end: rangeOf(ef.value)[1], newText: `env_file:\n${indent}  - ${raw}\n${indent}  - ${valueFile}` });
    } else if (ef) {
      throw new Error(`the service's env_file is not a block list; add ${valueFile} to it by hand`);
    } else if (anchorLine) {
      p.edits.push(insertLinesAfter(text, pairEnd(anchorLine), [`${childIndent}env_file:`, `${childIndent}  - ${valueFile}`]));
    }
    p.status = 'edit';
    p.notes.push(`Compose passes every line of ${valueFile} to the "${svc.name}" container only.`);
    const setsVar = envPair
      ? isMap(envPair.value)
        ? !!pairOf(envPair.value, varName)
        : isSeq(envPair.value) && envPair.value.items.some((i) => (str(i) ?? '').split('=')[0]!.trim() === varName)
      : false;
    if (setsVar) {
      p.overridden = true;
      p.warnings.push(`The service's environment: also sets ${varName}, which overrides env_file; remove that entry.`);
    }
    return p;
  }

  const ref = composeReference(varName);
  const env = envPair?.value;
  if (envPair && env && !isMap(env) && !isSeq(env)) {
    // `environment: *alias`: the anchor is shared with other services; never write into it.
    p.notes.push(
      "The service's environment: is an alias of a shared anchor; writing into it would give the token to every service using it, so env_file: is used instead.",
    );
    const alt = planCompose(text, { ...opts, composeMode: 'env_file' });
    alt.notes.unshift(...p.notes.filter((n) => !alt.notes.includes(n)));
    return alt;
  }
  if (isMap(env)) {
    const existing = pairOf(env, varName);
    if (existing) {
      const v = existing.value;
      const s = str(v) ?? '';
      if (s.includes('$')) {
        p.status = 'elsewhere';
        p.notes.push(`${varName} already reads the token by reference (${s}); put the value in ${valueFile}.`);
        return p;
      }
      const r = rangeOf(v);
      p.edits.push({ start: r[0], end: r[1], newText: ref });
    } else if (env.flow) {
      throw new Error('the service uses a flow-style environment map');
    } else {
      const last = env.items[env.items.length - 1] as Pair<Node, Node | null> | undefined;
      if (!last) throw new Error('empty environment map');
      p.edits.push(insertLinesAfter(text, pairEnd(last), [`${spaces(keyColumn(text, last))}${varName}: ${ref}`]));
    }
  } else if (isSeq(env)) {
    const items = env.items as Node[];
    const existing = items.find((i) => (str(i) ?? '').startsWith(`${varName}=`));
    if (existing) {
      const s = str(existing) ?? '';
      if (s.slice(varName.length + 1).includes('$')) {
        p.status = 'elsewhere';
        p.notes.push(`${varName} already reads the token by reference; put the value in ${valueFile}.`);
        return p;
      }
      const r = rangeOf(existing);
      const raw = text.slice(r[0], r[1]);
      const q = raw.startsWith('"') || raw.startsWith("'") ? raw[0]! : '';
      p.edits.push({ start: r[0], end: r[1], newText: `${q}${varName}=${ref}${q}` });
    } else if (env.flow || items.length === 0) {
      throw new Error('the service uses a flow-style or empty environment list');
    } else {
      const last = items[items.length - 1]!;
      const ls = lineStart(text, rangeOf(last)[0]);
      const dash = text.slice(ls, rangeOf(last)[0]);
      const raw = text.slice(rangeOf(last)[0], rangeOf(last)[1]);
      const q = raw.startsWith('"') || raw.startsWith("'") ? raw[0]! : '';
      p.edits.push(insertLinesAfter(text, rangeOf(last)[1], [`${dash}${q}${varName}=${ref}${q}`]));
    }
  } else if (anchorLine) {
    p.edits.push(insertLinesAfter(text, pairEnd(anchorLine), [`${childIndent}environment:`, `${childIndent}  ${varName}: ${ref}`]));
  } else {
    throw new Error('the service has no keys to anchor the new environment to');
  }
  p.status = 'edit';
  p.notes.push(
    `Compose reads \${${varName}} from the shell or from ${valueFile} beside the compose file; ":?" makes it fail loudly when the value is missing.`,
  );
  if (!opts.service && services.filter((s) => s.telegraf).length > 1) p.notes.push('Several Telegraf services were found; the first one was wired.');
  return p;
}

/**
 * The Compose services other than `service` that read `file` (relative to the
 * compose file's folder) through `env_file:`: every line of such a file
 * becomes part of their environment too.
 */
export function otherEnvFileReaders(text: string, file: string, service: string): string[] {
  const norm = (f: string) => f.replace(/^(?:\.\/)+/, '');
  const out = new Set<string>();
  for (const [f, users] of composeEnvFiles(text)) if (norm(f) === norm(file)) for (const u of users) if (u !== service) out.add(u);
  return [...out];
}

// ---------------------------------------------------------------- Kubernetes

function planKubernetes(text: string, opts: PlanOptions, path = ''): DeployPlan {
  const docs = parsedOrThrow(text);
  const envFile = opts.envFile ?? DEFAULT_ENV_FILE;
  const secretName = opts.secretName ?? secretNameFor(envFile);
  const containers = k8sContainers(docs).filter((c) => isTelegrafImage(c.image));
  // Several Telegraf workloads in one file: the one chosen, else the first that does not read a token yet (one token per agent).
  const chosen = opts.container !== undefined ? containers.find((x) => containerKey(x) === opts.container) : undefined;
  if (opts.container !== undefined && !chosen) throw new Error(`No Telegraf container ${opts.container} in this file.`);
  const c =
    chosen ??
    containers.find((x) => {
      const env = pairOf(x.map, 'env');
      return !(env && envListHas(env.value, adviceFor(pinFromImage(x.image)).varName));
    }) ??
    containers[0];
  const pin = c ? pinFromImage(c.image) : undefined;
  const advice = adviceFor(pin);
  const p = base('kubernetes', advice.varName);
  p.pin = pin;
  p.notes.push(...advice.notes);
  p.valueFile = envFile;
  p.secretName = secretName;
  if (!c) {
    const kinds = docs.map(k8sKind).filter(Boolean);
    p.status = 'elsewhere';
    p.commands.push(...k8sCommands(secretName, envFile));
    p.notes.push(
      kinds.includes('Secret')
        ? 'This file is a Secret manifest: adding the token here would put it in plain text (stringData and base64 data are not encrypted), so create the Secret with kubectl from a git-ignored env file instead.'
        : 'No container with a telegraf image was found; create the Secret with kubectl and reference it with secretKeyRef from the Telegraf container.',
    );
    return p;
  }
  const ns = str(get(get(c.doc.contents, 'metadata'), 'namespace'));
  if (ns) p.namespace = ns;
  p.target = `${c.workload} container "${c.name}"`;
  // One token per agent: the other Telegraf workloads of the file that read none yet are named, to be given their own.
  const waiting = containers.filter((x) => {
    if (x === c) return false;
    const env = pairOf(x.map, 'env');
    return !(env && envListHas(env.value, adviceFor(pinFromImage(x.image)).varName));
  });
  if (waiting.length > 0)
    p.notes.push(
      `This file has ${waiting.length === 1 ? 'another Telegraf workload' : `${waiting.length} other Telegraf workloads`} without a token (${waiting
        .slice(0, 3)
        .map((x) => `${x.workload} container "${x.name}"`)
        .join(
          ', ',
        )}${waiting.length > 3 ? ', …' : ''}): run "Add Token to Deployment…" again to give ${waiting.length === 1 ? 'it' : 'each'} a token of its own.`,
    );
  const envPair = pairOf(c.map, 'env');
  // Kubernetes fills $(NAME) of command and args from the container's env values.
  const envValue = (name: string) =>
    isSeq(envPair?.value) ? envPair.value.items.filter((i) => str(get(i, 'name')) === name).map((i) => str(get(i, 'value')))[0] : undefined;
  if (blockedByConfigSource(p, [...yamlWords(get(c.map, 'command')), ...yamlWords(get(c.map, 'args'))], envValue, opts.controllerUrl)) return p;
  const start = startScriptOf([...yamlWords(get(c.map, 'command')), ...yamlWords(get(c.map, 'args'))]);
  if (start) p.startScript = start;
  if (envPair && envListHas(envPair.value, advice.varName)) {
    // A Secret it already reads the token from gets the value (that key only); any other definition, the default Secret.
    const item = (envPair.value as YAMLSeq).items.find((i) => str(get(i, 'name')) === advice.varName);
    const ref = get(get(item, 'valueFrom'), 'secretKeyRef');
    const refName = str(get(ref, 'name'));
    const refKey = str(get(ref, 'key'));
    // The env file a Secret this extension names is made from (telegraf-controller-token-2 ← telegraf-controller-2.env).
    const madeFrom = refName ? envFileOfSecret(refName) : undefined;
    if (refName && refKey === advice.varName && refName !== secretName && !opts.secretName && madeFrom && opts.envFile) {
      // A file of its own was asked for: the container reads the Secret made from it, never a Secret another file feeds.
      const nameNode = get(ref, 'name');
      const r = rangeOf(nameNode);
      const q = /^["']/.test(text.slice(r[0])) ? text[r[0]] : '';
      p.edits.push({ start: r[0], end: r[1], newText: `${q}${secretName}${q}` });
      p.status = 'edit';
      p.notes.push(
        `The container now reads ${advice.varName} from the Secret "${secretName}" made from ${envFile}, instead of "${refName}" (made from ${madeFrom}).`,
      );
      p.commands.push(...k8sCommands(secretName, envFile, ns));
      const manifest = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
      if (manifest) p.commands.push({ label: 'Apply the changed manifest', text: `kubectl apply -f ${shQuote(manifest)}` });
      return p;
    }
    p.status = 'elsewhere';
    p.notes.push(`The container already defines ${advice.varName}.`);
    if (refName && refKey === advice.varName && refName !== secretName && !opts.secretName) {
      p.secretName = refName;
      // The value goes where the Secret is made from: one env file per Secret, so Rotate and a later Add Token find it there.
      const from = madeFrom && !opts.envFile ? madeFrom : envFile;
      p.valueFile = from;
      p.commands.push({ label: `Set ${refKey} in the Secret "${refName}"`, text: secretKeyFromEnvFileCommand(refName, refKey, from, ns) });
    } else p.commands.push(...k8sCommands(secretName, envFile, ns));
    // The manifest does not change: its pods read the Secret's new value only when they start again.
    const meta = get(c.doc.contents, 'metadata');
    const restart = rolloutRestartCommand(str(get(c.doc.contents, 'kind')) ?? '', str(get(meta, 'name')) ?? '', ns);
    if (restart) p.commands.push({ label: 'Restart the pods so they read the new value', text: restart });
    return p;
  }
  p.commands.push(...k8sCommands(secretName, envFile, ns));
  if (envPair && isSeq(envPair.value)) {
    const e = appendEnvItem(text, envPair.value, advice.varName, secretName);
    if (!e) throw new Error('the container env is a flow list');
    p.edits.push(e);
  } else {
    const image = pairOf(c.map, 'image') as Pair<Node, Node | null>;
    const col = keyColumn(text, image);
    const dash = `${spaces(col)}- `;
    p.edits.push(insertLinesAfter(text, pairEnd(image), [`${spaces(col)}env:`, ...secretKeyRefItem(dash, advice.varName, secretName, '')]));
  }
  p.status = 'edit';
  p.notes.push(
    `The container reads ${advice.varName} from the Secret "${secretName}" (key ${advice.varName}), which you create from ${envFile}; nothing secret goes into the manifest.`,
  );
  // Then the changed manifest itself: its pods start again with the Secret's value.
  const manifest = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
  if (manifest) p.commands.push({ label: 'Apply the changed manifest', text: `kubectl apply -f ${shQuote(manifest)}` });
  const envFrom = get(c.map, 'envFrom');
  if (isSeq(envFrom) && envFrom.items.some((i) => get(i, 'configMapRef')))
    p.warnings.push('The container also loads a ConfigMap with envFrom: make sure it holds no token (ConfigMaps are not secret).');
  return p;
}

/**
 * The files a kustomization lists under `resources:` (relative paths of
 * `.yaml`/`.yml` files; folders, remote bases and URLs left out): where
 * "Add Token to Deployment…" wires the Telegraf container to the Secret the
 * kustomization's `secretGenerator` makes (kustomize renames that reference
 * to the generated, hash-suffixed name).
 */
export function kustomizeResources(text: string): string[] {
  try {
    const resources = get(parsedOrThrow(text)[0]?.contents, 'resources');
    if (!isSeq(resources)) return [];
    return resources.items.map((i) => str(i)).filter((r): r is string => !!r && /\.ya?ml$/i.test(r) && !/^[a-z]+:\/\//i.test(r) && !r.startsWith('/'));
  } catch {
    return [];
  }
}

function planKustomization(text: string, opts: PlanOptions): DeployPlan {
  const docs = parsedOrThrow(text);
  // Run again: the one Secret this extension had the generator make (telegraf-controller-token-N from
  // telegraf-controller-N.env) is the agent's; its file gets the value (the caller asks first), never a new Secret.
  const generatorItems = get(docs[0]?.contents, 'secretGenerator');
  const ours = isSeq(generatorItems)
    ? generatorItems.items.flatMap((i) => {
        const name = str(get(i, 'name'));
        const made = name ? envFileOfSecret(name) : undefined;
        const envs = get(i, 'envs');
        return made && isSeq(envs) && envs.items.some((e) => (str(e) ?? '').replace(/^\.\//, '') === made) ? [made] : [];
      })
    : [];
  const envFile = opts.envFile ?? (!opts.secretName && ours.length === 1 ? ours[0]! : DEFAULT_ENV_FILE);
  const secretName = opts.secretName ?? secretNameFor(envFile);
  const p = base('kustomization', CONTROLLER_TOKEN_VAR);
  p.valueFile = envFile;
  p.secretName = secretName;
  const root = docs[0]?.contents;
  // kustomize puts every resource, and the generated Secret, into its `namespace:`.
  const ns = str(get(root, 'namespace'));
  if (ns) p.namespace = ns;
  const generator = pairOf(root, 'secretGenerator');
  if (generator) {
    const seq = generator.value;
    const entries = isSeq(seq)
      ? seq.items.map((i) => {
          const envs = get(i, 'envs');
          return { name: str(get(i, 'name')), envs: isSeq(envs) ? envs.items.map((e) => str(e) ?? '') : [] };
        })
      : [];
    const from = entries.find((e) => e.envs.some((f) => f.replace(/^\.\//, '') === envFile));
    if (from?.name) {
      // The generator already builds a Secret from this file: the value goes into it, and the kustomization stays as is.
      p.status = 'elsewhere';
      p.secretName = from.name;
      p.secretGenerated = true;
      p.notes.push(`The kustomization's secretGenerator already builds the Secret "${from.name}" from ${envFile}: the value goes there.`);
      return p;
    }
    const taken = entries.find((e) => e.name === secretName);
    if (!isSeq(seq) || seq.flow || seq.items.length === 0 || taken) {
      // A layout or a Secret of its own that this file cannot be added to safely: a second file feeding one Secret would
      // repeat its key (kustomize refuses to build it).
      p.status = 'elsewhere';
      p.notes.push(
        taken
          ? `The kustomization's secretGenerator already makes "${secretName}" from ${taken.envs.join(', ') || 'other sources'}: set ${CONTROLLER_TOKEN_VAR} there (one file per key), not in a second file.`
          : `The kustomization's secretGenerator has a layout this extension does not edit: add an entry that makes "${secretName}" from ${envFile} (envs, never literals with the real token).`,
      );
      return p;
    }
    // A Secret of its own, generated from its own file, beside the ones the kustomization makes already.
    const last = seq.items[seq.items.length - 1] as Node;
    const start = rangeOf(last)[0];
    const dash = text.slice(lineStart(text, start), start);
    if (!/^[ \t]*-[ \t]+$/.test(dash)) throw new Error('the secretGenerator list has an unusual layout');
    const indent = dash.replace(/-[ \t]+$/, '');
    p.edits.push(insertLinesAfter(text, rangeOf(last)[1], [`${indent}- name: ${secretName}`, `${indent}  envs:`, `${indent}  - ${envFile}`]));
    p.status = 'edit';
    p.secretGenerated = true;
    p.notes.push(`kustomize builds the Secret "${secretName}" from ${envFile} (git-ignored), beside the Secrets it makes already.`);
    return p;
  }
  const resources = get(root, 'resources');
  const first = isSeq(resources) ? (resources.items[0] as Node | undefined) : undefined;
  const dashIndent = first ? spaces(columnOf(text, rangeOf(first)[0]) - 2) : '';
  p.edits.push(appendLines(text, ['secretGenerator:', `${dashIndent}- name: ${secretName}`, `${dashIndent}  envs:`, `${dashIndent}  - ${envFile}`]));
  p.status = 'edit';
  p.secretGenerated = true;
  p.notes.push(`kustomize builds the Secret "${secretName}" from ${envFile} (git-ignored); reference it with secretKeyRef from the Telegraf container.`);
  if (!text.endsWith('\n')) p.notes.push('The file had no final newline; one is added before secretGenerator.');
  return p;
}

// ---------------------------------------------------------------- Helm

function planHelm(text: string, opts: PlanOptions): DeployPlan {
  const docs = parsedOrThrow(text);
  const envFile = opts.envFile ?? DEFAULT_ENV_FILE;
  const secretName = opts.secretName ?? secretNameFor(envFile);
  const found = helmTelegrafValues(docs)[0];
  if (!found) {
    const p = base('helm-values', CONTROLLER_TOKEN_VAR);
    p.notes.push('No values of the influxdata telegraf or telegraf-ds chart found (image.repository or image.repo telegraf, config.outputs).');
    return p;
  }
  const tag = str(get(get(found.map, 'image'), 'tag'));
  const pin = tag ? pinFromTag(tag) : undefined;
  const advice = adviceFor(pin);
  const p = base('helm-values', advice.varName);
  p.pin = pin;
  p.notes.push(...advice.notes);
  p.target = found.path.length ? `chart values under "${found.path.join('.')}"` : 'chart values';
  p.valueFile = envFile;
  p.secretName = secretName;
  // The token is used only by an agent that loads its configuration from the controller or reports to it.
  const args = yamlWords(get(found.map, 'args'));
  const outputs = get(get(found.map, 'config'), 'outputs');
  const heartbeat = isSeq(outputs) && outputs.items.some((o) => isMap(o) && o.items.some((i) => str(i.key) === 'heartbeat'));
  if (!args.some((a) => isControllerConfigUrl(a.replace(/^--config=/, ''))) && !heartbeat)
    p.warnings.push(
      `These values neither load the agent's configuration from the controller (args: ["--config", "<controller>/api/configs/<id>/toml"]) nor report to it (a heartbeat entry in config.outputs): the agent does not use the token until one of them is added.`,
    );
  if (isSeq(outputs)) heartbeatTokenEdits(text, outputs, advice.varName, p, opts.controllerUrl);
  const restart = {
    label: 'Restart the agent pods so they read the new value',
    text: '# then restart the agent pods of the release: kubectl rollout restart daemonset/<release> (or deployment/<release>) -n <namespace>',
  };
  const fromSecret = str(get(found.map, 'envFromSecret'));
  if (fromSecret) {
    p.status = 'elsewhere';
    p.notes.push(
      `The chart already loads every key of the Secret "${fromSecret}" (envFromSecret): add ${advice.varName} to that Secret; the values need no ${p.edits.length ? 'other ' : ''}change.`,
    );
    p.commands.push(
      {
        label: `Add ${advice.varName} to the Secret "${fromSecret}"`,
        text: secretKeyFromEnvFileCommand(fromSecret, advice.varName, envFile),
      },
      restart,
    );
    return p;
  }
  p.commands.push(...k8sCommands(secretName, envFile));
  const envPair = pairOf(found.map, 'env');
  if (envPair && envListHas(envPair.value, advice.varName)) {
    p.status = 'elsewhere';
    p.notes.push(`The values already define ${advice.varName} in env.`);
    return p;
  }
  if (envPair && isSeq(envPair.value) && !envPair.value.flow && envPair.value.items.length > 0) {
    p.edits.push(appendEnvItem(text, envPair.value, advice.varName, secretName)!);
    p.notes.push(`The chart's env gets ${advice.varName} from the Secret "${secretName}" (secretKeyRef).`);
  } else {
    const last = found.map.items[found.map.items.length - 1] as Pair<Node, Node | null> | undefined;
    if (!last) throw new Error('empty values map');
    const col = keyColumn(text, last);
    p.edits.push(insertLinesAfter(text, pairEnd(last), [`${spaces(col)}envFromSecret: ${secretName}`]));
    p.notes.push(`The chart loads every key of the Secret "${secretName}" as environment (envFromSecret).`);
  }
  p.status = 'edit';
  return p;
}

/**
 * The heartbeat entries of a chart's `config.outputs`: Telegraf's heartbeat
 * output sends only the `token` option it is given (the environment variable
 * alone leaves it without one, and the controller answers 401), so an entry
 * without `token` gets `token: "${varName}"` (Telegraf substitutes the
 * variable when it loads the rendered config); one whose token names
 * something else gets a warning. Edits and notes go into `p`.
 */
function heartbeatTokenEdits(text: string, outputs: YAMLSeq, varName: string, p: DeployPlan, controllerUrl?: string): void {
  const ref = `\${${varName}}`;
  for (const o of outputs.items) {
    if (!isMap(o)) continue;
    const entry = o.items.find((i) => str(i.key) === 'heartbeat');
    if (!entry) continue;
    const settings = entry.value;
    if (!isMap(settings) || settings.flow || settings.items.length === 0) {
      p.warnings.push(
        `The heartbeat entry in config.outputs has no block of settings to extend: give it token: "${ref}", or the controller rejects its heartbeats (401).`,
      );
      continue;
    }
    const token = settings.items.find((i) => str(i.key) === 'token');
    // Telegraf sends the token with every heartbeat to its url: another host than the controller would receive it.
    const url = str(settings.items.find((i) => str(i.key) === 'url')?.value);
    const elsewhere = url && controllerUrl ? otherHostThan(url, controllerUrl) : undefined;
    if (elsewhere)
      p.warnings.push(
        `The heartbeat output in config.outputs reports to ${elsewhere}, not to the controller at ${displayUrl(controllerUrl!)}: Telegraf sends the token there with every heartbeat. Change its url first, unless ${elsewhere} is that controller under another name.`,
      );
    if (!token) {
      const last = settings.items[settings.items.length - 1] as Pair<Node, Node | null>;
      p.edits.push(insertLinesAfter(text, pairEnd(last), [`${spaces(keyColumn(text, last))}token: "${ref}"`]));
      p.notes.push(`The heartbeat output in config.outputs sends the token (token: "${ref}"; Telegraf fills in the variable when it loads its config).`);
    } else if (!(str(token.value) ?? '').includes(ref)) {
      p.warnings.push(`The heartbeat output in config.outputs sends its own token setting, not ${ref}: set token: "${ref}" for it to use this token.`);
    }
  }
}

// ---------------------------------------------------------------- env files

/** Env files whose values are mostly double-quoted keep that style. */
function quotedStyle(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => /^\s*(export\s+)?[A-Za-z_]\w*=/.test(l));
  const quoted = lines.filter((l) => /=\s*"/.test(l)).length;
  return lines.length > 0 && quoted * 2 > lines.length;
}

/** Marker for the value in env-file edits: callers substitute the token value (see `fillValue`). */
export const VALUE_SLOT = '\u0000TOKEN\u0000';

/** Replaces {@link VALUE_SLOT} in planned text by `value` (or a display stand-in). */
export function fillValue(s: string, value: string): string {
  return s.split(VALUE_SLOT).join(value);
}

/**
 * The edit setting `name` in env file `text` to the token value (written as
 * {@link VALUE_SLOT}): replaces the value of the last active `NAME=` line (the one systemd and Compose use), else
 * appends `NAME=value`, double-quoted when the file quotes its values.
 * Keeps a missing final newline missing.
 */
export function planEnvEntry(text: string, name: string): TextEdit {
  const quoted = quotedStyle(text);
  const v = quoted ? `"${VALUE_SLOT}"` : VALUE_SLOT;
  // The last assignment is the one systemd and Compose use.
  const all = [...text.matchAll(new RegExp(`^([ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=)(.*?)(\\r?)$`, 'gm'))];
  const m = all[all.length - 1];
  if (m) {
    const start = m.index + m[1]!.length;
    return { start, end: start + m[2]!.length, newText: v };
  }
  return appendLines(text, [`${name}=${v}`]);
}

function planEnvFile(text: string): DeployPlan {
  const p = base('env', CONTROLLER_TOKEN_VAR);
  const hasLegacy = new RegExp(`^\\s*(export\\s+)?${LEGACY_TOKEN_VAR}=`, 'm').test(text);
  const hasVar = new RegExp(`^\\s*(export\\s+)?${CONTROLLER_TOKEN_VAR}=`, 'm').test(text);
  const elsewhere = text
    .split(/\r?\n/)
    .filter((l) => /^\s*#/.test(l) && /secret|token/i.test(l))
    .map((l) => /(?:^|[\s"'(=])((?:\/[\w.-]+)+)/.exec(l))
    .find((m) => m !== null);
  if (elsewhere && !hasVar && !/^\s*[^#\s][^=\n]*(token|secret)[^=\n]*=/im.test(text)) {
    p.status = 'elsewhere';
    p.valueFile = elsewhere[1];
    p.notes.push(`This env file keeps configuration only; its comment says secrets live in ${elsewhere[1]}: add ${CONTROLLER_TOKEN_VAR} there.`);
    return p;
  }
  p.edits.push(planEnvEntry(text, CONTROLLER_TOKEN_VAR));
  p.status = 'edit';
  // A configuration URL kept here (TELEGRAF_CONF=… for `--config $TELEGRAF_CONF`) gets the token too when the agent downloads it.
  for (const [name, value] of envFileAssignments(text))
    if (/CONF/i.test(name) && /^https?:\/\//i.test(value) && !isControllerConfigUrl(value))
      p.warnings.push(
        `${name} is ${displayUrl(value)}, not a Telegraf Controller configuration URL (…/api/configs/<id>/toml): if the agent loads its configuration from it (--config $${name}), Telegraf sends ${CONTROLLER_TOKEN_VAR} there in place of ${LEGACY_TOKEN_VAR} and that server refuses the download. Point it at the controller's configuration URL first.`,
      );
  if (hasLegacy)
    p.notes.push(
      `${LEGACY_TOKEN_VAR} is kept for agents older than Telegraf 1.39 (they send it with the Token scheme); ${CONTROLLER_TOKEN_VAR} is read by 1.39 and later.`,
    );
  p.notes.push('Keep this file git-ignored and readable only by the agent (mode 0600, or 0640 root:telegraf for /etc/default/telegraf).');
  return p;
}

// ---------------------------------------------------------------- systemd

/**
 * The command that sets the lines `vars` (`NAME=…`) of host file `hostPath` to
 * those of workspace file `source` and keeps every other line (the host file
 * may hold other settings, as `/etc/default/telegraf` does), written through
 * a new root-only file moved into place; then restarts `unit` when given. The
 * value is read from `source` by `grep`, never on a command line.
 */
export function mergeHostFileCommand(hostPath: string, source: string, vars: readonly string[], unit?: string): string {
  const re = `^(${vars.join('|')})=`;
  // umask 077: the new file is owner-only from its first byte (never readable by others before the chmod).
  const script = `umask 077; { grep -Ev '${re}' "$1" 2>/dev/null; grep -E '${re}' "$2"; } > "$1.new" && chmod 0600 "$1.new" && mv "$1.new" "$1"`;
  return `sudo sh -c ${shQuote(script)} sh ${shQuote(hostPath)} ${shQuote(source)}${unit ? ` && sudo systemctl restart ${unit}` : ''}`;
}

/** The words of a unit's `ExecStart=` lines (continuation lines joined; the `-`/`@`/`+` prefixes kept on the binary). */
function execStartWords(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return [...joined.matchAll(/^[ \t]*ExecStart[ \t]*=(.*)$/gm)].flatMap((m) => commandWords(m[1]!));
}

/** The variables a unit's `Environment=` lines set (what systemd substitutes for `$NAME` in ExecStart=). */
function systemdEnvironment(text: string): (name: string) => string | undefined {
  const vars = new Map<string, string>();
  for (const m of text.matchAll(/^[ \t]*Environment[ \t]*=(.*)$/gm))
    for (const w of commandWords(m[1]!)) {
      const eq = w.indexOf('=');
      if (eq > 0) vars.set(w.slice(0, eq), w.slice(eq + 1));
    }
  return (name) => vars.get(name);
}

function planSystemd(path: string, text: string, opts: PlanOptions): DeployPlan {
  const p = base('systemd', CONTROLLER_TOKEN_VAR);
  if (blockedByConfigSource(p, execStartWords(text), systemdEnvironment(text), opts.controllerUrl)) return p;
  // `ExecStart=-/path` (systemd's prefixes); a unit that runs a program other than a script (docker run …) is not one.
  const start = startScriptOf(execStartWords(text).map((w, i) => (i === 0 ? w.replace(/^[-@+!:]+/, '') : w)));
  if (start && (start.inline !== undefined || /\.(?:sh|bash)$/.test(start.path ?? ''))) p.startScript = start;
  const envFiles = [...text.matchAll(/^[ \t]*EnvironmentFile[ \t]*=[ \t]*-?(\S+)/gm)].map((m) => m[1]!);
  const unit = /([^/\\]+)\.service$/.exec(path)?.[1] ?? 'telegraf';
  const dropIn = /\.service\.d[\\/]/.test(path);
  if (envFiles.length > 0) {
    const valueFile = opts.envFile ?? DEFAULT_ENV_FILE;
    p.status = 'elsewhere';
    p.valueFile = valueFile;
    p.target = `unit ${unit}.service`;
    p.notes.push(
      `The unit already reads ${envFiles[0]} (EnvironmentFile=${text.includes(`=-${envFiles[0]}`) ? '-, optional' : ''}); the unit stays as is. The value goes into ${valueFile} beside it, and the command copies its ${CONTROLLER_TOKEN_VAR} line into ${envFiles[0]} on the host (the other lines stay, the file becomes root-only) and restarts ${unit}.service (named after this file: change the name if the unit is installed under another one).`,
    );
    p.notes.push(`systemd loads that file only for the service: a telegraf started by hand does not see it.`);
    p.commands.push({
      label: `Set ${CONTROLLER_TOKEN_VAR} in ${envFiles[0]}`,
      text: mergeHostFileCommand(envFiles[0]!, valueFile, [CONTROLLER_TOKEN_VAR], unit),
    });
    if (envFiles[0]!.startsWith('/')) p.hostFile = envFiles[0]!;
    return p;
  }
  if (dropIn) {
    p.notes.push('This is a drop-in; add the token through an EnvironmentFile= line here.');
    const svc = /^\[Service\][^\n]*\n/m.exec(text);
    if (!svc) throw new Error('the drop-in has no [Service] section');
    p.valueFile = opts.envFile ?? DEFAULT_ENV_FILE;
    p.edits.push(insertLinesAfter(text, svc.index + svc[0].length - 1, [`EnvironmentFile=${hostEnvFileFor(p.valueFile)}`]));
    p.hostFile = hostEnvFileFor(p.valueFile);
    p.status = 'edit';
    return p;
  }
  const envFile = opts.envFile ?? DEFAULT_ENV_FILE;
  const hostFile = hostEnvFileFor(envFile);
  p.status = 'elsewhere';
  p.target = `unit ${unit}.service`;
  p.valueFile = envFile;
  p.hostFile = hostFile;
  p.newFiles.push({ path: `${unit}.service.d/${DROP_IN_NAME}`, content: `[Service]\nEnvironmentFile=${hostFile}\n`, purpose: 'systemd drop-in' });
  p.commands.push({
    label: 'Install the drop-in and the env file',
    text: `sudo install -D -m 0600 -o root -g root ${envFile} ${hostFile} && sudo install -D -m 0644 ${unit}.service.d/${DROP_IN_NAME} /etc/systemd/system/${unit}.service.d/${DROP_IN_NAME} && sudo systemctl daemon-reload && sudo systemctl restart ${unit}`,
  });
  p.notes.push(
    `The unit stays as is (units are world-readable); a drop-in adds EnvironmentFile=${hostFile}, which systemd reads as root before starting the agent.`,
  );
  return p;
}

// ---------------------------------------------------------------- Windows

/**
 * PowerShell that sets `TELEGRAF_CONTROLLER_TOKEN` in the `Environment`
 * (REG_MULTI_SZ) value of the Windows service's registry key, keeping the
 * other entries, then restarts the service. The token is read with
 * `Read-Host -AsSecureString`, never written in the command. Shown and
 * copied, never run by the extension. Run it after `telegraf.exe --service
 * install` (the key does not exist before).
 */
export function windowsServiceCommand(varName = CONTROLLER_TOKEN_VAR, service = 'telegraf'): string {
  return [
    `$tc = Read-Host -AsSecureString 'Telegraf Controller token'`,
    `$v = [Runtime.InteropServices.Marshal]::PtrToStringBSTR([Runtime.InteropServices.Marshal]::SecureStringToBSTR($tc))`,
    `$key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\${service}'`,
    `$keep = @((Get-ItemProperty -Path $key -Name Environment -ErrorAction SilentlyContinue).Environment) | Where-Object { $_ -and $_ -notlike '${varName}=*' }`,
    `New-ItemProperty -Path $key -Name Environment -PropertyType MultiString -Value (@($keep) + "${varName}=$v") -Force | Out-Null`,
    `Restart-Service ${service}`,
  ].join('\n');
}

function planPowerShell(text: string): DeployPlan {
  const p = base('powershell', CONTROLLER_TOKEN_VAR);
  p.commands.push({ label: 'Set the token in the service environment (registry)', text: windowsServiceCommand() });
  const arr = /^([ \t]*\$(\w+)[ \t]*=[ \t]*\()("[^"\r\n]*=[^"\r\n]*"(?:[ \t]*,[ \t]*"[^"\r\n]*")*)\)/m.exec(text);
  const writes = text.search(/Services\\telegraf["']?\s*-?Name\s+["']?Environment/i) >= 0 ? text.search(/Services\\telegraf/i) : -1;
  const install = text.search(/--service\s+install/);
  if (writes >= 0 && install > writes)
    p.warnings.push(
      'The script writes the service\'s Environment registry value before "telegraf.exe --service install", when the key does not exist yet on a fresh host: move the registry write after the install.',
    );
  if (arr) {
    const end = arr.index + arr[0].length - 1;
    const sep = /",\s*"/.exec(arr[3]!)?.[0].slice(1, -1) ?? ',';
    p.edits.push({ start: end, end, newText: `${sep}"${CONTROLLER_TOKEN_VAR}=$tc_token"` });
    const ls = lineStart(text, arr.index);
    p.edits.push({
      start: ls,
      end: ls,
      newText: `${indentAt(text, arr.index)}$tc_token = [Runtime.InteropServices.Marshal]::PtrToStringBSTR([Runtime.InteropServices.Marshal]::SecureStringToBSTR((Read-Host -AsSecureString 'Telegraf Controller token')))${eolOf(text)}`,
    });
    p.status = 'edit';
    p.target = `$${arr[2]} (the service Environment list)`;
    p.notes.push(`"${CONTROLLER_TOKEN_VAR}=$tc_token" is added to $${arr[2]}, with $tc_token read from a prompt (never a literal).`);
  } else {
    p.status = 'elsewhere';
    p.notes.push('Run the command below on the Windows host (it is never run from VS Code).');
  }
  return p;
}

// ---------------------------------------------------------------- templates

function planJinja(text: string): DeployPlan {
  const p = base('jinja', CONTROLLER_TOKEN_VAR);
  if (/^\[(Unit|Service)\]/m.test(text) || /--env-file/.test(text)) {
    p.status = 'elsewhere';
    p.notes.push(
      'This template renders a unit: the token does not belong in it. Put it in the Ansible variables that render the env file (vaulted: ansible-vault encrypt_string), and make that file mode 0600.',
    );
    p.commands.push({ label: 'Encrypt the token as an Ansible variable', text: `ansible-vault encrypt_string --stdin-name telegraf_controller_token` });
    return p;
  }
  p.edits.push(appendLines(text, [`${CONTROLLER_TOKEN_VAR}="{{ telegraf_controller_token }}"`]));
  p.commands.push({ label: 'Encrypt the token as an Ansible variable', text: `ansible-vault encrypt_string --stdin-name telegraf_controller_token` });
  p.status = 'edit';
  p.notes.push('The template references the Ansible variable telegraf_controller_token; keep its value vaulted, never a literal.');
  return p;
}

function planTerraform(text: string): DeployPlan {
  const p = base('terraform', CONTROLLER_TOKEN_VAR);
  const secret = /kind:[ \t]*Secret[\s\S]*?\n([ \t]*)data:[ \t]*\r?\n((?:\1[ \t]+[^\n]*\n)+)/.exec(text);
  if (!secret) {
    p.notes.push('No Kubernetes Secret with data: found in a heredoc; use a sensitive variable and a kubernetes_secret resource.');
    return p;
  }
  const body = secret[2]!;
  const entryIndent = /^[ \t]+/.exec(body)![0];
  const end = secret.index + secret[0].length;
  p.edits.push({ start: end, end, newText: `${entryIndent}${CONTROLLER_TOKEN_VAR}: \${base64encode(var.telegraf_controller_token)}${eolOf(text)}` });
  if (!/variable\s+"telegraf_controller_token"/.test(text)) {
    p.edits.push(appendLines(text, ['', 'variable "telegraf_controller_token" {', '  type      = string', '  sensitive = true', '}']));
  }
  p.status = 'edit';
  p.notes.push(
    'The Secret gets the token from the sensitive variable telegraf_controller_token (set it with TF_VAR_telegraf_controller_token, never a literal or pre-encoded base64).',
  );
  return p;
}

/** What an env file already holds before a token value goes into it (see {@link envFileTokens}). */
export interface EnvFileTokens {
  /** The file sets `name` to another non-empty value, which the write replaces. */
  replaces: boolean;
  /** Other variables of the file that hold a token (a `tc-apiv1_` value, or TELEGRAF_CONTROLLER_TOKEN / INFLUX_TOKEN). */
  others: string[];
}

/**
 * The tokens env file `text` already gives every deployment that reads it
 * (Compose `env_file`, systemd `EnvironmentFile`, `kubectl create secret
 * --from-env-file`), before `name` is set to `value` there: a different value
 * of `name` (the last assignment wins, as for systemd and Compose) and other
 * variables holding a token. Quotes around values are ignored; comments too.
 */
export function envFileTokens(text: string, name: string, value: string): EnvFileTokens {
  const last = envFileAssignments(text);
  const current = last.get(name);
  const others = [...last]
    .filter(([k, v]) => k !== name && v !== '' && (v.startsWith('tc-apiv1_') || k === CONTROLLER_TOKEN_VAR || k === LEGACY_TOKEN_VAR))
    .map(([k]) => k);
  return { replaces: current !== undefined && current !== '' && current !== value, others };
}

/**
 * The variables env file `text` sets, each to its last value (the last
 * assignment wins, as for systemd and Compose): `NAME=value` and
 * `export NAME=value` lines, quotes around a value removed, comments skipped.
 */
export function envFileAssignments(text: string): Map<string, string> {
  const last = new Map<string, string>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0]!)) v = v.slice(1, -1);
    last.set(m[1]!, v);
  }
  return last;
}
