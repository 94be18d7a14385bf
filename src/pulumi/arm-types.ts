import { asObject, type JsonObject, type JsonValue } from '../model/arm';

/**
 * How each azure-native v3 resource maps onto ARM: its ARM type, the path parameters (inputs such as
 * `resourceGroupName`, `vaultName`) that make up its ARM id, the api-version the harness PUTs it with (one
 * the emulator serves), and which of its inputs are sub-resources ARM wraps in `properties`. azure-native
 * flattens ARM's `properties` into the resource's inputs and outputs, except for the vault, which keeps
 * `properties` (https://www.pulumi.com/registry/packages/azure-native/api-docs/keyvault/vault/).
 */
export interface IdSegment {
  /** Literal text of the id (`providers/Microsoft.KeyVault/vaults`). */
  literal?: string;
  /** The input holding this segment's name (`vaultName`). */
  param?: string;
}

export interface TypeMapping {
  token: string;
  armType: string;
  apiVersion: string;
  /** Id after `/subscriptions/{subscriptionId}`. */
  segments: IdSegment[];
  /** The input naming the resource itself (the id's last segment); absent: Pulumi auto-names it. */
  nameParam: string;
  /** The vault keeps ARM's `properties`; every other type is flattened. */
  keepsProperties?: boolean;
  /** Inputs holding sub-resources (`{name, ...}`) that ARM writes as `{name, properties: {...}}`. */
  subResources?: string[];
  /** Private DNS resources are global. */
  global?: boolean;
  /** An extension resource: the id starts with this input's value (a whole ARM id), not the subscription. */
  scopeParam?: string;
  /**
   * Output fields Azure decides at deployment, beyond the common ones (`id`, `etag`, `provisioningState`...):
   * during a preview they are unknown even when the program leaves them out. Any other output field the
   * program does not set is ARM's default (azure-native's preview marks every output it has no input for as
   * unknown, so the adapter needs to tell the two apart). Paths as plain.ts records them, `[]` for any index.
   */
  computed?: string[];
  /**
   * Fields holding everything the entity is built from: unknown as a whole, every field of the entity is
   * unknown. (Any other object unknown as a whole is filled with stand-in objects, see taint.ts.)
   */
  objectPaths?: string[];
}

const NETWORK = '2024-05-01';
const PRIVATE_DNS = '2024-06-01';
const rg = (...rest: IdSegment[]): IdSegment[] => [
  { literal: 'resourceGroups' },
  { param: 'resourceGroupName' },
  ...rest,
];
const lit = (literal: string): IdSegment => ({ literal });
const par = (param: string): IdSegment => ({ param });

/** One network resource under a resource group: `providers/Microsoft.Network/<collection>/{param}`. */
const network = (token: string, collection: string, param: string, extra: Partial<TypeMapping> = {}): TypeMapping => ({
  token: `azure-native:network:${token}`,
  armType: `Microsoft.Network/${collection}`,
  apiVersion: NETWORK,
  segments: rg(lit(`providers/Microsoft.Network/${collection}`), par(param)),
  nameParam: param,
  ...extra,
});
const child = (parent: TypeMapping, collection: string, param: string, token: string): TypeMapping => ({
  token,
  armType: `${parent.armType}/${collection}`,
  apiVersion: parent.apiVersion,
  segments: [...parent.segments, lit(collection), par(param)],
  nameParam: param,
});
const DNS_RESOLVER = '2022-07-01';
const dnsResolver = (token: string, collection: string, param: string): TypeMapping => ({
  token: `azure-native:dnsresolver:${token}`,
  armType: `Microsoft.Network/${collection}`,
  apiVersion: DNS_RESOLVER,
  segments: rg(lit(`providers/Microsoft.Network/${collection}`), par(param)),
  nameParam: param,
});
const ROUTE_TABLE = network('RouteTable', 'routeTables', 'routeTableName', { subResources: ['routes'] });
const NSG = network('NetworkSecurityGroup', 'networkSecurityGroups', 'networkSecurityGroupName', {
  subResources: ['securityRules'],
});
const VIRTUAL_HUB = network('VirtualHub', 'virtualHubs', 'virtualHubName');
const RESOLVER = dnsResolver('DnsResolver', 'dnsResolvers', 'dnsResolverName');
const RULESET = dnsResolver('DnsForwardingRuleset', 'dnsForwardingRulesets', 'dnsForwardingRulesetName');

