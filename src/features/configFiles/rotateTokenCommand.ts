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
import { signInFirst } from '../../services/words';
import * as ui from '../../infra/ui';
import { replacementExpiry, rotatedDescription } from '../../core/config/tokenAssessment';
import { canManageTokens, describePermissions } from '../../core/permissions';
import { displayText } from '../../core/text';
import { formatUtc, parseTime } from '../../core/tokens';
import { Commands } from '../../constants';
import type { Token } from '../../core/api/contract';
import { copySecret } from '../../infra/clipboard';
import { Cancelled, registerCommand } from '../../infra/commands';
import { resolveToken, type Services, type TokenArg } from '../../services/tokenArgs';
import {
  findSecretStorePlaces,
  findValueInWorkspace,
  replaceToken,
  type DeploymentReferenceHook,
  type DeploymentReferences,
  type ManualPlaceRef,
  type ReplaceHooks,
  type ReplaceOutcome,
} from './tokenReplacement';
import type { TokenResolver } from './tokenResolver';
import { secretKeysFor } from '../../core/config/tokenAssessment';

/** At most this many locations are listed in the confirmation (a modal taller than the window cannot be answered). */
const MAX_LISTED = 8;

/** "expires 2027-01-01 00:00 UTC (same lifetime)" / "never expires". */
export function lifetimeText(expiresAt: string | null): string {
  const exp = parseTime(expiresAt);
  return exp === undefined ? vscode.l10n.t('never expires') : vscode.l10n.t('expires {0}', formatUtc(exp));
}

/**
 * Deployment-file lines for the rotate confirmation and the hooks that
 * update env files and ask before revoking when places outside the
 * workspace (a cluster Secret, a Windows registry value, an agent to
 * restart, an env file VS Code could not write) need a command.
 */
export function deploymentRotation(
  refs: DeploymentReferences | undefined,
  hook: DeploymentReferenceHook | undefined,
): { lines: string[]; hooks: ReplaceHooks } {
  if (!refs || !hook) return { lines: [], hooks: {} };
  const lines: string[] = [];
  if (refs.writable.length)
    lines.push(
      refs.writable.some((w) => /\.secret\.ya?ml(:\d+)?$/.test(w))
        ? vscode.l10n.t('Files that get the new value (env files, Secret manifests): {0}', few(refs.writable))
        : vscode.l10n.t('Env files that get the new value: {0}', few(refs.writable)),
    );
  if (refs.readOnly.length)
    lines.push(vscode.l10n.t("Plain-text values NOT updated (use the file's quick fix to move them to an env file first): {0}", few(refs.readOnly)));
  if (refs.elsewhere?.length) lines.push(vscode.l10n.t('The old value also appears here, NOT updated (change it by hand): {0}', few(refs.elsewhere)));
  if (refs.manual.length)
    lines.push(
      vscode.l10n.t('Places outside the workspace; you run the commands (shown before the old token is revoked), then confirm revoking:'),
      ...listed(refs.manual.map((m) => `• ${clip(m.label)}`)),
    );
  // Also asked when the rewrite could not write an env file (it then holds the old value): listed first, instead of the
  // places found for that file before (its agent "gets the new value": not so).
  const beforeRevoke = async (newValue: string, unwritten: readonly ManualPlaceRef[] = []): Promise<boolean> => {
    const failed = new Set(unwritten.flatMap((u) => (u.file ? [u.file] : [])));
    // Workspace files that keep the old value (no fix fits them): named again here, the last word before revoking.
    const stale = [...refs.readOnly, ...(refs.elsewhere ?? [])].map((label) => {
      const text = vscode.l10n.t('{0} — still holds the old value: change it by hand', label);
      return { label: text, command: `# ${text}` };
    });
    const places = [...unwritten, ...stale, ...refs.manual.filter((m) => !m.file || !failed.has(m.file))];
    if (places.length === 0) return true;
    const revoke = vscode.l10n.t('Revoke Old Token');
    const copy = vscode.l10n.t('Copy Commands');
    const open = vscode.l10n.t('Open Commands');
    const copyValue = vscode.l10n.t('Copy New Value');
    const script = commandsScript(places);
    // Labels only: the commands are copied or opened in an editor, so the dialog stays within the window.
    const detail = [
      ...listed(places.map((m) => `• ${clip(m.label)}`)),
      '',
      vscode.l10n.t(
        '"Copy Commands" copies every command; "Open Commands" shows them in an editor; "Copy New Value" copies the new token for the commands that ask for it.',
      ),
    ].join('\n');
    for (;;) {
      const choice = await ui.showWarningMessage(
        unwritten.length === 0
          ? vscode.l10n.t('The new token is stored. Run these commands where the agents run, then revoke the old token.')
          : vscode.l10n.t(
              'The new token is stored, but VS Code could not write every env file that holds the old value (listed first). Update those and run these commands where the agents run, then revoke the old token.',
            ),
        { modal: true, detail },
        // The default button copies the commands (revoking before they ran would stop those agents).
        copy,
        open,
        copyValue,
        revoke,
      );
      if (choice === copyValue) {
        await copySecret(newValue);
        continue;
      }
      if (choice === copy) {
        await vscode.env.clipboard.writeText(script);
        continue;
      }
      if (choice === open) {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'shellscript', content: script }), { preview: true });
        continue;
      }
      return choice === revoke;
    }
  };
  return { lines, hooks: { deployments: hook, beforeRevoke } };
}

