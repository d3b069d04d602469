// One `vscode` namespace per bundle (used by esbuild.mjs). esbuild compiles
// each `import * as vscode from 'vscode'` of an external CommonJS module to
// its own `__toESM(require('vscode'))`, which copies every export of VS Code's
// API object (hundreds of classes, enums and namespaces) onto a new object:
// once per importing source file, all at load time. With ~20 of our files
// importing it, that copying was the largest part of loading
// dist/extension.js (`npm run bench`, activate section).
//
// Here `vscode` resolves to one ES module, `export * from 'vscode'`, whose
// inner import stays external: esbuild copies the API object once per bundle
// and every importer shares that namespace. Only our own import edges change;
// VS Code's module is required as before.

const NAMESPACE = 'vscode-once';

/** @returns {import('esbuild').Plugin} */
export function vscodeOnce() {
  return {
    name: NAMESPACE,
    setup(b) {
      b.onResolve({ filter: /^vscode$/ }, (a) => (a.namespace === NAMESPACE ? { path: 'vscode', external: true } : { path: 'vscode', namespace: NAMESPACE }));
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({ contents: "export * from 'vscode';", loader: 'js', resolveDir: '.' }));
    },
  };
}
