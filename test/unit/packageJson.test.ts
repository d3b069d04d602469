/**
 * package.json conventions, checked without VS Code:
 * - the contributed commands and `Commands` in src/constants.ts are the same set;
 * - every command has a Title Case title and the "Telegraf Controller" category;
 * - internal commands (documented "Internal" in src/constants.ts) are hidden
 *   from the palette with `"when": "false"`, and only they are;
 * - every palette command that needs a state has a `when` clause, and has a
 *   row in README.md "Commands";
 * - every `%key%` placeholder has a value in package.nls.json, and
 *   package.nls.json has no unused key;
 * - no user-visible string of `contributes` is left as a literal;
 * - every `telegrafController.*` name in a `when`/`toggled`/`enablement`
 *   clause is a context key of src/constants.ts or a view id (no typos).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Commands, ContextKeys, PREFIX, Views } from '../../src/constants';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, unknown>;
const constantsSource = readFileSync(path.join(root, 'src', 'constants.ts'), 'utf8');

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
  enablement?: string;
  toggled?: string;
}
interface MenuItem {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}
interface PackageJson {
  displayName: string;
  description: string;
  contributes: {
    commands: ContributedCommand[];
    menus: Record<string, MenuItem[]>;
    submenus?: Array<{ id: string; label: string }>;
    views: Record<string, Array<{ id: string; name: string; when?: string }>>;
    viewsContainers: Record<string, Array<{ id: string; title: string }>>;
    viewsWelcome?: Array<{ view: string; contents: string; when?: string }>;
    keybindings?: Array<{ command: string; when?: string }>;
    configuration: { title: string; properties: Record<string, Record<string, unknown>> };
  };
}

const PLACEHOLDER = /^%([^%]+)%$/;
const CATEGORY = 'Telegraf Controller';

/** The English text of a manifest string: the package.nls.json value of a `%key%`, else the string itself. */
function resolve(s: string): string {
  const m = PLACEHOLDER.exec(s);
  if (!m) return s;
  const v = nls[m[1]!];
  return typeof v === 'string' ? v : s;
}

/** Every `%key%` placeholder anywhere in the manifest. */
function placeholders(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    const m = PLACEHOLDER.exec(v);
    if (m) out.push(m[1]!);
  } else if (Array.isArray(v)) v.forEach((x) => placeholders(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => placeholders(x, out));
  return out;
}

/** Ids of the commands documented as internal in src/constants.ts (`/** Internal … *\/` right above the entry). */
function internalCommandIds(): Set<string> {
  const ids = new Set<string>();
  const re = /\/\*\*\s*Internal\b[^]*?\*\/\s*\n\s*\w+:\s*'([^']+)'/g;
  for (const m of constantsSource.matchAll(re)) ids.add(m[1]!);
  return ids;
}

/** Words that stay lowercase inside a Title Case title (articles, conjunctions, short prepositions). */
const MINOR = new Set([
  'a',
  'an',
  'the',
  'and',
  'but',
  'or',
  'nor',
  'for',
  'so',
  'yet',
  'as',
  'at',
  'by',
  'in',
  'of',
  'off',
  'on',
  'per',
  'to',
  'via',
  'with',
  'into',
  'from',
  'over',
]);

/**
 * Title Case problems of a title (empty when fine): in every segment (split at
 * `:` and parentheses) the first and last word start upper case, the others
 * too unless they are minor words, which are lower case. Words that start with
 * a non-letter (`…`, digits) are skipped; hyphenated words are checked per part.
 */
function titleCaseProblems(title: string): string[] {
  const problems: string[] = [];
  for (const segment of title.split(/[:()]/)) {
    const words = segment
      .replace(/…/g, '')
      .split(/\s+/)
      .filter((w) => /^\p{L}/u.test(w));
    words.forEach((word, i) => {
      const edge = i === 0 || i === words.length - 1;
      for (const part of word.split('-').filter(Boolean)) {
        const lower = part.toLowerCase();
        const upperFirst = part[0] === part[0]!.toUpperCase() && part[0] !== part[0]!.toLowerCase();
        if (!edge && MINOR.has(lower) && part === word) {
          if (part !== lower) problems.push(`"${part}" should be lower case`);
        } else if (!upperFirst) {
          problems.push(`"${part}" should start upper case`);
        }
      }
    });
  }
  return problems;
}

const commandIds = pkg.contributes.commands.map((c) => c.command);
const palette = pkg.contributes.menus.commandPalette ?? [];
const internal = internalCommandIds();

test('every contributed command is in src/constants.ts Commands, and vice versa', () => {
  const declared = Object.values(Commands) as string[];
  assert.deepEqual([...commandIds].sort(), [...declared].sort());
  assert.equal(new Set(commandIds).size, commandIds.length, 'a command is contributed twice');
});

test('every command has a Title Case title and the "Telegraf Controller" category', () => {
  for (const c of pkg.contributes.commands) {
    const title = resolve(c.title);
    assert.ok(!PLACEHOLDER.test(title), `${c.command}: title ${c.title} has no value in package.nls.json`);
    assert.deepEqual(titleCaseProblems(title), [], `${c.command}: "${title}" is not Title Case`);
    assert.equal(resolve(c.category ?? ''), CATEGORY, `${c.command}: category`);
  }
});

