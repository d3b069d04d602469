// Lazily loaded bundles of our own code (used by esbuild.mjs). activate()
// registers views, commands and providers; what their handlers need — the API
// client and contract (undici, zod), the command implementations, the
// config-file features, the create panel — is bundled into separate files
// next to dist/extension.js and require()d on first use, as build/lazy-toml.mjs
// does for the TOML parser.
//
// How one module stays one module across bundles (class identity:
// `instanceof ControllerError`, `Cancelled`):
// - In dist/extension.js an import of a module that belongs to a lazy bundle
//   resolves to a stand-in with the same export names, each a getter that
//   require()s the bundle on first access (esbuild turns named imports into
//   property reads at each use, so nothing loads before it is used).
// - dist/extension.js exports `__modules`: the namespace of every source file
//   it holds. In a lazy bundle, an import of such a file resolves to that
//   namespace (`require('./extension.js').__modules[file]`), and an import of
//   another lazy bundle's module to the same kind of stand-in. Everything else
//   is bundled in.
// Only public entry points of dependencies are bundled: this plugin only moves
// our own source files between bundles.
import * as esbuild from 'esbuild';
import path from 'node:path';

/**
 * The lazy bundles: output name (dist/<name>.js) → the source files whose
 * exports it provides. Every other file reached from them is bundled in,
 * unless dist/extension.js or another lazy bundle holds it.
 */
export const LAZY_BUNDLES = {
  // The services and the wiring behind activation's registrations (src/app.ts). It also owns every
  // source file it reaches that neither dist/extension.js nor another lazy bundle holds (CLOSURE_BUNDLES).
  app: ['src/app.ts'],
  // Everything that uses zod: one copy of it, loaded with the API client.
  api: ['src/core/api/client.ts', 'src/core/api/contract.ts', 'src/core/api/dispatcher.ts', 'src/shared/protocol.ts', 'src/infra/vaultSchemas.ts'],
  commands: [
    'src/features/connection/connectionCommands.ts',
    'src/features/explorer/tokenCommands.ts',
    'src/features/explorer/explorerCommands.ts',
    'src/features/explorer/tokenDetails.ts',
    'src/features/agentStart/index.ts',
  ],
  tree: ['src/features/explorer/tokenTreeProvider.ts', 'src/core/tokenQuery.ts'],
  background: ['src/features/explorer/expiryStatusBar.ts', 'src/features/connection/freshness.ts', 'src/infra/clipboard.ts'],
  configFeatures: [
    'src/features/configFiles/index.ts',
    'src/features/configFiles/insertTokenCommand.ts',
    'src/features/configFiles/deployments/index.ts',
    'src/features/telegrafCheck/index.ts',
  ],
  createToken: ['src/features/createToken/createTokenCommand.ts'],
  // The permission model beyond the grid and the roles (core/resources.ts, core/roles.ts): ceilings, presets.
  permissions: ['src/core/permissions.ts'],
};

/**
 * Bundles that own, besides their listed files, every source file they reach
 * that dist/extension.js does not hold and no other bundle lists: the other
 * lazy bundles then read those modules from them (one module, one class
 * identity, one state) instead of bundling copies.
 */
const CLOSURE_BUNDLES = new Set(['app']);

const PROXY = 'lazy-bundle-proxy';
const HOST = 'lazy-bundle-host';
const rel = (root, p) => path.relative(root, p).split(path.sep).join('/');

