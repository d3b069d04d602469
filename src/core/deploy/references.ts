/**
 * Where a token lives across deployment files, for "Rotate Token…" and the
 * leak response (README.md "Deploying agents"): plaintext occurrences of a
 * value, which of them the extension rewrites (env files: `.env`, compose
 * `env_file`, `/etc/default/telegraf`), and the places it cannot update
 * itself, with the exact command to run (a cluster Secret referenced by a
 * manifest, Helm values or a kustomization, and the restart of the pods that
 * read it; an env file a systemd unit reads from the host, such as the
 * `/etc/telegraf/telegraf-controller.env` the systemd quick fix installs; a
 * Windows service's `Environment` registry value; the Compose services to
 * recreate). Pure; no `vscode` import.
 */
import { posix } from 'node:path';
import { isSeq, type YAMLMap } from 'yaml';
import type { TextEdit } from '../config/types';
import type { DeployKind } from './kinds';
import { DEFAULT_ENV_FILE, envFileOfSecret, HOST_ENV_FILE, k8sArg, rolloutRestartCommand, secretKeyFromEnvFileCommand, windowsServiceCommand } from './plan';
export { k8sArg, mergeHostFileCommand, rolloutRestartCommand, secretKeyFromEnvFileCommand } from './plan';
import { shQuote } from '../agentStart/generators';
import { CONTROLLER_TOKEN_VAR, LEGACY_TOKEN_VAR } from './version';
import { get, helmTelegrafValues, k8sContainers, k8sKind, str, yamlDocuments } from './yamlModel';

/** Kinds whose plaintext values the extension rewrites on rotate (the value belongs there). */
export const WRITABLE_KINDS: readonly DeployKind[] = ['env'];

/** Offsets of every plaintext occurrence of `value` in `text` (whole token: not followed by a token character). */
export function valueOccurrences(text: string, value: string): number[] {
  const out: number[] = [];
  if (!value) return out;
  for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + value.length)) {
    const next = text[i + value.length];
    if (next === undefined || !/[A-Za-z0-9_-]/.test(next)) out.push(i);
  }
  return out;
}

/** Edits replacing every occurrence of `oldValue` by `newValue`. */
export function planRewrite(text: string, oldValue: string, newValue: string): TextEdit[] {
  return valueOccurrences(text, oldValue).map((start) => ({ start, end: start + oldValue.length, newText: newValue }));
}

/** A place the extension cannot update, with what to run. */
export interface ManualPlace {
  /** `Kubernetes Secret "telegraf-controller-token"`, `Windows service "telegraf"`. */
  label: string;
  /** Offset in the file that references it. */
  offset: number;
  /** The exact command (the value is never in it: it is read from the env file or a prompt). */
  command: string;
  /** For a cluster Secret: what is needed to word its update for one token (see {@link secretFromEnvFileCommand}). */
  secret?: SecretRef;
  /** For an env file a systemd unit reads from the host: what is needed to word its update (see {@link hostFileCommand}). */
  hostFile?: HostFileRef;
}

/** An env file a systemd unit reads on the host (`EnvironmentFile=[-]PATH`, always an absolute path). */
export interface HostFileRef {
  /** The absolute path on the host, `/etc/telegraf/telegraf-controller.env`. */
  path: string;
  /** The unit that reads it, without `.service`. */
  unit: string;
  /**
   * Workspace files the host copy is likely installed from, relative to the
   * unit file's folder, most likely first: a file of the same name, then the
   * env file the systemd quick fix writes ({@link DEFAULT_ENV_FILE}); for a
   * drop-in, the same names in the unit's folder too.
   */
  sources: string[];
}

