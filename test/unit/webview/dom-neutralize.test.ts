/**
 * The webview's DOM builder (src/webview/createToken/dom.ts) neutralises
 * control and bidi characters in every text it sets: a user name or
 * description with U+202E (right-to-left override) must not render reversed
 * in the create form or the "Token Created" panel. Run against a minimal
 * stand-in `document` (only what dom.ts calls).
 */
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { neutralizeText } from '../../../src/core/text';

class FakeNode {
  children: FakeNode[] = [];
  attrs: Record<string, string> = {};
  id = '';
  className = '';
  constructor(
    readonly tag: string,
    public data = '',
  ) {}
  set textContent(v: string) {
    this.children = [new FakeNode('#text', v)];
  }
  get textContent(): string {
    return this.tag === '#text' ? this.data : this.children.map((c) => c.textContent).join('');
  }
  appendChild(c: FakeNode): FakeNode {
    this.children.push(c);
    return c;
  }
  setAttribute(k: string, v: string): void {
    this.attrs[k] = v;
  }
  replaceChildren(): void {
    this.children = [];
  }
}

/** dom.ts is typed against the browser's DOM (src/webview/tsconfig.json): loaded untyped here. */
const DOM_MODULE = '../../../src/webview/createToken/dom';
let dom: any;
before(async () => {
  (globalThis as any).document = {
    createElement: (tag: string) => new FakeNode(tag),
    createTextNode: (text: string) => new FakeNode('#text', text),
  };
  dom = await import(DOM_MODULE);
});

const HOSTILE = 'carol\u202Egnp.exe\u202C \u2066iso\u2069 zero\u200Bwidth \u0007bell\u001b[31m';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

describe('neutralizeText', () => {
  test('removes bidi overrides/isolates, zero-width and control characters, keeps the rest and line feeds', () => {
    const out = neutralizeText(HOSTILE);
    assert.doesNotMatch(out, UNSAFE);
    for (const part of ['carol', 'gnp.exe', 'iso', 'zero', 'width', 'bell', '[31m']) assert.ok(out.includes(part), part);
    assert.equal(neutralizeText('a\nb\tc 🔑 日本語'), 'a\nb\tc 🔑 日本語');
    assert.equal(neutralizeText('x'.repeat(5000)).length, 5000, 'no shortening');
  });
});

describe('dom.ts', () => {
  test('h() text and string children are neutralised', () => {
    const el = dom.h('strong', { text: HOSTILE }) as FakeNode;
    assert.doesNotMatch(el.textContent, UNSAFE);
    const p = dom.h('p', {}, 'Signed in as ', HOSTILE) as FakeNode;
    assert.doesNotMatch(p.textContent, UNSAFE);
    assert.ok(p.textContent.includes('carol'));
  });
  test('append() and replaceChildren() neutralise strings too', () => {
    const parent = new FakeNode('div');
    dom.append(parent, HOSTILE);
    dom.replaceChildren(parent, HOSTILE, 'ok');
    assert.doesNotMatch(parent.textContent, UNSAFE);
  });
});
