// Build-time deferral of the TOML parser (used by esbuild.mjs). The extension
// parses Telegraf configs only when a config feature runs (diagnostics scan,
// CodeLens, hover, completion, insert/rotate/test commands), never to
// activate, so `toml-eslint-parser` (+ eslint-visitor-keys, ~40 KB minified)
// is bundled on its own into dist/tomlParser.js instead of into
// dist/extension.js, and loaded with require() on the first use of any of its
// exports.
//
// In the extension bundle, `toml-eslint-parser` resolves to a small CommonJS
// module with the SAME export names (read from the real package at build
// time, so an upgrade cannot silently miss one), each a getter that loads
// `./tomlParser.js` on first access. src/core/config/parse.ts keeps the module
// object (`toml.parseTOML(…)`, `e instanceof toml.ParseError`), so every
// export still comes from the one real module: behaviour is unchanged.
import path from 'node:path';

/** File name of the separately bundled parser, next to dist/extension.js. */
export const TOML_PARSER_BUNDLE = 'tomlParser.js';

const NAMESPACE = 'lazy-toml';

/**
 * Source of the lazy stand-in for `toml-eslint-parser`.
 * @returns {Promise<string>}
 */
async function lazySource() {
  const real = await import('toml-eslint-parser');
  const names = Object.keys(real).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  const lines = [
    'let real;',
    `const load = () => (real ??= require(${JSON.stringify('./' + TOML_PARSER_BUNDLE)}));`,
    ...names.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`),
  ];
  return lines.join('\n') + '\n';
}

/**
 * The esbuild plugin for the extension bundle (see the file comment). Build
 * the parser itself with `tomlParserBuild(outdir)`.
 * @returns {import('esbuild').Plugin}
 */
export function lazyToml() {
  return {
    name: 'lazy-toml',
    setup(b) {
      b.onResolve({ filter: /^toml-eslint-parser$/ }, () => ({ path: 'toml-eslint-parser', namespace: NAMESPACE }));
      b.onResolve({ filter: new RegExp(`^\\./${TOML_PARSER_BUNDLE.replace('.', '\\.')}$`) }, (a) =>
        a.namespace === NAMESPACE ? { path: a.path, external: true } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, async () => ({ contents: await lazySource(), loader: 'js' }));
    },
  };
}

/**
 * esbuild options of dist/<TOML_PARSER_BUNDLE>: toml-eslint-parser as one
 * minified CommonJS module for Node.
 * @param {string} outdir folder of the extension bundle (e.g. 'dist')
 * @returns {import('esbuild').BuildOptions}
 */
export function tomlParserBuild(outdir) {
  return {
    stdin: { contents: "module.exports = require('toml-eslint-parser');", resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    outfile: path.join(outdir, TOML_PARSER_BUNDLE),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}
