/**
 * The DOM-free logic of the create form (src/webview/createToken/model.ts).
 * Runs in a fixed time zone so "end of the local day" is deterministic.
 */
process.env.TZ = 'America/New_York';

import test from 'node:test';
import assert from 'node:assert/strict';
import {
  EXPIRY_CHOICES,
  allState,
  applyPreset,
  columnState,
  computeExpiry,
  describeFromNow,
  endOfLocalDay,
  findDuplicate,
  expiryLine,
  formatExpiry,
  grantableCells,
  initialDraft,
  localDateString,
  mapServerFieldErrors,
  parseViewState,
  rowState,
  setAll,
  setCell,
  setColumn,
  setRow,
  summarize,
  uniqueDescription,
  validateDraft,
  withSuggestedDescription,
  type FormDraft,
} from '../../../src/webview/createToken/model';
import { parseCreateRequest } from '../../../src/shared/protocol';
import { ROLE_CEILING, countPermissions, hasPermission, permissionKey } from '../../../src/core/permissions';

const NOW = new Date('2026-06-15T16:00:00.000Z'); // 12:00 in New York (EDT, UTC-4)
const ctx = (over: Partial<{ role: 'owner' | 'administrator' | 'manager' | 'viewer'; existingDescriptions: string[] }> = {}) => ({
  role: over.role ?? 'manager',
  now: NOW,
  existingDescriptions: over.existingDescriptions ?? [],
});

test('the time zone of this test is applied', () => {
  assert.equal(new Date('2026-06-15T16:00:00.000Z').getHours(), 12);
});

test('initial draft: least privilege (Telegraf agent preset), 30 days, empty description', () => {
  const d = initialDraft('owner');
  assert.equal(d.preset, 'telegraf-agent');
  assert.equal(permissionKey(d.permissions), 'configs:read,heartbeat:write');
  assert.equal(d.expiry, '30d');
  assert.equal(d.description, '');
});

test('initial draft honours a preset from the options', () => {
  const d = initialDraft('manager', 'read-only');
  assert.equal(d.preset, 'read-only');
  assert.ok(hasPermission(d.permissions, 'configs', 'read'));
  assert.ok(!hasPermission(d.permissions, 'configs', 'write'));
  assert.ok(!hasPermission(d.permissions, 'license', 'read'), 'manager cannot read license');
});

test('a suggested description starts a new purpose: the earlier custom expiry does not carry over', () => {
  const earlier: FormDraft = { ...initialDraft('owner'), description: 'old draft', expiry: 'custom', customDate: '2027-02-01' };
  const d = withSuggestedDescription(earlier, 'Telegraf agent (deploy/compose.yaml)');
  assert.equal(d.description, 'Telegraf agent (deploy/compose.yaml)');
  assert.equal(d.expiry, initialDraft('owner').expiry);
  assert.equal(d.customDate, '');
  assert.deepEqual(d.permissions, earlier.permissions);
});

test('a suggested description an active token has already gets #2, #3, … and keeps to 255 characters', () => {
  const d = 'Telegraf agent (deploy/compose.yaml)';
  assert.equal(uniqueDescription(d, []), d);
  assert.equal(uniqueDescription(d, ['other']), d);
  assert.equal(uniqueDescription(d, [d.toUpperCase()]), `${d} #2`);
  assert.equal(uniqueDescription(d, [d, `${d} #2`]), `${d} #3`);
  const long = 'x'.repeat(255);
  const u = uniqueDescription(long, [long]);
  assert.equal(u.length, 255);
  assert.ok(u.endsWith(' #2'));
});

test('choosing a preset fills the grid; Custom keeps the grid', () => {
  let d = initialDraft('administrator');
  d = applyPreset(d, 'full', 'administrator');
  assert.equal(d.preset, 'full');
  assert.equal(permissionKey(d.permissions), permissionKey(ROLE_CEILING.administrator));
  const before = d.permissions;
  d = applyPreset(d, 'custom', 'administrator');
  assert.equal(d.preset, 'custom');
  assert.equal(permissionKey(d.permissions), permissionKey(before));
});

