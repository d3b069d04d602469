/**
 * Helpers of the API client tests: roles of the demo seed, a client per role
 * and credential kind, and an assertion that a promise fails with a given
 * `ControllerError` kind. No `vscode` import.
 */
import assert from 'node:assert/strict';
import { ControllerClient, type ClientOptions } from '../../../../src/core/api/client';
import { ControllerError, type ErrorKind } from '../../../../src/core/api/errors';
import { ROLE_CEILING, type Role } from '../../../../src/core/permissions';
import type { Emulator } from '../../../emulator/server';

/** Demo-seed user (username, id, password) of each role. */
export const ROLE_USERS: Readonly<Record<Role, { username: string; id: string; password: string }>> = {
  owner: { username: 'admin', id: 'u-owner', password: 'admin-password' },
  administrator: { username: 'alice', id: 'u-alice', password: 'alice-password' },
  manager: { username: 'bob', id: 'u-bob', password: 'bob-password' },
  viewer: { username: 'dave', id: 'u-dave', password: 'dave-password' },
};

/** How a role client authenticates. */
export type CredKind = 'session' | 'token';

/** Fast client options for tests: no retries, short timeouts. */
export function testClientOptions(emu: Emulator, extra: Partial<ClientOptions> = {}): ClientOptions {
  return { baseUrl: emu.url, timeoutMs: 2000, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 5 }, ...extra };
}

/**
 * A client of `role` on `emu`: with `session`, signs in with the user's
 * password; with `token`, mints a token with the role's full ceiling.
 */
export async function roleClient(emu: Emulator, role: Role, cred: CredKind, extra: Partial<ClientOptions> = {}): Promise<ControllerClient> {
  const anon = new ControllerClient(testClientOptions(emu, extra));
  const u = ROLE_USERS[role];
  if (cred === 'session') {
    const { cookie } = await anon.loginLocal(u.username, u.password);
    return anon.withCredential({ kind: 'session', cookie });
  }
  const { value } = emu.state.mintToken({ user: u.id, permissions: ROLE_CEILING[role] });
  return anon.withCredential({ kind: 'token', token: value });
}

/** Asserts that `p` rejects with a `ControllerError` of `kind`; returns the error. */
export async function expectKind(p: Promise<unknown>, kind: ErrorKind, status?: number): Promise<ControllerError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ControllerError, `expected ControllerError, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected kind ${kind}, got ${e.kind} (${e.message})`);
    if (status !== undefined) assert.equal(e.status, status);
    assert.ok(e.userMessage.length > 10, 'userMessage is a sentence');
    return e;
  }
  assert.fail(`expected a ControllerError of kind ${kind}, but the call succeeded`);
}
