/**
 * "Copy Agent Start Command…": the text that starts a Telegraf agent on a
 * configuration of the controller, for six ways of running it (shell,
 * systemd, `docker run`, Docker Compose, a Kubernetes DaemonSet, a Windows
 * service). Editor-free and pure: the same options give the same text.
 *
 * The token is ALWAYS by reference. No output contains a token value: each
 * one reads it from a prompt (`read -rs`, `Read-Host -AsSecureString`) into a
 * place only the agent reads (an env file of mode 0600/0640, a Kubernetes
 * Secret, the service's registry `Environment` value), and the agent gets it
 * from its environment. Callers never pass a value, so none can leak.
 *
 * The agent downloads `<controller>/api/configs/<id>/toml` with
 * `--config <url>` and, optionally, re-downloads it every
 * `--config-url-watch-interval` (a Go duration). Telegraf's flag names and the
 * variable it reads are in its `cmd/telegraf/main.go` and `config/config.go`
 * (see README "Starting an agent from a controller config").
 *
 * Known wiring mistakes these outputs avoid (public bug reports about
 * Telegraf deployments; README "Starting an agent from a controller config"): a variable set for one
 * container and read by another; `/etc/default/telegraf` read only under
 * systemd; `Environment=TOKEN=…` in a world-readable unit; a secret file with a
 * trailing newline; a misspelled variable name; the Windows registry value
 * written before `telegraf.exe service install` created the service key.
 */
import { configTomlUrl as apiConfigTomlUrl } from '../api/configs';
import { tokenVariableFor, versionText, type TokenVariable } from './tokenVariable';

/** The six ways of starting an agent. */
export type AgentStartKind = 'shell' | 'systemd' | 'docker' | 'compose' | 'kubernetes' | 'powershell';

/** Every kind, in the order the picker lists them. */
export const AGENT_START_KINDS: readonly AgentStartKind[] = ['shell', 'systemd', 'docker', 'compose', 'kubernetes', 'powershell'];

/** What to generate. No token value: by design there is no field for one. */
export interface AgentStartOptions {
  /** The controller's API base URL (`https://controller.example:8888`). */
  controllerUrl: string;
  /** The configuration's id (as `GET /api/configs` lists it). */
  configId: string;
  /** The configuration's name, for comments only. */
  configName?: string;
  /** Telegraf version or image tag the agent runs (`1.40`, `1.38.3`); default {@link CURRENT_TELEGRAF}. */
  telegrafVersion?: string;
  /** `--config-url-watch-interval` as a Go duration (`30s`, `1m`, `1h30m`); omitted = no watching. */
  watchInterval?: string;
  /** Container image (docker, compose, kubernetes); default `telegraf:<major.minor>`. */
  image?: string;
  /** Name of the env file (compose, docker) or its absolute path (systemd). */
  envFile?: string;
  /** Kubernetes Secret name; default `telegraf-controller-token`. */
  secretName?: string;
  /** Service name (systemd unit, Windows service, Compose service, container); default `telegraf`. */
  serviceName?: string;
}

/** One file the output asks the user to create, for validation by tests and for display. */
export interface AgentStartFile {
  /** Where it goes (absolute path on the agent host, or a relative name). */
  path: string;
  /** File content (never a token value; env files hold a `<…>` placeholder line). */
  content: string;
  /** Octal mode the file should have (`0600`, `0640`, `0644`). */
  mode: string;
}

/** The generated text and what to tell the user about it. */
export interface AgentStartSnippet {
  kind: AgentStartKind;
  /** The text to copy: a shell script, a YAML document or a PowerShell script, with comments. */
  text: string;
  /** Language id of `text` (`shellscript`, `yaml`, `powershell`). */
  language: 'shellscript' | 'yaml' | 'powershell';
  /** The files the text creates or that the user adds (unit, drop-in, env file, manifest). */
  files: AgentStartFile[];
  /** The config download URL (`--config`). */
  configUrl: string;
  /** The variable and scheme the agent uses. */
  variable: TokenVariable;
  /** Advice and warnings, as sentences (also in `text` as comments where they fit). */
  warnings: string[];
  /**
   * Set when the agent cannot reach the controller URL as written: a loopback
   * host (`127.0.0.1`, `localhost`) seen from inside a container or a pod is
   * that container. Also the first comment of `text` and one of `warnings`.
   */
  unreachable?: string;
}

