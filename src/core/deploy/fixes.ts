/**
 * Quick fixes for a plaintext credential in a deployment file, in the
 * file's own idiom (README.md "Deploying agents"):
 * - Compose: the value becomes `${NAME:?NAME is not set}`; the value goes
 *   into the `.env` beside the compose file (git-ignored, 0600);
 * - Kubernetes / Helm `env` item: `value:` becomes
 *   `valueFrom.secretKeyRef` to a Secret the user creates with kubectl from
 *   a git-ignored env file; a token in a Secret's `stringData`/`data` or a
 *   ConfigMap is removed from the manifest, with the kubectl command; a
 *   container's `configMapKeyRef` to a token becomes `secretKeyRef` (same
 *   name and key), with the command that creates that Secret's key from a
 *   value typed at a hidden prompt;
 * - systemd `Environment=NAME=value`: the line becomes
 *   `EnvironmentFile=/etc/telegraf/telegraf-controller.env`, the value goes
 *   into that env file (0600, installed by the shown command).
 * Each fix is minimal edits of the file plus where the value goes. Pure; no
 * `vscode` import.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { TextEdit } from '../config/types';
import type { DeployKind } from './kinds';
import { composeReference, DEFAULT_ENV_FILE, DEFAULT_SECRET_NAME, HOST_ENV_FILE, hostEnvFileFor, k8sArg, secretNameFor, type PlanCommand } from './plan';
import type { DeployFinding } from './scan';
import { secretCreateFromPromptCommand, unitNameOf } from './references';
import { shQuote } from '../agentStart/generators';
import { columnOf, eolOf, lineStart } from './textEdit';
import { CONTROLLER_TOKEN_VAR } from './version';
import { get, helmTelegrafValues, k8sContainers, k8sKind, str, yamlDocuments } from './yamlModel';

/** One quick fix. */
export interface DeployFix {
  /** English title. */
  title: string;
  edits: TextEdit[];
  /** The variable/key that will hold the value. */
  varName: string;
  /** Env file (relative to the file's folder unless absolute) that receives `varName=value`. */
  valueFile: string;
  commands: PlanCommand[];
  /** English note shown after the fix. */
  note: string;
  /**
   * The fix names only this extension's default value file and what is made
   * from it (the host file, the Secret): {@link withOwnEnvFile} can give it a
   * file of its own when the default one holds another agent's token.
   */
  ownFileable?: boolean;
  /** systemd: the host file the value file is installed as (see `hostFileClaim`). */
  hostFile?: string;
}

/**
 * `fix` with the value going into `envFile` (a free `telegraf-controller-N.env`
 * beside the file) instead of {@link DEFAULT_ENV_FILE}, and what is made from
 * it renamed after it: the host file a systemd unit reads
 * (`hostEnvFileFor`), the Secret a manifest reads (`secretNameFor`). Returns
 * `fix` unchanged when it is not {@link DeployFix.ownFileable}.
 */
