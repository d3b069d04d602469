#!/usr/bin/env node
// `npm run demo`: a browser VS Code (code-server) with the extension installed,
// talking to the controller emulator with the demo seed.
//
//   node scripts/demo.mjs [--host 127.0.0.1] [--port 8080] [--api-port 8888]
//                         [--heartbeat-port 8000] [--no-build] [--dev] [--keep-state]
//
// --host 0.0.0.0  serve code-server on every interface (remote use; it has NO
//                 password: anyone who reaches the port gets an editor and a shell)
// --dev           load the extension as extensionDevelopmentPath instead of installed
// --keep-state    keep .vscode-test/demo/user-data from the previous run
// Taken ports fall back to free ones. Ctrl+C stops everything.
import { existsSync, rmSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, projectRoot, findFreePort, prepareWorkspace, run, secs } from './lib/util.mjs';

const { flags, positional } = parseArgs(process.argv.slice(2));
const USAGE = `usage: npm run demo -- [--host 127.0.0.1] [--port 8080] [--api-port 8888] [--heartbeat-port 8000]
                        [--no-build] [--dev] [--keep-state]

  --port            code-server (the editor in the browser)
  --api-port        the controller emulator's API
  --heartbeat-port  the emulator's heartbeat listener
  --host 0.0.0.0    serve code-server on every interface (it has NO password: only on a trusted network)
  --no-build        skip the extension build
  --dev             load the extension from this folder instead of installing the .vsix
  --keep-state      keep the editor's user data from the previous demo

A port that is taken falls back to a free one (the demo prints the URLs). Ctrl+C stops everything.`;
const KNOWN = new Set(['host', 'port', 'api-port', 'heartbeat-port', 'no-build', 'dev', 'keep-state', 'help']);
if (flags.help || positional.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = [
  ...Object.keys(flags)
    .filter((f) => !KNOWN.has(f))
    .map((f) => `--${f}`),
  ...positional,
];
if (unknown.length) {
  console.error(`demo: unknown option ${unknown.join(', ')}\n\n${USAGE}`);
  process.exit(2);
}
for (const f of ['port', 'api-port', 'heartbeat-port'])
  if (flags[f] !== undefined && !(typeof flags[f] === 'string' && /^\d+$/.test(flags[f]))) {
    console.error(`demo: --${f} needs a port number\n\n${USAGE}`);
    process.exit(2);
  }
const root = projectRoot();
const host = typeof flags.host === 'string' ? flags.host : '127.0.0.1';
const num = (v, d) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : d);
const t0 = Date.now();

async function step(what, cmd, args) {
  console.log(`demo: ${what}…`);
  const { code } = await run(cmd, args, { cwd: root });
  if (code !== 0) {
    console.error(`demo: ${what} failed (exit ${code})`);
    process.exit(code || 1);
  }
}

if (!existsSync(path.join(root, 'node_modules'))) await step('installing npm packages', 'npm', ['install', '--no-audit', '--no-fund']);
await step('checking system packages and code-server', 'bash', ['scripts/ensure-system-deps.sh']);
if (!flags['no-build']) await step('building', process.execPath, ['esbuild.mjs']);
// The real Telegraf (pinned release, built from the Go module proxy; reused when built): on the PATH of
// code-server, so its terminal and the extension find `telegraf` as a user's machine would have it.
await step('building the real Telegraf (first time: a few minutes)', 'bash', ['scripts/build-telegraf.sh']);
process.env.PATH = `${path.join(root, '.telegraf', 'v1.40.1')}${path.delimiter}${process.env.PATH ?? ''}`;

// Imported after npm install: these pull in tsx and the emulator lazily.
const { startSession, FALLBACK_TELEGRAF_CONF } = await import('./lib/session.mjs');
const { runCleanups, onCleanup } = await import('./lib/cleanup.mjs');
const { seedCredentials } = await import('./lib/emulator.mjs');

const demoDir = path.join(root, '.vscode-test', 'demo');
const userData = path.join(demoDir, 'user-data');
// Outside this repository: inside it, git would ignore the sample files (.vscode-test/ is ignored) and
// the extension would rightly rate a plaintext token there as information, not the warning a user sees.
const seedFile = path.join(root, 'test/emulator/seeds/demo.json');
const apiPort = await findFreePort('127.0.0.1', num(flags['api-port'], 8888));
const heartbeatPort = await findFreePort('127.0.0.1', num(flags['heartbeat-port'], 8000));
const csPort = await findFreePort(host, num(flags.port, 8080));
// One workspace per editor port: two demos on one machine never wipe each other's files.
const workspace = path.join(os.tmpdir(), `telegraf-controller-demo-${csPort}`, 'workspace');
if (!flags['keep-state']) rmSync(userData, { recursive: true, force: true });
rmSync(workspace, { recursive: true, force: true });
mkdirSync(demoDir, { recursive: true });

