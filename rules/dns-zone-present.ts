import { judgeZoneName, zonesClaiming } from '../src/checks/dns';
import { dnsScope } from './shared/dns-scope';
import { absenceOf, collectedScope, scopeToAdd } from '../src/checks/evidence';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule } from '../src/engine/types';
import { idKey, parseId } from '../src/model/arm';
import { compareIds, type Estate } from '../src/model/estate';
import type { PrivateEndpoint } from '../src/model/types';

/**
 * Without a private DNS zone of the required name, the vault's name resolves to its public address even
 * from the private endpoint's own VNet. The zone may live in any subscription (a hub subscription is normal).
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
export const dnsZonePresent: Rule = {
  meta: {
    id: 'KV202',
    name: 'dns-zone-present',
    title: 'A private DNS zone with the required name exists',
    severity: 'error',
    link: 'dns-zone',
    appliesTo: ['vault', 'managedHsm'],
    // Never "create it" first: a zone outside the audited scope (a hub) may exist, and a second one shadows it.
    remediation:
      'Point the DNS zone group at the zone that exists, or add the subscription that holds it (often a hub) to the audit; only if no subscription holds one, create it: az network private-dns zone create -g <rg> -n privatelink.vaultcore.azure.net (the name depends on cloud and kind)',
  },
  defaults: {},
  check({ estate, vault }) {
    const scope = dnsScope(estate, vault);
    if (!scope.applies) return [scope.result];
    const zones = estate.zonesNamed(scope.requiredZone);
    if (zones.length > 0) {
      return zones.map((zone) =>
        pass(zone.id, `private DNS zone ${zone.name} exists in subscription ${zone.subscriptionId ?? 'unknown'}`),
      );
    }
    const nearMisses = estate
      .allZoneNames()
      .filter((name) => judgeZoneName(name, scope.cloud, vault.kind).kind === 'near-miss');
    const found = nearMisses.length > 0 ? ` (found ${nearMisses.join(', ')} instead)` : '';
    // A zone group naming a zone of the required name is the zone's id: name it and the scope to add.
    const referenced = referencedZones(estate, scope.endpoints, scope.requiredZone);
    if (referenced.length > 0) {
      return referenced.map(({ zoneId, endpoint }) => {
        const absence = absenceOf(estate, zoneId);
        const subject = `the DNS zone group of private endpoint ${endpoint} points at ${zoneId}`;
        // Its subscription was collected and the zone is not there: evidence that it does not exist.
        if (absence.kind === 'not-collected')
          return fail(
            zoneId,
            `${subject}, which does not exist in subscription ${absence.subscriptionId ?? 'unknown'} (collected)`,
          );
        return error(zoneId, `${subject}, which was not collected: ${scopeToAdd(estate, zoneId)}`);
      });
    }
    // The endpoints' DNS already goes to a misnamed zone: that is the one cause, and KV201 fails it.
    const misnamed = zonesClaiming(estate, vault, scope.cloud, scope.endpoints).filter(
      (zone) => judgeZoneName(zone.name, scope.cloud, vault.kind).kind !== 'exact',
    );
    if (misnamed.length > 0) {
      return [
        skip(
          vault.id,
          `${vault.name} is served by private DNS zone ${misnamed.map((z) => z.name).join(', ')}, not ${scope.requiredZone} (KV201 reports it)`,
        ),
      ];
    }
    // Nothing collected names the zone, and a zone in a subscription kvguard did not read (a hub) would not
    // show: absence here is not evidence, so the run is incomplete rather than failed.
    return [
      error(
        vault.id,
        `${vault.name} needs a private DNS zone named ${scope.requiredZone}; none is in the collected scope (${collectedScope(estate)})${found}: if it lives in another subscription (a hub), add that subscription to the audit; if none exists anywhere, create it`,
      ),
    ];
  },
};

function referencedZones(
  estate: Estate,
  endpoints: readonly PrivateEndpoint[],
  required: string,
): { zoneId: string; endpoint: string }[] {
  const seen = new Map<string, { zoneId: string; endpoint: string }>();
  for (const endpoint of endpoints) {
    for (const group of estate.zoneGroupsOf(endpoint.id)) {
      for (const { privateDnsZoneId } of group.configs) {
        if (!privateDnsZoneId || parseId(privateDnsZoneId).name.toLowerCase() !== required) continue;
        if (!seen.has(idKey(privateDnsZoneId)))
          seen.set(idKey(privateDnsZoneId), { zoneId: privateDnsZoneId, endpoint: endpoint.name });
      }
    }
  }
  return [...seen.values()].sort((a, b) => compareIds(a.zoneId, b.zoneId));
}
