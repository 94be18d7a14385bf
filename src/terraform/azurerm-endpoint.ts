import { ARM_TYPES } from '../model/arm-types';
import type { JsonObject, JsonValue } from '../model/arm';
import { UNKNOWN, UNSEEN } from '../model/planned';
import { compact, type BlockView } from './attributes';
import { isKnown, known, UNKNOWN_NAME, type PlanContext, type PlannedResource } from './context';
import type { TerraformInstance } from './document';
import { isCreated, lastSegment, mapBlocks, mapList, ref, resource, type Mapper } from './mapper';

const ENDPOINT = ARM_TYPES.privateEndpoint;
const NIC = ARM_TYPES.networkInterface;
const ZONE_GROUP = ARM_TYPES.zoneGroup;
const RECORD = ARM_TYPES.aRecordSet;

/**
 * azurerm_private_endpoint → Microsoft.Network/privateEndpoints (shape: Microsoft's PrivateEndpointGet
 * example), plus what Azure makes of it:
 * - the NIC Azure creates (the endpoint's `networkInterfaces`), when the plan knows its address (a static
 *   `ip_configuration`, or an endpoint that already exists);
 * - the connection's state: a new automatic connection is Approved, a new manual one Pending
 *   (https://learn.microsoft.com/azure/private-link/private-endpoint-overview#access-to-a-private-link-resource-using-approval-workflow);
 *   an existing connection's state is not in the plan;
 * - its DNS zone group (`private_dns_zone_group`), and the A record the group writes in each zone, named after
 *   the vault, with the NIC's address
 *   (https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration#private-dns-zone-group).
 * Every resource the endpoint yields is declared by the endpoint's address.
 */