test('the Title Case check itself', () => {
  assert.deepEqual(titleCaseProblems('Insert Token into Config…'), []);
  assert.deepEqual(titleCaseProblems('Sort By: Created (Newest First)'), []);
  assert.deepEqual(titleCaseProblems('Replace with a Secret-Store Reference…'), []);
  assert.notDeepEqual(titleCaseProblems('Insert token into Config'), []);
  assert.notDeepEqual(titleCaseProblems('Replace With a Reference'), []);
  assert.notDeepEqual(titleCaseProblems('Replace with a secret-Store Reference'), []);
});

test('internal commands are hidden from the palette with "when": "false", and only they are', () => {
  assert.ok(internal.size >= 5, `expected the internal commands documented in src/constants.ts, found ${[...internal].join(', ')}`);
  for (const id of internal) assert.ok(commandIds.includes(id), `${id} is documented as internal but not contributed`);
  for (const id of commandIds) {
    const entries = palette.filter((e) => e.command === id);
    assert.ok(entries.length <= 1, `${id} has ${entries.length} commandPalette entries`);
    const hidden = entries[0]?.when === 'false';
    if (internal.has(id)) assert.ok(hidden, `${id} is internal: it needs { "when": "false" } in menus.commandPalette`);
    else assert.ok(!hidden, `${id} is hidden from the palette but not documented as internal in src/constants.ts`);
  }
});

test('README.md "Commands" lists every command of the palette, with its title', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Commands'), readme.indexOf('\n## ', readme.indexOf('\n## Commands') + 1));
  for (const c of pkg.contributes.commands) {
    if (internal.has(c.command)) continue;
    const title = String(nls[c.title.slice(1, -1)] ?? c.title);
    const row = section.split('\n').find((l) => l.includes(`\`${c.command}\``));
    assert.ok(row, `README.md "Commands" has no row for ${c.command} (${title})`);
    assert.ok(row.includes(`Telegraf Controller: ${title}`), `the README row of ${c.command} does not say "${title}": ${row}`);
  }
});

test('every palette command that needs a state has a when clause', () => {
  // Commands that work in any state: they set up a connection or show the log.
  const stateless = new Set<string>([Commands.connect, Commands.addConnection, Commands.showLog]);
  for (const id of commandIds) {
    if (internal.has(id) || stateless.has(id)) continue;
    const entry = palette.find((e) => e.command === id);
    assert.ok(entry?.when && entry.when.trim() !== '', `${id} needs a when clause in menus.commandPalette`);
  }
  for (const e of palette) assert.ok(e.command && commandIds.includes(e.command), `commandPalette names an unknown command ${e.command}`);
});

test('Connect… and Add Connection… are never offered together: Connect… while no connection is configured, Add Connection… once one is', () => {
  const whenOf = (menu: MenuItem[], id: string) => menu.find((e) => e.command === id)?.when ?? '';
  const viewTitle = pkg.contributes.menus['view/title'] ?? [];
  for (const [where, menu] of [
    ['commandPalette', palette],
    ['view/title', viewTitle],
  ] as const) {
    assert.match(whenOf(menu, Commands.connect), /!telegrafController\.connectionCount\b/, `${where}: Connect… only while no connection is configured`);
    assert.match(whenOf(menu, Commands.addConnection), /telegrafController\.connectionCount >= 1\b/, `${where}: Add Connection… once one is`);
  }
  // The welcome view of an empty Tokens view offers Connect….
  const empty = (pkg.contributes.viewsWelcome ?? []).find((w) => /needsServer/.test(w.when ?? ''));
  assert.ok(empty && resolve(empty.contents).includes(`command:${Commands.connect}`), 'the empty view offers Connect…');
});

test('with several rows selected, the menu offers only the actions for many tokens, under plural titles, whichever row was right-clicked', () => {
  const item = pkg.contributes.menus['view/item/context'] ?? [];
  const whenOf = (id: string) => item.find((e) => e.command === id)?.when ?? '';
  for (const [single, many] of [
    [Commands.revokeToken, Commands.revokeSelectedTokens],
    [Commands.deleteToken, Commands.deleteSelectedTokensMenu],
    [Commands.reassignToken, Commands.reassignSelectedTokens],
  ] as const) {
    assert.match(whenOf(single), /&& !listMultiSelection$/, `${single}: ${whenOf(single)}`);
    assert.match(whenOf(many), /listMultiSelection && viewItem =~ \/\^token;/, `${many}: ${whenOf(many)}`);
    assert.doesNotMatch(whenOf(many), /token;active/, `${many} is offered whichever row was right-clicked (a revoked one too)`);
    const title = pkg.contributes.commands.find((c) => c.command === many)?.title ?? '';
    assert.match(resolve(title), /Selected Tokens/, `${many}: ${title}`);
  }
  // Every other token action is for one token: hidden with several rows selected.
  for (const e of item.filter((x) => /viewItem =~ \/\^token;/.test(x.when ?? '') && !/listMultiSelection && /.test(x.when ?? ''))) {
    assert.match(e.when ?? '', /!listMultiSelection/, `${e.command} is a single-token action: ${e.when}`);
  }
});

