/**
 * Token value uses in Telegraf configs (references.ts): which plaintext
 * values exist and what each use needs, occurrences of one value, rewriting
 * them (rotation / leak response), the heartbeat URL a test may use, and
 * the `token = ` completion context.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, parseTelegrafConfig } from '../../../../src/core/config';
import {
  CONFIGS_READ,
  HEARTBEAT_WRITE,
  controllerTokenUses,
  findValueOccurrences,
  heartbeatReportsElsewhere,
  heartbeatTestUrl,
  isControllerConfigUrl,
  literalOfSite,
  planRewriteValue,
  siteAt,
  tokenCompletionContext,
  valueUseAt,
} from '../../../../src/core/config/references';
import { fixtureNames, readFixture } from './helpers';

const A = 'tc-apiv1_AAAAaaaa1111bbbb2222';
const B = 'tc-apiv1_BBBBcccc3333dddd4444';

const CONFIG = `[agent]
  interval = "10s"

[[outputs.heartbeat]]
  url = "http://ctl.example:8000/agents/heartbeat"
  instance_id = "&{agent_id}"
  token = "${A}"
  # token = "${B}"

[[inputs.http]]
  urls = ["http://ctl.example:8888/api/configs/cfg-1/toml"]
  headers = { Authorization = "Bearer ${B}" }

[[outputs.influxdb_v2]]
  urls = ["http://influx:8086"]
  token = "${A}"

[[outputs.http]]
  url = "http://collector/?key=${B}&x=1"

[[outputs.heartbeat]]
  url = "http://ctl.example:8000/agents/heartbeat"
  [outputs.heartbeat.headers]
    Authorization = "Token ${B}"
`;

/** `1-based line: needs` summary of every use. */
function uses(text: string): string[] {
  const cfg = parseTelegrafConfig(text);
  return controllerTokenUses(cfg).map((u) => {
    assert.equal(text.slice(u.range.start, u.range.end), u.value, 'the range covers exactly the value');
    return `${cfg.lineStarts.filter((s) => s <= u.range.start).length}:${u.site.kind}:${u.needs.map((n) => `${n.resource}:${n.action}`).join('+') || '-'}`;
  });
}

describe('controllerTokenUses', () => {
  test('finds every active literal with the permission its use needs, never a commented one', () => {
    assert.deepEqual(uses(CONFIG), [
      '7:token-key:heartbeat:write',
      '12:authorization-header:configs:read',
      '16:token-key:-',
      '19:controller-literal:-',
      '24:authorization-header:heartbeat:write',
    ]);
  });

  test('keeps offsets right with a BOM and CRLF line ends', () => {
    const text = '\ufeff' + `[[outputs.heartbeat]]\r\n  url = "http://x:8000/agents/heartbeat"\r\n  token = "${A}"\r\n`;
    const [u] = controllerTokenUses(parseTelegrafConfig(text));
    assert.ok(u);
    assert.equal(text.slice(u.range.start, u.range.end), A);
    assert.deepEqual(u.needs, [HEARTBEAT_WRITE]);
  });

  test('accepts an unparsable file (scanner fallback) and unquoted values', () => {
    const text = `[[outputs.heartbeat]]\n  skip = \${SKIP}\n  token = ${A}\n`;
    const cfg = parseTelegrafConfig(text);
    assert.equal(cfg.parseMode, 'scanner');
    const list = controllerTokenUses(cfg);
    assert.equal(list.length, 1);
    assert.equal(list[0]!.value, A);
  });

  test('reports nothing for the fixtures, none of which holds a controller token', () => {
    for (const name of fixtureNames()) assert.deepEqual(uses(readFixture(name)), [], name);
  });

  test('valueUseAt / siteAt / literalOfSite find the value under the cursor', () => {
    const cfg = parseTelegrafConfig(CONFIG);
    const at = CONFIG.indexOf(`Bearer ${B}`) + 'Bearer '.length + 3;
    assert.equal(valueUseAt(cfg, at)?.value, B);
    const site = siteAt(cfg, at);
    assert.equal(site?.kind, 'authorization-header');
    assert.equal(literalOfSite(cfg, site!)?.value, B);
    assert.equal(valueUseAt(cfg, CONFIG.indexOf('interval')), undefined);
    const env = parseTelegrafConfig('[[outputs.heartbeat]]\n  token = "${TELEGRAF_CONTROLLER_TOKEN}"\n');
    const envSite = siteAt(env, env.text.indexOf('TELEGRAF'));
    assert.equal(envSite?.classification, 'env');
    assert.equal(literalOfSite(env, envSite!), undefined);
  });
});

