/**
 * "Rotate Token…" on a token whose value is stored in VS Code (tree context
 * menu and palette): lists every plaintext occurrence of the current value
 * in the workspace's Telegraf configs in a modal confirmation, then creates
 * a replacement with the same description (suffixed " (rotated
 * YYYY-MM-DD)"), permissions and lifetime, stores its value, updates the
 * occurrences in one WorkspaceEdit and revokes the old token. If a step
 * fails nothing is revoked and the user sees what was done
 * (`tokenReplacement.ts`).
 */
import * as vscode from 'vscode';
import { replacementExpiry, rotatedDescription } from '../../core/config/tokenAssessment';
import { describePermissions } from '../../core/permissions';
import { displayText } from '../../core/text';
import { formatUtc, parseTime } from '../../core/tokens';
import { Commands } from '../../constants';
import { copySecret } from '../../infra/clipboard';
import { Cancelled, registerCommand } from '../../infra/commands';
import { resolveToken, type TokenArg, type TokenCommandDeps } from '../explorer/tokenCommands';
import { findValueInWorkspace, replaceToken, type ReplaceOutcome } from './tokenReplacement';
import type { TokenResolver } from './tokenResolver';

/** At most this many locations are listed in the confirmation. */
const MAX_LISTED = 15;

/** "expires 2027-01-01 00:00 UTC (same lifetime)" / "never expires". */
export function lifetimeText(expiresAt: string | null): string {
  const exp = parseTime(expiresAt);
  return exp === undefined ? 'never expires' : `expires ${formatUtc(exp)}`;
}

/** Registers "Rotate Token…". Returns the outcome (for tests) or undefined when cancelled. */
export function registerRotateToken(deps: TokenCommandDeps & { resolver: TokenResolver }): vscode.Disposable[] {
  const { connection, store, vault, log } = deps;
  return [
    registerCommand(
      Commands.rotateToken,
      async (arg: TokenArg): Promise<ReplaceOutcome | undefined> => {
        if (connection.current.state !== 'ready') throw new Error('Sign in to a Telegraf Controller first ("Telegraf Controller: Connect…").');
        const origin = connection.origin!;
        const storedIds = await vault.storedTokenIds(origin);
        const token = await resolveToken(deps, arg, 'Rotate which token?', (t) => t.status === 'active' && storedIds.has(t.id));
        const name = displayText(token.description, 80);
        if (token.status !== 'active') throw new Error(`"${name}" is revoked; only active tokens can be rotated.`);
        const oldValue = await vault.getTokenValue(origin, token.id);
        if (!oldValue) {
          throw new Error(`The value of "${name}" is not stored in this VS Code, so its references in configs cannot be found. Create a new token and revoke "${name}" instead.`);
        }
        const occurrences = await findValueInWorkspace(oldValue);
        const now = Date.now();
        const newDescription = displayText(rotatedDescription(token.description, now), 120);
        const listed = occurrences.slice(0, MAX_LISTED).map((o) => `• ${o.label}`);
        if (occurrences.length > MAX_LISTED) listed.push(`• … and ${occurrences.length - MAX_LISTED} more`);
        const refs =
          occurrences.length === 0
            ? 'No Telegraf config in this workspace contains its value. Agents that use it elsewhere must get the new value before they are rejected.'
            : `These ${occurrences.length} reference(s) to its value are updated to the new value:\n${listed.join('\n')}`;
        const detail = [
          `1. Create "${newDescription}" with the same permissions (${describePermissions(token.permissions)}) and lifetime (${lifetimeText(replacementExpiry(token, now))}).`,
          '2. Store its value in VS Code\'s secret storage.',
          `3. ${refs}`,
          `4. Revoke "${name}" on ${connection.label}.`,
          '',
          'If a step fails, the old token is not revoked.',
        ].join('\n');
        const confirm = await vscode.window.showWarningMessage(`Rotate the token "${name}" (${token.prefix}…)?`, { modal: true, detail }, 'Rotate');
        if (confirm !== 'Rotate') throw new Cancelled();
        log.info(`[${connection.label}] rotating token ${token.id} "${name}" (${occurrences.length} reference(s) in workspace configs)`);
        const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Rotating "${name}"…` }, () =>
          replaceToken({ connection, store, vault, log }, token, oldValue, 'value', 'rotate', now),
        );
        deps.resolver.clear();
        log.info(`[${connection.label}] rotated token ${token.id} "${name}" → ${outcome.replacement.id} "${displayText(outcome.replacement.description, 80)}"`);
        const where = outcome.rewrite.count > 0 ? ` and updated ${outcome.rewrite.count} reference(s) in ${outcome.rewrite.files.join(', ')}` : '';
        void vscode.window
          .showInformationMessage(`Rotated "${name}": created "${displayText(outcome.replacement.description, 80)}"${where}, then revoked the old token.`, 'Copy New Value')
          .then(async (choice) => {
            if (choice) await copySecret(outcome.value);
          });
        return outcome;
      },
      log,
      async (e) => {
        if (await connection.noteFailure(e)) store.clear();
      },
    ),
  ];
}
