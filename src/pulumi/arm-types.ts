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
  },
  {
    token: 'azure-native:network:PrivateEndpoint',
    armType: 'Microsoft.Network/privateEndpoints',
    apiVersion: NETWORK,
    segments: rg(lit('providers/Microsoft.Network/privateEndpoints'), par('privateEndpointName')),
    nameParam: 'privateEndpointName',
    subResources: ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections', 'ipConfigurations'],
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
  },
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
    },
  ]),
];

const BY_TOKEN = new Map(MAPPINGS.map((m) => [m.token, m]));

export function mappingFor(token: string): TypeMapping | undefined {
  return BY_TOKEN.get(token);
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
