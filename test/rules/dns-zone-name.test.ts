import { dnsZoneName } from '../../rules/dns-zone-name';
import * as arm from '../../src/fixtures/arm-factory';
import { healthyPath, HUB_SUB, modify, remove } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';
import {
  managedHsmPath,
  rewrite,
  secondSpoke,
  upperCased,
  usGovPath,
  withoutEndpoint,
  withZoneNamed,
} from '../support/dns-scenarios';

const path = healthyPath();
const { vault: vaultId, zone: zoneId } = path.ids;
const served = 'the DNS zone group of pe-kv-payments-prod points at it; it holds A record kv-payments-prod';
const misnamed = (name: string) => withZoneNamed(path, name);

// The classic manual mistake: zone vaultcore.azure.net with record kv-payments-prod.privatelink, no zone group.
const parentZone = arm.privateDnsZone(HUB_SUB, 'rg-hub-dns', 'vaultcore.azure.net');
const manualParentZone = [
  ...remove(remove(path.resources, path.ids.zoneGroup), path.ids.record),
  parentZone,
  arm.aRecordSet(parentZone.id, 'kv-payments-prod.privatelink', [path.endpointIp]),
];

// A company zone with an alias record named after the vault is not a private link zone.
const companyZone = arm.privateDnsZone(HUB_SUB, 'rg-hub-dns', 'corp.contoso.com');
const withCompanyAlias = [
  ...path.resources,
  companyZone,
  arm.aRecordSet(companyZone.id, 'kv-payments-prod', [path.endpointIp]),
];

const hsm = managedHsmPath();
const gov = usGovPath();
const spoke2 = secondSpoke(path, true);

