import type { ArmResource, JsonValue } from '../../src/model/arm';
import { buildEstate } from '../../src/model/estate';
import * as network from '../../src/model/normalize-network';
import * as normalize from '../../src/model/normalize';
import { readArmExample } from '../support/arm-examples';

/**
 * The routing and DNS normalizers read Microsoft's REST examples (test/fixtures/arm-examples, copied from
 * Azure/azure-rest-api-specs; see its README for the quirks: bare-array list bodies, `virtualHubVnetConnections`
 * and `dnsForwardingRuleset` id segments, `privateIpAddress` spelled with `Ip`, the inbound endpoint id without
 * its `dnsResolvers/{name}` segment). Each expectation is read off the example file.
 */
const body = (file: string): ArmResource =>
  readArmExample<{ responses: { 200: { body: ArmResource } } }>(file).responses[200].body;
const NET = 'Microsoft.Network/2026-01-01';
const DNS = 'Microsoft.Network.DnsResolver/2025-05-01';

describe('routing and DNS normalizers over Microsoft examples', () => {
  test('RouteTableGet: routes with addressPrefix and nextHopType', () => {
    const table = network.routeTable(body(`${NET}/RouteTableGet.json`));
    expect(table.routes).toEqual([
      {
        name: 'route1',
        addressPrefix: '10.0.3.0/24',
        nextHopType: 'VirtualNetworkGateway',
        nextHopIpAddress: undefined,
      },
    ]);
    expect(table.disableBgpRoutePropagation).toBe(false);
  });

  test('NetworkSecurityGroupGet: custom and default rules in priority order', () => {
    const nsg = network.networkSecurityGroup(body(`${NET}/NetworkSecurityGroupGet.json`));
    expect(nsg.rules.map((r) => [r.name, r.priority, r.direction, r.access, r.isDefault])).toEqual([
      ['rule1', 130, 'Inbound', 'Allow', false],
      ['AllowVnetInBound', 65000, 'Inbound', 'Allow', true],
      ['AllowVnetOutBound', 65000, 'Outbound', 'Allow', true],
      ['AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', true],
      ['AllowInternetOutBound', 65001, 'Outbound', 'Allow', true],
      ['DenyAllInBound', 65500, 'Inbound', 'Deny', true],
      ['DenyAllOutBound', 65500, 'Outbound', 'Deny', true],
    ]);
    expect(nsg.rules[0]?.destinationPortRanges).toEqual(['80']);
  });

  test('AzureFirewallGet: private address and subnet of its IP configuration', () => {
    const firewall = network.azureFirewall(body(`${NET}/AzureFirewallGet.json`));
    expect(firewall.privateIPAddresses).toEqual(['10.0.0.0']);
    expect(firewall.subnetIds).toEqual([
      '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet2/subnets/AzureFirewallSubnet',
    ]);
    expect(firewall.firewallPolicyId).toBeUndefined();
    expect(firewall.classicDnsProxy).toBe(false);
  });

  test('FirewallPolicyGet: dnsSettings enableProxy and servers', () => {
    const policy = network.firewallPolicy(body(`${NET}/FirewallPolicyGet.json`));
    expect([policy.dnsProxy, policy.dnsServers]).toEqual([true, ['30.3.4.5']]);
  });

  test('VirtualHubGet: its WAN and address prefix', () => {
    const hub = network.virtualHub(body(`${NET}/VirtualHubGet.json`));
    expect([hub.virtualWanId, hub.addressPrefix]).toEqual([
      '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualWans/virtualWan1',
      '10.10.1.0/24',
    ]);
  });

  test('HubVirtualNetworkConnectionGet: hub from the quirky id, routing configuration', () => {
    const resource = {
      ...body(`${NET}/HubVirtualNetworkConnectionGet.json`),
      type: 'Microsoft.Network/virtualHubs/hubVirtualNetworkConnections',
    };
    const connection = network.hubVirtualNetworkConnection(resource);
    const hub = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualHubs/virtualHub1';
    expect(connection.hubId).toBe(hub);
    expect(connection.remoteVirtualNetworkId).toBe(
      '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1',
    );
    expect(connection.associatedRouteTableId).toBe(`${hub}/hubRouteTables/hubRouteTable1`);
    expect(connection.propagatedRouteTableIds).toEqual([1, 2, 3].map((n) => `${hub}/hubRouteTables/hubRouteTable${n}`));
    expect(connection.propagatedLabels).toEqual(['label1', 'label2']);
  });

  test('HubRouteTableGet: static route to a firewall, labels', () => {
    const table = network.hubRouteTable(body(`${NET}/HubRouteTableGet.json`));
    expect(table.labels).toEqual(['label1', 'label2']);
    expect(table.routes).toEqual([
      {
        name: 'route1',
        destinations: ['10.0.0.0/8', '20.0.0.0/8', '30.0.0.0/8'],
        nextHopType: 'ResourceId',
        nextHop: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/azureFirewalls/azureFirewall1',
      },
    ]);
  });

  test('VirtualNetworkPeeringGet: the four flags and the remote address space', () => {
    const peering = normalize.virtualNetworkPeering(
      readArmExample<{ responses: { 200: { body: JsonValue } } }>(`${NET}/VirtualNetworkPeeringGet.json`).responses[200]
        .body,
    );
    expect(peering).toMatchObject({
      peeringState: 'Initiated',
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      allowGatewayTransit: false,
      useRemoteGateways: false,
      remoteAddressPrefixes: ['12.0.0.0/8'],
    });
  });

  test('DNS resolver examples: resolver VNet, inbound endpoint address (privateIpAddress), rule, ruleset link', () => {
    expect(network.dnsResolver(body(`${DNS}/DnsResolver_Get.json`)).virtualNetworkId).toMatch(
      /virtualNetworks\/sampleVirtualNetwork$/,
    );
    const inbound = network.inboundEndpoint(body(`${DNS}/InboundEndpoint_Get.json`));
    expect(inbound.privateIpAddresses).toEqual(['255.255.255.255']);
    expect(inbound.subnetIds[0]).toMatch(/virtualNetworks\/sampleVirtualNetwork\/subnets\/sampleSubnet$/);
    const rule = network.forwardingRule(body(`${DNS}/ForwardingRule_Get.json`));
    expect([rule.domainName, rule.targets, rule.state]).toEqual([
      'contoso.com.',
      [
        { ipAddress: '10.0.0.1', port: 53 },
        { ipAddress: '10.0.0.2', port: 53 },
      ],
      'Enabled',
    ]);
    expect(rule.rulesetId).toMatch(/dnsForwardingRulesets\/sampleDnsForwardingRuleset$/);
    const link = network.rulesetVirtualNetworkLink(body(`${DNS}/VirtualNetworkLink_Get.json`));
    expect(link.rulesetId).toMatch(/dnsForwardingRuleset\/sampleDnsForwardingRuleset$/);
    expect(link.virtualNetworkId).toMatch(/virtualNetworks\/sampleVirtualNetwork$/);
    const ruleset = network.forwardingRuleset(body(`${DNS}/DnsForwardingRuleset_Get.json`));
    expect(ruleset.outboundEndpointIds).toHaveLength(2);
  });

  test('the estate indexes every example type instead of ignoring it', () => {
    const files = [
      `${NET}/RouteTableGet.json`,
      `${NET}/NetworkSecurityGroupGet.json`,
      `${NET}/AzureFirewallGet.json`,
      `${NET}/FirewallPolicyGet.json`,
      `${NET}/VirtualWANGet.json`,
      `${NET}/VirtualHubGet.json`,
      `${NET}/HubRouteTableGet.json`,
      `${DNS}/DnsResolver_Get.json`,
      `${DNS}/InboundEndpoint_Get.json`,
      `${DNS}/OutboundEndpoint_Get.json`,
      `${DNS}/DnsForwardingRuleset_Get.json`,
      `${DNS}/ForwardingRule_Get.json`,
      `${DNS}/VirtualNetworkLink_Get.json`,
    ];
    const estate = buildEstate(files.map(body));
    expect([...estate.ignoredTypes.keys()]).toEqual([]);
    expect(
      estate.rulesetLinksToVnet(
        network.rulesetVirtualNetworkLink(body(`${DNS}/VirtualNetworkLink_Get.json`)).virtualNetworkId ?? '',
      ),
    ).toHaveLength(1);
  });
});
