import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { operationOf } from '../../src/collect/operations';
import { RequestLedger, durationMs, graphQuotaPolicy, ledgerPolicy } from '../../src/collect/policies';
import { createLimiter } from '../../src/collect/pool';

const BASE = 'https://management.azure.com';
const SUB = '/subscriptions/22222222-2222-2222-2222-222222222222';

function headers(values: Record<string, string>): PipelineResponse['headers'] {
  const lower = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name: string) => lower[name.toLowerCase()] } as unknown as PipelineResponse['headers'];
}
function request(url: string, requestId = 'r1'): PipelineRequest {
  return { url, method: 'GET', requestId } as unknown as PipelineRequest;
}
function response(status: number, extra: Record<string, string> = {}, bodyAsText?: string): PipelineResponse {
  return { status, headers: headers(extra), bodyAsText } as unknown as PipelineResponse;
}

describe('operationOf', () => {
  it.each([
    [`${SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`, 'KeyVault.vaults.listBySubscription'],
    [
      `${SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01&$skiptoken=abc`,
      'KeyVault.vaults.listBySubscription',
    ],
    [
      `${SUB}/providers/Microsoft.KeyVault/managedHSMs?api-version=2026-02-01`,
      'KeyVault.managedHsms.listBySubscription',
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A?api-version=2024-06-01`,
      'PrivateDns.recordSets.listByType',
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe/privateDnsZoneGroups?api-version=2026-01-01`,
      'Network.privateDnsZoneGroups.list',
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v?api-version=2026-01-01`,
      'Network.virtualNetworks.get',
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview`,
      'Monitor.diagnosticSettings.list',
    ],
    [
      `${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=assignedTo('x')`,
      'Authorization.roleAssignments.listForSubscription',
    ],
    [
      `${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6?api-version=2022-04-01`,
      'Authorization.roleDefinitions.getById',
    ],
    [
      `/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6?api-version=2022-04-01`,
      'Authorization.roleDefinitions.getById',
    ],
    [`${SUB}/resourcegroups/rg/providers/microsoft.web/sites/s?api-version=1`, 'GET microsoft.web/sites/s'],
  ])('%s → %s', (path, expected) => {
    expect(operationOf('GET', `${BASE}${path}`)).toBe(expected);
  });
});

describe('ledgerPolicy', () => {
  it('counts attempts by operation, retries of the same request and 429s, and keeps ARM bodies by id', async () => {
    const ledger = new RequestLedger();
    const policy = ledgerPolicy(ledger);
    const url = `${BASE}${SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`;
    const page = JSON.stringify({
      value: [
        {
          id: `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/KV1`,
          name: 'KV1',
          type: 'Microsoft.KeyVault/vaults',
          properties: { a: 1 },
        },
      ],
    });
    await policy.sendRequest(request(url), async () => response(429));
    await policy.sendRequest(request(url), async () => response(200, {}, page));
    await policy.sendRequest(request(url, 'r2'), async () => response(200, {}, 'not json'));
    expect(ledger.requests).toEqual({ 'KeyVault.vaults.listBySubscription': 3 });
    expect(ledger.retried).toBe(1);
    expect(ledger.throttled).toBe(1);
    expect(ledger.bodyOf(`${SUB}/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv1`)?.properties).toEqual({
      a: 1,
    });
  });
});

describe('createLimiter', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const limiter = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, (i % 3) + 1));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('graphQuotaPolicy (Resource Graph: 15 queries per 5 s per user)', () => {
  const settings = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };
  const post = {
    url: `${BASE}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`,
    method: 'POST',
    requestId: 'q',
  } as unknown as PipelineRequest;

  it('reads hh:mm:ss', () => {
    expect([
      durationMs('00:00:04'),
      durationMs('01:02:03'),
      durationMs('00:00:00.5'),
      durationMs('soon'),
      durationMs(undefined),
    ]).toEqual([4000, 3723000, 500, undefined, undefined]);
    expect(operationOf('POST', post.url)).toBe('ResourceGraph.resources');
  });

  it('starts no more than the quota in any window, and waits out x-ms-user-quota-resets-after on a 429', async () => {
    let clock = 0;
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      clock += ms;
    };
    const policy = graphQuotaPolicy(settings, { queries: 2, windowMs: 5000 }, sleep, () => clock);
    const sent: number[] = [];
    const ok = async () => (
      sent.push(clock),
      response(200, { 'x-ms-user-quota-remaining': '9', 'x-ms-user-quota-resets-after': '00:00:05' })
    );
    for (let i = 0; i < 3; i++) await policy.sendRequest(post, ok);
    expect(sent).toEqual([0, 0, 5000]);
    let answers = [
      response(429, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:03' }),
      response(200),
    ];
    const throttledOnce = async () => (sent.push(clock), answers.shift() ?? response(500));
    expect((await policy.sendRequest(post, throttledOnce)).status).toBe(200);
    expect(sent.slice(3)).toEqual([5000, 10000]);
    answers = Array.from({ length: 5 }, () =>
      response(429, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:01' }),
    );
    expect((await policy.sendRequest(post, throttledOnce)).status).toBe(429);
    expect(slept.every((ms) => ms > 0)).toBe(true);
  });
});
