import * as pulumi from '@pulumi/pulumi';
import * as dnsresolver from '@pulumi/azure-native/dnsresolver';
import * as keyvault from '@pulumi/azure-native/keyvault';
import * as network from '@pulumi/azure-native/network';
import * as privatedns from '@pulumi/azure-native/privatedns';
import * as resources from '@pulumi/azure-native/resources';

/**
 * A Key Vault with its whole private access path, hub-and-spoke: the vault's spoke VNet holds the private
 * endpoint; the hub holds the privatelink zone, linked to both VNets. Every knob defaults to the healthy
 * path; each `Pulumi.<variant>.yaml` sets the values that break one link (README: stacks/README.md).
 * Submodule imports (not `@pulumi/azure-native`) keep load and type-check time down.
 */
export const VARIANTS = [
  'healthy',
  'pending-approval',
  'wrong-zone-name',
  'zone-not-linked',
  'missing-a-record',
  'stale-a-record',
  'firewall-blocks-caller',
  'public-access-enabled',
  'hub-firewall',
  'hub-firewall-no-forwarding',
  'ruleset-resolved-spoke',
  'ruleset-rule-disabled',
] as const;

/**
 * What surrounds the vault's spoke: `spoke` (hub and spoke, callers in the endpoint's VNet), `hubFirewall` (an
 * app spoke whose subnet routes through the hub's Azure Firewall, DNS through the firewall's DNS proxy),
 * `rulesetResolved` (the spoke resolves the privatelink zone through a DNS forwarding ruleset to a DNS Private
 * Resolver's inbound endpoint in the hub, where the zone is linked).
 */
export type Topology = 'spoke' | 'hubFirewall' | 'rulesetResolved';

/** How the vault's A record gets written. */
export type DnsRecords = 'zoneGroup' | 'explicit' | 'none';

export interface StackSettings {
  variant: (typeof VARIANTS)[number];
  location: string;
  tenantId: string;
  vaultName: string;
  resourceGroupName: string;
  hubResourceGroupName: string;
  /** `automatic`: the connection is auto-approved; `manual`: it waits for the vault owner's approval. */
  connection: 'automatic' | 'manual';
  zoneName: string;
  linkSpoke: boolean;
  dnsRecords: DnsRecords;
  /** Address of an explicit A record; default: the endpoint's address. */
  recordAddress: string | undefined;
  publicNetworkAccess: 'Enabled' | 'Disabled';
  defaultAction: 'Allow' | 'Deny';
  ipRules: string[];
  topology: Topology;
  /** `hubFirewall`: the vault spoke's peering to the hub accepts traffic the firewall forwards. */
  allowForwardedTraffic: boolean;
  /** `rulesetResolved`: the state of the ruleset's privatelink rule. */
  forwardingRuleState: 'Enabled' | 'Disabled';
}

