import { randomUUID } from 'node:crypto';
import {
  asArray,
  asObject,
  asString,
  idKey,
  refId,
  sameId,
  type ArmResource,
  type JsonObject,
  type JsonValue,
} from './json';
import {
  cidrRange,
  isIPv4,
  isIPv4Cidr,
  isNetworkAddress,
  nextFreeAddress,
  rangesOverlap,
  rangeWithin,
  type Range,
} from './addresses';
import { GENERIC_RESOURCES, RESOURCE_GROUPS, SUBSCRIPTIONS, isRecordSetType } from './catalog';
import { buildRecordSet, ensureSoa, refreshZoneCounts } from './dns-records';
import { ArmError, badRequest, invalidBody, resourceNotFound, subscriptionNotFound } from './errors';
import {
  deletePrivateEndpoint,
  deleteZoneGroup,
  putPrivateEndpoint,
  putZoneGroup,
  requireEndpoint,
  subnetInUse,
  syncEndpointConnectionState,
  usedAddresses,
  findSubnet,
} from './private-endpoints';
import { PEERING_TYPE, deletePeering, disconnectPeeringsTo, peeringExists, putPeering, vnetPeerings } from './peerings';
import { requireParent, requireScope } from './reads';
import { TOPOLOGY_PUTS } from './writes-topology';
import type { ResourceStore } from './store';
import { parseTarget, type ArmTarget } from './target';
import {
  oneOf,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalTags,
  requireGuid,
  requireLocation,
  requireObject,
  requireRef,
  requireString,
} from './validate';

/**
 * PUT and DELETE. PUT validates the body enough to refuse nonsense with ARM-style 400s, stores the
 * resource as a GET would return it (id, name, type, provisioningState Succeeded) and answers it:
 * 201 when created, 200 when replaced. Everything is synchronous (no Azure-AsyncOperation header), which
 * the SDKs' long-running-operation pollers read as done. DELETE answers 200, or 204 when there was nothing
 * to delete, as ARM does.
 */
export interface WriteOutcome {
  status: number;
  body?: JsonObject;
}

type Put = (store: ResourceStore, target: ArmTarget, body: JsonObject, apiVersion: string) => ArmResource;

function parseBody(text: string): JsonObject {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    throw badRequest(
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: not JSON.',
    );
  }
  const object = asObject(parsed);
  if (!object) throw badRequest('InvalidRequestContent', 'The request content must be a JSON object.');
  return object;
}

function tracked(
  target: ArmTarget,
  type: string,
  body: JsonObject,
  location: string,
  properties: JsonObject,
  existing: ArmResource | undefined,
): ArmResource {
  const resource: ArmResource = {
    id: existing?.id ?? target.path,
    name: existing?.name ?? target.name ?? '',
    type,
    location,
    tags: optionalTags(body.tags) ?? {},
    properties,
  };
  return resource;
}

/** Key Vault firewall normalisation, as the service does (createVaultWithNetworkAcls.json: `1.2.3.4` → `1.2.3.4/32`, subnet ids lower-cased). */
function networkAcls(value: JsonValue | undefined): JsonObject | undefined {
  const acls = optionalObject(value, 'properties.networkAcls');
  if (!acls) return undefined;
  const ipRules = optionalArray(acls.ipRules, 'properties.networkAcls.ipRules').map((rule, i) => {
    const address = requireString(
      requireObject(rule, `properties.networkAcls.ipRules[${i}]`).value,
      `properties.networkAcls.ipRules[${i}].value`,
    );
    if (!isIPv4Cidr(address))
      throw invalidBody(
        `properties.networkAcls.ipRules[${i}].value`,
        `must be an IPv4 address or CIDR range, got '${address}'`,
      );
    return { value: address.includes('/') ? address : `${address}/32` };
  });
  const virtualNetworkRules = optionalArray(acls.virtualNetworkRules, 'properties.networkAcls.virtualNetworkRules').map(
    (rule, i) => {
      const object = requireObject(rule, `properties.networkAcls.virtualNetworkRules[${i}]`);
      return {
        id: requireString(object.id, `properties.networkAcls.virtualNetworkRules[${i}].id`).toLowerCase(),
        ignoreMissingVnetServiceEndpoint:
          optionalBoolean(object.ignoreMissingVnetServiceEndpoint, 'ignoreMissingVnetServiceEndpoint') ?? false,
      };
    },
  );
  return {
    bypass: oneOf(acls.bypass, 'properties.networkAcls.bypass', ['AzureServices', 'None'], 'AzureServices'),
    defaultAction: oneOf(acls.defaultAction, 'properties.networkAcls.defaultAction', ['Allow', 'Deny'], 'Allow'),
    ipRules,
    virtualNetworkRules,
  };
}

