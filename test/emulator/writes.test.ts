import type { RunningEmulator } from '../../src/emulator';
import { healthyPath, remove, SPOKE_SUB, VAULT_ZONE, type Path } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';
import { clientOptions, credential, emulatorWithIdentity, rawRequest, token } from './support';

/** PUT / DELETE with ARM's side effects: the endpoint's NIC and address, the vault's connection, the zone group's A record. */
const RG = 'rg-payments';
const VAULT = 'kv-payments-prod';

function withoutEndpoint(path: Path): ArmResource[] {
  let resources = path.resources;
  for (const id of [path.ids.endpoint, path.ids.nic, path.ids.zoneGroup, path.ids.record])
    resources = remove(resources, id);
  return resources.map((r) =>
    r.id === path.ids.vault ? { ...r, properties: { ...r.properties, privateEndpointConnections: [] } } : r,
  );
}

describe('PUT and DELETE', () => {
  let emulator: RunningEmulator;
  let path: Path;
  let network: import('@azure/arm-network').NetworkManagementClient;
  let keyVault: import('@azure/arm-keyvault').KeyVaultManagementClient;
  let dns: import('@azure/arm-privatedns').PrivateDnsManagementClient;

  beforeAll(async () => {
    path = healthyPath();
    emulator = await emulatorWithIdentity(withoutEndpoint(path));
    const cred = await credential();
    const { NetworkManagementClient } = await import('@azure/arm-network');
    const { KeyVaultManagementClient } = await import('@azure/arm-keyvault');
    const { PrivateDnsManagementClient } = await import('@azure/arm-privatedns');
    network = new NetworkManagementClient(cred, SPOKE_SUB, clientOptions(emulator));
    keyVault = new KeyVaultManagementClient(cred, SPOKE_SUB, clientOptions(emulator));
    dns = new PrivateDnsManagementClient(cred, path.ids.zone.split('/')[2] ?? '', clientOptions(emulator));
  });
  afterAll(() => emulator.stop());

  const endpointBody = (manual: boolean) => ({
    location: 'westeurope',
    subnet: { id: path.ids.spokeSubnet },
    [manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections']: [
      {
        name: 'to-vault',
        privateLinkServiceId: path.ids.vault,
        groupIds: ['vault'],
        requestMessage: manual ? 'please' : undefined,
      },
    ],
  });

  test('a private endpoint PUT creates its NIC on the first free address and an Approved connection on the vault', async () => {
    const endpoint = await network.privateEndpoints.beginCreateOrUpdateAndWait(RG, 'pe-auto', endpointBody(false));
    expect(endpoint.provisioningState).toBe('Succeeded');
    expect(endpoint.customDnsConfigs).toEqual([{ fqdn: `${VAULT}.vault.azure.net`, ipAddresses: ['10.1.1.4'] }]);
    expect(endpoint.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe('Approved');
    const nicId = endpoint.networkInterfaces?.[0]?.id ?? '';
    expect(nicId).toMatch(
      new RegExp(
        `^/subscriptions/${SPOKE_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/pe-auto\\.nic\\.[0-9a-f]{8}$`,
      ),
    );
    const nic = await network.networkInterfaces.get(RG, nicId.split('/').pop() ?? '');
    expect(nic.privateEndpoint?.id).toBe(endpoint.id);
    expect(nic.ipConfigurations?.[0]?.privateIPAddress).toBe('10.1.1.4');
    expect(nic.ipConfigurations?.[0]?.privateLinkConnectionProperties).toEqual({
      groupId: 'vault',
      requiredMemberName: 'default',
      fqdns: [`${VAULT}.vault.azure.net`],
    });
    const vault = await keyVault.vaults.get(RG, VAULT);
    expect(
      vault.properties.privateEndpointConnections?.map((c) => [
        c.privateEndpoint?.id,
        c.privateLinkServiceConnectionState?.status,
      ]),
    ).toEqual([[endpoint.id, 'Approved']]);
  });

  test('a manual connection is Pending on both sides, takes the next address, and follows the vault owner approval', async () => {
    const endpoint = await network.privateEndpoints.beginCreateOrUpdateAndWait(RG, 'pe-manual', endpointBody(true));
    expect(endpoint.customDnsConfigs?.[0]?.ipAddresses).toEqual(['10.1.1.5']);
    expect(endpoint.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState).toEqual({
      status: 'Pending',
      description: 'please',
      actionsRequired: 'None',
    });
    const vault = await keyVault.vaults.get(RG, VAULT);
    const connection = vault.properties.privateEndpointConnections?.find((c) => c.privateEndpoint?.id === endpoint.id);
    expect(connection?.privateLinkServiceConnectionState?.status).toBe('Pending');
    const connectionName = connection?.id?.split('/').pop() ?? '';
    await keyVault.privateEndpointConnections.put(RG, VAULT, connectionName, {
      privateLinkServiceConnectionState: { status: 'Approved', description: 'ok by owner' },
    });
    const approved = await network.privateEndpoints.get(RG, 'pe-manual');
    expect(approved.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe(
      'Approved',
    );
  });

  test('a DNS zone group PUT writes the A record named after the vault with the NIC address', async () => {
    const group = await network.privateDnsZoneGroups.beginCreateOrUpdateAndWait(RG, 'pe-auto', 'default', {
      privateDnsZoneConfigs: [{ name: 'vaultcore', privateDnsZoneId: path.ids.zone }],
    });
    expect(group.privateDnsZoneConfigs?.[0]?.recordSets).toEqual([
      {
        recordType: 'A',
        recordSetName: VAULT,
        fqdn: `${VAULT}.${VAULT_ZONE}`,
        ttl: 10,
        ipAddresses: ['10.1.1.4'],
        provisioningState: 'Succeeded',
      },
    ]);
    const record = await dns.recordSets.get('rg-hub-dns', VAULT_ZONE, 'A', VAULT);
    expect(record.aRecords).toEqual([{ ipv4Address: '10.1.1.4' }]);
    // The SOA record set and the new A record set.
    expect((await dns.privateZones.get('rg-hub-dns', VAULT_ZONE)).numberOfRecordSets).toBe(2);
  });

  test('deleting the endpoint deletes its NIC, its vault connection and its addresses in the A record', async () => {
    const nicName =
      (await network.privateEndpoints.get(RG, 'pe-auto')).networkInterfaces?.[0]?.id?.split('/').pop() ?? '';
    await network.privateEndpoints.beginDeleteAndWait(RG, 'pe-auto');
    await expect(network.networkInterfaces.get(RG, nicName)).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    await expect(dns.recordSets.get('rg-hub-dns', VAULT_ZONE, 'A', VAULT)).rejects.toMatchObject({ statusCode: 404 });
    const vault = await keyVault.vaults.get(RG, VAULT);
    expect(vault.properties.privateEndpointConnections?.map((c) => c.privateEndpoint?.id?.split('/').pop())).toEqual([
      'pe-manual',
    ]);
    expect(emulator.resources().some((r) => r.id.endsWith('/pe-auto'))).toBe(false);
  });

  test('nonsense is refused with ARM-style 400s', async () => {
    const bearer = await token(emulator);
    const rg = `/subscriptions/${SPOKE_SUB}/resourceGroups/${RG}/providers`;
    const put = async (route: string, body: unknown): Promise<[number, string]> => {
      const response = await rawRequest(emulator, route, { method: 'PUT', token: bearer, body });
      return [response.status, (response.body as { error?: { code: string } }).error?.code ?? 'ok'];
    };
    expect(
      await put(`${rg}/Microsoft.Network/privateEndpoints/pe-x?api-version=2026-01-01`, {
        location: 'westeurope',
        properties: { subnet: { id: `${path.ids.spokeVnet}/subnets/nope` }, privateLinkServiceConnections: [] },
      }),
    ).toEqual([400, 'InvalidResourceReference']);
    expect(
      await put(`${rg}/Microsoft.Network/privateEndpoints/pe-x?api-version=2026-01-01`, {
        location: 'westeurope',
        properties: {
          subnet: { id: path.ids.spokeSubnet },
          privateLinkServiceConnections: [
            { name: 'c', properties: { privateLinkServiceId: path.ids.vault, groupIds: ['blob'] } },
          ],
        },
      }),
    ).toEqual([400, 'InvalidPrivateEndpointGroupId']);
    expect(
      await put(`${rg}/Microsoft.Network/virtualNetworks/vnet-x?api-version=2026-01-01`, {
        location: 'westeurope',
        properties: { addressSpace: { addressPrefixes: ['10.9.0.1/16'] } },
      }),
    ).toEqual([400, 'InvalidCIDRNotation']);
    expect(
      await put(`${path.ids.zone}/A/bad?api-version=2024-06-01`, {
        properties: { ttl: 10, aRecords: [{ ipv4Address: '10.0.0.300' }] },
      }),
    ).toEqual([400, 'InvalidRequestContent']);
    expect(
      await put(`${rg}/Microsoft.KeyVault/vaults/kv-x?api-version=2026-02-01`, {
        location: 'westeurope',
        properties: { tenantId: 'nope', sku: { family: 'A', name: 'standard' } },
      }),
    ).toEqual([400, 'InvalidRequestContent']);
    expect(await put(`${rg}/Microsoft.KeyVault/vaults/kv-x?api-version=2026-02-01`, { properties: {} })).toEqual([
      400,
      'LocationRequired',
    ]);
  });

  test('a small subnet fills up: Azure keeps five addresses of every subnet', async () => {
    const bearer = await token(emulator);
    const vnet = `/subscriptions/${SPOKE_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-tiny`;
    const created = await rawRequest(emulator, `${vnet}?api-version=2026-01-01`, {
      method: 'PUT',
      token: bearer,
      body: {
        location: 'westeurope',
        properties: {
          addressSpace: { addressPrefixes: ['10.50.0.0/29'] },
          subnets: [{ name: 'tiny', properties: { addressPrefix: '10.50.0.0/29' } }],
        },
      },
    });
    expect(created.status).toBe(201);
    const addresses: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const response = await rawRequest(
        emulator,
        `/subscriptions/${SPOKE_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe-tiny-${n}?api-version=2026-01-01`,
        {
          method: 'PUT',
          token: bearer,
          body: {
            location: 'westeurope',
            properties: {
              subnet: { id: `${vnet}/subnets/tiny` },
              privateLinkServiceConnections: [
                { name: 'c', properties: { privateLinkServiceId: path.ids.vault, groupIds: ['vault'] } },
              ],
            },
          },
        },
      );
      const body = response.body as {
        properties?: { customDnsConfigs: { ipAddresses: string[] }[] };
        error?: { code: string };
      };
      addresses.push(body.properties?.customDnsConfigs[0]?.ipAddresses[0] ?? body.error?.code ?? '?');
    }
    expect(addresses).toEqual(['10.50.0.4', '10.50.0.5', '10.50.0.6', 'SubnetIsFull']);
  });
});