describe('findValueOccurrences and planRewriteValue', () => {
  test('finds exactly the value, not a longer value that starts with it, nor comments', () => {
    const text = `[[outputs.a]]\n  token = "${A}"\n  # token = "${A}"\n[[outputs.b]]\n  token = "${A}x"\n  url = "http://h/?t=${A}"\n`;
    const found = findValueOccurrences(text, A).map((r) => text.slice(r.start, r.end));
    assert.deepEqual(found, [A, A]);
    assert.deepEqual(findValueOccurrences(text, B), []);
  });

  test('value mode swaps only the literal; everything else stays byte-identical', () => {
    const edits = planRewriteValue(CONFIG, B, { kind: 'value', newValue: A });
    assert.equal(edits.length, 3);
    const out = applyEdits(CONFIG, edits);
    assert.ok(out.includes(`# token = "${B}"`), 'the comment is untouched');
    assert.equal(out.replaceAll(A, 'X'), CONFIG.replaceAll(A, 'X').replace(new RegExp(`(?<!# token = ")${B}`, 'g'), 'X'));
    assert.ok(out.includes(`Authorization = "Bearer ${A}"`));
    assert.ok(out.includes(`key=${A}&x=1`));
  });

  test('env mode writes the reference into the credential, keeping the Bearer scheme', () => {
    const out = applyEdits(CONFIG, planRewriteValue(CONFIG, B, { kind: 'env', name: 'TELEGRAF_CONTROLLER_TOKEN' }));
    assert.ok(out.includes('headers = { Authorization = "Bearer ${TELEGRAF_CONTROLLER_TOKEN}" }'));
    assert.ok(out.includes('Authorization = "Token ${TELEGRAF_CONTROLLER_TOKEN}"'));
    assert.ok(out.includes('key=${TELEGRAF_CONTROLLER_TOKEN}&x=1'));
    assert.ok(!out.replace(`# token = "${B}"`, '').includes(B), 'no active occurrence is left');
  });

  test('keeps CRLF and the BOM', () => {
    const text = `\ufeff[[outputs.heartbeat]]\r\n  token = "${A}"\r\n  url = "x"`;
    const out = applyEdits(text, planRewriteValue(text, A, { kind: 'env', name: 'INFLUX_TOKEN' }));
    assert.equal(out, `\ufeff[[outputs.heartbeat]]\r\n  token = "\${INFLUX_TOKEN}"\r\n  url = "x"`);
  });

  test('returns no edit when the value is absent', () => {
    assert.deepEqual(planRewriteValue(CONFIG, 'tc-apiv1_nothere', { kind: 'value', newValue: A }), []);
  });
});

describe('heartbeatTestUrl', () => {
  const cfg = (url: string) => parseTelegrafConfig(`[[outputs.heartbeat]]\n  url = "${url}"\n`).tables[0];
  const fallback = 'https://ctl.example:8000/agents/heartbeat';
  test('uses the config URL only on the controller host', () => {
    assert.deepEqual(heartbeatTestUrl(cfg('https://CTL.example:9000/agents/heartbeat'), 'https://ctl.example:8888', fallback), {
      url: 'https://ctl.example:9000/agents/heartbeat',
      fromConfig: true,
    });
    for (const other of [
      'http://evil.example:8000/agents/heartbeat',
      'http://${HOST}:8000/x',
      'http://u:p@ctl.example:8000/x',
      'ftp://ctl.example/x',
      'not a url',
    ]) {
      assert.deepEqual(heartbeatTestUrl(cfg(other), 'https://ctl.example:8888', fallback), { url: fallback, fromConfig: false }, other);
    }
    assert.deepEqual(heartbeatTestUrl(undefined, 'https://ctl.example:8888', fallback), { url: fallback, fromConfig: false });
    assert.deepEqual(heartbeatTestUrl(cfg('https://ctl.example:8000/agents/heartbeat'), 'https://ctl.example:8888', fallback).fromConfig, true);
    assert.deepEqual(heartbeatTestUrl(cfg('http://ctl.example:8000/agents/heartbeat'), 'http://ctl.example:8888', fallback).fromConfig, true);
    assert.deepEqual(
      heartbeatTestUrl(cfg('http://ctl.example:8000/agents/heartbeat'), 'https://ctl.example:8888', fallback),
      { url: fallback, fromConfig: false },
      'never downgrade to plain http',
    );
  });
});

