/**
 * Detection, per fixture, as the fixtures README's "What a correct tool
 * should do" column says, plus the decoys (heartbeat_interval, token_url,
 * token_file in a secret store, `@` in an organization, `${…}` in urls,
 * `{{ }}` templates) and classification of every credential form.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyCredential,
  duplicatePlugins,
  findControllerTokenLiterals,
  findEnvReferences,
  findTokenSites,
  heartbeatOutputs,
  isTelegrafConfig,
  parseTelegrafConfig,
  replacedTokenLiterals,
  secretStores,
  storePasswordVar,
  type TokenSite,
} from '../../../../src/core/config';
import { fixtureNames, readFixture } from './helpers';

/** A compact, comparable view of a site (1-based line like the README). */
function brief(site: TokenSite): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: site.kind,
    table: site.table?.name,
    key: site.key.key,
    line: site.key.line + 1,
    raw: site.raw,
    classification: site.classification,
  };
  if (site.envVar !== undefined) out.envVar = site.envVar;
  if (site.storeId !== undefined) out.storeId = site.storeId;
  if (site.secretKey !== undefined) out.secretKey = site.secretKey;
  if (site.store) out.store = `${site.store.type}:${site.store.id}`;
  if (site.scheme !== undefined) out.scheme = site.scheme;
  return out;
}

function sitesOf(name: string): Record<string, unknown>[] {
  return findTokenSites(parseTelegrafConfig(readFixture(name))).map(brief);
}

const REDACTED = 'REDACTED_INFLUXDB_TOKEN_' + 'x'.repeat(62) + '==';

/** Expected sites per fixture (README column "What a correct … tool should do"). */
const EXPECTED_SITES: Record<string, Record<string, unknown>[]> = {
  '01-default-telegraf-full-v1.26.conf': [],
  '03-heartbeat-sample.conf': [],
  '04-influxdb_v2-sample-empty-token.conf': [{ kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 15, raw: '', classification: 'empty' }],
  '05-heartbeat-user-panic-issue18559.conf': [],
  '06-tc-getting-started-heartbeat-status-subtable.conf': [
    {
      kind: 'token-key',
      table: 'outputs.heartbeat',
      key: 'token',
      line: 20,
      raw: '${TELEGRAF_CONTROLLER_TOKEN}',
      classification: 'env',
      envVar: 'TELEGRAF_CONTROLLER_TOKEN',
    },
  ],
  '07-tc-dynamic-values-vault-secret.conf': [
    {
      kind: 'token-key',
      table: 'outputs.influxdb_v2',
      key: 'token',
      line: 11,
      raw: '@{my_vault:influx_token}',
      classification: 'secret',
      storeId: 'my_vault',
      secretKey: 'influx_token',
      store: 'vault:my_vault',
    },
  ],
  '08-secretstores-docs-os-jose-chained.conf': [
    {
      kind: 'token-key',
      table: 'outputs.influxdb_v2',
      key: 'token',
      line: 20,
      raw: '@{cloud_secrets:influxdb_token}',
      classification: 'secret',
      storeId: 'cloud_secrets',
      secretKey: 'influxdb_token',
      store: 'jose:cloud_secrets',
    },
  ],
  '09-envvar-docs-unquoted-bool-two-influxdb_v2.conf': [
    { kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 15, raw: '${INFLUX_TOKEN}', classification: 'env', envVar: 'INFLUX_TOKEN' },
    { kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 22, raw: '${INFLUX_TOKEN}', classification: 'env', envVar: 'INFLUX_TOKEN' },
  ],
  '12-user-dollar-var-no-braces-unindented-issue13413.conf': [
    { kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 7, raw: '$INFLUX_TOKEN', classification: 'env', envVar: 'INFLUX_TOKEN' },
  ],
  '13-user-docker-env-in-url-issue13259.conf': [
    {
      kind: 'token-key',
      table: 'outputs.influxdb_v2',
      key: 'token',
      line: 25,
      raw: '$DOCKER_INFLUXDB_INIT_ADMIN_TOKEN',
      classification: 'env',
      envVar: 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN',
    },
  ],
  '14-user-crlf-envtoken-trailing-ws-no-final-eol.conf': [
    { kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 19, raw: '${INFLUX_TOKEN}', classification: 'env', envVar: 'INFLUX_TOKEN' },
  ],
  '16-user-full-config-duplicated-influxdb_v2-literal-token-excerpt.conf': [
    { kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 112, raw: REDACTED, classification: 'literal' },
    { kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 167, raw: REDACTED, classification: 'literal' },
  ],
  '17-user-placeholder-token-replaced-by-script.conf': [
    { kind: 'token-key', table: 'outputs.influxdb_v2', key: 'token', line: 39, raw: 'BUCKET_TOKEN', classification: 'placeholder' },
  ],
  '18-user-bom-commented-output-headers.conf': [],
  '20-loader-testdata-inline-table-auth-header.toml': [
    {
      kind: 'authorization-header',
      table: 'outputs.http',
      key: 'Authorization',
      line: 2,
      raw: 'Token $TOKEN',
      classification: 'env',
      envVar: 'TOKEN',
      scheme: 'Token',
    },
    {
      kind: 'authorization-header',
      table: 'outputs.http',
      key: 'Authorization',
      line: 6,
      raw: 'Token $TOKEN',
      classification: 'env',
      envVar: 'TOKEN',
      scheme: 'Token',
    },
  ],
  '25-empty-telegraf.conf': [],
};

