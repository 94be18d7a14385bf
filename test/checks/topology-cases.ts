import { dnsARecordIp } from '../../rules/dns-a-record-ip';
import { dnsARecordPresent } from '../../rules/dns-a-record-present';
import { dnsZoneLinked } from '../../rules/dns-zone-linked';
import { firewallAllowsCaller } from '../../rules/firewall-allows-caller';
import type { Rule } from '../../src/engine/types';
import type { ArmResource } from '../../src/model/arm';
import type { CallerProfile } from '../../src/model/caller';
import * as arm from '../../src/fixtures/arm-factory';
import * as net from '../../src/fixtures/network-factory';
import { healthyPath, modify, remove } from '../../src/fixtures/scenario';
import { hubFirewall, perRegionZones, virtualWanSpokes } from '../../src/fixtures/topology';
import { withDnsServers, withRecordAddresses } from '../support/dns-scenarios';

/**
 * The enterprise topologies of issue 11, healthy and broken, for the rules that follow the caller's route and
 * DNS answer. Shapes come from src/fixtures/network-factory.ts (Microsoft's examples; where none exists — a
 * route to a VirtualAppliance, a subnet's routeTable — from the @azure/arm-network models, as noted there).
 */
export interface TopologyCase {
  name: string;
  rule: Rule<object>;
  resources: ArmResource[];
  caller?: Partial<CallerProfile>;
}

const hf = hubFirewall();
const app = { subnetId: hf.ids.appSubnet };
const orders = { subnetId: hf.ids.ordersSubnet };
const wan = virtualWanSpokes();
const regions = perRegionZones();
const path = healthyPath();

/** A peering's properties changed (found by name inside its VNet). */
function withPeering(
  resources: readonly ArmResource[],
  vnetId: string,
  peering: string,
  change: Record<string, unknown>,
): ArmResource[] {
  return modify(resources, vnetId, (vnet) => {
    const list = vnet.properties?.virtualNetworkPeerings;
    if (Array.isArray(list))
      for (const p of list) {
        const entry = p as { name?: string; properties?: Record<string, unknown> };
        if (entry.name === peering && entry.properties) Object.assign(entry.properties, change);
      }
    return vnet;
  });
}

/** A subnet's properties changed (found by name inside its VNet). */
function withSubnet(
  resources: readonly ArmResource[],
  vnetId: string,
  subnet: string,
  change: Record<string, unknown>,
): ArmResource[] {
  return modify(resources, vnetId, (vnet) => {
    const list = vnet.properties?.subnets;
    if (Array.isArray(list))
      for (const s of list) {
        const entry = s as { name?: string; properties?: Record<string, unknown> };
        if (entry.name === subnet && entry.properties) Object.assign(entry.properties, change);
      }
    return vnet;
  });
}

const denyNsg = net.networkSecurityGroup('22222222-2222-2222-2222-222222222222', 'rg-payments', 'nsg-pe', [
  {
    name: 'deny-app-443',
    priority: 100,
    access: 'Deny',
    sourceAddressPrefix: '10.5.0.0/16',
    destinationPortRange: '443',
  },
]);
const allowNsg = net.networkSecurityGroup('22222222-2222-2222-2222-222222222222', 'rg-payments', 'nsg-pe', [
  {
    name: 'deny-lab-443',
    priority: 100,
    access: 'Deny',
    sourceAddressPrefix: '192.168.0.0/16',
    destinationPortRange: '443',
  },
]);
const withNsg = (nsg: ArmResource, policies: string): ArmResource[] => [
  ...withSubnet(hf.resources, hf.ids.paymentsVnet, 'snet-private-endpoints', {
    networkSecurityGroup: { id: nsg.id },
    privateEndpointNetworkPolicies: policies,
  }),
  nsg,
];

const routes = (table: string, spec: net.RouteSpec[]): ArmResource[] =>
  modify(hf.resources, table, () => net.routeTable('22222222-2222-2222-2222-222222222222', 'rg-app', 'rt-app', spec));

// Virtual WAN isolation: the caller's connection is associated with its own table, to which the endpoint's spoke does not propagate.
const isolatedTable = `${wan.ids.hub}/hubRouteTables/rt-app`;
const wanIsolated = [
  ...modify(wan.resources, wan.ids.callerConnection, () =>
    net.hubConnection(wan.ids.hub, 'conn-app', wan.ids.callerVnet, {
      associatedRouteTableId: isolatedTable,
      propagatedRouteTableIds: [isolatedTable],
      labels: [],
    }),
  ),
  net.hubRouteTable(wan.ids.hub, 'rt-app', []),
];
// A secured hub: the caller's table sends private traffic to the hub's firewall.
const hubFw = net.azureFirewall({
  subscriptionId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: 'rg-wan',
  name: 'fw-vhub',
  privateIp: '10.100.0.132',
  virtualHubId: wan.ids.hub,
});
const wanSecured = [
  ...modify(wanIsolated, isolatedTable, () =>
    net.hubRouteTable(
      wan.ids.hub,
      'rt-app',
      [],
      [{ name: 'private-to-firewall', destinations: ['10.0.0.0/8'], nextHop: hubFw.id }],
    ),
  ),
  hubFw,
];