/**
 * The enterprise topology around the access path (routes, NSGs, firewalls, Virtual WAN, Private DNS Resolver):
 * mapped so a stack that declares them hands them to the estate, whose normalizer decides what it models.
 */
const NETWORK_TOPOLOGY: TypeMapping[] = [
  ROUTE_TABLE,
  child(ROUTE_TABLE, 'routes', 'routeName', 'azure-native:network:Route'),
  NSG,
  child(NSG, 'securityRules', 'securityRuleName', 'azure-native:network:SecurityRule'),
  // A VNet firewall's private address is Azure's choice (AzureFirewallIPConfiguration.privateIPAddress is read-only).
  network('AzureFirewall', 'azureFirewalls', 'azureFirewallName', {
    subResources: ['ipConfigurations'],
    computed: ['ipConfigurations[].privateIPAddress'],
  }),
  network('PublicIPAddress', 'publicIPAddresses', 'publicIpAddressName', { computed: ['ipAddress'] }),
  network('FirewallPolicy', 'firewallPolicies', 'firewallPolicyName'),
  network('VirtualWan', 'virtualWans', 'virtualWANName'),
  VIRTUAL_HUB,
  child(
    VIRTUAL_HUB,
    'hubVirtualNetworkConnections',
    'connectionName',
    'azure-native:network:HubVirtualNetworkConnection',
  ),
  child(VIRTUAL_HUB, 'hubRouteTables', 'routeTableName', 'azure-native:network:HubRouteTable'),
  RESOLVER,
  // A Dynamic inbound endpoint's address is Azure's choice (arm-dnsresolver IpConfiguration.privateIpAddress).
  {
    ...child(RESOLVER, 'inboundEndpoints', 'inboundEndpointName', 'azure-native:dnsresolver:InboundEndpoint'),
    computed: ['ipConfigurations[].privateIpAddress'],
  },
  child(RESOLVER, 'outboundEndpoints', 'outboundEndpointName', 'azure-native:dnsresolver:OutboundEndpoint'),
  RULESET,
  child(RULESET, 'forwardingRules', 'forwardingRuleName', 'azure-native:dnsresolver:ForwardingRule'),
  child(
    RULESET,
    'virtualNetworkLinks',
    'virtualNetworkLinkName',
    'azure-native:dnsresolver:PrivateResolverVirtualNetworkLink',
  ),
];

