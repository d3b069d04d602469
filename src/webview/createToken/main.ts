/**
 * Entry of the "Create API Token" webview (bundled by esbuild.mjs to
 * dist/webview/createToken.js, loaded as an ES module with the CSP nonce).
 *
 * Flow: static page → `ready` → `init` (session, existing descriptions,
 * options) → form → `create` → `created` (value shown ONCE, kept only in a
 * variable of this module and in the DOM while revealed) or `createFailed`
 * (errors next to their fields). The draft and the created token's id/prefix
 * are persisted with `setState`; the value never is, so a reload shows the
 * "created" screen without it (Copy goes through the extension, which reads
 * SecretStorage).
 *
 * Server text (descriptions, usernames, connection label, messages) is only
 * ever set with `textContent`.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';

import { PRESETS, effectivePermissions, samePermissions, type PresetId, type Role } from '../../core/permissions';
import type { CreatedToken, ExtensionToWebview, FormError, FormOptions, SessionInfo } from '../../shared/protocol';
import { descriptionText } from '../../core/text';
import { append, h, icon, replaceChildren, sentence, show } from './dom';
import { PermissionGrid } from './grid';
import {
  DESCRIPTION_MAX_LENGTH,
  EXPIRY_CHOICES,
  applyPreset,
  computeExpiry,
  describeFromNow,
  expiryLabel,
  expiryLine,
  formatExpiry,
  initialDraft,
  localDateString,
  mapServerFieldErrors,
  presetLabel,
  summarize,
  validateDraft,
  uniqueDescription,
  withSuggestedDescription,
  type ExpiryChoice,
  type FieldMessages,
  type FormDraft,
  type ViewState,
} from './model';
import { loadState, onMessage, saveState, send } from './vscodeApi';
import { actionWords, configureWords, describePermissionsWords, errorWords, permissionLine, presetDescription, presetName, roleName } from './words';
import * as l10n from '@vscode/l10n';

// ---------------------------------------------------------------------------
// State of this page (module scope; nothing secret is persisted)
// ---------------------------------------------------------------------------

const app = document.getElementById('app') ?? document.body;

let session: SessionInfo | undefined;
let existingDescriptions: string[] = [];
let options: FormOptions = {};
let draft: FormDraft | undefined;
let created: CreatedToken | undefined;
/** The token value: in memory only, from the `created` message until "Create another"/reload. */
let tokenValue: string | undefined;
/** The draft the last token was requested with (to tell whether the controller narrowed it). */
let requestedWith: FormDraft | undefined;
let pendingCreate: string | undefined;
const pendingActions = new Map<string, HTMLElement>();
let form: FormView | undefined;
let clock: number | undefined;

