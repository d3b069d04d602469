/**
 * The view logic of the "Create API Token" form that needs no DOM: the form
 * state (draft), presets and grid edits, validation, the create request,
 * expiry computation and formatting, and the persisted view state schema.
 * Pure functions; unit-tested with node:test (test/unit/webview/model.test.ts).
 *
 * Controller behaviour encoded here comes from docs/api-contract.md: Part A "Tokens"
 * (required description, optional expiration, presets, effective permissions
 * = requested ∩ role) and Part B rules (description 1–255 chars after
 * trimming, expiresAt in the future or null).
 *
 * No `vscode` import, no DOM.
 */
import * as z from 'zod';
import { DESCRIPTION_MAX_LENGTH, type CreateTokenRequest } from '../../core/api/contract';
import {
  ACTIONS,
  RESOURCES,
  countPermissions,
  effectivePermissions,
  hasPermission,
  matchPreset,
  normalizePermissions,
  presetPermissions,
  whyNotGrantable,
  TELEGRAF_AGENT_PERMISSIONS,
  type Action,
  type Permissions,
  type PresetId,
  type ResourceId,
  type Role,
} from '../../core/permissions';
import {
  CreatedTokenSchema,
  FormOptionsSchema,
  MessagePermissionsSchema,
  PresetIdSchema,
  formFieldOf,
  parseCreateRequest,
  type CreateField,
  type CreatedToken,
  type FormOptions,
} from '../../shared/protocol';
import { permissionLine, presetName, resourceLabel } from './words';
import * as l10n from '@vscode/l10n';

export { DESCRIPTION_MAX_LENGTH };

// ---------------------------------------------------------------------------
// Expiration
// ---------------------------------------------------------------------------

/** A choice of the Expiration field. `custom` uses `FormDraft.customDate`. */
export type ExpiryChoice = '7d' | '30d' | '90d' | '365d' | 'custom' | 'never';

/** The Expiration choices in display order, with their length in days (none for `custom`/`never`). */
export const EXPIRY_CHOICES: readonly { readonly id: ExpiryChoice; readonly days?: number }[] = [
  { id: '7d', days: 7 },
  { id: '30d', days: 30 },
  { id: '90d', days: 90 },
  { id: '365d', days: 365 },
  { id: 'custom' },
  { id: 'never' },
];

/** The label of an Expiration choice, e.g. `30 days`. */
export function expiryLabel(id: ExpiryChoice): string {
  switch (id) {
    case '7d':
      return l10n.t('7 days');
    case '30d':
      return l10n.t('30 days');
    case '90d':
      return l10n.t('90 days');
    case '365d':
      return l10n.t('1 year (365 days)');
    case 'custom':
      return l10n.t('Custom date…');
    case 'never':
      return l10n.t('Never expires');
  }
}

/** The default expiration: 30 days, as the controller's own form (least privilege in time, too). */
export const DEFAULT_EXPIRY: ExpiryChoice = '30d';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The resulting expiration of a choice: never, an instant, or why the choice is invalid. */
export type ExpiryResult = { kind: 'never' } | { kind: 'at'; at: Date } | { kind: 'error'; message: string };

/**
 * Parses a `YYYY-MM-DD` calendar date (as a date picker gives it) and returns
 * the END of that day in the local time zone (23:59:59.000 local), so a token
 * "expiring on" a date is valid for the whole day. `undefined` when the string
 * is not a valid date (e.g. `2026-02-30`) or the year is outside 1970–9999.
 */
export function endOfLocalDay(date: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const at = new Date(y, mo - 1, d, 23, 59, 59, 0);
  if (at.getFullYear() !== y || at.getMonth() !== mo - 1 || at.getDate() !== d) return undefined;
  return at;
}

