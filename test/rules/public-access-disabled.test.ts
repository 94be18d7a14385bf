import { publicAccessDisabled } from '../../rules/public-access-disabled';
import { healthyPath, modify, remove } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const withPublicAccess = (value: string | undefined) =>
  modify(path.resources, vaultId, (v) => {
    if (value === undefined) delete v.properties?.publicNetworkAccess;
    else if (v.properties) v.properties.publicNetworkAccess = value;
    return v;
  });
const withoutEndpoint = [path.ids.endpoint, path.ids.nic, path.ids.zoneGroup].reduce(
  remove,
  modify(path.resources, vaultId, (v) => {
    if (v.properties) v.properties.privateEndpointConnections = [];
    return v;
  }),
);
const EXPECTED = 'expected Disabled so traffic only comes through the endpoint';

ruleTester(publicAccessDisabled, [
  {
    name: 'endpoint and public access Disabled',
    resources: path.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod has private endpoint pe-kv-payments-prod and publicNetworkAccess Disabled',
      },
    ],
  },
  {
    name: 'endpoint and public access Enabled',
    resources: withPublicAccess('Enabled'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod has private endpoint pe-kv-payments-prod but publicNetworkAccess is Enabled; ${EXPECTED}`,
      },
    ],
  },
  {
    name: 'endpoint and public access not set',
    resources: withPublicAccess(undefined),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod has private endpoint pe-kv-payments-prod but publicNetworkAccess is not set (Enabled); ${EXPECTED}`,
      },
    ],
  },
  {
    name: 'endpoint known only from its own connection',
    resources: modify(withPublicAccess('Enabled'), vaultId, (v) => {
      if (v.properties) v.properties.privateEndpointConnections = [];
      return v;
    }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod has private endpoint pe-kv-payments-prod but publicNetworkAccess is Enabled; ${EXPECTED}`,
      },
    ],
  },
  {
    name: 'no endpoint',
    resources: withoutEndpoint,
    expected: [{ outcome: 'skipped', resourceId: vaultId, message: 'kv-payments-prod has no private endpoint' }],
  },
]);