function persist(): void {
  if (!session || !draft) return;
  const state: ViewState = { v: 1, draft, options };
  if (created) state.created = created;
  saveState(state);
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

function header(title: string, iconName: string): HTMLElement {
  const heading = h('h1', { id: 'page-title', attrs: { tabindex: '-1' } }, icon(iconName), ` ${title}`);
  const line = h('p', { class: 'session-line' });
  if (session) {
    append(
      line,
      ...sentence(
        l10n.t('Signed in as {0} ({1}) on {2}'),
        h('strong', { text: session.username, attrs: { 'data-value': '' } }),
        roleName(session.role),
        h('span', { class: 'connection', text: session.connectionLabel, attrs: { 'data-value': '' } }),
      ),
    );
  }
  return h('header', { class: 'page-header' }, heading, session ? line : null);
}

function banner(kind: 'info' | 'warning' | 'error', ...content: (Node | string)[]): HTMLElement {
  const iconName = kind === 'info' ? 'info' : kind === 'warning' ? 'warning' : 'error';
  return h(
    'div',
    { class: `banner banner-${kind}`, attrs: { role: kind === 'error' ? 'alert' : 'note' } },
    icon(iconName),
    h('div', { class: 'banner-text' }, ...content),
  );
}

function button(label: string, opts: { icon?: string; secondary?: boolean; id?: string; type?: 'submit' | 'button' } = {}): VscodeButton {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (opts.icon) b.icon = opts.icon;
  if (opts.secondary) b.secondary = true;
  if (opts.id) b.id = opts.id;
  b.type = opts.type ?? 'button';
  return b;
}

/** A message line under a field: error (role=alert), warning, or empty. */
class FieldMessage {
  readonly element: HTMLElement;
  constructor(id: string) {
    this.element = h('div', { id, class: 'field-message' });
    show(this.element, false);
  }
  set(error: string | undefined, warning?: string): void {
    const text = error ?? warning;
    show(this.element, text !== undefined);
    this.element.className = `field-message ${error ? 'error' : 'warning'}`;
    if (error) this.element.setAttribute('role', 'alert');
    else this.element.removeAttribute('role');
    replaceChildren(this.element, text ? icon(error ? 'error' : 'warning') : null, text ? h('span', { text }) : null);
  }
}

function focusTitle(): void {
  document.getElementById('page-title')?.focus();
}

function stopClock(): void {
  if (clock !== undefined) window.clearInterval(clock);
  clock = undefined;
}

// ---------------------------------------------------------------------------
// Screens: loading, not signed in, viewer
// ---------------------------------------------------------------------------

function renderLoading(): void {
  replaceChildren(app, h('p', { class: 'loading', attrs: { role: 'status' } }, icon('loading', 'codicon-modifier-spin'), ` ${l10n.t('Loading…')}`));
}

function renderSignedOut(): void {
  stopClock();
  form = undefined;
  const retry = button(l10n.t('Try Again'), { icon: 'refresh' });
  retry.addEventListener('click', () => {
    renderLoading();
    send({ type: 'ready' });
  });
  replaceChildren(
    app,
    header(l10n.t('Create API Token'), 'key'),
    banner('info', l10n.t('You are not signed in to a Telegraf Controller. Sign in from the Telegraf Controller view, then try again.')),
    h('div', { class: 'actions' }, retry),
  );
}

function renderViewer(): void {
  stopClock();
  form = undefined;
  const close = button(l10n.t('Close'), { secondary: true });
  close.addEventListener('click', () => send({ type: 'close' }));
  replaceChildren(
    app,
    header(l10n.t('Create API Token'), 'key'),
    banner(
      'info',
      h('strong', { text: `${l10n.t('Viewers cannot create tokens.')} ` }),
      l10n.t(
        'Your role on this controller is Viewer, which is read-only and cannot manage API tokens. Ask an Owner or Administrator to create a token for you, or to change your role.',
      ),
    ),
    h('div', { class: 'actions' }, close),
  );
  focusTitle();
}

// ---------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------

interface FormView {
  description: VscodeTextfield;
  counter: HTMLElement;
  descriptionMsg: FieldMessage;
  expiry: VscodeSingleSelect;
  /**
   * A native `<input type="date">`: the browser owns its parts (day, month,
   * year) while the user types. Nothing but the first render and the switch
   * to "Custom date" writes its `value`, so a re-render can never replace a
   * half-typed date.
   */
  customDate: HTMLInputElement;
  customDateRow: HTMLElement;
  expiryPreview: HTMLElement;
  expiryMsg: FieldMessage;
  preset: VscodeSingleSelect;
  presetHelp: HTMLElement;
  reason: HTMLElement;
  grid: PermissionGrid;
  permissionsMsg: FieldMessage;
  summary: HTMLElement;
  formMsg: HTMLElement;
  submit: VscodeButton;
  /** Field messages from the server, cleared when the field is edited. */
  serverErrors: FieldMessages;
  /** True after the first submit attempt: from then on errors show live. */
  attempted: boolean;
}

function renderForm(): void {
  if (!session || !draft) return;
  stopClock();
  const role = session.role;

  // Description
  const description = document.createElement('vscode-textfield');
  description.id = 'description';
  description.value = draft.description;
  description.placeholder = l10n.t('e.g. Telegraf on db-01 (production)');
  description.label = l10n.t('Description');
  // Not `required`: the component would paint the empty field as invalid before the user typed anything.
  description.autocomplete = 'off';
  const counter = h('span', { class: 'counter', attrs: { 'aria-hidden': 'true' } });
  const descriptionMsg = new FieldMessage('description-msg');

  // Expiration
  const expiry = document.createElement('vscode-single-select');
  expiry.id = 'expiry';
  expiry.label = l10n.t('Expiration');
  for (const c of EXPIRY_CHOICES) {
    const o = document.createElement('vscode-option');
    o.value = c.id;
    o.textContent = expiryLabel(c.id);
    if (c.id === draft.expiry) o.selected = true;
    expiry.append(o);
  }
  // A native date input, not `vscode-textfield`: that component re-renders its inner input with
  // the value it last read, and a date input reads '' while a part is half-typed, so each such
  // keystroke wiped the whole date.
  const customDate = h('input', {
    id: 'custom-date',
    class: 'date-input',
    attrs: { type: 'date', 'aria-label': l10n.t('Expiration date'), 'aria-describedby': 'expiry-preview expiry-msg' },
  });
  customDate.value = draft.customDate;
  customDate.min = localDateString(new Date());
  const customDateRow = h(
    'div',
    { class: 'custom-date' },
    h('vscode-label', { attrs: { for: 'custom-date' }, text: l10n.t('Expires at the end of') }),
    customDate,
  );
  const expiryPreview = h('div', { id: 'expiry-preview', class: 'helper expiry-preview' });
  const expiryMsg = new FieldMessage('expiry-msg');

  // Preset
  const preset = document.createElement('vscode-single-select');
  preset.id = 'preset';
  preset.label = l10n.t('Permissions preset');
  for (const p of PRESETS) {
    const o = document.createElement('vscode-option');
    o.value = p.id;
    o.textContent = p.id === 'telegraf-agent' ? l10n.t('{0} (recommended)', presetName(p.id)) : presetName(p.id);
    if (p.id === draft.preset) o.selected = true;
    preset.append(o);
  }
  const presetHelp = h('div', { id: 'preset-help', class: 'helper' });
  const reason = h('div', { class: 'reason' });

  // Grid
  const permissionsMsg = new FieldMessage('permissions-msg');
  const grid = new PermissionGrid(
    role,
    draft,
    {
      onChange: (next) => {
        // The grid owns only the permissions and the preset they imply; every
        // other field (description, expiry) stays as the user left it.
        if (!draft) return;
        draft = { ...draft, permissions: next.permissions, preset: next.preset };
        if (form) form.serverErrors.permissions = undefined;
        syncFromDraft({ grid: false });
      },
      onSubmit: () => submit(),
    },
    'permissions-title',
    'permissions-help',
  );

  const summary = h('section', { class: 'summary', attrs: { 'aria-labelledby': 'summary-title' } });
  const formMsg = h('div', { class: 'form-message' });
  const submitBtn = button(l10n.t('Create Token'), { icon: 'key', type: 'submit', id: 'submit' });
  const cancel = button(l10n.t('Cancel'), { secondary: true });
  cancel.addEventListener('click', () => send({ type: 'close' }));

  const formEl = h(
    'form',
    { id: 'create-form', attrs: { novalidate: '', autocomplete: 'off' } },
    h(
      'div',
      { class: 'layout' },
      h(
        'div',
        { class: 'fields' },
        reason,
        h(
          'div',
          { class: 'field' },
          h('div', { class: 'label-row' }, h('vscode-label', { attrs: { for: 'description', required: '' }, text: l10n.t('Description') }), counter),
          description,
          h('div', { class: 'helper', id: 'description-help', text: l10n.t('What the token is for, so you can recognise and revoke it later.') }),
          descriptionMsg.element,
        ),
        h(
          'div',
          { class: 'field' },
          h('vscode-label', { attrs: { for: 'expiry' }, text: l10n.t('Expiration') }),
          expiry,
          customDateRow,
          expiryPreview,
          expiryMsg.element,
        ),
        h('div', { class: 'field' }, h('vscode-label', { attrs: { for: 'preset' }, text: l10n.t('Permissions preset') }), preset, presetHelp),
        summary,
      ),
      h(
        'div',
        { class: 'permissions' },
        h('h2', { id: 'permissions-title', text: l10n.t('Permissions') }),
        h('p', {
          id: 'permissions-help',
          class: 'helper',
          text: l10n.t(
            "A token never exceeds its owner's role. Cells your role ({0}) cannot grant are disabled; hover or focus them for the reason. Arrow keys move, Space toggles.",
            roleName(role),
          ),
        }),
        h('div', { class: 'grid-wrap' }, grid.element),
        grid.hint,
        permissionsMsg.element,
      ),
    ),
    h('div', { class: 'footer' }, formMsg, h('div', { class: 'actions' }, cancel, submitBtn)),
  );

  replaceChildren(app, header(l10n.t('Create API Token'), 'key'), formEl);

  form = {
    description,
    counter,
    descriptionMsg,
    expiry,
    customDate,
    customDateRow,
    expiryPreview,
    expiryMsg,
    preset,
    presetHelp,
    reason,
    grid,
    permissionsMsg,
    summary,
    formMsg,
    submit: submitBtn,
    serverErrors: {},
    attempted: false,
  };

  description.addEventListener('input', () => {
    if (!draft || !form) return;
    draft = { ...draft, description: description.value };
    form.serverErrors.description = undefined;
    syncFromDraft({ grid: false });
  });
  expiry.addEventListener('change', () => {
    if (!draft || !form) return;
    const choice = expiry.value as ExpiryChoice;
    draft = { ...draft, expiry: choice };
    if (choice === 'custom' && draft.customDate === '') {
      // Suggest the date 30 days from now; the user adjusts it in the picker.
      draft = { ...draft, customDate: localDateString(new Date(Date.now() + 30 * 86_400_000)) };
      customDate.value = draft.customDate;
    }
    form.serverErrors.expiresAt = undefined;
    syncFromDraft({ grid: false });
    if (choice === 'custom') window.setTimeout(() => customDate.focus(), 0);
  });
  const onDate = () => {
    if (!draft || !form) return;
    // Read only: while a part is half-typed the input reports '' (and `validity.badInput`);
    // the draft follows, the control keeps what the user sees.
    draft = { ...draft, customDate: customDate.value };
    form.serverErrors.expiresAt = undefined;
    syncFromDraft({ grid: false });
  };
  customDate.addEventListener('input', onDate);
  customDate.addEventListener('change', onDate);
  customDate.addEventListener('blur', () => syncFromDraft({ grid: false, quiet: true }));
  preset.addEventListener('change', () => {
    if (!draft || !session || !form) return;
    draft = applyPreset(draft, preset.value as PresetId, session.role);
    form.serverErrors.permissions = undefined;
    syncFromDraft({ grid: true });
  });
  formEl.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  formEl.addEventListener('keydown', (e) => {
    // Ctrl/Cmd+Enter anywhere; plain Enter in the date too, as in the text fields (a date input does not submit by itself).
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || (e.target === customDate && !e.shiftKey && !e.altKey))) {
      e.preventDefault();
      submit();
    }
  });

  syncFromDraft({ grid: true });
  clock = window.setInterval(() => syncFromDraft({ grid: false, quiet: true }), 30_000);
  app.removeAttribute('data-ready');
  // Focus as soon as the field has rendered: a microtask, so before the next key event is handled
  // (a timer could run after a key typed right after "Create Another", and that key would be lost).
  void description.updateComplete.then(() => {
    description.focus();
    // The form is rendered and has its initial focus: keys typed from now on reach the fields.
    app.setAttribute('data-ready', '');
  });
}

