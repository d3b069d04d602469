/**
 * Git is never run for an untrusted workspace (src/services/gitIgnore.ts):
 * a repository's own `.git/config` can make git run any command
 * (`core.fsmonitor` runs on `git ls-files` and `git check-ignore`). Checked
 * with the machine's real git against a repository whose fsmonitor leaves a
 * marker file: trusted, the marker appears (the threat is real here); untrusted,
 * it never does, and the answers are the cautious ones.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitIgnoreChecker } from '../../../src/services/gitIgnore';

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('git in an untrusted workspace', { skip: hasGit() ? false : 'git is not installed' }, () => {
  let repo: string;
  let marker: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });

  before(() => {
    repo = mkdtempSync(path.join(os.tmpdir(), 'tc-git-hostile-'));
    marker = path.join(repo, 'RAN');
    git('init', '-q');
    writeFileSync(path.join(repo, 'agent.env'), 'TELEGRAF_CONTROLLER_TOKEN=x\n');
    writeFileSync(path.join(repo, '.gitignore'), 'ignored.env\n');
    writeFileSync(path.join(repo, 'ignored.env'), 'TELEGRAF_CONTROLLER_TOKEN=x\n');
    git('add', 'agent.env', '.gitignore');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
    // What a hostile repository ships: git runs this "monitor" whenever it reads the index.
    git('config', 'core.fsmonitor', `touch '${marker}'; false #`);
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  test('untrusted: git is not run, and the answers are cautious (tracked, not ignored)', async () => {
    const checker = new GitIgnoreChecker(() => false);
    assert.equal(await checker.isTracked(path.join(repo, 'agent.env')), true);
    assert.equal(await checker.isTracked(path.join(repo, 'untracked.env')), true, 'unknown counts as tracked');
    assert.equal(await checker.isIgnored(path.join(repo, 'ignored.env')), false, 'unknown counts as not ignored');
    assert.equal(await checker.inRepository(path.join(repo, 'agent.env')), true, 'it may be in one');
    assert.equal(existsSync(marker), false, 'the repository’s command never ran');
  });

  test('trusted: whether a file is inside a git work tree ("git does not ignore it" means something only there)', async () => {
    const checker = new GitIgnoreChecker(() => true);
    assert.equal(await checker.inRepository(path.join(repo, 'untracked.env')), true);
    const outside = mkdtempSync(path.join(os.tmpdir(), 'tc-no-repo-'));
    try {
      assert.equal(await checker.inRepository(path.join(outside, 'agent.env')), false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('trusted: git answers (and this repository’s command runs, which is why untrusted never runs git)', async () => {
    let trusted = false;
    const checker = new GitIgnoreChecker(() => trusted);
    assert.equal(await checker.isIgnored(path.join(repo, 'ignored.env')), false, 'untrusted first');
    trusted = true;
    assert.equal(await checker.isIgnored(path.join(repo, 'ignored.env')), true, 'an untrusted answer is not cached');
    assert.equal(await checker.isTracked(path.join(repo, 'agent.env')), true);
    assert.equal(await checker.isTracked(path.join(repo, 'ignored.env')), false);
    assert.equal(existsSync(marker), true, 'git ran the command the repository configured');
  });
});
