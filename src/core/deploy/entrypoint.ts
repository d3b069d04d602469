/**
 * A script that starts the agent instead of the image's own entrypoint, and
 * whether it sets the token variable itself.
 *
 * A Compose service's `entrypoint:` (or a `command:` that is not Telegraf's
 * own arguments) and a Kubernetes container's `command`/`args` can run a
 * script first, e.g. `export INFLUX_TOKEN=$(cat /run/secrets/…)` then
 * `exec telegraf`. Such a line replaces the value Compose or Kubernetes put
 * into the container's environment, so a token given through `environment:`
 * or `secretKeyRef` never reaches the agent (README.md "Deploying agents").
 * The official image's `/entrypoint.sh` only runs its arguments, so it does
 * not count. Pure; no `vscode` import.
 */
import { isMap, isSeq, type YAMLMap } from 'yaml';
import { get, str } from './yamlModel';

/** What starts the agent when it is not Telegraf itself (see {@link startScriptOf}). */
export interface StartScript {
  /** The script's path where it runs (in the container; on the host for systemd), e.g. `/telegraf-entrypoint.sh`; undefined for an inline `sh -c` script. */
  path?: string;
  /** An inline script (`sh -c "…"`): its text, as the shell gets it. */
  inline?: string;
  /**
   * The workspace file a Compose bind mount puts at {@link path}:
   * relative to the Compose file's folder (or absolute) as the volume names
   * it, e.g. `./telegraf-entrypoint.sh`.
   */
  source?: string;
}

/** One line of a script that assigns the variable (1-based line number; the line as written, trimmed). */
export interface ScriptAssignment {
  line: number;
  text: string;
}

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|dash|ash|zsh|busybox)$/;
/** Wrappers that run their arguments: the script (if any) comes after them. */
const WRAPPERS = /^(?:\/(?:usr\/)?(?:s?bin|local\/bin)\/)?(?:tini|dumb-init|exec|env|gosu|su-exec|setpriv)$/;

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * What starts the agent, from the words of a Compose service's `entrypoint:`
 * (else its `command:`) or a Kubernetes container's `command` + `args`:
 * - `sh -c "<script>"` (any usual shell, through `tini`/`dumb-init`/`env`):
 *   an inline script;
 * - `sh /path/script.sh …` or `/path/script.sh …`: a script at that path;
 * - `telegraf …`, the official image's `/entrypoint.sh`, or Telegraf's own
 *   flags (a `command:` the image's entrypoint passes to Telegraf):
 *   undefined.
 */
export function startScriptOf(words: readonly string[]): StartScript | undefined {
  let i = 0;
  while (i < words.length && (WRAPPERS.test(words[i]!) || (i > 0 && words[i] === '--'))) i++;
  const first = words[i];
  if (!first || first.startsWith('-')) return undefined;
  if (SHELLS.test(first)) {
    const rest = words.slice(i + 1);
    const c = rest.findIndex((w) => /^-[a-z]*c[a-z]*$/.test(w));
    if (c !== -1) return rest[c + 1] === undefined ? undefined : { inline: rest[c + 1] };
    const script = rest.find((w) => !w.startsWith('-'));
    return script ? { path: script } : undefined;
  }
  const name = basename(first);
  if (name === 'telegraf' || name === 'telegraf.exe' || first === '/entrypoint.sh' || first === 'entrypoint.sh') return undefined;
  return { path: first };
}

/**
 * The workspace file a Compose service's bind mounts put at `path`
 * (short syntax `./src:/dst[:ro]` or long syntax `{type: bind, source, target}`;
 * a mount of a folder that holds it counts too). Named volumes are not
 * workspace files: undefined.
 */
export function composeMountSource(service: YAMLMap, path: string): string | undefined {
  const volumes = get(service, 'volumes');
  if (!isSeq(volumes)) return undefined;
  for (const item of volumes.items) {
    let source: string | undefined;
    let target: string | undefined;
    if (isMap(item)) {
      if ((str(get(item, 'type')) ?? 'bind') !== 'bind') continue;
      source = str(get(item, 'source'));
      target = str(get(item, 'target'));
    } else {
      const s = str(item);
      if (!s) continue;
      const parts = s.split(':');
      if (parts.length < 2) continue;
      [source, target] = parts as [string, string];
    }
    if (!source || !target || !/^(?:\.{1,2}(?:\/|$)|\/|~)/.test(source)) continue;
    const t = target.replace(/\/+$/, '');
    if (t === path) return source;
    if (path.startsWith(`${t}/`)) return `${source.replace(/\/+$/, '')}${path.slice(t.length)}`;
  }
  return undefined;
}

/** What starts a Compose service's agent: its `entrypoint:`, else a `command:` that is not Telegraf's flags (with the bind mount behind a script path). */
export function composeStartScript(service: YAMLMap, words: (node: unknown) => string[]): StartScript | undefined {
  const entry = get(service, 'entrypoint');
  const found = startScriptOf(words(entry !== undefined && entry !== null ? entry : get(service, 'command')));
  if (found?.path) {
    const source = composeMountSource(service, found.path);
    if (source) found.source = source;
  }
  return found;
}

/**
 * The lines of shell script `script` that set `varName`: `VAR=…`,
 * `export VAR=…`, `declare -x VAR=…`, `readonly VAR=…`, `env VAR=… cmd`,
 * anywhere on a line that is not a comment. A line that keeps a value it is
 * given (`VAR="${VAR:-…}"`, `: "${VAR:=…}"`) does not count. Compose's `$$`
 * escape is read as `$`.
 */
export function scriptAssignments(script: string, varName: string): ScriptAssignment[] {
  const out: ScriptAssignment[] = [];
  const name = varName.replace(/[^A-Za-z0-9_]/g, '');
  const assign = new RegExp(`(?:^|[\\s;&|(\`])(?:export\\s+|declare\\s+-[a-zA-Z]*x[a-zA-Z]*\\s+|readonly\\s+|local\\s+|typeset\\s+-x\\s+)?${name}=(\\S*)`);
  script.split(/\r?\n/).forEach((raw, n) => {
    const line = raw.replace(/\$\$/g, '$').trim();
    if (!line || line.startsWith('#')) return;
    const m = assign.exec(line);
    if (!m) return;
    const value = m[1]!.replace(/^["']/, '');
    if (value.startsWith(`\${${name}:-`) || value.startsWith(`\${${name}-`) || value.startsWith(`\${${name}:=`)) return;
    out.push({ line: n + 1, text: line.length > 120 ? `${line.slice(0, 119)}…` : line });
  });
  return out;
}
