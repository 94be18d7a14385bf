import { purgeProtection } from '../../rules/purge-protection';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, healthyPath, modify } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const withPurgeProtection = (value: boolean | undefined) =>
  modify(path.resources, vaultId, (v) => {
    if (value === undefined) delete v.properties?.enablePurgeProtection;
    else if (v.properties) v.properties.enablePurgeProtection = value;
    return v;
  });
const hsm = arm.managedHsm({
  subscriptionId: SPOKE_SUB,
  resourceGroup: 'rg-payments',
  name: 'hsm-payments',
  enablePurgeProtection: false,
});

ruleTester(purgeProtection, [
  {
    name: 'enabled',
    resources: path.resources,
    expected: [{ outcome: 'pass', resourceId: vaultId, message: 'kv-payments-prod has purge protection enabled' }],
  },
  {
    name: 'disabled',
    resources: withPurgeProtection(false),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: 'kv-payments-prod has purge protection disabled (enablePurgeProtection is false)',
      },
    ],
  },
  {
    name: 'absent means the service default (off)',
    resources: withPurgeProtection(undefined),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: 'kv-payments-prod has purge protection disabled (enablePurgeProtection is not set)',
      },
    ],
  },
  {
    name: 'managed HSM disabled',
    resources: [hsm],
    expected: [
      {
        outcome: 'fail',
        resourceId: hsm.id,
        message: 'hsm-payments has purge protection disabled (enablePurgeProtection is false)',
      },
    ],
  },
]);
