/**
 * The real Telegraf's own files, read from the Go module cache at test time
 * (never copied into this repository): the heartbeat output's JSON schema
 * (`plugins/outputs/heartbeat/schema_v1.json`) and the way `heartbeat.go`
 * sends the token. `scripts/build-telegraf.sh` puts the module there (it
 * builds Telegraf from the Go module proxy with the ordinary `go` commands).
 *
 * Where this emulator and the real agent disagree, the agent is right
 * (docs: docs/api-contract.md "How Telegraf uses a token").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The Telegraf release the tests, the demo and the emulator pin (scripts/build-telegraf.sh). */
export const PINNED_TELEGRAF_VERSION = 'v1.40.1';

let cachedModCache: string | undefined;

/**
 * The Go module cache directory: `$GOMODCACHE`, else `go env GOMODCACHE`, else
 * `$GOPATH/pkg/mod`, else `~/go/pkg/mod`.
 */
export function goModCache(): string {
  if (cachedModCache) return cachedModCache;
  let dir = process.env.GOMODCACHE;
  if (!dir) {
    try {
      dir = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).trim();
    } catch {
      dir = path.join(process.env.GOPATH || path.join(os.homedir(), 'go'), 'pkg', 'mod');
    }
  }
  cachedModCache = dir;
  return dir;
}

/** `<GOMODCACHE>/github.com/influxdata/telegraf@<version>`; throws with the fix when it is missing. */
export function telegrafModuleDir(version: string = PINNED_TELEGRAF_VERSION): string {
  const dir = path.join(goModCache(), 'github.com', 'influxdata', `telegraf@${version}`);
  if (!existsSync(dir)) {
    throw new Error(`The Telegraf ${version} module is not in the Go module cache (${dir}). Run: bash scripts/build-telegraf.sh ${version}`);
  }
  return dir;
}

/** The heartbeat output's JSON schema (draft 2020-12) of a Telegraf release, parsed. Throws when missing. */
export function readHeartbeatSchema(version: string = PINNED_TELEGRAF_VERSION): Record<string, unknown> {
  const file = path.join(telegrafModuleDir(version), 'plugins', 'outputs', 'heartbeat', 'schema_v1.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** A validator of heartbeat bodies: `undefined` when valid, else the schema errors as short sentences. */
export type HeartbeatValidator = (body: unknown) => string[] | undefined;

/**
 * Compiles the heartbeat schema of `version` with Ajv (JSON Schema 2020-12,
 * with `ajv-formats` for `date-time`). Throws when the module is missing.
 */
export function heartbeatValidator(version: string = PINNED_TELEGRAF_VERSION): HeartbeatValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(readHeartbeatSchema(version));
  return (body) => {
    if (validate(body)) return undefined;
    return (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  };
}

/** How a Telegraf release's heartbeat output authenticates: header name and scheme prefix. */
export interface HeartbeatAuth {
  /** e.g. `Authorization`. */
  header: string;
  /** The text before the token, e.g. `Bearer `. */
  prefix: string;
}

/**
 * Reads `plugins/outputs/heartbeat/heartbeat.go` of a release and returns the
 * header it sets with the token (`req.Header.Add("Authorization", "Bearer "+token.String())`).
 * Throws when the module is missing or the source no longer has that shape.
 */
export function heartbeatAuth(version: string = PINNED_TELEGRAF_VERSION): HeartbeatAuth {
  const src = readFileSync(path.join(telegrafModuleDir(version), 'plugins', 'outputs', 'heartbeat', 'heartbeat.go'), 'utf8');
  const m = /req\.Header\.(?:Add|Set)\("([^"]+)",\s*"([^"]*)"\s*\+\s*token\.String\(\)\)/.exec(src);
  if (!m) throw new Error(`Telegraf ${version} heartbeat.go: no header carrying the token found`);
  return { header: m[1]!, prefix: m[2]! };
}

/**
 * The environment variables a release's `--config <url>` fetch reads, in
 * order, with the scheme each is sent with (from `config/config.go`
 * `fetchConfig`), e.g. `[{ env: 'TELEGRAF_CONTROLLER_TOKEN', prefix: 'Bearer ' }, { env: 'INFLUX_TOKEN', prefix: 'Token ' }]`.
 */
export function configFetchAuth(version: string = PINNED_TELEGRAF_VERSION): Array<{ env: string; prefix: string }> {
  const src = readFileSync(path.join(telegrafModuleDir(version), 'config', 'config.go'), 'utf8');
  const start = src.indexOf('func fetchConfig(');
  if (start < 0) throw new Error(`Telegraf ${version} config.go: fetchConfig not found`);
  const body = src.slice(start, src.indexOf('\n}\n', start));
  const out: Array<{ env: string; prefix: string }> = [];
  const re = /os\.LookupEnv\("([A-Z_]+)"\)[^\n]*\n\s*req\.Header\.Add\("Authorization",\s*"([^"]*)"\s*\+\s*v\)/g;
  for (let m = re.exec(body); m; m = re.exec(body)) out.push({ env: m[1]!, prefix: m[2]! });
  return out;
}
