import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate, parseQuery, KqlError } from '../../src/emulator/kql';
import { graphQuery, graphRow } from '../../src/emulator/graph';
import { ResourceStore } from '../../src/emulator/store';
import { healthyPath } from '../../src/fixtures/scenario';
import type { JsonObject } from '../../src/model/arm';
import { startEmulator } from '../../src/emulator';
import { issueToken } from '../../src/emulator/identity';
import { ARM_EXAMPLES } from '../support/arm-examples';
import { TestClock } from '../support/clock';

/** The emulator's Resource Graph: a KQL subset parsed and evaluated (never matched on text), ARG's paging and quota. */
const rows: JsonObject[] = [
  {
    id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a',
    name: 'kv-a',
    type: 'microsoft.keyvault/vaults',
    location: 'westeurope',
    properties: { publicNetworkAccess: 'Disabled', sku: { name: 'standard' } },
  },
  {
    id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-b',
    name: 'kv-b',
    type: 'microsoft.keyvault/vaults',
    location: 'northeurope',
    properties: { publicNetworkAccess: 'Enabled' },
  },
  {
    id: '/subscriptions/s2/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/pe-kv-a',
    name: 'pe-kv-a',
    type: 'microsoft.network/privateendpoints',
    location: 'westeurope',
    properties: {},
  },
];
const names = (query: string): unknown[] => evaluate(parseQuery(query), rows).map((r) => r.name);

describe('KQL subset', () => {
  it('where: == is case-sensitive, =~ and in~ are not; and / or / not / parentheses', () => {
    expect(names("resources | where type == 'Microsoft.KeyVault/vaults'")).toEqual([]);
    expect(names("resources | where type =~ 'Microsoft.KeyVault/vaults'")).toEqual(['kv-a', 'kv-b']);
    expect(names("resources | where type in~ ('MICROSOFT.NETWORK/PRIVATEENDPOINTS', 'x')")).toEqual(['pe-kv-a']);
    expect(names("resources | where type in ('MICROSOFT.NETWORK/PRIVATEENDPOINTS')")).toEqual([]);
    expect(
      names(
        "resources | where type =~ 'microsoft.keyvault/vaults' and (location == 'northeurope' or name == 'nothing')",
      ),
    ).toEqual(['kv-b']);
    expect(names("resources | where not(type =~ 'microsoft.keyvault/vaults')")).toEqual(['pe-kv-a']);
    expect(names("resources | where type !in~ ('microsoft.keyvault/vaults')")).toEqual(['pe-kv-a']);
  });

  it('has matches whole terms, startswith / endswith / contains ignore case; nested properties by path', () => {
    expect(names("resources | where id has 'ault'")).toEqual([]);
    expect(names("resources | where id has 'VAULTS'")).toEqual(['kv-a', 'kv-b']);
    expect(names("resources | where id has 'kv-a'")).toEqual(['kv-a', 'pe-kv-a']);
    expect(names("resources | where id startswith '/SUBSCRIPTIONS/S2/'")).toEqual(['pe-kv-a']);
    expect(names("resources | where name endswith '-B'")).toEqual(['kv-b']);
    expect(names("resources | where properties.publicNetworkAccess == 'Enabled'")).toEqual(['kv-b']);
    expect(names("resources | where properties['sku'].name =~ 'STANDARD'")).toEqual(['kv-a']);
    expect(names("resources | where properties.missing != 'x'")).toEqual(['kv-a', 'kv-b', 'pe-kv-a']);
  });

  it('project, extend, order by (descending unless asc), limit / take', () => {
    expect(
      evaluate(parseQuery('resources | project name, where = location | order by name desc | take 2'), rows),
    ).toEqual([
      { name: 'pe-kv-a', where: 'westeurope' },
      { name: 'kv-b', where: 'northeurope' },
    ]);
    expect(
      evaluate(
        parseQuery(
          'resources | extend access = properties.publicNetworkAccess | order by location asc, name | limit 1 | project name, access',
        ),
        rows,
      ),
    ).toEqual([{ name: 'kv-b', access: 'Enabled' }]);
    expect(names('resources | order by name')).toEqual(['pe-kv-a', 'kv-b', 'kv-a']);
  });

  it('refuses what it does not parse with the position, as ARG answers InvalidQuery', () => {
    expect(() => parseQuery('securityresources')).toThrow(
      new KqlError("unknown table 'securityresources' (this emulator serves resources and dnsresources)"),
    );
    expect(() => parseQuery('resources | summarize count()')).toThrow(
      new KqlError("unsupported operator 'summarize' at position 12"),
    );
    expect(() => parseQuery("resources | where name matches regex 'x'")).toThrow(
      new KqlError("unsupported operator 'matches' at position 23"),
    );
    expect(() => parseQuery("resources | where name == 'x")).toThrow(
      new KqlError('unterminated string literal at position 26'),
    );
  });
});

