import { dnsZonePresent } from '../../rules/dns-zone-present';
import { healthyPath, HUB_SUB, modify, remove } from '../../src/fixtures/scenario';
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
    name: 'no zone at all',
    resources: remove(path.resources, zoneId),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'kv-payments-prod needs a private DNS zone named privatelink.vaultcore.azure.net; none exists in the audited scope',
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
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'kv-payments-prod needs a private DNS zone named privatelink.vaultcore.azure.net; none exists in the audited scope (found privatelink.vault.azure.net, vaultcore.azure.net instead)',
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
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'kv-payments-prod needs a private DNS zone named privatelink.vaultcore.usgovcloudapi.net; none exists in the audited scope (found privatelink.vaultcore.azure.net instead)',
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
        outcome: 'fail',
        resourceId: hsm.ids.vault,
        message:
          'hsm-payments needs a private DNS zone named privatelink.managedhsm.azure.net; none exists in the audited scope (found privatelink.vaultcore.azure.net instead)',
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