/** Thrown for options that cannot produce a correct command (bad URL, bad duration, bad name). */
export class AgentStartOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentStartOptionError';
  }
}

/**
 * The config download URL ({@link apiConfigTomlUrl}); throws
 * {@link AgentStartOptionError} for a base that is not an http(s) URL or an empty id.
 */
export function configTomlUrl(controllerUrl: string, configId: string): string {
  try {
    return apiConfigTomlUrl(controllerUrl, configId);
  } catch (e) {
    throw new AgentStartOptionError(e instanceof RangeError ? e.message : `The controller URL "${controllerUrl}" is not a valid URL.`);
  }
}

/** A Go `time.ParseDuration` string with a unit on every number (`30s`, `1m`, `1h30m`, `1.5h`), > 0. */
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/** True when `s` is a positive Go duration Telegraf's `--config-url-watch-interval` accepts. */
export function isGoDuration(s: string): boolean {
  return GO_DURATION.test(s) && /[1-9]/.test(s);
}

// ---------------------------------------------------------------- quoting

/** POSIX shell single-quoted word. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** PowerShell single-quoted string (a `'` is doubled). */
export function psQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * One `ExecStart=` argument for systemd: double-quoted, with `\` and `"`
 * escaped, `%` doubled (specifiers) and `$` doubled (variable expansion),
 * per systemd.service(5) "Command lines".
 */
export function systemdQuote(s: string): string {
  const body = s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@+=:,./-]+$/.test(s) ? s : `"${body}"`;
}

/** A YAML double-quoted scalar (JSON string syntax is valid YAML). */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** Compose interpolates `$` in every value: `$` becomes `$$` (Compose file spec, "Interpolation"). */
function composeLiteral(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

// ---------------------------------------------------------------- helpers

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const K8S_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function checkName(what: string, value: string, re: RegExp): string {
  if (!re.test(value)) throw new AgentStartOptionError(`The ${what} "${value}" is not a valid name (letters, digits, "-", "_", ".").`);
  return value;
}

/** Comment lines (`prefix` + text), wrapping nothing: one sentence per line. */
function comments(prefix: string, lines: string[]): string {
  return lines.map((l) => (l ? `${prefix} ${l}` : prefix)).join('\n');
}

/** `snippet` with `unreachable` set, first among its warnings and as the first comment of its text. */
function withUnreachable(snippet: AgentStartSnippet, unreachable: string | undefined): AgentStartSnippet {
  if (!unreachable) return snippet;
  return { ...snippet, text: `# WARNING: ${unreachable}\n${snippet.text}`, warnings: [unreachable, ...snippet.warnings], unreachable };
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0.0.0.0';
}

interface Common {
  url: string;
  variable: TokenVariable;
  watchArgs: string[];
  configLabel: string;
  service: string;
  warnings: string[];
  host: string;
  image: string;
}

function common(o: AgentStartOptions): Common {
  const url = configTomlUrl(o.controllerUrl, o.configId);
  const variable = tokenVariableFor(o.telegrafVersion);
  if (o.watchInterval !== undefined && o.watchInterval !== '' && !isGoDuration(o.watchInterval)) {
    throw new AgentStartOptionError(`"${o.watchInterval}" is not a duration Telegraf accepts for --config-url-watch-interval (examples: 30s, 5m, 1h).`);
  }
  const watchArgs = o.watchInterval ? ['--config-url-watch-interval', o.watchInterval] : [];
  const service = checkName('service name', o.serviceName ?? 'telegraf', NAME);
  const u = new URL(url);
  const warnings: string[] = [];
  if (variable.name === 'INFLUX_TOKEN') {
    warnings.push(
      `Telegraf ${versionText(variable.version)} reads the controller token from INFLUX_TOKEN and sends it as "Authorization: Token …". Telegraf 1.39 or later reads TELEGRAF_CONTROLLER_TOKEN (Bearer), so an InfluxDB output can keep its own INFLUX_TOKEN; upgrade when you can.`,
    );
  } else {
    warnings.push(
      'Telegraf sends TELEGRAF_CONTROLLER_TOKEN whenever that variable is set, even to an empty string, and then ignores INFLUX_TOKEN: never give it an empty default such as ${TELEGRAF_CONTROLLER_TOKEN:-}.',
    );
  }
  if (!variable.heartbeat) {
    warnings.push(
      `Telegraf ${versionText(variable.version)} has no [[outputs.heartbeat]] (it needs 1.37 or later): the controller will not see this agent's heartbeats.`,
    );
  }
  if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
    warnings.push(`The controller URL uses http://: the token travels unencrypted to ${u.host}. Use https:// if the controller serves TLS.`);
  }
  return {
    url,
    variable,
    watchArgs,
    configLabel: o.configName ? `"${oneLine(o.configName)}" (${oneLine(o.configId)})` : oneLine(o.configId),
    service,
    warnings,
    host: u.hostname,
    image: o.image ?? `telegraf:${versionText(variable.version)}`,
  };
}

