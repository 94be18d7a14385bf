import { dnsZonePresent } from '../../rules/dns-zone-present';
import { healthyPath, HUB_SUB, modify, remove, SPOKE_SUB } from '../../src/fixtures/scenario';
import { parseId } from '../../src/model/arm';
import { ruleTester } from '../support/rule-tester';
import {
  managedHsmPath,
  rewrite,
  secondSpoke,
  usGovPath,
  withoutEndpoint,
  withZoneNamed,
} from '../support/dns-scenarios';

const path = healthyPath();
const { vault: vaultId, zone: zoneId } = path.ids;
const inHub = `exists in subscription ${HUB_SUB}`;
const spoke2 = secondSpoke(path, true);
const gov = usGovPath();
const hsm = managedHsmPath();
const nearMiss = withZoneNamed(path, 'privatelink.vault.azure.net');
const both = `subscriptions ${HUB_SUB}, ${SPOKE_SUB}`;
/** A snapshot of the spoke subscription alone: the hub's zone, links and VNet were not collected (issue 12). */
const spokeOnly = path.resources.filter((r) => parseId(r.id).subscriptionId !== HUB_SUB);
const createHint =
  ': if it lives in another subscription (a hub), add that subscription to the audit; if none exists anywhere, create it';
const spokeZoneId = zoneId.replace(HUB_SUB, SPOKE_SUB).replace('rg-hub-dns', 'rg-payments');

ruleTester(dnsZonePresent, [
  {
    name: 'zone in the hub subscription',
    resources: path.resources,
    expected: [
      { outcome: 'pass', resourceId: zoneId, message: `private DNS zone privatelink.vaultcore.azure.net ${inHub}` },
    ],
  },
  {
    name: 'zones of that name in hub and spoke',
    resources: [...path.resources, ...spoke2.resources],
    expected: [
      { outcome: 'pass', resourceId: zoneId, message: `private DNS zone privatelink.vaultcore.azure.net ${inHub}` },
      {
        outcome: 'pass',
        resourceId: spoke2.zoneId ?? '',
        message:
          'private DNS zone privatelink.vaultcore.azure.net exists in subscription 22222222-2222-2222-2222-222222222222',
      },
    ],
  },
  {
    name: 'the zone group points at a zone that does not exist in its (collected) subscription',
    resources: remove(path.resources, zoneId),
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message: `the DNS zone group of private endpoint pe-kv-payments-prod points at ${zoneId}, which does not exist in subscription ${HUB_SUB} (collected)`,
      },
    ],
  },
  {
    name: 'the zone group points at a deleted zone in the spoke subscription',
    resources: rewrite(remove(path.resources, zoneId), [[zoneId, spokeZoneId]]),
    expected: [
      {
        outcome: 'fail',
        resourceId: spokeZoneId,
        message: `the DNS zone group of private endpoint pe-kv-payments-prod points at ${spokeZoneId}, which does not exist in subscription ${SPOKE_SUB} (collected)`,
      },
    ],
  },
  {
    name: 'spoke-only snapshot: the zone group names the hub zone, outside the collected scope (error, not fail)',
    resources: spokeOnly,
    expected: [
      {
        outcome: 'error',
        resourceId: zoneId,
        message: `the DNS zone group of private endpoint pe-kv-payments-prod points at ${zoneId}, which was not collected: it is in subscription ${HUB_SUB}, outside the collected scope: add subscription ${HUB_SUB} to the audit (--subscription, or to the snapshot)`,
      },
    ],
  },
  {
    name: 'spoke-only snapshot without a zone group: nothing names the zone, so error naming the scope',
    resources: remove(spokeOnly, path.ids.zoneGroup),
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message: `kv-payments-prod needs a private DNS zone named privatelink.vaultcore.azure.net; none is in the collected scope (subscription ${SPOKE_SUB})${createHint}`,
      },
    ],
  },
  {
    name: 'only near misses exist',
    resources: [
      ...withZoneNamed(path, 'privatelink.vault.azure.net').resources,
      ...withZoneNamed(path, 'vaultcore.azure.net').resources.filter(
        (r) => r.type === 'Microsoft.Network/privateDnsZones',
      ),
    ],
    expected: [
      {
        // One cause, one failure: the zone group points at a misnamed zone, which KV201 fails.
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          'kv-payments-prod is served by private DNS zone privatelink.vault.azure.net, not privatelink.vaultcore.azure.net (KV201 reports it)',
      },
    ],
  },
  {
    name: 'a near-miss zone nothing points at: error naming the scope and the near miss',
    resources: remove(remove(nearMiss.resources, nearMiss.ids.zoneGroup), nearMiss.ids.record),
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message: `kv-payments-prod needs a private DNS zone named privatelink.vaultcore.azure.net; none is in the collected scope (${both}) (found privatelink.vault.azure.net instead)${createHint}`,
      },
    ],
  },
  {
    name: 'US Government vault with its zone',
    resources: gov.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: gov.ids.zone,
        message: `private DNS zone privatelink.vaultcore.usgovcloudapi.net ${inHub}`,
      },
    ],
  },
  {
    name: "US Government vault with only the public cloud's zone",
    resources: rewrite(path.resources, [['.vault.azure.net', '.vault.usgovcloudapi.net']]),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          'kv-payments-prod is served by private DNS zone privatelink.vaultcore.azure.net, not privatelink.vaultcore.usgovcloudapi.net (KV201 reports it)',
      },
    ],
  },
  {
    name: 'managed HSM with its zone',
    resources: hsm.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: hsm.ids.zone,
        message: `private DNS zone privatelink.managedhsm.azure.net ${inHub}`,
      },
    ],
  },
  {
    name: 'managed HSM with only the key vault zone',
    resources: rewrite(hsm.resources, [['privatelink.managedhsm.azure.net', 'privatelink.vaultcore.azure.net']]),
    expected: [
      {
        outcome: 'skipped',
        resourceId: hsm.ids.vault,
        message:
          'hsm-payments is served by private DNS zone privatelink.vaultcore.azure.net, not privatelink.managedhsm.azure.net (KV201 reports it)',
      },
    ],
  },
  {
    name: 'upper-cased zone id and vault id',
    resources: modify(
      modify(path.resources, zoneId, (z) => ({ ...z, id: z.id.toUpperCase() })),
      vaultId,
      (v) => ({ ...v, id: v.id.toUpperCase() }),
    ),
    vaultId: vaultId.toUpperCase(),
    expected: [
      {
        outcome: 'pass',
        resourceId: zoneId.toUpperCase(),
        message: `private DNS zone privatelink.vaultcore.azure.net ${inHub}`,
      },
    ],
  },
  {
    name: 'unknown cloud',
    resources: rewrite(path.resources, [
      ['https://kv-payments-prod.vault.azure.net/', 'https://kv-payments-prod.example.com/'],
    ]),
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message:
          'kv-payments-prod: cannot tell which private DNS zone it needs: vaultUri https://kv-payments-prod.example.com/ matches no known Azure cloud',
      },
    ],
  },
  {
    name: 'no private endpoint',
    resources: withoutEndpoint(path),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: 'kv-payments-prod has no private endpoint, so private DNS does not apply',
      },
    ],
  },
]);
