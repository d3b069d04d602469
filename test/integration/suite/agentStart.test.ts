/**
 * Starting an agent from a controller config, in a real VS Code against the
 * emulator: "Show Configurations…" lists `GET /api/configs`, "Copy Agent
 * Start Command…" walks config → kind → Telegraf line → watch interval and
 * puts text without any token value on the clipboard, "Test Agent Start…"
 * downloads the config with a stored token (pass), with a token lacking
 * configs:read (403) and with a revoked one (401 "Invalid token").
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentCheckResult, AgentStartSnippet } from '../../../src/core/agentStart';
import type { TestApi } from '../../../src/extension';
import { activateExtension, emulator } from '../harness';
import { byLabel, ensureSignedIn, scriptUi } from './helpers/ui';

describe('Agent start from a controller config', function () {
  this.timeout(60_000);
  let api: TestApi;
  let agent: { id: string; value: string };
  let noConfigs: { id: string; value: string };

  before(async () => {
    api = (await activateExtension<TestApi>())!;
    await ensureSignedIn(api, emulator());
    assert.equal(api.connection.current.state, 'ready');
    const a = await api.createToken({ description: 'agent start agent', expiresAt: null, permissions: { configs: ['read'], heartbeat: ['write'] } });
    agent = { id: a.token.id, value: a.value };
    const n = await api.createToken({ description: 'agent start heartbeat only', expiresAt: null, permissions: { heartbeat: ['write'] } });
    noConfigs = { id: n.token.id, value: n.value };
    await api.store.refresh();
  });

  it('Copy Agent Start Command… through the pickers: Compose text on the clipboard, no token value', async () => {
    let configItems: string[] = [];
    let kindItems: string[] = [];
    const ui = scriptUi({
      quickPick: [
        (items) => {
          configItems = items.map((i: vscode.QuickPickItem) => `${i.label} ${i.description}`);
          return byLabel('Linux hosts')(items);
        },
        (items) => {
          kindItems = items.map((i: vscode.QuickPickItem) => i.label);
          return byLabel('Docker Compose service')(items);
        },
        byLabel('1.39 or later'),
        byLabel('every 5m'),
      ],
    });
    let snippet: AgentStartSnippet | undefined;
    try {
      await vscode.env.clipboard.writeText('before');
      snippet = await vscode.commands.executeCommand<AgentStartSnippet>('telegrafController.copyAgentStartCommand');
    } finally {
      ui.restore();
    }
    assert.ok(snippet, 'the command returned the snippet');
    assert.ok(
      configItems.some((l) => l.includes('Linux hosts') && l.includes('cfg-linux-hosts')),
      configItems.join(' | '),
    );
    assert.equal(kindItems.length, 6, kindItems.join(' | '));
    assert.deepEqual(ui.record.picks.length, 4);
    const clip = await vscode.env.clipboard.readText();
    assert.equal(clip, snippet.text);
    assert.ok(clip.includes(`${emulator().url}/api/configs/cfg-linux-hosts/toml`));
    assert.ok(clip.includes('"--config-url-watch-interval", "5m"'));
    assert.ok(clip.includes('env_file:'));
    assert.ok(!clip.includes(agent.value) && !/tc-apiv1_[A-Za-z0-9]/.test(clip), 'no token value');
    // The emulator listens on 127.0.0.1, which a container cannot reach: a warning, and the copied text says so first.
    assert.ok(
      ui.record.messages.some(
        (m) => m.level === 'warning' && m.text.includes('TELEGRAF_CONTROLLER_TOKEN') && m.text.includes('inside a container that is the container itself'),
      ),
      JSON.stringify(ui.record.messages),
    );
    assert.match(clip.split('\n')[0]!, /^# WARNING: The controller URL points to 127\.0\.0\.1/);
  });

  it('Show Configurations… offers the start command for the picked config', async () => {
    let actions: string[] = [];
    const ui = scriptUi({
      quickPick: [
        byLabel('NGINX edge'),
        (items) => {
          actions = items.map((i: vscode.QuickPickItem) => i.label);
          return byLabel('Copy Config URL')(items);
        },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.showConfigurations');
    } finally {
      ui.restore();
    }
    assert.ok(actions.some((a) => a.includes('Copy Agent Start Command')) && actions.some((a) => a.includes('Test Agent Start')), actions.join(' | '));
    assert.equal(await vscode.env.clipboard.readText(), `${emulator().url}/api/configs/cfg-nginx-edge/toml`);
  });

  it('Test Agent Start… with a stored agent token passes; Token scheme for a 1.38 agent too', async () => {
    for (const line of ['1.39 or later', '1.38 or earlier']) {
      const ui = scriptUi({ quickPick: [byLabel('Linux hosts'), byLabel(line), byLabel('agent start agent')] });
      let r: AgentCheckResult | undefined;
      try {
        r = await vscode.commands.executeCommand<AgentCheckResult>('telegrafController.testAgentStart');
      } finally {
        ui.restore();
      }
      assert.ok(r, 'a result');
      assert.equal(r.ok, true, JSON.stringify(r.checks));
      assert.equal(r.header, line.startsWith('1.39') ? 'Authorization: Bearer tc-apiv1_…' : 'Authorization: Token tc-apiv1_…');
      assert.equal(r.checks.find((c) => c.id === 'fetch')?.status, 'pass');
      assert.ok(
        ui.record.messages.some((m) => m.level === 'info' && m.text.includes('passed')),
        JSON.stringify(ui.record.messages),
      );
      assert.ok(!JSON.stringify(ui.record.messages).includes(agent.value));
    }
  });

  it('Test Agent Start… tells 403 (no configs:read) and 401 (revoked) apart', async () => {
    const run = async (tokenId: string) => {
      const ui = scriptUi({});
      try {
        return {
          r: await vscode.commands.executeCommand<AgentCheckResult>('telegrafController.testAgentStart', {
            configId: 'cfg-linux-hosts',
            telegrafVersion: '1.40',
            tokenId,
          }),
          ui,
        };
      } finally {
        ui.restore();
      }
    };
    const forbidden = await run(noConfigs.id);
    assert.equal(forbidden.r?.ok, false);
    assert.equal(forbidden.r?.checks.find((c) => c.id === 'fetch')?.kind, 'forbidden');
    assert.ok(
      forbidden.ui.record.messages.some((m) => m.level === 'warning' && m.text.includes('configs:read')),
      JSON.stringify(forbidden.ui.record.messages),
    );

    await api.connection.api().revokeToken(agent.id);
    const revoked = await run(agent.id);
    assert.equal(revoked.r?.checks.find((c) => c.id === 'fetch')?.kind, 'invalid-token');
    assert.ok(revoked.ui.record.messages.some((m) => m.level === 'warning' && m.text.includes('Invalid token')));
    assert.equal(api.connection.current.state, 'ready', "a rejected agent token does not sign the user's connection out");

    // The revoked token's stored value is still offered, but after the usable ones and marked as revoked.
    await api.store.refresh();
    let offered: Array<{ label: string; description?: string }> = [];
    const ui = scriptUi({
      quickPick: [
        byLabel('Linux hosts'),
        byLabel('1.39 or later'),
        (items) => {
          offered = items;
          return undefined;
        },
      ],
    });
    try {
      await vscode.commands.executeCommand('telegrafController.testAgentStart');
    } finally {
      ui.restore();
    }
    const keys = offered.filter((i) => i.label.startsWith('$(key)'));
    const at = keys.findIndex((i) => i.label.includes('agent start agent'));
    assert.ok(at >= 0, offered.map((i) => i.label).join(' | '));
    assert.match(keys[at]!.description ?? '', /revoked/);
    assert.ok(
      keys.slice(0, at).every((i) => /^(active|expiring soon) ·/.test(i.description ?? '')) &&
        keys.slice(at).every((i) => !/^(active|expiring soon) ·/.test(i.description ?? '')),
      `usable first: ${keys.map((i) => `${i.label} [${i.description}]`).join(' | ')}`,
    );
  });
});
