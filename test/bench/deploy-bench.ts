/**
 * Benchmark of the workspace scan over deployment files (README.md
 * "Deploying agents"), in plain Node (no VS Code): a generated 2,000-file
 * mixed workspace (Telegraf TOML configs, Compose, Kubernetes and Helm YAML,
 * env files, systemd units; some with plaintext controller tokens) is
 * scanned the way the extension does it (read, file kind, findings; TOML
 * through the Telegraf config parser; compose `env_file:` index), against
 * a bare read + `tc-apiv1_` regex of the same files, measured in the same
 * run and interleaved (ratio). Also one incremental re-check after an edit
 * of one Compose file against a bare read + regex of that file.
 *
 *   node --expose-gc --import tsx test/bench/deploy-bench.ts --runs 7 [--files 2000] [--out FILE]
 *
 * Writes `{ figures: BenchFigure[] }` (see node-bench.ts) as JSON to `--out`
 * or stdout. `benchDeploy(runs)` is the same as a function, for
 * scripts/bench.mjs. Times in ms; nothing is asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseTelegrafConfig } from '../../src/core/config/parse';
import { controllerTokenUses } from '../../src/core/config/references';
import { composeEnvFiles, deploymentKind, scanText } from '../../src/core/deploy';
import { median, type BenchFigure } from './node-bench';

const TOKEN = 'tc-apiv1_BenchBenchBench0123456789abcdef';

/** Writes the mixed workspace under `dir`: `files` files in folders of 50. Returns their paths. */
export function generateWorkspace(dir: string, files = 2000): string[] {
  const out: string[] = [];
  const templates: ((i: number) => [string, string])[] = [
    (i) => [
      `telegraf.d/agent-${i}.conf`,
      `[agent]\n  interval = "10s"\n\n[[inputs.cpu]]\n  percpu = true\n\n[[outputs.heartbeat]]\n  url = "https://c.example:8000/agents/heartbeat"\n  instance_id = "agent-${i}"\n  token = "${i % 10 === 0 ? TOKEN : '${TELEGRAF_CONTROLLER_TOKEN}'}"\n`,
    ],
    (i) => [
      `compose-${i}/docker-compose.yml`,
      `x-logging: &log\n  driver: json-file\nservices:\n  influxdb:\n    image: influxdb:2.7\n    logging: *log\n  telegraf:\n    image: telegraf:1.${30 + (i % 11)}\n    command: ["--config", "https://c.example/api/configs/${i}/toml"]\n    env_file:\n      - telegraf.env\n    environment:\n      - HOSTNAME=edge-${i}\n      - TELEGRAF_CONTROLLER_TOKEN=${i % 10 === 1 ? TOKEN : '${TELEGRAF_CONTROLLER_TOKEN}'}\n    logging: *log\n`,
    ],
    (i) => [
      `k8s-${i}/telegraf.yaml`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: telegraf-${i}\ndata:\n  telegraf.conf: |\n    [agent]\n      interval = "10s"\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: telegraf-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: telegraf\n          image: telegraf:1.40\n          env:\n            - name: HOSTNAME\n              valueFrom:\n                fieldRef:\n                  fieldPath: spec.nodeName\n            - name: TELEGRAF_CONTROLLER_TOKEN\n              ${i % 10 === 2 ? `value: ${TOKEN}` : 'valueFrom:\n                secretKeyRef:\n                  name: t\n                  key: TELEGRAF_CONTROLLER_TOKEN'}\n`,
    ],
    (i) => [
      `helm-${i}/values.yaml`,
      `image:\n  repository: telegraf\n  tag: "1.40-alpine"\n# envFromSecret: "telegraf-tokens"\nenv:\n  - name: HOSTNAME\n    value: "x"\nconfig:\n  outputs:\n    - heartbeat:\n        url: "https://c.example:8000/agents/heartbeat"\n`,
    ],
    (i) => [`compose-${i - 4}/telegraf.env`, `# agent ${i}\nTELEGRAF_CONTROLLER_TOKEN=${i % 10 === 4 ? TOKEN : '<TOKEN>'}\nHOSTNAME=edge-${i}\n`],
    (i) => [
      `units-${i}/telegraf.service`,
      `[Unit]\nDescription=Telegraf ${i}\n\n[Service]\nEnvironmentFile=-/etc/default/telegraf\nExecStart=/usr/bin/telegraf --config $TELEGRAF_CONF\n${i % 10 === 5 ? `Environment=TELEGRAF_CONTROLLER_TOKEN=${TOKEN}\n` : ''}\n[Install]\nWantedBy=multi-user.target\n`,
    ],
  ];
  for (let i = 0; i < files; i++) {
    const [rel, text] = templates[i % templates.length]!(i);
    const p = path.join(dir, `group-${Math.floor(i / 50)}`, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    out.push(p);
  }
  return out;
}

/** The extension's scan of one file (kind, findings; TOML through the config parser). Returns the number of findings. */
export function scanFile(p: string, envFiles: ReadonlySet<string>): number {
  const text = fs.readFileSync(p, 'utf8');
  if (p.endsWith('.conf') || p.endsWith('.toml')) return controllerTokenUses(parseTelegrafConfig(text)).length;
  const kind = deploymentKind(p, text, envFiles);
  return kind ? scanText(kind, text).length : 0;
}

/** The full workspace scan: compose env_file index first, then every file. */
export function scanWorkspace(paths: readonly string[]): number {
  const envFiles = new Set<string>();
  for (const p of paths) {
    if (!/compose[^/]*\.ya?ml$/.test(p)) continue;
    for (const rel of composeEnvFiles(fs.readFileSync(p, 'utf8')).keys()) envFiles.add(path.resolve(path.dirname(p), rel));
  }
  let n = 0;
  for (const p of paths) n += scanFile(p, envFiles);
  return n;
}

/** The floor: read every file and match the token regex. */
export function bareScan(paths: readonly string[]): number {
  let n = 0;
  for (const p of paths) n += (fs.readFileSync(p, 'utf8').match(/tc-apiv1_[A-Za-z0-9_-]+/g) ?? []).length;
  return n;
}

function time(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function figure(name: string, samples: number[], refName: string, refSamples: number[], note?: string): BenchFigure {
  const value = median(samples);
  const ref = median(refSamples);
  return { group: 'deployments (node)', name, unit: 'ms', value, samples, refName, ref, refSamples, ratio: ref > 0 ? value / ref : NaN, note };
}

/** Runs the benchmark: `runs` interleaved samples of each figure. */
export async function benchDeploy(runs: number, files = 2000): Promise<BenchFigure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-deploy-bench-'));
  try {
    const paths = generateWorkspace(dir, files);
    const gc = (globalThis as { gc?: () => void }).gc;
    // Warm up both paths once (module loading, JIT).
    scanWorkspace(paths);
    bareScan(paths);
    const full: number[] = [];
    const fullRef: number[] = [];
    const inc: number[] = [];
    const incRef: number[] = [];
    const compose = paths.find((p) => p.endsWith('docker-compose.yml'))!;
    const original = fs.readFileSync(compose, 'utf8');
    const envFiles = new Set(paths.filter((p) => p.endsWith('.env')));
    for (let r = 0; r < runs; r++) {
      gc?.();
      full.push(time(() => scanWorkspace(paths)));
      gc?.();
      fullRef.push(time(() => bareScan(paths)));
      // One edit, then the re-check of that file (the compose env index is refreshed too).
      fs.writeFileSync(compose, original.replace('HOSTNAME=edge', `HOSTNAME=edited-${r}-edge`));
      inc.push(
        time(() => {
          composeEnvFiles(fs.readFileSync(compose, 'utf8'));
          scanFile(compose, envFiles);
        }),
      );
      incRef.push(time(() => bareScan([compose])));
    }
    fs.writeFileSync(compose, original);
    return [
      figure(
        `workspace scan of ${files} mixed files (TOML, Compose/Kubernetes/Helm YAML, env, units)`,
        full,
        'bare read + tc-apiv1_ regex of the same files',
        fullRef,
        `${scanWorkspace(paths)} findings`,
      ),
      figure('incremental re-check of one edited Compose file', inc, 'bare read + regex of that file', incRef),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, files: { type: 'string', default: '2000' }, out: { type: 'string' } } });
  const figures = await benchDeploy(Math.max(1, Number(values.runs)), Math.max(10, Number(values.files)));
  const json = JSON.stringify({ figures }, null, 2);
  if (values.out) fs.writeFileSync(values.out, json);
  else process.stdout.write(`${json}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