const MAPPINGS: TypeMapping[] = [
  {
    token: 'azure-native:resources:ResourceGroup',
    armType: 'Microsoft.Resources/resourceGroups',
    apiVersion: '2024-03-01',
    segments: rg(),
    nameParam: 'resourceGroupName',
  },
  {
    token: 'azure-native:keyvault:Vault',
    armType: 'Microsoft.KeyVault/vaults',
    apiVersion: '2023-07-01',
    segments: rg(lit('providers/Microsoft.KeyVault/vaults'), par('vaultName')),
    nameParam: 'vaultName',
    keepsProperties: true,
    computed: ['properties.vaultUri', 'properties.privateEndpointConnections', 'properties.hsmPoolResourceId'],
    // `properties` as a whole: the vault entity is built from nothing else.
    objectPaths: ['properties'],
  },
  {
    // The vault's side of a private endpoint connection, declared to approve or reject it.
    token: 'azure-native:keyvault:PrivateEndpointConnection',
    armType: 'Microsoft.KeyVault/vaults/privateEndpointConnections',
    apiVersion: '2023-07-01',
    segments: rg(
      lit('providers/Microsoft.KeyVault/vaults'),
      par('vaultName'),
      lit('privateEndpointConnections'),
      par('privateEndpointConnectionName'),
    ),
    nameParam: 'privateEndpointConnectionName',
    computed: ['privateEndpoint'],
  },
  {
    token: 'azure-native:monitor:DiagnosticSetting',
    armType: 'Microsoft.Insights/diagnosticSettings',
    apiVersion: '2021-05-01-preview',
    scopeParam: 'resourceUri',
    segments: [lit('providers/Microsoft.Insights/diagnosticSettings'), par('name')],
    nameParam: 'name',
  },
  {
    token: 'azure-native:network:VirtualNetwork',
    armType: 'Microsoft.Network/virtualNetworks',
    apiVersion: NETWORK,
    segments: rg(lit('providers/Microsoft.Network/virtualNetworks'), par('virtualNetworkName')),
    nameParam: 'virtualNetworkName',
    subResources: ['subnets', 'virtualNetworkPeerings'],
  },
  {
    token: 'azure-native:network:Subnet',
    armType: 'Microsoft.Network/virtualNetworks/subnets',
    apiVersion: NETWORK,
    segments: rg(
      lit('providers/Microsoft.Network/virtualNetworks'),
      par('virtualNetworkName'),
      lit('subnets'),
      par('subnetName'),
    ),
    nameParam: 'subnetName',
    subResources: ['delegations'],
    computed: ['ipConfigurations', 'privateEndpoints', 'serviceAssociationLinks', 'resourceNavigationLinks', 'purpose'],
  },
  {
    token: 'azure-native:network:VirtualNetworkPeering',
    armType: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
    apiVersion: NETWORK,
    segments: rg(
      lit('providers/Microsoft.Network/virtualNetworks'),
      par('virtualNetworkName'),
      lit('virtualNetworkPeerings'),
      par('virtualNetworkPeeringName'),
    ),
    nameParam: 'virtualNetworkPeeringName',
    computed: ['peeringState', 'peeringSyncLevel', 'remoteAddressSpace', 'remoteVirtualNetworkAddressSpace'],
  },
  {
    token: 'azure-native:network:PrivateEndpoint',
    armType: 'Microsoft.Network/privateEndpoints',
    apiVersion: NETWORK,
    segments: rg(lit('providers/Microsoft.Network/privateEndpoints'), par('privateEndpointName')),
    nameParam: 'privateEndpointName',
    subResources: ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections', 'ipConfigurations'],
    computed: [
      'networkInterfaces',
      'customDnsConfigs',
      'privateLinkServiceConnections[].privateLinkServiceConnectionState',
      'manualPrivateLinkServiceConnections[].privateLinkServiceConnectionState',
    ],
    objectPaths: ['subnet'],
  },
  {
    token: 'azure-native:network:NetworkInterface',
    armType: 'Microsoft.Network/networkInterfaces',
    apiVersion: NETWORK,
    segments: rg(lit('providers/Microsoft.Network/networkInterfaces'), par('networkInterfaceName')),
    nameParam: 'networkInterfaceName',
    subResources: ['ipConfigurations'],
  },
  {
    token: 'azure-native:network:PrivateDnsZoneGroup',
    armType: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    apiVersion: NETWORK,
    segments: rg(
      lit('providers/Microsoft.Network/privateEndpoints'),
      par('privateEndpointName'),
      lit('privateDnsZoneGroups'),
      par('privateDnsZoneGroupName'),
    ),
    nameParam: 'privateDnsZoneGroupName',
    subResources: ['privateDnsZoneConfigs'],
    computed: ['privateDnsZoneConfigs[].recordSets'],
  },
  ...NETWORK_TOPOLOGY,
  ...['privatedns', 'network'].flatMap((module): TypeMapping[] => [
    // v3 moved private DNS to `privatedns`; the v2 `network:` tokens remain as aliases.
    {
      token: `azure-native:${module}:PrivateZone`,
      armType: 'Microsoft.Network/privateDnsZones',
      apiVersion: PRIVATE_DNS,
      segments: rg(lit('providers/Microsoft.Network/privateDnsZones'), par('privateZoneName')),
      nameParam: 'privateZoneName',
      global: true,
    },
    {
      token: `azure-native:${module}:VirtualNetworkLink`,
      armType: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      apiVersion: PRIVATE_DNS,
      segments: rg(
        lit('providers/Microsoft.Network/privateDnsZones'),
        par('privateZoneName'),
        lit('virtualNetworkLinks'),
        par('virtualNetworkLinkName'),
      ),
      nameParam: 'virtualNetworkLinkName',
      global: true,
      computed: ['virtualNetworkLinkState'],
    },
    {
      token: `azure-native:${module}:PrivateRecordSet`,
      armType: 'Microsoft.Network/privateDnsZones/{recordType}',
      apiVersion: PRIVATE_DNS,
      segments: rg(
        lit('providers/Microsoft.Network/privateDnsZones'),
        par('privateZoneName'),
        par('recordType'),
        par('relativeRecordSetName'),
      ),
      nameParam: 'relativeRecordSetName',
      computed: ['fqdn', 'isAutoRegistered'],
    },
  ]),
];

