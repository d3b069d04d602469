// Lint rules that guard the architecture: no `vscode` in the editor-free core,
// shared protocol, webview bundle, emulator or unit tests; no floating promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'This folder must stay editor-free (see README "Architecture").' }] }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench-results/**', '**/*.mjs', '**/*.js'] },
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
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.property.name='window'][property.name=/^(show(Information|Warning|Error)Message|withProgress|showQuickPick|showInputBox|createQuickPick|createInputBox)$/]",
        message: 'Use src/infra/ui.ts: it keeps server and workspace text from forming command links.',
      }],
    },
  },
  // node:test's test()/describe() return promises the runner tracks itself.
  { files: ['test/unit/**/*.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off' } },
);
