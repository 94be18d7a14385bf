import type { RunningEmulator } from '../../src/emulator';
import { hubFirewall } from '../../src/fixtures/topology';
import { HUB_SUB } from '../../src/fixtures/scenario';
import { clientOptions, credential, emulatorWithIdentity, rawRequest, token } from './support';

/**
 * PUTs of the routing and name-resolution types (src/emulator/writes-topology.ts), sent by the real SDK clients
 * (@azure/arm-network 39, @azure/arm-dnsresolver 1.1.0) as the stacks deploy them. What Azure decides is the
 * emulator's: the firewall's private address (AzureFirewallIPConfiguration.privateIPAddress is read-only in
 * arm-network's model) and a Dynamic inbound endpoint's address are the subnet's first free one (.4: Azure keeps
 * the first four, https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets).
 * Answers follow Microsoft's GET examples (AzureFirewallGet.json: ipConfigurations ids under
 * `/ipConfigurations/`; ForwardingRule_Get.json: domain with a trailing dot, port 53).
 */
const RG = 'rg-hub';
const topology = hubFirewall();
const VNETS = topology.resources.filter((r) => r.type === 'Microsoft.Network/virtualNetworks');
const hubSubnet = (name: string): string => `${topology.ids.hubVnet}/subnets/${name}`;