/**
 * Vault names: Microsoft.KeyVault's `VaultName` pattern `^[a-zA-Z0-9-]{3,24}$` (keyvault.json, Vaults_CreateOrUpdate).
 * The service answers VaultNameNotValid with this message.
 */
function checkVaultName(name: string): void {
  if (!/^[a-zA-Z0-9-]{3,24}$/.test(name))
    throw badRequest(
      'VaultNameNotValid',
      `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742`,
    );
}

/**
 * `enableRbacAuthorization` when a create leaves it out: from api-version 2026-02-01 new vaults are RBAC vaults,
 * before it access policies; an update without it keeps the vault's model
 * (https://learn.microsoft.com/azure/key-vault/general/access-control-default). The 2026-02-01 SDK's doc string
 * still says "default value of false": the service's documented behaviour wins.
 */
export function defaultRbac(apiVersion: string): boolean {
  return apiVersion >= '2026-02-01';
}

const putVault: Put = (store, target, body, apiVersion) => {
  checkVaultName(target.name ?? '');
  const location = requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const existing = store.get(target.path);
  requireGuid(properties.tenantId, 'properties.tenantId');
  const sku = requireObject(properties.sku, 'properties.sku');
  oneOf(sku.family, 'properties.sku.family', ['A']);
  oneOf(sku.name, 'properties.sku.name', ['standard', 'premium']);
  optionalArray(properties.accessPolicies, 'properties.accessPolicies').forEach((policy, i) => {
    const entry = requireObject(policy, `properties.accessPolicies[${i}]`);
    requireGuid(entry.tenantId, `properties.accessPolicies[${i}].tenantId`);
    requireString(entry.objectId, `properties.accessPolicies[${i}].objectId`);
    requireObject(entry.permissions, `properties.accessPolicies[${i}].permissions`);
  });
  const retention = optionalNumber(properties.softDeleteRetentionInDays, 'properties.softDeleteRetentionInDays') ?? 90;
  if (retention < 7 || retention > 90)
    throw invalidBody('properties.softDeleteRetentionInDays', 'must be between 7 and 90');
  if (properties.enablePurgeProtection === false && existing?.properties?.enablePurgeProtection === true)
    throw badRequest('BadRequest', 'Purge protection cannot be disabled once enabled.');
  const stored: JsonObject = {
    ...properties,
    accessPolicies: optionalArray(properties.accessPolicies, 'properties.accessPolicies'),
    enableSoftDelete: optionalBoolean(properties.enableSoftDelete, 'properties.enableSoftDelete') ?? true,
    softDeleteRetentionInDays: retention,
    enableRbacAuthorization:
      optionalBoolean(properties.enableRbacAuthorization, 'properties.enableRbacAuthorization') ??
      (existing ? existing.properties?.enableRbacAuthorization === true : defaultRbac(apiVersion)),
    vaultUri: optionalString(properties.vaultUri, 'properties.vaultUri') ?? `https://${target.name}.vault.azure.net/`,
    publicNetworkAccess: oneOf(
      properties.publicNetworkAccess,
      'properties.publicNetworkAccess',
      ['Enabled', 'Disabled'],
      'Enabled',
    ),
    provisioningState: 'Succeeded',
    // Connections are the service's to manage (private endpoint PUTs add them): a vault PUT keeps them.
    privateEndpointConnections: asArray(existing?.properties?.privateEndpointConnections),
  };
  const acls = networkAcls(properties.networkAcls);
  if (acls) stored.networkAcls = acls;
  else delete stored.networkAcls;
  return tracked(target, 'Microsoft.KeyVault/vaults', body, location, stored, existing);
};

const putManagedHsm: Put = (store, target, body) => {
  const location = requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const existing = store.get(target.path);
  requireGuid(properties.tenantId, 'properties.tenantId');
  const admins = optionalArray(properties.initialAdminObjectIds, 'properties.initialAdminObjectIds');
  if (admins.length === 0) throw invalidBody('properties.initialAdminObjectIds', 'needs at least one object id');
  const sku = requireObject(body.sku, 'sku');
  oneOf(sku.family, 'sku.family', ['B', 'C']);
  requireString(sku.name, 'sku.name');
  const stored: JsonObject = {
    ...properties,
    enableSoftDelete: true,
    softDeleteRetentionInDays:
      optionalNumber(properties.softDeleteRetentionInDays, 'properties.softDeleteRetentionInDays') ?? 90,
    // Read-only (ManagedHsmProperties.hsmUri): the service's, whatever the body says.
    hsmUri: `https://${target.name}.managedhsm.azure.net/`,
    publicNetworkAccess: oneOf(
      properties.publicNetworkAccess,
      'properties.publicNetworkAccess',
      ['Enabled', 'Disabled'],
      'Enabled',
    ),
    provisioningState: 'Succeeded',
    statusMessage: 'ManagedHsm is functional.',
    privateEndpointConnections: asArray(existing?.properties?.privateEndpointConnections),
  };
  return { ...tracked(target, 'Microsoft.KeyVault/managedHSMs', body, location, stored, existing), sku };
};

