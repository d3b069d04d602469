/**
 * The Telegraf Config grammar (syntaxes/telegraf.tmLanguage.json), tokenized by
 * the engine VS Code itself uses (vscode-textmate over vscode-oniguruma): TOML
 * tables, keys, strings, numbers, booleans, arrays and comments, plus the
 * substitutions Telegraf and the controller make in a config: `${VAR}`,
 * `$VAR`, `@{store:key}` and `&{param}` (never inside comments). Also checks
 * the language contribution of package.json and its language configuration.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = path.join(__dirname, '..', '..', '..');
const grammarPath = path.join(root, 'syntaxes', 'telegraf.tmLanguage.json');

let grammarPromise: Promise<textmate.IGrammar> | undefined;

function grammar(): Promise<textmate.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => (scopeName === 'source.telegraf' ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null),
    });
    const g = await registry.loadGrammar('source.telegraf');
    if (!g) throw new Error('grammar did not load');
    return g;
  })();
  return grammarPromise;
}

/** Each line's tokens as `[text, scopes]`. */
async function tokenize(text: string): Promise<Array<Array<[string, string[]]>>> {
  const g = await grammar();
  let state = textmate.INITIAL;
  const out: Array<Array<[string, string[]]>> = [];
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, state);
    out.push(r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes]));
    state = r.ruleStack;
  }
  return out;
}

/** The scopes of the first token whose text is `text` (anywhere in the document). */
async function scopesOf(doc: string, text: string, nth = 0): Promise<string[]> {
  const hits = (await tokenize(doc)).flat().filter(([t]) => t === text);
  const hit = hits[nth];
  assert.ok(hit, `a token "${text}" in ${JSON.stringify(doc)}`);
  return hit[1];
}

function has(scopes: string[], prefix: string): boolean {
  return scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`));
}

const CONFIG = [
  '# Telegraf configuration',
  '[agent]',
  '  interval = "10s"',
  '  round_interval = true',
  '  metric_batch_size = 1_000',
  '  flush_jitter = 0.5',
  '',
  '[[outputs.heartbeat]]',
  '  url = "${CONTROLLER_URL}/agents/heartbeat"',
  '  token = "@{vault:controller_token}"',
  '  instance_id = "&{agent_id}"',
  "  path = '$HOME/telegraf'",
  '  # token = "${NOT_A_VAR}"',
  '  headers = { "X-Env" = "${ENV:-prod}" }',
  '  urls = [',
  '    "http://a:8086", # first',
  "    'http://b:8086',",
  '  ]',
  '  started = 1979-05-27T07:32:00Z',
  '  "quoted key" = 0x1F',
].join('\n');

test('tables and array-of-tables are sections', async () => {
  assert.ok(has(await scopesOf(CONFIG, 'agent'), 'entity.name.section'));
  assert.ok(has(await scopesOf(CONFIG, 'outputs'), 'entity.name.section'));
  assert.ok(has(await scopesOf(CONFIG, 'heartbeat'), 'entity.name.section'));
  assert.ok(has(await scopesOf(CONFIG, '[['), 'punctuation.definition.table.array.begin'));
});

test('keys, strings, numbers, booleans, dates', async () => {
  assert.ok(has(await scopesOf(CONFIG, 'interval'), 'support.type.property-name'));
  assert.ok(has(await scopesOf(CONFIG, '10s'), 'string.quoted.double'));
  assert.ok(has(await scopesOf(CONFIG, 'true'), 'constant.language.boolean'));
  assert.ok(has(await scopesOf(CONFIG, '1_000'), 'constant.numeric'));
  assert.ok(has(await scopesOf(CONFIG, '0.5'), 'constant.numeric'));
  assert.ok(has(await scopesOf(CONFIG, '0x1F'), 'constant.numeric.integer.hex'));
  assert.ok(has(await scopesOf(CONFIG, '1979-05-27T07:32:00Z'), 'constant.other.datetime'));
  assert.ok(has(await scopesOf(CONFIG, 'quoted key'), 'support.type.property-name'));
  assert.ok(has(await scopesOf(CONFIG, 'http://b:8086'), 'string.quoted.single'));
});

test('comments, also after a value inside a multi-line array', async () => {
  assert.ok(has(await scopesOf(CONFIG, ' Telegraf configuration'), 'comment.line.number-sign'));
  assert.ok(has(await scopesOf(CONFIG, ' first'), 'comment.line.number-sign'));
});

test('${VAR}, ${VAR:-default} and $VAR are environment variables, in any string', async () => {
  const url = await scopesOf(CONFIG, 'CONTROLLER_URL');
  assert.ok(has(url, 'variable.other.environment'));
  assert.ok(has(url, 'string.quoted.double'), 'still inside the string');
  assert.ok(has(await scopesOf(CONFIG, '${'), 'punctuation.definition.template-expression.begin'));
  assert.ok(has(await scopesOf(CONFIG, 'ENV'), 'variable.other.environment'));
  assert.ok(has(await scopesOf(CONFIG, 'prod'), 'string.unquoted.default'));
  assert.ok(has(await scopesOf(CONFIG, 'HOME'), 'variable.other.environment'));
  assert.ok(has(await scopesOf('x = $$HOME', '$$'), 'constant.character.escape'), '$$ is an escaped dollar');
});

test('@{store:key} is a secret-store reference and &{param} a controller parameter', async () => {
  assert.ok(has(await scopesOf(CONFIG, 'vault'), 'entity.name.namespace.secret-store'));
  assert.ok(has(await scopesOf(CONFIG, 'controller_token'), 'variable.other.secret'));
  assert.ok(has(await scopesOf(CONFIG, '@{'), 'punctuation.definition.template-expression.begin'));
  assert.ok(has(await scopesOf(CONFIG, 'agent_id'), 'variable.parameter.controller'));
});

test('nothing is substituted inside a comment', async () => {
  const line = (await tokenize(CONFIG))[12]!;
  assert.equal(line.map(([t]) => t).join(''), '  # token = "${NOT_A_VAR}"');
  for (const [, scopes] of line.filter(([t]) => t.trim() !== '')) {
    assert.ok(has(scopes, 'comment.line.number-sign'), `${scopes.join(' ')} is a comment`);
    assert.ok(!scopes.some((s) => s.startsWith('variable.')), 'no variable in a comment');
  }
});

test('a key after an unterminated string starts fresh on the next line', async () => {
  const lines = await tokenize('a = "open\nb = 1');
  assert.ok(has(lines[1]!.find(([t]) => t === 'b')![1], 'support.type.property-name'));
});

test('package.json contributes the telegraf language, its grammar and its configuration', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'telegraf');
  assert.ok(lang, 'a telegraf language');
  assert.deepEqual(lang.filenames, ['telegraf.conf']);
  assert.deepEqual(lang.filenamePatterns, ['**/telegraf.d/*.conf', '*.telegraf.conf']);
  const conf = JSON.parse(readFileSync(path.join(root, lang.configuration), 'utf8'));
  assert.equal(conf.comments.lineComment, '#');
  assert.deepEqual(conf.brackets, [
    ['[', ']'],
    ['{', '}'],
  ]);
  const g = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'telegraf');
  assert.equal(g.scopeName, 'source.telegraf');
  assert.equal(path.normalize(path.join(root, g.path)), grammarPath);
  assert.ok(pkg.activationEvents.includes('onLanguage:telegraf'));
});
