import { dnsARecordPresent } from '../../rules/dns-a-record-present';
import * as arm from '../../src/fixtures/arm-factory';
import { healthyPath, HUB_SUB, remove } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';
import { managedHsmPath, secondSpoke, upperCased, usGovPath, withoutEndpoint } from '../support/dns-scenarios';

const path = healthyPath();
const { vault: vaultId, zone: zoneId, record: recordId } = path.ids;
const zone = 'privatelink.vaultcore.azure.net';
const noRecord = remove(path.resources, recordId);
const withRecords = (...names: string[]) => [
  ...noRecord,
  ...names.map((name) => arm.aRecordSet(zoneId, name, [path.endpointIp])),
];
const missing = `private DNS zone ${zone} has no A record named kv-payments-prod`;
const relative = (name: string) =>
  `A record ${name}, which answers ${name}.${zone} (record names are relative to the zone)`;

// The record sits in a misnamed zone next to the right one.
const vaultZone = arm.privateDnsZone(HUB_SUB, 'rg-hub-dns', 'privatelink.vault.azure.net');
// Split brain: the hub zone (linked to the first spoke) lacks the record; a same-named zone in a second spoke holds it.
const spoke2 = secondSpoke(path, true);
const splitBrain = [...noRecord, ...spoke2.resources];
const gov = usGovPath();
const hsm = managedHsmPath();

ruleTester(dnsARecordPresent, [
  {
    name: 'record in the hub zone',
    resources: path.resources,
    expected: [
      { outcome: 'pass', resourceId: recordId, message: `private DNS zone ${zone} holds A record kv-payments-prod` },
    ],
  },
  { name: 'no record', resources: noRecord, expected: [{ outcome: 'fail', resourceId: zoneId, message: missing }] },
  {
    name: 'record named with the public FQDN',
    resources: withRecords('kv-payments-prod.vault.azure.net'),
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message: `${missing}; found ${relative('kv-payments-prod.vault.azure.net')}`,
      },
    ],
  },
  {
    name: 'records named kv.privatelink and kv.vaultcore.azure.net',
    resources: withRecords('kv-payments-prod.vaultcore.azure.net', 'kv-payments-prod.privatelink'),
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message: `${missing}; found ${relative('kv-payments-prod.privatelink')}; ${relative('kv-payments-prod.vaultcore.azure.net')}`,
      },
    ],
  },
  {
    name: 'typo in the record name',
    resources: withRecords('kv-payment-prod'),
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message: `${missing}; found A record kv-payment-prod (a typo of kv-payments-prod?)`,
      },
    ],
  },
  {
    name: "a record named after another vault is that vault's, not a typo",
    vaultId,
    resources: [
      ...withRecords('kv-payments-prud'),
      arm.vault({
        subscriptionId: path.ids.vault.split('/')[2] ?? '',
        resourceGroup: 'rg-other',
        name: 'kv-payments-prud',
      }),
    ],
    expected: [{ outcome: 'fail', resourceId: zoneId, message: missing }],
  },
  {
    name: 'record in a misnamed zone instead',
    resources: [...noRecord, vaultZone, arm.aRecordSet(vaultZone.id, 'kv-payments-prod', [path.endpointIp])],
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message: `${missing}; found A record kv-payments-prod in zone privatelink.vault.azure.net (KV201)`,
      },
    ],
  },
  {
    name: "the hub zone lacks the record that a second spoke's own zone of the same name holds",
    resources: splitBrain,
    expected: [
      {
        outcome: 'fail',
        resourceId: zoneId,
        message: `${missing}; found A record kv-payments-prod in another zone of that name, ${spoke2.zoneId ?? ''}`,
      },
      {
        outcome: 'pass',
        resourceId: spoke2.recordId ?? '',
        message: `private DNS zone ${zone} holds A record kv-payments-prod`,
      },
    ],
  },
  {
    name: 'an unrelated record is not a near miss',
    resources: withRecords('kv-orders-prod'),
    expected: [{ outcome: 'fail', resourceId: zoneId, message: missing }],
  },
  {
    name: 'US Government vault',
    resources: gov.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: gov.ids.record,
        message: 'private DNS zone privatelink.vaultcore.usgovcloudapi.net holds A record kv-payments-prod',
      },
    ],
  },
  {
    name: 'managed HSM without its record',
    resources: remove(hsm.resources, hsm.ids.record),
    expected: [
      {
        outcome: 'fail',
        resourceId: hsm.ids.zone,
        message: 'private DNS zone privatelink.managedhsm.azure.net has no A record named hsm-payments',
      },
    ],
  },
  {
    name: 'managed HSM',
    resources: hsm.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: hsm.ids.record,
        message: 'private DNS zone privatelink.managedhsm.azure.net holds A record hsm-payments',
      },
    ],
  },
  {
    name: 'upper-cased record and zone ids',
    resources: upperCased(path.resources, zoneId),
    expected: [
      {
        outcome: 'pass',
        resourceId: recordId.replace(zoneId, zoneId.toUpperCase()),
        message: `private DNS zone ${zone} holds A record kv-payments-prod`,
      },
    ],
  },
  {
    name: 'no zone of the required name',
    resources: remove(path.resources, zoneId),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: `no private DNS zone named ${zone} in the audited scope (KV202 reports it)`,
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
