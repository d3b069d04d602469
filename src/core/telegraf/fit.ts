/**
 * Whether a config fits the user's Telegraf version. No `vscode` import.
 * Facts: see `version.ts` (heartbeat output since 1.37; the config download
 * sends `TELEGRAF_CONTROLLER_TOKEN` since 1.39, `INFLUX_TOKEN` before; strict
 * env handling, which refuses an unquoted `${VAR}`, is the default since
 * 1.38: docs/api-contract.md).
 */

import { findTokenSites, heartbeatOutputs } from '../config/detect';
import type { Range, TelegrafConfig } from '../config/types';
import { atLeast, capabilitiesOf, CONTROLLER_TOKEN_ENV, INFLUX_TOKEN_ENV, type TelegrafVersion } from './version';

/** One way a config does not fit a Telegraf version. */
export interface VersionMisfit {
  /**
   * `error`: that Telegraf refuses the file; `warning`: it loads, but a token
   * will not be sent as written; `info`: it loads and works as a local config,
   * but not in every way it may be deployed.
   */
  severity: 'error' | 'warning' | 'info';
  range: Range;
  message: string;
}

/** Every way `cfg` does not fit Telegraf `v`, in document order. */
export function configMisfits(cfg: TelegrafConfig, v: TelegrafVersion): VersionMisfit[] {
  const out: VersionMisfit[] = [];
  const caps = capabilitiesOf(v);
  if (!caps.heartbeatOutput) {
    for (const hb of heartbeatOutputs(cfg)) {
      out.push({
        severity: 'error',
        range: hb.headerRange,
        message: `Telegraf ${v.text} has no [[outputs.heartbeat]] (it came with Telegraf 1.37) and refuses to load this config.`,
      });
    }
  }
  if (!atLeast(v, 1, 39)) {
    for (const site of findTokenSites(cfg)) {
      if (site.classification !== 'env' || site.envVar !== CONTROLLER_TOKEN_ENV) continue;
      // A local file reads any variable the agent's environment sets; only an agent that downloads its
      // config from the controller is started with the token in INFLUX_TOKEN (before 1.39).
      out.push({
        severity: 'info',
        range: site.credentialRange,
        message: `Telegraf ${v.text} reads \${${CONTROLLER_TOKEN_ENV}} from its environment in a local config like any variable. But an agent of this version that downloads its config from the controller gets its token as ${INFLUX_TOKEN_ENV} (${CONTROLLER_TOKEN_ENV} from Telegraf 1.39): if the controller serves this config, reference \${${INFLUX_TOKEN_ENV}} so that one variable serves both, or upgrade Telegraf.`,
      });
    }
  }
  if (atLeast(v, 1, 38)) {
    for (const r of cfg.unquotedSubstitutions) {
      out.push({
        severity: 'error',
        range: r,
        message: `Telegraf ${v.text} reads environment variables only inside quoted strings (strict handling, the default since 1.38): quote this value, or run Telegraf with --non-strict-env-handling.`,
      });
    }
  }
  return out.sort((a, b) => a.range.start - b.range.start);
}
