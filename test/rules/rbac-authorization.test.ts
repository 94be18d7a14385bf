import { rbacAuthorization } from '../../rules/rbac-authorization';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, healthyPath, modify } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const withRbac = (value: boolean | undefined) =>
  modify(path.resources, vaultId, (v) => {
    if (value === undefined) delete v.properties?.enableRbacAuthorization;
    else if (v.properties) v.properties.enableRbacAuthorization = value;
    return v;
  });
const hsm = arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-payments', name: 'hsm-payments' });

ruleTester(rbacAuthorization, [
  {
    name: 'RBAC',
    resources: path.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod uses the Azure RBAC permission model (enableRbacAuthorization is true)',
      },
    ],
  },
  {
    name: 'access policies',
    resources: withRbac(false),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'kv-payments-prod uses the access policy permission model (enableRbacAuthorization is false); expected Azure RBAC (enableRbacAuthorization true)',
      },
    ],
  },
  {
    name: 'flag absent',
    resources: withRbac(undefined),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'kv-payments-prod has no enableRbacAuthorization flag, so it is read as the access policy permission model; expected Azure RBAC (enableRbacAuthorization true)',
      },
    ],
  },
  {
    name: 'managed HSM is skipped by the engine',
    resources: [hsm],
    expected: [{ outcome: 'skipped', resourceId: hsm.id, message: 'not applicable to a managed HSM' }],
  },
]);
