import { randomBytes, randomUUID } from 'node:crypto';
import {
  asArray,
  asObject,
  asString,
  idKey,
  parentId,
  refId,
  sameId,
  type ArmResource,
  type JsonObject,
  type JsonValue,
} from './json';
import { addARecords, removeARecords } from './dns-records';
import { cidrRange, isAssignable, nextFreeAddress, type Range } from './addresses';
import { ArmError, badRequest, invalidBody } from './errors';
import type { ResourceStore } from './store';
import { parseTarget, type ArmTarget } from './target';
import { optionalArray, optionalString, requireObject, requireRef, requireString, sameRegion } from './validate';

/**
 * ARM's side effects around private endpoints (https://learn.microsoft.com/azure/private-link/private-endpoint-overview):
 * a private endpoint PUT creates the endpoint's NIC (`{pe}.nic.{hex}`, in the endpoint's resource group,
 * with the next free address of the subnet) and a connection on the target vault, Approved for
 * `privateLinkServiceConnections` and Pending for `manualPrivateLinkServiceConnections`; a DNS zone
 * group PUT writes an A record named after the vault into each referenced zone
 * (https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration). All of it happens
 * synchronously: the PUT answers 200/201 with provisioningState Succeeded, which the SDKs' pollers accept
 * as a finished long-running operation.
 */
const NIC_TYPE = 'Microsoft.Network/networkInterfaces';

export interface SubnetRef {
  vnet: ArmResource;
  subnet: JsonObject;
  range: Range;
}

export function findSubnet(store: ResourceStore, subnetId: string): SubnetRef | undefined {
  const vnet = store.get(parentId(subnetId));
  const subnet = asArray(vnet?.properties?.subnets)
    .map(asObject)
    .find(
      (s) =>
        s !== undefined &&
        (sameId(asString(s.id), subnetId) ||
          asString(s.name)?.toLowerCase() === parseTarget(subnetId).name?.toLowerCase()),
    );
  if (!vnet || !subnet) return undefined;
  const properties = asObject(subnet.properties) ?? {};
  const prefix = asString(properties.addressPrefix) ?? asString(asArray(properties.addressPrefixes)[0]);
  const range = prefix ? cidrRange(prefix) : undefined;
  return range ? { vnet, subnet, range } : undefined;
}

/**
 * Addresses held in a subnet by anything with ipConfigurations: NICs and Azure Firewalls
 * (`ipConfigurations[].properties.privateIPAddress`, NetworkInterfaceGet / AzureFirewallGet) and DNS resolver
 * inbound endpoints (`ipConfigurations[].privateIpAddress`, flat, InboundEndpoint_Get), the resource being
 * written excepted: Azure never hands one address to two of them.
 */
export function usedAddresses(store: ResourceStore, subnetId: string, except?: string): Set<string> {
  const used = new Set<string>();
  for (const resource of store.all()) {
    if (sameId(resource.id, except)) continue;
    for (const config of asArray(resource.properties?.ipConfigurations)) {
      const entry = asObject(config);
      const properties = asObject(entry?.properties) ?? entry;
      const address = asString(properties?.privateIPAddress) ?? asString(properties?.privateIpAddress);
      if (address && sameId(refId(properties?.subnet), subnetId)) used.add(address);
    }
  }
  return used;
}

/** True when a NIC uses the subnet (ARM refuses to delete it: InUseSubnetCannotBeDeleted). */
export function subnetInUse(store: ResourceStore, subnetId: string): boolean {
  return usedAddresses(store, subnetId).size > 0;
}

interface LinkTarget {
  resource: ArmResource;
  groupId: string;
  fqdn: string;
}

