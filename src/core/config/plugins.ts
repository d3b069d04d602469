/**
 * Which Telegraf plugins take a `token` option, and which plugin a table
 * belongs to. No `vscode` import.
 *
 * The list is read from the Telegraf v1.40.1 plugin sources: every input and
 * output plugin whose own configuration struct has a field tagged
 * `toml:"token"` (`plugins/<category>/<name>/<name>.go`). Not listed on
 * purpose: secret stores (`secretstores.vault`, `.http`, `.oauth2`: their
 * `token` authenticates to the store itself, docs/api-contract.md), and the AWS
 * plugins whose `token` is an AWS session token (`plugins/common/aws`).
 * A plugin outside this list that already has a `token` key evidently takes
 * one (a newer or external plugin) and is treated as taking one.
 */

import { findDirectKey } from './parse';
import type { ConfigTable, TelegrafConfig } from './types';

/** `<category>.<name>` of every input and output plugin with its own `token` option (Telegraf v1.40.1). */
export const TOKEN_PLUGINS: ReadonlySet<string> = new Set([
  'inputs.consul',
  'inputs.consul_agent',
  'inputs.http',
  'inputs.http_response',
  'inputs.influxdb_v2_listener',
  'inputs.logql',
  'inputs.neoom_beaam',
  'inputs.promql',
  'inputs.slurm',
  'inputs.vault',
  'outputs.heartbeat',
  'outputs.influxdb_v2',
  'outputs.influxdb_v3',
  'outputs.logzio',
  'outputs.opentelemetry',
  'outputs.quix',
  'outputs.stackdriver',
  'outputs.warp10',
  'outputs.wavefront',
]);

const PLUGIN_CATEGORIES = new Set(['inputs', 'outputs', 'processors', 'aggregators', 'secretstores']);

/**
 * The plugin table (`[[<category>.<name>]]`, a two-segment path in one of
 * Telegraf's plugin categories) that `table` is, or that a sub-table such as
 * `[inputs.http.tags]` belongs to (through `parentIndex`). `undefined` for
 * `[agent]`, `[global_tags]`, other tables and the top level.
 */
export function pluginOf(cfg: TelegrafConfig, table: ConfigTable | undefined): ConfigTable | undefined {
  let t = table;
  while (t) {
    if (t.path.length === 2 && PLUGIN_CATEGORIES.has(t.path[0] as string)) return t;
    t = t.parentIndex === undefined ? undefined : cfg.tables[t.parentIndex];
  }
  return undefined;
}

/**
 * Whether a `token` belongs in this plugin table as a direct key: an input or
 * output in `TOKEN_PLUGINS`, or any input/output that already has a direct
 * `token` key. Secret stores never (their `token` authenticates to the store).
 */
export function takesToken(plugin: ConfigTable): boolean {
  if (plugin.path.length !== 2) return false;
  const category = plugin.path[0];
  if (category !== 'inputs' && category !== 'outputs') return false;
  return TOKEN_PLUGINS.has(plugin.name) || findDirectKey(plugin, 'token') !== undefined;
}
