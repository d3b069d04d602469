// Starts code-server 4.100.3 (VS Code 1.100.3's workbench and Node extension
// host, installed by scripts/install-code-server.sh into
// .vscode-test/code-server) for tests, end-to-end flows and the demo.
// Recipe: ../shared/notes/real-vscode-testing.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, findFreePort, isPortFree, makeTempDir, waitFor } from './util.mjs';
import { onCleanup, onExitSync, killProcessGroup, groupAlive } from './cleanup.mjs';

export const CODE_SERVER_VERSION = '4.100.3';

/**
 * Path of code-server's entry script inside the project's cache.
 * @param {string} [root] project root (default: this repository)
 * @returns {string}
 */
export function codeServerEntry(root = REPO_ROOT) {
  return path.join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
}

/**
 * Throws a clear error when code-server is not installed.
 * @param {string} [root]
 * @returns {string} the entry path
 */
export function requireCodeServer(root = REPO_ROOT) {
  const entry = codeServerEntry(root);
  if (!existsSync(entry)) {
    throw new Error(`code-server is not installed (${entry} is missing). Run: bash scripts/ensure-system-deps.sh`);
  }
  return entry;
}

/** Settings every run needs: no trust prompt, no welcome page, quiet workbench. */
export const BASE_SETTINGS = Object.freeze({
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
});

/**
 * Writes `<userDataDir>/User/settings.json` = BASE_SETTINGS + `settings`, and `settings` again to
 * `<userDataDir>/Machine/settings.json` (where code-server reads machine-scoped settings).
 * @param {string} userDataDir
 * @param {Record<string, unknown>} [settings]
 * @returns {string} the settings file path
 */
