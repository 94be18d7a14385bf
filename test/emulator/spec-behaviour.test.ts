import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { SPOKE_SUB } from '../../src/fixtures/scenario';
import { rawRequest, testEstate, token } from './support';

/**
 * Behaviour the specs and Microsoft Learn document, each pinned to its source:
 *  - vault defaults per api-version (https://learn.microsoft.com/azure/key-vault/general/access-control-default);
 *  - the vault name pattern `^[a-zA-Z0-9-]{3,24}$` (keyvault.json VaultName);
 *  - PATCH on vaults (Vaults_Update, VaultPatchParameters);
 *  - `$top` only on operations that define it (Vaults_ListBySubscription has it, PrivateEndpoints_ListBySubscription not);
 *  - deleting a vault's private endpoint connection, or the vault, leaves the endpoint's connection Disconnected
 *    (https://learn.microsoft.com/azure/private-link/manage-private-endpoint).
 */
type Json = Record<string, unknown>;
const RG = `/subscriptions/${SPOKE_SUB}/resourceGroups/rg-payments`;
const vaultUrl = (name: string, version: string) =>
  `${RG}/providers/Microsoft.KeyVault/vaults/${name}?api-version=${version}`;
const vaultBody = {
  location: 'westeurope',
  properties: { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', sku: { family: 'A', name: 'standard' } },
};

describe('documented ARM behaviour', () => {
  let emulator: RunningEmulator;
  let bearer: string;
  let estate: Awaited<ReturnType<typeof testEstate>>;
  beforeAll(async () => {
    estate = await testEstate();
    emulator = await startEmulator({ seed: estate.resources, throttle: false, pageSize: 1 });
    bearer = await token(emulator);
  });
  afterAll(() => emulator.stop());

  const call = async (method: string, url: string, body?: unknown) => {
    const response = await rawRequest(emulator, url, { method, token: bearer, body });
    return { status: response.status, body: response.body as Json };
  };
  const rbacOf = (body: Json) => (body.properties as Json).enableRbacAuthorization;

  test.each([
    ['2025-05-01', false],
    ['2022-07-01', false],
    ['2026-02-01', true],
  ])('a vault created at %s without enableRbacAuthorization: RBAC %s', async (version, rbac) => {
    const name = `kv-default-${version.slice(0, 4)}-${version.slice(5, 7)}`;
    const created = await call('PUT', vaultUrl(name, version), vaultBody);
    expect([created.status, rbacOf(created.body)]).toEqual([201, rbac]);
    // An update without the flag keeps the vault's model, whatever the api-version.
    const updated = await call('PUT', vaultUrl(name, '2026-02-01'), vaultBody);
    expect([updated.status, rbacOf(updated.body)]).toEqual([200, rbac]);
  });

  test.each(['a_b', 'ab', 'a'.repeat(25), 'kv.dot'])('vault name %s: 400 VaultNameNotValid', async (name) => {
    const response = await call('PUT', vaultUrl(name, '2026-02-01'), vaultBody);
    expect([response.status, (response.body.error as Json).code]).toEqual([400, 'VaultNameNotValid']);
  });

  test('PATCH on a vault changes the given properties and tags, keeps the rest', async () => {
    const url = vaultUrl('kv-patched', '2026-02-01');
    await call('PUT', url, { ...vaultBody, tags: { env: 'dev' } });
    const patched = await call('PATCH', url, {
      tags: { env: 'prod' },
      properties: {
        publicNetworkAccess: 'Disabled',
        networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '1.2.3.4' }] },
      },
    });
    expect(patched.status).toBe(200);
    const properties = patched.body.properties as Json;
    expect([
      patched.body.tags,
      properties.publicNetworkAccess,
      properties.enableRbacAuthorization,
      properties.sku,
    ]).toEqual([{ env: 'prod' }, 'Disabled', true, { family: 'A', name: 'standard' }]);
    expect(properties.networkAcls).toEqual({
      bypass: 'AzureServices',
      defaultAction: 'Deny',
      ipRules: [{ value: '1.2.3.4/32' }],
      virtualNetworkRules: [],
    });
    const missing = await call('PATCH', vaultUrl('kv-nowhere', '2026-02-01'), { properties: {} });
    expect([missing.status, (missing.body.error as Json).code]).toEqual([404, 'ResourceNotFound']);
    const other = await call('PATCH', `${estate.first.ids.endpoint}?api-version=2026-01-01`, { tags: {} });
    expect(other.status).toBe(405);
  });

  test('$top pages vaults (the operation takes it) and is ignored on private endpoints (it does not)', async () => {
    const vaults = await call(
      'GET',
      `/subscriptions/${SPOKE_SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01&$top=3`,
    );
    expect((vaults.body.value as unknown[]).length).toBe(3);
    const endpoints = await call(
      'GET',
      `/subscriptions/${SPOKE_SUB}/providers/Microsoft.Network/privateEndpoints?api-version=2026-01-01&$top=3`,
    );
    // pageSize 1: $top would have made it 3.
    expect((endpoints.body.value as unknown[]).length).toBe(1);
  });

  const endpointStatus = async (endpointId: string): Promise<unknown[]> => {
    const endpoint = (await call('GET', `${endpointId}?api-version=2026-01-01`)).body.properties as Json;
    return [
      ...((endpoint.privateLinkServiceConnections as Json[]) ?? []),
      ...((endpoint.manualPrivateLinkServiceConnections as Json[]) ?? []),
    ].map((c) => ((c.properties as Json).privateLinkServiceConnectionState as Json).status);
  };

  test('deleting the connection on the vault leaves the endpoint Disconnected', async () => {
    expect(await endpointStatus(estate.first.ids.endpoint)).toEqual(['Approved']);
    const vault = (await call('GET', `${estate.first.ids.vault}?api-version=2026-02-01`)).body.properties as Json;
    const connectionId = ((vault.privateEndpointConnections as Json[])[0] as Json).id as string;
    expect((await call('DELETE', `${connectionId}?api-version=2026-02-01`)).status).toBe(200);
    expect(await endpointStatus(estate.first.ids.endpoint)).toEqual(['Disconnected']);
  });

  test('deleting the vault leaves its endpoints Disconnected', async () => {
    expect(await endpointStatus(estate.second.ids.endpoint)).toEqual(['Approved']);
    expect((await call('DELETE', `${estate.second.ids.vault}?api-version=2026-02-01`)).status).toBe(200);
    expect(await endpointStatus(estate.second.ids.endpoint)).toEqual(['Disconnected']);
  });
});
