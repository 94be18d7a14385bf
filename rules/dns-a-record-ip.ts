import { callerOrigins, compareAddresses, endpointAddresses, vnetContaining } from '../src/checks/access-path';
import { endpointsForZone } from '../src/checks/dns';
import { type LinkTraffic, isLinkApproved, privateLinksOf } from '../src/checks/endpoints';
import { scopeToAdd } from '../src/checks/evidence';
import { type Origin, type Reach, reach } from '../src/checks/reach';
import { resolveVault } from '../src/checks/resolve';
import { type AppliedDnsScope, dnsScope, noRequiredZone, perServingZone } from './shared/dns-scope';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { idKey, parseId } from '../src/model/arm';
import type { CallerProfile } from '../src/model/caller';
import { compareIds, type Estate } from '../src/model/estate';
import type { ARecordSet, PrivateDnsZone, PrivateEndpoint, Vault } from '../src/model/types';

/**
 * A record kept by hand goes stale when the endpoint is recreated and its NIC gets a new address; clients
 * then connect to an address nothing listens on. Only a DNS zone group keeps the record in step.
 * The record judged is the one the caller resolves (issue 11): it must point at NIC addresses of the vault's
 * approved endpoints that the caller reaches, so per-region zones kept by hand pass where each region
 * resolves its own endpoint, and a record pointing at an endpoint the caller cannot reach fails for it.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
export const dnsARecordIp: Rule = {
  meta: {
    id: 'KV205',
    name: 'dns-a-record-ip',
    title: "The A record's addresses are exactly the private endpoint NICs' private IPs",
    severity: 'error',
    link: 'dns-record',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      "Set the record to the endpoint NIC's IP: az network private-dns record-set a add-record / remove-record, or let a DNS zone group manage it",
  },
  defaults: {},
  check(context) {
    const { estate, vault, caller } = context;
    const scope = dnsScope(estate, vault);
    if (!scope.applies) return [scope.result];
    if (estate.zonesNamed(scope.requiredZone).length === 0) return [noRequiredZone(vault, scope.requiredZone)];
    const resolved = resolvedRecords(estate, vault, caller, scope.requiredZone);
    // No caller resolves into a zone of the name (KV203 reports why): judge the zones that serve the vault.
    if (resolved.length === 0)
      return perServingZone(context, (zone, applied) =>
        addressesIn(estate, vault, zone, applied.endpoints, applied.traffic),
      );
    const results: RuleResult[] = [];
    const seen = new Set<string>();
    for (const entry of resolved) {
      for (const result of judgeResolved(estate, vault, scope, entry)) {
        const key = `${result.outcome}|${idKey(result.resourceId)}|${result.message}`;
        if (!seen.has(key)) results.push(result);
        seen.add(key);
      }
    }
    return results;
  },
};

interface Resolved {
  zone: PrivateDnsZone;
  record: ARecordSet | undefined;
  origins: Origin[];
}

/** The records the caller's resolution lands on (zones of the required name), by zone id. */
function resolvedRecords(estate: Estate, vault: Vault, caller: CallerProfile, required: string): Resolved[] {
  const byZone = new Map<string, Resolved>();
  for (const origin of callerOrigins(estate, vault, caller)) {
    const answer = resolveVault(estate, vault, origin);
    if (answer?.kind !== 'zone' || answer.zone.name !== required) continue;
    const key = idKey(answer.zone.id);
    const entry = byZone.get(key) ?? { zone: answer.zone, record: answer.record, origins: [] };
    entry.origins.push(origin);
    byZone.set(key, entry);
  }
  return [...byZone.values()].sort((a, b) => compareIds(a.zone.id, b.zone.id));
}

function judgeResolved(estate: Estate, vault: Vault, scope: AppliedDnsScope, entry: Resolved): RuleResult[] {
  const { zone, record } = entry;
  const base = addressesIn(estate, vault, zone, scope.endpoints, scope.traffic);
  if (!record || base.outcome === 'error' || base.outcome === 'skipped') return [base];
  const all = endpointAddresses(estate, scope.endpoints).addresses;
  const found = [...new Set(record.addresses)].sort(compareAddresses);
  // An address no endpoint of the vault holds is stale, whoever asks.
  if (found.length === 0 || found.some((a) => !all.includes(a))) {
    if (base.outcome === 'fail') return [base];
    const nics = all.length === 1 ? "the private endpoint's NIC has" : "the private endpoints' NICs have";
    return [
      fail(
        record.id,
        `A record ${record.name} points at ${found.join(', ') || 'no address'}; ${nics} ${all.join(', ')}`,
      ),
    ];
  }
  return entry.origins.map((origin) => forOrigin(estate, vault, scope, record, found, origin, base));
}