/** Server text in a comment: one line, no control characters. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ').slice(0, 120);
}

const TRAILING_NEWLINE_WARNING =
  "A file that holds only the token (a Docker secret, kubectl --from-file, a *_FILE variable) must not end with a newline: Telegraf sends the value as is and a newline breaks the Authorization header. Write it with printf '%s', not echo.";

/**
 * The commands of a pasted snippet as one `{ … }` group: the shell reads the
 * whole group before it runs any of it, so a `read` in it reads what the user
 * types, never the next pasted line (a shell without bracketed paste, such as
 * bash before 5.1, would otherwise feed the following lines to `read`, and the
 * token typed afterwards would run as a command and land in the history).
 */
function pasteSafe(lines: readonly string[]): string[] {
  return ['{', ...lines, '}'];
}

/** `read` the token without echo into `var`, then run `then`; the value is never in the command line or history. */
function promptLine(varName: string): string {
  return `read -rsp 'Telegraf Controller token (input hidden): ' ${varName} && echo`;
}

// ---------------------------------------------------------------- generators

function shell(o: AgentStartOptions): AgentStartSnippet {
  const c = common(o);
  const v = c.variable.name;
  const args = ['telegraf', '--config', c.url, ...c.watchArgs].map(shQuote).join(' ');
  const text = [
    comments('#', [
      `Start a Telegraf agent on the controller configuration ${c.configLabel}.`,
      `Telegraf ${versionText(c.variable.version)}${c.variable.name === 'TELEGRAF_CONTROLLER_TOKEN' ? ' (1.39 or later)' : ''} sends $${v} as "Authorization: ${c.variable.scheme} …" when it downloads the config.`,
      'The token is read from a hidden prompt into this shell only (not into the history or the command line).',
      'A shell run does not read /etc/default/telegraf: only the systemd unit loads that file.',
    ]),
    // One line: the shell reads it whole before it runs, so a paste never feeds read the agent's command.
    `${promptLine(v)} && export ${v} && ${args}`,
  ].join('\n');
  return {
    kind: 'shell',
    text: `${text}\n`,
    language: 'shellscript',
    files: [],
    configUrl: c.url,
    variable: c.variable,
    warnings: [
      ...c.warnings,
      'A shell run does not read /etc/default/telegraf (only the systemd unit loads it): the variable must be exported in the shell that starts Telegraf.',
    ],
  };
}