export const privateEndpoint: Mapper = {
  id: (instance, context) => context.resourceId(instance, ENDPOINT),
  map(instance, context, id) {
    const a = context.attributes(instance);
    const created = isCreated(instance);
    const subnetId = context.reference(instance, 'subnet_id');
    const connections = a.blocks('private_service_connection');
    const automatic: JsonValue[] = [];
    const manual: JsonValue[] = [];
    let targetId: string | typeof UNKNOWN | undefined;
    if (connections !== UNKNOWN) {
      for (const block of connections) {
        const isManual = block.bool('is_manual_connection') === true;
        const target = context.reference(instance, ...block.path, 'private_connection_resource_id');
        targetId ??= target;
        const name = known(block.get('name')) ?? UNKNOWN_NAME;
        const state = created
          ? isManual
            ? { status: 'Pending', description: known(block.get('request_message')) ?? '', actionsRequired: 'None' }
            : { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' }
          : UNSEEN;
        (isManual ? manual : automatic).push({
          name,
          id: `${id}/${isManual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections'}/${name}`,
          properties: compact({
            privateLinkServiceId: target,
            groupIds: mapList(block.list('subresource_names'), (v) => v),
            requestMessage: block.get('request_message'),
            privateLinkServiceConnectionState: state,
            provisioningState: created ? 'Succeeded' : UNSEEN,
          }),
        });
      }
    }
    const address = endpointAddress(a.blocks('private_service_connection'), a.blocks('ip_configuration'));
    const nic = nicOf(instance, context, id, subnetId, address);
    const endpoint = resource(
      instance,
      id,
      ENDPOINT,
      compact({
        subnet: ref(subnetId),
        privateLinkServiceConnections: connections === UNKNOWN ? UNKNOWN : automatic,
        manualPrivateLinkServiceConnections: connections === UNKNOWN ? UNKNOWN : manual,
        customNetworkInterfaceName: a.get('custom_network_interface_name'),
        ipConfigurations: mapBlocks(a.blocks('ip_configuration'), (b) =>
          compact({
            name: b.get('name'),
            properties: compact({
              groupId: b.get('subresource_name'),
              memberName: b.get('member_name'),
              privateIPAddress: b.get('private_ip_address'),
            }),
          }),
        ),
        networkInterfaces: nic ? [{ id: nic.resource.id }] : UNKNOWN,
        customDnsConfigs: mapBlocks(a.blocks('custom_dns_configs'), (b) =>
          compact({ fqdn: b.get('fqdn'), ipAddresses: mapList(b.list('ip_addresses'), (v) => v) }),
        ),
        provisioningState: 'Succeeded',
      }),
      compact({ location: a.get('location') }),
    );
    const resources: PlannedResource[] = [endpoint, ...(nic ? [nic] : [])];
    for (const r of zoneGroup(instance, context, id, isKnown(targetId) ? targetId : undefined, address))
      resources.push(r);
    return { resources, patches: [] };
  },
};

/** The NIC's address: `private_ip_address` of the connection (known once it exists), else a static ip_configuration's. */
function endpointAddress(
  connections: BlockView[] | typeof UNKNOWN,
  ipConfigurations: BlockView[] | typeof UNKNOWN,
): string | undefined {
  const fromConnection = connections === UNKNOWN ? undefined : known(connections[0]?.get('private_ip_address'));
  if (fromConnection) return fromConnection;
  return ipConfigurations === UNKNOWN ? undefined : known(ipConfigurations[0]?.get('private_ip_address'));
}

function nicOf(
  instance: TerraformInstance,
  context: PlanContext,
  endpointId: string,
  subnetId: string | typeof UNKNOWN | undefined,
  address: string | undefined,
): PlannedResource | undefined {
  if (!address) return undefined;
  const a = context.attributes(instance);
  const interfaces = a.blocks('network_interface');
  const knownId = interfaces === UNKNOWN ? undefined : known(interfaces[0]?.get('id'));
  const name = known(a.get('custom_network_interface_name')) ?? `${lastSegment(endpointId)}.nic.${UNKNOWN_NAME}`;
  const id = knownId ?? `${context.groupId(instance)}/providers/${NIC}/${name}`;
  return resource(
    instance,
    id,
    NIC,
    compact({
      privateEndpoint: { id: endpointId },
      ipConfigurations: [
        {
          name: 'privateEndpointIpConfig',
          id: `${id}/ipConfigurations/privateEndpointIpConfig`,
          properties: compact({ privateIPAddress: address, subnet: ref(subnetId), primary: true }),
        },
      ],
      provisioningState: 'Succeeded',
    }),
    compact({ location: a.get('location') }),
  );
}

function zoneGroup(
  instance: TerraformInstance,
  context: PlanContext,
  endpointId: string,
  targetId: string | undefined,
  address: string | undefined,
): PlannedResource[] {
  const a = context.attributes(instance);
  const groups = a.blocks('private_dns_zone_group');
  if (groups === UNKNOWN || groups.length === 0) return [];
  const [group] = groups;
  if (!group) return [];
  const groupName = known(group.get('name')) ?? UNKNOWN_NAME;
  const zoneIds = context.references(instance, ...group.path, 'private_dns_zone_ids');
  const recordName = targetId ? lastSegment(targetId).toLowerCase() : undefined;
  const reported = reportedRecords(a.blocks('private_dns_zone_configs'));
  const configs: JsonValue[] =
    zoneIds === UNKNOWN
      ? []
      : zoneIds.map((zoneId) =>
          compact({
            name: lastSegment(zoneId).replace(/\./g, '-'),
            properties: compact({
              privateDnsZoneId: zoneId,
              recordSets: reported.get(zoneId.toLowerCase())?.map((r) => r.recordSet),
            }),
          }),
        );
  const groupId = `${endpointId}/privateDnsZoneGroups/${groupName}`;
  const out: PlannedResource[] = [
    resource(
      instance,
      groupId,
      ZONE_GROUP,
      compact({ privateDnsZoneConfigs: zoneIds === UNKNOWN ? UNKNOWN : configs, provisioningState: 'Succeeded' }),
    ),
  ];
  if (zoneIds === UNKNOWN) return out;
  for (const zoneId of zoneIds) {
    const records = reported.get(zoneId.toLowerCase());
    if (records) {
      for (const record of records)
        out.push({ ...resource(instance, `${zoneId}/A/${record.name}`, RECORD, record.properties), effect: true });
      continue;
    }
    if (!recordName) continue;
    out.push({
      ...resource(
        instance,
        `${zoneId}/A/${recordName}`,
        RECORD,
        compact({ ttl: 10, aRecords: address ? [{ ipv4Address: address }] : UNKNOWN }),
      ),
      effect: true,
    });
  }
  return out;
}

/** `private_dns_zone_configs[].record_sets[]` (computed once the endpoint exists): the records the group wrote. */
function reportedRecords(
  configs: BlockView[] | typeof UNKNOWN,
): Map<string, { name: string; recordSet: JsonObject; properties: JsonObject }[]> {
  const byZone = new Map<string, { name: string; recordSet: JsonObject; properties: JsonObject }[]>();
  if (configs === UNKNOWN) return byZone;
  for (const config of configs) {
    const zoneId = known(config.get('private_dns_zone_id'));
    const sets = config.blocks('record_sets');
    if (!zoneId || sets === UNKNOWN) continue;
    const list = sets
      .filter((set) => known(set.get('type')) === 'A' && known(set.get('name')))
      .map((set) => {
        const name = known(set.get('name')) ?? '';
        const ips = set.list('ip_addresses');
        const addresses =
          ips === UNKNOWN ? [] : ips.filter((ip): ip is string => typeof ip === 'string' && ip !== UNKNOWN);
        return {
          name,
          recordSet: compact({ recordType: 'A', recordSetName: name, fqdn: set.get('fqdn'), ipAddresses: addresses }),
          properties: compact({
            ttl: set.get('ttl'),
            fqdn: set.get('fqdn'),
            aRecords: addresses.map((ipv4Address) => ({ ipv4Address })),
          }),
        };
      });
    byZone.set(zoneId.toLowerCase(), list);
  }
  return byZone;
}
