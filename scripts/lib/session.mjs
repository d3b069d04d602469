// One test/demo environment: build, controller emulator, workspace folder and
// code-server, shared by run-integration.mjs, run-e2e.mjs and demo.mjs.
import { existsSync, mkdirSync, rmSync, cpSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir, prepareWorkspace, run, secs } from './util.mjs';
import { startCodeServer } from './code-server.mjs';
import { startEmulatorInProcess, findSeed } from './emulator.mjs';
import { onCleanup } from './cleanup.mjs';

/**
 * Runs `node esbuild.mjs [args]` in the project.
 * @param {string} root
 * @param {string[]} args
 * @throws {Error} when the build fails
 */
export async function build(root, args = []) {
  const t0 = Date.now();
  const { code } = await run(process.execPath, ['esbuild.mjs', ...args], { cwd: root });
  if (code !== 0) throw new Error(`build failed: node esbuild.mjs ${args.join(' ')} exited ${code}`);
  return Date.now() - t0;
}

/** telegraf.conf used when the project has no workspace fixture. */
export const FALLBACK_TELEGRAF_CONF = `# Sample Telegraf configuration (created by the Telegraf Controller Tokens harness)
[agent]
  interval = "10s"

[[inputs.cpu]]
  percpu = false
  totalcpu = true

[[outputs.heartbeat]]
  url = "http://127.0.0.1:8000/agents/heartbeat"
  instance_id = "demo-agent"
  interval = "1m"
`;

/**
 * @typedef {object} Session
 * @property {string} root
 * @property {string} runDir        temp folder (user data, workspace); removed by close()
 * @property {string} workspace     workspace folder opened in the window
 * @property {string} logsDir       logs kept after the run
 * @property {import('./emulator.mjs').RunningEmulator | undefined} emulator
 * @property {import('./code-server.mjs').CodeServer} codeServer
 * @property {() => Promise<void>} close  stops code-server and the emulator, removes runDir (unless keep)
 */

/**
 * Starts the emulator (when test/emulator/server.ts exists), prepares a
 * workspace and starts code-server pointed at the emulator.
 * @param {object} o
 * @param {string} o.root
 * @param {string} o.name             prefix of temp dirs, e.g. 'integration'
 * @param {string} o.logsDir
 * @param {string[]} o.seeds          seed file names to try, first existing wins
 * @param {string} [o.workspaceFixture] folder copied as the workspace (relative to root)
 * @param {number} [o.emulatorPort]
 * @param {number} [o.heartbeatPort]
 * @param {boolean} [o.noEmulator]
 * @param {string} [o.host]           code-server bind address
 * @param {number} [o.codeServerPort]
 * @param {Record<string, unknown>} [o.settings] extra user settings
 * @param {NodeJS.ProcessEnv | ((s: { workspace: string, runDir: string, emulator?: import('./emulator.mjs').RunningEmulator }) => NodeJS.ProcessEnv)} [o.env]
 * @param {string} [o.vsix]           install this .vsix
 * @param {boolean} [o.linkExtension] install the project folder itself (no packaging)
 * @param {string} [o.workspace]      use this folder instead of a temp copy
 * @param {string} [o.userDataDir]    code-server's user data folder (default: <runDir>/user-data)
 * @param {boolean} [o.keep]          keep runDir
 * @param {(msg: string) => void} [o.log]
 * @returns {Promise<Session>}
 */
export async function startSession(o) {
  const log = o.log ?? ((m) => console.log(m));
  mkdirSync(o.logsDir, { recursive: true });
  const runDir = makeTempDir(`tc-${o.name}-`);
  let removed = false;
  const removeRunDir = () => {
    if (removed || o.keep) return;
    removed = true;
    rmSync(runDir, { recursive: true, force: true });
  };
  const unRm = onCleanup('temp dir', removeRunDir);

  /** @type {import('./emulator.mjs').RunningEmulator | undefined} */
  let emulator;
  if (!o.noEmulator) {
    if (existsSync(path.join(o.root, 'test/emulator/server.ts'))) {
      const seedFile = findSeed(o.root, o.seeds);
      const t0 = Date.now();
      emulator = await startEmulatorInProcess({
        root: o.root,
        port: o.emulatorPort ?? 0,
        heartbeatPort: o.heartbeatPort ?? 0,
        seedFile,
      });
      log(
        `emulator: ${emulator.url} (heartbeat ${emulator.heartbeatUrl}, seed ${seedFile ? path.relative(o.root, seedFile) : 'built-in'}) in ${secs(Date.now() - t0)}`,
      );
    } else {
      log('emulator: test/emulator/server.ts not found — running without a controller emulator');
    }
  }

  const workspace =
    o.workspace ??
    prepareWorkspace({
      dir: path.join(runDir, 'workspace'),
      fixture: o.workspaceFixture ? path.join(o.root, o.workspaceFixture) : undefined,
      fallbackFiles: { 'telegraf.conf': FALLBACK_TELEGRAF_CONF },
    });

  const settings = { ...(emulator ? { 'telegrafController.url': emulator.url } : {}), ...o.settings };
  const env = typeof o.env === 'function' ? o.env({ workspace, runDir, emulator }) : o.env;
  const t1 = Date.now();
  const codeServer = await startCodeServer({
    root: o.root,
    host: o.host,
    port: o.codeServerPort,
    userDataDir: o.userDataDir ?? path.join(runDir, 'user-data'),
    settings,
    env,
    vsix: o.vsix,
    linkExtension: o.linkExtension ? o.root : undefined,
    folder: workspace,
    logFile: path.join(o.logsDir, 'code-server.log'),
    locale: o.locale,
    extraExtensions: o.extraExtensions,
  });
  log(`code-server: ${codeServer.url} (pid ${codeServer.pid}) in ${secs(Date.now() - t1)}`);

  const close = async () => {
    await codeServer.stop();
    await emulator?.close();
    unRm();
    removeRunDir();
  };
  return { root: o.root, runDir, workspace, logsDir: o.logsDir, emulator, codeServer, close };
}

/**
 * Copies VS Code's own logs (extension host, renderer, server) of a session
 * into its logs folder, for post-mortems.
 * @param {Session} s
 */
export function collectVsCodeLogs(s) {
  const src = path.join(s.codeServer.userDataDir, 'logs');
  if (existsSync(src)) cpSync(src, path.join(s.logsDir, 'vscode-logs'), { recursive: true });
}
