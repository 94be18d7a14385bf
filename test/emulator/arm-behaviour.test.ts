import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { HUB_SUB, SPOKE_SUB, VAULT_ZONE } from '../../src/fixtures/scenario';
import { rawRequest, testEstate, token } from './support';
import { TestClock } from '../support/clock';

/** ARM's contract as a client sees it on the wire: api-version, paging, ids, errors, 401, throttling headers. */
const KV = '2026-02-01';
const vaultsOf = (sub: string): string => `/subscriptions/${sub}/providers/Microsoft.KeyVault/vaults`;

describe('ARM behaviour', () => {
  let emulator: RunningEmulator;
  let bearer: string;
  let estate: Awaited<ReturnType<typeof testEstate>>;

  beforeAll(async () => {
    estate = await testEstate();
    emulator = await startEmulator({
      seed: estate.resources,
      pageSize: 1,
      throttle: { bucketSize: 1000, refillPerSecond: 100 },
      // A clock that stands still: no refill between two requests on a slow, loaded machine.
      clock: new TestClock(),
    });
    bearer = await token(emulator);
  });
  afterAll(() => emulator.stop());

  test('no Authorization header: 401 AuthenticationFailed with the Bearer challenge of ARM', async () => {
    const response = await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`);
    expect(response.status).toBe(401);
    // ARM's challenge as azure-sdk-for-go's azcore tests quote it (sdk/azcore/runtime/policy_bearer_token_test.go).
    expect(response.headers['www-authenticate']).toBe(
      'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
    );
    expect(response.body).toEqual({
      error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." },
    });
  });

  test('a tampered token: 401 InvalidAuthenticationToken', async () => {
    const response = await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`, {
      token: `${bearer.slice(0, -2)}xx`,
    });
    expect([response.status, (response.body as { error: { code: string } }).error.code]).toEqual([
      401,
      'InvalidAuthenticationToken',
    ]);
  });

  test('api-version is required, and must be one the route serves', async () => {
    expect((await rawRequest(emulator, vaultsOf(SPOKE_SUB), { token: bearer })).body).toEqual({
      error: {
        code: 'MissingApiVersionParameter',
        message: 'The api-version query parameter (?api-version=) is required for all requests.',
      },
    });
    // Every published version is served: 2022-07-01 is what Microsoft's Python azure-mgmt-keyvault 10 sends.
    for (const published of ['2022-07-01', '2019-09-01', '2015-06-01', '2021-06-01-preview'])
      expect([
        published,
        (await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${published}`, { token: bearer })).status,
      ]).toEqual([published, 200]);
    // A well-formed version the type was never published at: the provider lookup fails (ARM's message, as
    // quoted in public error reports: "No registered resource provider found for location … and API version …
    // for type …. The supported api-versions are …").
    const unpublished = await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=2019-09-02`, { token: bearer });
    expect(unpublished.status).toBe(400);
    const error = (unpublished.body as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('NoRegisteredProviderFound');
    expect(error.message).toMatch(
      /^No registered resource provider found for location 'global' and API version '2019-09-02' for type 'vaults'\. The supported api-versions are '2026-02-01, .*, 2015-06-01'\.$/,
    );
    const malformed = await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=latest`, { token: bearer });
    expect([malformed.status, (malformed.body as { error: { code: string } }).error.code]).toEqual([
      400,
      'InvalidApiVersionParameter',
    ]);
  });

  test('lists page with absolute nextLinks on the server base, honouring $top', async () => {
    const first = await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`, { token: bearer });
    const page = first.body as { value: { name: string }[]; nextLink?: string };
    expect(page.value.map((v) => v.name)).toEqual(['kv-payments-prod']);
    expect(page.nextLink?.startsWith(`${emulator.endpoint}${vaultsOf(SPOKE_SUB)}?api-version=${KV}&$skiptoken=`)).toBe(
      true,
    );
    const second = (await rawRequest(emulator, page.nextLink ?? '', { token: bearer })).body as {
      value: { name: string }[];
      nextLink?: string;
    };
    expect(second).toEqual({ value: [expect.objectContaining({ name: 'kv-orders-prod' })] });
    const all = (await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}&$top=5`, { token: bearer }))
      .body as { value: unknown[]; nextLink?: string };
    expect([all.value.length, all.nextLink]).toEqual([2, undefined]);
  });

  test('ids and routes are case-insensitive; the stored casing comes back', async () => {
    const shouted = estate.first.ids.vault
      .toUpperCase()
      .replace('/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/', '/providers/microsoft.keyvault/VAULTS/');
    const response = await rawRequest(emulator, `${shouted}?api-version=${KV}`, { token: bearer });
    expect([response.status, (response.body as { id: string }).id]).toEqual([200, estate.first.ids.vault]);
  });

  test('404s name what is missing: resource, resource group, subscription, parent', async () => {
    const code = async (path: string): Promise<[number, string]> => {
      const response = await rawRequest(emulator, path, { token: bearer });
      return [response.status, (response.body as { error: { code: string } }).error.code];
    };
    const rg = `/subscriptions/${SPOKE_SUB}/resourceGroups/rg-payments`;
    expect(await code(`${rg}/providers/Microsoft.KeyVault/vaults/kv-missing?api-version=${KV}`)).toEqual([
      404,
      'ResourceNotFound',
    ]);
    expect(
      await code(
        `/subscriptions/${SPOKE_SUB}/resourceGroups/rg-missing/providers/Microsoft.KeyVault/vaults/kv-payments-prod?api-version=${KV}`,
      ),
    ).toEqual([404, 'ResourceGroupNotFound']);
    expect(await code(`${vaultsOf('99999999-9999-9999-9999-999999999999')}?api-version=${KV}`)).toEqual([
      404,
      'SubscriptionNotFound',
    ]);
    expect(
      await code(
        `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.nope.net/A?api-version=2024-06-01`,
      ),
    ).toEqual([404, 'ParentResourceNotFound']);
    expect(await code(`${rg}/providers/Microsoft.KeyVault/widgets?api-version=${KV}`)).toEqual([
      404,
      'InvalidResourceType',
    ]);
    const missing = await rawRequest(
      emulator,
      `${rg}/providers/Microsoft.KeyVault/vaults/kv-missing?api-version=${KV}`,
      { token: bearer },
    );
    expect(missing.body).toEqual({
      error: {
        code: 'ResourceNotFound',
        message:
          "The Resource 'Microsoft.KeyVault/vaults/kv-missing' under resource group 'rg-payments' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
      },
    });
  });

  test('every answer carries x-ms-ratelimit-remaining-subscription-reads, counting down per subscription', async () => {
    const a = await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`, { token: bearer });
    const b = await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`, { token: bearer });
    const remainingA = Number(a.headers['x-ms-ratelimit-remaining-subscription-reads']);
    const remainingB = Number(b.headers['x-ms-ratelimit-remaining-subscription-reads']);
    expect(remainingA).toBeGreaterThan(0);
    expect(remainingB).toBeLessThanOrEqual(remainingA);
    const hub = await rawRequest(
      emulator,
      `/subscriptions/${HUB_SUB}/providers/Microsoft.Network/privateDnsZones?api-version=2024-06-01`,
      { token: bearer },
    );
    expect(Number(hub.headers['x-ms-ratelimit-remaining-subscription-reads'])).toBeGreaterThan(remainingB);
    expect(hub.headers['x-ms-ratelimit-remaining-subscription-resource-requests']).toBeDefined();
  });

  test('the generic resource list (Vaults.list in arm-keyvault) answers ids without properties', async () => {
    const response = await rawRequest(
      emulator,
      `/subscriptions/${SPOKE_SUB}/resources?$filter=resourceType eq 'Microsoft.KeyVault/vaults'&api-version=2015-11-01&$top=10`,
      { token: bearer },
    );
    expect((response.body as { value: object[] }).value).toEqual([
      {
        id: estate.first.ids.vault,
        name: 'kv-payments-prod',
        type: 'Microsoft.KeyVault/vaults',
        location: 'westeurope',
        tags: {},
      },
      {
        id: estate.second.ids.vault,
        name: 'kv-orders-prod',
        type: 'Microsoft.KeyVault/vaults',
        location: 'westeurope',
        tags: {},
      },
    ]);
  });

  test('requests are counted by operation', async () => {
    const counts = emulator.requestCounts();
    expect(counts['GET Microsoft.KeyVault/vaults (get)']).toBeGreaterThanOrEqual(1);
    expect(counts['GET Microsoft.Network/privateDnsZones (list)']).toBe(1);
    expect(counts['GET Microsoft.Resources/resources (list)']).toBe(1);
  });
});

describe('throttling on the wire', () => {
  test('an empty read bucket answers 429 SubscriptionRequestsThrottled with Retry-After, per principal', async () => {
    const estate = await testEstate();
    // The emulator's clock stands still: no refill between requests however slowly the machine runs them.
    const emulator = await startEmulator({
      seed: estate.resources,
      throttle: { bucketSize: 2, refillPerSecond: 0.5 },
      clock: new TestClock(),
    });
    try {
      const [alice, bob] = [
        await token(emulator, '00000000-0000-0000-0000-00000000000a'),
        await token(emulator, '00000000-0000-0000-0000-00000000000b'),
      ];
      const path = `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await rawRequest(emulator, path, { token: alice })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const throttled = await rawRequest(emulator, path, { token: alice });
      expect(throttled.headers['retry-after']).toBe('2');
      expect(throttled.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('0');
      expect((throttled.body as { error: { code: string } }).error.code).toBe('SubscriptionRequestsThrottled');
      expect((await rawRequest(emulator, path, { token: bob })).status).toBe(200);
    } finally {
      await emulator.stop();
    }
  });

  test('private DNS allows a fixed number of GETs per 5 minutes per subscription', async () => {
    const estate = await testEstate();
    const emulator = await startEmulator({
      seed: estate.resources,
      throttle: { bucketSize: 100, refillPerSecond: 10, privateDnsGetsPer5Min: 2 },
      clock: new TestClock(),
    });
    try {
      const bearer = await token(emulator);
      const zone = `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/${VAULT_ZONE}?api-version=2024-06-01`;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await rawRequest(emulator, zone, { token: bearer })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const last = await rawRequest(emulator, zone, { token: bearer });
      // Time stood still: the first GET leaves the 5-minute window in exactly 300 s.
      expect(last.headers['retry-after']).toBe('300');
      // Other providers are not affected by the DNS quota.
      expect((await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`, { token: bearer })).status).toBe(
        200,
      );
    } finally {
      await emulator.stop();
    }
  });
});

describe('latency', () => {
  test('every ARM answer is held back by latencyMs (a number, or a min-max range)', async () => {
    const estate = await testEstate();
    for (const latencyMs of [120, { min: 120, max: 140 }]) {
      const clock = new TestClock();
      const emulator = await startEmulator({ seed: estate.resources, throttle: false, latencyMs, clock });
      try {
        const bearer = await token(emulator);
        expect((await rawRequest(emulator, `${vaultsOf(SPOKE_SUB)}?api-version=${KV}`, { token: bearer })).status).toBe(
          200,
        );
        // The wait goes through the emulator's clock (no wall time in the test): one wait, of the asked length.
        expect(clock.sleeps).toHaveLength(1);
        expect(clock.sleeps[0]).toBeGreaterThanOrEqual(120);
        expect(clock.sleeps[0]).toBeLessThanOrEqual(typeof latencyMs === 'number' ? 120 : 140);
      } finally {
        await emulator.stop();
      }
    }
  });
});