function systemd(o: AgentStartOptions): AgentStartSnippet {
  const c = common(o);
  const v = c.variable.name;
  const envFile = o.envFile ?? `/etc/telegraf/${c.service}-controller.env`;
  if (!/^\/[A-Za-z0-9_./-]+$/.test(envFile))
    throw new AgentStartOptionError(`The env file path "${envFile}" must be an absolute path of letters, digits, "_", ".", "-" and "/".`);
  const dropInDir = `/etc/systemd/system/${c.service}.service.d`;
  const dropIn = `${dropInDir}/controller.conf`;
  const exec = ['/usr/bin/telegraf', '--config', c.url, ...c.watchArgs].map(systemdQuote).join(' ');
  const dropInText = [
    `# Drop-in for ${c.service}.service: start on the controller configuration ${c.configLabel}.`,
    `# The token is in ${envFile} (mode 0640, root:telegraf), never in this world-readable unit.`,
    '[Service]',
    `EnvironmentFile=${envFile}`,
    '# An empty ExecStart= clears the packaged command line before setting the new one.',
    'ExecStart=',
    `ExecStart=${exec}`,
    '',
  ].join('\n');
  const envText = [`# Read by systemd (EnvironmentFile=): KEY=value lines, no "export".`, `${v}=<paste the token here>`, ''].join('\n');
  const text = [
    comments('#', [
      `Run as root on the agent host (Telegraf ${versionText(c.variable.version)}, systemd, the packaged telegraf.service).`,
      `1. The env file ${envFile}: mode 0640, owner root, group telegraf. The token is read from a hidden prompt.`,
    ]),
    ...pasteSafe([
      `install -d -m 0755 ${shQuote(envFile.slice(0, envFile.lastIndexOf('/')) || '/')}`,
      `install -m 0640 -o root -g telegraf /dev/null ${shQuote(envFile)}`,
      `${promptLine('TC_TOKEN')} && printf '${v}=%s\\n' "$TC_TOKEN" > ${shQuote(envFile)}; unset TC_TOKEN`,
      comments('#', [`2. A drop-in, so that no token is ever written into a unit file (units are world-readable; never use Environment=${v}=…).`]),
      `install -d -m 0755 ${shQuote(dropInDir)}`,
      `cat > ${shQuote(dropIn)} <<'UNIT'`,
      dropInText.replace(/\n$/, ''),
      'UNIT',
      comments('#', ['3. Reload and restart; "systemctl show" must list the variable name (not its value).']),
      `systemctl daemon-reload && systemctl restart ${shQuote(`${c.service}.service`)}`,
      `systemctl show -p EnvironmentFiles ${shQuote(`${c.service}.service`)}`,
    ]),
  ].join('\n');
  return {
    kind: 'systemd',
    text: `${text}\n`,
    language: 'shellscript',
    files: [
      { path: dropIn, content: dropInText, mode: '0644' },
      { path: envFile, content: envText, mode: '0640' },
    ],
    configUrl: c.url,
    variable: c.variable,
    warnings: [
      ...c.warnings,
      `Keep ${envFile} at mode 0640 (root:telegraf) or 0600: a world-readable env file exposes the token.`,
      `/etc/default/telegraf and ${envFile} are loaded by systemd only: "telegraf --config …" run by hand does not see them.`,
      'EnvironmentFile=-/path (with "-") silently skips a missing file; this drop-in uses no "-", so a missing env file stops the service with a clear error.',
    ],
  };
}

function docker(o: AgentStartOptions): AgentStartSnippet {
  const c = common(o);
  const v = c.variable.name;
  const name = c.service;
  const lines = [
    comments('#', [
      `Start a Telegraf container on the controller configuration ${c.configLabel}.`,
      `"--env ${v}" (no "=") passes the variable from this shell: the value is not in the command line.`,
      'Anyone who can run "docker inspect" on this host can read it; use a Docker secret or Compose env_file for shared hosts.',
    ]),
    ...pasteSafe([
      `${promptLine(v)} && export ${v}`,
      `docker run -d --name ${shQuote(name)} --restart unless-stopped \\`,
      `  --env ${v} \\`,
      `  ${shQuote(c.image)} \\`,
      `  ${['--config', c.url, ...c.watchArgs].map(shQuote).join(' ')}`,
      `unset ${v}`,
    ]),
  ];
  const warnings = [
    ...c.warnings,
    `docker run --env-file takes every value literally (quotes included): write ${v}=value with no quotes.`,
    TRAILING_NEWLINE_WARNING,
  ];
  const unreachable = isLoopback(c.host)
    ? `The controller URL points to ${c.host}: inside a container that is the container itself. Use the host's name or address (or host.docker.internal with --add-host=host.docker.internal:host-gateway).`
    : undefined;
  return withUnreachable(
    { kind: 'docker', text: `${lines.join('\n')}\n`, language: 'shellscript', files: [], configUrl: c.url, variable: c.variable, warnings },
    unreachable,
  );
}

