/**
 * The permission grid of the create form: the 13 resources of docs/api-contract.md
 * "Permission grid" × read/write/delete (a cell is absent where the action
 * does not exist), an "All" column per row, and an "All resources" row whose
 * cells toggle a whole column (its "All" cell toggles the whole grid).
 *
 * Accessibility: a `<table role="grid">` with row/column headers; ONE tab
 * stop (roving tabindex), arrow keys / Home / End / Ctrl+Home / Ctrl+End move
 * between checkboxes, Space toggles, Enter submits the form. Every checkbox
 * has a label such as "Configurations: read". Cells the role cannot grant are
 * `aria-disabled` (still reachable, so the reason can be read), carry the
 * reason from `whyNotGrantable` as a tooltip, and the reason is announced in
 * a polite live region when focused.
 *
 * Browser only; the logic lives in `model.ts`.
 */
import { ACTIONS, RESOURCES, whyNotGrantable, type Action, type ResourceId, type Role } from '../../core/permissions';
import { h, icon } from './dom';
import { actionTitle, actionWord, resourceDescription, resourceLabel, whyNotGrantableWords } from './words';
import * as l10n from '@vscode/l10n';
import { allState, cellLabel, columnState, rowState, setAll, setCell, setColumn, setRow, type AggregateState, type FormDraft } from './model';
import { hasPermission } from '../../core/permissions';

/** What a checkbox of the grid stands for. */
type CellRef =
  { kind: 'cell'; resource: ResourceId; action: Action } | { kind: 'row'; resource: ResourceId } | { kind: 'column'; action: Action } | { kind: 'all' };

/** Callbacks of the grid. */
export interface GridHost {
  /** The draft after a user edit. */
  onChange(next: FormDraft): void;
  /** Enter was pressed inside the grid. */
  onSubmit(): void;
}

/** The permission grid widget. */
export class PermissionGrid {
  /** The table. */
  readonly element: HTMLTableElement;
  /** The live region under the grid explaining the focused checkbox. */
  readonly hint: HTMLElement;
  /** Rows × columns of checkboxes (row 0 = "All resources", column 0 = "All"); `undefined` where a cell is absent. */
  private readonly matrix: (HTMLInputElement | undefined)[][] = [];
  private readonly refs = new Map<HTMLInputElement, CellRef>();
  private draft: FormDraft;

  constructor(
    private readonly role: Role,
    draft: FormDraft,
    private readonly host: GridHost,
    labelledBy: string,
    describedBy: string,
  ) {
    this.draft = draft;
    this.hint = h('p', { id: 'grid-hint', class: 'grid-hint', attrs: { 'aria-live': 'polite' } });
    this.element = this.build(labelledBy, describedBy);
    this.update(draft);
    const first = this.matrix[1]?.find((c) => c !== undefined) ?? this.matrix[0]?.[0];
    if (first) first.tabIndex = 0;
  }

  /** Syncs every checkbox with `draft`. */
  update(draft: FormDraft): void {
    this.draft = draft;
    for (const [input, ref] of this.refs) {
      switch (ref.kind) {
        case 'cell':
          setBox(input, hasPermission(draft.permissions, ref.resource, ref.action) ? 'all' : 'none');
          break;
        case 'row':
          setAggregate(input, rowState(draft.permissions, ref.resource, this.role));
          break;
        case 'column':
          setAggregate(input, columnState(draft.permissions, ref.action, this.role));
          break;
        case 'all':
          setAggregate(input, allState(draft.permissions, this.role));
          break;
      }
    }
  }

  /** Focuses the grid's current tab stop. */
  focus(): void {
    this.allInputs()
      .find((i) => i.tabIndex === 0)
      ?.focus();
  }

  /** Marks the grid invalid (error styling and `aria-invalid`). */
  setInvalid(invalid: boolean): void {
    this.element.classList.toggle('invalid', invalid);
    if (invalid) this.element.setAttribute('aria-invalid', 'true');
    else this.element.removeAttribute('aria-invalid');
  }

  private allInputs(): HTMLInputElement[] {
    return [...this.refs.keys()];
  }

