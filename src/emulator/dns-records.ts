import { randomUUID } from 'node:crypto';
import { asArray, asObject, asString, type ArmResource, type JsonObject } from './json';
import { RECORD_SETS, type ResourceStore } from './store';

/**
 * Private DNS record sets as ARM stores them: the name lower-cased (Microsoft's RecordSetAGet example
 * returns `recordA` as `recorda`), `fqdn` with a trailing dot, and the zone's record-set count kept current.
 */
export function recordSetId(zoneId: string, recordType: string, name: string): string {
  return `${zoneId}/${recordType}/${name.toLowerCase()}`;
}

export function buildRecordSet(
  zone: ArmResource,
  recordType: string,
  name: string,
  properties: JsonObject,
  etag?: string,
): ArmResource {
  const lower = name.toLowerCase();
  return {
    id: recordSetId(zone.id, recordType, lower),
    name: lower,
    type: `Microsoft.Network/privateDnsZones/${recordType}`,
    etag: etag ?? randomUUID(),
    properties: {
      metadata: asObject(properties.metadata) ?? {},
      ...properties,
      fqdn: lower === '@' ? `${zone.name}.` : `${lower}.${zone.name}.`,
      isAutoRegistered: false,
    },
  };
}

export function storeRecordSet(
  store: ResourceStore,
  zone: ArmResource,
  recordType: string,
  name: string,
  properties: JsonObject,
  etag?: string,
): ArmResource {
  const record = buildRecordSet(zone, recordType, name, properties, etag);
  store.upsert(record);
  refreshZoneCounts(store, zone.id);
  return record;
}

export function refreshZoneCounts(store: ResourceStore, zoneId: string): void {
  const zone = store.get(zoneId);
  if (!zone?.properties) return;
  zone.properties.numberOfRecordSets = store.list(RECORD_SETS, zone.id).length;
  const links = store.list('Microsoft.Network/privateDnsZones/virtualNetworkLinks', zone.id);
  zone.properties.numberOfVirtualNetworkLinks = links.length;
  zone.properties.numberOfVirtualNetworkLinksWithRegistration = links.filter(
    (l) => l.properties?.registrationEnabled === true,
  ).length;
}

/** Adds addresses to an A record set (creating it), as a DNS zone group does for its endpoint's NIC. */
export function addARecords(
  store: ResourceStore,
  zone: ArmResource,
  name: string,
  addresses: readonly string[],
): ArmResource {
  const existing = store.get(recordSetId(zone.id, 'A', name));
  const current = asArray(existing?.properties?.aRecords)
    .map((r) => asString(asObject(r)?.ipv4Address))
    .filter((a): a is string => a !== undefined);
  const merged = [...new Set([...current, ...addresses])];
  const ttl = existing?.properties?.ttl ?? 10;
  return storeRecordSet(store, zone, 'A', name, {
    ...(existing?.properties ?? {}),
    ttl,
    aRecords: merged.map((ipv4Address) => ({ ipv4Address })),
  });
}

/** Removes addresses from an A record set; the set goes when it has none left. */
export function removeARecords(store: ResourceStore, zoneId: string, name: string, addresses: readonly string[]): void {
  const id = recordSetId(zoneId, 'A', name);
  const existing = store.get(id);
  if (!existing?.properties) return;
  const remaining = asArray(existing.properties.aRecords).filter(
    (r) => !addresses.includes(asString(asObject(r)?.ipv4Address) ?? ''),
  );
  if (remaining.length === 0) store.remove(id);
  else existing.properties.aRecords = remaining;
  refreshZoneCounts(store, zoneId);
}

/**
 * Every private DNS zone has its SOA record set `@`, created with the zone, with the service's values
 * (Microsoft's RecordSetSOAGet.json / PrivateZonePut: host azureprivatedns.net, email
 * azureprivatedns-host.microsoft.com, refresh 3600, retry 300, expire 2419200, minimum TTL 10, TTL 3600).
 */
export function ensureSoa(store: ResourceStore, zone: ArmResource): void {
  if (store.get(recordSetId(zone.id, 'SOA', '@'))) return;
  store.upsert(
    buildRecordSet(zone, 'SOA', '@', {
      ttl: 3600,
      soaRecord: {
        host: 'azureprivatedns.net',
        email: 'azureprivatedns-host.microsoft.com',
        serialNumber: 1,
        refreshTime: 3600,
        retryTime: 300,
        expireTime: 2419200,
        minimumTtl: 10,
      },
    }),
  );
}

/** Seeded zones get what the service gives every zone: the SOA record set and current counters. */
export function completeZones(store: ResourceStore): void {
  for (const zone of store.listEverywhereTracked('Microsoft.Network/privateDnsZones')) {
    ensureSoa(store, zone);
    refreshZoneCounts(store, zone.id);
  }
}
