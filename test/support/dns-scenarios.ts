import type { ArmResource } from '../../src/model/arm';
import * as arm from '../../src/fixtures/arm-factory';
import { healthyPath, modify, remove, SPOKE_SUB, VAULT_ZONE, type Path } from '../../src/fixtures/scenario';

/**
 * Variations of the healthy path that the DNS rule tests (KV201-KV205) share: other clouds and kinds,
 * renamed zones, custom DNS servers, a second spoke.
 */

/** Deep copy with every occurrence of each string replaced, in order (ids, names and references alike). */
export function rewrite<T>(value: T, replacements: readonly [string, string][]): T {
  let text = JSON.stringify(value);
  for (const [from, to] of replacements) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** The healthy path with the zone renamed everywhere it is named (zone, links, records, zone group). */
export function withZoneNamed(path: Path, name: string): Path {
  return rewrite(path, [[VAULT_ZONE, name]]);
}

/** A US Government vault (vault.usgovcloudapi.net) served by privatelink.vaultcore.usgovcloudapi.net. */
export function usGovPath(): Path {
  return rewrite(healthyPath(), [
    [VAULT_ZONE, 'privatelink.vaultcore.usgovcloudapi.net'],
    ['.vault.azure.net', '.vault.usgovcloudapi.net'],
  ]);
}

/** A managed HSM behind a private endpoint (group `managedhsm`) served by privatelink.managedhsm.azure.net. */
export function managedHsmPath(): Path {
  const path = rewrite(healthyPath({ vaultName: 'hsm-payments' }), [
    [VAULT_ZONE, 'privatelink.managedhsm.azure.net'],
    ['privatelink-vaultcore-azure-net', 'privatelink-managedhsm-azure-net'],
    ['Microsoft.KeyVault/vaults', 'Microsoft.KeyVault/managedHSMs'],
    ['.vault.azure.net', '.managedhsm.azure.net'],
    ['"groupIds":["vault"]', '"groupIds":["managedhsm"]'],
    ['"groupId":"vault"', '"groupId":"managedhsm"'],
    ['privateEndpointIpConfig.vault', 'privateEndpointIpConfig.managedhsm'],
  ]);
  const hsm = arm.managedHsm({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-payments',
    name: 'hsm-payments',
    connections: [{ privateEndpointId: path.ids.endpoint }],
  });
  return { ...path, resources: modify(path.resources, path.ids.vault, () => hsm) };
}

/** The vault with no private endpoint at all: no connection on the vault, no endpoint targeting it. */
export function withoutEndpoint(path: Path): ArmResource[] {
  const resources = modify(remove(path.resources, path.ids.endpoint), path.ids.vault, (v) => {
    if (v.properties) v.properties.privateEndpointConnections = [];
    return v;
  });
  return remove(resources, path.ids.zoneGroup);
}

/** Sets a VNet's custom DNS servers (`dhcpOptions.dnsServers`). */
export function withDnsServers(resources: readonly ArmResource[], vnetId: string, servers: string[]): ArmResource[] {
  return modify(resources, vnetId, (vnet) => {
    if (vnet.properties) vnet.properties.dhcpOptions = { dnsServers: servers };
    return vnet;
  });
}

/** Changes a resource's `properties` in place of a deep copy. */
export function withProperties(
  resources: readonly ArmResource[],
  id: string,
  properties: Record<string, string | string[] | boolean>,
): ArmResource[] {
  return modify(resources, id, (resource) => {
    resource.properties = { ...(resource.properties ?? {}), ...properties };
    return resource;
  });
}

/** The A record's addresses replaced. */
export function withRecordAddresses(
  resources: readonly ArmResource[],
  recordId: string,
  addresses: string[],
): ArmResource[] {
  return modify(resources, recordId, (record) => {
    if (record.properties) record.properties.aRecords = addresses.map((ipv4Address) => ({ ipv4Address }));
    return record;
  });
}

/** An id upper-cased everywhere it occurs: the resource, references to it, its children's ids (ARM ids are case-insensitive). */
export function upperCased(resources: readonly ArmResource[], id: string): ArmResource[] {
  return rewrite<ArmResource[]>([...resources], [[id, id.toUpperCase()]]);
}

/** A VNet for callers elsewhere, not linked to the zone; peered to the hub (Connected) when its id is given. */
export function appVnet(hubVnetId?: string): { resource: ArmResource; id: string } {
  const resource = arm.virtualNetwork({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-app',
    name: 'vnet-app',
    addressPrefixes: ['10.5.0.0/16'],
    subnets: [{ name: 'snet-app', addressPrefix: '10.5.1.0/24' }],
    peerings: hubVnetId ? [{ name: 'to-hub', remoteVirtualNetworkId: hubVnetId }] : [],
  });
  return { resource, id: resource.id };
}

export interface SecondSpoke {
  resources: ArmResource[];
  vnetId: string;
  endpointId: string;
  nicId: string;
  /** The spoke's own zone of the required name, when it has one. */
  zoneId: string | undefined;
  recordId: string | undefined;
  endpointIp: string;
}

/**
 * A second private endpoint for the same vault in another spoke (10.2.0.0/16). With `ownZone`, the spoke
 * has its own zone of the required name (linked to it, holding its record) and its zone group points there;
 * without, its zone group points at the hub zone and the spoke is linked to the hub zone.
 */
export function secondSpoke(path: Path, ownZone: boolean): SecondSpoke {
  const rg = 'rg-payments-spoke2';
  const vnet = arm.virtualNetwork({
    subscriptionId: SPOKE_SUB,
    resourceGroup: rg,
    name: 'vnet-spoke-2',
    addressPrefixes: ['10.2.0.0/16'],
    subnets: [{ name: 'snet-private-endpoints', addressPrefix: '10.2.1.0/24' }],
    peerings: [{ name: 'to-hub', remoteVirtualNetworkId: path.ids.hubVnet }],
  });
  const endpointIp = '10.2.1.4';
  const pe = arm.privateEndpoint({
    subscriptionId: SPOKE_SUB,
    resourceGroup: rg,
    name: 'pe-kv-payments-prod-2',
    subnetId: arm.subnetId(vnet.id, 'snet-private-endpoints'),
    targetId: path.ids.vault,
    ipAddress: endpointIp,
  });
  const zone = ownZone ? arm.privateDnsZone(SPOKE_SUB, rg, VAULT_ZONE) : undefined;
  const zoneId = zone?.id ?? path.ids.zone;
  const record = zone ? arm.aRecordSet(zone.id, 'kv-payments-prod', [endpointIp]) : undefined;
  const resources: ArmResource[] = [
    vnet,
    pe.endpoint,
    pe.nic,
    arm.privateDnsZoneGroup(pe.endpoint.id, 'default', [
      { zoneId, recordSetName: 'kv-payments-prod', ipAddresses: [endpointIp] },
    ]),
    arm.virtualNetworkLink(zoneId, 'link-vnet-spoke-2', vnet.id),
  ];
  if (zone && record) resources.push(zone, record);
  return {
    resources,
    vnetId: vnet.id,
    endpointId: pe.endpoint.id,
    nicId: pe.nic.id,
    zoneId: zone?.id,
    recordId: record?.id,
    endpointIp,
  };
}
