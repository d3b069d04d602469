/**
 * The words of the "Create API Token" form for the codes the rest of the code
 * works with: resource ids, actions, roles, preset ids, expiry choices and the
 * error codes of the protocol (src/shared/protocol.ts `FormError`). Each
 * sentence is an `l10n.t` call of `@vscode/l10n` with its English text, so
 * `npm run l10n` exports it into l10n/bundle.l10n.json; at run time the
 * extension sends the bundle of VS Code's display language in `init` and
 * `configureWords` loads it before anything is rendered. Without a bundle
 * (English) `l10n.t` returns the English text.
 *
 * The English labels equal those of src/core/permissions.ts (a unit test
 * keeps them in line); the core keeps ids and English for the extension's
 * log, this module words them for people.
 */
import * as l10n from '@vscode/l10n';
import { RESOURCES, normalizePermissions, type Action, type Permissions, type PresetId, type ResourceId, type Role } from '../../core/permissions';

/** Loads the strings bundle sent in `init` (key → translation); an empty bundle means English. */
export function configureWords(bundle: Record<string, string> | undefined): void {
  l10n.config({ contents: bundle ?? {} });
}

/** The name of a resource, e.g. `Configurations`. */
export function resourceLabel(id: ResourceId | string): string {
  switch (id) {
    case 'configs':
      return l10n.t('Configurations');
    case 'agents':
      return l10n.t('Agents');
    case 'reporting_rules':
      return l10n.t('Reporting Rules');
    case 'labels':
      return l10n.t('Labels');
    case 'heartbeat':
      return l10n.t('Heartbeat');
    case 'tokens':
      return l10n.t('Tokens');
    case 'analytics':
      return l10n.t('Analytics');
    case 'users':
      return l10n.t('Users');
    case 'invites':
      return l10n.t('Invites');
    case 'password_resets':
      return l10n.t('Password Resets');
    case 'settings':
      return l10n.t('Settings');
    case 'license':
      return l10n.t('License');
    case 'entitlements':
      return l10n.t('Entitlements');
    default:
      return id;
  }
}

/** What a resource is, one sentence. */
export function resourceDescription(id: ResourceId): string {
  switch (id) {
    case 'configs':
      return l10n.t('Telegraf configurations; agents need read to download theirs.');
    case 'agents':
      return l10n.t('The Telegraf agents the controller knows about.');
    case 'reporting_rules':
      return l10n.t('Rules that decide when an agent counts as healthy or not reporting.');
    case 'labels':
      return l10n.t('Labels used to group agents and configurations.');
    case 'heartbeat':
      return l10n.t('Agent heartbeats; the heartbeat output needs write.');
    case 'tokens':
      return l10n.t('API tokens themselves (listing, creating, revoking).');
    case 'analytics':
      return l10n.t('Fleet analytics and usage figures.');
    case 'users':
      return l10n.t('User accounts and their roles.');
    case 'invites':
      return l10n.t('Invitations for new users.');
    case 'password_resets':
      return l10n.t('Password reset requests of local users.');
    case 'settings':
      return l10n.t('Controller-wide settings.');
    case 'license':
      return l10n.t('The controller license (Owner only, since v1.0.0).');
    case 'entitlements':
      return l10n.t('What the license entitles; any authenticated user may read it.');
  }
}

/** An action as it follows a resource name, e.g. `read` in `Configurations: read`. */
export function actionWord(a: Action): string {
  switch (a) {
    case 'read':
      return l10n.t('read');
    case 'write':
      return l10n.t('write');
    case 'delete':
      return l10n.t('delete');
  }
}

/** An action as a column title, e.g. `Read`. */
export function actionTitle(a: Action): string {
  switch (a) {
    case 'read':
      return l10n.t('Read');
    case 'write':
      return l10n.t('Write');
    case 'delete':
      return l10n.t('Delete');
  }
}

/** A role's name, e.g. `Owner`. */
export function roleName(role: Role): string {
  switch (role) {
    case 'owner':
      return l10n.t('Owner');
    case 'administrator':
      return l10n.t('Administrator');
    case 'manager':
      return l10n.t('Manager');
    case 'viewer':
      return l10n.t('Viewer');
  }
}

/** A preset's name. */
export function presetName(id: PresetId): string {
  switch (id) {
    case 'telegraf-agent':
      return l10n.t('Telegraf agent');
    case 'read-only':
      return l10n.t('Read-only');
    case 'full':
      return l10n.t('Full access within role');
    case 'custom':
      return l10n.t('Custom');
  }
}