const HEARTBEAT_LINES: Record<string, number[]> = {
  '03-heartbeat-sample.conf': [2],
  '05-heartbeat-user-panic-issue18559.conf': [16],
  '06-tc-getting-started-heartbeat-status-subtable.conf': [13],
};

void describe('findTokenSites per fixture', () => {
  void test('every fixture has an expectation', () => {
    assert.deepEqual(Object.keys(EXPECTED_SITES).sort(), fixtureNames());
  });
  for (const name of fixtureNames()) {
    void test(name, () => {
      assert.deepEqual(sitesOf(name), EXPECTED_SITES[name]);
      // The tolerant scanner finds the same sites.
      const scanned = findTokenSites(parseTelegrafConfig(readFixture(name), { scanner: true })).map(brief);
      assert.deepEqual(scanned, EXPECTED_SITES[name]);
    });
    void test(`${name}: heartbeat outputs`, () => {
      const cfg = parseTelegrafConfig(readFixture(name));
      assert.deepEqual(
        heartbeatOutputs(cfg).map((t) => t.line + 1),
        HEARTBEAT_LINES[name] ?? [],
      );
      assert.deepEqual(findControllerTokenLiterals(cfg), []);
    });
  }
});

void describe('fixture details', () => {
  void test('14: the site excludes the trailing spaces before CR', () => {
    const text = readFixture('14-user-crlf-envtoken-trailing-ws-no-final-eol.conf');
    const [site] = findTokenSites(parseTelegrafConfig(text));
    assert.ok(site);
    assert.equal(text.slice(site.valueRange.end, site.valueRange.end + 5), '"  \r\n');
  });

  void test('20: the credential range is after the scheme', () => {
    const text = readFixture('20-loader-testdata-inline-table-auth-header.toml');
    const [site] = findTokenSites(parseTelegrafConfig(text));
    assert.ok(site);
    assert.equal(text.slice(site.credentialRange.start, site.credentialRange.end), '$TOKEN');
  });

  void test('07/08: secret stores with ids and types', () => {
    assert.deepEqual(
      secretStores(parseTelegrafConfig(readFixture('07-tc-dynamic-values-vault-secret.conf'))).map((s) => [s.id, s.type, s.table.line + 1]),
      [['my_vault', 'vault', 2]],
    );
    assert.deepEqual(
      secretStores(parseTelegrafConfig(readFixture('08-secretstores-docs-os-jose-chained.conf'))).map((s) => [s.id, s.type]),
      [
        ['local_secrets', 'os'],
        ['cloud_secrets', 'jose'],
      ],
    );
  });

  void test('16: the pasted influxdb_v2 block is reported as duplicated', () => {
    const groups = duplicatePlugins(parseTelegrafConfig(readFixture('16-user-full-config-duplicated-influxdb_v2-literal-token-excerpt.conf')));
    assert.deepEqual(
      groups.map((g) => g.map((t) => `${t.name}@${t.line + 1}`)),
      [['outputs.influxdb_v2@103', 'outputs.influxdb_v2@158']],
    );
  });

  void test('decoys are not sites', () => {
    const text = [
      '[agent]',
      '  heartbeat_interval = "tcp"', // no: not a token key
      '[[secretstores.vault]]',
      '  id = "v"',
      '  token = "hvs.vault-token"', // a store credential, not ours
      '  token_file = "/path/to/auth/token"',
      '[[outputs.http]]',
      '  token_url = "https://idp/oauth2/v1/token"',
      '  api_token = "x"',
      '  organization = "me@example.com"',
      '  urls = ["http://${HOST}:8086"]',
      '  template = "{{ .Token }}"',
      '  # token = "tc-apiv1_commented"',
      '  [outputs.http.status]',
      '    token = "sub-table key"',
      '',
    ].join('\n');
    assert.deepEqual(findTokenSites(parseTelegrafConfig(text)), []);
    assert.deepEqual(findControllerTokenLiterals(text), []);
  });

  void test('controller literals anywhere, and Authorization in every headers form', () => {
    const text = [
      'root = "tc-apiv1_root"',
      '[[inputs.http]]',
      '  password = "tc-apiv1_AbC-1_z"',
      '  urls = ["http://x", "tc-apiv1_inarray"]',
      '  headers = {Authorization = "Bearer tc-apiv1_hdr"}',
      '  # commented = "tc-apiv1_no"',
      '[[outputs.heartbeat]]',
      '  token = "tc-apiv1_hb"',
      '  headers.Authorization = "Token ${T}"',
      '[outputs.heartbeat.headers]',
      '  Authorization = "Bearer @{s:k}"',
      '',
    ].join('\n');
    const sites = findTokenSites(parseTelegrafConfig(text)).map((s) => [
      s.kind,
      s.key.key,
      s.classification,
      text.slice(s.credentialRange.start, s.credentialRange.end),
    ]);
    assert.deepEqual(sites, [
      ['controller-literal', 'root', 'controller-literal', 'tc-apiv1_root'],
      ['controller-literal', 'password', 'controller-literal', 'tc-apiv1_AbC-1_z'],
      ['controller-literal', 'urls', 'controller-literal', 'tc-apiv1_inarray'],
      ['authorization-header', 'Authorization', 'controller-literal', 'tc-apiv1_hdr'],
      ['token-key', 'token', 'controller-literal', 'tc-apiv1_hb'],
      ['authorization-header', 'headers.Authorization', 'env', '${T}'],
      ['authorization-header', 'Authorization', 'secret', '@{s:k}'],
    ]);
    assert.deepEqual(
      findControllerTokenLiterals(text).map((r) => text.slice(r.start, r.end)),
      ['tc-apiv1_root', 'tc-apiv1_AbC-1_z', 'tc-apiv1_inarray', 'tc-apiv1_hdr', 'tc-apiv1_hb'],
    );
  });

  void test('unquoted token values (non-strict env files) are sites', () => {
    const cfg = parseTelegrafConfig('[[outputs.heartbeat]]\n  token = ${TOKEN}\n');
    const [site] = findTokenSites(cfg);
    assert.equal(site?.quoted, false);
    assert.equal(site?.classification, 'env');
    assert.equal(site?.envVar, 'TOKEN');
  });

  void test('a literal token inside an unquoted-substitution file is found', () => {
    const text = '[[outputs.heartbeat]]\n  interval = ${I}\n  token = "tc-apiv1_x"\n';
    assert.deepEqual(
      findControllerTokenLiterals(text).map((r) => text.slice(r.start, r.end)),
      ['tc-apiv1_x'],
    );
  });
});

