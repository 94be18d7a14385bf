import { judgeZoneName } from '../src/checks/dns';
import { dnsScope } from './shared/dns-scope';
import { fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';

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
    remediation:
      'Create the zone: az network private-dns zone create -g <rg> -n privatelink.vaultcore.azure.net (the name depends on cloud and kind)',
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
    return [
      fail(
        vault.id,
        `${vault.name} needs a private DNS zone named ${scope.requiredZone}; none exists in the audited scope${found}`,
      ),
    ];
  },
};
