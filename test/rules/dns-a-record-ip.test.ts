import { dnsARecordIp } from '../../rules/dns-a-record-ip';
import * as arm from '../../src/fixtures/arm-factory';
import { healthyPath, modify, remove } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';
import {
  managedHsmPath,
  secondSpoke,
  upperCased,
  usGovPath,
  withoutEndpoint,
  withRecordAddresses,
} from '../support/dns-scenarios';

const path = healthyPath();
const { vault: vaultId, zone: zoneId, record: recordId, nic: nicId } = path.ids;
const oneNic = "the private endpoint's NIC has 10.1.1.4";
const pointsAt = (addresses: string) => withRecordAddresses(path.resources, recordId, addresses.split(', '));

// One zone per spoke: each zone's record must hold the address of the endpoint whose zone group points at it.
const ownZones = secondSpoke(path, true);
const perSpoke = [...path.resources, ...ownZones.resources];
// Both endpoints' zone groups point at the hub zone: its record must hold both addresses.
const sharedZone = secondSpoke(path, false);
const shared = [...path.resources, ...sharedZone.resources];
const missingEndpoint = arm.privateEndpointId('33333333-3333-3333-3333-333333333333', 'rg-other', 'pe-other-team');
const withMissingEndpoint = modify(path.resources, vaultId, (v) => {
  const connections = v.properties?.privateEndpointConnections;
  if (Array.isArray(connections))
    connections.push({
      id: `${vaultId}/privateEndpointConnections/other`,
      properties: { privateEndpoint: { id: missingEndpoint } },
    });
  return v;
});
const gov = usGovPath();
const hsm = managedHsmPath();

