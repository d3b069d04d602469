/**
 * How the diagnostics of Telegraf configs and of deployment files run their
 * checks: one workspace scan at a time (scans asked for during another share
 * one scan after it, so nothing changed meanwhile is missed and no backlog
 * builds up), and per
 * file the latest check wins (an older check that finishes later, e.g. after
 * a slow controller answer, does not overwrite a newer result).
 */
import type * as vscode from 'vscode';

/** Scan and check bookkeeping of one DiagnosticCollection. */
export class CheckRuns {
  private scanning: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly generation = new Map<string, number>();

  /**
   * Runs `scan` now, or once after the scan in progress: every request made during a scan shares that one
   * next scan (no backlog of whole-workspace scans when changes come quickly). Resolves when the scan that
   * covers the request is done. `scan` must not throw.
   */
  scan(scan: () => Promise<void>): Promise<void> {
    if (!this.scanning) {
      this.scanning = scan().finally(() => (this.scanning = undefined));
      return this.scanning;
    }
    this.queued ??= this.scanning.then(() => {
      this.queued = undefined;
      return this.scan(scan);
    });
    return this.queued;
  }

  /** Starts a check of `uri`; the returned function is true while no later check (or `forget`) of the same file started. */
  begin(uri: vscode.Uri): () => boolean {
    const key = uri.toString();
    const gen = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, gen);
    return () => this.generation.get(key) === gen;
  }

  /** Makes every check of `uri` in progress stale (the file was closed or deleted). */
  forget(uri: vscode.Uri): void {
    this.begin(uri);
  }
}
