import { ARM_TYPES } from '../model/arm-types';
import { UNKNOWN } from '../model/planned';
import { known, UNKNOWN_NAME, type PlanContext } from './context';
import type { TerraformInstance } from './document';
import { mapList, ref, simple } from './mapper';

const ZONE = ARM_TYPES.privateDnsZone;
const LINK = ARM_TYPES.virtualNetworkLink;
const RECORD = ARM_TYPES.aRecordSet;

/**
 * azurerm_private_dns_zone (and the data source) → Microsoft.Network/privateDnsZones (shape: Microsoft's
 * PrivateZoneGet example). A zone the plan creates holds only what the plan puts in it; a zone it only reads
 * (a hub zone the DNS team owns) may hold records and links the plan does not show: those are "possible"
 * resources, so a rule that would fail for their absence is not decided by the plan alone.
 */
export const privateDnsZone = simple(
  ZONE,
  (instance, context) => {
    const a = context.attributes(instance);
    return {
      numberOfRecordSets: a.get('number_of_record_sets'),
      numberOfVirtualNetworkLinks: a.get('number_of_virtual_network_links'),
    };
  },
  { location: 'global' },
);

/** The zone's id from a child's `resource_group_name` and zone name attribute. */
export function zoneIdOf(instance: TerraformInstance, context: PlanContext, zoneAttribute: string): string {
  const zoneName = known(context.attributes(instance).get(zoneAttribute)) ?? UNKNOWN_NAME;
  return `${context.groupId(instance)}/providers/${ZONE}/${zoneName}`;
}

/**
 * azurerm_private_dns_zone_virtual_network_link → .../virtualNetworkLinks (Microsoft's VirtualNetworkLinkGet).
 * A successful apply leaves the link Succeeded and Completed: azurerm waits for the operation to finish, and
 * an apply that fails is not the estate the plan describes.
 */
export const privateDnsZoneLink = simple(
  LINK,
  (instance, context) => {
    const a = context.attributes(instance);
    return {
      virtualNetwork: ref(context.reference(instance, 'virtual_network_id')),
      registrationEnabled: a.get('registration_enabled') ?? false,
      resolutionPolicy: a.get('resolution_policy'),
      virtualNetworkLinkState: 'Completed',
    };
  },
  {
    location: 'global',
    id: (instance, context) =>
      `${zoneIdOf(instance, context, 'private_dns_zone_name')}/virtualNetworkLinks/${known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME}`,
  },
);

/** azurerm_private_dns_a_record → .../A/{name} (Microsoft's RecordSetAGet): `records` are the addresses. */
export const privateDnsARecord = simple(
  RECORD,
  (instance, context) => {
    const a = context.attributes(instance);
    const records = a.list('records');
    return {
      ttl: a.get('ttl'),
      fqdn: a.get('fqdn'),
      aRecords: records === UNKNOWN ? UNKNOWN : mapList(records, (ipv4Address) => ({ ipv4Address })),
    };
  },
  {
    id: (instance, context) =>
      `${zoneIdOf(instance, context, 'zone_name')}/A/${known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME}`,
  },
);