ruleTester(dnsARecordIp, [
  {
    name: "record holds the NIC's address",
    resources: path.resources,
    expected: [
      { outcome: 'pass', resourceId: recordId, message: `A record kv-payments-prod points at 10.1.1.4; ${oneNic}` },
    ],
  },
  {
    name: 'stale address',
    resources: pointsAt('10.1.1.9'),
    expected: [
      { outcome: 'fail', resourceId: recordId, message: `A record kv-payments-prod points at 10.1.1.9; ${oneNic}` },
    ],
  },
  {
    name: 'extra address',
    resources: pointsAt('10.1.1.9, 10.1.1.4'),
    expected: [
      {
        outcome: 'fail',
        resourceId: recordId,
        message: `A record kv-payments-prod points at 10.1.1.4, 10.1.1.9; ${oneNic}`,
      },
    ],
  },
  {
    name: 'record with no address',
    resources: withRecordAddresses(path.resources, recordId, []),
    expected: [
      { outcome: 'fail', resourceId: recordId, message: `A record kv-payments-prod has no address; ${oneNic}` },
    ],
  },
  {
    name: 'duplicate addresses count once',
    resources: pointsAt('10.1.1.4, 10.1.1.4'),
    expected: [
      { outcome: 'pass', resourceId: recordId, message: `A record kv-payments-prod points at 10.1.1.4; ${oneNic}` },
    ],
  },
  {
    name: 'one zone per spoke, each record right',
    resources: perSpoke,
    expected: [
      { outcome: 'pass', resourceId: recordId, message: `A record kv-payments-prod points at 10.1.1.4; ${oneNic}` },
      {
        outcome: 'pass',
        resourceId: ownZones.recordId ?? '',
        message: "A record kv-payments-prod points at 10.2.1.4; the private endpoint's NIC has 10.2.1.4",
      },
    ],
  },
  {
    name: "one zone per spoke, the second spoke's record stale",
    resources: withRecordAddresses(perSpoke, ownZones.recordId ?? '', ['10.2.1.9']),
    expected: [
      { outcome: 'pass', resourceId: recordId, message: `A record kv-payments-prod points at 10.1.1.4; ${oneNic}` },
      {
        outcome: 'fail',
        resourceId: ownZones.recordId ?? '',
        message: "A record kv-payments-prod points at 10.2.1.9; the private endpoint's NIC has 10.2.1.4",
      },
    ],
  },
  {
    // Issue 11: the record is judged per caller. Spokes are peered only with the hub, so each default caller
    // (a client in an endpoint's VNet) reaches only its own endpoint.
    name: 'two endpoints sharing the hub zone, record overwritten by the second',
    resources: withRecordAddresses(shared, recordId, ['10.2.1.4']),
    expected: [
      {
        outcome: 'pass',
        resourceId: recordId,
        message:
          "A record kv-payments-prod points at 10.2.1.4; the private endpoint's NIC the caller reaches has 10.2.1.4",
      },
      {
        outcome: 'fail',
        resourceId: recordId,
        message:
          "A record kv-payments-prod points at 10.2.1.4, which callers in vnet-spoke-kv-payments-prod cannot use (10.2.1.4: pe-kv-payments-prod-2 cannot be reached: vnet-spoke-kv-payments-prod has no route to vnet-spoke-2: not the same VNet, no Connected peering, no Virtual WAN hub); they reach the private endpoint's NIC at 10.1.1.4",
      },
    ],
  },
  {
    // A client picks either address: the one in the other spoke times out.
    name: 'two endpoints sharing the hub zone, both addresses present',
    resources: withRecordAddresses(shared, recordId, ['10.2.1.4', '10.1.1.4']),
    expected: [
      {
        outcome: 'fail',
        resourceId: recordId,
        message:
          "A record kv-payments-prod points at 10.1.1.4, 10.2.1.4, which callers in vnet-spoke-2 cannot use (10.1.1.4: pe-kv-payments-prod cannot be reached: vnet-spoke-2 has no route to vnet-spoke-kv-payments-prod: not the same VNet, no Connected peering, no Virtual WAN hub); they reach the private endpoint's NIC at 10.2.1.4",
      },
      {
        outcome: 'fail',
        resourceId: recordId,
        message:
          "A record kv-payments-prod points at 10.1.1.4, 10.2.1.4, which callers in vnet-spoke-kv-payments-prod cannot use (10.2.1.4: pe-kv-payments-prod-2 cannot be reached: vnet-spoke-kv-payments-prod has no route to vnet-spoke-2: not the same VNet, no Connected peering, no Virtual WAN hub); they reach the private endpoint's NIC at 10.1.1.4",
      },
    ],
  },
  {
    name: 'record kept by hand (no zone group): every endpoint counts',
    resources: remove(pointsAt('10.1.1.9'), path.ids.zoneGroup),
    expected: [
      { outcome: 'fail', resourceId: recordId, message: `A record kv-payments-prod points at 10.1.1.9; ${oneNic}` },
    ],
  },
  {
    name: "the endpoint's NIC outside the audited scope",
    resources: remove(path.resources, nicId),
    expected: [
      {
        outcome: 'error',
        resourceId: recordId,
        message:
          'cannot check A record kv-payments-prod: network interface pe-kv-payments-prod.nic.0a1b2c3d of its private endpoint was not collected: it is not among the collected resources of subscription 22222222-2222-2222-2222-222222222222: collect its resource group too, or check whether it was deleted',
      },
    ],
  },
  {
    name: 'a private endpoint outside the collected scope: the record judged on the collected one',
    resources: withMissingEndpoint,
    expected: [
      // The record is judged on the collected endpoint's evidence (issue 12: a managed or foreign endpoint
      // must not turn the customer's own record into an error forever).
      { outcome: 'pass', resourceId: recordId, message: `A record kv-payments-prod points at 10.1.1.4; ${oneNic}` },
    ],
  },
  {
    name: 'no record',
    resources: remove(path.resources, recordId),
    expected: [
      {
        outcome: 'skipped',
        resourceId: zoneId,
        message:
          'private DNS zone privatelink.vaultcore.azure.net has no A record named kv-payments-prod (KV204 reports it)',
      },
    ],
  },
  {
    name: 'US Government vault',
    resources: gov.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: gov.ids.record,
        message: `A record kv-payments-prod points at 10.1.1.4; ${oneNic}`,
      },
    ],
  },
  {
    name: 'managed HSM with a stale record',
    resources: withRecordAddresses(hsm.resources, hsm.ids.record, ['10.1.1.5']),
    expected: [
      { outcome: 'fail', resourceId: hsm.ids.record, message: `A record hsm-payments points at 10.1.1.5; ${oneNic}` },
    ],
  },
  {
    name: 'upper-cased record and NIC ids',
    resources: upperCased(upperCased(pointsAt('10.1.1.9'), recordId), nicId),
    expected: [
      {
        outcome: 'fail',
        resourceId: recordId.toUpperCase(),
        message: `A record kv-payments-prod points at 10.1.1.9; ${oneNic}`,
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
