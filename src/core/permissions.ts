/**
 * The permission model of Telegraf Controller tokens: resources, actions, what
 * each role may grant, presets, and the intersection the controller applies.
 *
 * Source: docs/api-contract.md "Permission grid", "Roles" and "Tokens".
 * No `vscode` import: shared by the extension, the webview bundle and the emulator.
 */
import { RESOURCES, hasPermission, resourceInfo, type Action, type Permissions, type ResourceId } from './resources';
import type { Role } from './roles';

// The grid and the roles live in their own small modules (loaded when the Tokens view starts); the rest of
// the model is loaded on first use. Everything stays importable from here.
export { ACTIONS, RESOURCE_IDS, RESOURCES, hasPermission, resourceInfo } from './resources';
export type { Action, Permissions, ResourceId, ResourceInfo } from './resources';
export { ROLES, canManageTokens, isTokenAdmin } from './roles';
export type { Role } from './roles';

const FULL: Permissions = Object.fromEntries(RESOURCES.map((r) => [r.id, [...r.actions]])) as Permissions;

const READ_ONLY_OPERATIONS: ResourceId[] = ['configs', 'agents', 'reporting_rules', 'labels'];

/**
 * What each role may grant (the ceiling of its tokens).
 *
 * docs/api-contract.md ("Roles", "Permission grid") states: Owner has everything; Administrator is "same as Owner for
 * tokens" and License is "Owner only"; Manager manages only their own tokens;
 * Viewer is "read-only on configs, agents, labels, reporting rules" and cannot
 * manage tokens; Entitlements are readable by any authenticated user. Where the
 * docs are silent (Manager on users/invites/settings) this model takes the
 * least privilege that fits the role's description, and the emulator enforces
 * the same table, so one change here moves both.
 */
export const ROLE_CEILING: Readonly<Record<Role, Permissions>> = {
  owner: FULL,
  administrator: { ...FULL, license: [] },
  manager: {
    configs: ['read', 'write', 'delete'],
    agents: ['read', 'write', 'delete'],
    reporting_rules: ['read', 'write', 'delete'],
    labels: ['read', 'write', 'delete'],
    heartbeat: ['read', 'write'],
    tokens: ['read', 'write', 'delete'],
    analytics: ['read'],
    users: ['read'],
    invites: [],
    password_resets: [],
    settings: ['read'],
    license: [],
    entitlements: ['read'],
  },
  viewer: {
    ...Object.fromEntries(READ_ONLY_OPERATIONS.map((id) => [id, ['read'] as Action[]])),
    heartbeat: ['read'],
    analytics: ['read'],
    entitlements: ['read'],
  },
};

/**
 * Returns a normalised copy: only known resources and their existing actions,
 * actions de-duplicated and in grid order, empty rows dropped.
 */
export function normalizePermissions(perms: Permissions): Permissions {
  const out: Permissions = {};
  for (const r of RESOURCES) {
    const granted = perms[r.id];
    if (!granted) continue;
    const actions = r.actions.filter((a) => granted.includes(a));
    if (actions.length > 0) out[r.id] = actions;
  }
  return out;
}

/**
 * The controller's rule "effective permissions = requested ∩ the creator's
 * role" (docs/api-contract.md "Tokens"). Result is normalised.
 */
export function intersectPermissions(a: Permissions, b: Permissions): Permissions {
  const out: Permissions = {};
  for (const r of RESOURCES) {
    const left = a[r.id] ?? [];
    const right = b[r.id] ?? [];
    const actions = r.actions.filter((x) => left.includes(x) && right.includes(x));
    if (actions.length > 0) out[r.id] = actions;
  }
  return out;
}

/** Effective permissions of a token requested with `requested` by a user of `role`. */
export function effectivePermissions(requested: Permissions, role: Role): Permissions {
  return intersectPermissions(requested, ROLE_CEILING[role]);
}

/** True when two permission sets grant exactly the same actions. */
export function samePermissions(a: Permissions, b: Permissions): boolean {
  return permissionKey(a) === permissionKey(b);
}

/** Number of (resource, action) pairs granted. */
export function countPermissions(perms: Permissions): number {
  return Object.values(normalizePermissions(perms)).reduce((n, acts) => n + (acts?.length ?? 0), 0);
}

/** Actions requested in `requested` that `role` cannot grant, as `resource:action` strings. */
export function deniedByRole(requested: Permissions, role: Role): string[] {
  const ceiling = ROLE_CEILING[role];
  const out: string[] = [];
  for (const r of RESOURCES) {
    for (const a of requested[r.id] ?? []) {
      if (r.actions.includes(a) && !hasPermission(ceiling, r.id, a)) out.push(`${r.id}:${a}`);
    }
  }
  return out;
}