export function withOwnEnvFile(fix: DeployFix, envFile: string): DeployFix {
  if (!fix.ownFileable || fix.valueFile !== DEFAULT_ENV_FILE) return fix;
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const swaps: [RegExp, string][] = [
    [new RegExp(esc(HOST_ENV_FILE), 'g'), hostEnvFileFor(envFile)],
    [new RegExp(`${esc(DEFAULT_ENV_FILE)}(?![\\w.-])`, 'g'), envFile],
    [new RegExp(`${esc(DEFAULT_SECRET_NAME)}(?![\\w.-])`, 'g'), secretNameFor(envFile)],
  ];
  const swap = (t: string) => swaps.reduce((acc, [re, to]) => acc.replace(re, to), t);
  return {
    ...fix,
    title: swap(fix.title),
    edits: fix.edits.map((e) => ({ ...e, newText: swap(e.newText) })),
    valueFile: envFile,
    commands: fix.commands.map((c) => ({ ...c, text: swap(c.text) })),
    note: swap(fix.note),
    ...(fix.hostFile ? { hostFile: swap(fix.hostFile) } : {}),
  };
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function within(r: readonly number[] | null | undefined, at: number): boolean {
  return !!r && at >= r[0]! && at < r[1]!;
}

/**
 * The fixes for `finding` in `text` of `kind` (possibly none). `filePath`:
 * the file's path, which names a systemd unit (`telegraf-edge.service` →
 * `telegraf-edge`, see `unitNameOf`): its fix installs the changed unit and
 * restarts that unit, not the packaged `telegraf`.
 */
export function planFixes(kind: DeployKind, text: string, finding: DeployFinding, filePath = ''): DeployFix[] {
  if (text.startsWith('\uFEFF')) {
    const shifted = { ...finding, range: { start: finding.range.start - 1, end: finding.range.end - 1 } };
    return planFixes(kind, text.slice(1), shifted, filePath).map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, start: e.start + 1, end: e.end + 1 })) }));
  }
  try {
    if (finding.code === 'empty-default-token') return emptyDefaultFix(text, finding);
    if (finding.code === 'configmap-token') return kind === 'kubernetes' ? configMapRefFix(text, finding) : [];
    if (finding.code !== 'plaintext-token' && finding.code !== 'literal-credential' && finding.code !== 'unfilled-placeholder') return [];
    switch (kind) {
      case 'compose':
        return composeFix(finding);
      case 'kubernetes':
      case 'helm-values':
        return k8sFix(kind, text, finding);
      case 'systemd':
        return systemdFix(text, finding, filePath);
      default:
        return [];
    }
  } catch {
    return [];
  }
}

/** `${TOKEN:-}` → `${TOKEN:?TOKEN is not set}`: a missing token stops the deployment instead of sending an empty one. */
function emptyDefaultFix(text: string, f: DeployFinding): DeployFix[] {
  const m = /^\$\{([A-Za-z_]\w*):?-\}$/.exec(text.slice(f.range.start, f.range.end));
  if (!m) return [];
  return [
    {
      title: `Fail when ${m[1]} is missing (\${${m[1]}:?…})`,
      edits: [{ start: f.range.start, end: f.range.end, newText: composeReference(m[1]!) }],
      varName: m[1]!,
      valueFile: '.env',
      commands: [],
      note: `A missing ${m[1]} now stops "docker compose up" with a message instead of starting an agent that gets 401 Unauthorized.`,
    },
  ];
}

/** `valueFrom.configMapKeyRef` of a token → `secretKeyRef` (same name and key: create that Secret with kubectl). */
function configMapRefFix(text: string, f: DeployFinding): DeployFix[] {
  const docs = yamlDocuments(text);
  for (const c of k8sContainers(docs)) {
    const env = get(c.map, 'env');
    if (!isSeq(env)) continue;
    for (const item of env.items) {
      const vf = isMap(item)
        ? ((item as YAMLMap).items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'valueFrom') as Pair<Node, Node> | undefined)
        : undefined;
      if (!vf || vf.key.range?.[0] !== f.range.start || !isMap(vf.value)) continue;
      const refPair = (vf.value as YAMLMap).items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'configMapKeyRef') as
        Pair<Node, Node> | undefined;
      if (!refPair) return [];
      const secret = str(get(refPair.value, 'name')) ?? DEFAULT_SECRET_NAME;
      const key = str(get(refPair.value, 'key')) ?? CONTROLLER_TOKEN_VAR;
      if (!NAME_RE.test(key)) return [];
      const r = refPair.key.range!;
      return [
        {
          title: `Read it from a Secret (secretKeyRef ${secret}/${key})`,
          edits: [{ start: r[0], end: r[1], newText: 'secretKeyRef' }],
          varName: key,
          valueFile: DEFAULT_ENV_FILE,
          // No value travels with this fix (it is in the ConfigMap): the command asks for it and sets exactly the key the manifest reads.
          commands: [{ label: 'Create the Secret', text: secretCreateFromPromptCommand(secret, key, namespaceOf(c.doc)) }],
          note: `The container now reads ${key} from the Secret "${secret}": create it with the copied command (it asks for the token at a hidden prompt, in bash) and remove the token from the ConfigMap.`,
        },
      ];
    }
  }
  return [];
}

