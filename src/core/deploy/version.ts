/**
 * Telegraf version pinned by a deployment file, and what follows from it:
 * the environment variable the agent reads its Telegraf Controller token
 * from, and whether it has the heartbeat output. Facts (docs/api-contract.md
 * "How Telegraf uses a token"): Telegraf ≥ 1.39 sends
 * `TELEGRAF_CONTROLLER_TOKEN` as a Bearer token, older versions send
 * `INFLUX_TOKEN` with the `Token` scheme; `[[outputs.heartbeat]]` exists
 * from Telegraf 1.37. No `vscode` import.
 */

/** The variable Telegraf ≥ 1.39 reads the controller token from. */
export const CONTROLLER_TOKEN_VAR = 'TELEGRAF_CONTROLLER_TOKEN';
/** The variable Telegraf ≤ 1.38 reads it from. */
export const LEGACY_TOKEN_VAR = 'INFLUX_TOKEN';

/** A pinned Telegraf version (major.minor), as written in an image tag. */
export interface TelegrafPin {
  major: number;
  minor: number;
  /** The tag as written (`1.26`, `1.39-alpine`). */
  tag: string;
}

/** The version of a Telegraf image reference (`telegraf:1.26`, `docker.io/library/telegraf:1.39-alpine`), or undefined when unpinned (`latest`, no tag, a digest). */
export function pinFromImage(image: string): TelegrafPin | undefined {
  const m = /(?:^|\/)telegraf:([^@\s"']+)/.exec(image.trim());
  return m ? pinFromTag(m[1]!) : undefined;
}

/** The version of an image tag (`1.26`, `1.39-alpine`, `1.38.3`), or undefined (`latest`, `alpine`). */
export function pinFromTag(tag: string): TelegrafPin | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(tag.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), tag: tag.trim() } : undefined;
}

/** Whether `pin` is at least `major.minor`. */
function atLeast(pin: TelegrafPin, major: number, minor: number): boolean {
  return pin.major > major || (pin.major === major && pin.minor >= minor);
}

/** What a pin means for the token wiring. */
export interface VersionAdvice {
  /** Variable to use: `TELEGRAF_CONTROLLER_TOKEN` (unpinned or ≥ 1.39) or `INFLUX_TOKEN` (≤ 1.38). */
  varName: string;
  /** English notes for the user (empty when the pin is fine or absent). */
  notes: string[];
  /** False when the pin is older than 1.37 (no `[[outputs.heartbeat]]`). */
  heartbeat: boolean;
}

/** The advice for `pin` (undefined: unpinned, assumed current). */
export function adviceFor(pin: TelegrafPin | undefined): VersionAdvice {
  if (!pin || atLeast(pin, 1, 39)) return { varName: CONTROLLER_TOKEN_VAR, notes: [], heartbeat: true };
  const notes = [`The file pins Telegraf ${pin.tag}, which reads the token from ${LEGACY_TOKEN_VAR} (${CONTROLLER_TOKEN_VAR} needs Telegraf 1.39 or later).`];
  const heartbeat = atLeast(pin, 1, 37);
  if (!heartbeat)
    notes.push(
      `Telegraf ${pin.tag} is too old for Telegraf Controller's heartbeat output (outputs.heartbeat needs 1.37 or later): upgrade the image to report to the controller.`,
    );
  return { varName: LEGACY_TOKEN_VAR, notes, heartbeat };
}