test('editing the grid switches to Custom, and back to the preset it matches again', () => {
  let d = initialDraft('manager');
  d = setCell(d, 'heartbeat', 'write', false, 'manager');
  assert.equal(d.preset, 'custom');
  assert.equal(permissionKey(d.permissions), 'configs:read');
  d = setCell(d, 'heartbeat', 'write', true, 'manager');
  assert.equal(d.preset, 'telegraf-agent');
  d = setCell(d, 'agents', 'read', true, 'manager');
  assert.equal(d.preset, 'custom');
});

test('cells the role cannot grant, or that do not exist, are never set', () => {
  const d = initialDraft('manager');
  assert.equal(setCell(d, 'invites', 'write', true, 'manager'), d, 'manager cannot grant invites:write');
  assert.equal(setCell(d, 'analytics', 'write', true, 'manager'), d, 'analytics has no write');
  assert.equal(setCell(d, 'license', 'read', true, 'administrator'), d, 'license is Owner only');
  const owner = setCell(initialDraft('owner'), 'license', 'write', true, 'owner');
  assert.ok(hasPermission(owner.permissions, 'license', 'write'));
});

test('row, column and grid "All" toggle only grantable cells', () => {
  let d = initialDraft('manager', 'custom');
  assert.equal(countPermissions(d.permissions), 0);
  d = setRow(d, 'users', true, 'manager');
  assert.equal(permissionKey(d.permissions), 'users:read');
  assert.deepEqual(rowState(d.permissions, 'users', 'manager'), { state: 'all', disabled: false, granted: 1, grantable: 1 });
  d = setColumn(d, 'delete', true, 'manager');
  assert.ok(hasPermission(d.permissions, 'configs', 'delete'));
  assert.ok(!hasPermission(d.permissions, 'users', 'delete'));
  assert.ok(!hasPermission(d.permissions, 'invites', 'delete'));
  assert.equal(columnState(d.permissions, 'delete', 'manager').state, 'all');
  assert.equal(columnState(d.permissions, 'read', 'manager').state, 'some');
  d = setAll(d, true, 'manager');
  assert.equal(permissionKey(d.permissions), permissionKey(ROLE_CEILING.manager));
  assert.equal(d.preset, 'full');
  assert.equal(allState(d.permissions, 'manager').state, 'all');
  d = setAll(d, false, 'manager');
  assert.equal(countPermissions(d.permissions), 0);
  assert.equal(allState(d.permissions, 'manager').state, 'none');
});

test('a row the role cannot grant at all has a disabled "All"', () => {
  assert.equal(rowState({}, 'license', 'administrator').disabled, true);
  assert.equal(rowState({}, 'invites', 'manager').disabled, true);
  assert.equal(rowState({}, 'invites', 'owner').disabled, false);
  assert.equal(grantableCells('viewer', { action: 'write' }).length, 0);
});

test('expiry: N days is now + N × 24 h', () => {
  for (const c of EXPIRY_CHOICES) {
    if (!c.days) continue;
    const r = computeExpiry(c.id, '', NOW);
    assert.equal(r.kind, 'at');
    if (r.kind === 'at') assert.equal(r.at.getTime() - NOW.getTime(), c.days * 86_400_000);
  }
  assert.deepEqual(computeExpiry('never', '', NOW), { kind: 'never' });
});

test('expiry: a custom date means the end of that local day', () => {
  const r = computeExpiry('custom', '2026-07-01', NOW);
  assert.equal(r.kind, 'at');
  if (r.kind === 'at') assert.equal(r.at.toISOString(), '2026-07-02T03:59:59.000Z'); // 23:59:59 EDT
  const today = computeExpiry('custom', '2026-06-15', NOW);
  assert.equal(today.kind, 'at', 'today is still allowed before its end');
});

test('expiry: past, invalid and missing custom dates are refused', () => {
  const past = computeExpiry('custom', '2026-06-14', NOW);
  assert.equal(past.kind, 'error');
  if (past.kind === 'error') assert.match(past.message, /past/);
  assert.equal(computeExpiry('custom', '2026-02-30', NOW).kind, 'error');
  assert.equal(computeExpiry('custom', '15/06/2026', NOW).kind, 'error');
  assert.equal(computeExpiry('custom', '', NOW).kind, 'error');
  assert.equal(endOfLocalDay('1969-12-31'), undefined);
  // A whole date before 1970 (a year typed as 0202) is in the past, not invalid; an impossible one stays invalid.
  const typed = computeExpiry('custom', '0202-07-15', NOW);
  assert.ok(typed.kind === 'error' && /past/.test(typed.message), JSON.stringify(typed));
  const impossible = computeExpiry('custom', '0202-02-30', NOW);
  assert.ok(impossible.kind === 'error' && /valid date/.test(impossible.message), JSON.stringify(impossible));
  assert.equal(endOfLocalDay('2026-13-01'), undefined);
});

