/**
 * What kind of deployment file a path holds: Docker Compose, Kubernetes
 * manifests, kustomize, Helm values, env files (`.env`, compose `env_file`,
 * systemd `EnvironmentFile` such as `/etc/default/telegraf`), systemd units
 * and drop-ins, shell, PowerShell, Dockerfile, Terraform, Jinja templates and
 * JSON. Pure; decided from the path and, for YAML, from the text. No `vscode`
 * import. See README.md "Deploying agents".
 */

/** A deployment file kind (the README's "Deploying agents" table). */
export type DeployKind =
  | 'compose'
  | 'kubernetes'
  | 'kustomization'
  | 'helm-values'
  | 'yaml'
  | 'env'
  | 'systemd'
  | 'shell'
  | 'powershell'
  | 'dockerfile'
  | 'terraform'
  | 'jinja'
  | 'json';

/** Every kind, in a stable order (for pickers and tables). */
export const DEPLOY_KINDS: readonly DeployKind[] = [
  'compose',
  'kubernetes',
  'kustomization',
  'helm-values',
  'yaml',
  'env',
  'systemd',
  'shell',
  'powershell',
  'dockerfile',
  'terraform',
  'jinja',
  'json',
];

/**
 * Glob (VS Code / picomatch syntax) of the files the workspace scan reads.
 * Telegraf TOML configs (`*.conf`, `*.toml`) are checked by the config
 * features; `*.service.d/*.conf` drop-ins are included here.
 */
export const DEPLOY_GLOB =
  '**/{*.yml,*.yaml,*.env,.env,.env.*,env_file,*.env.*,*.service,*.service.d/*.conf,*.sh,*.bash,*.ps1,*.psm1,Dockerfile,Dockerfile.*,*.dockerfile,*.tf,*.tfvars,*.j2,*.jinja,*.jinja2,*.json,default/telegraf,*default-telegraf,telegraf-default,telegraf.default,telegraf_default,telegraf-defaults}';

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] ?? p;
}

/** The kind of a YAML text: compose (`services:`), kubernetes (`apiVersion`+`kind`), kustomization, Helm values of a telegraf chart, or plain YAML. */
export function yamlKind(text: string, path = ''): DeployKind {
  const base = baseName(path).toLowerCase();
  if (/^kind:[ \t]*Kustomization\b/m.test(text) || base === 'kustomization.yaml' || base === 'kustomization.yml') return 'kustomization';
  if (/^apiVersion:/m.test(text) && /^kind:/m.test(text)) return 'kubernetes';
  if (/^services:[ \t]*(#.*)?\r?$/m.test(text) || /(^|[-.])(docker-)?compose[^/\\]*\.ya?ml$/.test(base)) return 'compose';
  if (helmTelegrafLike(text) || /values[^/\\]*\.ya?ml$/.test(base)) return 'helm-values';
  return 'yaml';
}

/** Whether a YAML text looks like values of the influxdata `telegraf`/`telegraf-ds` charts (at the root or under a wrapper key). */
export function helmTelegrafLike(text: string): boolean {
  return (
    /^[ \t]*repository:[ \t]*["']?(?:docker\.io\/)?(?:library\/)?telegraf["']?[ \t]*(#.*)?\r?$/m.test(text) ||
    (/^[ \t]*(envFromSecret|outputs):/m.test(text) && /telegraf/i.test(text))
  );
}

/**
 * The kind of the file at `path` (any separator) with contents `text`, or
 * undefined when it is not a deployment file kind this extension checks.
 * `envFiles`: paths known to be env files because a compose file names them
 * in `env_file:` (a file named `env_file` is found that way).
 */
export function deploymentKind(path: string, text: string, envFiles?: ReadonlySet<string>): DeployKind | undefined {
  const norm = path.replace(/\\/g, '/');
  const base = baseName(norm);
  const lower = base.toLowerCase();
  if (envFiles?.has(norm)) return 'env';
  if (/\.(j2|jinja2?)$/.test(lower)) return 'jinja';
  if (/\.(ya?ml)$/.test(lower)) return yamlKind(text, norm);
  if (/\.(service|socket|timer)$/.test(lower) || /\.service\.d\/[^/]+\.conf$/.test(norm)) return 'systemd';
  if (lower === '.env' || lower.startsWith('.env.') || lower.endsWith('.env') || lower === 'env_file' || /\.env\./.test(lower)) return 'env';
  // /etc/default/telegraf, and a copy of it named after it (24-etc-default-telegraf, telegraf-default, telegraf.default).
  if (/(^|\/)default\/telegraf$/.test(norm) || /(^|[-_.])default-telegraf$/.test(lower) || /^telegraf[-_.]defaults?$/.test(lower)) return 'env';
  if (/\.(sh|bash)$/.test(lower)) return 'shell';
  if (/\.(ps1|psm1)$/.test(lower)) return 'powershell';
  if (lower === 'dockerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (/\.(tf|tfvars)$/.test(lower)) return 'terraform';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}
