import { softDelete } from '../../rules/soft-delete';
import { healthyPath, modify } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const withSoftDelete = (value: boolean | undefined) =>
  modify(path.resources, vaultId, (v) => {
    if (value === undefined) delete v.properties?.enableSoftDelete;
    else if (v.properties) v.properties.enableSoftDelete = value;
    return v;
  });

ruleTester(softDelete, [
  {
    name: 'enabled',
    resources: path.resources,
    expected: [{ outcome: 'pass', resourceId: vaultId, message: 'kv-payments-prod has soft delete enabled' }],
  },
  {
    name: 'absent means the service default (on)',
    resources: withSoftDelete(undefined),
    expected: [{ outcome: 'pass', resourceId: vaultId, message: 'kv-payments-prod has soft delete enabled' }],
  },
  {
    name: 'disabled',
    resources: withSoftDelete(false),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: 'kv-payments-prod has soft delete disabled (enableSoftDelete is false)',
      },
    ],
  },
  {
    name: 'disabled on a vault with an upper-case id',
    resources: withSoftDelete(false).map((r) => (r.id === vaultId ? { ...r, id: r.id.toUpperCase() } : r)),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId.toUpperCase(),
        message: 'kv-payments-prod has soft delete disabled (enableSoftDelete is false)',
      },
    ],
  },
]);