/** True while the date input has the focus and holds a date with some parts still empty. */
function isTypingDate(input: HTMLInputElement): boolean {
  if (document.activeElement !== input) return false;
  // Some parts empty, or the year part still being typed digit by digit (0002, 0020, 0202 on the way to 2027).
  return (input.value === '' && input.validity.badInput) || /^0\d{3}-/.test(input.value);
}

/**
 * The message for a date the browser cannot read, if it is one: some parts
 * still empty, or a day that does not exist (02/29 of a common year): the
 * date input reports both the same way (an empty value and `badInput`).
 */
function incompleteDate(input: HTMLInputElement): string | undefined {
  return input.value === '' && input.validity.badInput ? l10n.t('Enter a whole date that exists: day, month and year.') : undefined;
}

/**
 * Brings every part of the form in line with `draft` (and persists it). Never
 * writes the value of a field the user types in: those are read into `draft`.
 */
function syncFromDraft(opts: { grid: boolean; quiet?: boolean }): void {
  if (!form || !draft || !session) return;
  const role = session.role;
  const now = new Date();
  const v = validateDraft(draft, { role, now, existingDescriptions });
  const show_ = (field: 'description' | 'expiresAt' | 'permissions') =>
    form!.serverErrors[field] ??
    (form!.attempted || field !== 'description' || draft!.description.trim().length > DESCRIPTION_MAX_LENGTH ? v.errors[field] : undefined);

  // Description
  const trimmedLength = draft.description.trim().length;
  form.counter.textContent = `${trimmedLength} / ${DESCRIPTION_MAX_LENGTH}`;
  form.counter.classList.toggle('over', trimmedLength > DESCRIPTION_MAX_LENGTH);
  const descErr = show_('description');
  form.description.invalid = descErr !== undefined;
  form.descriptionMsg.set(descErr, v.warnings.description);

  // Expiration
  if (form.expiry.value !== draft.expiry) form.expiry.value = draft.expiry;
  show(form.customDateRow, draft.expiry === 'custom');
  // A date still being typed (some parts empty) is not an error yet: only once the field loses
  // the focus or the user tries to create.
  const typing = !form.attempted && isTypingDate(form.customDate);
  const expErr = form.serverErrors.expiresAt ?? (draft.expiry === 'custom' && !typing ? (incompleteDate(form.customDate) ?? v.errors.expiresAt) : undefined);
  form.customDate.setAttribute('aria-invalid', String(expErr !== undefined));
  form.customDate.classList.toggle('invalid', expErr !== undefined);
  form.expiryMsg.set(expErr, v.warnings.expiresAt);
  const exp = computeExpiry(draft.expiry, draft.customDate, now);
  if (exp.kind === 'at') {
    const f = formatExpiry(exp.at);
    replaceChildren(
      form.expiryPreview,
      icon('calendar'),
      h(
        'span',
        {},
        `${l10n.t('Expires {0}:', describeFromNow(exp.at, now))} `,
        h('strong', { text: expiryLine(f).local, attrs: { 'data-value': '' } }),
        expiryLine(f).utc ? h('span', { class: 'utc', text: ` · ${expiryLine(f).utc}`, attrs: { 'data-value': '' } }) : null,
      ),
    );
    show(form.expiryPreview, true);
  } else if (exp.kind === 'never') {
    show(form.expiryPreview, false);
  } else {
    show(form.expiryPreview, false);
  }

  // Preset
  if (form.preset.value !== draft.preset) form.preset.value = draft.preset;
  form.presetHelp.textContent = presetDescription(draft.preset);
  renderReason(form.reason);

  // Grid
  if (opts.grid) form.grid.update(draft);
  const permErr = form.serverErrors.permissions ?? (form.attempted ? v.errors.permissions : undefined);
  form.grid.setInvalid(permErr !== undefined);
  form.permissionsMsg.set(permErr);

  renderSummary(form.summary, role);
  if (!opts.quiet) persist();
}

