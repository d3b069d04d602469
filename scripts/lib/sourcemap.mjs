// Maps stack-trace positions in a bundle (esbuild, linked source map) back to
// the TypeScript sources, for readable failure reports.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

/**
 * Rewrites `…<bundle>:LINE:COL` occurrences in `text` to `src/file.ts:LINE:COL`
 * (paths relative to `root`). Unmappable positions stay as they are.
 * @param {string} text     stack trace / error text
 * @param {string} bundle   absolute path of the bundle (its map is `<bundle>.map`)
 * @param {string} root     project root, for relative paths
 * @returns {string}
 */
export function mapStack(text, bundle, root) {
  const mapFile = `${bundle}.map`;
  if (!existsSync(mapFile)) return text;
  let map;
  try {
    map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
  } catch {
    return text;
  }
  const rel = path.relative(root, bundle).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:file://)?(?:[^\\s()]*?)${rel}:(\\d+):(\\d+)`, 'g');
  return text.replace(re, (whole, line, col) => {
    const e = map.findEntry(Number(line) - 1, Number(col) - 1);
    if (!e || !e.originalSource) return whole;
    const src = e.originalSource.startsWith('file://') ? new URL(e.originalSource).pathname : path.resolve(path.dirname(bundle), e.originalSource);
    return `${path.relative(root, src)}:${e.originalLine + 1}:${e.originalColumn + 1}`;
  });
}