/** Runtime export names of a TypeScript module (types excluded), read with esbuild; of a package, by importing it. */
async function exportNames(root, file) {
  if (!file.startsWith('src/')) return Object.keys(await import(file)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  const r = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [file],
    bundle: false,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  return Object.values(r.metafile.outputs)[0].exports.filter((n) => n !== 'default');
}

/** Owner bundle of each lazy source file (repo-relative path → bundle name). */
function owners(bundles) {
  const out = new Map();
  for (const [name, files] of Object.entries(bundles)) for (const f of files) out.set(f, name);
  return out;
}

/** Source of a stand-in: getters that load `./<bundle>.js` and read the module `file` from it. */
async function proxySource(root, bundle, file) {
  const names = await exportNames(root, file);
  return [
    'let m;',
    `const load = () => (m ??= require(${JSON.stringify(`./${bundle}.js`)}).__modules[${JSON.stringify(file)}]);`,
    `for (const n of ${JSON.stringify(names.join(','))}.split(',')) Object.defineProperty(exports, n, { enumerable: true, get: () => load()[n] });`,
  ].join('\n');
}

/**
 * The plugin of one bundle: imports of lazy files of OTHER bundles become
 * stand-ins; in a lazy bundle, imports of files dist/extension.js holds
 * (`hostFiles`) read them from it.
 * @param {{ root: string, bundles: Record<string, string[]>, self?: string, hostFiles?: Set<string> }} o
 * @returns {import('esbuild').Plugin}
 */
function redirect({ root, bundles, self, hostFiles }) {
  const own = owners(bundles);
  return {
    name: 'lazy-bundles',
    setup(b) {
      const packages = [...own.keys()].filter((f) => !f.startsWith('src/'));
      if (packages.length) {
        b.onResolve({ filter: new RegExp(`^(${packages.join('|')})$`) }, (a) => {
          const bundle = own.get(a.path);
          return bundle !== self && a.namespace === 'file' ? { path: a.path, namespace: PROXY, pluginData: { bundle } } : undefined;
        });
      }
      b.onResolve({ filter: /^\./ }, async (a) => {
        if (a.pluginData?.lazyBundles) return undefined;
        if (a.namespace !== 'file') return undefined;
        const r = await b.resolve(a.path, { kind: a.kind, importer: a.importer, resolveDir: a.resolveDir, pluginData: { lazyBundles: true } });
        if (r.errors.length || !r.path) return undefined;
        const file = rel(root, r.path);
        const bundle = own.get(file);
        if (bundle && bundle !== self) return { path: file, namespace: PROXY, pluginData: { bundle } };
        if (self && !bundle && hostFiles?.has(file)) return { path: file, namespace: HOST };
        return undefined;
      });
      b.onResolve({ filter: /^\.\/[A-Za-z]+\.js$/ }, (a) => (a.namespace === PROXY ? { path: a.path, external: true } : undefined));
      b.onLoad({ filter: /.*/, namespace: PROXY }, async (a) => ({ contents: await proxySource(root, a.pluginData.bundle, a.path), loader: 'js' }));
      b.onLoad({ filter: /.*/, namespace: HOST }, (a) => ({
        contents: `module.exports = require('./extension.js').__modules[${JSON.stringify(a.path)}];`,
        loader: 'js',
      }));
      b.onResolve({ filter: /^\.\/extension\.js$/ }, (a) => (a.namespace === HOST ? { path: a.path, external: true } : undefined));
    },
  };
}

/** A synthetic entry exporting `__modules` (namespaces of `files`) plus, with `main`, every export of `main`. */
function registryEntry(root, files, main) {
  const lines = files.map((f, i) => `import * as m${i} from ${JSON.stringify(f.startsWith('src/') ? './' + f : f)};`);
  if (main) lines.push(`export * from ${JSON.stringify('./' + main)};`);
  lines.push(`export const __modules = { ${files.map((f, i) => `${JSON.stringify(f)}: m${i}`).join(', ')} };`);
  return { contents: lines.join('\n'), resolveDir: root, loader: 'ts', sourcefile: main ? `${main} (with module registry)` : 'lazy bundle entry' };
}

/**
 * Builds dist/extension.js and the lazy bundles next to it.
 * @param {{ root: string, outdir: string, options: import('esbuild').BuildOptions, plugins: import('esbuild').Plugin[], metafile?: boolean }} o
 *   options: esbuild options shared by all of them (platform, format, minify…)
 * @returns {Promise<Array<{ name: string, metafile?: import('esbuild').Metafile }>>}
 */
export async function buildExtension({ root, outdir, options, plugins, metafile = false }) {
  const main = 'src/extension.ts';
  // 1. Which source files does dist/extension.js hold once the lazy files are stand-ins?
  const probe = await esbuild.build({
    ...options,
    absWorkingDir: root,
    entryPoints: [main],
    write: false,
    metafile: true,
    minify: false,
    sourcemap: false,
    plugins: [redirect({ root, bundles: LAZY_BUNDLES }), ...plugins],
  });
  const hostFiles = [...new Set(Object.keys(probe.metafile.inputs).filter((f) => f.startsWith('src/') && f.endsWith('.ts')))];
  const hostSet = new Set(hostFiles);
  // 1b. What the closure bundles own besides their listed files.
  const bundles = { ...LAZY_BUNDLES };
  for (const name of CLOSURE_BUNDLES) {
    const listed = new Set(Object.values(bundles).flat());
    const reach = await esbuild.build({
      ...options,
      absWorkingDir: root,
      stdin: registryEntry(root, bundles[name]),
      write: false,
      metafile: true,
      minify: false,
      sourcemap: false,
      plugins: [redirect({ root, bundles, self: name, hostFiles: hostSet }), ...plugins],
    });
    const reached = Object.keys(reach.metafile.inputs).filter((f) => f.startsWith('src/') && f.endsWith('.ts') && !hostSet.has(f) && !listed.has(f));
    bundles[name] = [...bundles[name], ...reached];
  }
  // 2. dist/extension.js with its module registry, and each lazy bundle.
  const results = [];
  const main$ = esbuild.build({
    ...options,
    absWorkingDir: root,
    stdin: registryEntry(root, hostFiles, main),
    outfile: path.join(outdir, 'extension.js'),
    metafile,
    plugins: [redirect({ root, bundles }), ...plugins],
  });
  results.push(main$.then((r) => ({ name: 'extension', metafile: r.metafile })));
  for (const [name, files] of Object.entries(bundles)) {
    const existing = files.filter((f) => !hostSet.has(f));
    const r$ = esbuild.build({
      ...options,
      absWorkingDir: root,
      stdin: registryEntry(root, existing),
      outfile: path.join(outdir, `${name}.js`),
      metafile,
      plugins: [redirect({ root, bundles, self: name, hostFiles: hostSet }), ...plugins],
    });
    results.push(r$.then((r) => ({ name, metafile: r.metafile })));
  }
  return Promise.all(results);
}