/** Approving or rejecting a connection on the vault side (PrivateEndpointConnections_Put). */
const putVaultConnection: Put = (store, target, body) => {
  const vault = requireParent(store, target.scope);
  const properties = requireObject(body.properties, 'properties');
  const state = requireObject(
    properties.privateLinkServiceConnectionState,
    'properties.privateLinkServiceConnectionState',
  );
  const status = oneOf(state.status, 'properties.privateLinkServiceConnectionState.status', [
    'Approved',
    'Pending',
    'Rejected',
    'Disconnected',
  ]);
  const connections = asArray(vault.properties?.privateEndpointConnections);
  const connection = connections.map(asObject).find((c) => sameId(asString(c?.id), target.path));
  if (!connection) throw resourceNotFound(target.typeName, target.name ?? '', target.resourceGroup);
  const newState: JsonObject = {
    status,
    description: optionalString(state.description, 'description') ?? '',
    actionsRequired: 'None',
  };
  const connectionProperties = (asObject(connection.properties) ?? {}) as JsonObject;
  connectionProperties.privateLinkServiceConnectionState = newState;
  connectionProperties.provisioningState = 'Succeeded';
  connection.properties = connectionProperties;
  const endpointId = refId(connectionProperties.privateEndpoint);
  if (endpointId) syncEndpointConnectionState(store, endpointId, newState);
  return {
    id: asString(connection.id) ?? target.path,
    name: target.name ?? '',
    type: target.spec?.type ?? '',
    properties: connectionProperties,
  } as ArmResource;
};

function subnetEntry(
  vnetId: string,
  value: JsonValue,
  index: number,
  space: Range[],
): { entry: JsonObject; range: Range } {
  const field = `properties.subnets[${index}]`;
  const subnet = requireObject(value, field);
  const name = requireString(subnet.name, `${field}.name`);
  const properties = requireObject(subnet.properties, `${field}.properties`);
  const prefix = requireString(
    properties.addressPrefix ?? asArray(properties.addressPrefixes)[0],
    `${field}.properties.addressPrefix`,
  );
  const range = cidrRange(prefix);
  if (!range || !isNetworkAddress(prefix))
    throw badRequest(
      'InvalidCIDRNotation',
      `${field}.properties.addressPrefix '${prefix}' is not a valid CIDR block (the address must be the network address).`,
    );
  if (!space.some((s) => rangeWithin(range, s)))
    throw badRequest(
      'NetcfgSubnetRangeOutsideVnet',
      `Subnet '${name}' is not valid because its IP address range is outside the IP address range of the virtual network.`,
    );
  const entry: JsonObject = {
    name,
    id: `${vnetId}/subnets/${name}`,
    type: 'Microsoft.Network/virtualNetworks/subnets',
    etag: `W/"${randomUUID()}"`,
    properties: { privateEndpointNetworkPolicies: 'Disabled', ...properties, provisioningState: 'Succeeded' },
  };
  return { entry, range };
}

function checkSubnetsDisjoint(ranges: { name: string; range: Range }[]): void {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, b] = [ranges[i], ranges[j]];
      if (a && b && rangesOverlap(a.range, b.range))
        throw badRequest('NetcfgSubnetRangesOverlap', `Subnet '${a.name}' overlaps subnet '${b.name}'.`);
    }
  }
}

