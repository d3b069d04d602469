// Build-time removal of zod's JSON Schema generation from the bundles
// (extension and webview), used by esbuild.mjs. The extension validates data
// with zod; it never turns a schema into JSON Schema (`z.toJSONSchema`,
// `schema.toJSONSchema()`, `schema['~standard'].jsonSchema`, and the
// `minLength`/`maxLength`/`format`/`minValue`/`maxValue` getters built on the
// same code). zod's classic API references that code from every schema class,
// so esbuild cannot drop it (~18 KB minified per bundle).
//
// Each of zod/v4/core/{json-schema-processors,to-json-schema,json-schema-generator}.js
// is replaced by a module with the SAME export names (read from the real
// module at build time, so a zod upgrade cannot silently miss one) whose
// functions throw "JSON Schema generation is not included in this build".
// Validation (parse/safeParse, transforms, error messages) does not touch them.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const STUBBED = /[\\/]zod[\\/]v4[\\/]core[\\/](json-schema-processors|to-json-schema|json-schema-generator)\.js$/;
const MESSAGE = 'JSON Schema generation is not included in this build of the extension';

/**
 * Source of a stub for the real ES module at `file`: same export names;
 * functions throw, `create…` factories return a function that throws, classes
 * throw when constructed, other values become empty frozen objects.
 * @param {string} file absolute path of the real module
 * @returns {Promise<string>}
 */
export async function zodStubSource(file) {
  const real = await import(pathToFileURL(file).href);
  const lines = [`const unsupported = () => { throw new Error(${JSON.stringify(MESSAGE)}); };`];
  for (const [name, value] of Object.entries(real)) {
    if (typeof value !== 'function') lines.push(`export const ${name} = Object.freeze({});`);
    else if (/^[A-Z]/.test(name)) lines.push(`export class ${name} { constructor() { unsupported(); } }`);
    else if (/^create/.test(name)) lines.push(`export const ${name} = () => unsupported;`);
    else lines.push(`export const ${name} = unsupported;`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The esbuild plugin (see the file comment).
 * @returns {import('esbuild').Plugin}
 */
export function slimZod() {
  return {
    name: 'slim-zod',
    setup(b) {
      b.onLoad({ filter: STUBBED }, async (a) => ({
        contents: await zodStubSource(a.path),
        loader: 'js',
        resolveDir: path.dirname(a.path),
      }));
    },
  };
}
