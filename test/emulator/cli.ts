/**
 * Command line of the controller emulator:
 *
 *   tsx test/emulator/cli.ts [--port 8888] [--heartbeat-port 8000] [--host 127.0.0.1]
 *                            [--seed test/emulator/seeds/demo.json | bulk-10k | bulk:N] [--tls] [--ca-out path]
 *                            [--disable-auth configs,heartbeat] [--heartbeat-schema v1.40.1 | off]
 *
 * Prints `API <url>` and `HEARTBEAT <url>` (and with `--tls`, `CA <path>`:
 * the self-signed certificate's PEM, written to `--ca-out` or a temp file),
 * then `READY`. Stops on SIGINT / SIGTERM.
 * Defaults: port 8888, heartbeat port 8000 (docs/api-contract.md intro), demo seed,
 * heartbeat bodies checked against the pinned Telegraf's JSON schema (from
 * the Go module cache; `off` accepts any body).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkCountFromName, bulkSeed } from './bulk';
import { loadSeedFile, parseSeed } from './seed';
import { startEmulator } from './server';

/** A seed file, or a generated seed: `bulk-10k` (demo + 10,000 tokens) or `bulk:N`. */
function seedFor(name: string) {
  const n = bulkCountFromName(name);
  return n !== undefined ? parseSeed(bulkSeed(n)) : loadSeedFile(name);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8888' },
      'heartbeat-port': { type: 'string', default: '8000' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      tls: { type: 'boolean', default: false },
      'ca-out': { type: 'string' },
      'disable-auth': { type: 'string' },
      'heartbeat-schema': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: tsx test/emulator/cli.ts [--port 8888] [--heartbeat-port 8000] [--host 127.0.0.1] [--seed file.json] [--tls] [--ca-out ca.pem] [--disable-auth configs,heartbeat] [--heartbeat-schema v1.40.1|off]\n',
    );
    return;
  }
  const disabled = (values['disable-auth'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is 'configs' | 'heartbeat' => s === 'configs' || s === 'heartbeat');
  const emu = await startEmulator({
    port: Number(values.port),
    heartbeatPort: Number(values['heartbeat-port']),
    host: values.host,
    ...(values.seed ? { seed: seedFor(values.seed) } : {}),
    tls: values.tls,
    disabledAuth: disabled,
    ...(values['heartbeat-schema'] ? { heartbeatSchema: values['heartbeat-schema'] === 'off' ? false : values['heartbeat-schema'] } : {}),
  });
  process.stdout.write(`API ${emu.url}\nHEARTBEAT ${emu.heartbeatUrl}\n`);
  /** The temp directory of the CA file when no `--ca-out` was given: removed on exit. */
  let tempDir: string | undefined;
  if (emu.ca) {
    if (!values['ca-out']) tempDir = mkdtempSync(join(tmpdir(), 'tc-emulator-'));
    const path = values['ca-out'] ?? join(tempDir!, 'ca.pem');
    writeFileSync(path, emu.ca);
    process.stdout.write(`CA ${path}\n`);
  }
  const removeTemp = (): void => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  };
  process.once('exit', removeTemp);
  const stop = (): void => {
    void emu.close().finally(() => {
      removeTemp();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write('READY\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`emulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
