/**
 * Clearing a copied secret from the clipboard, keeping its promise
 * (README.md "Where your secrets live", setting
 * `telegrafController.clipboardClearSeconds`):
 *
 * - the clipboard is cleared only if it still holds the copied value,
 *   compared by SHA-256 hash: whatever the user copied afterwards stays;
 * - a clipboard that cannot be read (a browser without the clipboard-read
 *   permission) is left alone: nothing unverified is ever cleared;
 * - the pending clear survives a window reload: only `{ hash, deadline }` is
 *   persisted (never the value), and {@link ClipboardGuard.resume} picks it up.
 *
 * Editor-free: the clipboard, the persisted state and the timers are passed in.
 */
import { createHash } from 'node:crypto';

/** The clipboard, as `vscode.env.clipboard`. `readText` may reject or resolve `''` when it cannot read. */
export interface ClipboardPort {
  readText(): PromiseLike<string>;
  writeText(text: string): PromiseLike<void>;
}

/** Persisted state, as a `vscode.Memento` (globalState). */
export interface StatePort {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** What is persisted for a pending clear: the value's SHA-256 (hex) and when to clear (epoch ms). */
export interface PendingClear {
  hash: string;
  deadline: number;
}

/** Outcome of a check, for logs and tests. */
export type ClearOutcome = 'cleared' | 'changed' | 'unreadable';

/** globalState key of the pending clear. */
export const PENDING_CLEAR_KEY = 'telegrafController.clipboard.pendingClear';

/** SHA-256 of `text`, hex. */
export function clipboardHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isPending(v: unknown): v is PendingClear {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as PendingClear).hash === 'string' &&
    /^[0-9a-f]{64}$/.test((v as PendingClear).hash) &&
    typeof (v as PendingClear).deadline === 'number' &&
    Number.isFinite((v as PendingClear).deadline)
  );
}

/** Options of {@link ClipboardGuard}; `now`, `setTimer` and `clearTimer` default to the real clock. */
export interface ClipboardGuardOptions {
  clipboard: ClipboardPort;
  state: StatePort;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Called after each check (e.g. to log the outcome; never given the value). */
  onCheck?: (outcome: ClearOutcome) => void;
}

/** Copies secrets and clears them later, only if still on the clipboard. See the module comment. */
export class ClipboardGuard {
  private timer: unknown;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly o: ClipboardGuardOptions) {
    this.now = o.now ?? Date.now;
    this.setTimer =
      o.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref?.();
        return t;
      });
    this.clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  /**
   * Writes `value` to the clipboard and, when `seconds > 0`, schedules its
   * clear (persisting only the hash and the deadline). A previous pending
   * clear is replaced. Returns `seconds`.
   */
  async copy(value: string, seconds: number): Promise<number> {
    await this.o.clipboard.writeText(value);
    this.cancelTimer();
    if (seconds <= 0) {
      await this.o.state.update(PENDING_CLEAR_KEY, undefined);
      return 0;
    }
    const pending: PendingClear = { hash: clipboardHash(value), deadline: this.now() + seconds * 1000 };
    await this.o.state.update(PENDING_CLEAR_KEY, pending);
    this.schedule(pending);
    return seconds;
  }

  /**
   * Picks up a pending clear persisted by an earlier window (after a reload):
   * checks at once when its deadline has passed, else at the deadline.
   * Returns the outcome of an immediate check, else undefined.
   */
  async resume(): Promise<ClearOutcome | undefined> {
    const pending = this.o.state.get<unknown>(PENDING_CLEAR_KEY);
    if (pending === undefined) return undefined;
    if (!isPending(pending)) {
      await this.o.state.update(PENDING_CLEAR_KEY, undefined);
      return undefined;
    }
    if (pending.deadline <= this.now()) return this.check(pending);
    this.schedule(pending);
    return undefined;
  }

  /** Stops the timer (the persisted pending clear stays for the next window). */
  dispose(): void {
    this.cancelTimer();
  }

  /** Clears the clipboard if it still holds the value hashed in `pending`, then forgets `pending`. */
  async check(pending: PendingClear): Promise<ClearOutcome> {
    let current: string | undefined;
    try {
      current = await this.o.clipboard.readText();
    } catch {
      current = undefined;
    }
    let outcome: ClearOutcome;
    if (current === undefined || current === '') outcome = 'unreadable';
    else if (clipboardHash(current) === pending.hash) {
      await this.o.clipboard.writeText('');
      outcome = 'cleared';
    } else outcome = 'changed';
    const stored = this.o.state.get<unknown>(PENDING_CLEAR_KEY);
    if (isPending(stored) && stored.hash === pending.hash && stored.deadline === pending.deadline) await this.o.state.update(PENDING_CLEAR_KEY, undefined);
    this.o.onCheck?.(outcome);
    return outcome;
  }

  private schedule(pending: PendingClear): void {
    this.cancelTimer();
    this.timer = this.setTimer(
      () => {
        this.timer = undefined;
        void this.check(pending);
      },
      Math.max(0, pending.deadline - this.now()),
    );
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }
}
