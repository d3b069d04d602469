/**
 * The Kubernetes Secret manifests "Add Token to Deployment…" writes
 * (`<secret>.secret.yaml`, git-ignored, mode 0600): what one already holds,
 * and the text that sets one key in it while keeping everything else. Pure;
 * no `vscode` import. README.md "Deploying agents".
 */
import { isMap, isScalar, parseDocument } from 'yaml';

/** The keys a Secret manifest's `stringData` and `data` set (values of `stringData` only: `data` is base64), and its namespace. */
export interface SecretManifestEntries {
  /** Every key of `stringData` and `data`, in order, once. */
  keys: string[];
  /** `stringData` values as written. */
  stringData: Record<string, string>;
  namespace?: string;
}

/** What the Secret manifest `text` sets; undefined when it is not a Secret manifest that parses. */
export function secretManifestEntries(text: string): SecretManifestEntries | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return undefined;
  const root = doc.toJS() as { kind?: unknown; metadata?: { namespace?: unknown }; stringData?: unknown; data?: unknown } | null;
  if (!root || typeof root !== 'object' || root.kind !== 'Secret') return undefined;
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const stringData: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(root.stringData))) if (typeof v === 'string' || typeof v === 'number') stringData[k] = String(v);
  const keys = [...new Set([...Object.keys(obj(root.stringData)), ...Object.keys(obj(root.data))])];
  const ns = root.metadata && typeof root.metadata.namespace === 'string' ? root.metadata.namespace : undefined;
  return { keys, stringData, ...(ns ? { namespace: ns } : {}) };
}

/**
 * The Secret manifest that gives `varName` the value `value`: `before` (an
 * existing manifest of that Secret) with that one `stringData` key set and
 * every other key, its metadata and comments kept (the namespace added when
 * it has none and `secret.namespace` is given); a new manifest when `before`
 * is undefined or is not a Secret manifest that parses.
 */
export function secretManifestText(
  before: string | undefined,
  secret: { name: string; namespace: string | undefined },
  varName: string,
  value: string,
): string {
  if (before !== undefined && secretManifestEntries(before)) {
    const doc = parseDocument(before, { uniqueKeys: false });
    const meta = doc.get('metadata');
    if (secret.namespace && !(isMap(meta) && meta.has('namespace'))) doc.setIn(['metadata', 'namespace'], secret.namespace);
    const data = doc.get('data');
    // A key set in `data` (base64) as well would win over nothing: stringData wins in Kubernetes, but keep one source.
    if (isMap(data) && data.has(varName)) data.delete(varName);
    const sd = doc.get('stringData');
    if (!isMap(sd)) doc.set('stringData', doc.createNode({ [varName]: value }));
    else {
      const node = doc.createNode(value);
      if (isScalar(node)) node.type = 'QUOTE_DOUBLE';
      sd.set(varName, node);
    }
    return doc.toString();
  }
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${secret.name}`,
    // Where the workload looks for it: `kubectl apply -f` would otherwise put it in the current namespace.
    ...(secret.namespace ? [`  namespace: ${JSON.stringify(secret.namespace)}`] : []),
    'type: Opaque',
    'stringData:',
    `  ${varName}: ${JSON.stringify(value)}`,
    '',
  ].join('\n');
}
