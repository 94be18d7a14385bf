import { privateEndpointApproved } from '../../rules/private-endpoint-approved';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, modify, remove } from '../../src/fixtures/scenario';
import { base, path, vaultConnectionId, vaultWith, withStates } from '../support/endpoint-states';
import { ruleTester } from '../support/rule-tester';

const { vault: vaultId, endpoint: endpointId, nic: nicId, zoneGroup: zoneGroupId } = path.ids;

const manual = arm.privateEndpoint({ ...base, name: 'pe-manual', ipAddress: '10.1.1.6', manual: true });
const hsm = arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-hsm', name: 'hsm-payments' });
const hsmEndpoint = arm.privateEndpoint({
  ...base,
  name: 'pe-hsm-payments',
  targetId: hsm.id,
  groupId: 'managedhsm',
  ipAddress: '10.1.1.7',
  manual: true,
});
const hsmWithPending = modify([hsm], hsm.id, () =>
  arm.managedHsm({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-hsm',
    name: 'hsm-payments',
    connections: [{ privateEndpointId: hsmEndpoint.endpoint.id, status: 'Pending', description: 'Please approve' }],
  }),
);
const noEndpoint = vaultWith(remove(remove(remove(path.resources, endpointId), nicId), zoneGroupId));
const approved = (resourceId: string) => ({
  outcome: 'pass' as const,
  resourceId,
  message: 'connection pe-kv-payments-prod to kv-payments-prod is Approved ("Auto-Approved")',
});

ruleTester(privateEndpointApproved, [
  {
    name: 'approved, listed on both ends, reported once',
    resources: path.resources,
    expected: [approved(vaultConnectionId)],
  },
  {
    name: 'approved on the vault, endpoint outside the audited scope',
    resources: remove(remove(path.resources, endpointId), nicId),
    expected: [approved(vaultConnectionId)],
  },
  {
    name: 'upper-cased endpoint reference on the vault',
    resources: withStates({ privateEndpointId: endpointId.toUpperCase(), name: 'upper' }, {}),
    expected: [approved(`${vaultId}/privateEndpointConnections/upper`)],
  },
  {
    name: 'manual Pending on both ends',
    resources: withStates(
      { privateEndpointId: endpointId, status: 'Pending', description: 'Please approve' },
      { manual: true },
    ),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultConnectionId,
        message:
          'connection pe-kv-payments-prod to kv-payments-prod is Pending ("Please approve"): approve it on the vault',
      },
    ],
  },
  {
    name: 'manual Pending on the endpoint, not listed by the vault yet',
    resources: withStates(undefined, { manual: true }),
    expected: [
      {
        outcome: 'fail',
        resourceId: endpointId,
        message:
          'connection pe-kv-payments-prod to kv-payments-prod is Pending ("Please approve"): approve it on the vault',
      },
    ],
  },
  {
    name: 'Rejected',
    resources: withStates(
      { privateEndpointId: endpointId, status: 'Rejected', description: 'Not a known subscription' },
      { manual: true, status: 'Rejected', description: 'Not a known subscription' },
    ),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultConnectionId,
        message:
          'connection pe-kv-payments-prod to kv-payments-prod is Rejected ("Not a known subscription"): the vault\'s owner rejected it: approve it on the vault, or delete the endpoint and request a new connection',
      },
    ],
  },
  {
    name: 'Disconnected: the vault removed the connection, the endpoint still shows it',
    resources: withStates(undefined, { status: 'Disconnected', description: 'Connection removed' }),
    expected: [
      {
        outcome: 'fail',
        resourceId: endpointId,
        message:
          'connection pe-kv-payments-prod to kv-payments-prod is Disconnected ("Connection removed"): the vault\'s owner removed it: delete the endpoint and create a new one',
      },
    ],
  },
  {
    name: 'approved on the vault, still Pending on the endpoint',
    resources: withStates({ privateEndpointId: endpointId }, { manual: true }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultConnectionId,
        message:
          'connection pe-kv-payments-prod to kv-payments-prod is Pending ("Please approve"): approve it on the vault',
      },
    ],
  },
  {
    name: 'one approved and one manual Pending, sorted by id',
    resources: [...path.resources, manual.endpoint, manual.nic],
    expected: [
      approved(vaultConnectionId),
      {
        outcome: 'fail',
        resourceId: manual.endpoint.id,
        message: 'connection pe-manual to kv-payments-prod is Pending ("Please approve"): approve it on the vault',
      },
    ],
  },
  {
    name: 'managed HSM with a Pending connection',
    resources: [...hsmWithPending, hsmEndpoint.endpoint, hsmEndpoint.nic],
    expected: [
      {
        outcome: 'fail',
        resourceId: `${hsm.id}/privateEndpointConnections/pe-hsm-payments-conn0`,
        message: 'connection pe-hsm-payments to hsm-payments is Pending ("Please approve"): approve it on the vault',
      },
    ],
  },
  {
    name: 'no state on either end',
    resources: modify(remove(remove(path.resources, endpointId), nicId), vaultId, (v) => {
      // A connection as a hand-written snapshot might hold it: no privateLinkServiceConnectionState.
      if (v.properties)
        v.properties.privateEndpointConnections = [
          { id: vaultConnectionId, properties: { privateEndpoint: { id: endpointId } } },
        ];
      return v;
    }),
    expected: [
      {
        outcome: 'error',
        resourceId: vaultConnectionId,
        message:
          'connection pe-kv-payments-prod to kv-payments-prod reports no connection state (privateLinkServiceConnectionState); expected Approved',
      },
    ],
  },
  {
    name: 'no connection at all',
    resources: noEndpoint,
    expected: [
      { outcome: 'skipped', resourceId: vaultId, message: 'kv-payments-prod has no private endpoint connection' },
    ],
  },
]);