function renderReason(el: HTMLElement): void {
  if (!options.reason && !options.preset) {
    replaceChildren(el);
    show(el, false);
    return;
  }
  show(el, true);
  const parts: (Node | string)[] = [];
  if (options.reason) parts.push(h('span', { class: 'reason-text', text: options.reason }));
  if (options.preset && options.preset !== 'custom') {
    const matches = draft?.preset === options.preset;
    parts.push(
      h('span', {
        class: 'reason-preset',
        text: matches
          ? l10n.t('Suggested preset: {0} (selected).', presetLabel(options.preset))
          : l10n.t('Suggested preset: {0}. The current selection differs.', presetLabel(options.preset)),
      }),
    );
  }
  replaceChildren(el, banner('info', ...parts));
}

function renderSummary(el: HTMLElement, role: Role): void {
  if (!draft) return;
  const s = summarize(draft.permissions, role);
  const title = h('h2', { id: 'summary-title' }, `${l10n.t('Effective permissions')} `, h('span', { class: 'badge', text: String(s.count) }));
  const explain = h('p', { class: 'helper', text: l10n.t('What the token will be able to do: the selection, intersected with your role.') });
  const list = s.lines.length
    ? h('ul', { class: 'summary-list' }, ...s.lines.map((l) => h('li', {}, icon('pass', 'ok'), h('span', { text: l }))))
    : h('p', { class: 'summary-empty', text: l10n.t('Nothing selected yet.') });
  const notes: HTMLElement[] = [];
  if (s.dropped.length)
    notes.push(h('p', { class: 'note warning' }, icon('warning'), h('span', { text: l10n.t('Your role drops: {0}.', s.dropped.join(l10n.t(', '))) })));
  if (s.sensitive.length) {
    notes.push(
      h(
        'div',
        { class: 'note warning' },
        icon('shield'),
        h(
          'div',
          {},
          h('span', { text: l10n.t('Powerful permissions — keep this token especially safe:') }),
          h('ul', {}, ...s.sensitive.map((x) => h('li', { text: x }))),
        ),
      ),
    );
  }
  if (options.preset === 'telegraf-agent' && !s.coversTelegrafAgent && s.count > 0) {
    notes.push(
      h(
        'p',
        { class: 'note warning' },
        icon('warning'),
        h('span', { text: l10n.t('A Telegraf agent needs Configurations: read and Heartbeat: write; this selection lacks at least one of them.') }),
      ),
    );
  } else if (s.coversTelegrafAgent && s.count === 2) {
    notes.push(h('p', { class: 'note ok' }, icon('verified'), h('span', { text: l10n.t('Exactly what a Telegraf agent needs, nothing more.') })));
  }
  replaceChildren(el, title, explain, list, ...notes);
}