/** The vault or managed HSM a connection points at, and the group id and FQDN the endpoint serves. */
function linkTarget(store: ResourceStore, serviceId: string, groupIds: readonly string[], field: string): LinkTarget {
  const resource = store.get(serviceId);
  const type = resource?.type.toLowerCase();
  if (!resource || (type !== 'microsoft.keyvault/vaults' && type !== 'microsoft.keyvault/managedhsms')) {
    throw badRequest(
      'PrivateLinkServiceIdNotFound',
      `${field}.privateLinkServiceId: the resource '${serviceId}' was not found; this emulator links to Microsoft.KeyVault/vaults and managedHSMs.`,
    );
  }
  const expected = type === 'microsoft.keyvault/vaults' ? 'vault' : 'managedhsm';
  if (groupIds.length !== 1 || groupIds[0]?.toLowerCase() !== expected) {
    throw badRequest(
      'InvalidPrivateEndpointGroupId',
      `${field}.groupIds: must be ['${expected}'] for ${resource.type}, got [${groupIds.map((g) => `'${g}'`).join(', ')}].`,
    );
  }
  const uri = asString(resource.properties?.[expected === 'vault' ? 'vaultUri' : 'hsmUri']);
  let fqdn = `${resource.name}.${expected === 'vault' ? 'vault' : 'managedhsm'}.azure.net`;
  try {
    if (uri) fqdn = new URL(uri).host;
  } catch {
    // keep the public-cloud default
  }
  return { resource, groupId: expected, fqdn };
}

interface ConnectionRequest {
  name: string;
  manual: boolean;
  target: LinkTarget;
  groupIds: string[];
  requestMessage: string | undefined;
}

function connectionRequests(store: ResourceStore, properties: JsonObject): ConnectionRequest[] {
  const requests: ConnectionRequest[] = [];
  for (const [key, manual] of [
    ['privateLinkServiceConnections', false],
    ['manualPrivateLinkServiceConnections', true],
  ] as const) {
    optionalArray(properties[key], `properties.${key}`).forEach((value, index) => {
      const field = `properties.${key}[${index}]`;
      const connection = requireObject(value, field);
      const connectionProperties = requireObject(connection.properties, `${field}.properties`);
      const serviceId = requireString(
        connectionProperties.privateLinkServiceId,
        `${field}.properties.privateLinkServiceId`,
      );
      const groupIds = optionalArray(connectionProperties.groupIds, `${field}.properties.groupIds`).map((g, i) =>
        requireString(g, `${field}.properties.groupIds[${i}]`),
      );
      requests.push({
        name: requireString(connection.name, `${field}.name`),
        manual,
        target: linkTarget(store, serviceId, groupIds, field),
        groupIds,
        requestMessage: optionalString(connectionProperties.requestMessage, `${field}.properties.requestMessage`),
      });
    });
  }
  if (requests.length !== 1)
    throw badRequest(
      'InvalidPrivateEndpointConnections',
      `A private endpoint needs exactly one connection in privateLinkServiceConnections or manualPrivateLinkServiceConnections; got ${requests.length}.`,
    );
  return requests;
}

function vaultConnections(vault: ArmResource): JsonValue[] {
  const properties = (vault.properties ??= {});
  return Array.isArray(properties.privateEndpointConnections)
    ? properties.privateEndpointConnections
    : (properties.privateEndpointConnections = []);
}

function connectionFor(vault: ArmResource, endpointId: string): JsonObject | undefined {
  return vaultConnections(vault)
    .map(asObject)
    .find((c) => sameId(refId(asObject(c?.properties)?.privateEndpoint), endpointId));
}

/** The address the NIC gets: the one asked for in ipConfigurations, the one it had, or the next free one. */
function allocate(
  store: ResourceStore,
  subnet: SubnetRef,
  subnetId: string,
  requested: string | undefined,
  previous: string | undefined,
  nicId: string | undefined,
): string {
  const used = usedAddresses(store, subnetId, nicId);
  if (requested) {
    if (!isAssignable(requested, subnet.range))
      throw badRequest(
        'PrivateIPAddressNotInSubnet',
        `Private IP address ${requested} is not usable in subnet ${subnetId} (outside it or one of Azure's five reserved addresses).`,
      );
    if (used.has(requested))
      throw badRequest(
        'PrivateIPAddressInUse',
        `Private IP address ${requested} is already in use in subnet ${subnetId}.`,
      );
    return requested;
  }
  if (previous && !used.has(previous) && isAssignable(previous, subnet.range)) return previous;
  const next = nextFreeAddress(subnet.range, used);
  if (!next) throw badRequest('SubnetIsFull', `Subnet ${subnetId} has no free address left.`);
  return next;
}

