import { privateEndpointProvisioned } from '../../rules/private-endpoint-provisioned';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, modify, remove } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';
import { base, path, vaultConnectionId, vaultWith, withStates } from '../support/endpoint-states';
import { ruleTester } from '../support/rule-tester';

const { vault: vaultId, endpoint: endpointId, nic: nicId, zoneGroup: zoneGroupId } = path.ids;

const withoutEndpoint = remove(remove(path.resources, endpointId), nicId);
const hsm = arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-hsm', name: 'hsm-payments' });
const hsmEndpoint = arm.privateEndpoint({
  ...base,
  name: 'pe-hsm-payments',
  targetId: hsm.id,
  groupId: 'managedhsm',
  ipAddress: '10.1.1.7',
  provisioningState: 'Deleting',
});
const hsmPath = [
  arm.managedHsm({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-hsm',
    name: 'hsm-payments',
    connections: [{ privateEndpointId: hsmEndpoint.endpoint.id }],
  }),
  hsmEndpoint.endpoint,
  hsmEndpoint.nic,
];
const subject = 'private endpoint pe-kv-payments-prod to kv-payments-prod';
const nicName = nicId.split('/').pop() ?? '';
const nicHolds = {
  outcome: 'pass' as const,
  resourceId: nicId,
  message: `network interface ${nicName} of private endpoint pe-kv-payments-prod holds 10.1.1.4`,
};
const withNic = (change: (nic: ArmResource) => ArmResource | undefined) => modify(path.resources, nicId, change);

ruleTester(privateEndpointProvisioned, [
  {
    name: 'endpoint and both connections Succeeded, reported once',
    resources: path.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultConnectionId,
        message: `${subject} is provisioned (endpoint, vault's connection, endpoint's connection: Succeeded)`,
      },
      nicHolds,
    ],
  },
  {
    name: 'lower-case succeeded and an upper-cased endpoint reference',
    resources: withStates(
      { privateEndpointId: endpointId.toUpperCase(), name: 'upper', provisioningState: 'succeeded' },
      {},
    ),
    expected: [
      {
        outcome: 'pass',
        resourceId: `${vaultId}/privateEndpointConnections/upper`,
        message: `${subject} is provisioned (endpoint, vault's connection, endpoint's connection: Succeeded)`,
      },
      nicHolds,
    ],
  },
  {
    name: 'a manual endpoint the vault does not list yet: Pending, so skipped (KV102 fails it)',
    resources: withStates(undefined, { manual: true }),
    expected: [
      {
        outcome: 'skipped',
        resourceId: endpointId,
        message: 'connection pe-kv-payments-prod is Pending: no traffic flows through it (KV102 reports it)',
      },
    ],
  },
  {
    name: 'endpoint Failed',
    resources: withStates({ privateEndpointId: endpointId }, { provisioningState: 'Failed' }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultConnectionId,
        message: `${subject} is not provisioned: endpoint is Failed; expected Succeeded`,
      },
      nicHolds,
    ],
  },
  {
    name: 'both connections Updating',
    resources: withStates(
      { privateEndpointId: endpointId, provisioningState: 'Updating' },
      { connectionProvisioningState: 'Updating' },
    ),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultConnectionId,
        message: `${subject} is not provisioned: vault's connection is Updating, endpoint's connection is Updating; expected Succeeded`,
      },
      nicHolds,
    ],
  },
  {
    name: "the vault's connection Failed, endpoint outside the audited scope",
    resources: vaultWith(withoutEndpoint, { privateEndpointId: endpointId, provisioningState: 'Failed' }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultConnectionId,
        message: `${subject} is not provisioned: vault's connection is Failed; expected Succeeded`,
      },
    ],
  },
  {
    name: 'endpoint outside the audited scope',
    resources: withoutEndpoint,
    expected: [
      {
        outcome: 'error',
        resourceId: vaultConnectionId,
        message: `${subject}: provisioningState cannot be read: private endpoint ${endpointId} of connection pe-kv-payments-prod was not collected: it is not among the collected resources of subscription 22222222-2222-2222-2222-222222222222: collect its resource group too, or check whether it was deleted`,
      },
    ],
  },
  {
    name: 'managed HSM endpoint Deleting',
    resources: hsmPath,
    expected: [
      {
        outcome: 'fail',
        resourceId: `${hsm.id}/privateEndpointConnections/pe-hsm-payments-conn0`,
        message:
          'private endpoint pe-hsm-payments to hsm-payments is not provisioned: endpoint is Deleting; expected Succeeded',
      },
      {
        outcome: 'pass',
        resourceId: hsmEndpoint.nic.id,
        message: `network interface ${hsmEndpoint.nic.name} of private endpoint pe-hsm-payments holds 10.1.1.7`,
      },
    ],
  },
  {
    name: "the endpoint's NIC is outside the audited scope",
    resources: remove(path.resources, nicId),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultConnectionId,
        message: `${subject} is provisioned (endpoint, vault's connection, endpoint's connection: Succeeded)`,
      },
      {
        outcome: 'error',
        resourceId: nicId,
        message: `network interface ${nicName} of private endpoint pe-kv-payments-prod was not collected, so its private IP cannot be read: it is not among the collected resources of subscription 22222222-2222-2222-2222-222222222222: collect its resource group too, or check whether it was deleted`,
      },
    ],
  },
  {
    name: 'the NIC holds no private IP',
    resources: withNic((nic) => {
      const config = (nic.properties?.ipConfigurations as { properties: Record<string, unknown> }[] | undefined)?.[0];
      if (config) delete config.properties.privateIPAddress;
      return nic;
    }),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultConnectionId,
        message: `${subject} is provisioned (endpoint, vault's connection, endpoint's connection: Succeeded)`,
      },
      {
        outcome: 'fail',
        resourceId: nicId,
        message: `network interface ${nicName} of private endpoint pe-kv-payments-prod holds no private IP address`,
      },
    ],
  },
  {
    name: 'the endpoint has no network interface',
    resources: modify(remove(path.resources, nicId), endpointId, (pe) => {
      if (pe.properties) pe.properties.networkInterfaces = [];
      return pe;
    }),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultConnectionId,
        message: `${subject} is provisioned (endpoint, vault's connection, endpoint's connection: Succeeded)`,
      },
      {
        outcome: 'fail',
        resourceId: endpointId,
        message:
          'private endpoint pe-kv-payments-prod to kv-payments-prod has no network interface; Azure creates one when the endpoint is provisioned',
      },
    ],
  },
  {
    name: 'no connection at all',
    resources: vaultWith(remove(withoutEndpoint, zoneGroupId)),
    expected: [
      { outcome: 'skipped', resourceId: vaultId, message: 'kv-payments-prod has no private endpoint connection' },
    ],
  },
]);
