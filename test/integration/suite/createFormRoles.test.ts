/**
 * The create form's live summary of effective permissions (requested ∩ role,
 * computed by the form's own model before submitting) equals what the
 * controller emulator grants, for each role that may create tokens; a Viewer
 * is refused (docs/api-contract.md "Roles", Part B rules).
 */
import * as assert from 'node:assert/strict';
import type { TestApi } from '../../../src/extension';
import type { ControllerError } from '../../../src/core/api/errors';
import { permissionKey, RESOURCES, type Permissions, type Role } from '../../../src/core/permissions';
import { applyPreset, initialDraft, summarize } from '../../../src/webview/createToken/model';
import { activateExtension, emulator, waitUntil } from '../harness';
import { signInAs as signInAsUser } from './helpers/ui';

const EVERYTHING = Object.fromEntries(RESOURCES.map((r) => [r.id, [...r.actions]])) as Permissions;

describe('Create form: effective permissions shown = granted, per role', function () {
  this.timeout(120_000);
  let api: TestApi;

  const signInAs = (username: string) => signInAsUser(api, username);

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await waitUntil(() => api.connection.current.url, { what: 'a configured controller' }).catch(() => undefined);
  });

  after(async () => {
    // Leave the window signed in as the seed's Owner for the suites that follow.
    if (api.connection.user?.username !== emulator().username) await signInAs(emulator().username).catch(() => undefined);
  });

  const cases: Array<[string, Role]> = [
    ['admin', 'owner'],
    ['alice', 'administrator'],
    ['bob', 'manager'],
  ];
  for (const [username, role] of cases) {
    it(`${role} (${username}): presets and a custom request`, async () => {
      await signInAs(username);
      assert.equal(api.connection.user?.role, role);
      const requests: Array<[string, Permissions]> = [
        ...(['telegraf-agent', 'read-only', 'full'] as const).map((p) => [p, applyPreset(initialDraft(role), p, role).permissions] as [string, Permissions]),
        ['custom: everything', EVERYTHING],
        ['custom: license + users', { license: ['read', 'write'], users: ['read', 'delete'], configs: ['read'] }],
      ];
      for (const [name, requested] of requests) {
        const shown = summarize(requested, role).effective;
        const created = await api.createToken({ description: `roles ${role} ${name}`, expiresAt: null, permissions: requested });
        assert.equal(permissionKey(created.token.permissions), permissionKey(shown), `${role} / ${name}: the form showed ${permissionKey(shown)}`);
      }
    });
  }

  it('viewer (dave): the controller refuses token creation', async () => {
    await signInAs('dave');
    await assert.rejects(
      () => api.createToken({ description: 'viewer attempt', expiresAt: null, permissions: { configs: ['read'] } }),
      // The extension and this suite are separate bundles: compare the error's fields, not its class.
      (e: unknown) => (e as ControllerError).kind === 'forbidden' && (e as ControllerError).status === 403,
    );
  });
});