function compose(o: AgentStartOptions): AgentStartSnippet {
  const c = common(o);
  const v = c.variable.name;
  const envFile = o.envFile ?? `${c.service}-controller.env`;
  if (!/^[A-Za-z0-9_./-]+$/.test(envFile))
    throw new AgentStartOptionError(`The env file name "${envFile}" may contain only letters, digits, "_", ".", "-" and "/".`);
  const rel = envFile.startsWith('/') || envFile.startsWith('.') ? envFile : `./${envFile}`;
  const command = ['--config', c.url, ...c.watchArgs].map((a) => yamlString(composeLiteral(a))).join(', ');
  const yaml = [
    comments('#', [
      `Telegraf agent on the controller configuration ${c.configLabel}.`,
      `The token is in ${rel}, read by this service only (not the project .env, which every service's interpolation sees).`,
      'Create it next to this file, git-ignored, mode 0600 (the token is read from a hidden prompt):',
      `  (umask 077; ${promptLine('TC_TOKEN')} && printf '${v}=%s\\n' "$TC_TOKEN" > ${rel}; unset TC_TOKEN)`,
      `  echo ${shQuote(rel.replace(/^\.\//, ''))} >> .gitignore`,
    ]),
    'services:',
    `  ${c.service}:`,
    `    image: ${yamlString(c.image)}`,
    '    restart: unless-stopped',
    `    command: [${command}]`,
    '    env_file:',
    `      - ${yamlString(rel)}`,
  ].join('\n');
  const warnings = [
    ...c.warnings,
    `Give the token to the telegraf service only: an env_file or environment: shared with other services (or an x- anchor merged into them) hands it to every one of them.`,
    `Compose reads ${rel} line by line (KEY=value, quotes allowed); a missing file stops "docker compose up" with an error instead of starting Telegraf without a token.`,
    TRAILING_NEWLINE_WARNING,
  ];
  const unreachable = isLoopback(c.host)
    ? `The controller URL points to ${c.host}: inside a container that is the container itself. Use the controller's service name or the host's address.`
    : undefined;
  return withUnreachable(
    {
      kind: 'compose',
      text: `${yaml}\n`,
      language: 'yaml',
      files: [{ path: envFile, content: `${v}=<paste the token here>\n`, mode: '0600' }],
      configUrl: c.url,
      variable: c.variable,
      warnings,
    },
    unreachable,
  );
}

function kubernetes(o: AgentStartOptions): AgentStartSnippet {
  const c = common(o);
  const v = c.variable.name;
  const secret = checkName('Secret name', o.secretName ?? 'telegraf-controller-token', K8S_NAME);
  const name = checkName('DaemonSet name', c.service, K8S_NAME);
  const args = ['--config', c.url, ...c.watchArgs];
  const yaml = [
    comments('#', [
      `Telegraf DaemonSet on the controller configuration ${c.configLabel}.`,
      `The token comes from the Secret "${secret}" (key ${v}); no manifest holds it. Create the Secret first:`,
      `  (umask 077; ${promptLine('TC_TOKEN')} && printf '${v}=%s\\n' "$TC_TOKEN" > ${secret}.env; unset TC_TOKEN)`,
      `  kubectl create secret generic ${secret} --from-env-file=${secret}.env && rm ${secret}.env`,
      'Never put the token in a ConfigMap or in a committed Secret stringData.',
    ]),
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    `    app.kubernetes.io/name: ${name}`,
    'spec:',
    '  selector:',
    '    matchLabels:',
    `      app.kubernetes.io/name: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app.kubernetes.io/name: ${name}`,
    '    spec:',
    '      containers:',
    '        - name: telegraf',
    `          image: ${yamlString(c.image)}`,
    '          args:',
    ...args.map((a) => `            - ${yamlString(a)}`),
    '          env:',
    `            - name: ${v}`,
    '              valueFrom:',
    '                secretKeyRef:',
    `                  name: ${secret}`,
    `                  key: ${v}`,
    '            - name: HOSTNAME',
    '              valueFrom:',
    '                fieldRef:',
    '                  fieldPath: spec.nodeName',
  ].join('\n');
  return withUnreachable(
    {
      kind: 'kubernetes',
      text: `${yaml}\n`,
      language: 'yaml',
      files: [{ path: `${secret}.env`, content: `${v}=<paste the token here>\n`, mode: '0600' }],
      configUrl: c.url,
      variable: c.variable,
      warnings: [
        ...c.warnings,
        `kubectl create secret --from-env-file reads KEY=value lines, so the token file needs no special care; with --from-file the file must not end with a newline.`,
        TRAILING_NEWLINE_WARNING,
      ],
    },
    isLoopback(c.host)
      ? `The controller URL points to ${c.host}: inside a pod that is the pod itself. Use the controller's Service name or an address the cluster's nodes reach.`
      : undefined,
  );
}