/** The local calendar date of `d` as `YYYY-MM-DD` (for a date picker's `min`/default value). */
export function localDateString(d: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The expiration instant of a choice at time `now` (ms precision):
 * `N days` = now + N × 24 h; `custom` = end of the chosen local day, which
 * must be in the future; `never` = no expiration.
 */
export function computeExpiry(choice: ExpiryChoice, customDate: string, now: Date): ExpiryResult {
  if (choice === 'never') return { kind: 'never' };
  if (choice === 'custom') {
    if (customDate.trim() === '') return { kind: 'error', message: l10n.t('Choose an expiration date.') };
    const at = endOfLocalDay(customDate.trim());
    // No format in the message: the date picker shows the date in the user's locale format.
    const past = l10n.t('The expiration date is in the past. Choose today or a later date.');
    // A whole date before 1970 (a year typed as 0202) is a date in the past, not an invalid one.
    const year = /^(\d{4})-\d{2}-\d{2}$/.exec(customDate.trim())?.[1];
    const beforeEpoch = year !== undefined && Number(year) < 1970 && endOfLocalDay(`2000${customDate.trim().slice(4)}`) !== undefined;
    if (!at) return { kind: 'error', message: beforeEpoch ? past : l10n.t('Enter a valid date.') };
    if (at.getTime() <= now.getTime()) return { kind: 'error', message: past };
    return { kind: 'at', at };
  }
  const info = EXPIRY_CHOICES.find((c) => c.id === choice);
  return { kind: 'at', at: new Date(now.getTime() + (info?.days ?? 30) * DAY_MS) };
}

/**
 * Formats an expiration instant for people: in the user's locale and time
 * zone (with the zone's short name), and in UTC as `YYYY-MM-DD HH:mm UTC`.
 * `localIsUtc` is true when the local zone is at UTC at that instant (then
 * both say the same and only `local` should be shown).
 * `locale`/`timeZone` default to the runtime's (tests pass them explicitly).
 */
export function formatExpiry(at: Date, opts: { locale?: string; timeZone?: string } = {}): { local: string; utc: string; localIsUtc: boolean } {
  const base: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' };
  const zone = opts.timeZone ? { timeZone: opts.timeZone } : {};
  const local = new Intl.DateTimeFormat(opts.locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    ...zone,
  }).format(at);
  const localIsUtc =
    new Intl.DateTimeFormat('en-US', { ...base, ...zone }).format(at) === new Intl.DateTimeFormat('en-US', { ...base, timeZone: 'UTC' }).format(at);
  const iso = at.toISOString();
  return { local, utc: l10n.t('{0} UTC', `${iso.slice(0, 10)} ${iso.slice(11, 16)}`), localIsUtc };
}

/**
 * One line for an expiration instant, each time once and labelled:
 * `<local> (local time) · <YYYY-MM-DD HH:mm> UTC`, or just `<local>` when the
 * local zone is UTC (the two would say the same).
 */
export function expiryLine(f: { local: string; utc: string; localIsUtc: boolean }): { local: string; utc: string | undefined } {
  return f.localIsUtc ? { local: f.local, utc: undefined } : { local: l10n.t('{0} (local time)', f.local), utc: f.utc };
}

/** "in 30 days", "in 5 hours", "in 12 minutes" (rounded down, real plurals; for helper text). */
export function describeFromNow(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  if (ms <= 0) return l10n.t('now');
  const days = Math.floor(ms / DAY_MS);
  if (days >= 1) return days === 1 ? l10n.t('in 1 day') : l10n.t('in {0} days', days);
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 1) return hours === 1 ? l10n.t('in 1 hour') : l10n.t('in {0} hours', hours);
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  return minutes === 1 ? l10n.t('in 1 minute') : l10n.t('in {0} minutes', minutes);
}

// ---------------------------------------------------------------------------
// Draft (form state) and grid edits
// ---------------------------------------------------------------------------

