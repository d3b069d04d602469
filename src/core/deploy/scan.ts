/**
 * Finding credentials in deployment files (README.md "Deploying agents"):
 * - `plaintext-token`: a Telegraf Controller token (`tc-apiv1_…`) in plain
 *   text, anywhere in the file (also base64-encoded in a Kubernetes Secret's
 *   `data:`). The message names the context: a ConfigMap (not secret), a
 *   Secret manifest kept in git, a Compose/Helm/systemd file.
 * - `configmap-token`: a token sourced from a ConfigMap
 *   (`valueFrom.configMapKeyRef` on a token-named variable, a token-named
 *   key in ConfigMap `data`, `envFrom.configMapRef` to a ConfigMap holding one).
 * - `literal-credential`: another literal credential (an InfluxDB token, a
 *   password) on a credential-named key;
 * - `unfilled-placeholder`: a stand-in (`<TOKEN>`, `GET_YOUR_TOKEN`,
 *   `my-secret-token`) where a token belongs: lower severity, not a leak;
 * - `empty-default-token`: `${TOKEN:-}` hides a missing token (agents get 401).
 * - `admin-token`: a Compose Telegraf service reads an admin token (a Docker
 *   secret or a variable named like `influxdb2-admin-token`,
 *   `DOCKER_INFLUXDB_INIT_ADMIN_TOKEN`): over-privileged for an agent.
 * Encrypted material is never reported: SealedSecret `encryptedData`, SOPS
 * files (`sops:` metadata, `ENC[…]` values). Comments are checked only for
 * controller tokens. Pure; offsets are UTF-16 indices. No `vscode` import.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import { CONTROLLER_TOKEN_PREFIX, CONTROLLER_TOKEN_RE } from '../config/detect';
import type { Range } from '../config/types';
import { deploymentKind, type DeployKind } from './kinds';
import { composeServices, get, k8sContainers, k8sKind, str, yamlDocuments } from './yamlModel';

/** Codes of deployment findings. */
export type DeployFindingCode = 'plaintext-token' | 'configmap-token' | 'literal-credential' | 'unfilled-placeholder' | 'empty-default-token' | 'admin-token';

/** One finding. */
export interface DeployFinding {
  code: DeployFindingCode;
  /** Range of the value (or key) in the text. */
  range: Range;
  /** Severity in a file git tracks. */
  severity: 'warning' | 'information' | 'hint';
  /** Whether the severity drops one level when git ignores the file (plaintext values, not structure). */
  lowerWhenIgnored: boolean;
  /** English message (the VS Code layer shows it as is). */
  message: string;
  /** For `plaintext-token`: the token value (a secret: never log it). */
  value?: string;
  /** Variable or key the value is assigned to, when known. */
  name?: string;
}

/** Result of {@link scanDeployment}. */
export interface DeployScan {
  kind: DeployKind;
  findings: DeployFinding[];
}

const CREDENTIAL_KEY_RE = /(token|passw(or)?d|secret|api_?key)/i;
const REFERENCE_KEY_RE =
  /(fromsecret|secret_?name|secretref|keyref|existing|_file$|file$|path$|^secrets?$|_ref$|secretKey$|tokenfile|token_?path|ttl|expir|length|header|type$|pullsecrets)/i;
const PLACEHOLDER_RE =
  /^(?:<+[^<>]*>+|\[[^\]]*\]|x{3,}|\*{3,}|\.{3}|changeme|change_?me|admin|password|secret|token|telegraf|admin_token|my-?secret-?token|my-?token|(?=.*(?:your|here|change|replace|placeholder|example|dummy|sample|fixme|todo))[A-Za-z_<>{}-]+)$/i;