/** At most this many places are listed in a dialog (the rest are counted). */
const MAX_PLACES_LISTED = 6;

/** `items` as dialog lines: the first {@link MAX_PLACES_LISTED}, then "… and N more". */
function listed(items: readonly string[]): string[] {
  return items.length <= MAX_PLACES_LISTED
    ? [...items]
    : [...items.slice(0, MAX_PLACES_LISTED), `• ${vscode.l10n.t('… and {0} more', items.length - MAX_PLACES_LISTED)}`];
}

/** A comma-separated list of at most four items, then "… and N more". */
function few(items: readonly string[]): string {
  return items.length <= 4 ? items.join(', ') : `${items.slice(0, 4).join(', ')}, ${vscode.l10n.t('… and {0} more', items.length - 4)}`;
}

/** One dialog line: at most 160 characters. */
function clip(s: string): string {
  return s.length <= 160 ? s : `${s.slice(0, 159)}…`;
}

/**
 * The commands of `places` as one bash script: a header saying it needs bash
 * (the Secret commands use `read -s` and process substitution `<(…)`), then
 * each place's label as a comment and its command.
 */
export function commandsScript(places: readonly { label: string; command: string; unsure?: boolean }[]): string {
  const header = `#!/usr/bin/env bash\n# ${vscode.l10n.t('Run these in bash, where the agents run (kubectl, sudo, docker as each line needs).')}\n\n`;
  // A place that may hold another token: commented out, so running the script never gives it this token unchecked.
  const unsure = `# ${vscode.l10n.t('Only if it holds this token (the workspace does not show it): check, then remove the "# " of the lines below.')}`;
  const body = (m: { command: string; unsure?: boolean }) =>
    m.unsure
      ? `${unsure}\n${m.command
          .split('\n')
          .map((l) => `# ${l}`)
          .join('\n')}`
      : m.command;
  return `${header}${places.map((m) => `# ${m.label.replace(/[\r\n]+/g, ' ')}\n${body(m)}`).join('\n\n')}\n`;
}

/** Registers "Rotate Token…". Returns the outcome (for tests) or undefined when cancelled. */
export function registerRotateToken(deps: Services & { resolver: TokenResolver; deployments?: DeploymentReferenceHook }): vscode.Disposable[] {
  const { connection, store, vault, log } = deps;
  return [
    registerCommand(
      Commands.rotateToken,
      async (arg: TokenArg): Promise<ReplaceOutcome | undefined> => {
        if (connection.current.state !== 'ready') throw new Error(signInFirst(connection));
        const origin = connection.origin!;
        const storedIds = await vault.storedTokenIds(origin);
        const fits = (t: Token) => t.status === 'active' && storedIds.has(t.id);
        if (connection.user && !canManageTokens(connection.user.role))
          throw new Error(vscode.l10n.t('Rotate creates a new token, and a Viewer cannot manage tokens: sign in as a Manager, Administrator or Owner.'));
        if (!arg) {
          if (!store.snapshot.loadedAt) await store.refresh();
          if (!store.snapshot.tokens.some(fits)) {
            // Say what Rotate needs rather than "no token fits".
            void ui.showInformationMessage(
              vscode.l10n.t(
                'Rotate replaces a token whose value is stored in this VS Code (it writes the new value where the old one is): no active token of this connection has its value stored here. Tokens created in this VS Code are stored.',
              ),
            );
            throw new Cancelled();
          }
        }
        const token = await resolveToken(deps, arg, vscode.l10n.t('Rotate which token?'), fits);
        const name = ui.tokenName(token.description, 80);
        if (token.status !== 'active') throw new Error(vscode.l10n.t('"{0}" is revoked; only active tokens can be rotated.', name));
        const oldValue = await vault.getTokenValue(origin, token.id);
        if (!oldValue) {
          throw new Error(
            vscode.l10n.t(
              'The value of "{0}" is not stored in this VS Code, so its references in configs cannot be found. Create a new token and revoke "{0}" instead.',
              name,
            ),
          );
        }
        const occurrences = await findValueInWorkspace(oldValue);
        const found = deps.deployments ? await deps.deployments.find(oldValue) : undefined;
        // Configs that read this token from a secret store under the key "Insert Token" gave it: the store needs the new value.
        const secretPlaces = (await Promise.all(secretKeysFor(token).map((k) => findSecretStorePlaces(k)))).flat();
        if (found) found.manual.unshift(...secretPlaces);
        const deployment = deploymentRotation(found, deps.deployments);
        const now = Date.now();
        const newDescription = displayText(rotatedDescription(token.description, now), 120);
        const listed = occurrences.slice(0, MAX_LISTED).map((o) => `• ${o.label}`);
        if (occurrences.length > MAX_LISTED) listed.push(`• ${vscode.l10n.t('… and {0} more', occurrences.length - MAX_LISTED)}`);
        const refs =
          occurrences.length === 0
            ? vscode.l10n.t(
                'No Telegraf config in this workspace contains its value. Agents that use it elsewhere must get the new value before they are rejected.',
              )
            : `${occurrences.length === 1 ? vscode.l10n.t('This reference to its value is updated to the new value:') : vscode.l10n.t('These {0} references to its value are updated to the new value:', occurrences.length)}\n${listed.join('\n')}\n${vscode.l10n.t('Configs that read it from an environment variable or a secret store are not changed: give those agents the new value (Copy New Value after rotating).')}`;
        const detail = [
          vscode.l10n.t(
            '1. Create "{0}" with the same permissions ({1}) and lifetime ({2}).',
            newDescription,
            describePermissions(token.permissions),
            lifetimeText(replacementExpiry(token, now)),
          ),
          vscode.l10n.t("2. Store its value in VS Code's secret storage."),
          `3. ${refs}`,
          ...deployment.lines,
          vscode.l10n.t('4. Revoke "{0}" on {1}.', name, connection.label),
          '',
          vscode.l10n.t('If a step fails, the old token is not revoked.'),
        ].join('\n');
        const rotate = vscode.l10n.t('Rotate');
        const confirm = await ui.showWarningMessage(vscode.l10n.t('Rotate the token "{0}" ({1}…)?', name, token.prefix), { modal: true, detail }, rotate);
        if (confirm !== rotate) throw new Cancelled();
        log.info(`[${connection.label}] rotating token ${token.id} "${name}" (${occurrences.length} reference(s) in workspace configs)`);
        const outcome = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Rotating "{0}"…', name) }, () =>
          replaceToken({ connection, store, vault, log }, token, oldValue, 'value', 'rotate', now, deployment.hooks),
        );
        deps.resolver.clear();
        log.info(
          `[${connection.label}] rotated token ${token.id} "${name}" → ${outcome.replacement.id} "${ui.tokenName(outcome.replacement.description, 80)}"`,
        );
        const created = ui.tokenName(outcome.replacement.description, 80);
        void ui
          .showInformationMessage(
            !outcome.revoked
              ? vscode.l10n.t(
                  'Created "{1}" to replace "{0}" and updated the references in the workspace. "{0}" stays active as you chose: revoke it from the Tokens view once the agents outside the workspace use the new token.',
                  name,
                  created,
                )
              : outcome.rewrite.count > 0
                ? vscode.l10n.t(
                    'Rotated "{0}": created "{1}", updated the references in {3} ({2} in all), then revoked the old token.',
                    name,
                    created,
                    outcome.rewrite.count,
                    outcome.rewrite.files.join(', '),
                  )
                : vscode.l10n.t('Rotated "{0}": created "{1}", then revoked the old token.', name, created),
            vscode.l10n.t('Copy New Value'),
          )
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