const putVirtualNetwork: Put = (store, target, body) => {
  const location = requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const existing = store.get(target.path);
  const vnetId = existing?.id ?? target.path;
  const prefixes = optionalArray(
    requireObject(properties.addressSpace, 'properties.addressSpace').addressPrefixes,
    'properties.addressSpace.addressPrefixes',
  );
  if (prefixes.length === 0)
    throw invalidBody('properties.addressSpace.addressPrefixes', 'needs at least one CIDR block');
  const space = prefixes.map((p, i) => {
    const range = typeof p === 'string' && isNetworkAddress(p) ? cidrRange(p) : undefined;
    if (!range)
      throw badRequest(
        'InvalidCIDRNotation',
        `properties.addressSpace.addressPrefixes[${i}] '${String(p)}' is not a valid CIDR block.`,
      );
    return range;
  });
  const subnets = optionalArray(properties.subnets, 'properties.subnets').map((s, i) =>
    subnetEntry(vnetId, s, i, space),
  );
  checkSubnetsDisjoint(subnets.map((s) => ({ name: asString(s.entry.name) ?? '', range: s.range })));
  // ARM deletes subnets a VNet PUT leaves out, and refuses when one of them is in use.
  for (const old of asArray(existing?.properties?.subnets)) {
    const oldId = asString(asObject(old)?.id) ?? '';
    if (!subnets.some((s) => sameId(asString(s.entry.id), oldId)) && subnetInUse(store, oldId))
      throw badRequest('InUseSubnetCannotBeDeleted', `Subnet ${oldId} is in use and cannot be deleted.`);
  }
  const peerings = vnetPeerings(
    store,
    vnetId,
    { addressPrefixes: prefixes },
    properties.virtualNetworkPeerings,
    existing,
  );
  const stored: JsonObject = {
    ...properties,
    provisioningState: 'Succeeded',
    resourceGuid: asString(existing?.properties?.resourceGuid) ?? randomUUID(),
    subnets: subnets.map((s) => s.entry),
    virtualNetworkPeerings: peerings.peerings,
  };
  // Every check passed: now the remote sides change state.
  peerings.apply();
  return tracked(target, 'Microsoft.Network/virtualNetworks', body, location, stored, existing);
};

/** A subnet PUT rewrites the subnet inside its VNet; the answer is the subnet. */
function putSubnet(store: ResourceStore, target: ArmTarget, body: JsonObject): JsonObject {
  const vnet = requireParent(store, target.scope);
  const space = asArray(asObject(vnet.properties?.addressSpace)?.addressPrefixes)
    .map((p) => cidrRange(asString(p) ?? ''))
    .filter((r): r is Range => r !== undefined);
  const { entry, range } = subnetEntry(vnet.id, { ...body, name: target.name ?? '' }, 0, space);
  const properties = (vnet.properties ??= {});
  const subnets = asArray(properties.subnets);
  const others = subnets.filter((s) => asString(asObject(s)?.name)?.toLowerCase() !== target.name?.toLowerCase());
  const otherRanges = others
    .map((s) => ({
      name: asString(asObject(s)?.name) ?? '',
      range: cidrRange(asString(asObject(asObject(s)?.properties)?.addressPrefix) ?? ''),
    }))
    .filter((s): s is { name: string; range: Range } => s.range !== undefined);
  checkSubnetsDisjoint([{ name: target.name ?? '', range }, ...otherRanges]);
  const index = subnets.findIndex((s) => asString(asObject(s)?.name)?.toLowerCase() === target.name?.toLowerCase());
  if (index >= 0) subnets[index] = entry;
  else subnets.push(entry);
  properties.subnets = subnets;
  return entry;
}

const putNetworkInterface: Put = (store, target, body) => {
  const location = requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const existing = store.get(target.path);
  const nicId = existing?.id ?? target.path;
  const configs = optionalArray(properties.ipConfigurations, 'properties.ipConfigurations');
  if (configs.length === 0) throw invalidBody('properties.ipConfigurations', 'needs at least one IP configuration');
  const ipConfigurations = configs.map((value, i) => {
    const field = `properties.ipConfigurations[${i}]`;
    const config = requireObject(value, field);
    const name = requireString(config.name, `${field}.name`);
    const configProperties = requireObject(config.properties, `${field}.properties`);
    const subnetId = requireRef(configProperties.subnet, `${field}.properties.subnet`);
    const subnet = findSubnet(store, subnetId);
    if (!subnet)
      throw badRequest(
        'InvalidResourceReference',
        `${field}.properties.subnet.id: subnet '${subnetId}' was not found.`,
      );
    let address = optionalString(configProperties.privateIPAddress, `${field}.properties.privateIPAddress`);
    const used = usedAddresses(store, subnetId, nicId);
    if (address && (!isIPv4(address) || used.has(address)))
      throw badRequest(
        'PrivateIPAddressInUse',
        `${field}.properties.privateIPAddress ${address} is invalid or already in use.`,
      );
    address ??= nextFreeAddress(subnet.range, used);
    if (!address) throw badRequest('SubnetIsFull', `Subnet ${subnetId} has no free address left.`);
    // privateLinkConnectionProperties is read-only (the service sets it on an endpoint's NIC): kept, never taken.
    const { privateLinkConnectionProperties: _ignored, ...writable } = configProperties;
    const previous = asObject(
      asObject(
        asArray(existing?.properties?.ipConfigurations)
          .map(asObject)
          .find((c) => asString(c?.name)?.toLowerCase() === name.toLowerCase())?.properties,
      )?.privateLinkConnectionProperties,
    );
    return {
      name,
      id: `${nicId}/ipConfigurations/${name}`,
      type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
      properties: {
        privateIPAllocationMethod: 'Dynamic',
        primary: i === 0,
        privateIPAddressVersion: 'IPv4',
        ...writable,
        ...(previous ? { privateLinkConnectionProperties: previous } : {}),
        privateIPAddress: address,
        subnet: { id: subnetId },
        provisioningState: 'Succeeded',
      },
    };
  });
  return tracked(
    target,
    'Microsoft.Network/networkInterfaces',
    body,
    location,
    {
      ...properties,
      ipConfigurations,
      provisioningState: 'Succeeded',
      resourceGuid: asString(existing?.properties?.resourceGuid) ?? randomUUID(),
    },
    existing,
  );
};

