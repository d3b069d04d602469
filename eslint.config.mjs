// Lint rules that guard the architecture: no `vscode` in the editor-free core,
// shared protocol, webview bundle, emulator or unit tests; no floating promises;
// import zones for the layers (core ← infra ← services ← features ← app.ts ← extension.ts,
// no feature importing another feature's files) and no import cycles in src/
// (README "How it works", CONTRIBUTING.md).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** Every feature folder: each may import core, infra, services and itself, never another feature. */
const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const layer = (target, from, message) => ({ target, from, message });
const zones = [
  layer(
    './src/core',
    ['./src/infra', './src/services', './src/features', './src/webview', './src/extension.ts'],
    'core is editor-free and imports nothing above it.',
  ),
  layer(
    './src/shared',
    ['./src/infra', './src/services', './src/features', './src/webview', './src/extension.ts'],
    'shared (webview protocol) builds on core only.',
  ),
  layer('./src/webview', ['./src/infra', './src/services', './src/features', './src/extension.ts'], 'The webview bundle builds on core and shared only.'),
  layer('./src/infra', ['./src/services', './src/features', './src/extension.ts'], 'infra builds on core only.'),
  layer('./src/services', ['./src/features', './src/extension.ts'], 'services build on core and infra; features build on services, not the reverse.'),
  ...features.map((f) => ({
    target: `./src/features/${f}`,
    from: './src/features',
    except: [`./${f}`],
    message: `A feature does not reach into another feature: move what ${f} needs into src/services (or wire it in extension.ts).`,
  })),
  layer('./src', './src/extension.ts', 'extension.ts is the composition root: nothing imports it.'),
  layer(
    ['./src/core', './src/shared', './src/webview', './src/infra', './src/services', './src/features'],
    './src/app.ts',
    'app.ts wires the services behind activation: only extension.ts imports it.',
  ),
];

const noVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'This folder must stay editor-free (see README "Architecture").' }] }],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-test/**',
      '.telegraf/**',
      'test-results/**',
      'bench-results/**',
      '**/*.mjs',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/webview/**/*.ts', 'test/unit/**/*.ts', 'test/emulator/**/*.ts'], rules: noVscode },
  { files: ['src/**/*.ts'], rules: { 'no-console': 'error' } },
  // Notifications, modals, progress titles and quick input messages render `[x](command:…)` as a link:
  // every such call goes through src/infra/ui.ts, which neutralises links (README "Where your secrets live").
  {
    files: ['src/**/*.ts'],
    ignores: ['src/infra/ui.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.property.name='window'][property.name=/^(show(Information|Warning|Error)Message|withProgress|showQuickPick|showInputBox|createQuickPick|createInputBox)$/]",
          message: 'Use src/infra/ui.ts: it keeps server and workspace text from forming command links.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // node:test's test()/describe() return promises the runner tracks itself.
  { files: ['test/unit/**/*.ts', 'test/emulator/**/*.ts', 'test/telegraf/**/*.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off' } },
);