describe('isControllerConfigUrl', () => {
  test('matches the config routes only', () => {
    assert.ok(isControllerConfigUrl('http://h:8888/api/configs/abc/toml'));
    assert.ok(isControllerConfigUrl('https://h/prefix/api/configs'));
    assert.ok(!isControllerConfigUrl('http://h:8888/api/tokens'));
    assert.ok(!isControllerConfigUrl('http://h/api/configs/abc/json'));
    assert.ok(!isControllerConfigUrl('/api/configs/abc/toml'));
  });
  test('a config URL gives the site configs:read', () => {
    const text = `[[inputs.http]]\n  urls = ["https://h/api/configs/x/toml"]\n  token = "${A}"\n`;
    assert.deepEqual(controllerTokenUses(parseTelegrafConfig(text))[0]?.needs, [CONFIGS_READ]);
  });
});

describe('tokenCompletionContext', () => {
  const doc = `[agent]\n  interval = "10s"\n\n[[outputs.heartbeat]]\n  url = "x"\n  TOKENLINE\n  [outputs.heartbeat.status]\n  token = \n\n[[secretstores.vault]]\n  token = \n`;
  const at = (line: string, cursorMarker = '|') => {
    const text = doc.replace('TOKENLINE', line.replace(cursorMarker, ''));
    const offset = text.indexOf(line.split(cursorMarker)[0]!) + line.indexOf(cursorMarker);
    return { text, offset, ctx: tokenCompletionContext(text, offset) };
  };

  test('after "token = " in a plugin table: a quoted reference replaces nothing', () => {
    const { text, offset, ctx } = at('token = |');
    assert.ok(ctx);
    assert.equal(ctx.table.name, 'outputs.heartbeat');
    assert.equal(ctx.quote, undefined);
    assert.deepEqual(ctx.replaceRange, { start: offset, end: offset });
    assert.equal(text.slice(0, offset).endsWith('token = '), true);
  });

  test('inside an auto-closed string: up to the closing quote', () => {
    const { text, offset, ctx } = at('token = "|"');
    assert.equal(ctx?.quote, '"');
    assert.deepEqual(ctx?.replaceRange, { start: offset, end: offset });
    assert.equal(text[offset], '"');
  });

  test('a partly typed reference is replaced whole', () => {
    const { text, ctx } = at('token = "${TELE|GRAF}"');
    assert.equal(ctx?.typed, '${TELE');
    assert.equal(text.slice(ctx!.replaceRange.start, ctx!.replaceRange.end), '${TELEGRAF}');
    const unquoted = at('token = ${TE|');
    assert.equal(unquoted.ctx?.quote, undefined);
    assert.equal(unquoted.ctx?.typed, '${TE');
    const single = at("token = '|'");
    assert.equal(single.ctx?.quote, "'");
  });

  test('nowhere else: other keys, comments, complete strings, sub-tables, secret stores, [agent]', () => {
    for (const line of ['api_token = |', '# token = |', 'token = "abc" |', 'token = "abc"|']) assert.equal(at(line).ctx, undefined, line);
    const sub = doc.indexOf('  token = \n\n[[secretstores') + '  token = '.length;
    assert.equal(tokenCompletionContext(doc, sub), undefined, 'sub-table');
    const store = doc.lastIndexOf('token = ') + 'token = '.length;
    assert.equal(tokenCompletionContext(doc, store), undefined, 'secret store');
    const agent = doc.indexOf('"10s"');
    assert.equal(tokenCompletionContext(doc, agent), undefined);
    assert.equal(tokenCompletionContext(doc, -1), undefined);
  });
});

test('heartbeatReportsElsewhere names the host of a heartbeat url other than the controller (loopback names are one host; references are not resolved)', () => {
  const table = (url: string) =>
    parseTelegrafConfig(`[[outputs.heartbeat]]\n  url = "${url}"\n  token = "x"\n`).tables.find((t) => t.name === 'outputs.heartbeat')!;
  const controller = 'https://tc.example.com:8888';
  assert.equal(heartbeatReportsElsewhere(table('http://collector.evil.test:8000/agents/heartbeat'), controller), 'collector.evil.test');
  assert.equal(heartbeatReportsElsewhere(table('http://TC.example.com:8000/agents/heartbeat'), controller), undefined);
  assert.equal(heartbeatReportsElsewhere(table('http://localhost:8000/agents/heartbeat'), 'http://127.0.0.1:8888'), undefined);
  assert.equal(heartbeatReportsElsewhere(table('${CONTROLLER_URL}/agents/heartbeat'), controller), undefined);
  assert.equal(heartbeatReportsElsewhere(parseTelegrafConfig('[[outputs.heartbeat]]\n').tables[0]!, controller), undefined);
});