test('every menu item names a contributed command or submenu', () => {
  const submenus = new Set((pkg.contributes.submenus ?? []).map((s) => s.id));
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    if (menu.startsWith(PREFIX)) assert.ok(submenus.has(menu), `menu ${menu} is not a contributed submenu`);
    for (const item of items) {
      if (item.command) assert.ok(commandIds.includes(item.command), `${menu}: unknown command ${item.command}`);
      if (item.submenu) assert.ok(submenus.has(item.submenu), `${menu}: unknown submenu ${item.submenu}`);
    }
  }
});

test('every %key% placeholder has a value in package.nls.json, and every key is used', () => {
  const used = placeholders(pkg);
  assert.ok(used.length > 0, 'package.json has no %key% placeholders');
  const missing = used.filter((k) => typeof nls[k] !== 'string' || (nls[k] as string).trim() === '');
  assert.deepEqual(missing, [], 'placeholders without a value in package.nls.json');
  const unused = Object.keys(nls).filter((k) => !used.includes(k));
  assert.deepEqual(unused, [], 'package.nls.json keys no placeholder uses');
});

test('the user-visible strings of package.json are localized (%key%)', () => {
  const literal: string[] = [];
  const check = (where: string, s: unknown) => {
    if (typeof s === 'string' && !PLACEHOLDER.test(s)) literal.push(`${where}: ${s.slice(0, 60)}`);
  };
  check('displayName', pkg.displayName);
  check('description', pkg.description);
  for (const c of pkg.contributes.commands) {
    check(`${c.command} title`, c.title);
    check(`${c.command} category`, c.category);
  }
  for (const list of Object.values(pkg.contributes.viewsContainers)) for (const v of list) check(`viewsContainer ${v.id}`, v.title);
  for (const list of Object.values(pkg.contributes.views)) for (const v of list) check(`view ${v.id}`, v.name);
  for (const w of pkg.contributes.viewsWelcome ?? []) check(`viewsWelcome ${w.when ?? ''}`, w.contents);
  for (const s of pkg.contributes.submenus ?? []) check(`submenu ${s.id}`, s.label);
  check('configuration title', pkg.contributes.configuration.title);
  const schema = (where: string, p: Record<string, unknown>) => {
    for (const k of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) if (k in p) check(`${where} ${k}`, p[k]);
    for (const k of ['enumDescriptions', 'markdownEnumDescriptions'])
      if (Array.isArray(p[k])) (p[k] as unknown[]).forEach((s, i) => check(`${where} ${k}[${i}]`, s));
    if (p.items && typeof p.items === 'object') schema(`${where}.items`, p.items as Record<string, unknown>);
    for (const [name, sub] of Object.entries((p.properties as Record<string, Record<string, unknown>>) ?? {})) schema(`${where}.${name}`, sub);
  };
  for (const [id, p] of Object.entries(pkg.contributes.configuration.properties)) schema(id, p);
  assert.deepEqual(literal, []);
});

test('when clauses name only known telegrafController.* context keys and view ids', () => {
  const known = new Set<string>([...Object.values(ContextKeys), ...Object.values(Views)]);
  const clauses: Array<[string, string]> = [];
  for (const [menu, items] of Object.entries(pkg.contributes.menus))
    for (const i of items) if (i.when) clauses.push([`menus.${menu} ${i.command ?? i.submenu}`, i.when]);
  for (const c of pkg.contributes.commands) {
    if (c.enablement) clauses.push([`${c.command} enablement`, c.enablement]);
    if (c.toggled) clauses.push([`${c.command} toggled`, c.toggled]);
  }
  for (const w of pkg.contributes.viewsWelcome ?? []) if (w.when) clauses.push([`viewsWelcome ${w.view}`, w.when]);
  for (const list of Object.values(pkg.contributes.views)) for (const v of list) if (v.when) clauses.push([`view ${v.id}`, v.when]);
  for (const k of pkg.contributes.keybindings ?? []) if (k.when) clauses.push([`keybinding ${k.command}`, k.when]);
  assert.ok(clauses.length > 20);
  const unknown: string[] = [];
  for (const [where, clause] of clauses) {
    // Regex literals (`viewItem =~ /…/`) hold contextValue patterns, not context keys.
    const withoutRegex = clause.replace(/=~\s*\/(?:\\.|[^/])*\/[a-z]*/g, '');
    for (const m of withoutRegex.matchAll(/\btelegrafController\.[A-Za-z0-9_.]+/g)) {
      if (!known.has(m[0])) unknown.push(`${where}: ${m[0]}`);
    }
  }
  assert.deepEqual(unknown, [], 'unknown telegrafController.* names in when clauses (typo, or missing from ContextKeys)');
});