const putPrivateDnsZone: Put = (store, target, body) => {
  const location = requireString(body.location ?? 'global', 'location');
  if (location.toLowerCase() !== 'global')
    throw badRequest('InvalidLocation', "Private DNS zones must have location 'global'.");
  const name = target.name ?? '';
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(name))
    throw badRequest('BadRequest', `The zone name '${name}' is not a valid DNS name with at least two labels.`);
  const existing = store.get(target.path);
  const resource = tracked(
    target,
    'Microsoft.Network/privateDnsZones',
    body,
    'global',
    {
      maxNumberOfRecordSets: 25000,
      maxNumberOfVirtualNetworkLinks: 1000,
      maxNumberOfVirtualNetworkLinksWithRegistration: 100,
      numberOfRecordSets: 0,
      numberOfVirtualNetworkLinks: 0,
      numberOfVirtualNetworkLinksWithRegistration: 0,
      provisioningState: 'Succeeded',
    },
    existing,
  );
  resource.etag = randomUUID();
  return resource;
};

const putVirtualNetworkLink: Put = (store, target, body) => {
  const zone = requireParent(store, target.scope);
  const properties = requireObject(body.properties, 'properties');
  const vnetId = requireRef(properties.virtualNetwork, 'properties.virtualNetwork');
  const vnet = store.get(vnetId);
  if (!vnet || vnet.type.toLowerCase() !== 'microsoft.network/virtualnetworks')
    throw badRequest('BadRequest', `properties.virtualNetwork.id: virtual network '${vnetId}' was not found.`);
  const twin = store
    .list('Microsoft.Network/privateDnsZones/virtualNetworkLinks', zone.id)
    .find((l) => !sameId(l.id, target.path) && sameId(refId(l.properties?.virtualNetwork), vnetId));
  if (twin)
    throw new ArmError(
      409,
      'Conflict',
      `Virtual network '${vnetId}' is already linked to zone '${zone.name}' by link '${twin.name}'.`,
    );
  const existing = store.get(target.path);
  const link: ArmResource = {
    id: existing?.id ?? target.path,
    name: target.name ?? '',
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    location: 'global',
    etag: randomUUID(),
    tags: optionalTags(body.tags) ?? {},
    properties: {
      ...properties,
      virtualNetwork: { id: vnet.id },
      registrationEnabled: optionalBoolean(properties.registrationEnabled, 'properties.registrationEnabled') ?? false,
      resolutionPolicy: oneOf(
        properties.resolutionPolicy,
        'properties.resolutionPolicy',
        ['Default', 'NxDomainRedirect'],
        'Default',
      ),
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
    },
  };
  return link;
};

function putRecordSet(store: ResourceStore, target: ArmTarget, body: JsonObject): ArmResource {
  const zone = requireParent(store, target.scope);
  const recordType = (target.spec?.type ?? '').split('/').pop() ?? '';
  const properties = requireObject(body.properties, 'properties');
  const ttl = optionalNumber(properties.ttl, 'properties.ttl') ?? 3600;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647)
    throw invalidBody('properties.ttl', 'must be a non-negative integer');
  if (recordType === 'A') {
    optionalArray(properties.aRecords, 'properties.aRecords').forEach((record, i) => {
      const address = requireString(
        requireObject(record, `properties.aRecords[${i}]`).ipv4Address,
        `properties.aRecords[${i}].ipv4Address`,
      );
      if (!isIPv4(address))
        throw invalidBody(`properties.aRecords[${i}].ipv4Address`, `must be an IPv4 address, got '${address}'`);
    });
  }
  const stored: JsonObject = { ...properties, ttl };
  if (recordType === 'A') stored.aRecords = optionalArray(properties.aRecords, 'properties.aRecords');
  return buildRecordSet(zone, recordType, target.name ?? '', stored);
}

