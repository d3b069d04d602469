/**
 * What "Rotate Token…" and "Revoke on Server and Replace…" learn from the
 * deployment files (README.md "Deploying agents"): plaintext occurrences of
 * the old value in env files (rewritten with the new value), plaintext
 * occurrences elsewhere (listed: apply the file's quick fix first), and the
 * places outside the workspace (a cluster Secret, a Windows registry value)
 * with the exact command to run. Implements the rotate command's
 * {@link DeploymentReferenceHook}.
 */
import * as vscode from 'vscode';
import { deploymentKind, manualPlaces, planRewrite, valueOccurrences, WRITABLE_KINDS } from '../../../core/deploy';
import { locationLabel, openDocument, documentText } from '../../../services/configDocuments';
import type { DeploymentReferenceHook, DeploymentReferences } from '../tokenReplacement';
import type { DeploymentDiagnostics } from './diagnostics';
import { readDeployment, workspaceDeploymentUris } from './documents';

/** The hook, over the workspace's deployment files. */
export function deploymentReferenceHook(diags: DeploymentDiagnostics): DeploymentReferenceHook {
  const deploymentFiles = async () => {
    if (diags.envFiles.paths().size === 0) await diags.scanWorkspace();
    return workspaceDeploymentUris(diags.envFiles);
  };
  return {
    recheck: () => diags.scanWorkspace(),
    async find(oldValue: string): Promise<DeploymentReferences> {
      const out: DeploymentReferences = { writable: [], readOnly: [], manual: [] };
      const seenCmd = new Set<string>();
      for (const uri of await deploymentFiles()) {
        const t = await readDeployment(uri);
        if (!t) continue;
        const kind = deploymentKind(uri.fsPath.replace(/\\/g, '/'), t.text, diags.envFiles.paths());
        if (!kind) continue;
        for (const off of valueOccurrences(t.text, oldValue)) {
          const label = locationLabel(uri, t.positionAt(off).line);
          (WRITABLE_KINDS.includes(kind) ? out.writable : out.readOnly).push(label);
        }
        for (const m of manualPlaces(kind, t.text)) {
          if (seenCmd.has(m.command)) continue;
          seenCmd.add(m.command);
          out.manual.push({ label: `${m.label} (${locationLabel(uri, t.positionAt(m.offset).line)})`, command: m.command });
        }
      }
      return out;
    },
    async rewrite(oldValue: string, newValue: string) {
      const we = new vscode.WorkspaceEdit();
      const files: string[] = [];
      const uris: vscode.Uri[] = [];
      const toSave: vscode.Uri[] = [];
      let count = 0;
      for (const uri of await deploymentFiles()) {
        const t = await readDeployment(uri);
        if (!t || !t.text.includes(oldValue)) continue;
        const kind = deploymentKind(uri.fsPath.replace(/\\/g, '/'), t.text, diags.envFiles.paths());
        if (!kind || !WRITABLE_KINDS.includes(kind)) continue;
        const doc = openDocument(uri) ?? (await vscode.workspace.openTextDocument(uri));
        const cur = documentText(doc);
        const edits = planRewrite(cur.text, oldValue, newValue);
        for (const e of edits) we.replace(uri, new vscode.Range(cur.positionAt(e.start), cur.positionAt(e.end)), e.newText);
        if (edits.length === 0) continue;
        count += edits.length;
        files.push(vscode.workspace.asRelativePath(uri, false));
        uris.push(uri);
        if (!doc.isDirty) toSave.push(uri);
      }
      if (count === 0) return { count, files, uris };
      if (!(await vscode.workspace.applyEdit(we))) throw new Error(vscode.l10n.t('VS Code refused to edit the env files; nothing was changed in them.'));
      for (const uri of toSave) await openDocument(uri)?.save();
      return { count, files, uris };
    },
  };
}