function oneOf<T extends string>(config: pulumi.Config, key: string, allowed: readonly T[], fallback: T): T {
  const value = config.get(key) ?? fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`kvguard-stacks:${key} is ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
  return value as T;
}

export function readSettings(): StackSettings {
  const config = new pulumi.Config('kvguard-stacks');
  const stack = pulumi.getStack();
  return {
    variant: oneOf(config, 'variant', VARIANTS, 'healthy'),
    location: new pulumi.Config('azure-native').require('location'),
    tenantId: config.require('tenantId'),
    vaultName: config.require('vaultName'),
    resourceGroupName: config.get('resourceGroupName') ?? `rg-kvguard-${stack}`,
    hubResourceGroupName: config.get('hubResourceGroupName') ?? `rg-kvguard-hub-${stack}`,
    connection: oneOf(config, 'connection', ['automatic', 'manual'] as const, 'automatic'),
    zoneName: config.get('zoneName') ?? 'privatelink.vaultcore.azure.net',
    linkSpoke: config.getBoolean('linkSpoke') ?? true,
    dnsRecords: oneOf(config, 'dnsRecords', ['zoneGroup', 'explicit', 'none'] as const, 'zoneGroup'),
    recordAddress: config.get('recordAddress'),
    publicNetworkAccess: oneOf(config, 'publicNetworkAccess', ['Enabled', 'Disabled'] as const, 'Disabled'),
    defaultAction: oneOf(config, 'defaultAction', ['Allow', 'Deny'] as const, 'Deny'),
    ipRules: config.getObject<string[]>('ipRules') ?? [],
    topology: oneOf(config, 'topology', ['spoke', 'hubFirewall', 'rulesetResolved'] as const, 'spoke'),
    allowForwardedTraffic: config.getBoolean('allowForwardedTraffic') ?? true,
    forwardingRuleState: oneOf(config, 'forwardingRuleState', ['Enabled', 'Disabled'] as const, 'Enabled'),
  };
}

export function accessPath(settings: StackSettings = readSettings()) {
  const { location } = settings;
  const hubGroup = new resources.ResourceGroup('hub', { resourceGroupName: settings.hubResourceGroupName, location });
  const spokeGroup = new resources.ResourceGroup('spoke', { resourceGroupName: settings.resourceGroupName, location });

  const hubVnet = new network.VirtualNetwork('vnet-hub', {
    resourceGroupName: hubGroup.name,
    virtualNetworkName: 'vnet-hub',
    location,
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
  });
  const spokeVnet = new network.VirtualNetwork('vnet-spoke', {
    resourceGroupName: spokeGroup.name,
    virtualNetworkName: `vnet-spoke-${settings.vaultName}`,
    location,
    addressSpace: { addressPrefixes: ['10.1.0.0/16'] },
    virtualNetworkPeerings: [
      {
        name: 'to-hub',
        remoteVirtualNetwork: { id: hubVnet.id },
        allowVirtualNetworkAccess: true,
        // Traffic the hub firewall forwards from another spoke enters here, so this side must accept it
        // (https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview#gateways-and-on-premises-connectivity).
        ...(settings.topology === 'hubFirewall' ? { allowForwardedTraffic: settings.allowForwardedTraffic } : {}),
      },
    ],
  });
  // Peering must exist on both sides to carry traffic; the spoke's side is declared inline above.
  new network.VirtualNetworkPeering('hub-to-spoke', {
    resourceGroupName: hubGroup.name,
    virtualNetworkName: hubVnet.name,
    virtualNetworkPeeringName: 'to-spoke',
    remoteVirtualNetwork: { id: spokeVnet.id },
    allowVirtualNetworkAccess: true,
    ...(settings.topology === 'hubFirewall' ? { allowForwardedTraffic: true } : {}),
  });
  const endpointSubnet = new network.Subnet('snet-private-endpoints', {
    resourceGroupName: spokeGroup.name,
    virtualNetworkName: spokeVnet.name,
    subnetName: 'snet-private-endpoints',
    addressPrefix: '10.1.1.0/24',
    privateEndpointNetworkPolicies: 'Disabled',
  });
  new network.Subnet(
    'snet-workload',
    {
      resourceGroupName: spokeGroup.name,
      virtualNetworkName: spokeVnet.name,
      subnetName: 'snet-workload',
      addressPrefix: '10.1.2.0/24',
    },
    { dependsOn: [endpointSubnet] },
  );

  const vault = new keyvault.Vault('vault', {
    resourceGroupName: spokeGroup.name,
    vaultName: settings.vaultName,
    location,
    properties: {
      tenantId: settings.tenantId,
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 7,
      enablePurgeProtection: true,
      publicNetworkAccess: settings.publicNetworkAccess,
      networkAcls: {
        bypass: 'AzureServices',
        defaultAction: settings.defaultAction,
        ipRules: settings.ipRules.map((value) => ({ value })),
        virtualNetworkRules: [],
      },
    },
  });

  const connection = { name: `${settings.vaultName}-connection`, privateLinkServiceId: vault.id, groupIds: ['vault'] };
  const endpoint = new network.PrivateEndpoint('endpoint', {
    resourceGroupName: spokeGroup.name,
    privateEndpointName: `pe-${settings.vaultName}`,
    location,
    subnet: { id: endpointSubnet.id },
    ...(settings.connection === 'manual'
      ? {
          manualPrivateLinkServiceConnections: [
            { ...connection, requestMessage: 'Requested by the application team, please approve' },
          ],
        }
      : { privateLinkServiceConnections: [connection] }),
  });

  const zone = new privatedns.PrivateZone('zone', {
    resourceGroupName: hubGroup.name,
    privateZoneName: settings.zoneName,
    location: 'global',
  });
  const linkTo = (name: string, vnet: network.VirtualNetwork) =>
    new privatedns.VirtualNetworkLink(name, {
      resourceGroupName: hubGroup.name,
      privateZoneName: zone.name,
      virtualNetworkLinkName: name,
      location: 'global',
      virtualNetwork: { id: vnet.id },
      registrationEnabled: false,
    });
  linkTo('link-vnet-hub', hubVnet);
  if (settings.linkSpoke) linkTo(`link-vnet-spoke-${settings.vaultName}`, spokeVnet);

  const around =
    settings.topology === 'hubFirewall'
      ? hubFirewall(settings, { hubGroup, spokeGroup, hubVnet, spokeVnet })
      : settings.topology === 'rulesetResolved'
        ? rulesetResolver(settings, { hubGroup, spokeGroup, hubVnet, spokeVnet })
        : {};

  if (settings.dnsRecords === 'zoneGroup') {
    new network.PrivateDnsZoneGroup('zone-group', {
      resourceGroupName: spokeGroup.name,
      privateEndpointName: endpoint.name,
      privateDnsZoneGroupName: 'default',
      privateDnsZoneConfigs: [{ name: 'vaultcore', privateDnsZoneId: zone.id }],
    });
  } else if (settings.dnsRecords === 'explicit') {
    // Without a zone group nothing keeps the record in step with the endpoint's NIC: it is written here.
    const endpointAddress = endpoint.customDnsConfigs.apply((configs) => configs?.[0]?.ipAddresses?.[0] ?? '');
    new privatedns.PrivateRecordSet('a-record', {
      resourceGroupName: hubGroup.name,
      privateZoneName: zone.name,
      recordType: 'A',
      relativeRecordSetName: settings.vaultName,
      ttl: 10,
      aRecords: [{ ipv4Address: settings.recordAddress ?? endpointAddress }],
    });
  }

  return { variant: settings.variant, vaultId: vault.id, endpointId: endpoint.id, zoneId: zone.id, ...around };
}

interface Surroundings {
  hubGroup: resources.ResourceGroup;
  spokeGroup: resources.ResourceGroup;
  hubVnet: network.VirtualNetwork;
  spokeVnet: network.VirtualNetwork;
}

/**
 * Microsoft's hub-spoke reference architecture
 * (https://learn.microsoft.com/azure/architecture/networking/architecture/hub-spoke): an Azure Firewall in the
 * hub's AzureFirewallSubnet (a /26, https://learn.microsoft.com/azure/firewall/firewall-faq), an app spoke whose
 * subnet sends 0.0.0.0/0 to the firewall's private address (next hop VirtualAppliance) and whose DNS server is
 * the firewall's DNS proxy (firewall policy `dnsSettings.enableProxy`,
 * https://learn.microsoft.com/azure/firewall/dns-settings), peered with the hub both ways. The audit's caller
 * is the app subnet: output `auditCallerSubnetId`.
 */
function hubFirewall(settings: StackSettings, { hubGroup, spokeGroup, hubVnet }: Surroundings) {
  const { location } = settings;
  const firewallSubnet = new network.Subnet('snet-firewall', {
    resourceGroupName: hubGroup.name,
    virtualNetworkName: hubVnet.name,
    subnetName: 'AzureFirewallSubnet',
    addressPrefix: '10.0.1.0/26',
  });
  const publicIp = new network.PublicIPAddress('pip-firewall', {
    resourceGroupName: hubGroup.name,
    publicIpAddressName: 'pip-fw-hub',
    location,
    sku: { name: 'Standard', tier: 'Regional' },
    publicIPAllocationMethod: 'Static',
  });
  const policy = new network.FirewallPolicy('firewall-policy', {
    resourceGroupName: hubGroup.name,
    firewallPolicyName: 'fwp-hub',
    location,
    sku: { tier: 'Standard' },
    dnsSettings: { enableProxy: true },
  });
  const firewall = new network.AzureFirewall('firewall', {
    resourceGroupName: hubGroup.name,
    azureFirewallName: 'fw-hub',
    location,
    sku: { name: 'AZFW_VNet', tier: 'Standard' },
    firewallPolicy: { id: policy.id },
    ipConfigurations: [
      { name: 'fw-ipconfig', subnet: { id: firewallSubnet.id }, publicIPAddress: { id: publicIp.id } },
    ],
  });
  // Azure picks the firewall's private address in AzureFirewallSubnet; routes and DNS settings point at it.
  const firewallIp = firewall.ipConfigurations.apply((configs) => configs?.[0]?.privateIPAddress ?? '');
  const routes = new network.RouteTable('rt-app', {
    resourceGroupName: spokeGroup.name,
    routeTableName: 'rt-app',
    location,
    disableBgpRoutePropagation: true,
    routes: [
      {
        name: 'default-to-firewall',
        addressPrefix: '0.0.0.0/0',
        nextHopType: 'VirtualAppliance',
        nextHopIpAddress: firewallIp,
      },
    ],
  });
  const appVnet = new network.VirtualNetwork('vnet-app', {
    resourceGroupName: spokeGroup.name,
    virtualNetworkName: 'vnet-app',
    location,
    addressSpace: { addressPrefixes: ['10.2.0.0/16'] },
    dhcpOptions: { dnsServers: [firewallIp] },
    virtualNetworkPeerings: [
      {
        name: 'to-hub',
        remoteVirtualNetwork: { id: hubVnet.id },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
      },
    ],
  });
  new network.VirtualNetworkPeering('hub-to-app', {
    resourceGroupName: hubGroup.name,
    virtualNetworkName: hubVnet.name,
    virtualNetworkPeeringName: 'to-app',
    remoteVirtualNetwork: { id: appVnet.id },
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: true,
  });
  const appSubnet = new network.Subnet('snet-app', {
    resourceGroupName: spokeGroup.name,
    virtualNetworkName: appVnet.name,
    subnetName: 'snet-app',
    addressPrefix: '10.2.1.0/24',
    routeTable: { id: routes.id },
  });
  return { firewallIp, auditCallerSubnetId: appSubnet.id };
}

/**
 * A spoke that resolves through a DNS Private Resolver (https://learn.microsoft.com/azure/dns/private-resolver-architecture):
 * inbound and outbound endpoints in delegated hub subnets, a forwarding ruleset on the outbound endpoint linked to
 * the spoke, whose rule sends `privatelink.vaultcore.azure.net.` to the inbound endpoint's address; the zone is
 * linked to the hub only, so the spoke's answer comes from the hub's link.
 */
function rulesetResolver(settings: StackSettings, { hubGroup, hubVnet, spokeVnet }: Surroundings) {
  const { location } = settings;
  const delegated = (name: string, subnetName: string, addressPrefix: string, after: pulumi.Resource[]) =>
    new network.Subnet(
      name,
      {
        resourceGroupName: hubGroup.name,
        virtualNetworkName: hubVnet.name,
        subnetName,
        addressPrefix,
        delegations: [{ name: 'Microsoft.Network.dnsResolvers', serviceName: 'Microsoft.Network/dnsResolvers' }],
      },
      { dependsOn: after },
    );
  const inboundSubnet = delegated('snet-dns-inbound', 'snet-dns-inbound', '10.0.0.0/28', []);
  const outboundSubnet = delegated('snet-dns-outbound', 'snet-dns-outbound', '10.0.0.16/28', [inboundSubnet]);
  const resolver = new dnsresolver.DnsResolver('resolver', {
    resourceGroupName: hubGroup.name,
    dnsResolverName: 'dnspr-hub',
    location,
    virtualNetwork: { id: hubVnet.id },
  });
  const inbound = new dnsresolver.InboundEndpoint('inbound-endpoint', {
    resourceGroupName: hubGroup.name,
    dnsResolverName: resolver.name,
    inboundEndpointName: 'in-hub',
    location,
    ipConfigurations: [{ subnet: { id: inboundSubnet.id }, privateIpAllocationMethod: 'Dynamic' }],
  });
  const outbound = new dnsresolver.OutboundEndpoint('outbound-endpoint', {
    resourceGroupName: hubGroup.name,
    dnsResolverName: resolver.name,
    outboundEndpointName: 'out-hub',
    location,
    subnet: { id: outboundSubnet.id },
  });
  const ruleset = new dnsresolver.DnsForwardingRuleset('ruleset', {
    resourceGroupName: hubGroup.name,
    dnsForwardingRulesetName: 'rs-hub',
    location,
    dnsResolverOutboundEndpoints: [{ id: outbound.id }],
  });
  const inboundIp = inbound.ipConfigurations.apply((configs) => configs?.[0]?.privateIpAddress ?? '');
  new dnsresolver.ForwardingRule('rule-privatelink', {
    resourceGroupName: hubGroup.name,
    dnsForwardingRulesetName: ruleset.name,
    forwardingRuleName: 'privatelink-vaultcore',
    domainName: `${settings.zoneName}.`,
    forwardingRuleState: settings.forwardingRuleState,
    targetDnsServers: [{ ipAddress: inboundIp, port: 53 }],
  });
  new dnsresolver.PrivateResolverVirtualNetworkLink('ruleset-link-spoke', {
    resourceGroupName: hubGroup.name,
    dnsForwardingRulesetName: ruleset.name,
    virtualNetworkLinkName: 'link-vnet-spoke',
    virtualNetwork: { id: spokeVnet.id },
  });
  return { inboundIp };
}
