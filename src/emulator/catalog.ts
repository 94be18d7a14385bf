import { TOPOLOGY_SPECS } from './catalog-topology';
import {
  DIAGNOSTIC_SETTINGS_VERSIONS,
  KEYVAULT_VERSIONS,
  MANAGED_HSM_VERSIONS,
  NETWORK_VERSIONS,
  PRIVATE_DNS_VERSIONS,
  PRIVATE_ENDPOINT_VERSIONS,
  RESOURCES_VERSIONS,
  ROLE_ASSIGNMENT_VERSIONS,
  ROLE_DEFINITION_VERSIONS,
  SUBSCRIPTION_VERSIONS,
  ZONE_GROUP_VERSIONS,
} from './api-versions';

/**
 * Routes (case-insensitive; {sub}/{rg} = /subscriptions/{sub}/resourceGroups/{rg}; GET lists page with nextLink):
 *
 *   GET        /subscriptions/{sub}                                           subscription
 *   GET        /subscriptions/{sub}/resourcegroups            GET|PUT|DELETE /subscriptions/{sub}/resourcegroups/{rg}
 *   GET        /subscriptions/{sub}/resources, {sub}/{rg}/resources          generic list ($filter=resourceType eq '...')
 *   GET        /subscriptions/{sub}/providers/{T}  and  {sub}/{rg}/providers/{T}     for every tracked T below
 *   GET|PUT|DELETE {sub}/{rg}/providers/{T}/{name}
 *     T = Microsoft.KeyVault/vaults, Microsoft.KeyVault/managedHSMs, Microsoft.Network/privateEndpoints,
 *         Microsoft.Network/networkInterfaces, Microsoft.Network/virtualNetworks, Microsoft.Network/privateDnsZones
 *   GET (list) and GET|PUT|DELETE (item) on children:
 *     .../vaults/{v}/privateEndpointConnections[/{c}], .../managedHSMs/{h}/privateEndpointConnections[/{c}]
 *     .../privateEndpoints/{pe}/privateDnsZoneGroups[/{g}], .../virtualNetworks/{vnet}/subnets[/{s}],
 *     .../virtualNetworks/{vnet}/virtualNetworkPeerings[/{p}]
 *     .../privateDnsZones/{z}/virtualNetworkLinks[/{l}], .../privateDnsZones/{z}/{A|AAAA|CNAME|MX|PTR|SOA|SRV|TXT}[/{r}]
 *     GET .../privateDnsZones/{z}/ALL (every record set)
 *   {resourceId}/providers/Microsoft.Insights/diagnosticSettings[/{name}]         list, GET|PUT|DELETE
 *   {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]            list ($filter atScope(), principalId eq, assignedTo), GET|PUT|DELETE
 *   {scope}/providers/Microsoft.Authorization/roleDefinitions[/{id}]              list ($filter roleName eq, type eq), GET|PUT|DELETE
 *
 * The resource types the emulator serves and the api-versions it accepts for each. The first version of
 * each list is the one the installed SDK sends (read from node_modules/@azure/arm-*: arm-keyvault 5 →
 * 2026-02-01, arm-network 39 → 2026-01-01, arm-privatedns 4 → 2024-06-01, arm-monitor 8 diagnostic
 * settings → 2021-05-01-preview, arm-authorization 9 role assignments/definitions → 2022-04-01); the
 * others are the versions of Microsoft's examples in test/fixtures/arm-examples and a few recent ones.
 */
export type TypeKind =
  /** lives in a resource group, listed by subscription and by resource group */
  | 'tracked'
  /** nested under a parent resource, listed by parent */
  | 'child'
  /** a subnet, VNet peering or vault connection: stored inside its parent's properties, served as its own resource too */
  | 'embedded'
  /** attached to any scope (`{scope}/providers/...`), listed by scope */
  | 'extension';