// Overlapping ranges: an unpeered lab VNet reuses the hub's 10.0.0.0/16 (sorted first by id).
const lab = arm.virtualNetwork({
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-lab',
  name: 'vnet-lab',
  addressPrefixes: ['10.0.0.0/16'],
  subnets: [{ name: 'snet-lab', addressPrefix: '10.0.0.0/24' }],
});
const island = arm.virtualNetwork({
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-island',
  name: 'vnet-island',
  addressPrefixes: ['10.60.0.0/16'],
  subnets: [{ name: 'snet-dns', addressPrefix: '10.60.0.0/24' }],
});
const spokeNoLink = remove(path.resources, path.ids.spokeLink);
const viaHubServer = withDnsServers(spokeNoLink, path.ids.spokeVnet, ['10.0.0.4']);
const overlapping = [...viaHubServer, lab];
const peeredToLab = [
  ...modify(overlapping, path.ids.spokeVnet, (vnet) => {
    if (vnet.properties)
      vnet.properties.virtualNetworkPeerings = [
        {
          name: 'to-lab',
          id: `${path.ids.spokeVnet}/virtualNetworkPeerings/to-lab`,
          properties: {
            remoteVirtualNetwork: { id: lab.id },
            peeringState: 'Connected',
            allowVirtualNetworkAccess: true,
            allowForwardedTraffic: false,
          },
        },
      ];
    return vnet;
  }),
];

