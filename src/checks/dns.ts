import { idKey, parseId } from '../model/arm';
import { CLOUD_NAMES, CLOUDS, type CloudName, requiredZoneName } from '../model/cloud';
import { compareIds, type Estate } from '../model/estate';
import type { ARecordSet, PrivateEndpoint, Vault, VaultKind } from '../model/types';

/**
 * Facts shared by the DNS rules (KV201-KV205; when they apply is rules/shared/dns-scope.ts): how a zone name misses the required
 * one, and which records are named after a vault.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */

export type ZoneNameVerdict = { kind: 'exact' } | { kind: 'near-miss'; reason: string } | { kind: 'unrelated' };

/** Typos within this many edits of the required name are reported as near misses. */
const TYPO_DISTANCE = 3;

/**
 * How a zone name compares with the one a vault of this cloud and kind needs. Near misses are the
 * mistakes users make: the public host suffix, a missing `privatelink.`, another cloud's or kind's zone,
 * a trailing dot, a typo. Zone names are DNS names: compared lower-cased.
 */
export function judgeZoneName(zoneName: string, cloud: CloudName, kind: VaultKind): ZoneNameVerdict {
  const name = zoneName.trim().toLowerCase();
  const required = requiredZoneName(cloud, kind);
  const hostSuffix = kind === 'managedHsm' ? CLOUDS[cloud].managedHsmSuffix : CLOUDS[cloud].vaultSuffix;
  if (name === required) return { kind: 'exact' };
  const nearMiss = (reason: string): ZoneNameVerdict => ({ kind: 'near-miss', reason });
  if (name.replace(/\.+$/, '') === required) return nearMiss('the name ends with a dot');
  const other = zoneOwner(name);
  if (other)
    return nearMiss(
      `that is the ${KIND_LABEL[other.kind]} zone${other.cloud === cloud ? '' : ` of ${CLOUD_LABEL[other.cloud]}`}`,
    );
  if (`privatelink.${name}` === required) return nearMiss('the privatelink. prefix is missing');
  if (name === hostSuffix) return nearMiss(`${hostSuffix} is the public host suffix, not the private link zone`);
  if (name === `privatelink.${hostSuffix}`)
    return nearMiss(
      `it uses the public host suffix ${hostSuffix} instead of ${required.replace(/^privatelink\./, '')}`,
    );
  if (required.endsWith(`.${name}`)) return nearMiss(`it is a parent domain of ${required}`);
  if (name.endsWith(`.${required}`)) return nearMiss(`it is a subdomain of ${required}`);
  const distance = editDistance(name, required);
  if (distance <= TYPO_DISTANCE)
    return nearMiss(`it differs from ${required} by ${distance} character${distance === 1 ? '' : 's'} (a typo?)`);
  return { kind: 'unrelated' };
}

const KIND_LABEL: Record<VaultKind, string> = { vault: 'key vault', managedHsm: 'managed HSM' };
const CLOUD_LABEL: Record<CloudName, string> = {
  AzureCloud: 'the Azure public cloud',
  AzureUSGovernment: 'Azure US Government',
  AzureChinaCloud: 'Azure China',
};

/** The cloud and kind a required zone name belongs to, if it is one. */
function zoneOwner(name: string): { cloud: CloudName; kind: VaultKind } | undefined {
  for (const cloud of CLOUD_NAMES) {
    if (CLOUDS[cloud].vaultZone === name) return { cloud, kind: 'vault' };
    if (CLOUDS[cloud].managedHsmZone === name) return { cloud, kind: 'managedHsm' };
  }
  return undefined;
}

/** Levenshtein distance: small inputs (DNS names), so the plain two-row algorithm is enough. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Whether two names are within `max` edits, without the full table when they are not: the length gap is
 * a lower bound, and a row whose smallest value passes `max` ends the search (a zone holds thousands of
 * records; near-miss checks compare the vault's name with each).
 */
export function withinEditDistance(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return false;
    previous = current;
  }
  return (previous[b.length] ?? 0) <= max;
}

interface NamedRecord {
  record: ARecordSet;
  /** Position in the zone's records sorted by name. */
  order: number;
  /** The record's name, lower-cased. */
  name: string;
  /** Characters counted into 64 buckets: their difference bounds the edit distance from below, cheaply. */
  letters: Int32Array;
}

interface ZoneRecords {
  byFirstLabel: Map<string, NamedRecord[]>;
  byLength: Map<number, NamedRecord[]>;
}

const recordsByZone = new WeakMap<Estate, Map<string, ZoneRecords>>();

/** A zone's A records indexed by first label and by name length, built once per estate (read-only once built). */
function zoneRecords(estate: Estate, zoneId: string): ZoneRecords {
  let zones = recordsByZone.get(estate);
  if (!zones) recordsByZone.set(estate, (zones = new Map()));
  let index = zones.get(idKey(zoneId));
  if (!index) {
    index = { byFirstLabel: new Map(), byLength: new Map() };
    const sorted = [...estate.aRecordsOf(zoneId)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const [order, record] of sorted.entries()) {
      const name = record.name.toLowerCase();
      const entry: NamedRecord = { record, order, name, letters: letterCounts(name) };
      const label = name.split('.')[0] ?? name;
      index.byFirstLabel.set(label, [...(index.byFirstLabel.get(label) ?? []), entry]);
      const sameLength = index.byLength.get(name.length);
      if (sameLength) sameLength.push(entry);
      else index.byLength.set(name.length, [entry]);
    }
    zones.set(idKey(zoneId), index);
  }
  return index;
}