/** The state of the form. Contains nothing secret; may be persisted with `setState`. */
export interface FormDraft {
  /** As typed (trimmed only when the request is built). */
  description: string;
  expiry: ExpiryChoice;
  /** `YYYY-MM-DD` (local calendar date) for `expiry = custom`, else ignored; `''` when unset. */
  customDate: string;
  /** The preset the grid currently matches (`custom` when none does). */
  preset: PresetId;
  /** Requested permissions, always within the role's ceiling and normalised. */
  permissions: Permissions;
}

/**
 * A fresh draft for `role`: empty description, 30 days, and the Telegraf agent
 * preset (configs:read + heartbeat:write) unless `preset` says otherwise.
 */
export function initialDraft(role: Role, preset: PresetId = 'telegraf-agent'): FormDraft {
  return { description: '', expiry: DEFAULT_EXPIRY, customDate: '', preset, permissions: presetPermissions(preset, role) };
}

/**
 * A draft started for a new purpose (a command opened the form for a file with
 * a suggested description): takes that description and the default expiry, so
 * an earlier draft's date (possibly past by now) does not carry over. The
 * permissions stay as they are; the caller applies the suggested preset.
 */
export function withSuggestedDescription(draft: FormDraft, description: string): FormDraft {
  return { ...draft, description, expiry: DEFAULT_EXPIRY, customDate: '' };
}

/**
 * Selects a preset: fills the grid with its permissions for `role`. Selecting
 * `custom` keeps the current grid (the user edits it next).
 */
export function applyPreset(draft: FormDraft, preset: PresetId, role: Role): FormDraft {
  if (preset === 'custom') return { ...draft, preset: 'custom' };
  return { ...draft, preset, permissions: presetPermissions(preset, role) };
}

/** True when `role` may grant `action` on `resource` (its tooltip reason is `whyNotGrantable`). */
export function isGrantable(role: Role, resource: ResourceId, action: Action): boolean {
  return whyNotGrantable(role, resource, action) === undefined;
}

function withPermissions(draft: FormDraft, perms: Permissions, role: Role): FormDraft {
  const permissions = normalizePermissions(effectivePermissions(perms, role));
  // Editing the grid switches the preset to Custom, unless the result is exactly a preset.
  return { ...draft, permissions, preset: matchPreset(permissions, role) };
}

function setActions(perms: Permissions, cells: readonly (readonly [ResourceId, Action])[], on: boolean): Permissions {
  const out: Permissions = {};
  for (const r of RESOURCES) out[r.id] = [...(perms[r.id] ?? [])];
  for (const [res, act] of cells) {
    const list = out[res] ?? [];
    if (on && !list.includes(act)) list.push(act);
    if (!on) {
      const i = list.indexOf(act);
      if (i >= 0) list.splice(i, 1);
    }
    out[res] = list;
  }
  return out;
}

/** Sets one cell. Cells the role cannot grant, or that do not exist, are left unchanged. */
export function setCell(draft: FormDraft, resource: ResourceId, action: Action, on: boolean, role: Role): FormDraft {
  const info = RESOURCES.find((r) => r.id === resource);
  if (!info || !info.actions.includes(action) || !isGrantable(role, resource, action)) return draft;
  return withPermissions(draft, setActions(draft.permissions, [[resource, action]], on), role);
}

/** Grantable cells of a row / a column / the whole grid. */
export function grantableCells(role: Role, scope: { resource?: ResourceId; action?: Action } = {}): [ResourceId, Action][] {
  const out: [ResourceId, Action][] = [];
  for (const r of RESOURCES) {
    if (scope.resource && r.id !== scope.resource) continue;
    for (const a of r.actions) {
      if (scope.action && a !== scope.action) continue;
      if (isGrantable(role, r.id, a)) out.push([r.id, a]);
    }
  }
  return out;
}

/** The row's "All" checkbox: sets every grantable action of the resource. */
export function setRow(draft: FormDraft, resource: ResourceId, on: boolean, role: Role): FormDraft {
  return withPermissions(draft, setActions(draft.permissions, grantableCells(role, { resource }), on), role);
}

