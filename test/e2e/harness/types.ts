/**
 * Contract between `scripts/run-e2e.mjs` and the flows in `test/e2e/**\/*.e2e.ts`.
 * A flow module exports `run(ctx: E2EContext): Promise<void>`; it throws to fail.
 */
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { Emulator } from '../../emulator/server';

/** The controller emulator of the run (see test/emulator/server.ts). */
export interface E2EEmulator {
  /** API base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Full heartbeat URL, e.g. `http://127.0.0.1:41235/agents/heartbeat`. */
  heartbeatUrl: string;
  /** CA PEM when the emulator runs with TLS. */
  ca?: string;
  /** Owner/Administrator sign-in from the seed (docs/api-contract.md `POST /api/auth/login/local`). */
  username: string;
  password: string;
  /** Absolute path of the seed file. */
  seedFile?: string;
  /** The `Emulator` that `startEmulator()` returned (`state`, `faults`, …), for flows that drive it directly. */
  server: Emulator;
}

/** Helpers bound to the flow's page (see ./workbench.ts for each). */
export interface WorkbenchHelpers {
  waitForWorkbench(opts?: { timeoutMs?: number }): Promise<void>;
  runCommand(title: string, opts?: { timeoutMs?: number }): Promise<void>;
  findWebviewFrame(selector: string, opts?: { timeoutMs?: number }): Promise<Frame>;
  openViewContainer(title: string, opts?: { timeoutMs?: number }): Promise<void>;
  notifications(): Promise<string[]>;
  waitForNotification(text: string | RegExp, opts?: { timeoutMs?: number }): Promise<string>;
}

/** What a flow tells the security sweep (scripts/run-e2e.mjs, ./secretSweep.ts). */
export interface E2ESecrets {
  /**
   * The user explicitly asked `file` to hold a literal token value (`value`,
   * or any value when omitted): the sweep allows it there.
   */
  allowLiteralIn(file: string, value?: string): void;
  /** How many token values and session ids the run's emulators have handed out so far. */
  counts(): { tokenValues: number; sessionIds: number };
}

/** What a flow receives. */
export interface E2EContext {
  /** The workbench page, already loaded (the workbench has rendered). */
  page: Page;
  /** The page's browser context (fresh per flow: empty secrets/storage). */
  browserContext: BrowserContext;
  /** Workbench helpers bound to `page`. */
  workbench: WorkbenchHelpers;
  /**
   * Saves a PNG of the page as `test-results/screenshots/<flow>-<name>.png`.
   * @returns the absolute path of the file.
   */
  screenshot(name: string): Promise<string>;
  /** The emulator (fresh per flow), or undefined when the run has none. */
  emulator: E2EEmulator | undefined;
  /** Absolute path of the workspace folder open in the window (fresh copy per flow). */
  workspace: string;
  /** code-server base URL, e.g. `http://127.0.0.1:40123`. */
  codeServerUrl: string;
  /** code-server's user-data dir (User/settings.json, logs/, globalStorage/, extensions/). */
  userDataDir?: string;
  /** The run's security sweep (see ./secretSweep.ts). */
  secrets?: E2ESecrets;
  /** Prints a line prefixed with the flow name. */
  log(message: string): void;
}

/** The shape of a flow module. */
export interface E2EFlow {
  run(ctx: E2EContext): Promise<void>;
  /** Per-flow deadline in ms (default 5 minutes). */
  timeoutMs?: number;
}
