import { privateEndpointProvisioned } from '../../rules/private-endpoint-provisioned';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, remove } from '../../src/fixtures/scenario';
import { base, path, vaultConnectionId, vaultWith, withStates } from '../support/endpoint-states';
import { ruleTester } from '../support/rule-tester';

const { vault: vaultId, endpoint: endpointId, nic: nicId, zoneGroup: zoneGroupId } = path.ids;

const withoutEndpoint = remove(remove(path.resources, endpointId), nicId);
const hsm = arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-hsm', name: 'hsm-payments' });
const hsmEndpoint = arm.privateEndpoint({ ...base, name: 'pe-hsm-payments', targetId: hsm.id, groupId: 'managedhsm', ipAddress: '10.1.1.7', provisioningState: 'Deleting' });
const hsmPath = [
  arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-hsm', name: 'hsm-payments', connections: [{ privateEndpointId: hsmEndpoint.endpoint.id }] }),
  hsmEndpoint.endpoint,
  hsmEndpoint.nic,
];
const subject = 'private endpoint pe-kv-payments-prod to kv-payments-prod';

ruleTester(privateEndpointProvisioned, [
  {
    name: 'endpoint and both connections Succeeded, reported once',
    resources: path.resources,
    expected: [{ outcome: 'pass', resourceId: vaultConnectionId, message: `${subject} is provisioned (endpoint, vault's connection, endpoint's connection: Succeeded)` }],
  },
  {
    name: 'lower-case succeeded and an upper-cased endpoint reference',
    resources: withStates({ privateEndpointId: endpointId.toUpperCase(), name: 'upper', provisioningState: 'succeeded' }, {}),
    expected: [{ outcome: 'pass', resourceId: `${vaultId}/privateEndpointConnections/upper`, message: `${subject} is provisioned (endpoint, vault's connection, endpoint's connection: Succeeded)` }],
  },
  {
    name: 'a manual endpoint the vault does not list yet',
    resources: withStates(undefined, { manual: true }),
    expected: [{ outcome: 'pass', resourceId: endpointId, message: `${subject} is provisioned (endpoint, endpoint's connection: Succeeded)` }],
  },
  {
    name: 'endpoint Failed',
    resources: withStates({ privateEndpointId: endpointId }, { provisioningState: 'Failed' }),
    expected: [{ outcome: 'fail', resourceId: vaultConnectionId, message: `${subject} is not provisioned: endpoint is Failed; expected Succeeded` }],
  },
  {
    name: 'both connections Updating',
    resources: withStates({ privateEndpointId: endpointId, provisioningState: 'Updating' }, { connectionProvisioningState: 'Updating' }),
    expected: [{ outcome: 'fail', resourceId: vaultConnectionId, message: `${subject} is not provisioned: vault's connection is Updating, endpoint's connection is Updating; expected Succeeded` }],
  },
  {
    name: "the vault's connection Failed, endpoint outside the audited scope",
    resources: vaultWith(withoutEndpoint, { privateEndpointId: endpointId, provisioningState: 'Failed' }),
    expected: [{ outcome: 'fail', resourceId: vaultConnectionId, message: `${subject} is not provisioned: vault's connection is Failed; expected Succeeded` }],
  },
  {
    name: 'endpoint outside the audited scope',
    resources: withoutEndpoint,
    expected: [{ outcome: 'error', resourceId: vaultConnectionId, message: `${subject}: the endpoint ${endpointId} is not in the audited scope, so its provisioningState cannot be read` }],
  },
  {
    name: 'managed HSM endpoint Deleting',
    resources: hsmPath,
    expected: [{ outcome: 'fail', resourceId: `${hsm.id}/privateEndpointConnections/pe-hsm-payments-conn0`, message: 'private endpoint pe-hsm-payments to hsm-payments is not provisioned: endpoint is Deleting; expected Succeeded' }],
  },
  {
    name: 'no connection at all',
    resources: vaultWith(remove(withoutEndpoint, zoneGroupId)),
    expected: [{ outcome: 'skipped', resourceId: vaultId, message: 'kv-payments-prod has no private endpoint connection' }],
  },
]);