export function putPrivateEndpoint(
  store: ResourceStore,
  target: ArmTarget,
  body: JsonObject,
  location: string,
): ArmResource {
  const properties = requireObject(body.properties, 'properties');
  const subnetId = requireRef(properties.subnet, 'properties.subnet');
  const subnet = findSubnet(store, subnetId);
  if (!subnet)
    throw badRequest('InvalidResourceReference', `properties.subnet.id: subnet '${subnetId}' was not found.`);
  if (!sameRegion(subnet.vnet.location, location))
    throw badRequest(
      'InvalidResourceLocation',
      `The private endpoint's location '${location}' differs from its virtual network's '${subnet.vnet.location}'.`,
    );
  const [request] = connectionRequests(store, properties);
  if (!request) throw invalidBody('properties', 'has no connection');
  const existing = store.get(target.path);
  const endpointId = existing?.id ?? target.path;
  const previousNic = refId(asArray(existing?.properties?.networkInterfaces)[0]);
  if (existing && !sameId(refId(existing.properties?.subnet), subnetId))
    throw badRequest(
      'PrivateEndpointSubnetCannotBeChanged',
      'The subnet of an existing private endpoint cannot be changed.',
    );
  const previousAddress = asString(
    asObject(asObject(asArray(store.get(previousNic ?? '')?.properties?.ipConfigurations)[0])?.properties)
      ?.privateIPAddress,
  );
  const staticConfig = asObject(optionalArray(properties.ipConfigurations, 'properties.ipConfigurations')[0]);
  const requested = optionalString(
    asObject(staticConfig?.properties)?.privateIPAddress,
    'properties.ipConfigurations[0].properties.privateIPAddress',
  );
  const address = allocate(store, subnet, subnetId, requested, previousAddress, previousNic);
  const resourceGroupId = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}`;
  const customNicName = optionalString(properties.customNetworkInterfaceName, 'properties.customNetworkInterfaceName');
  const nicId =
    previousNic ??
    `${resourceGroupId}/providers/Microsoft.Network/networkInterfaces/${customNicName ?? `${target.name}.nic.${randomBytes(4).toString('hex')}`}`;
  const nic: ArmResource = {
    id: nicId,
    name: parseTarget(nicId).name ?? '',
    type: NIC_TYPE,
    location,
    etag: `W/"${randomUUID()}"`,
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID(),
      privateEndpoint: { id: endpointId },
      ipConfigurations: [
        {
          name: `privateEndpointIpConfig.${randomUUID()}`,
          id: `${nicId}/ipConfigurations/privateEndpointIpConfig`,
          type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: address,
            privateIPAllocationMethod: requested ? 'Static' : 'Dynamic',
            privateIPAddressVersion: 'IPv4',
            subnet: { id: subnetId },
            primary: true,
            privateLinkConnectionProperties: {
              groupId: request.target.groupId,
              requiredMemberName: 'default',
              fqdns: [request.target.fqdn],
            },
          },
        },
      ],
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      nicType: 'Standard',
    },
  };
  store.upsert(nic);

  // The connection's state lives on the vault: a re-PUT keeps an approval or rejection made there.
  const vault = request.target.resource;
  const existingConnection = connectionFor(vault, endpointId);
  const state = asObject(asObject(existingConnection?.properties)?.privateLinkServiceConnectionState) ?? {
    status: request.manual ? 'Pending' : 'Approved',
    description: request.manual ? (request.requestMessage ?? 'Awaiting approval') : 'Auto-Approved',
    actionsRequired: 'None',
  };
  const vaultConnection: JsonObject = {
    id: asString(existingConnection?.id) ?? `${vault.id}/privateEndpointConnections/${target.name}.${randomUUID()}`,
    etag: randomUUID(),
    properties: {
      privateEndpoint: { id: endpointId },
      privateLinkServiceConnectionState: state,
      provisioningState: 'Succeeded',
    },
  };
  const connections = vaultConnections(vault);
  const index = connections.findIndex((c) =>
    sameId(refId(asObject(asObject(c)?.properties)?.privateEndpoint), endpointId),
  );
  if (index >= 0) connections[index] = vaultConnection;
  else connections.push(vaultConnection);

  const kind = request.manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections';
  const connectionProperties: JsonObject = {
    provisioningState: 'Succeeded',
    privateLinkServiceId: vault.id,
    groupIds: request.groupIds,
    privateLinkServiceConnectionState: structuredClone(state),
  };
  if (request.requestMessage !== undefined) connectionProperties.requestMessage = request.requestMessage;
  const endpointConnection: JsonObject = {
    id: `${endpointId}/${kind}/${request.name}`,
    name: request.name,
    type: 'Microsoft.Network/privateEndpoints/privateLinkServiceConnections',
    etag: `W/"${randomUUID()}"`,
    properties: connectionProperties,
  };
  const endpointProperties: JsonObject = {
    ...properties,
    provisioningState: 'Succeeded',
    subnet: { id: subnetId },
    networkInterfaces: [{ id: nicId }],
    customDnsConfigs: [{ fqdn: request.target.fqdn, ipAddresses: [address] }],
    privateLinkServiceConnections: request.manual ? [] : [endpointConnection],
    manualPrivateLinkServiceConnections: request.manual ? [endpointConnection] : [],
    ipConfigurations: optionalArray(properties.ipConfigurations, 'properties.ipConfigurations'),
    applicationSecurityGroups: optionalArray(
      properties.applicationSecurityGroups,
      'properties.applicationSecurityGroups',
    ),
  };
  return {
    id: endpointId,
    name: target.name ?? '',
    type: 'Microsoft.Network/privateEndpoints',
    location,
    etag: `W/"${randomUUID()}"`,
    properties: endpointProperties,
  };
}

/** The private endpoint a vault connection PUT approves or rejects follows: its connection state is the vault's. */
export function syncEndpointConnectionState(store: ResourceStore, endpointId: string, state: JsonObject): void {
  const endpoint = store.get(endpointId);
  for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
    for (const connection of asArray(endpoint?.properties?.[key])) {
      const properties = asObject(asObject(connection)?.properties);
      if (properties) properties.privateLinkServiceConnectionState = structuredClone(state);
    }
  }
}

/** Deleting an endpoint deletes its NIC, its zone groups (and their records) and its connection on the vault. */
export function deletePrivateEndpoint(store: ResourceStore, endpoint: ArmResource): void {
  for (const group of store.list('Microsoft.Network/privateEndpoints/privateDnsZoneGroups', endpoint.id))
    deleteZoneGroup(store, group);
  for (const nic of asArray(endpoint.properties?.networkInterfaces)) {
    const nicId = refId(nic);
    if (nicId) store.remove(nicId);
  }
  for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
    for (const connection of asArray(endpoint.properties?.[key])) {
      const serviceId = asString(asObject(asObject(connection)?.properties)?.privateLinkServiceId);
      const vault = serviceId ? store.get(serviceId) : undefined;
      if (!vault) continue;
      const connections = vaultConnections(vault);
      const kept = connections.filter(
        (c) => !sameId(refId(asObject(asObject(c)?.properties)?.privateEndpoint), endpoint.id),
      );
      connections.length = 0;
      for (const connection of kept) connections.push(connection);
    }
  }
}

/** FQDNs and addresses the endpoint's NICs serve. */
function endpointAddresses(store: ResourceStore, endpoint: ArmResource): { fqdn: string; address: string }[] {
  const out: { fqdn: string; address: string }[] = [];
  for (const nicRef of asArray(endpoint.properties?.networkInterfaces)) {
    const nic = store.get(refId(nicRef) ?? '');
    for (const config of asArray(nic?.properties?.ipConfigurations)) {
      const properties = asObject(asObject(config)?.properties);
      const address = asString(properties?.privateIPAddress);
      const fqdns = asArray(asObject(properties?.privateLinkConnectionProperties)?.fqdns).map(asString);
      for (const fqdn of fqdns) if (fqdn && address) out.push({ fqdn, address });
    }
  }
  return out;
}

export function putZoneGroup(
  store: ResourceStore,
  target: ArmTarget,
  body: JsonObject,
  endpoint: ArmResource,
): ArmResource {
  const properties = requireObject(body.properties, 'properties');
  const configs = optionalArray(properties.privateDnsZoneConfigs, 'properties.privateDnsZoneConfigs');
  if (configs.length === 0 || configs.length > 5)
    throw badRequest('InvalidPrivateDnsZoneConfigs', 'properties.privateDnsZoneConfigs must hold 1 to 5 zones.');
  const zones = configs.map((value, index) => {
    const field = `properties.privateDnsZoneConfigs[${index}]`;
    const config = requireObject(value, field);
    const zoneId = requireString(
      requireObject(config.properties, `${field}.properties`).privateDnsZoneId,
      `${field}.properties.privateDnsZoneId`,
    );
    const zone = store.get(zoneId);
    if (!zone || zone.type.toLowerCase() !== 'microsoft.network/privatednszones')
      throw badRequest(
        'PrivateDnsZoneDoesNotExist',
        `${field}.properties.privateDnsZoneId: private DNS zone '${zoneId}' does not exist.`,
      );
    return { name: requireString(config.name, `${field}.name`), zone };
  });
  if (new Set(zones.map((z) => idKey(z.zone.id))).size !== zones.length)
    throw badRequest(
      'DuplicatePrivateDnsZoneIds',
      'A private DNS zone appears twice in properties.privateDnsZoneConfigs.',
    );
  const existing = store.get(target.path);
  if (existing) deleteZoneGroup(store, existing);
  const served = endpointAddresses(store, endpoint);
  const zoneConfigs: JsonObject[] = zones.map(({ name, zone }) => {
    const byRecord = new Map<string, string[]>();
    for (const { fqdn, address } of served) {
      const recordName = (fqdn.split('.')[0] ?? '').toLowerCase();
      byRecord.set(recordName, [...(byRecord.get(recordName) ?? []), address]);
    }
    const recordSets: JsonObject[] = [...byRecord.entries()].map(([recordName, addresses]) => {
      addARecords(store, zone, recordName, addresses);
      return {
        recordType: 'A',
        recordSetName: recordName,
        fqdn: `${recordName}.${zone.name}`,
        ttl: 10,
        ipAddresses: addresses,
        provisioningState: 'Succeeded',
      };
    });
    return { name, properties: { privateDnsZoneId: zone.id, recordSets } };
  });
  return {
    id: existing?.id ?? target.path,
    name: target.name ?? '',
    type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    etag: `W/"${randomUUID()}"`,
    properties: { provisioningState: 'Succeeded', privateDnsZoneConfigs: zoneConfigs },
  };
}

/** Deleting a zone group takes its addresses out of the A records it wrote. */
export function deleteZoneGroup(store: ResourceStore, group: ArmResource): void {
  for (const config of asArray(group.properties?.privateDnsZoneConfigs)) {
    const properties = asObject(asObject(config)?.properties);
    const zoneId = asString(properties?.privateDnsZoneId);
    if (!zoneId) continue;
    for (const recordSet of asArray(properties?.recordSets)) {
      const record = asObject(recordSet);
      const name = asString(record?.recordSetName);
      const addresses = asArray(record?.ipAddresses)
        .map(asString)
        .filter((a): a is string => a !== undefined);
      if (name) removeARecords(store, zoneId, name, addresses);
    }
  }
  store.remove(group.id);
}

export function requireEndpoint(store: ResourceStore, endpointId: string): ArmResource {
  const endpoint = store.get(endpointId);
  if (!endpoint)
    throw new ArmError(
      404,
      'ParentResourceNotFound',
      `Can not perform requested operation on nested resource. Parent resource '${parseTarget(endpointId).name}' not found.`,
    );
  return endpoint;
}