const DIAGNOSTIC_DESTINATIONS = [
  'workspaceId',
  'storageAccountId',
  'eventHubAuthorizationRuleId',
  'marketplacePartnerId',
];
/** Log categories of Key Vault (https://learn.microsoft.com/azure/key-vault/general/logging). */
const KEY_VAULT_LOGS = { categories: ['AuditEvent', 'AzurePolicyEvaluationDetails'], groups: ['audit', 'allLogs'] };

const putDiagnosticSetting: Put = (store, target, body) => {
  const scopeTarget = parseTarget(target.scope);
  const resource = store.get(target.scope);
  if (!resource) throw resourceNotFound(scopeTarget.typeName, scopeTarget.name ?? '', scopeTarget.resourceGroup);
  const properties = requireObject(body.properties, 'properties');
  if (!DIAGNOSTIC_DESTINATIONS.some((d) => typeof properties[d] === 'string' && properties[d] !== '')) {
    throw badRequest(
      'BadRequest',
      `A diagnostic setting needs a destination: one of ${DIAGNOSTIC_DESTINATIONS.join(', ')}.`,
    );
  }
  const isVault = resource.type.toLowerCase() === 'microsoft.keyvault/vaults';
  const logs = optionalArray(properties.logs, 'properties.logs').map((value, i) => {
    const log = requireObject(value, `properties.logs[${i}]`);
    const category = optionalString(log.category, `properties.logs[${i}].category`);
    const group = optionalString(log.categoryGroup, `properties.logs[${i}].categoryGroup`);
    if (!category === !group)
      throw invalidBody(`properties.logs[${i}]`, 'needs exactly one of category or categoryGroup');
    if (isVault && category && !KEY_VAULT_LOGS.categories.includes(category))
      throw badRequest('BadRequest', `Category '${category}' is not supported for Microsoft.KeyVault/vaults.`);
    if (isVault && group && !KEY_VAULT_LOGS.groups.includes(group))
      throw badRequest('BadRequest', `Category group '${group}' is not supported for Microsoft.KeyVault/vaults.`);
    return { ...log, enabled: optionalBoolean(log.enabled, `properties.logs[${i}].enabled`) ?? false };
  });
  return {
    id: store.get(target.path)?.id ?? target.path,
    name: target.name ?? '',
    type: 'Microsoft.Insights/diagnosticSettings',
    properties: { ...properties, logs, metrics: optionalArray(properties.metrics, 'properties.metrics') },
  };
};

const putRoleAssignment: Put = (_store, target, body) => {
  const properties = requireObject(body.properties, 'properties');
  requireString(properties.roleDefinitionId, 'properties.roleDefinitionId');
  requireGuid(properties.principalId, 'properties.principalId');
  return {
    id: target.path,
    name: target.name ?? '',
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      principalType: 'ServicePrincipal',
      ...properties,
      scope: target.scope === '' ? '/' : target.scope,
      createdOn: new Date().toISOString(),
      updatedOn: new Date().toISOString(),
    },
  };
};

const putRoleDefinition: Put = (_store, target, body) => {
  const properties = requireObject(body.properties, 'properties');
  requireString(properties.roleName, 'properties.roleName');
  if (optionalArray(properties.permissions, 'properties.permissions').length === 0)
    throw invalidBody('properties.permissions', 'needs at least one permission set');
  if (optionalArray(properties.assignableScopes, 'properties.assignableScopes').length === 0)
    throw invalidBody('properties.assignableScopes', 'needs at least one scope');
  return {
    id: target.path,
    name: target.name ?? '',
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: { type: 'CustomRole', ...properties },
  };
};

const PUTS: Record<string, Put> = {
  'microsoft.keyvault/vaults': putVault,
  'microsoft.keyvault/managedhsms': putManagedHsm,
  'microsoft.keyvault/vaults/privateendpointconnections': putVaultConnection,
  'microsoft.keyvault/managedhsms/privateendpointconnections': putVaultConnection,
  'microsoft.network/virtualnetworks': putVirtualNetwork,
  'microsoft.network/networkinterfaces': putNetworkInterface,
  'microsoft.network/privatednszones': putPrivateDnsZone,
  'microsoft.network/privatednszones/virtualnetworklinks': putVirtualNetworkLink,
  'microsoft.insights/diagnosticsettings': putDiagnosticSetting,
  'microsoft.authorization/roleassignments': putRoleAssignment,
  'microsoft.authorization/roledefinitions': putRoleDefinition,
  'microsoft.network/privateendpoints': (store, target, body) =>
    putPrivateEndpoint(store, target, body, requireLocation(body)),
  'microsoft.network/privateendpoints/privatednszonegroups': (store, target, body) =>
    putZoneGroup(store, target, body, requireEndpoint(store, target.scope)),
  // Route tables, firewalls, DNS Private Resolver (issue 11; the stacks deploy them): writes-topology.ts.
  ...TOPOLOGY_PUTS,
};