/** Whether a literal looks like a stand-in rather than a real credential. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_RE.test(value.trim());
}

function lineRanges(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      out.push({ start, end: text.length });
      return out;
    }
    out.push({ start, end: nl > start && text[nl - 1] === '\r' ? nl - 1 : nl });
    start = nl + 1;
  }
}

function commentLine(line: string, kind: DeployKind): boolean {
  const t = line.trimStart();
  if (t.startsWith('#')) return kind !== 'json';
  if (t.startsWith('//')) return kind === 'terraform' || kind === 'json';
  if (t.startsWith(';')) return kind === 'systemd';
  return t.startsWith('{#');
}

function encryptedFile(text: string): boolean {
  return /^sops:[ \t]*\r?$/m.test(text) || /"sops"\s*:\s*\{/.test(text) || /^sops_[a-z_]+=/m.test(text);
}

/** Ranges of SealedSecret `encryptedData` blocks and `ENC[…]` values: nothing inside is reported. */
function encryptedRanges(text: string, docs: readonly Document.Parsed[] | undefined): Range[] {
  const out: Range[] = [];
  for (const m of text.matchAll(/ENC\[[^\]]*\]/g)) out.push({ start: m.index, end: m.index + m[0].length });
  for (const doc of docs ?? []) {
    if (k8sKind(doc) !== 'SealedSecret') continue;
    const r = doc.range;
    out.push({ start: r[0], end: r[2] });
  }
  return out;
}

function inside(ranges: readonly Range[], at: number): boolean {
  return ranges.some((r) => at >= r.start && at < r.end);
}

/** Where a `tc-apiv1_` value sits in a Kubernetes file: `configmap`, `secret` (stringData/data), or undefined. */
function k8sContextAt(docs: readonly Document.Parsed[] | undefined, at: number): { kind: string; name: string } | undefined {
  for (const doc of docs ?? []) {
    if (at < doc.range[0] || at >= doc.range[2]) continue;
    const kind = k8sKind(doc);
    if (!kind) return undefined;
    return { kind, name: str(get(get(doc.contents, 'metadata'), 'name')) ?? '?' };
  }
  return undefined;
}

function tokenMessage(kind: DeployKind, ctx: { kind: string; name: string } | undefined): string {
  const base = 'A Telegraf Controller token is written in plain text: anyone who can read this file or its git history can use it.';
  if (ctx?.kind === 'ConfigMap')
    return `${base} It is kept in the ConfigMap "${ctx.name}", and ConfigMaps are not secret: put it in a Secret (created with kubectl, not committed) and read it with secretKeyRef.`;
  if (ctx?.kind === 'Secret')
    return `${base} A Secret manifest kept in git is not secret (stringData/data are plain or base64): create the Secret with kubectl from a git-ignored env file instead.`;
  switch (kind) {
    case 'compose':
      return `${base} Read it through a \${VARIABLE} reference and keep the value in a git-ignored env file.`;
    case 'helm-values':
      return `${base} Keep it in a Kubernetes Secret and reference it with envFromSecret or env[].valueFrom.secretKeyRef.`;
    case 'systemd':
      return `${base} Units are world-readable: use EnvironmentFile= with a 0600 env file.`;
    case 'env':
      return 'A Telegraf Controller token is written in this env file: make sure git ignores it and only the agent can read it (mode 0600).';
    default:
      return `${base} Read it from the environment or a secret store instead.`;
  }
}

interface KeyValue {
  key: string;
  value: string;
  valueRange: Range;
}