/** A Kubernetes Secret a manifest reads the token from. */
export interface SecretRef {
  name: string;
  namespace?: string;
  /** The key the token is read from (`secretKeyRef.key`; TELEGRAF_CONTROLLER_TOKEN when the manifest does not say). */
  key: string;
  /** The env files the Secret may be made from, relative to the manifest's folder, most likely first. */
  envFiles: string[];
  /**
   * Whether {@link envFiles} are known to be what the Secret is made from: the
   * files a kustomize secretGenerator names, or the env file beside the
   * manifest for the Secret this extension's quick fixes and "Add Token to
   * Deployment…" create (`telegraf-controller-token`, or `telegraf-controller-token-N` from
   * `telegraf-controller-N.env`: `envFileOfSecret`). For any other Secret an
   * env file beside the manifest may be another Secret's: one holding another
   * token says the Secret is not this token's, one holding this token proves
   * nothing.
   */
  madeFromEnvFiles: boolean;
  /**
   * Commands that restart the workloads of the file that read the Secret into
   * environment variables (read once, at container start):
   * `kubectl rollout restart daemonset/telegraf -n monitoring`. For Helm
   * values, a comment naming the command (the release's workload name is
   * not in the file). Empty for a kustomize secretGenerator: its name hash
   * changes with the content, so `kubectl apply -k` rolls the pods itself.
   */
  restarts: string[];
}

/**
 * The command that sets key `s.key` of the existing Secret `s` to the value
 * the env file `envFile` (a path as the user types it) gives that key; see
 * {@link secretKeyFromEnvFileCommand}.
 */
export function secretFromEnvFileCommand(s: SecretRef, envFile: string): string {
  return secretKeyFromEnvFileCommand(s.name, s.key, envFile, s.namespace);
}

/**
 * The command that sets key `s.key` of the existing Secret `s` to a value
 * typed at a hidden prompt (never in the shell history or on a command line:
 * the patch is a bash process substitution written by the `printf` builtin):
 * for a Secret whose content the workspace does not show. A merge patch of
 * `stringData` changes that key only; the Secret's other keys stay.
 */
export function secretFromPromptCommand(s: SecretRef): string {
  return [
    `read -rsp 'Telegraf Controller token: ' TC_TOKEN && echo`,
    `kubectl patch secret ${k8sArg(s.name)}${s.namespace ? ` -n ${k8sArg(s.namespace)}` : ''} --type merge --patch-file=<(printf '{"stringData":{"${s.key}":"%s"}}' "$TC_TOKEN")`,
    'unset TC_TOKEN',
  ].join('\n');
}

/**
 * The command that creates Secret `name` (in `namespace` when given) with key
 * `key` set to a value typed at a hidden prompt, or, when that Secret already
 * exists, sets only that key (merge patch of `stringData`; its other keys
 * stay). The value is never on a command line or in the shell history: kubectl
 * reads it from a bash process substitution written by the `printf` builtin.
 * For a manifest that now reads `secretKeyRef` `name`/`key` from a Secret the
 * workspace does not hold.
 */
export function secretCreateFromPromptCommand(name: string, key: string, namespace?: string): string {
  const ns = namespace ? ` -n ${k8sArg(namespace)}` : '';
  return [
    `read -rsp 'Telegraf Controller token: ' TC_TOKEN && echo`,
    `kubectl create secret generic ${k8sArg(name)}${ns} --from-file=${key}=<(printf %s "$TC_TOKEN") 2>/dev/null ||`,
    `  kubectl patch secret ${k8sArg(name)}${ns} --type merge --patch-file=<(printf '{"stringData":{"${key}":"%s"}}' "$TC_TOKEN")`,
    'unset TC_TOKEN',
  ].join('\n');
}

/**
 * The command that installs workspace file `source` (a path as the user types
 * it) as host file `f.path` (root-only, mode 0600) and restarts the unit: for
 * a source that is the whole host file (see {@link isWholeCopy}).
 */
export function installHostFileCommand(f: HostFileRef, source: string): string {
  return `sudo install -D -m 0600 -o root -g root ${shQuote(source)} ${shQuote(f.path)} && sudo systemctl restart ${f.unit}`;
}

/**
 * Whether workspace file `source` (its name) is the whole content of host file
 * `hostPath`, so installing it replaces nothing else: a file of the same name,
 * or the env file the systemd quick fix writes for {@link HOST_ENV_FILE}.
 */
