/**
 * Which config files one Telegraf agent loads together. The packaged agent
 * runs `telegraf -config /etc/telegraf/telegraf.conf -config-directory
 * /etc/telegraf/telegraf.d` (the systemd unit of Telegraf 1.40.1,
 * `scripts/telegraf.service` in its source): every `*.conf` of `telegraf.d/`
 * is merged with `telegraf.conf` beside it, so an output in one of them is an
 * output of the agent. Paths are `/`-separated.
 */

/** The directory part of a `/`-separated path. */
function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** The last part of a `/`-separated path. */
function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * The files of `candidates` the same agent loads with `file`: for
 * `…/telegraf.conf`, the `*.conf` files directly in `…/telegraf.d/`; for a
 * `*.conf` directly in a `telegraf.d/` folder, `telegraf.conf` beside that
 * folder and the other `*.conf` files in it. Empty for any other file (an
 * agent started with its own `--config`). `file` itself is never returned.
 */
export function agentSiblings(file: string, candidates: readonly string[]): string[] {
  const dir = dirOf(file);
  const isMain = baseOf(file) === 'telegraf.conf';
  const inDropIns = baseOf(dir) === 'telegraf.d' && file.endsWith('.conf');
  if (!isMain && !inDropIns) return [];
  const root = isMain ? dir : dirOf(dir);
  const dropIns = `${root ? `${root}/` : ''}telegraf.d`;
  const main = `${root ? `${root}/` : ''}telegraf.conf`;
  return candidates.filter((c) => c !== file && (c === main || (dirOf(c) === dropIns && c.endsWith('.conf'))));
}