void describe('classifyCredential', () => {
  const cases: [string, string, Record<string, string>?][] = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['tc-apiv1_abc', 'controller-literal'],
    ['${TOKEN:-tc-apiv1_abc}', 'controller-literal', { envVar: 'TOKEN', envDefault: 'tc-apiv1_abc' }],
    ['${TELEGRAF_CONTROLLER_TOKEN}', 'env', { envVar: 'TELEGRAF_CONTROLLER_TOKEN' }],
    ['$INFLUX_TOKEN', 'env', { envVar: 'INFLUX_TOKEN' }],
    ['${T:-fallback}', 'env', { envVar: 'T', envDefault: 'fallback' }],
    ['${T-x}', 'env', { envVar: 'T', envDefault: 'x' }],
    ['${T:?missing}', 'env', { envVar: 'T' }],
    ['${T?missing}', 'env', { envVar: 'T' }],
    ['pa$$word', 'literal'],
    ['$$T', 'literal'],
    ['@{store_1:Key_2}', 'secret', { storeId: 'store_1', secretKey: 'Key_2' }],
    ['@{bad-id:key}', 'literal'],
    ['me@example.com', 'literal'],
    ['&{agent_id}', 'dynamic', { dynamicName: 'agent_id' }],
    ['&{token:default}', 'dynamic', { dynamicName: 'token' }],
    ['BUCKET_TOKEN', 'placeholder'],
    ['YOUR_TOKEN', 'placeholder'],
    ['your-token-here', 'placeholder'],
    ['<token>', 'placeholder'],
    ['changeme', 'placeholder'],
    ['xxxx', 'placeholder'],
    ['AKIAIOSFODNN7EXAMPLE', 'literal'],
    [REDACTED, 'literal'],
    ['9KXd3bIP4m0-ap0hO4hBKb8w4nYQ==', 'literal'],
  ];
  for (const [value, expected, extra] of cases) {
    void test(`${JSON.stringify(value)} -> ${expected}`, () => {
      const c = classifyCredential(value);
      assert.equal(c.classification, expected);
      for (const [k, v] of Object.entries(extra ?? {})) assert.equal((c as unknown as Record<string, unknown>)[k], v, k);
    });
  }

  void test('findEnvReferences follows compose-go syntax', () => {
    assert.deepEqual(
      findEnvReferences('a${X}b$Y $$Z ${1bad} $ ${W:-d}').map((r) => [r.name, r.operator ?? null, r.operand ?? null]),
      [
        ['X', null, null],
        ['Y', null, null],
        ['W', ':-', 'd'],
      ],
    );
  });
});