test('localDateString gives the local calendar date', () => {
  assert.equal(localDateString(new Date('2026-06-15T02:00:00.000Z')), '2026-06-14'); // 22:00 the day before in New York
});

test('formatExpiry shows the local time with its zone and the UTC time', () => {
  const at = new Date('2026-07-02T03:59:59.000Z');
  const f = formatExpiry(at, { locale: 'en-US', timeZone: 'Asia/Tokyo' });
  assert.equal(f.utc, '2026-07-02 03:59 UTC');
  assert.match(f.local, /Jul 2, 2026/);
  assert.match(f.local, /12:59/);
  assert.match(f.local, /GMT\+9/);
  const ny = formatExpiry(at, { locale: 'en-US' });
  assert.match(ny.local, /Jul 1, 2026/);
  assert.match(ny.local, /11:59/);
});

test('describeFromNow', () => {
  assert.equal(describeFromNow(new Date(NOW.getTime() + 30 * 86_400_000), NOW), 'in 30 days');
  assert.equal(describeFromNow(new Date(NOW.getTime() + 86_400_000), NOW), 'in 1 day');
  assert.equal(describeFromNow(new Date(NOW.getTime() + 5 * 3_600_000 + 1), NOW), 'in 5 hours');
  assert.equal(describeFromNow(new Date(NOW.getTime() + 30_000), NOW), 'in 1 minute');
  assert.equal(describeFromNow(new Date(NOW.getTime() - 1), NOW), 'now');
});

const withDescription = (d: FormDraft, description: string): FormDraft => ({ ...d, description });

test('validation: description required, trimmed, at most 255 characters', () => {
  assert.ok(validateDraft(initialDraft('manager'), ctx()).errors.description);
  assert.ok(validateDraft(withDescription(initialDraft('manager'), '   '), ctx()).errors.description);
  assert.match(validateDraft(withDescription(initialDraft('manager'), 'x'.repeat(256)), ctx()).errors.description ?? '', /256.*255/);
  const ok = validateDraft(withDescription(initialDraft('manager'), `  ${'x'.repeat(255)}  `), ctx());
  assert.deepEqual(ok.errors, {});
  assert.equal(ok.request?.description, 'x'.repeat(255));
});

test('validation: duplicate description is a warning, not an error', () => {
  const v = validateDraft(withDescription(initialDraft('manager'), ' telegraf ON db-01 '), ctx({ existingDescriptions: ['Telegraf on db-01'] }));
  assert.deepEqual(v.errors, {});
  assert.match(v.warnings.description ?? '', /Telegraf on db-01/);
  assert.ok(v.request);
  assert.equal(findDuplicate('other', ['Telegraf on db-01']), undefined);
  assert.equal(findDuplicate('', ['']), undefined);
});

test('validation: "never" warns gently; a past custom date is an error', () => {
  const never = validateDraft({ ...withDescription(initialDraft('manager'), 'a'), expiry: 'never' }, ctx());
  assert.ok(never.warnings.expiresAt);
  assert.equal(never.request?.expiresAt, null);
  const past = validateDraft({ ...withDescription(initialDraft('manager'), 'a'), expiry: 'custom', customDate: '2020-01-01' }, ctx());
  assert.ok(past.errors.expiresAt);
  assert.equal(past.request, undefined);
});

test('validation: at least one permission', () => {
  const d = withDescription(initialDraft('manager', 'custom'), 'a');
  const v = validateDraft(d, ctx());
  assert.equal(v.errors.permissions, 'Select at least one permission.');
  assert.equal(v.request, undefined);
});

