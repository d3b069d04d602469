/**
 * Real validator for systemd outputs: `systemd-analyze verify` (Debian's
 * systemd) loads a unit with the drop-in "Add Token to Deployment…" writes
 * (`<unit>.service.d/controller-token.conf`) and the unit the
 * `Environment=` → `EnvironmentFile=` quick fix produces; it must report no
 * warning (unknown keys, bad sections) and must see the EnvironmentFile.
 * Skipped, saying so, where systemd-analyze is not installed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyEdits } from '../../../../src/core/config';
import { HOST_ENV_FILE, planAddToken, planFixes, scanText } from '../../../../src/core/deploy';

function which(cmd: string): boolean {
  try {
    execFileSync('which', [cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const HAVE = which('systemd-analyze');

/** Runs `systemd-analyze verify` on `unit` in `dir` (debug log, to see the loaded settings). */
function verify(dir: string, unit: string): { status: number | null; out: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', `./${unit}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug' },
    timeout: 30_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function warnings(out: string): string[] {
  // Only lines about our files (the debug log also reports the host's own units).
  return out
    .split('\n')
    .filter(
      (l) => /telegraf\.service|controller-token\.conf/.test(l) && /Unknown key|Unknown section|ignoring|Failed to|is not executable|Invalid|Missing/i.test(l),
    );
}

void describe('systemd-analyze verify', { skip: HAVE ? false : 'systemd-analyze is not installed here' }, () => {
  test('the drop-in written for a unit without EnvironmentFile= loads cleanly and sets EnvironmentFile', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-systemd-'));
    try {
      const unit =
        '[Unit]\nDescription=Telegraf\n\n[Service]\nExecStart=/bin/true --config https://controller.example/api/configs/1/toml\nUser=nobody\n\n[Install]\nWantedBy=multi-user.target\n';
      writeFileSync(path.join(dir, 'telegraf.service'), unit);
      const plan = planAddToken(path.join(dir, 'telegraf.service'), unit);
      assert.equal(plan.edits.length, 0, 'the unit itself is not changed');
      assert.equal(plan.newFiles.length, 1);
      const f = plan.newFiles[0]!;
      assert.equal(f.path, 'telegraf.service.d/controller-token.conf');
      mkdirSync(path.join(dir, 'telegraf.service.d'));
      writeFileSync(path.join(dir, f.path), f.content);
      const r = verify(dir, 'telegraf.service');
      assert.equal(r.status, 0, r.out);
      assert.deepEqual(warnings(r.out), []);
      assert.ok(r.out.includes(`EnvironmentFile: ${HOST_ENV_FILE}`), 'systemd sees the EnvironmentFile of the drop-in');
      // The validator can fail: a misspelt key is reported.
      writeFileSync(path.join(dir, f.path), f.content.replace('EnvironmentFile', 'EnvironmentFle'));
      assert.notDeepEqual(warnings(verify(dir, 'telegraf.service').out), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the Environment= → EnvironmentFile= quick fix yields a unit that loads cleanly', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-systemd-'));
    try {
      const unit =
        '[Unit]\nDescription=Telegraf\n\n[Service]\nEnvironment="TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_AbCdEf0123456789abcdef0123456789"\nExecStart=/bin/true\n';
      const finding = scanText('systemd', unit).find((x) => x.code === 'plaintext-token')!;
      const [fix] = planFixes('systemd', unit, finding);
      assert.ok(fix);
      const out = applyEdits(unit, fix.edits);
      writeFileSync(path.join(dir, 'telegraf.service'), out);
      const r = verify(dir, 'telegraf.service');
      assert.equal(r.status, 0, r.out);
      assert.deepEqual(warnings(r.out), []);
      assert.ok(r.out.includes(`EnvironmentFile: ${HOST_ENV_FILE}`));
      assert.ok(!out.includes('tc-apiv1_'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the Environment= → EnvironmentFile= quick fix installs the changed unit and restarts that unit, named after its file', () => {
  const unit = '[Service]\nEnvironment=TELEGRAF_CONTROLLER_TOKEN=tc-apiv1_AbCdEf0123456789abcdef0123456789\nExecStart=/usr/bin/telegraf\n';
  const finding = scanText('systemd', unit).find((x) => x.code === 'plaintext-token')!;
  const [edge] = planFixes('systemd', unit, finding, '/ws/units/telegraf-edge.service');
  assert.equal(
    edge?.commands[0]?.text,
    `sudo install -D -m 0600 -o root -g root telegraf-controller.env ${HOST_ENV_FILE} && sudo install -D -m 0644 telegraf-edge.service /etc/systemd/system/telegraf-edge.service && sudo systemctl daemon-reload && sudo systemctl restart telegraf-edge`,
  );
  const [dropIn] = planFixes('systemd', unit, finding, '/ws/units/telegraf-db.service.d/override.conf');
  assert.match(
    dropIn?.commands[0]?.text ?? '',
    /sudo install -D -m 0644 override\.conf \/etc\/systemd\/system\/telegraf-db\.service\.d\/override\.conf && .* restart telegraf-db$/,
  );
  // A template names no unit to install: the packaged telegraf is restarted.
  const [tpl] = planFixes('systemd', unit, finding, '/ws/roles/telegraf/templates/telegraf.service.j2');
  assert.doesNotMatch(tpl?.commands[0]?.text ?? '', /install -D -m 0644/);
  assert.match(tpl?.commands[0]?.text ?? '', /restart telegraf$/);
});
