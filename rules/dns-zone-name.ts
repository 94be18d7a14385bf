import { judgeZoneName, zonesClaiming, type ClaimingZone } from '../src/checks/dns';
import { dnsScope } from './shared/dns-scope';
import { fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import type { CloudName } from '../src/model/cloud';
import type { Vault } from '../src/model/types';

/**
 * The vault's public name is a CNAME to `<vault>.privatelink.vaultcore.azure.net` (per cloud and kind), so
 * only a zone with exactly that name answers it; a zone with any other name is never queried.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
export const dnsZoneName: Rule = {
  meta: {
    id: 'KV201',
    name: 'dns-zone-name',
    title: 'The private DNS zone serving the vault has the exact required name',
    severity: 'error',
    link: 'dns-zone',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Point the DNS zone group at the zone with the required name (privatelink.vaultcore.azure.net in the public cloud; create it only if no subscription holds one) and delete the misnamed zone',
  },
  defaults: {},
  check({ estate, vault }) {
    const scope = dnsScope(estate, vault);
    if (!scope.applies) return [scope.result];
    const zones = zonesClaiming(estate, vault, scope.cloud, scope.endpoints);
    if (zones.length === 0) {
      return [
        skip(
          vault.id,
          `no private DNS zone serves ${vault.name}: no DNS zone group points at a zone and no zone holds an A record named ${vault.name.toLowerCase()}`,
        ),
      ];
    }
    return zones.map((zone) => judge(zone, vault, scope.cloud, scope.requiredZone));
  },
};

function judge(zone: ClaimingZone, vault: Vault, cloud: CloudName, required: string): RuleResult {
  const verdict = judgeZoneName(zone.name, cloud, vault.kind);
  if (verdict.kind === 'exact') return pass(zone.id, `${vault.name} is served by private DNS zone ${zone.name}`);
  const reason = verdict.kind === 'near-miss' ? `: ${verdict.reason}` : '';
  return fail(zone.id, `private DNS zone ${zone.name} (${servingHow(zone)}) is not named ${required}${reason}`);
}

/** `the DNS zone group of pe-kv1 points at it`, `it holds A record kv1.privatelink` */
function servingHow(zone: ClaimingZone): string {
  const parts: string[] = [];
  if (zone.groupedBy.length > 0) {
    parts.push(`the DNS zone group of ${zone.groupedBy.join(', ')} points at it`);
  }
  if (zone.records.length > 0) {
    const names = zone.records.map((r) => r.name).sort();
    parts.push(`it holds A record${names.length === 1 ? '' : 's'} ${names.join(', ')}`);
  }
  return parts.join('; ');
}