function powershell(o: AgentStartOptions): AgentStartSnippet {
  const c = common(o);
  const v = c.variable.name;
  const svc = c.service;
  const key = `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\${svc}`;
  const install =
    c.variable.name === 'TELEGRAF_CONTROLLER_TOKEN'
      ? `& $telegraf --config ${psQuote(c.url)} --service-name ${psQuote(svc)} service install`
      : `& $telegraf --service install --service-name ${psQuote(svc)} --config ${psQuote(c.url)}`;
  const lines = [
    comments('#', [
      `Install Telegraf ${versionText(c.variable.version)} as the Windows service "${svc}" on the controller configuration ${c.configLabel}.`,
      'Run in an elevated PowerShell on the agent host. The token is read from a hidden prompt, never typed into this script.',
    ]),
    "$ErrorActionPreference = 'Stop'",
    "$telegraf = 'C:\\Program Files\\Telegraf\\telegraf.exe'",
    `$key = ${psQuote(key)}`,
    comments('#', ['1. Install the service FIRST: its registry key must exist before its Environment value is written.']),
    install,
  ];
  if (c.watchArgs.length) {
    lines.push(
      comments('#', ['The service installer keeps only --config: add the watch interval to the service command line (replacing an earlier one).']),
      `$image = (Get-ItemProperty -Path $key).ImagePath -replace ' --config-url-watch-interval \\S+', ''`,
      `Set-ItemProperty -Path $key -Name ImagePath -Value ($image + ${psQuote(` ${c.watchArgs.join(' ')}`)})`,
    );
  }
  lines.push(
    comments('#', [`2. The token goes into the service's Environment value (REG_MULTI_SZ), next to the entries already there.`]),
    `$secure = Read-Host -AsSecureString -Prompt 'Telegraf Controller token'`,
    `$value = [System.Net.NetworkCredential]::new('', $secure).Password`,
    `$entries = @((Get-ItemProperty -Path $key -Name Environment -ErrorAction SilentlyContinue).Environment | Where-Object { $_ -and $_ -notmatch '^(TELEGRAF_CONTROLLER_TOKEN|INFLUX_TOKEN)=' })`,
    `$entries += "${v}=$value"`,
    `New-ItemProperty -Path $key -Name Environment -PropertyType MultiString -Value $entries -Force | Out-Null`,
    'Remove-Variable value, secure, entries',
    comments('#', ['3. Start it.']),
    `Start-Service -Name ${psQuote(svc)}`,
  );
  return {
    kind: 'powershell',
    text: `${lines.join('\n')}\n`.replace(/\n/g, '\r\n'),
    language: 'powershell',
    files: [],
    configUrl: c.url,
    variable: c.variable,
    warnings: [
      ...c.warnings,
      `Write the Environment value AFTER "telegraf.exe service install": before it, the service's registry key does not exist.`,
      `The Environment value holds the token: anyone who can read the service's registry key can read it. Restrict the key if non-administrators log on to this host.`,
    ],
  };
}

/**
 * The start text of `kind` for `options`. Throws {@link AgentStartOptionError}
 * for an unusable URL, watch interval or name. Never contains a token value.
 */
export function agentStartSnippet(kind: AgentStartKind, options: AgentStartOptions): AgentStartSnippet {
  switch (kind) {
    case 'shell':
      return shell(options);
    case 'systemd':
      return systemd(options);
    case 'docker':
      return docker(options);
    case 'compose':
      return compose(options);
    case 'kubernetes':
      return kubernetes(options);
    case 'powershell':
      return powershell(options);
  }
}

/** Short labels of the kinds (the picker localizes its own). */
export const AGENT_START_KIND_LABELS: Readonly<Record<AgentStartKind, string>> = {
  shell: 'Shell command',
  systemd: 'systemd unit with its env file',
  docker: 'docker run',
  compose: 'Docker Compose service',
  kubernetes: 'Kubernetes DaemonSet',
  powershell: 'Windows service (PowerShell)',
};

export { TRAILING_NEWLINE_WARNING };