function submit(): void {
  if (!form || !draft || !session || pendingCreate) return;
  form.attempted = true;
  const v = validateDraft(draft, { role: session.role, now: new Date(), existingDescriptions });
  syncFromDraft({ grid: false });
  setFormMessage(undefined);
  if (!v.request) {
    if (v.errors.description) form.description.focus();
    else if (v.errors.expiresAt) (draft.expiry === 'custom' ? form.customDate : form.expiry).focus();
    else if (v.errors.permissions) form.grid.focus();
    else if (v.errors.form) setFormMessage(v.errors.form);
    return;
  }
  requestedWith = draft;
  setBusy(true);
  pendingCreate = send({ type: 'create', request: { ...v.request } });
}

function setBusy(busy: boolean): void {
  if (!form) return;
  form.submit.disabled = busy;
  form.submit.icon = busy ? 'loading' : 'key';
  form.submit.iconSpin = busy;
  form.submit.textContent = busy ? l10n.t('Creating…') : l10n.t('Create Token');
  app.setAttribute('aria-busy', busy ? 'true' : 'false');
}

function setFormMessage(text: string | undefined): void {
  if (!form) return;
  replaceChildren(form.formMsg, text ? banner('error', h('span', { text })) : null);
}

function onCreateFailed(error: FormError): void {
  pendingCreate = undefined;
  setBusy(false);
  if (!form) return;
  const byField = formErrorFields(error);
  form.serverErrors = { description: byField.description, expiresAt: byField.expiresAt, permissions: byField.permissions };
  const fieldCount = [byField.description, byField.expiresAt, byField.permissions].filter(Boolean).length;
  setFormMessage([formErrorText(error), byField.form].filter(Boolean).join(' ') || undefined);
  syncFromDraft({ grid: false });
  if (byField.description) form.description.focus();
  else if (byField.expiresAt) form.expiry.focus();
  else if (byField.permissions) form.grid.focus();
  else if (fieldCount === 0) form.submit.focus();
}

