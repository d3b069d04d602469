/**
 * The permission grid of Telegraf Controller tokens: its resources and
 * actions, a permission set, and whether a set grants an action. The part of
 * the permission model (core/permissions.ts) the Tokens view needs when it
 * starts: filtering by `resource:action`.
 *
 * Source: docs/api-contract.md "Permission grid". No `vscode` import.
 */

/** An action a permission grants on a resource (docs/api-contract.md "Permission grid"). */
export type Action = 'read' | 'write' | 'delete';

/** Every action, in the order the controller's grid shows its columns. */
export const ACTIONS: readonly Action[] = ['read', 'write', 'delete'];

/** Resource ids of the permission grid (docs/api-contract.md "Permission grid"). */
export type ResourceId =
  | 'configs'
  | 'agents'
  | 'reporting_rules'
  | 'labels'
  | 'heartbeat'
  | 'tokens'
  | 'analytics'
  | 'users'
  | 'invites'
  | 'password_resets'
  | 'settings'
  | 'license'
  | 'entitlements';

/** A resource row of the permission grid: id, UI label, its actions and a one-line explanation. */
export interface ResourceInfo {
  readonly id: ResourceId;
  /** Label as the controller's create form shows it. */
  readonly label: string;
  /** Actions that exist for this resource, in grid order. */
  readonly actions: readonly Action[];
  /** One sentence saying what the permission lets a token do. */
  readonly description: string;
}

/**
 * The 13 resources of the grid, in the controller's order (docs/api-contract.md
 * "Permission grid").
 */
export const RESOURCES: readonly ResourceInfo[] = [
  {
    id: 'configs',
    label: 'Configurations',
    actions: ['read', 'write', 'delete'],
    description: 'Telegraf configurations; agents need read to download theirs.',
  },
  { id: 'agents', label: 'Agents', actions: ['read', 'write', 'delete'], description: 'The Telegraf agents the controller knows about.' },
  {
    id: 'reporting_rules',
    label: 'Reporting Rules',
    actions: ['read', 'write', 'delete'],
    description: 'Rules that decide when an agent counts as healthy or not reporting.',
  },
  { id: 'labels', label: 'Labels', actions: ['read', 'write', 'delete'], description: 'Labels used to group agents and configurations.' },
  { id: 'heartbeat', label: 'Heartbeat', actions: ['read', 'write'], description: 'Agent heartbeats; the heartbeat output needs write.' },
  { id: 'tokens', label: 'Tokens', actions: ['read', 'write', 'delete'], description: 'API tokens themselves (listing, creating, revoking).' },
  { id: 'analytics', label: 'Analytics', actions: ['read'], description: 'Fleet analytics and usage figures.' },
  { id: 'users', label: 'Users', actions: ['read', 'write', 'delete'], description: 'User accounts and their roles.' },
  { id: 'invites', label: 'Invites', actions: ['read', 'write', 'delete'], description: 'Invitations for new users.' },
  { id: 'password_resets', label: 'Password Resets', actions: ['read', 'write', 'delete'], description: 'Password reset requests of local users.' },
  { id: 'settings', label: 'Settings', actions: ['read', 'write'], description: 'Controller-wide settings.' },
  { id: 'license', label: 'License', actions: ['read', 'write'], description: 'The controller license (Owner only, since v1.0.0).' },
  { id: 'entitlements', label: 'Entitlements', actions: ['read'], description: 'What the license entitles; any authenticated user may read it.' },
];

/** All resource ids, in grid order. */
export const RESOURCE_IDS: readonly ResourceId[] = RESOURCES.map((r) => r.id);

/** Looks up a resource row by id; `undefined` for an unknown id. */
export function resourceInfo(id: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.id === id);
}

/**
 * A permission set: resource id → granted actions (docs/api-contract.md "Shapes":
 * `Permissions`). Resources with no actions may be absent or map to `[]`.
 */
export type Permissions = Partial<Record<ResourceId, Action[]>>;

/** True when `perms` grants `action` on `resource`. */
export function hasPermission(perms: Permissions, resource: ResourceId, action: Action): boolean {
  return perms[resource]?.includes(action) ?? false;
}