export interface TypeSpec {
  /** ARM type with Microsoft's casing, e.g. `Microsoft.Network/privateDnsZones/A`. */
  type: string;
  kind: TypeKind;
  apiVersions: readonly string[];
  /** The parent's property holding embedded children, e.g. `subnets`. */
  embeddedIn?: string;
  /** Counts against the private DNS quota (500 GETs per 5 minutes per subscription). */
  privateDns?: boolean;
  /**
   * Top-level fields the emulator keeps for itself but the type's model does not define, so never answered:
   * `PrivateDnsZoneGroup` has `id`, `name`, `etag`, `properties` and no `type` (arm-network models, and
   * Microsoft's PrivateEndpointDnsZoneGroupGet example).
   */
  unanswered?: readonly string[];
  /**
   * The list operations of this type take `$top` (Vaults_ListBySubscription/ListByResourceGroup,
   * ManagedHsms_List*, PrivateZones_List*, VirtualNetworkLinks_List, RecordSets_List*, Resources_List,
   * ResourceGroups_List); elsewhere the parameter is not in the spec and the service ignores it.
   */
  top?: boolean;
}

const KEYVAULT = KEYVAULT_VERSIONS;
const NETWORK = NETWORK_VERSIONS;
const PRIVATE_DNS = PRIVATE_DNS_VERSIONS;
const RESOURCES = RESOURCES_VERSIONS;

/** Private DNS record types ARM serves under `.../privateDnsZones/{zone}/{recordType}`. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SOA', 'SRV', 'TXT'] as const;

const SPECS: TypeSpec[] = [
  { type: 'Microsoft.KeyVault/vaults', kind: 'tracked', apiVersions: KEYVAULT, top: true },
  {
    type: 'Microsoft.KeyVault/vaults/privateEndpointConnections',
    kind: 'embedded',
    embeddedIn: 'privateEndpointConnections',
    apiVersions: KEYVAULT,
  },
  { type: 'Microsoft.KeyVault/managedHSMs', kind: 'tracked', apiVersions: MANAGED_HSM_VERSIONS, top: true },
  {
    type: 'Microsoft.KeyVault/managedHSMs/privateEndpointConnections',
    kind: 'embedded',
    embeddedIn: 'privateEndpointConnections',
    apiVersions: MANAGED_HSM_VERSIONS,
  },
  { type: 'Microsoft.Network/privateEndpoints', kind: 'tracked', apiVersions: PRIVATE_ENDPOINT_VERSIONS },
  {
    type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    kind: 'child',
    apiVersions: ZONE_GROUP_VERSIONS,
    unanswered: ['type'],
  },
  { type: 'Microsoft.Network/networkInterfaces', kind: 'tracked', apiVersions: NETWORK },
  { type: 'Microsoft.Network/virtualNetworks', kind: 'tracked', apiVersions: NETWORK },
  { type: 'Microsoft.Network/virtualNetworks/subnets', kind: 'embedded', embeddedIn: 'subnets', apiVersions: NETWORK },
  {
    type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
    kind: 'embedded',
    embeddedIn: 'virtualNetworkPeerings',
    apiVersions: NETWORK,
  },
  { type: 'Microsoft.Network/privateDnsZones', kind: 'tracked', apiVersions: PRIVATE_DNS, privateDns: true, top: true },
  {
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    kind: 'child',
    apiVersions: PRIVATE_DNS,
    privateDns: true,
    top: true,
  },
  ...RECORD_TYPES.map((recordType): TypeSpec => ({
    type: `Microsoft.Network/privateDnsZones/${recordType}`,
    kind: 'child',
    apiVersions: PRIVATE_DNS,
    privateDns: true,
    top: true,
  })),
  {
    type: 'Microsoft.Insights/diagnosticSettings',
    kind: 'extension',
    apiVersions: DIAGNOSTIC_SETTINGS_VERSIONS,
  },
  { type: 'Microsoft.Authorization/roleAssignments', kind: 'extension', apiVersions: ROLE_ASSIGNMENT_VERSIONS },
  { type: 'Microsoft.Authorization/roleDefinitions', kind: 'extension', apiVersions: ROLE_DEFINITION_VERSIONS },
  // Route tables, NSGs, firewalls, Virtual WAN, DNS Private Resolver (issue 11): see catalog-topology.ts.
  ...TOPOLOGY_SPECS,
];

/** `GET .../privateDnsZones/{zone}/ALL`: every record set of the zone (RecordSets_List). */
export const ALL_RECORD_SETS: TypeSpec = {
  type: 'Microsoft.Network/privateDnsZones/ALL',
  kind: 'child',
  apiVersions: PRIVATE_DNS,
  privateDns: true,
  top: true,
};
/** Resource groups, `GET /subscriptions/{s}/resources` (generic list, Vaults.list in arm-keyvault) and the subscription itself. */
export const RESOURCE_GROUPS: TypeSpec = {
  type: 'Microsoft.Resources/resourceGroups',
  kind: 'tracked',
  apiVersions: RESOURCES,
  top: true,
};
export const GENERIC_RESOURCES: TypeSpec = {
  type: 'Microsoft.Resources/resources',
  kind: 'tracked',
  apiVersions: RESOURCES,
  top: true,
};
export const SUBSCRIPTIONS: TypeSpec = {
  type: 'Microsoft.Resources/subscriptions',
  kind: 'tracked',
  apiVersions: SUBSCRIPTION_VERSIONS,
};