  private build(labelledBy: string, describedBy: string): HTMLTableElement {
    const table = h('table', {
      class: 'grid',
      attrs: { role: 'grid', 'aria-labelledby': labelledBy, 'aria-describedby': `${describedBy} grid-hint` },
    });
    const colgroup = h(
      'colgroup',
      {},
      h('col', { class: 'col-resource' }),
      h('col', { class: 'col-all' }),
      ...ACTIONS.map(() => h('col', { class: 'col-action' })),
    );
    const head = h('thead', {});
    const headRow = h('tr', { attrs: { role: 'row' } });
    headRow.append(
      h('th', { attrs: { role: 'columnheader', scope: 'col' }, text: l10n.t('Resource') }),
      h('th', { class: 'center', attrs: { role: 'columnheader', scope: 'col' }, text: l10n.t('All') }),
      ...ACTIONS.map((a) => h('th', { class: 'center', attrs: { role: 'columnheader', scope: 'col' }, text: actionTitle(a) })),
    );
    head.append(headRow);

    // Row 0: "All resources" – the column toggles.
    const allRow = h('tr', { class: 'all-row', attrs: { role: 'row' } });
    allRow.append(
      h(
        'th',
        { attrs: { role: 'rowheader', scope: 'row' } },
        h('span', { class: 'resource-label', text: l10n.t('All resources') }),
        h('span', { class: 'resource-desc', text: l10n.t('Toggle a whole column') }),
      ),
    );
    const row0: (HTMLInputElement | undefined)[] = [];
    const corner = this.checkbox({ kind: 'all' }, l10n.t('All permissions'));
    allRow.append(this.gridCell(corner));
    row0.push(corner);
    for (const a of ACTIONS) {
      const box = this.checkbox({ kind: 'column', action: a }, l10n.t('All resources: {0}', actionWord(a)));
      allRow.append(this.gridCell(box));
      row0.push(box);
    }
    head.append(allRow);
    this.matrix.push(row0);

    const body = h('tbody', {});
    for (const r of RESOURCES) {
      const locked = r.actions.every((a) => whyNotGrantable(this.role, r.id, a) !== undefined);
      const tr = h('tr', { class: locked ? 'locked' : undefined, attrs: { role: 'row', 'data-resource': r.id } });
      tr.append(
        h(
          'th',
          { attrs: { role: 'rowheader', scope: 'row' } },
          h('span', { class: 'resource-label' }, resourceLabel(r.id), locked ? icon('lock', 'lock') : null),
          h('span', { class: 'resource-desc', text: resourceDescription(r.id) }),
        ),
      );
      const row: (HTMLInputElement | undefined)[] = [];
      const rowBox = this.checkbox({ kind: 'row', resource: r.id }, l10n.t('{0}: all', resourceLabel(r.id)));
      tr.append(this.gridCell(rowBox));
      row.push(rowBox);
      for (const a of ACTIONS) {
        if (!r.actions.includes(a)) {
          tr.append(h('td', { class: 'absent', attrs: { role: 'gridcell' } }));
          row.push(undefined);
          continue;
        }
        const box = this.checkbox({ kind: 'cell', resource: r.id, action: a }, cellLabel(r.id, a));
        tr.append(this.gridCell(box));
        row.push(box);
      }
      body.append(tr);
      this.matrix.push(row);
    }
    table.append(colgroup, head, body);
    table.addEventListener('keydown', (e) => this.onKeyDown(e));
    return table;
  }

  private gridCell(box: HTMLInputElement): HTMLTableCellElement {
    const td = h('td', { class: 'center', attrs: { role: 'gridcell' } }, box);
    const reason = box.getAttribute('data-reason');
    if (reason) {
      td.title = reason;
      td.classList.add('not-grantable');
    }
    return td;
  }

  private checkbox(ref: CellRef, label: string): HTMLInputElement {
    const input = h('input', { class: 'grid-check', attrs: { type: 'checkbox', 'aria-label': label, tabindex: '-1' } });
    const reason = this.reasonOf(ref);
    if (reason) {
      input.setAttribute('aria-disabled', 'true');
      input.setAttribute('data-reason', reason);
      input.title = reason;
    }
    this.refs.set(input, ref);
    input.addEventListener('click', (e) => {
      if (input.getAttribute('aria-disabled') === 'true') e.preventDefault();
    });
    input.addEventListener('change', () => this.onToggle(input, ref));
    input.addEventListener('focus', () => this.onFocus(input, ref, label));
    return input;
  }

  /** Why the checkbox cannot be used, or undefined. */
  private reasonOf(ref: CellRef): string | undefined {
    switch (ref.kind) {
      case 'cell':
        return whyNotGrantable(this.role, ref.resource, ref.action) === undefined ? undefined : whyNotGrantableWords(this.role, ref.resource, ref.action);
      case 'row': {
        const s = rowState({}, ref.resource, this.role);
        return s.disabled ? whyNotGrantableWords(this.role, ref.resource, RESOURCES.find((r) => r.id === ref.resource)?.actions[0] ?? 'read') : undefined;
      }
      case 'column':
        return columnState({}, ref.action, this.role).disabled ? l10n.t('Your role cannot grant {0} on any resource.', actionWord(ref.action)) : undefined;
      case 'all':
        return allState({}, this.role).disabled ? l10n.t('Your role cannot grant any permission.') : undefined;
    }
  }

