// Self-check of the integration harness (scripts/run-integration.mjs): the
// window has the workspace open, the runner's config is readable, and the
// extension under test is loaded from this repository.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ROOT, extensionUnderTest, testConfig } from '../harness';

describe('integration harness', () => {
  it('opens the workspace folder from the runner config', () => {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    assert.deepEqual(folders, [testConfig().workspace]);
    assert.ok(fs.existsSync(testConfig().workspace));
  });

  it('loads the extension under test from its source folder', () => {
    assert.equal(extensionUnderTest().extensionPath, EXTENSION_ROOT);
  });

  it('passes the emulator URLs when the runner started one', function () {
    const e = testConfig().emulator;
    if (!e) this.skip();
    assert.match(e.url, /^https?:\/\/127\.0\.0\.1:\d+$/);
    assert.match(e.heartbeatUrl, /^https?:\/\/127\.0\.0\.1:\d+\/agents\/heartbeat$/);
  });
});