function composeFix(f: DeployFinding): DeployFix[] {
  const name = f.name && NAME_RE.test(f.name) ? f.name : CONTROLLER_TOKEN_VAR;
  if (f.code === 'unfilled-placeholder' && !/token/i.test(name)) return [];
  return [
    {
      title: `Replace with \${${name}} (value into .env)`,
      edits: [{ start: f.range.start, end: f.range.end, newText: composeReference(name) }],
      varName: name,
      valueFile: '.env',
      commands: [],
      note: `Compose now reads \${${name}} from .env beside the compose file (git-ignored, mode 0600) or the shell; ":?" stops "docker compose up" when it is missing.`,
    },
  ];
}

/** The namespace a manifest document names, if any. */
function namespaceOf(doc: unknown): string | undefined {
  return str(get(get((doc as { contents?: unknown } | undefined)?.contents, 'metadata'), 'namespace'));
}

/** ` -n <namespace>` for a manifest document that names one (kubectl then creates the Secret where the pod looks for it). */
function nsFlag(doc: unknown): string {
  const ns = namespaceOf(doc);
  return ns ? ` -n ${k8sArg(ns)}` : '';
}

function secretKeyRefLines(indent: string, name: string, secret: string, eol: string): string {
  return [`valueFrom:`, `${indent}  secretKeyRef:`, `${indent}    name: ${secret}`, `${indent}    key: ${name}`].join(eol);
}

function k8sFix(kind: DeployKind, text: string, f: DeployFinding): DeployFix[] {
  const docs = yamlDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return [];
  const at = f.range.start;
  const eol = eolOf(text);
  const envSeqs: Array<{ env: unknown; ns: string }> =
    kind === 'kubernetes'
      ? k8sContainers(docs).map((c) => ({ env: get(c.map, 'env'), ns: nsFlag(c.doc) }))
      : helmTelegrafValues(docs).map((v) => ({ env: get(v.map, 'env'), ns: '' }));
  for (const { env, ns } of envSeqs) {
    if (!isSeq(env)) continue;
    for (const item of env.items) {
      if (!isMap(item)) continue;
      const valuePair = (item as YAMLMap).items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'value') as Pair<Node, Node> | undefined;
      if (!valuePair || !within(valuePair.value?.range, at)) continue;
      const name = str(get(item, 'name')) ?? CONTROLLER_TOKEN_VAR;
      if (!NAME_RE.test(name)) return [];
      const keyStart = valuePair.key.range![0];
      const indent = ' '.repeat(columnOf(text, keyStart));
      return [
        {
          title: `Move to a Secret (secretKeyRef ${DEFAULT_SECRET_NAME}/${name})`,
          edits: [{ start: keyStart, end: valuePair.value!.range![1], newText: secretKeyRefLines(indent, name, DEFAULT_SECRET_NAME, eol) }],
          varName: name,
          valueFile: DEFAULT_ENV_FILE,
          commands: [{ label: 'Create the Secret', text: `kubectl create secret generic ${DEFAULT_SECRET_NAME}${ns} --from-env-file=${DEFAULT_ENV_FILE}` }],
          note: `The container now reads ${name} from the Secret "${DEFAULT_SECRET_NAME}", created with kubectl from ${DEFAULT_ENV_FILE} (git-ignored, mode 0600).`,
          ownFileable: true,
        },
      ];
    }
  }
  if (kind !== 'kubernetes') return [];
  for (const doc of docs) {
    const k = k8sKind(doc);
    if (k !== 'Secret' && k !== 'ConfigMap') continue;
    const secretName = str(get(get(doc.contents, 'metadata'), 'name')) ?? DEFAULT_SECRET_NAME;
    for (const section of ['stringData', 'data']) {
      const m = get(doc.contents, section);
      if (!isMap(m)) continue;
      for (const p of (m as YAMLMap).items) {
        if (!isPair(p) || !isScalar(p.key) || !isScalar(p.value) || !within(p.value.range, at)) continue;
        const name = String(p.key.value);
        if (!NAME_RE.test(name)) return [];
        const start = lineStart(text, p.key.range![0]);
        let end = p.value.range![1];
        const nl = text.indexOf('\n', end);
        end = nl === -1 ? text.length : nl + 1;
        if (text.slice(start, p.key.range![0]).trim() !== '') return [];
        const target = k === 'Secret' ? secretName : DEFAULT_SECRET_NAME;
        return [
          {
            title: `Remove from the ${k} manifest; create the Secret "${target}" with kubectl`,
            edits: [{ start, end, newText: '' }],
            varName: name,
            valueFile: DEFAULT_ENV_FILE,
            commands: [
              {
                label: 'Create or update the Secret',
                text: `kubectl create secret generic ${k8sArg(target)}${nsFlag(doc)} --from-env-file=${DEFAULT_ENV_FILE} --dry-run=client -o yaml | kubectl apply -f -`,
              },
            ],
            note:
              k === 'ConfigMap'
                ? `The token left the ConfigMap: put it in the Secret "${target}" and change the container's configMapKeyRef for ${name} to secretKeyRef.`
                : `The Secret "${target}" is now created by kubectl from ${DEFAULT_ENV_FILE} (git-ignored, mode 0600), not from this committed manifest.`,
          },
        ];
      }
    }
  }
  return [];
}

