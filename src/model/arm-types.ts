/**
 * The ARM resource types kvguard reads, written as ARM writes them (the casing of Microsoft's REST specs:
 * `Microsoft.KeyVault/managedHSMs`, `Microsoft.Network/privateDnsZones/A`). One table for every layer: the model
 * derives its lower-cased keys from it (Resource Graph lower-cases `type`, ARM GET does not), and sources,
 * fixtures and the Pulumi and Terraform adapters name types through it.
 */
export const ARM_TYPES = {
  vault: 'Microsoft.KeyVault/vaults',
  managedHsm: 'Microsoft.KeyVault/managedHSMs',
  vaultConnection: 'Microsoft.KeyVault/vaults/privateEndpointConnections',
  managedHsmConnection: 'Microsoft.KeyVault/managedHSMs/privateEndpointConnections',
  privateEndpoint: 'Microsoft.Network/privateEndpoints',
  zoneGroup: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
  networkInterface: 'Microsoft.Network/networkInterfaces',
  privateDnsZone: 'Microsoft.Network/privateDnsZones',
  virtualNetworkLink: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
  aRecordSet: 'Microsoft.Network/privateDnsZones/A',
  virtualNetwork: 'Microsoft.Network/virtualNetworks',
  subnet: 'Microsoft.Network/virtualNetworks/subnets',
  diagnosticSetting: 'Microsoft.Insights/diagnosticSettings',
  roleAssignment: 'Microsoft.Authorization/roleAssignments',
  roleDefinition: 'Microsoft.Authorization/roleDefinitions',
  peering: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
  routeTable: 'Microsoft.Network/routeTables',
  networkSecurityGroup: 'Microsoft.Network/networkSecurityGroups',
  azureFirewall: 'Microsoft.Network/azureFirewalls',
  firewallPolicy: 'Microsoft.Network/firewallPolicies',
  virtualWan: 'Microsoft.Network/virtualWans',
  virtualHub: 'Microsoft.Network/virtualHubs',
  hubConnection: 'Microsoft.Network/virtualHubs/hubVirtualNetworkConnections',
  hubRouteTable: 'Microsoft.Network/virtualHubs/hubRouteTables',
  dnsResolver: 'Microsoft.Network/dnsResolvers',
  inboundEndpoint: 'Microsoft.Network/dnsResolvers/inboundEndpoints',
  outboundEndpoint: 'Microsoft.Network/dnsResolvers/outboundEndpoints',
  forwardingRuleset: 'Microsoft.Network/dnsForwardingRulesets',
  forwardingRule: 'Microsoft.Network/dnsForwardingRulesets/forwardingRules',
  rulesetLink: 'Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks',
} as const;

export type ArmTypeKey = keyof typeof ARM_TYPES;

/** The lower-cased types of some keys, keeping their literal types (the model's lookup keys). */
export function lowerCased<K extends ArmTypeKey>(keys: readonly K[]): { [P in K]: Lowercase<(typeof ARM_TYPES)[P]> } {
  return Object.fromEntries(keys.map((key) => [key, ARM_TYPES[key].toLowerCase()])) as {
    [P in K]: Lowercase<(typeof ARM_TYPES)[P]>;
  };
}
