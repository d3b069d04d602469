/**
 * Read access to YAML deployment files through the `yaml` package's
 * Document API: every document of a (multi-document) file, nodes with their
 * source ranges, and the places a Telegraf agent gets its environment
 * (Compose services, Kubernetes containers, Helm values of the influxdata
 * `telegraf`/`telegraf-ds` charts). No `vscode` import.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/** All documents of `text` (errors are kept on each document); node ranges are source offsets. */
export function yamlDocuments(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  return (Array.isArray(docs) ? docs : [docs]) as Document.Parsed[];
}

/**
 * The first reason `text` does not parse as YAML, as one line naming where
 * (`line 3, column 5: Nested mappings are not allowed in compact mappings`),
 * or undefined when every document parses. The parser's code excerpt and the
 * colon that introduces it are left out.
 */
export function yamlProblem(text: string): string | undefined {
  const err = yamlDocuments(text).flatMap((d) => d.errors)[0];
  if (!err) return undefined;
  const message = err.message
    .split('\n')[0]!
    .replace(/\s+at line \d+, column \d+:?\s*$/, '')
    .replace(/:\s*$/, '');
  const at = err.linePos?.[0];
  return at ? `line ${at.line}, column ${at.col}: ${message}` : message;
}

/** Whether every document of `text` parses without error (the strict parse used as validator). */
export function yamlParsesStrictly(text: string): { ok: boolean; errors: string[] } {
  const docs = parseAllDocuments(text, { strict: true, prettyErrors: false });
  const errors: string[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) for (const e of d.errors) errors.push(e.message);
  return { ok: errors.length === 0, errors };
}

/** The pair `key` of a map (scalar keys only). */
export function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  for (const p of (map as YAMLMap<unknown, unknown>).items) {
    if (isPair(p) && isScalar(p.key) && String(p.key.value) === key) return p as Pair<Node, Node | null>;
  }
  return undefined;
}

/** The value node of `key` in `map`, following no alias. */
export function get(map: unknown, key: string): Node | null | undefined {
  return pairOf(map, key)?.value;
}

/** The string value of a scalar node, else undefined. */
export function str(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

/** `kind:` of a Kubernetes document's root map. */
export function k8sKind(doc: Document.Parsed): string | undefined {
  return str(get(doc.contents, 'kind'));
}

/** A container of a Kubernetes workload. */
export interface K8sContainer {
  doc: Document.Parsed;
  /** Workload kind (`Deployment`, `DaemonSet`, …) and name. */
  workload: string;
  name: string;
  image: string;
  map: YAMLMap;
}

/** The containers (and initContainers) of every workload document. */
export function k8sContainers(docs: readonly Document.Parsed[]): K8sContainer[] {
  const out: K8sContainer[] = [];
  for (const doc of docs) {
    const kind = k8sKind(doc);
    if (!kind) continue;
    const root = doc.contents;
    const spec =
      kind === 'Pod'
        ? get(root, 'spec')
        : kind === 'CronJob'
          ? get(get(get(get(get(root, 'spec'), 'jobTemplate'), 'spec'), 'template'), 'spec')
          : get(get(get(root, 'spec'), 'template'), 'spec');
    for (const listKey of ['containers', 'initContainers']) {
      const list = get(spec, listKey);
      if (!isSeq(list)) continue;
      for (const c of (list as YAMLSeq).items) {
        if (!isMap(c)) continue;
        out.push({
          doc,
          workload: `${kind}/${str(get(get(root, 'metadata'), 'name')) ?? '?'}`,
          name: str(get(c, 'name')) ?? '?',
          image: str(get(c, 'image')) ?? '',
          map: c as YAMLMap,
        });
      }
    }
  }
  return out;
}

/** Whether an image reference is a Telegraf image (`telegraf`, `telegraf:1.39`, `docker.io/library/telegraf:…`). */
export function isTelegrafImage(image: string): boolean {
  return /(?:^|\/)telegraf(?:[:@]|$)/.test(image.trim());
}

/** A Compose service. */
export interface ComposeService {
  doc: Document.Parsed;
  name: string;
  map: YAMLMap;
  image: string;
  /** The service is the Telegraf agent (image, name or command). */
  telegraf: boolean;
}

/** The services of a Compose file. */
export function composeServices(docs: readonly Document.Parsed[]): ComposeService[] {
  const out: ComposeService[] = [];
  for (const doc of docs) {
    const services = get(doc.contents, 'services');
    if (!isMap(services)) continue;
    for (const p of (services as YAMLMap).items) {
      if (!isPair(p) || !isScalar(p.key) || !isMap(p.value)) continue;
      const name = String(p.key.value);
      const map = p.value as YAMLMap;
      const image = str(get(map, 'image')) ?? '';
      const cmd = get(map, 'command');
      const entry = get(map, 'entrypoint');
      const words = [cmd, entry].flatMap((n) => (isSeq(n) ? n.items.map((i) => str(i) ?? '') : [str(n) ?? ''])).join(' ');
      const telegraf = isTelegrafImage(image) || (!image && /telegraf/i.test(name)) || /(^|\s|\/)telegraf(\s|$)/.test(words);
      out.push({ doc, name, map, image, telegraf });
    }
  }
  return out;
}

/**
 * Where the influxdata `telegraf`/`telegraf-ds` chart values live in a Helm
 * values document: the root map, or the map under a wrapper chart's key
 * (e.g. `telegraf:` in an umbrella chart's values). Recognised by
 * `image.repository` naming a telegraf image, or by the chart's own keys
 * (`config.outputs`, `envFromSecret`, `env` next to `config`).
 */
export function helmTelegrafValues(docs: readonly Document.Parsed[]): { doc: Document.Parsed; map: YAMLMap; path: string[] }[] {
  const out: { doc: Document.Parsed; map: YAMLMap; path: string[] }[] = [];
  const looks = (m: unknown): boolean => {
    if (!isMap(m)) return false;
    // `image.repository` (telegraf-ds and most charts) or `image.repo` (the influxdata/telegraf chart's own values.yaml).
    const image = get(m, 'image');
    const repo = str(get(image, 'repository')) ?? str(get(image, 'repo'));
    if (repo && isTelegrafImage(repo)) return true;
    const cfg = get(m, 'config');
    return isMap(cfg) && (!!get(cfg, 'outputs') || !!get(cfg, 'agent')) && (!!pairOf(m, 'env') || !!pairOf(m, 'args') || !!pairOf(m, 'envFromSecret'));
  };
  for (const doc of docs) {
    if (looks(doc.contents)) {
      out.push({ doc, map: doc.contents as YAMLMap, path: [] });
      continue;
    }
    if (!isMap(doc.contents)) continue;
    for (const p of (doc.contents as YAMLMap).items) {
      if (isPair(p) && isScalar(p.key) && looks(p.value)) out.push({ doc, map: p.value as YAMLMap, path: [String(p.key.value)] });
    }
  }
  return out;
}

/** Whether a node is an alias (`*name`): such a node is never edited in place (the anchor is shared). */
export function aliased(node: unknown): boolean {
  return isAlias(node);
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
  return out;
}
