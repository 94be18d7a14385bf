import { modelsByName, type ModelRef } from './sdk-model';

/**
 * For each route type the emulator serves, the model of the SDK client that calls it: the item model (GET,
 * PUT answers) and the list model (`{value, nextLink}` pages). Names as generated in node_modules:
 * @azure/arm-keyvault 5 `dist/commonjs/models/models.d.ts`, @azure/arm-network 39 `models/common/models.d.ts`
 * and `models/models.d.ts` (list results), @azure/arm-privatedns 4, @azure/arm-monitor 8
 * `models/diagnosticsSettings`, @azure/arm-resourcegraph 5 `models/resourceGraphApi`, @azure/arm-authorization 9
 * `src/models/mappers.ts`. A served type missing here fails the conformance test.
 *
 * Resource groups and the subscription are not called by any SDK the project ships (they are ARM's own
 * Microsoft.Resources routes): `RESOURCES_SPEC` below holds their models from Microsoft's spec
 * (azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json
 * `ResourceGroup`, `ResourceGroupProperties`; subscriptions/stable/2022-12-01/subscriptions.json `Subscription`).
 */
export interface RouteModels {
  item?: ModelRef;
  list?: ModelRef;
}

const kv = (model: string): ModelRef => ({ sdk: '@azure/arm-keyvault', file: 'models/models', model });
const netCommon = (model: string): ModelRef => ({ sdk: '@azure/arm-network', file: 'models/common/models', model });
const netNetwork = (model: string): ModelRef => ({ sdk: '@azure/arm-network', file: 'models/network/models', model });
const netLists = (model: string): ModelRef => ({ sdk: '@azure/arm-network', file: 'models/models', model });
const dns = (model: string): ModelRef => ({ sdk: '@azure/arm-privatedns', file: 'models/models', model });
const monitor = (model: string): ModelRef => ({
  sdk: '@azure/arm-monitor',
  file: 'models/diagnosticsSettings/models',
  model,
});
const authz = (model: string): ModelRef => ({ sdk: '@azure/arm-authorization', file: 'mappers', model });
const recordSets: RouteModels = { item: dns('RecordSet'), list: dns('_RecordSetListResult') };
/** @azure/arm-dnsresolver 1.1.0 is a classic SDK: its `src/models/mappers.ts`. */
const resolver = (model: string): RouteModels => ({
  item: { sdk: '@azure/arm-dnsresolver', file: 'mappers', model },
  list: { sdk: '@azure/arm-dnsresolver', file: 'mappers', model: `${model}ListResult` },
});