test('the request carries the effective permissions (never above the role) and the matching preset', () => {
  const d: FormDraft = {
    ...withDescription(initialDraft('manager'), 'Agent db-01'),
    permissions: { configs: ['read'], heartbeat: ['write'], license: ['write'], invites: ['read'] },
  };
  const v = validateDraft(d, { ...ctx(), now: new Date() });
  assert.ok(v.request, JSON.stringify(v.errors));
  assert.equal(permissionKey(v.request.permissions ?? {}), 'configs:read,heartbeat:write');
  assert.equal(v.request.preset, 'telegraf-agent');
  assert.ok(v.request.expiresAt && Date.parse(v.request.expiresAt) > Date.now());
  // The extension re-validates with the same schema and accepts it.
  const again = parseCreateRequest(v.request);
  assert.ok(again.ok);
});

test('server field errors land next to their fields', () => {
  const m = mapServerFieldErrors({ description: 'too long', 'permissions.settings': 'not allowed', expiresAt: 'past', foo: 'bar' });
  assert.equal(m.description, 'too long');
  assert.equal(m.permissions, 'Settings: not allowed');
  assert.equal(m.expiresAt, 'past');
  assert.equal(m.form, 'bar');
  assert.deepEqual(mapServerFieldErrors(undefined), {});
});

test('summary: effective permissions, powerful ones flagged, Telegraf coverage', () => {
  const s = summarize({ configs: ['read', 'write'], heartbeat: ['write'], tokens: ['write'], license: ['write'] }, 'manager');
  assert.deepEqual(s.lines, ['Configurations: read, write', 'Heartbeat: write', 'Tokens: write']);
  assert.equal(s.count, 4);
  assert.deepEqual(s.dropped, ['License: write']);
  assert.equal(s.sensitive.length, 2);
  assert.match(s.sensitive[0] ?? '', /^Configurations: write/);
  assert.equal(s.coversTelegrafAgent, true);
  const none = summarize({}, 'owner');
  assert.equal(none.count, 0);
  assert.deepEqual(none.lines, []);
  assert.equal(none.coversTelegrafAgent, false);
});

test('persisted view state: accepted without a value, refused with one', () => {
  const draft = withDescription(initialDraft('manager'), 'a');
  const created = {
    id: 't1',
    description: 'a',
    prefix: 'tc-apiv1_abc',
    permissions: { configs: ['read'] },
    createdAt: '2026-06-15T16:00:00.000Z',
    expiresAt: null,
  };
  const ok = parseViewState({ v: 1, draft, options: {}, created });
  assert.ok(ok);
  assert.equal(ok.created?.id, 't1');
  assert.equal(parseViewState({ v: 1, draft, options: {}, created, value: 'tc-apiv1_secret' }), undefined);
  assert.equal(parseViewState({ v: 1, draft, options: {}, created: { ...created, value: 'tc-apiv1_secret' } }), undefined);
  assert.equal(parseViewState({ v: 1, draft: { ...draft, value: 'tc-apiv1_secret' }, options: {} }), undefined);
  assert.equal(parseViewState(undefined), undefined);
  assert.equal(parseViewState({ v: 2, draft, options: {} }), undefined);
  assert.equal(parseViewState({ v: 1, draft: { ...draft, permissions: { nope: ['read'] } }, options: {} }), undefined);
});

test('formatExpiry/expiryLine: the time once in local time and once in UTC, labelled; once only when the local zone is UTC', () => {
  const at = new Date('2026-12-29T15:57:00.000Z');
  const utcZone = formatExpiry(at, { locale: 'en-US', timeZone: 'UTC' });
  assert.equal(utcZone.localIsUtc, true);
  const one = expiryLine(utcZone);
  assert.equal(one.utc, undefined);
  assert.match(one.local, /Dec 29, 2026/);
  assert.doesNotMatch(one.local, /2026-12-29/);
  const berlin = formatExpiry(at, { locale: 'en-US', timeZone: 'Europe/Berlin' });
  assert.equal(berlin.localIsUtc, false);
  const two = expiryLine(berlin);
  assert.match(two.local, /4:57.*\(local time\)$/);
  assert.equal(two.utc, '2026-12-29 15:57 UTC');
});

test('computeExpiry: an invalid custom date names no format (the picker shows the locale format)', () => {
  const r = computeExpiry('custom', '2026-13-45', NOW);
  assert.equal(r.kind, 'error');
  if (r.kind === 'error') assert.doesNotMatch(r.message, /YYYY|MM|DD/);
});
