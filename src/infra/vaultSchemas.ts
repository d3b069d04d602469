/**
 * The shapes of what SecretStorage holds for us (a controller credential, the
 * index of stored token values), as zod schemas. In their own module so that
 * zod is bundled with the API client and loaded on first use, not at
 * activation (esbuild.mjs, build/lazy-bundles.mjs).
 */
import * as z from 'zod';
import type { StoredCredential, StoredTokenRef } from './secretVault';

let credential: z.ZodType<StoredCredential> | undefined;
/** A stored credential: a session cookie with its username, or an API token. */
export function credentialSchema(): z.ZodType<StoredCredential> {
  return (credential ??= z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('session'), cookie: z.string().min(1), username: z.string() }),
    z.object({ kind: z.literal('token'), token: z.string().min(1) }),
  ]));
}

let index: z.ZodType<StoredTokenRef[]> | undefined;
/** The index of stored token values of one origin (ids, descriptions, expiry, prefix, when stored; never a value). */
export function tokenIndexSchema(): z.ZodType<StoredTokenRef[]> {
  return (index ??= z.array(z.object({ id: z.string(), description: z.string(), expiresAt: z.string().nullable(), prefix: z.string(), storedAt: z.number() })));
}
