import type { NetworkManagementClient } from '@azure/arm-network';
import type { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { SPOKE_SUB } from '../../src/fixtures/scenario';
import type { RunningEmulator } from '../../src/emulator';
import { clientOptions, credential, emulatorWithIdentity, rawRequest, testEstate, token } from './support';

/**
 * Asynchronous PUT and DELETE as ARM runs them for Network and Private DNS
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations): the first answer
 * carries Azure-AsyncOperation (and Location for a DELETE), the resource reads Updating/Deleting until the
 * operation is polled to its end, and the SDKs' own pollers (core-lro) drive it to the final state.
 */
type Json = Record<string, unknown>;
const RG = `/subscriptions/${SPOKE_SUB}/resourceGroups/rg-payments`;
const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-async`;
const NET = '2026-01-01';

describe('long-running operations', () => {
  let emulator: RunningEmulator;
  let bearer: string;
  let network: NetworkManagementClient;
  let dns: PrivateDnsManagementClient;
  beforeAll(async () => {
    const estate = await testEstate();
    emulator = await emulatorWithIdentity(estate.resources, { asyncPolls: 2 });
    bearer = await token(emulator);
    const { NetworkManagementClient } = await import('@azure/arm-network');
    const { PrivateDnsManagementClient } = await import('@azure/arm-privatedns');
    network = new NetworkManagementClient(await credential(), SPOKE_SUB, clientOptions(emulator));
    dns = new PrivateDnsManagementClient(await credential(), SPOKE_SUB, clientOptions(emulator));
  });
  afterAll(() => emulator.stop());

  const call = async (method: string, url: string, body?: unknown) => {
    const response = await rawRequest(emulator, url, { method, token: bearer, body });
    return { status: response.status, headers: response.headers, body: response.body as Json };
  };
  const state = async (id: string) =>
    ((await call('GET', `${id}?api-version=${NET}`)).body.properties as Json)?.provisioningState;

  test('PUT: 201 Updating with Azure-AsyncOperation; InProgress, then Succeeded on poll; then the resource reads Succeeded', async () => {
    const put = await call('PUT', `${VNET}?api-version=${NET}`, {
      location: 'westeurope',
      properties: { addressSpace: { addressPrefixes: ['10.50.0.0/16'] } },
    });
    expect(put.status).toBe(201);
    expect((put.body.properties as Json).provisioningState).toBe('Updating');
    const operationUrl = String(put.headers['azure-asyncoperation']);
    expect(operationUrl).toMatch(
      new RegExp(
        `^${emulator.endpoint}/subscriptions/${SPOKE_SUB}/providers/Microsoft.Network/locations/[a-z]+/operations/[0-9a-f-]{36}\\?api-version=${NET}$`,
      ),
    );
    expect(await state(VNET)).toBe('Updating');
    expect((await call('GET', operationUrl)).body.status).toBe('InProgress');
    expect(await state(VNET)).toBe('Updating');
    const done = await call('GET', operationUrl);
    expect([done.body.status, typeof done.body.endTime]).toEqual(['Succeeded', 'string']);
    expect(await state(VNET)).toBe('Succeeded');
  });

  test('DELETE: 202 with Azure-AsyncOperation and Location; Deleting until done; Location answers 202 then 204', async () => {
    const deleted = await call('DELETE', `${VNET}?api-version=${NET}`);
    expect(deleted.status).toBe(202);
    const location = String(deleted.headers.location);
    expect(location).toContain('/operationResults/');
    expect(await state(VNET)).toBe('Deleting');
    expect((await call('GET', location)).status).toBe(202);
    expect((await call('GET', location)).status).toBe(204);
    expect((await call('GET', `${VNET}?api-version=${NET}`)).status).toBe(404);
    // Nothing to delete: 204 at once, no operation.
    const again = await call('DELETE', `${VNET}?api-version=${NET}`);
    expect([again.status, again.headers['azure-asyncoperation']]).toEqual([204, undefined]);
  });

  test('a delete the service refuses fails the operation, not the request', async () => {
    const subnet = (await testEstate()).first.ids.spokeSubnet;
    const vnet = subnet.split('/subnets/')[0] ?? '';
    const deleted = await call('DELETE', `${vnet}?api-version=${NET}`);
    expect(deleted.status).toBe(202);
    const operationUrl = String(deleted.headers['azure-asyncoperation']);
    await call('GET', operationUrl);
    const failed = await call('GET', operationUrl);
    expect([failed.body.status, (failed.body.error as Json).code]).toEqual(['Failed', 'InUseSubnetCannotBeDeleted']);
    expect(await state(vnet)).toBe('Succeeded');
  });

  test("the SDKs' pollers: arm-network and arm-privatedns create and delete through their operations", async () => {
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait('rg-payments', 'vnet-sdk', {
      location: 'westeurope',
      addressSpace: { addressPrefixes: ['10.60.0.0/16'] },
    });
    expect(vnet.provisioningState).toBe('Succeeded');
    const zone = await dns.privateZones.beginCreateOrUpdateAndWait('rg-payments', 'async.example.com', {
      location: 'global',
    });
    expect([zone.provisioningState, zone.numberOfRecordSets]).toEqual(['Succeeded', 1]);
    await network.virtualNetworks.beginDeleteAndWait('rg-payments', 'vnet-sdk');
    await expect(network.virtualNetworks.get('rg-payments', 'vnet-sdk')).rejects.toMatchObject({ statusCode: 404 });
    await dns.privateZones.beginDeleteAndWait('rg-payments', 'async.example.com');
    await expect(dns.privateZones.get('rg-payments', 'async.example.com')).rejects.toMatchObject({ statusCode: 404 });
    // Each of the four operations was polled until done (asyncPolls 2: InProgress, then Succeeded).
    expect(emulator.requestCounts()['GET (long-running operation)']).toBeGreaterThanOrEqual(8);
  });
});