let session;
try {
  session = await startSession({
    root,
    name: 'demo',
    logsDir: path.join(demoDir, 'logs'),
    seeds: [seedFile],
    emulatorPort: apiPort,
    heartbeatPort,
    host,
    codeServerPort: csPort,
    linkExtension: !flags.dev,
    workspace: workspace,
    // With --keep-state, a folder kept between runs; otherwise a temporary one removed at exit (the editor's
    // Local History there may hold token values).
    ...(flags['keep-state'] ? { userDataDir: userData } : {}),
    // Check Config with Telegraf and version awareness use the real Telegraf the demo built.
    // Its heartbeat server's port (another than 8000 when that was taken or --heartbeat-port was given).
    settings: { 'telegrafController.telegrafPath': path.join(root, '.telegraf', 'v1.40.1', 'telegraf'), 'telegrafController.heartbeatPort': heartbeatPort },
    log: (m) => console.log(`demo: ${m}`),
  });
} catch (err) {
  console.error(`demo: could not start: ${err instanceof Error ? err.message : String(err)}`);
  await runCleanups();
  process.exit(1);
}
// The workspace is made after the emulator is up, so the sample config points at its heartbeat URL.
const fixture = path.join(root, 'test/fixtures/workspace-demo');
prepareWorkspace({
  dir: workspace,
  fixture,
  fallbackFiles: {
    'telegraf.conf': FALLBACK_TELEGRAF_CONF.replace(
      'http://127.0.0.1:8000/agents/heartbeat',
      session.emulator?.heartbeatUrl ?? 'http://127.0.0.1:8000/agents/heartbeat',
    ),
  },
});
// The sample configs name the emulator's heartbeat address (another port when 8000 was taken or --heartbeat-port was given).
const heartbeatUrl = session.emulator?.heartbeatUrl;
if (heartbeatUrl && heartbeatUrl !== 'http://127.0.0.1:8000/agents/heartbeat') {
  for (const file of readdirSync(workspace, { recursive: true })) {
    const p = path.join(workspace, String(file));
    if (!/\.(conf|toml)$/.test(p) || !statSync(p).isFile()) continue;
    const text = readFileSync(p, 'utf8');
    if (text.includes('http://127.0.0.1:8000/agents/heartbeat'))
      writeFileSync(
        p,
        text
          .split('http://127.0.0.1:8000/agents/heartbeat')
          .join(heartbeatUrl)
          .split('listens on port 8000')
          .join(`listens on port ${new URL(heartbeatUrl).port}`),
      );
  }
}

const { codeServer, emulator } = session;
const pageUrl = codeServer.workbenchUrl({ folder: workspace, extensionDevelopmentPath: flags.dev ? root : undefined });
const creds = seedCredentials(seedFile);
let others = '';
try {
  const users = JSON.parse(readFileSync(seedFile, 'utf8')).users ?? [];
  others = users
    .filter((u) => u.username !== creds.username && u.password)
    .map((u) => `${u.username} / ${u.password} (${u.role})`)
    .join(', ');
} catch {
  /* no seed file */
}
const lines = ['', '  Telegraf Controller Tokens — demo is running', '', `  Open in a browser:  ${pageUrl}`];
if (host === '0.0.0.0' || host === '::') {
  const addrs = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a?.address);
  for (const a of addrs) lines.push(`                 or:  ${pageUrl.replace('127.0.0.1', String(a))}`);
  lines.push('  WARNING: code-server has no password and listens on every interface;');
  lines.push('           anyone who can reach this port gets an editor and a shell on this machine.');
}
lines.push(
  `  Controller (emulator): ${emulator ? `${emulator.url}  (heartbeat ${emulator.heartbeatUrl})` : 'not started'}`,
  `  Setting:            telegrafController.url = ${emulator?.url ?? '(unset)'}`,
  `  Sign in as:         ${creds.username} / ${creds.password}   (demo seed)`,
);
if (others) lines.push(`  Other demo users:   ${others}`);
lines.push(
  `  Workspace:          ${workspace}`,
  `  Logs:               ${path.relative(root, session.logsDir)}/`,
  '',
  '  Stop: Ctrl+C (stops code-server and the emulator)',
  `  (started in ${secs(Date.now() - t0)})`,
  '',
);
console.log(lines.join('\n'));

// Stay up until Ctrl+C; leave if code-server dies.
const watch = setInterval(async () => {
  if (!codeServer.alive()) {
    clearInterval(watch);
    console.error(`demo: code-server exited; see ${codeServer.logFile}`);
    await runCleanups();
    process.exit(1);
  }
}, 1000);
onCleanup('demo watch', () => clearInterval(watch));