export const CASES: TopologyCase[] = [
  // Hub firewall, spoke to spoke.
  { name: 'hub firewall: routed path', rule: firewallAllowsCaller, resources: hf.resources, caller: app },
  { name: 'hub firewall: DNS through the firewall proxy', rule: dnsZoneLinked, resources: hf.resources, caller: app },
  { name: 'hub firewall: the record the caller resolves', rule: dnsARecordIp, resources: hf.resources, caller: app },
  {
    name: "hub firewall: the endpoint spoke's peering refuses forwarded traffic",
    rule: firewallAllowsCaller,
    resources: withPeering(hf.resources, hf.ids.paymentsVnet, 'payments-to-hub', { allowForwardedTraffic: false }),
    caller: app,
  },
  {
    name: 'hub firewall: no UDR, spokes not peered',
    rule: firewallAllowsCaller,
    resources: withSubnet(hf.resources, hf.ids.appVnet, 'snet-app', { routeTable: null }),
    caller: app,
  },
  {
    name: 'hub firewall: UDR next hop None',
    rule: firewallAllowsCaller,
    resources: routes(hf.ids.appRouteTable, [{ name: 'drop', addressPrefix: '10.1.0.0/16', nextHopType: 'None' }]),
    caller: app,
  },
  {
    name: 'hub firewall: UDR to the virtual network gateway',
    rule: firewallAllowsCaller,
    resources: routes(hf.ids.appRouteTable, [
      { name: 'to-onprem', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualNetworkGateway' },
    ]),
    caller: app,
  },
  {
    name: 'hub firewall: appliance address in no reachable VNet',
    rule: firewallAllowsCaller,
    resources: routes(hf.ids.appRouteTable, [
      { name: 'default', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.9.0.4' },
    ]),
    caller: app,
  },
  {
    name: 'NSG enforced on the endpoint subnet denies the caller',
    rule: firewallAllowsCaller,
    resources: withNsg(denyNsg, 'Enabled'),
    caller: app,
  },
  {
    name: 'NSG denying the caller, network policies off',
    rule: firewallAllowsCaller,
    resources: withNsg(denyNsg, 'Disabled'),
    caller: app,
  },
  {
    name: 'NSG enforced, caller allowed by the default rules',
    rule: firewallAllowsCaller,
    resources: withNsg(allowNsg, 'NetworkSecurityGroupEnabled'),
    caller: app,
  },
  {
    name: 'firewall DNS proxy off: the only DNS server does not answer',
    rule: dnsZoneLinked,
    resources: modify(hf.resources, hf.ids.firewallPolicy, () =>
      net.firewallPolicy('11111111-1111-1111-1111-111111111111', 'rg-hub', 'fwp-hub', { enableProxy: false }),
    ),
    caller: app,
  },
  // Ruleset-resolved spoke.
  {
    name: 'ruleset: the orders spoke resolves through the hub resolver',
    rule: dnsZoneLinked,
    resources: hf.resources,
    caller: orders,
  },
  {
    name: 'ruleset: the record the orders spoke resolves',
    rule: dnsARecordIp,
    resources: hf.resources,
    caller: orders,
  },
  {
    name: 'ruleset: link to the orders VNet removed',
    rule: dnsZoneLinked,
    resources: remove(hf.resources, hf.ids.ordersRulesetLink),
    caller: orders,
  },
  {
    name: 'ruleset: rule disabled',
    rule: dnsZoneLinked,
    resources: modify(hf.resources, hf.ids.rule, () =>
      net.forwardingRule(
        hf.ids.ruleset,
        'privatelink-vaultcore',
        'privatelink.vaultcore.azure.net.',
        ['10.0.0.4'],
        'Disabled',
      ),
    ),
    caller: orders,
  },
  {
    // A Terraform plan can leave every target unknown (a Dynamic inbound endpoint's address): none is left.
    name: 'ruleset: rule with no target server',
    rule: dnsZoneLinked,
    resources: modify(hf.resources, hf.ids.rule, () =>
      net.forwardingRule(hf.ids.ruleset, 'privatelink-vaultcore', 'privatelink.vaultcore.azure.net.', []),
    ),
    caller: orders,
  },
  {
    name: 'ruleset: rule forwards to an on-premises server',
    rule: dnsZoneLinked,
    resources: modify(hf.resources, hf.ids.rule, () =>
      net.forwardingRule(hf.ids.ruleset, 'privatelink-vaultcore', 'vaultcore.azure.net.', ['192.168.50.4']),
    ),
    caller: orders,
  },
  // Virtual WAN.
  {
    name: 'Virtual WAN: spokes reach each other through the hub',
    rule: firewallAllowsCaller,
    resources: wan.resources,
    caller: { subnetId: wan.ids.callerSubnet },
  },
  {
    name: 'Virtual WAN: route tables isolate the spokes',
    rule: firewallAllowsCaller,
    resources: wanIsolated,
    caller: { subnetId: wan.ids.callerSubnet },
  },
  {
    name: 'Virtual WAN: secured hub sends private traffic to its firewall',
    rule: firewallAllowsCaller,
    resources: wanSecured,
    caller: { subnetId: wan.ids.callerSubnet },
  },
  // Per-region zones kept by hand.
  { name: 'per-region zones: each region resolves its own endpoint', rule: dnsARecordIp, resources: regions.resources },
  {
    name: "per-region zones: a region's record points at the other region",
    rule: dnsARecordIp,
    resources: withRecordAddresses(regions.resources, regions.ids.weuRecord, ['10.21.1.4']),
  },
  { name: 'per-region zones: KV204 per zone', rule: dnsARecordPresent, resources: regions.resources },
  // Overlapping ranges and peering flags.
  {
    name: 'overlapping ranges: the DNS server is the peered hub, not the lab reusing its range',
    rule: dnsZoneLinked,
    resources: overlapping,
  },
  {
    name: 'overlapping ranges: the spoke is peered to the lab, whose 10.0.0.4 is not linked',
    rule: dnsZoneLinked,
    resources: peeredToLab,
  },
  {
    name: 'peering Connected but allowVirtualNetworkAccess false',
    rule: firewallAllowsCaller,
    resources: withPeering(hf.resources, hf.ids.hubVnet, 'hub-to-payments', { allowVirtualNetworkAccess: false }),
    caller: app,
  },
  // DNS servers.
  {
    name: 'the DNS server sits in a VNet the spoke no longer reaches',
    rule: dnsZoneLinked,
    resources: withPeering(viaHubServer, path.ids.spokeVnet, 'to-hub', { peeringState: 'Disconnected' }),
  },
  {
    name: 'public resolver first',
    rule: dnsZoneLinked,
    resources: withDnsServers(path.resources, path.ids.spokeVnet, ['8.8.8.8', '168.63.129.16']),
  },
  {
    name: 'public resolver alone',
    rule: dnsZoneLinked,
    resources: withDnsServers(path.resources, path.ids.spokeVnet, ['1.1.1.1']),
  },
  {
    name: 'a server outside every audited VNet first: its answer is unknown',
    rule: dnsZoneLinked,
    resources: withDnsServers(path.resources, path.ids.spokeVnet, ['10.50.0.4', '168.63.129.16']),
  },
  {
    name: 'a server in an unpeered VNet does not answer; Azure DNS, listed second, does',
    rule: dnsZoneLinked,
    resources: [...withDnsServers(path.resources, path.ids.spokeVnet, ['10.60.0.4', '168.63.129.16']), island],
  },
];