/** A column's "All" checkbox: sets `action` on every resource where it exists and is grantable. */
export function setColumn(draft: FormDraft, action: Action, on: boolean, role: Role): FormDraft {
  return withPermissions(draft, setActions(draft.permissions, grantableCells(role, { action }), on), role);
}

/** The corner "All" checkbox: every grantable cell of the grid. */
export function setAll(draft: FormDraft, on: boolean, role: Role): FormDraft {
  return withPermissions(draft, setActions(draft.permissions, grantableCells(role), on), role);
}

/** State of an "All" checkbox over a set of cells: how many are grantable and how many are granted. */
export interface AggregateState {
  /** `none` also when nothing is grantable (then `disabled`). */
  state: 'all' | 'some' | 'none';
  disabled: boolean;
  granted: number;
  grantable: number;
}

function aggregate(perms: Permissions, cells: [ResourceId, Action][]): AggregateState {
  const granted = cells.filter(([r, a]) => hasPermission(perms, r, a)).length;
  const grantable = cells.length;
  return {
    state: grantable > 0 && granted === grantable ? 'all' : granted > 0 ? 'some' : 'none',
    disabled: grantable === 0,
    granted,
    grantable,
  };
}

/** State of a row's "All" checkbox. */
export function rowState(perms: Permissions, resource: ResourceId, role: Role): AggregateState {
  return aggregate(perms, grantableCells(role, { resource }));
}

/** State of a column's "All" checkbox. */
export function columnState(perms: Permissions, action: Action, role: Role): AggregateState {
  return aggregate(perms, grantableCells(role, { action }));
}

/** State of the corner "All" checkbox. */
export function allState(perms: Permissions, role: Role): AggregateState {
  return aggregate(perms, grantableCells(role));
}

// ---------------------------------------------------------------------------
// Summary and notes
// ---------------------------------------------------------------------------

/** Permission pairs that make a token powerful, with why (shown under the summary). */
const SENSITIVE: readonly { resource: ResourceId; actions: readonly Action[]; note: () => string }[] = [
  { resource: 'configs', actions: ['write', 'delete'], note: () => l10n.t('can change or delete the configurations agents download and run') },
  { resource: 'tokens', actions: ['write', 'delete'], note: () => l10n.t('can create, revoke or delete API tokens') },
  { resource: 'users', actions: ['write', 'delete'], note: () => l10n.t('can change user accounts and roles') },
  { resource: 'invites', actions: ['write'], note: () => l10n.t('can invite new users') },
  { resource: 'password_resets', actions: ['read', 'write', 'delete'], note: () => l10n.t('can see or handle password resets') },
  { resource: 'settings', actions: ['write'], note: () => l10n.t('can change controller-wide settings') },
  { resource: 'license', actions: ['write'], note: () => l10n.t('can change the controller license') },
];

/** The live summary of the form: effective permissions (requested ∩ role), counts and notes. */
export interface PermissionSummary {
  effective: Permissions;
  /** Number of (resource, action) pairs effective. */
  count: number;
  /** One line per resource, e.g. `Configurations: read, write`. */
  lines: string[];
  /** Requested pairs the role drops (empty when the grid only offers grantable cells). */
  dropped: string[];
  /** Sentences about powerful permissions, e.g. `Tokens: write — can create, revoke or delete API tokens`. */
  sensitive: string[];
  /** True when the token has what a Telegraf agent needs (configs:read + heartbeat:write). */
  coversTelegrafAgent: boolean;
}