const BY_TOKEN = new Map(MAPPINGS.map((m) => [m.token, m]));

export function mappingFor(token: string): TypeMapping | undefined {
  return BY_TOKEN.get(token);
}

/** Every mapped token (tests compare the table with azure-native's SDK). */
export function mappedTokens(): string[] {
  return [...BY_TOKEN.keys()];
}

/** Output fields every azure-native resource has and Azure alone sets; the last segment of a path decides. */
const ALWAYS_COMPUTED = new Set([
  'id',
  'name',
  'type',
  'etag',
  'provisioningState',
  'azureApiVersion',
  'systemData',
  'resourceGuid',
]);

/** True when Azure sets the value at deployment (so an unknown stays unknown although the program leaves it out). */
export function isComputed(mapping: TypeMapping, path: string): boolean {
  const generic = path.replace(/\[\d+\]/g, '[]');
  const last =
    generic
      .split(/[.[\]]+/)
      .filter((p) => p !== '')
      .pop() ?? '';
  return ALWAYS_COMPUTED.has(last) || (mapping.computed ?? []).includes(generic);
}

/** Inputs that are ARM top-level fields rather than `properties`. */
const TOP_LEVEL = new Set([
  'id',
  'name',
  'type',
  'location',
  'tags',
  'etag',
  'kind',
  'sku',
  'zones',
  'extendedLocation',
  'systemData',
]);
/** Inputs and outputs that exist only on the Pulumi side. */
const PULUMI_ONLY = new Set(['azureApiVersion', 'urn']);

export function paramsOf(mapping: TypeMapping): string[] {
  return mapping.segments.flatMap((s) => (s.param ? [s.param] : []));
}

/** `{name, a, b}` → `{name, properties: {a, b}}`: a sub-resource as ARM writes it. */
function nestSubResource(value: JsonValue): JsonValue {
  const item = asObject(value);
  if (!item) return value;
  if (asObject(item.properties)) return item;
  const nested: JsonObject = {};
  const properties: JsonObject = {};
  for (const [key, v] of Object.entries(item)) {
    if (key === 'id' || key === 'name' || key === 'type' || key === 'etag') nested[key] = v;
    else properties[key] = v;
  }
  nested.properties = properties;
  return nested;
}

/**
 * ARM's shape (`{location, tags, properties}`) of a Pulumi resource's inputs or outputs, without id,
 * name or type: path parameters and Pulumi-only fields are dropped, sub-resources re-nested.
 */
export function armShape(mapping: TypeMapping, props: JsonObject): JsonObject {
  const params = new Set(paramsOf(mapping));
  const shaped: JsonObject = {};
  let properties: JsonObject = {};
  for (const [key, value] of Object.entries(props)) {
    if (params.has(key) || PULUMI_ONLY.has(key) || key === 'id' || key === 'name' || key === 'type') continue;
    if (TOP_LEVEL.has(key)) shaped[key] = value;
    else if (mapping.keepsProperties && key === 'properties') properties = { ...(asObject(value) ?? {}) };
    else if (!mapping.keepsProperties)
      properties[key] =
        mapping.subResources?.includes(key) && Array.isArray(value) ? value.map(nestSubResource) : value;
  }
  if (mapping.global) shaped.location = 'global';
  shaped.properties = properties;
  return shaped;
}

/**
 * Pulumi's output shape of an ARM answer: `properties` flattened at every level (as azure-native does),
 * except the vault's own, which keeps it.
 */
export function pulumiOutputs(mapping: TypeMapping, resource: JsonObject): JsonObject {
  const flat = flatten(resource) as JsonObject;
  if (!mapping.keepsProperties) return flat;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    out[key] = key === 'properties' ? (flatten(value) as JsonValue) : value;
  }
  return out;
}

function flatten(value: JsonValue | undefined): JsonValue | undefined {
  if (Array.isArray(value)) return value.map((v) => flatten(v) ?? null);
  const object = asObject(value);
  if (!object) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(object)) {
    const properties = key === 'properties' ? asObject(v) : undefined;
    if (properties) Object.assign(out, flatten(properties) as JsonObject);
    else out[key] = flatten(v) ?? null;
  }
  return out;
}