/**
 * The sentence of a `createFailed` error: the extension's sentence when it
 * sent one, else the words for its code, with the controller's own message
 * (server text, `args[1]`) after it.
 */
function formErrorText(error: FormError): string | undefined {
  if (error.message !== undefined) return error.message;
  if (error.kind === 'role-denied') return l10n.t('Nothing was sent to the controller.');
  const [status = '', serverMessage = ''] = error.args ?? [];
  const words = errorWords(error.kind, [status]) ?? l10n.t('Creating the token failed ({0}).', error.kind);
  return serverMessage ? l10n.t('{0} The controller said: {1}', words, serverMessage) : words;
}

/** Field messages of a `createFailed` error: server field errors (server text) or the words for a code. */
function formErrorFields(error: FormError): FieldMessages {
  if (error.kind === 'role-denied') {
    const pairs = (error.args ?? []).map((p) => {
      const [res = p, act] = p.split(':');
      return act === 'read' || act === 'write' || act === 'delete' ? permissionLine(res, [act]) : p;
    });
    return { permissions: l10n.t('Your role cannot grant: {0}.', pairs.join(l10n.t(', '))) };
  }
  if (error.kind === 'invalid-request') {
    // The extension's re-validation found what the form's own did not (e.g. a clock difference): word it by field.
    const out: FieldMessages = {};
    for (const key of Object.keys(error.fieldErrors ?? {})) {
      const field = key === 'description' || key === 'expiresAt' || key === 'permissions' ? key : 'form';
      out[field] =
        field === 'description'
          ? l10n.t('Check the description: 1 to 255 characters.')
          : field === 'expiresAt'
            ? l10n.t('The expiration must be in the future.')
            : field === 'permissions'
              ? l10n.t('Select at least one permission.')
              : l10n.t('The request was not valid.');
    }
    return out;
  }
  return mapServerFieldErrors(error.fieldErrors);
}

// ---------------------------------------------------------------------------
// The "created" screen
// ---------------------------------------------------------------------------

/** From the "Token Created" screen to a new form with the same settings ("Create Another", or Create Token run again). */
function createAnother(): void {
  // Once only: a key press can reach the button twice (keydown and keyup); a second render
  // would replace the new form while the user is already typing in it.
  if (!session || !draft || !created) return;
  tokenValue = undefined;
  created = undefined;
  // Same settings; a fresh description (the old one would now be a duplicate).
  draft = { ...draft, description: '' };
  persist();
  renderForm();
}

