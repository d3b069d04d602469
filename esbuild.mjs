// Builds the extension (Node, CommonJS, `vscode` external) and the webview
// scripts (browser, ESM) to one minified file each; copies codicons for the
// webview. Flags: --watch, --production (minify, no sourcemaps), --tests
// (also bundle the integration suite to out/test/integration/index.js),
// --metafile (write esbuild's metafile of each bundle to out/meta-<name>.json,
// for size analysis: `npx esbuild --analyze` style breakdowns, the bench).
//
// Every dependency is bundled through its public entry point (`undici`, `zod`):
// nothing here replaces or stubs a library's internal files. The TOML parser,
// not needed to activate, is bundled on its own into dist/tomlParser.js and
// required on first use (build/lazy-toml.mjs: our own lazy split of the
// package's public entry). Our own code that activation
// does not need — API client and contract, command implementations, config-file
// features, the create panel — is bundled into dist/api.js, dist/commands.js,
// dist/configFeatures.js and dist/createToken.js and required on first use
// (build/lazy-bundles.mjs). --watch builds one extension bundle without them.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lazyToml, tomlParserBuild } from './build/lazy-toml.mjs';
import { buildExtension } from './build/lazy-bundles.mjs';
import { vscodeOnce } from './build/vscode-once.mjs';

const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const production = args.has('--production');
const withTests = args.has('--tests');
const withMetafile = args.has('--metafile');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

const webviewEntries = existsSync('src/webview')
  ? readdirSync('src/webview', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join('src/webview', d.name, 'main.ts')))
      .map((d) => ({ in: path.join('src/webview', d.name, 'main.ts'), out: d.name }))
  : [];

/** esbuild options of dist/extension.js and the lazy bundles next to it. */
const extensionOptions = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], minify: true };
const extensionPlugins = () => [vscodeOnce(), lazyToml()];

/** @type {import('esbuild').BuildOptions[]} */
const builds = [tomlParserBuild('dist')];
if (watch) builds.push({ ...extensionOptions, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: extensionPlugins() });
if (webviewEntries.length) {
  builds.push({
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
  });
}
if (withTests) {
  builds.push({
    ...common,
    entryPoints: { index: 'test/integration/index.ts' },
    outdir: 'out/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    minify: false,
  });
}

function copyAssets() {
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    cpSync(path.join('node_modules/@vscode/codicons/dist', f), path.join('dist/codicons', f));
  }
}

copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching…');
} else {
  const started = Date.now();
  const [extension, results] = await Promise.all([
    buildExtension({ root: process.cwd(), outdir: 'dist', options: extensionOptions, plugins: extensionPlugins(), metafile: withMetafile }),
    Promise.all(builds.map((b) => esbuild.build({ ...b, metafile: withMetafile }))),
  ]);
  if (withMetafile) {
    mkdirSync('out', { recursive: true });
    results.forEach((r, i) => {
      const b = builds[i];
      const name = b.outfile ? path.basename(b.outfile, '.js') : path.basename(b.outdir ?? `bundle-${i}`);
      writeFileSync(path.join('out', `meta-${name}.json`), JSON.stringify(r.metafile));
    });
    for (const e of extension) writeFileSync(path.join('out', `meta-${e.name}.json`), JSON.stringify(e.metafile));
  }
  console.log(`esbuild: built ${builds.length + extension.length} bundle(s) in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
