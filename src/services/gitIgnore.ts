/**
 * What git says about a workspace file: whether it is ignored
 * (`git check-ignore -q`), so a plaintext token in a git-ignored file can be
 * reported at a lower severity, and whether git tracks it
 * (`git ls-files --error-unmatch`), so a value in an env file counts as a leak
 * only when it is committed. The one place this extension runs git.
 *
 * Git is a program, and a workspace's own `.git/config` can make it run any
 * command (`core.fsmonitor` runs on both of these). So in an untrusted
 * workspace (Restricted Mode) git is never run and the answers are the
 * cautious ones: not ignored, tracked. Failures (no git, not a repository, a
 * timeout) count as "not ignored" and "not tracked". Answers are cached per
 * path for a minute; nothing is cached while the workspace is untrusted.
 * Security rules: README.md "Security".
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** Timeout of one git run, ms. */
export const GIT_TIMEOUT_MS = 3000;
/** How long an answer is reused, ms. */
export const GIT_TTL_MS = 60_000;

/** Runs `git args…` in the folder of `fsPath` with its base name appended; true when git exits with 0. Never throws. */
function gitSucceeds(args: readonly string[], fsPath: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    try {
      execFile('git', [...args, '--', path.basename(fsPath)], { cwd: path.dirname(fsPath), timeout: GIT_TIMEOUT_MS, windowsHide: true }, (err) =>
        resolve(!err),
      );
    } catch {
      resolve(false);
    }
  });
}

/** Cached git answers about workspace files; runs git only in a trusted workspace. */
export class GitIgnoreChecker {
  private readonly cache = new Map<string, { at: number; answer: boolean }>();
  private readonly inflight = new Map<string, Promise<boolean>>();

  /**
   * @param workspaceTrusted whether the workspace is trusted now
   *   (`() => vscode.workspace.isTrusted` in the extension); asked before every run.
   */
  constructor(private readonly workspaceTrusted: () => boolean) {}

  /** True when git says `fsPath` is ignored; false otherwise, on any failure, and in an untrusted workspace. Never throws. */
  isIgnored(fsPath: string): Promise<boolean> {
    return this.ask('ignored', ['check-ignore', '-q'], fsPath, false);
  }

  /** True when git tracks `fsPath`, and in an untrusted workspace (git is not run there); false when it does not or on any failure. Never throws. */
  isTracked(fsPath: string): Promise<boolean> {
    return this.ask('tracked', ['ls-files', '--error-unmatch'], fsPath, true);
  }

  /**
   * True when the folder of `fsPath` is inside a git work tree
   * (`git rev-parse --is-inside-work-tree`), and in an untrusted workspace
   * (git is not run there: it may be); false when git says it is not, or on
   * any failure. "Git does not ignore this file" means something only inside
   * one. Never throws.
   */
  inRepository(fsPath: string): Promise<boolean> {
    return this.ask('repository', ['rev-parse', '--is-inside-work-tree'], fsPath, true);
  }

  /**
   * True when git tracks the existing file `fsPath` as far as git can be asked:
   * false in an untrusted workspace (git is not run there, nothing is known)
   * and for a file that does not exist. Never throws.
   */
  async isTrackedKnown(fsPath: string): Promise<boolean> {
    if (!this.workspaceTrusted()) return false;
    return this.isTracked(fsPath);
  }

  /** Forgets cached answers (e.g. after a `.gitignore` changed or the workspace became trusted). */
  clear(): void {
    this.cache.clear();
  }

  private ask(question: string, args: readonly string[], fsPath: string, untrustedAnswer: boolean): Promise<boolean> {
    if (!this.workspaceTrusted()) return Promise.resolve(untrustedAnswer);
    const key = `${question}\0${fsPath}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < GIT_TTL_MS) return Promise.resolve(hit.answer);
    const running = this.inflight.get(key);
    if (running) return running;
    const run = gitSucceeds(args, fsPath).then((answer) => {
      this.cache.set(key, { at: Date.now(), answer });
      this.inflight.delete(key);
      return answer;
    });
    this.inflight.set(key, run);
    return run;
  }
}
