import { judgeZoneName, recordsNear, zoneNameOf } from '../src/checks/dns';
import { perServingZone } from './shared/dns-scope';
import { fail, pass } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { idKey } from '../src/model/arm';
import type { CloudName } from '../src/model/cloud';
import type { Estate } from '../src/model/estate';
import type { PrivateDnsZone, Vault } from '../src/model/types';

/**
 * The private link CNAME asks the zone for `<vault>.<zone>`, so the A record's name is the vault's simple
 * name: record names are relative to the zone, and `kv1.vault.azure.net` there answers a name nobody asks.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
export const dnsARecordPresent: Rule = {
  meta: {
    id: 'KV204',
    name: 'dns-a-record-present',
    title: "The zone holds an A record with the vault's simple name",
    severity: 'error',
    link: 'dns-record',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Add the record: az network private-dns record-set a add-record -g <rg> -z <zone> -n <vault name> -a <endpoint IP>, or give the private endpoint a DNS zone group',
  },
  defaults: {},
  check(context) {
    return perServingZone(context, (zone, scope) => recordIn(context.estate, context.vault, scope.cloud, zone));
  },
};

function recordIn(estate: Estate, vault: Vault, cloud: CloudName, zone: PrivateDnsZone): RuleResult {
  const simpleName = vault.name.toLowerCase();
  const record = estate.aRecord(zone.id, simpleName);
  if (record) return pass(record.id, `private DNS zone ${zone.name} holds A record ${record.name}`);
  const found = nearMisses(estate, vault, cloud, zone);
  const suffix = found.length > 0 ? `; found ${found.join('; ')}` : '';
  return fail(zone.id, `private DNS zone ${zone.name} has no A record named ${simpleName}${suffix}`);
}

/** Records that were meant for the vault: longer names in this zone, typos, the right name in another zone. */
function nearMisses(estate: Estate, vault: Vault, cloud: CloudName, zone: PrivateDnsZone): string[] {
  const simpleName = vault.name.toLowerCase();
  const typoDistance = Math.min(2, Math.floor(simpleName.length / 4));
  const found: string[] = [];
  for (const { record, kind } of recordsNear(estate, zone.id, simpleName, typoDistance)) {
    if (kind === 'named-after') {
      found.push(
        `A record ${record.name}, which answers ${record.name.toLowerCase()}.${zone.name} (record names are relative to the zone)`,
      );
    } else if (!estate.hasVaultNamed(record.name)) {
      // kv-app-002's record is not a typo of kv-app-001: it belongs to the vault of that name.
      found.push(`A record ${record.name} (a typo of ${simpleName}?)`);
    }
  }
  for (const record of estate.aRecordsNamed(simpleName)) {
    if (idKey(record.zoneId) === idKey(zone.id) || record.name.toLowerCase() !== simpleName) continue;
    const otherZone = zoneNameOf(estate, record.zoneId);
    const verdict = judgeZoneName(otherZone, cloud, vault.kind).kind;
    if (verdict === 'exact') found.push(`A record ${record.name} in another zone of that name, ${record.zoneId}`);
    else if (verdict === 'near-miss') found.push(`A record ${record.name} in zone ${otherZone} (KV201)`);
  }
  return found;
}