/** What a preset selects. */
export function presetDescription(id: PresetId): string {
  switch (id) {
    case 'telegraf-agent':
      return l10n.t('Configurations: read + Heartbeat: write. What a Telegraf agent needs, nothing more.');
    case 'read-only':
      return l10n.t('Every read permission your role has.');
    case 'full':
      return l10n.t('Everything your role allows.');
    case 'custom':
      return l10n.t('Pick permissions in the grid.');
  }
}

/** `Configurations: read, write` for one resource. */
export function permissionLine(resource: ResourceId | string, actions: readonly Action[]): string {
  return l10n.t('{0}: {1}', resourceLabel(resource), actions.map(actionWord).join(l10n.t(', ')));
}

/** `Configurations: read · Heartbeat: write`; `none` when empty (words for `describePermissions` of core). */
export function describePermissionsWords(perms: Permissions): string {
  const norm = normalizePermissions(perms);
  const rows = RESOURCES.filter((r) => (norm[r.id]?.length ?? 0) > 0).map((r) =>
    permissionLine(
      r.id,
      (perms[r.id] ?? []).filter((a) => r.actions.includes(a)),
    ),
  );
  return rows.length ? rows.join(' · ') : l10n.t('none');
}

/** Why `role` cannot grant `action` on `resource` (words for `whyNotGrantable` of core, which decides). */
export function whyNotGrantableWords(role: Role, resource: ResourceId, action: Action): string {
  if (resource === 'license') return l10n.t('Only the Owner can grant License permissions.');
  return l10n.t(
    "Your role ({0}) does not have {1}: {2}; a token can never exceed its owner's role.",
    roleName(role),
    resourceLabel(resource),
    actionWord(action),
  );
}

/**
 * The sentence for an error code of the protocol (`FormError.kind`): the
 * form's own codes and the controller client's `ErrorKind`s. `undefined` for
 * a code this version has no words for (the caller then shows the message
 * the extension sent, if any).
 */
export function errorWords(kind: string, args: readonly string[] = []): string | undefined {
  switch (kind) {
    case 'busy':
      return l10n.t('A token is already being created; wait for it to finish.');
    case 'not-signed-in':
      return l10n.t('You are not signed in to a Telegraf Controller any more. Sign in and try again.');
    case 'forbidden-role':
      return l10n.t('Viewers cannot create tokens.');
    case 'invalid-request':
      return l10n.t('The form has errors; nothing was sent to the controller.');
    case 'unexpected':
      return l10n.t('Creating the token failed unexpectedly. See the log for details.');
    case 'missing-auth':
    case 'invalid-token-format':
    case 'invalid-token':
    case 'token-expired':
    case 'session-expired':
      return l10n.t('The controller no longer accepts your sign-in. Sign in again, then create the token.');
    case 'forbidden':
      return l10n.t('The controller refused: your account may not create this token.');
    case 'not-found':
      return l10n.t('The controller did not find what the request names.');
    case 'route-missing':
      return l10n.t('The controller has no token route at this address (another version, or a proxy in front). Check the controller URL.');
    case 'validation':
      return l10n.t('The controller rejected the request.');
    case 'conflict':
      return l10n.t('The controller reported a conflict with an existing token.');
    case 'locked':
      return l10n.t('The account is locked after failed sign-ins.');
    case 'rate-limited':
      return l10n.t('The controller is rate-limiting requests. Wait a moment, then try again.');
    case 'server':
      return args[0] ? l10n.t('The controller failed with status {0}.', args[0]) : l10n.t('The controller failed.');
    case 'network':
    case 'dns':
    case 'connection-refused':
    case 'tls':
    case 'proxy':
      return l10n.t('The controller could not be reached. Check the connection and try again.');
    case 'timeout':
      return l10n.t('The controller did not answer in time.');
    case 'protocol':
      return l10n.t('The controller answered in a form this version does not understand.');
    default:
      return undefined;
  }
}

/** The sentence for the result code of a Copy / Insert action (`actionResult.code`). */
export function actionWords(code: string): string | undefined {
  switch (code) {
    case 'copied':
      return l10n.t('Copied the token value to the clipboard.');
    case 'not-this-token':
      return l10n.t('This form only acts on the token it created. Use the Tokens view.');
    case 'failed':
      return l10n.t('That did not work.');
    default:
      return undefined;
  }
}

/** The sentence for a field-error code (`FieldErrorCode` of src/shared/protocol.ts); `undefined` for server text. */
export function fieldErrorWords(code: string, args: readonly string[] = []): string | undefined {
  switch (code) {
    case 'role-denied':
      return l10n.t('Your role cannot grant: {0}.', args.join(', '));
    default:
      return undefined;
  }
}