describe('topology PUTs', () => {
  let emulator: RunningEmulator;
  let network: import('@azure/arm-network').NetworkManagementClient;
  let resolver: import('@azure/arm-dnsresolver').DnsResolverManagementClient;

  beforeAll(async () => {
    emulator = await emulatorWithIdentity([
      { id: `/subscriptions/${HUB_SUB}`, name: HUB_SUB, type: 'Microsoft.Resources/subscriptions' },
      ...VNETS.map((v) => ({ ...v, properties: { ...v.properties, virtualNetworkPeerings: [] } })),
    ]);
    const cred = await credential();
    const { NetworkManagementClient } = await import('@azure/arm-network');
    const { DnsResolverManagementClient } = await import('@azure/arm-dnsresolver');
    network = new NetworkManagementClient(cred, HUB_SUB, clientOptions(emulator));
    resolver = new DnsResolverManagementClient(cred, HUB_SUB, clientOptions(emulator));
  });
  afterAll(() => emulator.stop());

  test('a firewall gets the first free address of AzureFirewallSubnet; a route table keeps its appliance route', async () => {
    const policy = await network.firewallPolicies.beginCreateOrUpdateAndWait(RG, 'fwp-hub', {
      location: 'westeurope',
      dnsSettings: { enableProxy: true },
    });
    const firewall = await network.azureFirewalls.beginCreateOrUpdateAndWait(RG, 'fw-hub', {
      location: 'westeurope',
      sku: { name: 'AZFW_VNet', tier: 'Standard' },
      firewallPolicy: { id: policy.id },
      ipConfigurations: [
        {
          name: 'fw-ipconfig',
          subnet: { id: hubSubnet('AzureFirewallSubnet') },
          publicIPAddress: {
            id: `/subscriptions/${HUB_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/publicIPAddresses/pip`,
          },
        },
      ],
    });
    expect(firewall.ipConfigurations?.map((c) => [c.id, c.privateIPAddress])).toEqual([
      [
        `/subscriptions/${HUB_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/azureFirewalls/fw-hub/ipConfigurations/fw-ipconfig`,
        '10.0.1.4',
      ],
    ]);
    expect((await network.firewallPolicies.get(RG, 'fwp-hub')).dnsSettings).toEqual({ enableProxy: true });
    const table = await network.routeTables.beginCreateOrUpdateAndWait(RG, 'rt-app', {
      location: 'westeurope',
      routes: [
        { name: 'default', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.1.4' },
      ],
    });
    expect(table.routes?.map((r) => [r.id, r.nextHopType, r.nextHopIpAddress, r.provisioningState])).toEqual([
      [`${table.id}/routes/default`, 'VirtualAppliance', '10.0.1.4', 'Succeeded'],
    ]);
  });

  test('an inbound endpoint gets an address; a ruleset forwards a domain to it', async () => {
    const dnsResolver = await resolver.dnsResolvers.beginCreateOrUpdateAndWait(RG, 'dnspr-hub', {
      location: 'westeurope',
      virtualNetwork: { id: topology.ids.hubVnet },
    });
    expect(dnsResolver.dnsResolverState).toBe('Connected');
    const inbound = await resolver.inboundEndpoints.beginCreateOrUpdateAndWait(RG, 'dnspr-hub', 'in-hub', {
      location: 'westeurope',
      ipConfigurations: [{ subnet: { id: hubSubnet('snet-dns-inbound') }, privateIpAllocationMethod: 'Dynamic' }],
    });
    expect(inbound.ipConfigurations.map((c) => c.privateIpAddress)).toEqual(['10.0.0.4']);
    const outbound = await resolver.outboundEndpoints.beginCreateOrUpdateAndWait(RG, 'dnspr-hub', 'out-hub', {
      location: 'westeurope',
      subnet: { id: hubSubnet('snet-dns-outbound') },
    });
    await resolver.dnsForwardingRulesets.beginCreateOrUpdateAndWait(RG, 'rs-hub', {
      location: 'westeurope',
      dnsResolverOutboundEndpoints: [{ id: outbound.id ?? '' }],
    });
    const rule = await resolver.forwardingRules.createOrUpdate(RG, 'rs-hub', 'privatelink-vaultcore', {
      domainName: 'privatelink.vaultcore.azure.net.',
      targetDnsServers: [{ ipAddress: '10.0.0.4' }],
    });
    expect([rule.domainName, rule.targetDnsServers, rule.forwardingRuleState]).toEqual([
      'privatelink.vaultcore.azure.net.',
      [{ ipAddress: '10.0.0.4', port: 53 }],
      'Enabled',
    ]);
    const link = await resolver.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, 'rs-hub', 'link-orders', {
      virtualNetwork: { id: topology.ids.ordersVnet },
    });
    expect(link.virtualNetwork?.id).toBe(topology.ids.ordersVnet);
  });

  test("a NIC in the inbound endpoint's subnet gets the next free address, never the endpoint's", async () => {
    // Azure hands one address to one holder (NIC, firewall or inbound endpoint alike); NetworkInterfaceGet.json's
    // Dynamic ipConfiguration, no address asked for.
    const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait(RG, 'nic-beside-inbound', {
      location: 'westeurope',
      ipConfigurations: [
        { name: 'ipconfig1', subnet: { id: hubSubnet('snet-dns-inbound') }, privateIPAllocationMethod: 'Dynamic' },
      ],
    });
    expect(nic.ipConfigurations?.map((c) => c.privateIPAddress)).toEqual(['10.0.0.5']);
  });

  test('nonsense is refused with a 400 naming the field', async () => {
    const bearer = await token(emulator);
    const put = async (path: string, apiVersion: string, body: object) => {
      const response = await rawRequest(
        emulator,
        `/subscriptions/${HUB_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/${path}?api-version=${apiVersion}`,
        {
          method: 'PUT',
          token: bearer,
          body,
        },
      );
      return [response.status, (response.body as { error?: { message?: string } }).error?.message];
    };
    expect(
      await put('routeTables/rt-bad', '2024-05-01', {
        location: 'westeurope',
        properties: {
          routes: [{ name: 'r', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance' } }],
        },
      }),
    ).toEqual([400, expect.stringContaining('properties.routes[0].properties.nextHopIpAddress')]);
    expect(
      await put('dnsForwardingRulesets/rs-hub/forwardingRules/no-dot', '2022-07-01', {
        properties: { domainName: 'contoso.com', targetDnsServers: [{ ipAddress: '10.0.0.4' }] },
      }),
    ).toEqual([400, expect.stringContaining('properties.domainName')]);
    expect(
      await put('azureFirewalls/fw-nowhere', '2024-05-01', {
        location: 'westeurope',
        properties: { ipConfigurations: [{ name: 'c', properties: { subnet: { id: hubSubnet('nope') } } }] },
      }),
    ).toEqual([400, expect.stringContaining("subnet '")]);
  });
});