/**
 * Where the unit file at `filePath` goes on the host, from the workspace
 * folder it sits in: `X.service` → `/etc/systemd/system/X.service` (which
 * takes precedence over the packaged unit), a drop-in `X.service.d/Y.conf` →
 * `/etc/systemd/system/X.service.d/Y.conf`; undefined for a template or a
 * path that names no unit.
 */
function unitInstallCommand(filePath: string): string | undefined {
  const p = filePath.replace(/\\/g, '/');
  const dropIn = /([^/]+\.service\.d)\/([^/]+\.conf)$/.exec(p);
  if (dropIn) return `sudo install -D -m 0644 ${shQuote(dropIn[2]!)} /etc/systemd/system/${dropIn[1]}/${dropIn[2]}`;
  const unit = /([^/]+\.service)$/.exec(p);
  return unit ? `sudo install -D -m 0644 ${shQuote(unit[1]!)} /etc/systemd/system/${unit[1]}` : undefined;
}

function systemdFix(text: string, f: DeployFinding, filePath: string): DeployFix[] {
  const ls = lineStart(text, f.range.start);
  const nl = text.indexOf('\n', ls);
  const lineEnd = nl === -1 ? text.length : nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
  const line = text.slice(ls, lineEnd);
  const m = /^[ \t]*Environment[ \t]*=[ \t]*"?([A-Za-z_][A-Za-z0-9_]*)=[^\s"]*"?[ \t]*$/.exec(line);
  if (!m) return [];
  const name = m[1]!;
  const installUnit = unitInstallCommand(filePath);
  return [
    {
      title: `Move to EnvironmentFile=${HOST_ENV_FILE} (value into a 0600 env file)`,
      edits: [{ start: ls, end: lineEnd, newText: `EnvironmentFile=${HOST_ENV_FILE}` }],
      varName: name,
      valueFile: DEFAULT_ENV_FILE,
      commands: [
        {
          label: 'Install the env file on the host',
          text: [
            `sudo install -D -m 0600 -o root -g root ${DEFAULT_ENV_FILE} ${HOST_ENV_FILE}`,
            ...(installUnit ? [installUnit] : []),
            'sudo systemctl daemon-reload',
            `sudo systemctl restart ${shQuote(unitNameOf(filePath))}`,
          ].join(' && '),
        },
      ],
      note: `The unit now reads ${name} from ${HOST_ENV_FILE} instead of its own world-readable text: install the value file on the host as ${HOST_ENV_FILE} (root-only)${installUnit ? ' and the changed unit' : ''} with the copied command, run from the workspace folder, before the unit is restarted.`,
      ownFileable: true,
      hostFile: HOST_ENV_FILE,
    },
  ];
}