function putResourceGroup(store: ResourceStore, target: ArmTarget, body: JsonObject): WriteOutcome {
  const subscriptionId = target.subscriptionId ?? '';
  if (!store.hasSubscription(subscriptionId)) throw subscriptionNotFound(subscriptionId);
  const location = requireLocation(body);
  if (!/^[-\w._()]{1,90}$/.test(target.name ?? '') || (target.name ?? '').endsWith('.'))
    throw badRequest('InvalidResourceGroupName', `Resource group name '${target.name}' is invalid.`);
  const existing = store.resourceGroup(subscriptionId, target.name ?? '');
  const group: ArmResource = {
    id: existing?.id ?? `/subscriptions/${subscriptionId}/resourceGroups/${target.name}`,
    name: existing?.name ?? target.name ?? '',
    type: RESOURCE_GROUPS.type,
    location,
    tags: optionalTags(body.tags) ?? {},
    properties: { provisioningState: 'Succeeded' },
  };
  const created = store.upsert(group) && !existing;
  return { status: created ? 201 : 200, body: structuredClone(group) as JsonObject };
}

function put(store: ResourceStore, target: ArmTarget, body: JsonObject, apiVersion: string): WriteOutcome {
  const spec = target.spec;
  if (spec === RESOURCE_GROUPS) return putResourceGroup(store, target, body);
  requireScope(store, target);
  const type = spec?.type.toLowerCase() ?? '';
  if (type === 'microsoft.network/virtualnetworks/subnets') {
    const before = findSubnet(store, target.path);
    return { status: before ? 200 : 201, body: structuredClone(putSubnet(store, target, body)) };
  }
  if (type === PEERING_TYPE.toLowerCase()) {
    const before = peeringExists(store, target);
    return { status: before ? 200 : 201, body: structuredClone(putPeering(store, target, body)) };
  }
  const handler = PUTS[type] ?? (isRecordSetType(type) ? putRecordSet : undefined);
  if (!handler) throw new ArmError(405, 'MethodNotAllowed', `PUT is not supported for '${spec?.type}'.`);
  // Embedded connections are only ever updated (endpoints create them): 200.
  const created = spec?.kind !== 'embedded' && !store.get(target.path);
  const resource = handler(store, target, body, apiVersion);
  if (spec?.kind !== 'embedded') store.upsert(resource);
  if (type === 'microsoft.network/privatednszones/virtualnetworklinks' || isRecordSetType(type))
    refreshZoneCounts(store, target.scope);
  if (type === 'microsoft.network/privatednszones') {
    ensureSoa(store, resource);
    refreshZoneCounts(store, resource.id);
  }
  return { status: created ? 201 : 200, body: structuredClone(store.get(resource.id) ?? resource) as JsonObject };
}

function deleteSubnet(store: ResourceStore, target: ArmTarget): WriteOutcome {
  const vnet = requireParent(store, target.scope);
  const subnets = asArray(vnet.properties?.subnets);
  const index = subnets.findIndex((s) => asString(asObject(s)?.name)?.toLowerCase() === target.name?.toLowerCase());
  if (index < 0) return { status: 204 };
  if (subnetInUse(store, target.path))
    throw badRequest('InUseSubnetCannotBeDeleted', `Subnet ${target.name} is in use and cannot be deleted.`);
  subnets.splice(index, 1);
  return { status: 200 };
}

