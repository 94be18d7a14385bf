import * as pulumi from '@pulumi/pulumi';
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
] as const;

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
      { name: 'to-hub', remoteVirtualNetwork: { id: hubVnet.id }, allowVirtualNetworkAccess: true },
    ],
  });
  // Peering must exist on both sides to carry traffic; the spoke's side is declared inline above.
  new network.VirtualNetworkPeering('hub-to-spoke', {
    resourceGroupName: hubGroup.name,
    virtualNetworkName: hubVnet.name,
    virtualNetworkPeeringName: 'to-spoke',
    remoteVirtualNetwork: { id: spokeVnet.id },
    allowVirtualNetworkAccess: true,
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

  return { variant: settings.variant, vaultId: vault.id, endpointId: endpoint.id, zoneId: zone.id };
}