  private onToggle(input: HTMLInputElement, ref: CellRef): void {
    const on = input.checked;
    let next: FormDraft;
    switch (ref.kind) {
      case 'cell':
        next = setCell(this.draft, ref.resource, ref.action, on, this.role);
        break;
      case 'row':
        next = setRow(this.draft, ref.resource, on, this.role);
        break;
      case 'column':
        next = setColumn(this.draft, ref.action, on, this.role);
        break;
      case 'all':
        next = setAll(this.draft, on, this.role);
        break;
    }
    this.update(next);
    this.host.onChange(next);
  }

  private onFocus(input: HTMLInputElement, ref: CellRef, label: string): void {
    for (const other of this.refs.keys()) other.tabIndex = other === input ? 0 : -1;
    const reason = input.getAttribute('data-reason');
    let text: string;
    if (reason) text = l10n.t('{0} — not available: {1}', label, reason);
    else if (ref.kind === 'cell') text = l10n.t('{0} — {1}', label, resourceDescription(ref.resource));
    else if (ref.kind === 'row') {
      const s = rowState(this.draft.permissions, ref.resource, this.role);
      text = l10n.t('{0} — every action of this row your role can grant ({1} of {2} selected).', label, s.granted, s.grantable);
    } else if (ref.kind === 'column') {
      const s = columnState(this.draft.permissions, ref.action, this.role);
      text = l10n.t('{0} — {1} on every resource your role can grant it on ({2} of {3} selected).', label, actionWord(ref.action), s.granted, s.grantable);
    } else {
      const s = allState(this.draft.permissions, this.role);
      text = l10n.t('All permissions your role can grant ({0} of {1} selected).', s.granted, s.grantable);
    }
    this.hint.textContent = text;
  }

  private position(input: HTMLInputElement): [number, number] | undefined {
    for (let r = 0; r < this.matrix.length; r++) {
      const c = this.matrix[r]!.indexOf(input);
      if (c >= 0) return [r, c];
    }
    return undefined;
  }

  /** The last (or first) checkbox of column `c`. */
  private columnEdge(c: number, fromEnd: boolean): HTMLInputElement | undefined {
    const column = this.matrix.map((row) => row[c]);
    return (fromEnd ? column.reverse() : column).find((x) => x !== undefined);
  }

  private at(r: number, c: number): HTMLInputElement | undefined {
    return this.matrix[r]?.[c];
  }

  private onKeyDown(e: KeyboardEvent): void {
    const target = e.target;
    if (!(target instanceof HTMLInputElement) || !this.refs.has(target)) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      this.host.onSubmit();
      return;
    }
    const pos = this.position(target);
    if (!pos) return;
    const [r, c] = pos;
    const rows = this.matrix.length;
    const cols = this.matrix[0]?.length ?? 0;
    let next: HTMLInputElement | undefined;
    const scan = (dr: number, dc: number): HTMLInputElement | undefined => {
      for (let rr = r + dr, cc = c + dc; rr >= 0 && rr < rows && cc >= 0 && cc < cols; rr += dr, cc += dc) {
        const x = this.at(rr, cc);
        if (x) return x;
      }
      return undefined;
    };
    const rowEdge = (row: number, fromEnd: boolean): HTMLInputElement | undefined => {
      const list = this.matrix[row] ?? [];
      return (fromEnd ? [...list].reverse() : list).find((x) => x !== undefined);
    };
    switch (e.key) {
      case 'ArrowRight':
        next = scan(0, 1);
        break;
      case 'ArrowLeft':
        next = scan(0, -1);
        break;
      case 'ArrowDown':
        next = scan(1, 0);
        break;
      case 'ArrowUp':
        next = scan(-1, 0);
        break;
      case 'Home':
        next = e.ctrlKey ? rowEdge(0, false) : rowEdge(r, false);
        break;
      case 'End':
        next = e.ctrlKey ? rowEdge(rows - 1, true) : rowEdge(r, true);
        break;
      case 'PageDown':
        next = this.columnEdge(c, true);
        break;
      case 'PageUp':
        next = this.columnEdge(c, false);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (next) next.focus();
  }
}

function setBox(input: HTMLInputElement, state: 'all' | 'some' | 'none'): void {
  input.checked = state === 'all';
  input.indeterminate = state === 'some';
}

function setAggregate(input: HTMLInputElement, s: AggregateState): void {
  setBox(input, s.state);
}
