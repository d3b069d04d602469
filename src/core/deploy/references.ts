/**
 * Where a token lives across deployment files, for "Rotate Token…" and the
 * leak response (README.md "Deploying agents"): plaintext occurrences of a
 * value, which of them the extension rewrites (env files: `.env`, compose
 * `env_file`, `/etc/default/telegraf`), and the places it cannot update
 * itself, with the exact command to run (a cluster Secret referenced by a
 * manifest, Helm values or a kustomization; a Windows service's
 * `Environment` registry value). Pure; no `vscode` import.
 */
import { isMap, isPair, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { TextEdit } from '../config/types';
import type { DeployKind } from './kinds';
import { DEFAULT_ENV_FILE, windowsServiceCommand } from './plan';
import { CONTROLLER_TOKEN_VAR, LEGACY_TOKEN_VAR } from './version';
import { composeServices, get, helmTelegrafValues, k8sContainers, str, yamlDocuments } from './yamlModel';

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
}

/** A Kubernetes Secret a manifest reads the token from. */
export interface SecretRef {
  name: string;
  namespace?: string;
  /** The key the token is read from (`secretKeyRef.key`; TELEGRAF_CONTROLLER_TOKEN when the manifest does not say). */
  key: string;
  /** The env files the Secret is likely made from, relative to the manifest's folder, most likely first. */
  envFiles: string[];
}

/**
 * The command that (re)creates Secret `s` from the env file `envFile` (a path
 * as the user types it): `kubectl create secret generic … --from-env-file`
 * piped to `kubectl apply`, so an existing Secret is replaced.
 */
export function secretFromEnvFileCommand(s: SecretRef, envFile: string): string {
  return `kubectl create secret generic ${s.name}${s.namespace ? ` -n ${s.namespace}` : ''} --from-env-file=${envFile} --dry-run=client -o yaml | kubectl apply -f -`;
}

/**
 * The command that sets key `s.key` of Secret `s` to a value typed at a hidden
 * prompt (never in the shell history or the command line): for a Secret whose
 * content the workspace does not show.
 */
export function secretFromPromptCommand(s: SecretRef): string {
  return [
    `read -rsp 'Telegraf Controller token: ' TC_TOKEN && echo`,
    `kubectl create secret generic ${s.name}${s.namespace ? ` -n ${s.namespace}` : ''} --from-file=${s.key}=<(printf %s "$TC_TOKEN") --dry-run=client -o yaml | kubectl apply -f -`,
    'unset TC_TOKEN',
  ].join('\n');
}

const TOKEN_VARS = new Set([CONTROLLER_TOKEN_VAR, LEGACY_TOKEN_VAR]);

/**
 * Places a deployment file points to that hold the token outside the
 * workspace: Secrets read through `secretKeyRef` (key `TELEGRAF_CONTROLLER_TOKEN`
 * or `INFLUX_TOKEN`), Helm `envFromSecret`, kustomize `secretGenerator`, and a
 * Windows service's registry `Environment` set by a PowerShell script.
 */
export function manualPlaces(kind: DeployKind, text: string): ManualPlace[] {
  const out: ManualPlace[] = [];
  if (kind === 'powershell') {
    const i = text.search(/CurrentControlSet\\Services\\telegraf/i);
    if (i >= 0) out.push({ label: 'Windows service "telegraf" (registry Environment value)', offset: i, command: windowsServiceCommand() });
    return out;
  }
  if (!['kubernetes', 'helm-values', 'kustomization'].includes(kind)) return out;
  const docs = yamlDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return out;
  const seen = new Set<string>();
  const add = (name: string, offset: number, opts: { ns?: string; key?: string; envFiles?: string[] } = {}) => {
    if (seen.has(name)) return;
    seen.add(name);
    const secret: SecretRef = {
      name,
      ...(opts.ns ? { namespace: opts.ns } : {}),
      key: opts.key ?? CONTROLLER_TOKEN_VAR,
      envFiles: opts.envFiles ?? [DEFAULT_ENV_FILE, '.env'],
    };
    out.push({ label: `Kubernetes Secret "${name}"`, offset, command: secretFromEnvFileCommand(secret, secret.envFiles[0]!), secret });
  };
  const envItems = (env: unknown, ns?: string) => {
    if (!isSeq(env)) return;
    for (const item of env.items) {
      const ref = get(get(item, 'valueFrom'), 'secretKeyRef');
      const name = str(get(ref, 'name'));
      const key = str(get(ref, 'key')) ?? '';
      if (name && TOKEN_VARS.has(key)) add(name, (ref as YAMLMap).range?.[0] ?? 0, { ...(ns ? { ns } : {}), key });
    }
  };
  if (kind === 'kubernetes') {
    for (const c of k8sContainers(docs)) envItems(get(c.map, 'env'), str(get(get(c.doc.contents, 'metadata'), 'namespace')));
  }
  if (kind === 'helm-values') {
    for (const v of helmTelegrafValues(docs)) {
      envItems(get(v.map, 'env'));
      const s = get(v.map, 'envFromSecret');
      if (str(s)) add(str(s)!, (s as { range?: number[] }).range?.[0] ?? 0);
    }
  }
  if (kind === 'kustomization') {
    const gen = get(docs[0]?.contents, 'secretGenerator');
    if (isSeq(gen))
      for (const g of gen.items) {
        const envs = get(g, 'envs');
        const files = isSeq(envs) ? envs.items.map((e) => str(e)).filter((e): e is string => !!e) : [];
        if (str(get(g, 'name'))) add(str(get(g, 'name'))!, (g as YAMLMap).range?.[0] ?? 0, files.length ? { envFiles: files } : {});
      }
  }
  return out;
}

/**
 * The env files a Compose file gives to its services (`env_file:` as a
 * string, a list of strings, or a list of `{path: …}`), relative to the
 * compose file's folder, with the services that read each.
 */
export function composeEnvFiles(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!text.includes('env_file')) return out;
  let docs;
  try {
    docs = yamlDocuments(text);
  } catch {
    return out;
  }
  for (const svc of composeServices(docs)) {
    const ef = get(svc.map, 'env_file');
    const items = isSeq(ef) ? ef.items : ef ? [ef] : [];
    for (const i of items) {
      const p = str(i) ?? (isMap(i) ? str(get(i, 'path')) : undefined);
      if (!p) continue;
      const list = out.get(p) ?? [];
      list.push(svc.name);
      out.set(p, list);
    }
  }
  void isPair;
  void isScalar;
  return out;
}
