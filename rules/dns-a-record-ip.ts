import { compareAddresses, endpointAddresses, vnetContaining } from '../src/checks/access-path';
import type { LinkTraffic } from '../src/checks/endpoints';
import { scopeToAdd } from '../src/checks/evidence';
import { endpointsForZone } from '../src/checks/dns';
import { perServingZone } from './shared/dns-scope';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { parseId } from '../src/model/arm';
import type { Estate } from '../src/model/estate';
import type { PrivateDnsZone, PrivateEndpoint, Vault } from '../src/model/types';

/**
 * A record kept by hand goes stale when the endpoint is recreated and its NIC gets a new address; clients
 * then connect to an address nothing listens on. Only a DNS zone group keeps the record in step.
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
    return perServingZone(context, (zone, scope) =>
      addressesIn(context.estate, context.vault, zone, scope.endpoints, scope.traffic),
    );
  },
};

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
