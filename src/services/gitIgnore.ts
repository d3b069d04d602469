/**
 * Whether a file is ignored by git (`git check-ignore -q`), so a plaintext
 * token in a git-ignored file can be reported at a lower severity. Degrades
 * gracefully: no git, not a repository, a timeout or any other failure
 * counts as "not ignored". Answers are cached per path for a minute.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** Timeout of one `git check-ignore`, ms. */
export const GIT_TIMEOUT_MS = 3000;
/** How long an answer is reused, ms. */
export const GIT_TTL_MS = 60_000;

/** Cached `git check-ignore` answers. */
export class GitIgnoreChecker {
  private readonly cache = new Map<string, { at: number; ignored: boolean }>();
  private readonly inflight = new Map<string, Promise<boolean>>();

  /** True when git says `fsPath` is ignored; false otherwise (also on any failure). Never throws. */
  isIgnored(fsPath: string): Promise<boolean> {
    const hit = this.cache.get(fsPath);
    if (hit && Date.now() - hit.at < GIT_TTL_MS) return Promise.resolve(hit.ignored);
    const running = this.inflight.get(fsPath);
    if (running) return running;
    const run = new Promise<boolean>((resolve) => {
      try {
        execFile('git', ['check-ignore', '-q', '--', path.basename(fsPath)], { cwd: path.dirname(fsPath), timeout: GIT_TIMEOUT_MS, windowsHide: true }, (err) =>
          resolve(!err),
        );
      } catch {
        resolve(false);
      }
    }).then((ignored) => {
      this.cache.set(fsPath, { at: Date.now(), ignored });
      this.inflight.delete(fsPath);
      return ignored;
    });
    this.inflight.set(fsPath, run);
    return run;
  }

  /** Forgets cached answers (e.g. after a `.gitignore` changed). */
  clear(): void {
    this.cache.clear();
  }
}