/** One caller location: every address it resolves must belong to an approved endpoint it reaches. */
function forOrigin(
  estate: Estate,
  vault: Vault,
  scope: AppliedDnsScope,
  record: ARecordSet,
  found: string[],
  origin: Origin,
  base: RuleResult,
): RuleResult {
  const usable = usableEndpoints(estate, vault, scope.endpoints, origin);
  const bad = found.filter((a) => !usable.reached.includes(a));
  if (bad.length === 0) {
    if (base.outcome === 'pass') return base;
    const nics =
      usable.reached.length === 1
        ? "the private endpoint's NIC the caller reaches has"
        : "the private endpoints' NICs the caller reaches have";
    return pass(
      record.id,
      `A record ${record.name} points at ${found.join(', ')}; ${nics} ${usable.reached.join(', ')}`,
    );
  }
  const where = estate.virtualNetworks.get(origin.vnetId)?.name ?? parseId(origin.vnetId).name;
  const why = bad.map((a) => `${a}: ${usable.why.get(a) ?? 'no approved endpoint of the vault holds it'}`).join('; ');
  if (usable.reached.length === 0) {
    const unknown = usable.unknown;
    if (unknown)
      return unknown.outOfScope
        ? error(unknown.resourceId, `cannot check A record ${record.name} for callers in ${where}: ${unknown.reason}`)
        : skip(unknown.resourceId, `cannot check A record ${record.name} for callers in ${where}: ${unknown.reason}`);
    return skip(
      record.id,
      `A record ${record.name} points at ${found.join(', ')}, but callers in ${where} reach no approved private endpoint of ${vault.name} (${why}); KV301 and KV102 report the path`,
    );
  }
  const nics = usable.reached.length === 1 ? "the private endpoint's NIC at" : "the private endpoints' NICs at";
  return fail(
    record.id,
    `A record ${record.name} points at ${found.join(', ')}, which callers in ${where} cannot use (${why}); they reach ${nics} ${usable.reached.join(', ')}`,
  );
}

/** The NIC addresses of the vault's approved endpoints that a caller location reaches, and why the others fail. */
function usableEndpoints(
  estate: Estate,
  vault: Vault,
  endpoints: readonly PrivateEndpoint[],
  origin: Origin,
): { reached: string[]; why: Map<string, string>; unknown: Extract<Reach, { kind: 'unknown' }> | undefined } {
  const approved = new Set(
    privateLinksOf(estate, vault)
      .filter(isLinkApproved)
      .map((l) => idKey(l.endpointId)),
  );
  const reached: string[] = [];
  const why = new Map<string, string>();
  let unknown: Extract<Reach, { kind: 'unknown' }> | undefined;
  for (const endpoint of endpoints) {
    for (const address of endpointAddresses(estate, [endpoint]).addresses) {
      if (!approved.has(idKey(endpoint.id))) {
        why.set(address, `private endpoint ${endpoint.name} is not Approved`);
        continue;
      }
      const route = reach(estate, origin, {
        ip: address,
        port: 443,
        protocol: 'Tcp',
        label: `endpoint ${address}`,
        subnetId: endpoint.subnetId,
      });
      if (route.kind === 'reached') reached.push(address);
      else {
        why.set(address, `${endpoint.name} cannot be reached: ${route.reason}`);
        if (route.kind === 'unknown') unknown ??= route;
      }
    }
  }
  return { reached: reached.sort(compareAddresses), why, unknown };
}

function addressesIn(
  estate: Estate,
  vault: Vault,
  zone: PrivateDnsZone,
  endpoints: readonly PrivateEndpoint[],
  traffic: readonly LinkTraffic[],
): RuleResult {
  const record = estate.aRecord(zone.id, vault.name);
  if (!record)
    return skip(
      zone.id,
      `private DNS zone ${zone.name} has no A record named ${vault.name.toLowerCase()} (KV204 reports it)`,
    );
  const expected = endpointAddresses(estate, endpointsForZone(estate, endpoints, zone.id));
  if (expected.missingNics.length > 0) {
    return error(
      record.id,
      `cannot check A record ${record.name}: network interface ${names(expected.missingNics)} of its private endpoint was not collected: ${scopeToAdd(estate, expected.missingNics[0] ?? '')}`,
    );
  }
  const nicNoun = expected.nics.length === 1 ? "the private endpoint's NIC has" : "the private endpoints' NICs have";
  if (expected.addresses.length === 0) {
    return error(record.id, `cannot check A record ${record.name}: ${nicNoun} no private IP address`);
  }
  const found = [...new Set(record.addresses)].sort(compareAddresses);
  const evidence = { found, expected: expected.addresses, nics: expected.nics.map((n) => n.id) };
  const same = found.length === expected.addresses.length && found.every((a, i) => a === expected.addresses[i]);
  if (same)
    return pass(
      record.id,
      `A record ${record.name} points at ${found.join(', ')}; ${nicNoun} ${expected.addresses.join(', ')}`,
      evidence,
    );
  // An address no collected NIC holds is stale only if a NIC holding it would have been collected: it lies in
  // an audited VNet. Otherwise it may be the address of an Approved endpoint that was not collected.
  const uncollected = traffic.filter((t) => t.kind === 'not-collected');
  const unexplained = found.filter((a) => !expected.addresses.includes(a) && vnetContaining(estate, a) === undefined);
  const [first] = uncollected;
  if (first && unexplained.length > 0) {
    return error(
      record.id,
      `cannot tell whether A record ${record.name}'s ${unexplained.join(', ')} is stale: it lies in no collected VNet and ${first.reason}`,
      { ...evidence, connectionId: first.link.resourceId },
    );
  }
  const points = found.length > 0 ? `points at ${found.join(', ')}` : 'has no address';
  return fail(record.id, `A record ${record.name} ${points}; ${nicNoun} ${expected.addresses.join(', ')}`, evidence);
}

function names(ids: readonly string[]): string {
  return ids.map((id) => parseId(id).name).join(', ');
}
