/**
 * The warning "Add Token to Deployment…" gives when the agent starts through
 * a script of its own (`core/deploy/entrypoint.ts`): a script that sets the
 * token variable itself replaces the value the deployment gives the
 * container, so the agent would never get the new token (README.md
 * "Deploying agents").
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scriptAssignments, type DeployPlan } from '../../../core/deploy';

/** Largest script read (bytes); a bigger file is not a start script. */
const MAX_SCRIPT_BYTES = 256 * 1024;

/**
 * The warning for `plan.startScript`, or undefined when there is nothing to
 * say: an inline script or a workspace script (read from `dir`, the
 * deployment file's folder) that does not set `plan.varName`. A script the
 * workspace does not hold gets a warning to check it; one that sets the
 * variable names the line.
 */
export async function startScriptWarning(plan: DeployPlan, dir: string): Promise<string | undefined> {
  const start = plan.startScript;
  if (!start || plan.status === 'unsupported') return undefined;
  const who = plan.target ?? vscode.l10n.t('the agent');
  const setsIt = (where: string, script: string): string | undefined => {
    const found = scriptAssignments(script, plan.varName);
    if (!found.length) return undefined;
    return vscode.l10n.t(
      '{0} sets {1} itself (line {2}: {3}), which replaces the value given here: the agent of the {4} would not get this token. Remove that line, or make it keep a value it is given ({5}).',
      where,
      plan.varName,
      found[0]!.line,
      found[0]!.text,
      who,
      `\${${plan.varName}:-…}`,
    );
  };
  if (start.inline !== undefined) return setsIt(vscode.l10n.t('The inline start script'), start.inline);
  if (start.source) {
    const file = path.resolve(dir, start.source.replace(/^~(?=\/|$)/, os.homedir()));
    const text = await fs
      .stat(file)
      .then((s) => (s.isFile() && s.size <= MAX_SCRIPT_BYTES ? fs.readFile(file, 'utf8') : undefined))
      .catch(() => undefined);
    if (text !== undefined) return setsIt(vscode.workspace.asRelativePath(file), text);
  }
  return vscode.l10n.t(
    'The {0} starts through {1}, which is not in this workspace: if that script sets {2} itself, it replaces the value given here and the agent never gets this token. Check the script.',
    who,
    start.path ?? '',
    plan.varName,
  );
}