function renderCreated(): void {
  if (!created || !session) return;
  stopClock();
  form = undefined;
  const token = created;
  const value = tokenValue;

  const valueText = h('code', { id: 'token-value', class: 'token-value', attrs: { 'data-value': '' } });
  let revealed = false;
  const paint = () => {
    if (value === undefined) {
      valueText.textContent = `${token.prefix}…`;
      return;
    }
    valueText.textContent = revealed ? value : `${value.slice(0, Math.min(token.prefix.length || 12, 12))}${'•'.repeat(24)}`;
    valueText.classList.toggle('masked', !revealed);
  };
  paint();

  const status = h('p', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const reveal = button(l10n.t('Reveal'), { icon: 'eye', secondary: true, id: 'reveal' });
  reveal.setAttribute('aria-pressed', 'false');
  reveal.setAttribute('aria-controls', 'token-value');
  reveal.addEventListener('click', () => {
    revealed = !revealed;
    reveal.icon = revealed ? 'eye-closed' : 'eye';
    reveal.textContent = revealed ? l10n.t('Hide') : l10n.t('Reveal');
    reveal.setAttribute('aria-pressed', String(revealed));
    paint();
  });
  const copy = button(l10n.t('Copy'), { icon: 'copy', id: 'copy' });
  copy.addEventListener('click', () => {
    status.textContent = l10n.t('Copying…');
    pendingActions.set(send({ type: 'copyValue', tokenId: token.id }), status);
  });
  const insert = button(l10n.t('Insert into Config…'), { icon: 'insert', secondary: true, id: 'insert' });
  insert.addEventListener('click', () => {
    status.textContent = '';
    pendingActions.set(send({ type: 'insertIntoConfig', tokenId: token.id }), status);
  });
  const another = button(l10n.t('Create Another'), { icon: 'add', secondary: true, id: 'another' });
  another.addEventListener('click', createAnother);
  const close = button(l10n.t('Close'), { secondary: true });
  close.addEventListener('click', () => send({ type: 'close' }));

  const exp = token.expiresAt ? formatExpiry(new Date(token.expiresAt)) : undefined;
  const effective = token.permissions;
  const narrowed =
    requestedWith !== undefined && !samePermissions(effectivePermissions(requestedWith.permissions, session.role), effective)
      ? banner('warning', h('span', { text: l10n.t('The controller narrowed the permissions to: {0}.', describePermissionsWords(effective)) }))
      : null;

  const valueBlock =
    value !== undefined
      ? [
          h('div', { class: 'value-row', attrs: { role: 'group', 'aria-label': l10n.t('Token value') } }, valueText, reveal, copy, insert),
          banner(
            'warning',
            h('strong', { text: `${l10n.t('Copy the value now: it will not be shown again.')} ` }),
            l10n.t(
              'The controller keeps only a hash of it. A copy is kept in VS Code’s Secret Storage on this computer, so Copy and Insert into Config keep working from the Tokens view.',
            ),
          ),
        ]
      : [
          h('div', { class: 'value-row', attrs: { role: 'group', 'aria-label': l10n.t('Token value') } }, valueText, copy, insert),
          banner(
            'info',
            l10n.t('The value is no longer displayed. Copy reads it from VS Code’s Secret Storage on this computer (the clipboard is cleared after a while).'),
          ),
        ];

  replaceChildren(
    app,
    header(l10n.t('Token Created'), 'pass-filled'),
    h(
      'section',
      { class: 'created' },
      ...valueBlock,
      status,
      narrowed,
      h(
        'dl',
        { class: 'details' },
        h('dt', { text: l10n.t('Description') }),
        h('dd', { text: descriptionText(token.description, l10n.t('(no description)'), 1000), attrs: { 'data-value': '' } }),
        h('dt', { text: l10n.t('Token ID') }),
        h('dd', {}, h('code', { text: token.id, attrs: { 'data-value': '' } })),
        h('dt', { text: l10n.t('Prefix') }),
        h('dd', {}, h('code', { text: token.prefix, attrs: { 'data-value': '' } })),
        h('dt', { text: l10n.t('Permissions') }),
        h('dd', { text: describePermissionsWords(effective) }),
        h('dt', { text: l10n.t('Expires') }),
        exp ? h('dd', { attrs: { 'data-value': '' } }, [expiryLine(exp).local, expiryLine(exp).utc].filter(Boolean).join(' · ')) : h('dd', {}, l10n.t('Never')),
      ),
      h('div', { class: 'actions' }, close, another),
    ),
  );
  focusTitle();
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/** True when both describe the same user, role and connection. */
function sameSession(a: SessionInfo | undefined, b: SessionInfo | undefined): boolean {
  return !!a && !!b && a.username === b.username && a.role === b.role && a.connectionLabel === b.connectionLabel;
}

/**
 * Also called again on an open page when the extension's session changes
 * (sign-in, sign-out, another user): the page is rebuilt for the new identity,
 * which drops a stale "not signed in" error.
 */
function onInit(msg: Extract<ExtensionToWebview, { type: 'init' }>): void {
  configureWords(msg.l10n);
  const identityChanged = !sameSession(session, msg.session ?? undefined);
  if (!identityChanged && session && msg.session && form && !created && !msg.optionsAreNew && !msg.created && session.role !== 'viewer') {
    // The same user again (e.g. the extension re-sent the session): keep the form the user is typing
    // in as it is. Re-rendering it would move the focus and could swallow keystrokes.
    session = msg.session;
    existingDescriptions = msg.existingDescriptions;
    syncFromDraft({ grid: false });
    return;
  }
  session = msg.session ?? undefined;
  existingDescriptions = msg.existingDescriptions;
  if (!session) {
    renderSignedOut();
    return;
  }
  if (session.role === 'viewer') {
    saveState(undefined);
    renderViewer();
    return;
  }
  const role = session.role;
  const saved = loadState();
  if (saved && !msg.optionsAreNew) {
    options = saved.options;
    // The role may have changed since: keep only what it can grant.
    const perms = effectivePermissions(saved.draft.permissions, role);
    draft = { ...saved.draft, permissions: perms };
    draft = saved.draft.preset === 'custom' ? { ...draft, preset: 'custom' } : applyPresetIfSame(draft, role);
    created = saved.created;
  } else {
    options = msg.options;
    const base = saved?.draft;
    draft = initialDraft(role, options.preset ?? 'telegraf-agent');
    if (base) draft = { ...draft, description: base.description, expiry: base.expiry, customDate: base.customDate };
    if (options.description !== undefined) draft = withSuggestedDescription(draft, uniqueDescription(options.description, existingDescriptions));
    created = undefined;
  }
  if (msg.created) {
    // Created while this page was hidden: shown without its value.
    created = msg.created;
    pendingCreate = undefined;
    existingDescriptions = [...existingDescriptions, msg.created.description];
  }
  // Never survives a reload (module state starts empty) nor a change of user.
  if (identityChanged) tokenValue = undefined;
  persist();
  if (created) renderCreated();
  else {
    renderForm();
    setBusy(pendingCreate !== undefined);
  }
}

/** Keeps a preset selection only if the (role-narrowed) grid still equals it. */
function applyPresetIfSame(d: FormDraft, role: Role): FormDraft {
  const again = applyPreset(d, d.preset, role);
  return samePermissions(again.permissions, d.permissions) ? again : { ...d, preset: 'custom' };
}

function onApplyOptions(next: FormOptions): void {
  options = next;
  if (!session || session.role === 'viewer') return;
  if (form && draft) {
    if (next.preset) draft = applyPreset(draft, next.preset, session.role);
    // A suggested description (a command opened the form for a file) replaces an earlier draft's.
    if (next.description !== undefined) {
      draft = withSuggestedDescription(draft, uniqueDescription(next.description, existingDescriptions));
      form.description.value = draft.description;
      form.customDate.value = '';
    }
    syncFromDraft({ grid: true });
  } else if (draft) {
    // On the "created" screen: "Create Another" starts from the suggestion.
    if (next.preset) draft = applyPreset(draft, next.preset, session.role);
    if (next.description !== undefined) draft = withSuggestedDescription(draft, uniqueDescription(next.description, existingDescriptions));
    persist();
  }
}

onMessage((msg) => {
  switch (msg.type) {
    case 'init':
      onInit(msg);
      return;
    case 'created':
      if (msg.requestId !== pendingCreate) return;
      pendingCreate = undefined;
      created = msg.token;
      tokenValue = msg.value;
      existingDescriptions = [...existingDescriptions, msg.token.description];
      persist(); // id/prefix only; the value stays in `tokenValue`
      renderCreated();
      return;
    case 'createFailed':
      if (msg.requestId !== pendingCreate) return;
      onCreateFailed(msg.error);
      return;
    case 'actionResult': {
      const target = pendingActions.get(msg.requestId);
      pendingActions.delete(msg.requestId);
      if (!target) return;
      target.className = `status ${msg.ok ? 'ok' : 'error'}`;
      const text = msg.message ?? (msg.code ? (actionWords(msg.code) ?? errorWords(msg.code)) : undefined) ?? (msg.ok ? '' : l10n.t('That did not work.'));
      // Text in the foreground color; the state shows in the icon's color (media/createToken.css).
      if (text) replaceChildren(target, icon(msg.ok ? 'pass-filled' : 'error'), h('span', { text }));
      else target.textContent = '';
      return;
    }
    case 'applyOptions':
      onApplyOptions(msg.options);
      return;
    case 'showForm':
      createAnother();
      return;
    default: {
      const never: never = msg;
      void never;
    }
  }
});

window.addEventListener('beforeunload', () => {
  tokenValue = undefined;
});

renderLoading();
send({ type: 'ready' });