export function isWholeCopy(hostPath: string, source: string): boolean {
  const base = (p: string) => p.slice(p.replace(/\\/g, '/').lastIndexOf('/') + 1);
  return base(source) === base(hostPath) || (hostPath === HOST_ENV_FILE && base(source) === DEFAULT_ENV_FILE);
}

/**
 * The command that opens host file `f.path` in the user's editor as root
 * (`sudoedit`: the value is typed into the editor, never on a command line)
 * and then restarts the unit: for a host file the workspace has no copy of.
 */
export function hostFileCommand(f: HostFileRef): string {
  return `sudoedit ${shQuote(f.path)} && sudo systemctl restart ${f.unit}`;
}

/**
 * The systemd unit a unit file or drop-in belongs to, without `.service`:
 * `…/telegraf.service` and `…/telegraf.service.d/override.conf` → `telegraf`;
 * `telegraf` when the path does not say (a template such as `telegraf.service.j2`).
 */
export function unitNameOf(filePath: string): string {
  const m = /([^/\\]+)\.service(?:\.d[/\\][^/\\]+|\.j2)?$/.exec(filePath);
  return m?.[1] ?? 'telegraf';
}

/**
 * Whether the deployment file at `readerPath` (text `readerText`) names the
 * file at `filePath`: a path ending in its name that resolves to it from the
 * reader's folder (Compose `env_file:`, a kustomize `envs:` entry,
 * `--from-env-file=` in a script beside it), or, for a reader in the same
 * folder, one of `hostPaths` (the host file a systemd unit reads the copy its
 * install command puts there; a unit in another folder runs on another host).
 * A file of the same name in another folder is not this one. Paths are
 * absolute; `\\` counts as `/`.
 */
