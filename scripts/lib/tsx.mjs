// Loads TypeScript modules (the emulator, e2e flows) into the running Node
// process through tsx's loader hooks: real file URLs, so `__dirname`, relative
// paths and stack traces refer to the .ts files.
import { pathToFileURL } from 'node:url';

let registered = false;

/**
 * Imports a .ts (or .js) file by absolute path.
 * @param {string} file absolute path
 * @returns {Promise<any>} the module's exports (a CommonJS-compiled module's
 *   `module.exports` members are merged in, so named exports work either way)
 */
export async function importTs(file) {
  if (!registered) {
    // Same as `node --import tsx`: ESM hooks plus the CommonJS require hook.
    await import('tsx');
    registered = true;
  }
  const ns = await import(pathToFileURL(file).href);
  const cjs = ns.default && typeof ns.default === 'object' ? ns.default : {};
  return { ...cjs, ...ns };
}