function remove(store: ResourceStore, target: ArmTarget): WriteOutcome {
  const spec = target.spec;
  if (spec === RESOURCE_GROUPS) {
    const group = store.resourceGroup(target.subscriptionId ?? '', target.name ?? '');
    if (!group) throw resourceNotFoundGroup(target);
    for (const resource of store.all().filter((r) => idKey(r.id).startsWith(`${idKey(group.id)}/`)))
      store.remove(resource.id);
    store.remove(group.id);
    return { status: 200 };
  }
  requireScope(store, target);
  const type = spec?.type.toLowerCase() ?? '';
  if (type === 'microsoft.network/virtualnetworks/subnets') return deleteSubnet(store, target);
  if (type === PEERING_TYPE.toLowerCase()) return deletePeering(store, target);
  if (spec?.kind === 'embedded') {
    const parent = requireParent(store, target.scope);
    const list = asArray(parent.properties?.[spec.embeddedIn ?? '']);
    const index = list.findIndex((c) => sameId(asString(asObject(c)?.id), target.path));
    if (index < 0) return { status: 204 };
    const [removed] = list.splice(index, 1);
    disconnectEndpoint(store, removed);
    return { status: 200 };
  }
  const resource = store.get(target.path);
  if (!resource) return { status: 204 };
  if (type === 'microsoft.network/privateendpoints') deletePrivateEndpoint(store, resource);
  if (type === 'microsoft.keyvault/vaults' || type === 'microsoft.keyvault/managedhsms')
    for (const connection of asArray(resource.properties?.privateEndpointConnections))
      disconnectEndpoint(store, connection);
  if (type === 'microsoft.network/privateendpoints/privatednszonegroups') deleteZoneGroup(store, resource);
  if (type === 'microsoft.network/virtualnetworks') {
    for (const subnet of asArray(resource.properties?.subnets)) {
      const subnetId = asString(asObject(subnet)?.id) ?? '';
      if (subnetInUse(store, subnetId))
        throw badRequest('InUseSubnetCannotBeDeleted', `Subnet ${subnetId} is in use and cannot be deleted.`);
    }
    disconnectPeeringsTo(store, resource);
  }
  store.remove(resource.id);
  if (type === 'microsoft.network/privatednszones/virtualnetworklinks' || isRecordSetType(type))
    refreshZoneCounts(store, target.scope);
  return { status: 200 };
}

/**
 * The endpoint side of a connection the service side dropped (the connection deleted on the vault, or the vault
 * deleted): the endpoint stays, its connection `Disconnected`
 * (https://learn.microsoft.com/azure/private-link/manage-private-endpoint#manage-private-endpoint-connections-on-azure-paas-resources).
 */
function disconnectEndpoint(store: ResourceStore, connection: JsonValue | undefined): void {
  const endpointId = refId(asObject(asObject(connection)?.properties)?.privateEndpoint);
  if (!endpointId) return;
  syncEndpointConnectionState(store, endpointId, {
    status: 'Disconnected',
    description: 'Connection deleted by the private link service owner.',
    actionsRequired: 'None',
  });
}

function resourceNotFoundGroup(target: ArmTarget): ArmError {
  return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${target.name}' could not be found.`);
}

/**
 * PATCH on a vault (Vaults_Update): `tags` replace the vault's, each property given in `properties` replaces the
 * vault's (VaultPatchProperties: accessPolicies, networkAcls, enableRbacAuthorization, …); the rest is kept.
 * Other types answer 405, as the emulator does not model their PATCH.
 */
function patch(store: ResourceStore, target: ArmTarget, body: JsonObject): WriteOutcome {
  if (target.spec?.type !== 'Microsoft.KeyVault/vaults')
    throw new ArmError(405, 'MethodNotAllowed', `PATCH is not supported for '${target.spec?.type ?? target.path}'.`);
  requireScope(store, target);
  const vault = store.get(target.path);
  if (!vault) throw resourceNotFound(target.typeName, target.name ?? '', target.resourceGroup);
  const changes = optionalObject(body.properties, 'properties') ?? {};
  if (changes.enablePurgeProtection === false && vault.properties?.enablePurgeProtection === true)
    throw badRequest('BadRequest', 'Purge protection cannot be disabled once enabled.');
  const merged: JsonObject = { ...vault.properties, ...changes };
  if (changes.networkAcls !== undefined) {
    const acls = networkAcls(changes.networkAcls);
    if (acls) merged.networkAcls = acls;
  }
  const updated: ArmResource = { ...vault, properties: merged };
  if (body.tags !== undefined) updated.tags = optionalTags(body.tags) ?? {};
  store.upsert(updated);
  return { status: 200, body: structuredClone(updated) as JsonObject };
}

export function write(
  store: ResourceStore,
  target: ArmTarget,
  method: string,
  bodyText: string,
  apiVersion: string,
): WriteOutcome {
  const spec = target.spec;
  if (target.collection || spec === SUBSCRIPTIONS || spec === GENERIC_RESOURCES || !spec)
    throw new ArmError(405, 'MethodNotAllowed', `${method} is not supported on '${target.path}'.`);
  if (method === 'DELETE') return remove(store, target);
  if (method === 'PATCH') return patch(store, target, parseBody(bodyText));
  return put(store, target, parseBody(bodyText), apiVersion);
}
