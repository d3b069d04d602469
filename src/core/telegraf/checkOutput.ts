/**
 * Reading what `telegraf config check` prints, and mapping it onto the lines
 * of the checked file. No `vscode` import.
 *
 * Telegraf logs one line per event, `<RFC 3339 time> <L>! <message>`, where
 * `<L>` is `E` (error), `W` (warning), `I` (info) or `D` (debug); a failed
 * load ends with one `E!` line. Message shapes mapped here, as printed by
 * Telegraf v1.40.1 (`config/config.go`, `cmd/telegraf`):
 * - `loading config file <path> failed: error parsing data: line N: <toml error>`
 * - `loading config file <path> failed: plugin <category>.<name>: line N: configuration specified the fields ["a"], but they were not used; …`
 *   (N is the plugin's header line; the field is looked up in that plugin and its sub-tables)
 * - `loading config file <path> failed: error parsing <name> array, undefined but requested <kind>: <x>`
 * - `could not initialize <kind> <category>.<name>: <reason>`
 * Anything else is kept, on the first line of the file.
 */

import { directKeys } from '../config/parse';
import type { ConfigTable, TelegrafConfig } from '../config/types';

/** Severity of a reported problem. */
export type CheckSeverity = 'error' | 'warning';

/** One problem Telegraf reported. */
export interface TelegrafProblem {
  severity: CheckSeverity;
  /** Telegraf's message without time, level and the temp-file path (replaced by the display name). */
  message: string;
  /** 0-based line the problem belongs to; 0 when Telegraf names no place. */
  line: number;
  /** Whether `line` comes from Telegraf's output (false: the file's first line as a fallback). */
  located: boolean;
}

const LOG_LINE_RE = /^\s*(?:\d{4}-\d{2}-\d{2}T\S+\s+)?([EWID])!\s+(.*)$/;

/**
 * Warnings that every config gets from this Telegraf, whatever it contains
 * (the strict env-handling announcement, the changed default of
 * `skip_processors_after_aggregators`): not about the file, so not shown.
 */
const GENERIC_WARNINGS: RegExp[] = [
  /Strict environment variable handling will be the new default/i,
  /The default value of 'skip_processors_after_aggregators'/,
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The plugin table at 1-based header line `line1`, or the first named `name`. */
function pluginTable(cfg: TelegrafConfig | undefined, name: string | undefined, line1?: number): ConfigTable | undefined {
  if (!cfg) return undefined;
  if (line1 !== undefined) {
    const t = cfg.tables.find((x) => x.line === line1 - 1);
    if (t) return t;
  }
  if (name === undefined) return undefined;
  return cfg.tables.find((t) => t.name === name) ?? cfg.tables.find((t) => t.path.length === 2 && t.path[1] === name);
}

/** The line of key `field` in `plugin` or one of its sub-tables, if any. */
function fieldLine(cfg: TelegrafConfig, plugin: ConfigTable, field: string): number | undefined {
  const own = [plugin, ...cfg.tables.filter((t) => t.index > plugin.index && t.name.startsWith(plugin.name + '.') && isWithin(cfg, t, plugin))];
  for (const t of own) {
    const k = directKeys(t).find((x) => x.keyPath[0] === field);
    if (k) return k.line;
  }
  return undefined;
}

/** Whether sub-table `t` belongs to `plugin` (no other `plugin.name` header between them). */
function isWithin(cfg: TelegrafConfig, t: ConfigTable, plugin: ConfigTable): boolean {
  for (let i = plugin.index + 1; i < t.index; i++) if (cfg.tables[i]?.name === plugin.name) return false;
  return true;
}

function locate(message: string, cfg: TelegrafConfig | undefined, lineCount: number): { line: number; located: boolean } {
  const clamp = (n: number) => Math.max(0, Math.min(n, Math.max(0, lineCount - 1)));
  let m = /plugin ([A-Za-z0-9_]+\.[A-Za-z0-9_]+): line (\d+): configuration specified the fields \[([^\]]*)\]/.exec(message);
  if (m) {
    const header = Number(m[2]);
    const plugin = pluginTable(cfg, m[1], header);
    const first = /"([^"]+)"/.exec(m[3] ?? '')?.[1];
    if (cfg && plugin && first) {
      const l = fieldLine(cfg, plugin, first);
      if (l !== undefined) return { line: l, located: true };
    }
    return { line: clamp(header - 1), located: true };
  }
  m = /\bline (\d+)\b/.exec(message);
  if (m) return { line: clamp(Number(m[1]) - 1), located: true };
  // A secret reference Telegraf could not resolve (`resolving "@{store:key}" failed`, `unknown secret store for "@{store:key}"`):
  // the first line that is not a comment and holds the reference.
  m = /"(@\{[A-Za-z0-9_]+:[A-Za-z0-9_]+\})"/.exec(message);
  if (m && cfg) {
    const ref = m[1]!;
    const l = cfg.text.split(/\r?\n/).findIndex((line) => line.includes(ref) && !/^\s*#/.test(line));
    if (l >= 0) return { line: l, located: true };
  }
  m = /could not initialize \w+ ([A-Za-z0-9_]+\.[A-Za-z0-9_]+)/.exec(message) ?? /error parsing ([A-Za-z0-9_]+) array/.exec(message);
  if (m) {
    const t = pluginTable(cfg, m[1]);
    if (t) return { line: t.line, located: true };
  }
  return { line: 0, located: false };
}

/**
 * The problems in the combined stdout/stderr of `telegraf config check`:
 * `E!` lines as errors, `W!` lines about the file as warnings (generic ones
 * every config gets are dropped). `tempPath` (the private copy that was
 * checked) is replaced by `displayName` everywhere, and the `loading config
 * file … failed:` prefix is dropped. Each problem is placed on a line of
 * `cfg` (the parse of the checked text) where the message says where.
 * When Telegraf failed (`exitCode` not 0) without an `E!` line, its last
 * output line (or a generic text) becomes one error.
 */
export function parseCheckOutput(
  output: string,
  options: { tempPath: string; displayName: string; cfg?: TelegrafConfig; exitCode: number | null },
): TelegrafProblem[] {
  const { cfg } = options;
  const lineCount = cfg ? cfg.lineStarts.length : 1;
  const pathRe = new RegExp(escapeRegExp(options.tempPath), 'g');
  const out: TelegrafProblem[] = [];
  const lines = output.split(/\r?\n/).map((l) => l.replace(pathRe, options.displayName));
  for (const raw of lines) {
    const m = LOG_LINE_RE.exec(raw);
    if (!m) continue;
    const level = m[1];
    let message = (m[2] ?? '').trim();
    if (level !== 'E' && level !== 'W') continue;
    if (level === 'W' && GENERIC_WARNINGS.some((re) => re.test(message))) continue;
    message = message.replace(/^loading config file .*? failed: /, '');
    out.push({ severity: level === 'E' ? 'error' : 'warning', message, ...locate(message, cfg, lineCount) });
  }
  if (options.exitCode !== 0 && !out.some((p) => p.severity === 'error')) {
    const last = lines
      .map((l) => l.trim())
      .filter((l) => l !== '' && !LOG_LINE_RE.test(l))
      .pop();
    out.push({ severity: 'error', message: last ?? `telegraf config check failed (exit code ${String(options.exitCode)})`, line: 0, located: false });
  }
  return out;
}
