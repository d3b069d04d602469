/**
 * The real Telegraf built by `scripts/build-telegraf.sh` (`.telegraf/<version>/telegraf`),
 * for tests that let Telegraf's own loader judge a config (`telegraf config check`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers';

/** The pinned Telegraf the build script produces. */
export const TELEGRAF_VERSION = process.env.TELEGRAF_VERSION ?? 'v1.40.1';

/** Path of the built binary, or `undefined` when it has not been built here. */
export function telegrafBinary(version = TELEGRAF_VERSION): string | undefined {
  const bin = path.join(ROOT, '.telegraf', version, 'telegraf');
  return existsSync(bin) ? bin : undefined;
}

/** Skip reason for `test(..., { skip })` when the binary is missing. */
export function skipWithoutTelegraf(version = TELEGRAF_VERSION): string | false {
  return telegrafBinary(version) ? false : `no real Telegraf ${version} here: run bash scripts/build-telegraf.sh`;
}

/** Result of `configCheck`. */
export interface CheckResult {
  ok: boolean;
  /** Telegraf's `E!` lines (the temp path replaced by `<config>`). */
  errors: string[];
}

/**
 * Runs `telegraf config check --config <tmp file>` on `text` with
 * `TELEGRAF_CONTROLLER_TOKEN`/`INFLUX_TOKEN` set to a placeholder (as a deployed
 * agent's environment would have them) and stdin closed, 20 s at most.
 */
export function configCheck(text: string, bin = telegrafBinary()): CheckResult {
  if (!bin) throw new Error('no Telegraf binary');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-check-'));
  const file = path.join(dir, 'telegraf.conf');
  try {
    writeFileSync(file, text, { mode: 0o600 });
    const r = spawnSync(bin, ['config', 'check', '--config', file], {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        TELEGRAF_CONTROLLER_TOKEN: 'tc-apiv1_placeholder',
        INFLUX_TOKEN: 'placeholder',
        JOSE_PASSWORD: 'placeholder',
      },
    });
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split(file).join('<config>');
    const errors = out.split('\n').filter((l) => / E! /.test(l));
    return { ok: r.status === 0 && errors.length === 0, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