/**
 * Why `role` cannot grant `action` on `resource`, as a sentence for a tooltip;
 * `undefined` when it can.
 */
export function whyNotGrantable(role: Role, resource: ResourceId, action: Action): string | undefined {
  if (hasPermission(ROLE_CEILING[role], resource, action)) return undefined;
  if (resource === 'license') return 'Only the Owner can grant License permissions.';
  const roleName = role.charAt(0).toUpperCase() + role.slice(1);
  return `Your role (${roleName}) does not have ${resource.replace('_', ' ')}:${action}; a token can never exceed its owner's role.`;
}

/** Canonical string of a permission set, e.g. `configs:read,heartbeat:write`. */
export function permissionKey(perms: Permissions): string {
  const parts: string[] = [];
  for (const [id, acts] of Object.entries(normalizePermissions(perms))) {
    for (const a of acts ?? []) parts.push(`${id}:${a}`);
  }
  return parts.join(',');
}

/** Human summary, e.g. `Configurations: read · Heartbeat: write`; `none` when empty. */
export function describePermissions(perms: Permissions): string {
  const rows = RESOURCES.filter((r) => (normalizePermissions(perms)[r.id]?.length ?? 0) > 0).map(
    (r) => `${r.label}: ${(perms[r.id] ?? []).filter((a) => r.actions.includes(a)).join(', ')}`,
  );
  return rows.length ? rows.join(' · ') : 'none';
}

/** Ids of the permissions presets of the create form, in the form's order; the one definition every schema uses. */
export const PRESET_IDS = ['telegraf-agent', 'read-only', 'full', 'custom'] as const;

/** Id of a permissions preset of the create form. */
export type PresetId = (typeof PRESET_IDS)[number];

/**
 * What is wrong with a permission map `{ resource: actions[] }` sent in a
 * request or a webview message: unknown resources, actions a resource does
 * not have (docs/api-contract.md "Permission grid"), duplicate actions. One entry
 * per problem, `path` being the resource; empty when the map is valid. The
 * one rule behind every schema that accepts a permission map.
 */
export function permissionMapIssues(raw: Record<string, readonly string[]>): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const [res, acts] of Object.entries(raw)) {
    const allowed = resourceInfo(res)?.actions as readonly string[] | undefined;
    if (!allowed) {
      out.push({ path: res, message: `unknown resource "${res}"` });
      continue;
    }
    if (new Set(acts).size !== acts.length) out.push({ path: res, message: `duplicate action for ${res}` });
    for (const a of acts) if (!allowed.includes(a)) out.push({ path: res, message: `unknown action "${a}" for ${res}` });
  }
  return out;
}

/** A preset: id, label, explanation. */
export interface PresetInfo {
  readonly id: PresetId;
  readonly label: string;
  readonly description: string;
}

/** The presets, least privilege first (the create form's default is the first). */
export const PRESETS: readonly PresetInfo[] = [
  { id: 'telegraf-agent', label: 'Telegraf agent', description: 'Configurations: read + Heartbeat: write. What a Telegraf agent needs, nothing more.' },
  { id: 'read-only', label: 'Read-only', description: 'Every read permission your role has.' },
  { id: 'full', label: 'Full access within role', description: 'Everything your role allows.' },
  { id: 'custom', label: 'Custom', description: 'Pick permissions in the grid.' },
];

/**
 * The permissions a Telegraf agent token needs: Configs read and Heartbeat
 * write (docs/api-contract.md "Tokens").
 */
export const TELEGRAF_AGENT_PERMISSIONS: Permissions = { configs: ['read'], heartbeat: ['write'] };

/**
 * The requested permissions of a preset for `role`, already narrowed to the
 * role. `custom` returns an empty set (the grid decides).
 */
export function presetPermissions(preset: PresetId, role: Role): Permissions {
  const ceiling = ROLE_CEILING[role];
  switch (preset) {
    case 'telegraf-agent':
      return intersectPermissions(TELEGRAF_AGENT_PERMISSIONS, ceiling);
    case 'read-only':
      return intersectPermissions(Object.fromEntries(RESOURCES.filter((r) => r.actions.includes('read')).map((r) => [r.id, ['read']])) as Permissions, ceiling);
    case 'full':
      return normalizePermissions(ceiling);
    case 'custom':
      return {};
  }
}

/** The preset whose permissions for `role` equal `perms`, or `custom`. */
export function matchPreset(perms: Permissions, role: Role): PresetId {
  for (const p of PRESETS) {
    if (p.id !== 'custom' && samePermissions(presetPermissions(p.id, role), perms)) return p.id;
  }
  return 'custom';
}
