/**
 * Limits for checking token values found in files against the controller
 * (README.md "Settings", `telegrafController.checkConfigTokens`): each check
 * is an authentication attempt with that value, so a file full of distinct
 * tokens must not turn into a burst of attempts (which a controller may read
 * as credential stuffing, and which would lock or rate-limit the user).
 *
 * - a budget per window: at most `capacity` checks, refilled at one check per
 *   `refillMs` (a token bucket);
 * - bounded concurrency: at most `concurrency` checks in flight, the rest wait.
 *
 * Deduplication (one check per distinct value, cached by hash) is the
 * caller's: only distinct, uncached values reach here. Editor-free.
 */

/** Options of {@link CheckLimiter}. */
export interface CheckLimiterOptions {
  /** Checks in flight at once (≥ 1). */
  concurrency: number;
  /** Budget: checks allowed in a burst (≥ 1). */
  capacity: number;
  /** One more check is allowed every `refillMs` milliseconds, up to `capacity`. */
  refillMs: number;
  /** Clock, epoch ms (default `Date.now`). */
  now?: () => number;
}

/** Default limits: 4 at a time, 30 in a burst, then one every 20 s (30 per 10 minutes). */
export const DEFAULT_CHECK_LIMITS: Readonly<CheckLimiterOptions> = Object.freeze({ concurrency: 4, capacity: 30, refillMs: 20_000 });

/** A token bucket plus a concurrency gate. See the module comment. */
export class CheckLimiter {
  private tokens: number;
  private last: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly now: () => number;

  constructor(private readonly o: CheckLimiterOptions) {
    this.now = o.now ?? Date.now;
    this.tokens = o.capacity;
    this.last = this.now();
  }

  /** Checks left in the budget right now (fractional refill rounded down). */
  get remaining(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  /** Takes one check from the budget; false (nothing taken) when it is spent. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Runs `task` once fewer than `concurrency` tasks run; resolves or rejects with it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.o.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.tokens = Math.min(this.o.capacity, this.tokens + elapsed / this.o.refillMs);
  }
}