export const ROUTE_MODELS: Record<string, RouteModels> = {
  'microsoft.keyvault/vaults': { item: kv('Vault'), list: kv('_VaultListResult') },
  'microsoft.keyvault/vaults/privateendpointconnections': {
    item: kv('PrivateEndpointConnection'),
    list: kv('_PrivateEndpointConnectionListResult'),
  },
  'microsoft.keyvault/managedhsms': { item: kv('ManagedHsm'), list: kv('_ManagedHsmListResult') },
  'microsoft.keyvault/managedhsms/privateendpointconnections': {
    item: kv('MhsmPrivateEndpointConnection'),
    list: kv('_MhsmPrivateEndpointConnectionsListResult'),
  },
  'microsoft.network/privateendpoints': {
    item: netCommon('PrivateEndpoint'),
    list: netLists('_PrivateEndpointListResult'),
  },
  'microsoft.network/privateendpoints/privatednszonegroups': {
    item: netNetwork('PrivateDnsZoneGroup'),
    list: netNetwork('_PrivateDnsZoneGroupListResult'),
  },
  'microsoft.network/networkinterfaces': {
    item: netCommon('NetworkInterface'),
    list: netLists('_NetworkInterfaceListResult'),
  },
  'microsoft.network/virtualnetworks': {
    item: netCommon('VirtualNetwork'),
    list: netLists('_VirtualNetworkListResult'),
  },
  'microsoft.network/virtualnetworks/subnets': { item: netCommon('Subnet'), list: netLists('_SubnetListResult') },
  'microsoft.network/virtualnetworks/virtualnetworkpeerings': {
    item: netCommon('VirtualNetworkPeering'),
    list: netLists('_VirtualNetworkPeeringListResult'),
  },
  'microsoft.network/privatednszones': { item: dns('PrivateZone'), list: dns('_PrivateZoneListResult') },
  // Issue 11's routing and name-resolution types.
  'microsoft.network/routetables': { item: netCommon('RouteTable'), list: netLists('_RouteTableListResult') },
  'microsoft.network/routetables/routes': { item: netCommon('Route'), list: netLists('_RouteListResult') },
  'microsoft.network/networksecuritygroups': {
    item: netCommon('NetworkSecurityGroup'),
    list: netLists('_NetworkSecurityGroupListResult'),
  },
  'microsoft.network/networksecuritygroups/securityrules': {
    item: netCommon('SecurityRule'),
    list: netLists('_SecurityRuleListResult'),
  },
  'microsoft.network/publicipaddresses': {
    item: netCommon('PublicIPAddress'),
    list: netLists('_PublicIPAddressListResult'),
  },
  'microsoft.network/azurefirewalls': { item: netNetwork('AzureFirewall'), list: netLists('_AzureFirewallListResult') },
  'microsoft.network/firewallpolicies': {
    item: netNetwork('FirewallPolicy'),
    list: netLists('_FirewallPolicyListResult'),
  },
  'microsoft.network/virtualwans': { item: netNetwork('VirtualWAN'), list: netNetwork('_ListVirtualWANsResult') },
  'microsoft.network/virtualhubs': { item: netNetwork('VirtualHub'), list: netNetwork('_ListVirtualHubsResult') },
  'microsoft.network/virtualhubs/hubvirtualnetworkconnections': {
    item: netNetwork('HubVirtualNetworkConnection'),
    list: netNetwork('_ListHubVirtualNetworkConnectionsResult'),
  },
  'microsoft.network/virtualhubs/hubroutetables': {
    item: netNetwork('HubRouteTable'),
    list: netNetwork('_ListHubRouteTablesResult'),
  },
  'microsoft.network/dnsresolvers': resolver('DnsResolver'),
  'microsoft.network/dnsresolvers/inboundendpoints': resolver('InboundEndpoint'),
  'microsoft.network/dnsresolvers/outboundendpoints': resolver('OutboundEndpoint'),
  'microsoft.network/dnsforwardingrulesets': resolver('DnsForwardingRuleset'),
  'microsoft.network/dnsforwardingrulesets/forwardingrules': resolver('ForwardingRule'),
  'microsoft.network/dnsforwardingrulesets/virtualnetworklinks': resolver('VirtualNetworkLink'),
  'microsoft.network/privatednszones/virtualnetworklinks': {
    item: dns('VirtualNetworkLink'),
    list: dns('_VirtualNetworkLinkListResult'),
  },
  'microsoft.network/privatednszones/a': recordSets,
  'microsoft.network/privatednszones/aaaa': recordSets,
  'microsoft.network/privatednszones/cname': recordSets,
  'microsoft.network/privatednszones/mx': recordSets,
  'microsoft.network/privatednszones/ptr': recordSets,
  'microsoft.network/privatednszones/soa': recordSets,
  'microsoft.network/privatednszones/srv': recordSets,
  'microsoft.network/privatednszones/txt': recordSets,
  'microsoft.network/privatednszones/all': recordSets,
  'microsoft.insights/diagnosticsettings': {
    item: monitor('DiagnosticSettingsResource'),
    list: monitor('_DiagnosticSettingsResourceCollection'),
  },
  'microsoft.authorization/roleassignments': { item: authz('RoleAssignment'), list: authz('RoleAssignmentListResult') },
  'microsoft.authorization/roledefinitions': { item: authz('RoleDefinition'), list: authz('RoleDefinitionListResult') },
  // arm-keyvault's Vaults.list calls the generic resource list.
  'microsoft.resources/resources': { list: kv('_ResourceListResult') },
  'microsoft.resourcegraph/resources': {
    item: { sdk: '@azure/arm-resourcegraph', file: 'models/resourceGraphApi/models', model: 'QueryResponse' },
  },
  'microsoft.resources/resourcegroups': {
    item: { sdk: 'spec', file: 'resources', model: 'ResourceGroup' },
    list: { sdk: 'spec', file: 'resources', model: 'ResourceGroupListResult' },
  },
  'microsoft.resources/subscriptions': { item: { sdk: 'spec', file: 'resources', model: 'Subscription' } },
};

/**
 * The SDK that models a type the table above does not list, by its top-level type (DNS Private Resolver and
 * Private DNS live under Microsoft.Network but ship in their own packages), else by namespace.
 */
const SDK_BY_TOP_TYPE: Record<string, string> = {
  'microsoft.network/dnsresolvers': '@azure/arm-dnsresolver',
  'microsoft.network/dnsforwardingrulesets': '@azure/arm-dnsresolver',
  'microsoft.network/dnsresolverpolicies': '@azure/arm-dnsresolver',
  'microsoft.network/privatednszones': '@azure/arm-privatedns',
};
const SDK_BY_NAMESPACE: Record<string, string> = {
  'microsoft.network': '@azure/arm-network',
  'microsoft.keyvault': '@azure/arm-keyvault',
  'microsoft.insights': '@azure/arm-monitor',
  'microsoft.authorization': '@azure/arm-authorization',
};

/**
 * The models judging a route type: the table above, else the SDK's own naming (sdk-model.ts modelsByName), so a
 * type added to the emulator's route table (the topology types of issue 11: route tables, NSGs, firewalls,
 * Virtual WAN, DNS resolvers…) is checked with no edit here as long as an installed SDK models it.
 */
export function modelsOf(type: string): RouteModels | undefined {
  const listed = ROUTE_MODELS[type.toLowerCase()];
  if (listed) return listed;
  const [namespace = '', top = ''] = type.toLowerCase().split('/');
  const sdk = SDK_BY_TOP_TYPE[`${namespace}/${top}`] ?? SDK_BY_NAMESPACE[namespace];
  const found = sdk ? modelsByName(sdk, type) : {};
  return found.item || found.list ? found : undefined;
}