describe('POST /providers/Microsoft.ResourceGraph/resources', () => {
  const store = new ResourceStore(healthyPath().resources);
  const ask = (body: object): JsonObject => graphQuery(store, JSON.stringify(body));

  it('answers ARG rows: lower-cased type, resourceGroup and subscriptionId columns, the ARM properties', () => {
    const answer = ask({
      query: "resources | where type =~ 'microsoft.keyvault/vaults'",
      subscriptions: ['22222222-2222-2222-2222-222222222222'],
    });
    const vault = healthyPath().resources.find((r) => r.type === 'Microsoft.KeyVault/vaults');
    expect(answer).toMatchObject({ totalRecords: 1, count: 1, resultTruncated: 'false', facets: [] });
    expect(answer.data).toEqual([vault && graphRow(vault)]);
    expect((answer.data as JsonObject[])[0]).toMatchObject({
      type: 'microsoft.keyvault/vaults',
      resourceGroup: 'rg-payments',
      subscriptionId: '22222222-2222-2222-2222-222222222222',
    });
  });

  it('resources holds links but not zone groups or diagnostic settings; dnsresources holds the A records', () => {
    const types = (table: string): unknown[] =>
      [
        ...new Set(
          (ask({ query: `${table} | project type`, options: { $top: 1000 } }).data as JsonObject[]).map((r) => r.type),
        ),
      ].sort();
    expect(types('resources')).toEqual([
      'microsoft.keyvault/vaults',
      'microsoft.network/networkinterfaces',
      'microsoft.network/privatednszones',
      'microsoft.network/privatednszones/virtualnetworklinks',
      'microsoft.network/privateendpoints',
      'microsoft.network/virtualnetworks',
    ]);
    expect(types('dnsresources')).toEqual(['microsoft.network/privatednszones/a']);
  });

  it('pages with $skipToken in the body, $top rows at a time, and only for the same query', () => {
    const query = 'resources | project id | order by id asc';
    const first = ask({ query, options: { $top: 3 } });
    expect(first).toMatchObject({ totalRecords: 8, count: 3 });
    const second = ask({ query, options: { $top: 3, $skipToken: first.$skipToken } });
    const third = ask({ query, options: { $top: 3, $skipToken: second.$skipToken } });
    expect(third.$skipToken).toBeUndefined();
    const ids = [first, second, third].flatMap((page) => (page.data as JsonObject[]).map((r) => r.id));
    expect(ids).toEqual((ask({ query, options: { $top: 1000 } }).data as JsonObject[]).map((r) => r.id));
    expect(() => ask({ query: 'resources', options: { $skipToken: first.$skipToken } })).toThrow(
      /The \$skipToken '.+' is invalid for this query/,
    );
    expect(() => ask({ query, options: { $top: 1001 } })).toThrow('options.$top must be between 1 and 1000.');
  });

  it('over HTTPS: 15 queries per 5 s per user, then 429 RateLimiting with x-ms-user-quota-resets-after; 400 InvalidQuery', async () => {
    // The emulator's clock stands still: the 16 queries fall in one 5-second window however slow the machine.
    const emulator = await startEmulator({ seed: healthyPath().resources, clock: new TestClock() });
    try {
      const token = issueToken('https://management.azure.com/', '3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f').accessToken;
      const post = async (query: string) => {
        const url = `${emulator.endpoint}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`;
        return fetchWithCa(url, emulator.caCertPem, token, JSON.stringify({ query }));
      };
      const answers = [];
      for (let i = 0; i < 16; i++) answers.push(await post('resources | limit 1'));
      expect(answers.slice(0, 15).map((a) => a.status)).toEqual(Array(15).fill(200));
      expect(answers[0]?.headers['x-ms-user-quota-remaining']).toBe('14');
      expect(answers[15]).toMatchObject({ status: 429, body: { error: { code: 'RateLimiting' } } });
      expect(answers[15]?.headers['x-ms-user-quota-remaining']).toBe('0');
      expect(answers[15]?.headers['x-ms-user-quota-resets-after']).toBe('00:00:05');
      expect(emulator.requestCounts()['POST Microsoft.ResourceGraph/resources']).toBe(16);
    } finally {
      await emulator.stop();
    }
    const unthrottled = await startEmulator({ seed: healthyPath().resources, throttle: false });
    try {
      const token = issueToken('https://management.azure.com/', '3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f').accessToken;
      const bad = await fetchWithCa(
        `${unthrottled.endpoint}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`,
        unthrottled.caCertPem,
        token,
        JSON.stringify({ query: 'resources | where' }),
      );
      expect(bad.status).toBe(400);
      expect((bad.body as { error: { message: string } }).error.message).toMatch(
        /InvalidQuery: the query ends too early$/,
      );
    } finally {
      await unthrottled.stop();
    }
  });
});

async function fetchWithCa(
  url: string,
  ca: string,
  token: string,
  body: string,
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'POST', ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers as Record<string, string>,
            body: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

test('the ARG examples in test/fixtures/arm-examples page the way the emulator does ($skipToken in request options and response)', () => {
  const dir = path.join(ARM_EXAMPLES, 'Microsoft.ResourceGraph', '2024-04-01');
  const next = JSON.parse(fs.readFileSync(path.join(dir, 'ResourcesNextPageQuery.json'), 'utf8')) as {
    parameters: { query: { options: Record<string, unknown> } };
    responses: { 200: { body: Record<string, unknown> } };
  };
  expect(Object.keys(next.parameters.query.options)).toContain('$skipToken');
  expect(Object.keys(next.responses[200].body)).toEqual(
    expect.arrayContaining(['totalRecords', 'count', 'data', '$skipToken']),
  );
});