/** Computes the live summary of `requested` for `role`. */
export function summarize(requested: Permissions, role: Role): PermissionSummary {
  const effective = effectivePermissions(requested, role);
  const norm = normalizePermissions(effective);
  const lines = RESOURCES.filter((r) => (norm[r.id]?.length ?? 0) > 0).map((r) =>
    permissionLine(
      r.id,
      (effective[r.id] ?? []).filter((a) => r.actions.includes(a)),
    ),
  );
  const dropped: string[] = [];
  for (const r of RESOURCES) {
    for (const a of requested[r.id] ?? []) {
      if (r.actions.includes(a) && !hasPermission(effective, r.id, a)) dropped.push(permissionLine(r.id, [a]));
    }
  }
  const sensitive: string[] = [];
  for (const s of SENSITIVE) {
    const acts = s.actions.filter((a) => hasPermission(effective, s.resource, a));
    if (acts.length) sensitive.push(l10n.t('{0} — {1}', permissionLine(s.resource, acts), s.note()));
  }
  const coversTelegrafAgent = Object.entries(TELEGRAF_AGENT_PERMISSIONS).every(([res, acts]) =>
    (acts ?? []).every((a) => hasPermission(effective, res as ResourceId, a)),
  );
  return { effective, count: countPermissions(effective), lines, dropped, sensitive, coversTelegrafAgent };
}

/**
 * The active token whose description equals `description` (trimmed,
 * case-insensitive), or `undefined`. Used for the duplicate warning.
 */
export function findDuplicate(description: string, existing: readonly string[]): string | undefined {
  const d = description.trim().toLocaleLowerCase();
  if (!d) return undefined;
  return existing.find((e) => e.trim().toLocaleLowerCase() === d);
}

/**
 * A suggested description that no active token of the user has yet
 * ({@link findDuplicate}): `description` itself, else with ` #2`, ` #3`, …
 * appended (cut so the result keeps to {@link DESCRIPTION_MAX_LENGTH}), so
 * tokens made for the same file are told apart in the Tokens view.
 */
export function uniqueDescription(description: string, existing: readonly string[]): string {
  if (!findDuplicate(description, existing)) return description;
  for (let n = 2; ; n++) {
    const suffix = ` #${n}`;
    const candidate = `${description.slice(0, DESCRIPTION_MAX_LENGTH - suffix.length)}${suffix}`;
    if (!findDuplicate(candidate, existing)) return candidate;
  }
}

// ---------------------------------------------------------------------------
// Validation and the request
// ---------------------------------------------------------------------------

/** Messages per field of the form; `form` is for errors that belong to no field. */
export type FieldMessages = Partial<Record<CreateField | 'form', string>>;

/** Result of validating the draft: errors block submitting, warnings do not. */
export interface DraftValidation {
  errors: FieldMessages;
  warnings: FieldMessages;
  /** The request to send, when there are no errors. */
  request?: CreateTokenRequest;
  /** The expiration the request would carry (for display). */
  expiry: ExpiryResult;
}

/** Context of validation: the user's role, the clock and the user's active token descriptions. */
export interface ValidationContext {
  role: Role;
  now: Date;
  existingDescriptions: readonly string[];
}

/**
 * Validates the draft and builds the request. Errors: description empty or
 * longer than 255 (after trimming); custom date missing/invalid/past; no
 * permission selected. Warnings: a description equal to an active token's;
 * "never expires". The request carries the effective permissions (never more
 * than the role allows) and the matching preset id; it is finally checked
 * with `parseCreateRequest`, the schema the extension checks again.
 */