/** `KEY=value`, `KEY: value`, `$key = "value"` assignments on one line (the value ends at its quote, a blank or `#`). */
function assignments(line: string, offset: number): KeyValue[] {
  const out: KeyValue[] = [];
  const re = /([A-Za-z_$][\w.$-]*)["']?[ \t]*(?::(?!\/\/)|=)[ \t]*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const key = m[1]!;
    let i = m.index + m[0].length;
    const q = line[i] === '"' || line[i] === "'" ? line[i] : '';
    if (q) i++;
    let j = i;
    if (q) {
      while (j < line.length && line[j] !== q) j++;
    } else {
      while (j < line.length && !/[\s#,;)"']/.test(line[j]!)) j++;
    }
    const value = line.slice(i, j);
    out.push({ key: key.replace(/^\$/, ''), value, valueRange: { start: offset + i, end: offset + j } });
    // `Environment=NAME=value` (systemd): the value is itself an assignment; otherwise continue after the value.
    re.lastIndex = !q && /^[A-Za-z_]\w*=(?!=)/.test(value) ? i : j + (q ? 1 : 0);
  }
  return out;
}

/**
 * The findings of one deployment file. `path` decides the kind (see
 * `deploymentKind`); `envFiles` are paths known to be env files through a
 * compose `env_file:`. Returns undefined when `path` is not a deployment file.
 */
export function scanDeployment(path: string, text: string, envFiles?: ReadonlySet<string>): DeployScan | undefined {
  const kind = deploymentKind(path, text.replace(/^\uFEFF/, ''), envFiles);
  if (!kind) return undefined;
  return { kind, findings: scanText(kind, text) };
}

/** The findings of `text` read as `kind`. */
export function scanText(kind: DeployKind, text: string): DeployFinding[] {
  if (text.startsWith('\uFEFF')) {
    return scanText(kind, text.slice(1)).map((f) => ({ ...f, range: { start: f.range.start + 1, end: f.range.end + 1 } }));
  }
  const findings: DeployFinding[] = [];
  const hasTokenPrefix = text.includes(CONTROLLER_TOKEN_PREFIX);
  // Only Kubernetes findings need the YAML structure (ConfigMap/Secret context, SealedSecret, configMapKeyRef).
  const docs =
    kind === 'kubernetes' &&
    (hasTokenPrefix ||
      /configMapKeyRef|configMapRef|SealedSecret/.test(text) ||
      (/^kind:[ \t]*ConfigMap\b/m.test(text) && /token/i.test(text)) ||
      (/^kind:[ \t]*Secret\b/m.test(text) && /^data:/m.test(text)))
      ? yamlDocuments(text)
      : undefined;
  const sops = encryptedFile(text);
  const enc = encryptedRanges(text, docs);
  const seen = new Set<number>();
  if (hasTokenPrefix) {
    for (const m of text.matchAll(CONTROLLER_TOKEN_RE)) {
      if (inside(enc, m.index)) continue;
      const ctx = kind === 'kubernetes' ? k8sContextAt(docs, m.index) : undefined;
      seen.add(m.index);
      const ls = text.lastIndexOf('\n', m.index - 1) + 1;
      const le = text.indexOf('\n', m.index);
      const kv = assignments(text.slice(ls, le === -1 ? text.length : le), ls).find((a) => a.valueRange.start <= m.index && m.index < a.valueRange.end);
      findings.push({
        name: kv && /^[A-Za-z_]\w*$/.test(kv.key) && kv.key !== 'value' ? kv.key : undefined,
        code: 'plaintext-token',
        range: { start: m.index, end: m.index + m[0].length },
        severity: 'warning',
        lowerWhenIgnored: ctx?.kind !== 'ConfigMap',
        message: tokenMessage(kind, ctx),
        value: m[0],
      });
    }
  }
  if (docs && kind === 'kubernetes') k8sFindings(text, docs, findings);
  if (kind === 'compose' && ADMIN_TOKEN_RE.test(text)) composeAdminTokens(text, findings);
  if (sops) return findings;
  for (const line of lineRanges(text)) {
    const s = text.slice(line.start, line.end);
    if (commentLine(s, kind)) continue;
    if (!CREDENTIAL_KEY_RE.test(s)) continue;
    for (const kv of assignments(s, line.start)) {
      if (!CREDENTIAL_KEY_RE.test(kv.key) || REFERENCE_KEY_RE.test(kv.key)) continue;
      if (inside(enc, kv.valueRange.start) || seen.has(kv.valueRange.start)) continue;
      const v = kv.value;
      const tokenKey = /token/i.test(kv.key);
      const def = /^\$\{([A-Za-z_]\w*)(:?-)([^}]*)\}$/.exec(v);
      if (def) {
        if (def[3] === '' && tokenKey) {
          findings.push({
            code: 'empty-default-token',
            range: kv.valueRange,
            severity: 'warning',
            lowerWhenIgnored: false,
            message: `\${${def[1]}${def[2]}} turns a missing token into an empty string, so the agent is rejected (401) without saying why: use \${${def[1]}:?${def[1]} is not set} so a missing value fails loudly.`,
            name: kv.key,
          });
        } else if (def[3] !== '' && !def[3]!.includes('$')) {
          findings.push({
            code: 'literal-credential',
            range: kv.valueRange,
            severity: 'information',
            lowerWhenIgnored: true,
            message: `The default of \${${def[1]}} is a literal credential kept in this file: anyone who reads it can use it.`,
            name: kv.key,
          });
        }
        continue;
      }
      if (v === '' || /[$]|\{\{|\{%|@\{|&\{|%[a-zA-Z]/.test(v) || v.startsWith(CONTROLLER_TOKEN_PREFIX)) continue;
      if (/^(true|false|null|~|yes|no|\d+)$/i.test(v) || /^[|>][+-]?\d*$/.test(v) || /^(\[\]|\{\})$/.test(v)) continue;
      if (/^(\/|\.\.?\/|~\/)/.test(v) || v.includes('://')) continue;
      if (isPlaceholder(v)) {
        findings.push({
          code: 'unfilled-placeholder',
          range: kv.valueRange,
          severity: 'information',
          lowerWhenIgnored: false,
          message: tokenKey
            ? `"${v}" is a placeholder where a token belongs (not a leak): the agent cannot authenticate until it is replaced by a reference to the real token.`
            : `"${v}" looks like a sample credential: replace it before deploying.`,
          name: kv.key,
        });
        continue;
      }
      const strong = tokenKey && v.length >= 16;
      findings.push({
        code: 'literal-credential',
        range: kv.valueRange,
        severity: strong ? 'warning' : 'information',
        lowerWhenIgnored: true,
        message: strong
          ? `A literal token is written in plain text for ${kv.key}: anyone who can read this file or its git history can use it. Reference it from the environment or a secret instead.`
          : `A literal credential is written in plain text for ${kv.key}.`,
        name: kv.key,
      });
    }
  }
  return findings.sort((a, b) => a.range.start - b.range.start);
}

const ADMIN_TOKEN_RE = /admin[-_]?token/i;

/** Telegraf services of a Compose file that read an admin token: a Docker secret or a variable reference named like one. */
function composeAdminTokens(text: string, findings: DeployFinding[]): void {
  let docs;
  try {
    docs = yamlDocuments(text);
  } catch {
    return;
  }
  for (const svc of composeServices(docs)) {
    if (!svc.telegraf) continue;
    const flag = (node: unknown, name: string): void => {
      const r = (node as { range?: [number, number, number] }).range;
      if (!r) return;
      findings.push({
        code: 'admin-token',
        range: { start: r[0], end: r[1] },
        severity: 'information',
        lowerWhenIgnored: false,
        message: `The Telegraf service "${svc.name}" reads an admin token (${name}): an agent only needs to write its metrics, and anyone who gets this token from the agent's host controls the whole database. Give the agent a token of its own with write access only.`,
        name,
      });
    };
    const secrets = get(svc.map, 'secrets');
    if (isSeq(secrets))
      for (const item of secrets.items) {
        const name = str(item) ?? str(get(item, 'source'));
        if (name && ADMIN_TOKEN_RE.test(name)) flag(isMap(item) ? get(item, 'source') : item, name);
      }
    const env = get(svc.map, 'environment');
    const values = isMap(env) ? env.items.map((p) => p.value) : isSeq(env) ? env.items : [];
    for (const v of values) {
      const refs = [...(str(v) ?? '').matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]!).filter((n) => ADMIN_TOKEN_RE.test(n));
      if (refs.length) flag(v, refs[0]!);
    }
  }
}

/** ConfigMap sourcing and base64 tokens in Secret `data:`. */
function k8sFindings(text: string, docs: readonly Document.Parsed[], findings: DeployFinding[]): void {
  const tokenConfigMaps = new Set<string>();
  for (const doc of docs) {
    const kind = k8sKind(doc);
    const data = get(doc.contents, 'data');
    if (kind === 'ConfigMap' && isMap(data)) {
      for (const p of (data as YAMLMap).items) {
        if (!isPair(p) || !isScalar(p.key) || !isScalar(p.value)) continue;
        const key = String(p.key.value);
        if (!/token/i.test(key) || !str(p.value)) continue;
        tokenConfigMaps.add(str(get(get(doc.contents, 'metadata'), 'name')) ?? '');
        const r = p.key.range!;
        findings.push({
          code: 'configmap-token',
          range: { start: r[0], end: r[1] },
          severity: 'warning',
          lowerWhenIgnored: false,
          message: `The ConfigMap key ${key} holds a token, and ConfigMaps are not secret (anyone who can read the namespace's ConfigMaps sees it): keep it in a Secret and use secretKeyRef.`,
          name: key,
        });
      }
    }
    if (kind === 'Secret' && isMap(data)) {
      for (const p of (data as YAMLMap).items) {
        if (!isPair(p) || !isScalar(p.value)) continue;
        const v = str(p.value);
        if (!v) continue;
        const decoded = /^[A-Za-z0-9+/=\s]+$/.test(v) ? Buffer.from(v, 'base64').toString('utf8') : '';
        if (!decoded.startsWith(CONTROLLER_TOKEN_PREFIX)) continue;
        const r = p.value.range!;
        findings.push({
          code: 'plaintext-token',
          range: { start: r[0], end: r[1] },
          severity: 'warning',
          lowerWhenIgnored: true,
          message:
            'A Telegraf Controller token is kept base64-encoded in a Secret manifest: base64 is not encryption, anyone who reads this file or its git history can use it. Create the Secret with kubectl from a git-ignored env file instead.',
          value: decoded.trim(),
          name: isScalar(p.key) ? String(p.key.value) : undefined,
        });
      }
    }
  }
  for (const c of k8sContainers(docs)) {
    const env = get(c.map, 'env');
    if (isSeq(env)) {
      for (const item of env.items) {
        const ref = get(get(item, 'valueFrom'), 'configMapKeyRef');
        if (!ref) continue;
        const name = str(get(item, 'name')) ?? '';
        const key = str(get(ref, 'key')) ?? '';
        if (!/token/i.test(name) && !/token/i.test(key)) continue;
        const keyNode = (item as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'valueFrom')?.key;
        const r = isScalar(keyNode) ? keyNode.range! : [0, 0];
        findings.push({
          code: 'configmap-token',
          range: { start: r[0] ?? 0, end: r[1] ?? 0 },
          severity: 'warning',
          lowerWhenIgnored: false,
          message: `${name} is read from a ConfigMap (configMapKeyRef ${str(get(ref, 'name')) ?? '?'}/${key}), and ConfigMaps are not secret: keep the token in a Secret and use secretKeyRef.`,
          name,
        });
      }
    }
    const envFrom = get(c.map, 'envFrom');
    if (isSeq(envFrom)) {
      for (const item of envFrom.items) {
        const ref = get(item, 'configMapRef');
        const refName = str(get(ref, 'name'));
        if (!refName || !tokenConfigMaps.has(refName)) continue;
        const r = (ref as YAMLMap).range!;
        findings.push({
          code: 'configmap-token',
          range: { start: r[0], end: r[1] },
          severity: 'warning',
          lowerWhenIgnored: false,
          message: `envFrom.configMapRef ${refName} gives the container a token from a ConfigMap, and ConfigMaps are not secret: keep the token in a Secret (envFrom.secretRef or secretKeyRef).`,
          name: refName,
        });
      }
    }
  }
  void text;
}