void describe('isTelegrafConfig', () => {
  const withTables = '[[inputs.cpu]]\n';
  const cases: [string, string, boolean][] = [
    ['/etc/telegraf/telegraf.conf', '', true],
    ['C:\\Program Files\\Telegraf\\telegraf.conf', '', true],
    ['/etc/telegraf/telegraf.d/outputs.conf', '', true],
    ['C:\\telegraf\\telegraf.d\\x.conf', '', true],
    ['/srv/app/agent.conf', withTables, true],
    ['/srv/app/agent.toml', '\ufeff[agent]\n', true],
    ['/srv/app/agent.toml', '  [[outputs.heartbeat]]\n', true],
    ['/srv/app/agent.conf', '# [[outputs.heartbeat]]\n', false],
    ['/srv/app/Cargo.toml', '[package]\nname = "x"\n', false],
    ['/srv/app/nginx.conf', 'server {}\n', false],
    ['/srv/app/notes.md', withTables, false],
    ['/srv/app/telegraf.d/readme.md', withTables, false],
  ];
  for (const [file, text, expected] of cases) {
    void test(`${file} ${JSON.stringify(text.slice(0, 20))} -> ${expected}`, () => assert.equal(isTelegrafConfig(file, text), expected));
  }
  void test('every fixture is recognised', () => {
    for (const name of fixtureNames()) {
      const text = readFixture(name);
      // 25 is empty: recognised by name only.
      const file = name.startsWith('25-') ? '/etc/telegraf/telegraf.conf' : `/tmp/${name}`;
      assert.equal(isTelegrafConfig(file, text), true, name);
    }
  });
});

test('storePasswordVar names the variable a jose store takes its password from', () => {
  const cfg = parseTelegrafConfig(
    '[[secretstores.jose]]\n  id = "a"\n  password = "${TELEGRAF_SECRETS_PASSWORD}"\n\n[[secretstores.jose]]\n  id = "b"\n  password = "literal"\n',
  );
  const [a, b] = secretStores(cfg);
  assert.equal(storePasswordVar(a!), 'TELEGRAF_SECRETS_PASSWORD');
  assert.equal(storePasswordVar(b!), undefined);
  const [c] = secretStores(parseTelegrafConfig('[[secretstores.jose]]\n  id = "c"\n  password = "$JOSE_PASSWORD"\n'));
  assert.equal(storePasswordVar(c!), 'JOSE_PASSWORD', 'the unbraced form too');
});

test('replacedTokenLiterals: the token values an edit removed, each once; comments and kept values are not', () => {
  const a = 'tc-apiv1_AAAAAAAAAAAAAAAAAAAA';
  const b = 'tc-apiv1_BBBBBBBBBBBBBBBBBBBB';
  const before = `# token = "${b}"\n[[outputs.heartbeat]]\n  token = "${a}"\n[[outputs.http]]\n  token = "${a}"\n`;
  assert.deepEqual(replacedTokenLiterals(before, before.replace(`token = "${a}"`, 'token = "${TELEGRAF_CONTROLLER_TOKEN}"')), []);
  assert.deepEqual(replacedTokenLiterals(before, before.replaceAll(a, '${TELEGRAF_CONTROLLER_TOKEN}')), [a]);
  assert.deepEqual(replacedTokenLiterals(before, before.replaceAll(a, b)), [a], 'the new value is not a replaced one');
  assert.deepEqual(replacedTokenLiterals('[agent]\n', '[agent]\n'), []);
});
