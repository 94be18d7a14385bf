import { error, skip } from '../../src/engine/result';
import type { RuleContext, RuleResult } from '../../src/engine/types';
import { zonesServing } from '../../src/checks/access-path';
import { requiredZoneName, type CloudName } from '../../src/model/cloud';
import { compareIds, type Estate } from '../../src/model/estate';
import type { PrivateDnsZone, PrivateEndpoint, Vault } from '../../src/model/types';
import { type LinkTraffic, linkTraffic, noTrafficReason } from '../../src/checks/endpoints';

/**
 * What the DNS rules (KV201-KV205) share as results: when private DNS applies to a vault at all, and the
 * same wording for "nothing to check". The facts come from src/checks/dns.ts; turning them into a skip or an
 * error is the rules' business, so it lives here and src/checks stays below the rule contract.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */

export type DnsScope =
  | { applies: false; result: RuleResult }
  | {
      applies: true;
      requiredZone: string;
      cloud: CloudName;
      /** The collected endpoints that carry traffic: the DNS path is judged for them alone. */
      endpoints: PrivateEndpoint[];
      /** Every link, with what its evidence allows (blocked and not-collected links are not judged here). */
      traffic: LinkTraffic[];
    };

/**
 * DNS rules check the private endpoint path: skipped without an endpoint, or when no connection carries
 * traffic kvguard can judge (Disconnected, Rejected, Pending: KV102 fails; not collected: KV103 says so);
 * an error when the cloud is unknown.
 */
export function dnsScope(estate: Estate, vault: Vault): DnsScope {
  const traffic = linkTraffic(estate, vault);
  if (traffic.length === 0) {
    return {
      applies: false,
      result: skip(vault.id, `${vault.name} has no private endpoint, so private DNS does not apply`),
    };
  }
  const blocked = noTrafficReason(vault, traffic);
  if (blocked) return { applies: false, result: skip(vault.id, blocked) };
  if (!vault.cloud) {
    const field = vault.kind === 'managedHsm' ? 'hsmUri' : 'vaultUri';
    const found = vault.uri ? `${field} ${vault.uri} matches no known Azure cloud` : `${field} is missing`;
    return {
      applies: false,
      result: error(vault.id, `${vault.name}: cannot tell which private DNS zone it needs: ${found}`),
    };
  }
  return {
    applies: true,
    requiredZone: requiredZoneName(vault.cloud, vault.kind),
    cloud: vault.cloud,
    endpoints: traffic
      .flatMap((t) => (t.kind === 'carries' ? [t.endpoint] : []))
      .sort((a, b) => compareIds(a.id, b.id)),
    traffic,
  };
}

/** Shared wording for a DNS rule that has nothing to check because the required zone is absent. */
export function noRequiredZone(vault: Vault, requiredZone: string): RuleResult {
  return skip(vault.id, `no private DNS zone named ${requiredZone} in the audited scope (KV202 reports it)`);
}

export type AppliedDnsScope = Extract<DnsScope, { applies: true }>;

/**
 * The record rules' common shape (KV204, KV205): nothing to check without a private endpoint or a known
 * cloud, a skip without the required zone, else one result per zone serving the vault to the caller.
 */
export function perServingZone(
  { estate, vault, caller }: Pick<RuleContext, 'estate' | 'vault' | 'caller'>,
  check: (zone: PrivateDnsZone, scope: AppliedDnsScope) => RuleResult,
): RuleResult[] {
  const scope = dnsScope(estate, vault);
  if (!scope.applies) return [scope.result];
  const zones = zonesServing(estate, vault, caller);
  if (zones.length === 0) return [noRequiredZone(vault, scope.requiredZone)];
  return zones.map((zone) => check(zone, scope));
}

/**
 * One `skipped` result per link whose DNS path is not judged (blocked, or its endpoint not collected), on the
 * connection's id: the report names each one, and a suppression can name one connection, never a record.
 */
export function unjudgedLinks(traffic: readonly LinkTraffic[]): RuleResult[] {
  return traffic.flatMap((t) =>
    t.kind === 'carries' ? [] : [skip(t.link.resourceId, t.reason, { connectionId: t.link.resourceId })],
  );
}
