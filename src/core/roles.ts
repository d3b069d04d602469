/**
 * The roles of Telegraf Controller users and what they may do with tokens:
 * the part of the permission model (core/permissions.ts) the Tokens view
 * needs when it starts.
 *
 * Source: docs/api-contract.md "Roles". No `vscode` import.
 */

/** A user's role on the controller (docs/api-contract.md "Roles"). */
export type Role = 'owner' | 'administrator' | 'manager' | 'viewer';

/** Every role, most privileged first. */
export const ROLES: readonly Role[] = ['owner', 'administrator', 'manager', 'viewer'];

/** True when `role` may manage tokens at all (Viewers may not: docs/api-contract.md "Roles"). */
export function canManageTokens(role: Role): boolean {
  return role !== 'viewer';
}

/** True when `role` sees and manages every user's tokens and may reassign (Owner, Administrator). */
export function isTokenAdmin(role: Role): boolean {
  return role === 'owner' || role === 'administrator';
}
