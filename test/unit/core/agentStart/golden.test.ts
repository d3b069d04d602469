/**
 * Golden files of the agent start text: one per kind and Telegraf line, for
 * a fixed controller and configuration (test/fixtures/agent-start-golden/).
 * They show reviewers the exact text users copy; `UPDATE_GOLDEN=1` rewrites
 * them after an intended change.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AGENT_START_KINDS, agentStartSnippet } from '../../../../src/core/agentStart';

const DIR = path.join(__dirname, '..', '..', '..', 'fixtures', 'agent-start-golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const EXT = { shellscript: 'sh', yaml: 'yaml', powershell: 'ps1' } as const;

for (const kind of AGENT_START_KINDS) {
  for (const [line, version, watch] of [
    ['1.40', '1.40', '1m'],
    ['1.38', '1.38', undefined],
  ] as const) {
    test(`golden: ${kind} for Telegraf ${line}`, () => {
      const s = agentStartSnippet(kind, {
        controllerUrl: 'https://controller.example.com:8888',
        configId: 'cfg-linux-hosts',
        configName: 'Linux hosts',
        telegrafVersion: version,
        ...(watch ? { watchInterval: watch } : {}),
      });
      const file = path.join(DIR, `${kind}-${line}.${EXT[s.language]}`);
      const notes = `${s.warnings.map((w) => `# ${w}`).join('\n')}\n`;
      const files = s.files.map((f) => `# --- ${f.path} (mode ${f.mode})\n${f.content}`).join('');
      const text = `${s.text}\n# === notes\n${notes}${files ? `# === files\n${files}` : ''}`;
      if (UPDATE || !existsSync(file)) {
        mkdirSync(DIR, { recursive: true });
        writeFileSync(file, text);
        if (!UPDATE) assert.fail(`wrote the missing golden file ${path.relative(process.cwd(), file)}: check it and run again`);
      }
      assert.equal(text, readFileSync(file, 'utf8'), `${path.basename(file)} differs (UPDATE_GOLDEN=1 rewrites it)`);
    });
  }
}
