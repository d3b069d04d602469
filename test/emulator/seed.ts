/**
 * Seed files of the controller emulator: users, tokens and configs to start
 * with. Times may be relative (`createdDaysAgo`, `expiresInDays`, …) so a demo
 * stays fresh. A seed token may carry a plaintext `value` so tests and demos
 * can use it; the emulator hashes it at load and never keeps it.
 *
 * No `vscode` import.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PermissionsRequestSchema, TOKEN_VALUE_PREFIX } from '../../src/core/api/contract';
import demo from './seeds/demo.json';

const RoleEnum = z.enum(['owner', 'administrator', 'manager', 'viewer']);

/** A seed user. `password` is plaintext (hashed at load). */
export const SeedUserSchema = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  password: z.string().optional(),
  email: z.string().optional(),
  role: RoleEnum,
  authProvider: z.enum(['local', 'ldap', 'oidc']).optional(),
  disabled: z.boolean().optional(),
});

/**
 * A seed token. Owner by `userId` or `username`. Permissions explicit or by
 * `preset` (narrowed to the owner's role either way). Times: absolute ISO
 * strings, or relative to load time in days/hours.
 */
export const SeedTokenSchema = z.object({
  id: z.string().min(1).optional(),
  description: z.string().min(1),
  userId: z.string().optional(),
  username: z.string().optional(),
  permissions: PermissionsRequestSchema.optional(),
  preset: z.enum(['telegraf-agent', 'read-only', 'full']).optional(),
  value: z.string().startsWith(TOKEN_VALUE_PREFIX).optional(),
  createdAt: z.string().optional(),
  createdDaysAgo: z.number().optional(),
  expiresAt: z.string().nullable().optional(),
  expiresInDays: z.number().optional(),
  revoked: z.boolean().optional(),
  revokedDaysAgo: z.number().optional(),
  lastUsedHoursAgo: z.number().optional(),
});

/** A seed configuration with its TOML text. */
export const SeedConfigSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  toml: z.string(),
  updatedDaysAgo: z.number().optional(),
});

/** A whole seed. */
export const SeedSchema = z.object({
  providers: z.array(z.enum(['local', 'ldap', 'oidc'])).optional(),
  setupComplete: z.boolean().optional(),
  users: z.array(SeedUserSchema).min(1),
  tokens: z.array(SeedTokenSchema).optional(),
  configs: z.array(SeedConfigSchema).optional(),
});

/** A seed (see `SeedSchema`). */
export type Seed = z.input<typeof SeedSchema>;
/** A parsed seed. */
export type ParsedSeed = z.output<typeof SeedSchema>;

/** Parses a seed object; throws `Error` naming the first problem. */
export function parseSeed(data: unknown): ParsedSeed {
  const r = SeedSchema.safeParse(data);
  if (!r.success) throw new Error(`invalid emulator seed: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** Reads and parses a seed JSON file. Throws on I/O or validation errors. */
export function loadSeedFile(path: string): ParsedSeed {
  return parseSeed(JSON.parse(readFileSync(path, 'utf8')));
}

/** The demo seed (`seeds/demo.json`), the default of `startEmulator`. */
export const DEMO_SEED: ParsedSeed = parseSeed(demo);

/** Plaintext values of the demo seed's tokens, by token id (for tests/demos only). */
export const DEMO_TOKEN_VALUES: Readonly<Record<string, string>> = Object.fromEntries(
  (DEMO_SEED.tokens ?? []).filter((t) => t.id && t.value).map((t) => [t.id!, t.value!]),
);
