/**
 * Untrusted text (server descriptions, user names, errors; workspace file
 * names) can never form a clickable link or an icon in VS Code's message
 * surfaces: src/core/text.ts `noLinks`, `escapeIcons`, `untrustedText`,
 * `pickText`.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { escapeIcons, markdownCodeSpan, markdownText, noLinks, pickText, untrustedText } from '../../../src/core/text';

/**
 * The link syntax VS Code's notifications, dialogs, progress titles and quick
 * input messages render as a link: `[label](scheme…)` with `]` directly
 * followed by `(`, a target starting with http(s)://, command: or file:, no
 * white space in it (written from the observed behaviour; no escape character).
 */
const RENDERED_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)\3)?\)/i;

const HOSTILE = [
  '[x](command:workbench.action.terminal.new)',
  'Click [here](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D) now',
  '[a](https://attacker.example/) and [b](file:///etc/passwd)',
  '[t](command:x "title")',
  '[[x](command:y)',
  'x](command:y) [y](command:z)',
  '[x\\](command:x)',
  '[x]\u200b(command:x)',
  '[x]\u202e(command:x)',
  'COMMAND: [X](COMMAND:workbench.action.quit)',
];

describe('noLinks', () => {
  test('the oracle matches every hostile string before neutralising (the test can fail)', () => {
    const raw = HOSTILE.filter((h) => !h.includes('\u200b') && !h.includes('\u202e'));
    for (const h of raw) assert.match(h, RENDERED_LINK, h);
  });

  test('no hostile string forms a link afterwards, alone or inside a message', () => {
    for (const h of HOSTILE) {
      assert.doesNotMatch(noLinks(h), RENDERED_LINK, h);
      assert.doesNotMatch(untrustedText(h), RENDERED_LINK, h);
      assert.doesNotMatch(noLinks(`Revoked "${h}".`), RENDERED_LINK, h);
    }
  });

  test('a link split over two interpolated values does not form either', () => {
    const msg = `Reassigned "${'[click'}" to ${'](command:workbench.action.terminal.new)'}.`;
    assert.match(msg, RENDERED_LINK);
    assert.doesNotMatch(noLinks(msg), RENDERED_LINK);
  });

  test('keeps the text readable and is idempotent', () => {
    assert.equal(noLinks('[x](command:y)'), '[x] (command:y)');
    assert.equal(noLinks(noLinks('[x](command:y)')), noLinks('[x](command:y)'));
    assert.equal(noLinks('plain text [not a link] (spaced)'), 'plain text [not a link] (spaced)');
  });
});

describe('untrustedText', () => {
  test('also removes controls, bidi overrides and zero-width characters, and shortens', () => {
    assert.equal(untrustedText('a\u202Eb\u200bc\u0007d'), 'a b c d');
    assert.equal(untrustedText('x'.repeat(500), 10), `${'x'.repeat(9)}…`);
  });
});

describe('escapeIcons / pickText', () => {
  test('untrusted $(icon) syntax is escaped, already escaped text is kept', () => {
    assert.equal(escapeIcons('$(key) stored'), '\\$(key) stored');
    assert.equal(escapeIcons('cost \\$(USD)'), 'cost \\$(USD)');
    assert.equal(pickText('$(check) [x](command:y)\u202e'), '\\$(check) [x] (command:y)');
  });
});

test('markdownCodeSpan: backticks, links and line breaks stay inside one code span', () => {
  const span = markdownCodeSpan('a `` b [x](command:workbench.action.terminal.new)\n`');
  assert.equal(span, '``` a `` b [x](command:workbench.action.terminal.new) ` ```');
  assert.equal(markdownCodeSpan('${TELEGRAF_CONTROLLER_TOKEN}'), '`${TELEGRAF_CONTROLLER_TOKEN}`');
});

test('markdownText: renders as written (no link, autolink, emphasis, HTML or icon) and keeps ordinary spaces to wrap at', () => {
  const md = markdownText('See http://HOST:8888/api/configs/<id>/toml [run](command:workbench.action.quit) *bold* $(alert) <b>x</b>\u202e\nnext');
  assert.ok(!md.includes('\u00a0') && !md.includes('&nbsp;'), 'ordinary spaces');
  assert.ok(!md.includes('\u202e'), 'bidi neutralised');
  assert.ok(md.includes('http\\:\\/\\/HOST'), 'no autolink');
  assert.ok(md.includes('\\[run\\]\\(command\\:'), 'no link');
  assert.ok(md.includes('\\*bold\\*') && md.includes('\\$\\(alert\\)') && md.includes('\\<b\\>'), md);
  assert.ok(md.includes('  \nnext'), 'a line break');
  // Every ASCII punctuation character is escaped, so nothing else can form either.
  for (const ch of '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') assert.equal(markdownText(ch), `\\${ch}`);
});
