/**
 * A tiny DOM builder for the webview. Text is always set with `textContent`
 * (strings passed as children become text nodes), so server text can never
 * become markup, and passes `neutralizeText` (src/core/text.ts) first, so
 * control and bidi characters can never reorder or hide it. Browser only.
 */
import { neutralizeText } from '../../core/text';

/** A child of `h()`: a node, a string (becomes a text node), or nothing. */
export type Child = Node | string | null | undefined | false;

/** Properties of `h()`. `attrs` are set with `setAttribute`; `text` with `textContent`. */
export interface Props {
  id?: string;
  class?: string;
  text?: string;
  attrs?: Record<string, string | undefined>;
}

/** Creates an element with properties and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.id) el.id = props.id;
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = neutralizeText(props.text);
  for (const [k, v] of Object.entries(props.attrs ?? {})) if (v !== undefined) el.setAttribute(k, v);
  append(el, ...children);
  return el;
}

/** Appends children (strings as text nodes). */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(neutralizeText(c)) : c);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A codicon glyph (`<span class="codicon codicon-NAME" aria-hidden="true">`). */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** Shows or hides an element (the `hidden` attribute). */
export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}

/**
 * A translated sentence with nodes in it: `{0}`, `{1}` … of `template` are
 * replaced by `parts` (nodes, or strings as text), the rest is text. For
 * sentences whose word order a translation may change around inline markup.
 */
export function sentence(template: string, ...parts: Child[]): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\d+)\}/g)) {
    if (m.index > last) out.push(template.slice(last, m.index));
    out.push(parts[Number(m[1])] ?? m[0]);
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}