export function validateDraft(draft: FormDraft, ctx: ValidationContext): DraftValidation {
  const errors: FieldMessages = {};
  const warnings: FieldMessages = {};
  const description = draft.description.trim();
  if (description === '') errors.description = l10n.t('Enter a description, e.g. the host or agent group the token is for.');
  else if (description.length > DESCRIPTION_MAX_LENGTH)
    errors.description = l10n.t('The description is {0} characters long; the limit is {1}.', description.length, DESCRIPTION_MAX_LENGTH);
  else {
    const dup = findDuplicate(description, ctx.existingDescriptions);
    if (dup !== undefined)
      warnings.description = l10n.t(
        'You already have an active token described “{0}”. A distinct description makes tokens easier to tell apart and revoke.',
        dup,
      );
  }

  const expiry = computeExpiry(draft.expiry, draft.customDate, ctx.now);
  if (expiry.kind === 'error') errors.expiresAt = expiry.message;
  if (expiry.kind === 'never')
    warnings.expiresAt = l10n.t('A token that never expires stays valid until someone revokes it. Prefer an expiration and rotate the token.');

  const permissions = normalizePermissions(effectivePermissions(draft.permissions, ctx.role));
  if (countPermissions(permissions) === 0) errors.permissions = l10n.t('Select at least one permission.');

  if (Object.keys(errors).length > 0) return { errors, warnings, expiry };

  const raw = {
    description,
    expiresAt: expiry.kind === 'at' ? expiry.at.toISOString() : null,
    permissions,
    preset: matchPreset(permissions, ctx.role),
  };
  const parsed = parseCreateRequest(raw, ctx.now.getTime());
  if (!parsed.ok) return { errors: parsed.fieldErrors, warnings, expiry };
  return { errors, warnings, request: parsed.request, expiry };
}

/**
 * Sorts server field errors (`ControllerError.fieldErrors`, keys are dot
 * paths) onto the form's fields; unknown keys go to `form`. Multiple
 * messages for one field are joined with a space.
 */
export function mapServerFieldErrors(fieldErrors: Record<string, string> | undefined): FieldMessages {
  const out: FieldMessages = {};
  for (const [key, msg] of Object.entries(fieldErrors ?? {})) {
    const field = formFieldOf(key);
    let text = msg;
    if (field === 'permissions' && key.includes('.')) {
      const sub = key.slice(key.indexOf('.') + 1);
      const res = sub.split('.')[0] ?? sub;
      text = l10n.t('{0}: {1}', RESOURCES.some((r) => r.id === res) ? resourceLabel(res) : sub, msg);
    }
    out[field] = out[field] ? `${out[field]} ${text}` : text;
  }
  return out;
}

/** The label of a preset id. */
export function presetLabel(id: PresetId): string {
  return presetName(id);
}

/** The accessible name of a grid cell, e.g. `Configurations: read`. */
export function cellLabel(resource: ResourceId, action: Action): string {
  return permissionLine(resource, [action]);
}

/** Actions in column order (re-exported for the grid). */
export { ACTIONS };

// ---------------------------------------------------------------------------
// Persisted view state (webview setState/getState)
// ---------------------------------------------------------------------------

const ExpiryChoiceSchema = z.enum(['7d', '30d', '90d', '365d', 'custom', 'never']);

/** A draft as persisted. */
export const FormDraftSchema = z.strictObject({
  description: z.string().max(10_000),
  expiry: ExpiryChoiceSchema,
  customDate: z.string().max(20),
  preset: PresetIdSchema,
  permissions: MessagePermissionsSchema,
});

/**
 * What the webview persists with `setState` (survives hiding/reloading the
 * panel, not closing it). STRICT and without any field for a token value:
 * after a reload, the "created" screen shows the token's id and prefix only.
 */
export const ViewStateSchema = z.strictObject({
  v: z.literal(1),
  draft: FormDraftSchema,
  /** Options the form was opened with (preset suggestion and its reason). */
  options: FormOptionsSchema,
  /** The token created last, when the "created" screen is showing. */
  created: CreatedTokenSchema.optional(),
});

/** The persisted view state. */
export interface ViewState {
  v: 1;
  draft: FormDraft;
  options: FormOptions;
  created?: CreatedToken;
}

/** Parses a persisted state; `undefined` when missing or invalid (then the form starts fresh). */
export function parseViewState(raw: unknown): ViewState | undefined {
  const r = ViewStateSchema.safeParse(raw);
  if (!r.success) return undefined;
  const s: ViewState = { v: 1, draft: r.data.draft, options: r.data.options };
  if (r.data.created) s.created = r.data.created;
  return s;
}