const BY_TYPE = new Map<string, TypeSpec>([...SPECS, ALL_RECORD_SETS].map((spec) => [spec.type.toLowerCase(), spec]));

export function typeSpec(type: string): TypeSpec | undefined {
  return BY_TYPE.get(type.toLowerCase());
}

/**
 * Child types whose model has no `type` (they extend SubResource: id, name, etag, properties), whichever table
 * serves them: arm-network's PrivateDnsZoneGroup and HubVirtualNetworkConnection, as Microsoft's
 * PrivateEndpointDnsZoneGroupGet.json and HubVirtualNetworkConnectionGet.json answer them.
 */
const UNTYPED = new Set([
  'microsoft.network/privateendpoints/privatednszonegroups',
  'microsoft.network/virtualhubs/hubvirtualnetworkconnections',
]);

/** Top-level fields the emulator keeps for itself but never answers for this type. */
export function unansweredFields(spec: TypeSpec | undefined): readonly string[] {
  if (!spec) return [];
  return spec.unanswered ?? (UNTYPED.has(spec.type.toLowerCase()) ? ['type'] : []);
}

export function servedTypes(): readonly TypeSpec[] {
  return SPECS;
}

export function isRecordSetType(type: string): boolean {
  return (
    /^microsoft\.network\/privatednszones\/[a-z]+$/i.test(type) &&
    type.toLowerCase() !== 'microsoft.network/privatednszones/virtualnetworklinks'
  );
}

/** One route the emulator answers: an item GET (and PUT/DELETE where writable), a list GET, or a query POST. */
export interface ServedRoute {
  type: string;
  shape: 'item' | 'list' | 'query';
  spec: TypeSpec | undefined;
}

/** `POST /providers/Microsoft.ResourceGraph/resources`. */
export const GRAPH_RESOURCES_TYPE = 'Microsoft.ResourceGraph/resources';

/**
 * Every route the emulator serves, from the tables above: the conformance test walks this list, so a type
 * added to SPECS is checked against its SDK's model without anyone remembering to.
 */
export function routeTable(): ServedRoute[] {
  const routes: ServedRoute[] = [];
  for (const spec of [...SPECS, RESOURCE_GROUPS]) {
    routes.push({ type: spec.type, shape: 'item', spec }, { type: spec.type, shape: 'list', spec });
  }
  routes.push(
    { type: ALL_RECORD_SETS.type, shape: 'list', spec: ALL_RECORD_SETS },
    { type: GENERIC_RESOURCES.type, shape: 'list', spec: GENERIC_RESOURCES },
    { type: SUBSCRIPTIONS.type, shape: 'item', spec: SUBSCRIPTIONS },
    { type: GRAPH_RESOURCES_TYPE, shape: 'query', spec: undefined },
  );
  return routes;
}