export function writeUserSettings(userDataDir, settings = {}) {
  const dir = path.join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2) + '\n');
  // Machine-scoped settings (e.g. telegrafController.telegrafPath) are read from the remote
  // ("Remote [host]") settings in code-server: <userDataDir>/Machine/settings.json.
  const machine = path.join(userDataDir, 'Machine');
  mkdirSync(machine, { recursive: true });
  writeFileSync(path.join(machine, 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return file;
}

/**
 * Installs a `.vsix` into `extensionsDir` with code-server's
 * `--install-extension` (the process exits when done).
 * @param {{ vsix: string, extensionsDir: string, userDataDir: string, root?: string, logFile?: string }} opts
 * @returns {void}
 * @throws {Error} when code-server exits non-zero (its output is in the message)
 */
export function installVsix({ vsix, extensionsDir, userDataDir, root = REPO_ROOT }) {
  const entry = requireCodeServer(root);
  const r = spawnSync(
    process.execPath,
    [
      entry,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--config',
      ensureConfigFile(userDataDir),
      '--force',
      '--install-extension',
      path.resolve(vsix),
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) {
    throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * Installs an extension "as a user would have it" straight from its folder
 * (no packaging): adds it to the extensions dir's profile manifest
 * (`extensions.json`, the format VS Code 1.100 reads) with an absolute
 * location. The workbench then loads it on a plain URL, without
 * extensionDevelopmentPath and its "[Extension Development Host]" mode; a
 * rebuild needs a window reload to show.
 * @param {{ folder: string, extensionsDir: string }} opts `folder` holds package.json (publisher, name, version)
 * @returns {string} the extension id `publisher.name`
 * @throws {Error} when package.json lacks publisher/name/version
 */
export function linkExtensionFolder({ folder, extensionsDir }) {
  const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
  if (!pkg.publisher || !pkg.name || !pkg.version) {
    throw new Error(`${folder}/package.json needs publisher, name and version`);
  }
  const id = `${pkg.publisher}.${pkg.name}`;
  mkdirSync(extensionsDir, { recursive: true });
  const manifest = path.join(extensionsDir, 'extensions.json');
  let entries = [];
  try {
    entries = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch {
    entries = [];
  }
  entries = entries.filter((e) => e?.identifier?.id?.toLowerCase() !== id.toLowerCase());
  entries.push({
    identifier: { id },
    version: pkg.version,
    location: { $mid: 1, scheme: 'file', path: path.resolve(folder) },
    metadata: { installedTimestamp: Date.now(), source: 'resource', pinned: true },
  });
  writeFileSync(manifest, JSON.stringify(entries));
  return id;
}

/**
 * Registers the `contributes.localizations` of an extension folder in
 * `<userDataDir>/languagepacks.json`, where VS Code's server looks up the
 * language pack of `--locale` when it serves the workbench (it writes that
 * file itself only when it installs a language pack, not for a linked folder).
 * Without it a `--locale` other than English falls back to English.
 */
function registerLanguagePacks({ folder, userDataDir }) {
  const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
  const file = path.join(userDataDir, 'languagepacks.json');
  let packs = {};
  try {
    packs = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    packs = {};
  }
  for (const loc of pkg.contributes?.localizations ?? []) {
    const translations = {};
    for (const tr of loc.translations ?? []) translations[tr.id] = path.resolve(folder, tr.path);
    packs[loc.languageId] = {
      hash: `${pkg.publisher}-${pkg.name}-${pkg.version}`.replace(/[^A-Za-z0-9-]/g, '-'),
      extensions: [{ extensionIdentifier: { id: `${pkg.publisher}.${pkg.name}` }, version: pkg.version }],
      translations,
      label: loc.localizedLanguageName ?? loc.languageName ?? loc.languageId,
    };
  }
  writeFileSync(file, JSON.stringify(packs));
}

/** code-server reads (and would create) ~/.config/code-server/config.yaml; give it its own. */
function ensureConfigFile(userDataDir) {
  mkdirSync(userDataDir, { recursive: true });
  const file = path.join(userDataDir, 'code-server-config.yaml');
  if (!existsSync(file)) writeFileSync(file, 'auth: none\n');
  return file;
}

/**
 * @typedef {object} CodeServer
 * @property {string} url       `http://HOST:PORT` (HOST is 127.0.0.1 when bound to 0.0.0.0)
 * @property {number} port
 * @property {string} authority `HOST:PORT`, the remote authority of `vscode-remote://` URIs
 * @property {string} userDataDir
 * @property {string} extensionsDir
 * @property {string} logFile   code-server's stdout+stderr
 * @property {number} pid       process (group) id
 * @property {(opts?: { folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string }) => string} workbenchUrl
 *   page URL opening `folder`, optionally with the extension loaded from source
 *   (`extensionDevelopmentPath`) and its tests run (`extensionTestsPath`, a
 *   module exporting `run()`), both absolute paths on this machine.
 * @property {() => boolean} alive
 * @property {() => Promise<void>} stop  stops code-server and every process it started
 */

/**
 * Starts code-server and waits until `/healthz` answers.
 *
 * @param {object} opts
 * @param {string} [opts.root]          project root holding .vscode-test (default: this repo)
 * @param {string} [opts.host]          bind address, default 127.0.0.1
 * @param {number} [opts.port]          preferred port; a free one is picked when absent or taken (unless `strictPort`)
 * @param {boolean} [opts.strictPort]   fail instead of falling back when `port` is taken
 * @param {string} [opts.userDataDir]   default: a new temp dir, removed by stop() unless `logFile` was given
 * @param {string} [opts.extensionsDir] default: `<userDataDir>/extensions`
 * @param {Record<string, unknown>} [opts.settings] user settings added to BASE_SETTINGS
 * @param {string} [opts.vsix]          a .vsix installed into extensionsDir before start
 * @param {string} [opts.linkExtension] an extension folder installed as is (see linkExtensionFolder)
 * @param {string} [opts.folder]        folder opened when the page URL has none
 * @param {string} [opts.logFile]       default: `<userDataDir>/code-server.log`
 * @param {NodeJS.ProcessEnv} [opts.env] extra environment (reaches the extension host)
 * @param {string} [opts.locale]        VS Code display language (`--locale`), e.g. `qps-ploc`
 * @param {string[]} [opts.extraExtensions] more extension folders installed as is (e.g. a language pack)
 * @param {number} [opts.startTimeoutMs] default 90 000
 * @returns {Promise<CodeServer>}
 * @throws {Error} when not installed, when it exits early or does not answer in time (log tail in the message)
 */
export async function startCodeServer(opts = {}) {
  const root = opts.root ?? REPO_ROOT;
  const entry = requireCodeServer(root);
  const host = opts.host ?? '127.0.0.1';
  const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let port = opts.port ?? 0;
  if (opts.strictPort) {
    if (!port) throw new Error('strictPort needs a port');
    if (!(await isPortFree(port, host))) throw new Error(`port ${host}:${port} is already in use`);
  } else {
    port = await findFreePort(host, port || undefined);
  }
  const ownsUserDataDir = !opts.userDataDir;
  const userDataDir = opts.userDataDir ?? makeTempDir('tc-code-server-');
  const extensionsDir = opts.extensionsDir ?? path.join(userDataDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, opts.settings);
  const configFile = ensureConfigFile(userDataDir);
  if (opts.vsix) installVsix({ vsix: opts.vsix, extensionsDir, userDataDir, root });
  if (opts.linkExtension) linkExtensionFolder({ folder: opts.linkExtension, extensionsDir });
  for (const folder of opts.extraExtensions ?? []) {
    linkExtensionFolder({ folder, extensionsDir });
    registerLanguagePacks({ folder, userDataDir });
  }
  const logFile = opts.logFile ?? path.join(userDataDir, 'code-server.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const logStart = statSync(logFile).size;

  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--config',
    configFile,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (opts.locale) args.push('--locale', opts.locale);
  if (opts.folder) args.push(opts.folder);
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', fd, fd],
    detached: true, // own process group: stop() kills it and all its children
  });
  closeSync(fd);
  child.unref(); // never keeps the caller alive; the exit hook below kills it if not stopped
  const pid = /** @type {number} */ (child.pid);
  let exited = false;
  child.once('exit', () => (exited = true));
  const unExit = onExitSync(() => {
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    if (ownsUserDataDir && !opts.logFile) rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killProcessGroup(pid);
    unExit();
    unCleanup();
    // A temp user-data dir made here goes too (unless the log file lives in it and is wanted: then pass userDataDir).
    if (ownsUserDataDir && !opts.logFile) rmSync(userDataDir, { recursive: true, force: true });
  };
  const unCleanup = onCleanup('code-server', stop);

  const url = `http://${connectHost}:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) return true; // reported below
        // Our process must have bound the port (another server could answer /healthz).
        if (!new RegExp(`HTTP server listening on http://\\S*:${port}/`).test(readLogSince(logFile, logStart))) return false;
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        return res.ok;
      },
      { timeoutMs: opts.startTimeoutMs ?? 90_000, intervalMs: 200, what: `code-server on ${url}` },
    );
    if (exited) throw new Error('exited');
  } catch (err) {
    const tail = readTail(logFile, 40);
    await stop();
    throw new Error(`code-server did not start on ${host}:${port} (${exited ? 'it exited' : String(err)}). Log ${logFile}:\n${tail}`);
  }

  const authority = `${connectHost}:${port}`;
  return {
    url,
    port,
    authority,
    userDataDir,
    extensionsDir,
    logFile,
    pid,
    alive: () => !exited,
    stop,
    workbenchUrl({ folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
      const params = new URLSearchParams();
      if (folder) params.set('folder', folder);
      /** @type {[string, string][]} */
      const payload = [];
      const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
      if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      if (payload.length) params.set('payload', JSON.stringify(payload));
      const q = params.toString();
      return `${url}/${q ? `?${q}` : ''}`;
    },
  };
}

function readLogSince(file, offset) {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * Last `lines` lines of a text file ('' when unreadable).
 * @param {string} file
 * @param {number} lines
 */
export function readTail(file, lines) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