ruleTester(dnsZoneName, [
  {
    name: 'zone group and record in the hub zone',
    resources: path.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: zoneId,
        message: 'kv-payments-prod is served by private DNS zone privatelink.vaultcore.azure.net',
      },
    ],
  },
  {
    name: 'an alias record in a company zone is ignored',
    resources: withCompanyAlias,
    expected: [
      {
        outcome: 'pass',
        resourceId: zoneId,
        message: 'kv-payments-prod is served by private DNS zone privatelink.vaultcore.azure.net',
      },
    ],
  },
  {
    name: 'one zone per spoke, both named right',
    resources: [...path.resources, ...spoke2.resources],
    expected: [
      {
        outcome: 'pass',
        resourceId: zoneId,
        message: 'kv-payments-prod is served by private DNS zone privatelink.vaultcore.azure.net',
      },
      {
        outcome: 'pass',
        resourceId: spoke2.zoneId ?? '',
        message: 'kv-payments-prod is served by private DNS zone privatelink.vaultcore.azure.net',
      },
    ],
  },
  {
    name: 'public host suffix instead of vaultcore',
    resources: misnamed('privatelink.vault.azure.net').resources,
    expected: [
      {
        outcome: 'fail',
        resourceId: withZoneNamed(path, 'privatelink.vault.azure.net').ids.zone,
        message: `private DNS zone privatelink.vault.azure.net (${served}) is not named privatelink.vaultcore.azure.net: it uses the public host suffix vault.azure.net instead of vaultcore.azure.net`,
      },
    ],
  },
  {
    name: 'privatelink. prefix missing, record kept by hand',
    resources: manualParentZone,
    expected: [
      {
        outcome: 'fail',
        resourceId: parentZone.id,
        message:
          'private DNS zone vaultcore.azure.net (it holds A record kv-payments-prod.privatelink) is not named privatelink.vaultcore.azure.net: the privatelink. prefix is missing',
      },
    ],
  },
  {
    name: 'the managed HSM zone for a key vault',
    resources: misnamed('privatelink.managedhsm.azure.net').resources,
    expected: [
      {
        outcome: 'fail',
        resourceId: misnamed('privatelink.managedhsm.azure.net').ids.zone,
        message: `private DNS zone privatelink.managedhsm.azure.net (${served}) is not named privatelink.vaultcore.azure.net: that is the managed HSM zone`,
      },
    ],
  },
  {
    name: 'trailing dot',
    resources: misnamed('privatelink.vaultcore.azure.net.').resources,
    expected: [
      {
        outcome: 'fail',
        resourceId: misnamed('privatelink.vaultcore.azure.net.').ids.zone,
        message: `private DNS zone privatelink.vaultcore.azure.net. (${served}) is not named privatelink.vaultcore.azure.net: the name ends with a dot`,
      },
    ],
  },
  {
    name: 'typo',
    resources: misnamed('privatelink.vaultcore.azure.nte').resources,
    expected: [
      {
        outcome: 'fail',
        resourceId: misnamed('privatelink.vaultcore.azure.nte').ids.zone,
        message: `private DNS zone privatelink.vaultcore.azure.nte (${served}) is not named privatelink.vaultcore.azure.net: it differs from privatelink.vaultcore.azure.net by 2 characters (a typo?)`,
      },
    ],
  },
  {
    name: 'a zone group pointing at an unrelated zone',
    resources: misnamed('corp.contoso.com').resources,
    expected: [
      {
        outcome: 'fail',
        resourceId: misnamed('corp.contoso.com').ids.zone,
        message: `private DNS zone corp.contoso.com (${served}) is not named privatelink.vaultcore.azure.net`,
      },
    ],
  },
  {
    name: 'US Government vault in its own zone',
    resources: gov.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: gov.ids.zone,
        message: 'kv-payments-prod is served by private DNS zone privatelink.vaultcore.usgovcloudapi.net',
      },
    ],
  },
  {
    name: "US Government vault served by the public cloud's zone",
    resources: rewrite(path.resources, [['.vault.azure.net', '.vault.usgovcloudapi.net']]),
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message: `private DNS zone privatelink.vaultcore.azure.net (${served}) is not named privatelink.vaultcore.usgovcloudapi.net: that is the key vault zone of the Azure public cloud`,
      },
    ],
  },
  {
    name: 'managed HSM in its zone',
    resources: hsm.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: hsm.ids.zone,
        message: 'hsm-payments is served by private DNS zone privatelink.managedhsm.azure.net',
      },
    ],
  },
  {
    name: 'managed HSM served by the key vault zone',
    resources: rewrite(hsm.resources, [['privatelink.managedhsm.azure.net', 'privatelink.vaultcore.azure.net']]),
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message:
          'private DNS zone privatelink.vaultcore.azure.net (the DNS zone group of pe-hsm-payments points at it; it holds A record hsm-payments) is not named privatelink.managedhsm.azure.net: that is the key vault zone',
      },
    ],
  },
  {
    name: 'upper-cased zone id, referenced in lower case by the zone group',
    resources: modify(path.resources, zoneId, (z) => ({ ...z, id: z.id.toUpperCase() })),
    expected: [
      {
        outcome: 'pass',
        resourceId: zoneId.toUpperCase(),
        message: 'kv-payments-prod is served by private DNS zone privatelink.vaultcore.azure.net',
      },
    ],
  },
  {
    name: 'misnamed zone with upper-cased ids everywhere',
    resources: upperCased(
      misnamed('privatelink.vault.azure.net').resources,
      misnamed('privatelink.vault.azure.net').ids.zone,
    ),
    expected: [
      {
        outcome: 'fail',
        resourceId: misnamed('privatelink.vault.azure.net').ids.zone.toUpperCase(),
        message: `private DNS zone privatelink.vault.azure.net (${served}) is not named privatelink.vaultcore.azure.net: it uses the public host suffix vault.azure.net instead of vaultcore.azure.net`,
      },
    ],
  },
  {
    name: 'no zone group and no record',
    resources: remove(remove(path.resources, path.ids.zoneGroup), path.ids.record),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          'no private DNS zone serves kv-payments-prod: no DNS zone group points at a zone and no zone holds an A record named kv-payments-prod',
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