export function namesFile(readerPath: string, readerText: string, filePath: string, hostPaths: readonly string[]): boolean {
  const slash = (p: string) => p.replace(/\\/g, '/');
  const target = posix.normalize(slash(filePath));
  const readerDir = posix.dirname(slash(readerPath));
  // A drop-in (`telegraf.service.d/override.conf`) sits one folder below the unit and the env file beside it.
  const beside = readerDir === posix.dirname(target) || (readerDir.endsWith('.service.d') && posix.dirname(readerDir) === posix.dirname(target));
  const base = posix.basename(target);
  const stop = /[\s'"=:,[\]{}()`;]/;
  for (const needle of [base, ...hostPaths]) {
    for (let i = readerText.indexOf(needle); i !== -1; i = readerText.indexOf(needle, i + 1)) {
      const end = i + needle.length;
      if (end < readerText.length && !stop.test(readerText[end]!)) continue;
      let start = i;
      while (start > 0 && !stop.test(readerText[start - 1]!)) start--;
      const named = slash(readerText.slice(start, end));
      if (hostPaths.includes(named)) {
        if (beside) return true;
      } else if (named === base || named.endsWith(`/${base}`)) {
        if ((posix.isAbsolute(named) ? posix.normalize(named) : posix.join(readerDir, named)) === target) return true;
      }
    }
  }
  return false;
}

/**
 * The env files a systemd unit or drop-in reads on the host
 * (`EnvironmentFile=/path` or `EnvironmentFile=-/path`; relative paths,
 * which systemd refuses, are skipped), with the offset of each line.
 */
export function unitEnvironmentFiles(text: string): { path: string; optional: boolean; offset: number }[] {
  const out: { path: string; optional: boolean; offset: number }[] = [];
  for (const m of text.matchAll(/^[ \t]*EnvironmentFile[ \t]*=[ \t]*(-?)([^\s]+)/gm)) {
    const p = m[2]!.replace(/^"|"$/g, '');
    if (p.startsWith('/')) out.push({ path: p, optional: m[1] === '-', offset: m.index });
  }
  return out;
}

/**
 * The Compose command that recreates `services` of the compose file `composeFile`
 * (a path as the user types it), so their containers get the env file's new
 * content (Compose reads env files when it creates a container).
 */
export function composeRecreateCommand(composeFile: string, services: readonly string[]): string {
  return [`docker compose -f ${shQuote(composeFile)} up -d`, ...services.map(shQuote)].join(' ');
}

const TOKEN_VARS = new Set([CONTROLLER_TOKEN_VAR, LEGACY_TOKEN_VAR]);

/**
 * Places a deployment file points to that hold the token outside the
 * workspace: Secrets read through `secretKeyRef` (key `TELEGRAF_CONTROLLER_TOKEN`
 * or `INFLUX_TOKEN`), Helm `envFromSecret`, kustomize `secretGenerator`, and a
 * Windows service's registry `Environment` set by a PowerShell script.
 */
export function manualPlaces(kind: DeployKind, text: string, filePath = ''): ManualPlace[] {
  const out: ManualPlace[] = [];
  if (kind === 'systemd') {
    const unit = unitNameOf(filePath);
    const dropIn = /\.service\.d[/\\][^/\\]+$/.test(filePath);
    for (const e of unitEnvironmentFiles(text)) {
      const base = e.path.slice(e.path.lastIndexOf('/') + 1);
      // The file of the same name, and the env file Add Token and the quick fix write beside a unit — except for a host
      // file named after a file of its own (`hostEnvFileFor`: a second unit's telegraf-controller-2.env), which holds
      // another unit's token.
      const names = /^telegraf-controller-\d+\.env$/.test(base) ? [base] : [...new Set([base, DEFAULT_ENV_FILE])];
      const hostFile: HostFileRef = { path: e.path, unit, sources: dropIn ? [...names, ...names.map((n) => `../${n}`)] : names };
      out.push({ label: `Host file ${e.path} (read by ${unit}.service)`, offset: e.offset, command: hostFileCommand(hostFile), hostFile });
    }
    return out;
  }
  if (kind === 'powershell') {
    const i = text.search(/CurrentControlSet\\Services\\telegraf/i);
    if (i >= 0) out.push({ label: 'Windows service "telegraf" (registry Environment value)', offset: i, command: windowsServiceCommand() });
    return out;
  }
  if (!['kubernetes', 'helm-values', 'kustomization'].includes(kind)) return out;
  const docs = yamlDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return out;
  const bySecret = new Map<string, SecretRef>();
  const add = (name: string, offset: number, opts: { ns?: string; key?: string; envFiles?: string[]; restart?: string } = {}) => {
    const known = bySecret.get(`${opts.ns ?? ''}/${name}`);
    if (known) {
      if (opts.restart && !known.restarts.includes(opts.restart)) known.restarts.push(opts.restart);
      return;
    }
    const own = envFileOfSecret(name);
    const secret: SecretRef = {
      name,
      ...(opts.ns ? { namespace: opts.ns } : {}),
      key: opts.key ?? CONTROLLER_TOKEN_VAR,
      // A Secret this extension names is made from its own env file (secretNameFor): `telegraf-controller-token-2` from
      // telegraf-controller-2.env; any other may be made from the default file or a .env beside the manifest.
      envFiles: opts.envFiles ?? (own && own !== DEFAULT_ENV_FILE ? [own] : [DEFAULT_ENV_FILE, '.env']),
      madeFromEnvFiles: opts.envFiles !== undefined || own !== undefined,
      restarts: opts.restart ? [opts.restart] : [],
    };
    bySecret.set(`${opts.ns ?? ''}/${name}`, secret);
    out.push({
      label: `Kubernetes Secret "${name}"`,
      offset,
      command: secret.madeFromEnvFiles ? secretFromEnvFileCommand(secret, secret.envFiles[0]!) : secretFromPromptCommand(secret),
      secret,
    });
  };
  /** The Secrets a container's `env` (secretKeyRef with a token key) and `envFrom` (secretRef) read. */
  const containerRefs = (container: unknown, opts: { ns?: string; restart?: string }) => {
    const env = get(container, 'env');
    if (isSeq(env))
      for (const item of env.items) {
        const ref = get(get(item, 'valueFrom'), 'secretKeyRef');
        const name = str(get(ref, 'name'));
        const key = str(get(ref, 'key')) ?? '';
        if (name && TOKEN_VARS.has(key)) add(name, (ref as YAMLMap).range?.[0] ?? 0, { ...opts, key });
      }
    const envFrom = get(container, 'envFrom');
    if (isSeq(envFrom))
      for (const item of envFrom.items) {
        const ref = get(item, 'secretRef');
        const name = str(get(ref, 'name'));
        // A whole Secret as environment: a token's only when it is the one this extension creates.
        if (name && envFileOfSecret(name) && !str(get(item, 'prefix'))) add(name, (ref as YAMLMap).range?.[0] ?? 0, opts);
      }
  };
  if (kind === 'kubernetes') {
    for (const c of k8sContainers(docs)) {
      const meta = get(c.doc.contents, 'metadata');
      const ns = str(get(meta, 'namespace'));
      const restart = rolloutRestartCommand(str(get(c.doc.contents, 'kind')) ?? '', str(get(meta, 'name')) ?? '', ns);
      containerRefs(c.map, { ...(ns ? { ns } : {}), ...(restart ? { restart } : {}) });
    }
  }
  if (kind === 'helm-values') {
    const restart = '# then restart the agent pods of the release: kubectl rollout restart daemonset/<release> (or deployment/<release>) -n <namespace>';
    for (const v of helmTelegrafValues(docs)) {
      containerRefs(v.map, { restart });
      const s = get(v.map, 'envFromSecret');
      if (str(s)) add(str(s)!, (s as { range?: number[] }).range?.[0] ?? 0, { restart });
    }
  }
  if (kind === 'kustomization') {
    const gen = get(docs[0]?.contents, 'secretGenerator');
    // kustomize generates the Secret in the kustomization's namespace.
    const ns = str(get(docs[0]?.contents, 'namespace'));
    if (isSeq(gen))
      for (const g of gen.items) {
        const envs = get(g, 'envs');
        const files = isSeq(envs) ? envs.items.map((e) => str(e)).filter((e): e is string => !!e) : [];
        if (str(get(g, 'name')))
          add(str(get(g, 'name'))!, (g as YAMLMap).range?.[0] ?? 0, { ...(files.length ? { envFiles: files } : {}), ...(ns ? { ns } : {}) });
      }
  }
  return out;
}

/**
 * The values a Secret manifest in `text` gives key `key` of the Secret `name`
 * (`stringData`, or base64 `data` decoded), for each `kind: Secret` document
 * of that name whose namespace is `namespace` or unstated (either side;
 * with `sameNamespaceOnly`, both must state the same one):
 * undefined when `text` defines no such Secret, `[]` when it does without
 * that key. Lets Rotate tell a Secret's content from the git-ignored
 * `*.secret.yaml` "Add Token to Deployment…" writes.
 */
export function secretManifestValues(text: string, name: string, key: string, namespace?: string, sameNamespaceOnly = false): string[] | undefined {
  let found: string[] | undefined;
  for (const doc of yamlDocuments(text)) {
    if (doc.errors.length > 0 || k8sKind(doc) !== 'Secret') continue;
    const meta = get(doc.contents, 'metadata');
    const ns = str(get(meta, 'namespace'));
    if (str(get(meta, 'name')) !== name || (ns && namespace && ns !== namespace)) continue;
    if (sameNamespaceOnly && (!ns || ns !== namespace)) continue;
    found ??= [];
    const plain = str(get(get(doc.contents, 'stringData'), key));
    if (plain !== undefined) found.push(plain);
    const encoded = str(get(get(doc.contents, 'data'), key));
    if (encoded !== undefined) found.push(Buffer.from(encoded, 'base64').toString('utf8'));
  }
  return found;
}

/**
 * Whether `text` defines Kubernetes Secrets only (every non-empty YAML
 * document has `kind: Secret`), as the `<secret>.secret.yaml` manifests
 * "Add Token to Deployment…" writes do: such a file, git-ignored and readable
 * by its owner only, holds a value where it belongs, like an env file.
 */
export function isSecretOnlyManifest(text: string): boolean {
  const docs = yamlDocuments(text).filter((d) => d.contents !== null);
  return docs.length > 0 && docs.every((d) => d.errors.length === 0 && k8sKind(d) === 'Secret');
}

export { composeEnvFiles } from './yamlModel';