function letterCounts(text: string): Int32Array {
  const counts = new Int32Array(64);
  for (let i = 0; i < text.length; i++) {
    const bucket = text.charCodeAt(i) & 63;
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return counts;
}

/**
 * Whether the bucket counts allow `max` edits: each edit changes at most two counts by one, so half the
 * total difference is a lower bound of the edit distance. Stops as soon as the bound is passed.
 */
function lettersAllow(a: Int32Array, b: Int32Array, max: number): boolean {
  let gap = 0;
  for (let i = 0; i < 64; i++) {
    gap += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    if (gap > 2 * max) return false;
  }
  return true;
}

/**
 * The zone's records meant for a name: those named after it (`kv1.privatelink`) and those within
 * `maxTypos` edits of it, in name order. The same answer as checking every record with isNamedAfter and
 * the edit distance, from indexes and cheap bounds (length, character counts): a hub zone holds a record
 * per vault, and this runs for each vault whose record is missing (issue 7).
 */
export function recordsNear(
  estate: Estate,
  zoneId: string,
  name: string,
  maxTypos: number,
): { record: ARecordSet; kind: 'named-after' | 'typo' }[] {
  const wanted = name.toLowerCase();
  const index = zoneRecords(estate, zoneId);
  const found = new Map<number, { record: ARecordSet; kind: 'named-after' | 'typo' }>();
  for (const entry of index.byFirstLabel.get(wanted) ?? []) {
    if (isNamedAfter(entry.name, wanted)) found.set(entry.order, { record: entry.record, kind: 'named-after' });
  }
  const wantedLetters = letterCounts(wanted);
  for (let length = wanted.length - maxTypos; length <= wanted.length + maxTypos; length++) {
    for (const entry of index.byLength.get(length) ?? []) {
      if (found.has(entry.order) || !lettersAllow(entry.letters, wantedLetters, maxTypos)) continue;
      if (withinEditDistance(entry.name, wanted, maxTypos))
        found.set(entry.order, { record: entry.record, kind: 'typo' });
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
}

/** A record set whose first label is the vault's name: `kv1`, and the near misses `kv1.privatelink`, `kv1.vault.azure.net`. */
export function isNamedAfter(recordName: string, vaultName: string): boolean {
  const record = recordName.toLowerCase();
  const wanted = vaultName.toLowerCase();
  return record === wanted || record.startsWith(`${wanted}.`);
}

/** The zone's name from the zone in the estate, else from its id (a zone group may name a zone outside the scope). */
export function zoneNameOf(estate: Estate, zoneId: string): string {
  return (estate.zones.get(zoneId)?.name ?? parseId(zoneId).name).toLowerCase();
}

export interface ClaimingZone {
  /** The zone's id as the estate or the referring zone group has it. */
  id: string;
  name: string;
  /** Why the zone counts: the endpoints whose zone groups point at it, the records in it named after the vault. */
  groupedBy: string[];
  records: ARecordSet[];
}

/**
 * The zones that claim to serve a vault: those its endpoints' DNS zone groups point at, and those holding
 * an A record named after it, unless the zone's name has nothing to do with the vault (a company zone
 * with an alias record is not a misnamed private link zone). Sorted by id.
 */
export function zonesClaiming(
  estate: Estate,
  vault: Vault,
  cloud: CloudName,
  endpoints: readonly PrivateEndpoint[],
): ClaimingZone[] {
  const zones = new Map<string, ClaimingZone>();
  const entry = (zoneId: string): ClaimingZone => {
    const key = idKey(zoneId);
    const existing = zones.get(key);
    if (existing) return existing;
    const created: ClaimingZone = {
      id: estate.zones.get(zoneId)?.id ?? zoneId,
      name: zoneNameOf(estate, zoneId),
      groupedBy: [],
      records: [],
    };
    zones.set(key, created);
    return created;
  };
  for (const endpoint of endpoints) {
    for (const group of estate.zoneGroupsOf(endpoint.id)) {
      for (const config of group.configs) {
        if (!config.privateDnsZoneId) continue;
        const zone = entry(config.privateDnsZoneId);
        if (!zone.groupedBy.includes(endpoint.name)) zone.groupedBy.push(endpoint.name);
      }
    }
  }
  // Indexed by first label: a scan of every record per vault is quadratic at 10,000 vaults (issue 7).
  for (const record of estate.aRecordsNamed(vault.name)) {
    if (!isNamedAfter(record.name, vault.name)) continue;
    const grouped = zones.has(idKey(record.zoneId));
    if (!grouped && judgeZoneName(zoneNameOf(estate, record.zoneId), cloud, vault.kind).kind === 'unrelated') continue;
    entry(record.zoneId).records.push(record);
  }
  return [...zones.values()].sort((a, b) => compareIds(a.id, b.id));
}

/** The endpoints whose DNS zone groups point at a zone; all of them when none does (records kept by hand). */
export function endpointsForZone(
  estate: Estate,
  endpoints: readonly PrivateEndpoint[],
  zoneId: string,
): PrivateEndpoint[] {
  const pointing = endpoints.filter((endpoint) =>
    estate
      .zoneGroupsOf(endpoint.id)
      .some((group) =>
        group.configs.some((c) => c.privateDnsZoneId !== undefined && idKey(c.privateDnsZoneId) === idKey(zoneId)),
      ),
  );
  return pointing.length > 0 ? pointing : [...endpoints];
}
