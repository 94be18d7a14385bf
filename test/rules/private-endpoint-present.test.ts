import { privateEndpointPresent } from '../../rules/private-endpoint-present';
import type { ArmResource } from '../../src/model/arm';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, healthyPath, modify, remove } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const { vault: vaultId, endpoint: endpointId, nic: nicId, zoneGroup: zoneGroupId, spokeSubnet } = path.ids;

const setVault = (resources: ArmResource[], change: (properties: NonNullable<ArmResource['properties']>) => void) =>
  modify(resources, vaultId, (v) => {
    if (v.properties) change(v.properties);
    return v;
  });
/** The vault with no private endpoint at all: endpoint, its NIC and zone group gone, the vault lists no connection. */
const noEndpoint = (publicNetworkAccess: string | undefined) =>
  setVault(remove(remove(remove(path.resources, endpointId), nicId), zoneGroupId), (p) => {
    p.privateEndpointConnections = [];
    if (publicNetworkAccess === undefined) delete p.publicNetworkAccess;
    else p.publicNetworkAccess = publicNetworkAccess;
  });

const second = arm.privateEndpoint({
  subscriptionId: SPOKE_SUB,
  resourceGroup: 'rg-payments',
  name: 'pe-kv-payments-prod-2',
  subnetId: spokeSubnet,
  targetId: vaultId,
  ipAddress: '10.1.1.5',
});
const twoEndpoints = [
  ...setVault(path.resources, (p) => {
    p.privateEndpointConnections = [
      ...(Array.isArray(p.privateEndpointConnections) ? p.privateEndpointConnections : []),
      {
        id: `${vaultId}/privateEndpointConnections/second`,
        properties: { privateEndpoint: { id: second.endpoint.id } },
      },
    ];
  }),
  second.endpoint,
  second.nic,
];

/** A manual request: the endpoint shows it, the vault does not list it yet. */
const manual = arm.privateEndpoint({
  subscriptionId: SPOKE_SUB,
  resourceGroup: 'rg-payments',
  name: 'pe-manual',
  subnetId: spokeSubnet,
  targetId: vaultId,
  ipAddress: '10.1.1.6',
  manual: true,
});
const manualOnly = [...noEndpoint('Disabled'), manual.endpoint, manual.nic];

const outOfScope = remove(remove(remove(path.resources, endpointId), nicId), zoneGroupId);

/** ARM ids are case-insensitive: the vault's reference and the endpoint's target in upper case still make one connection. */
const upperCased = setVault(
  modify(
    path.resources,
    endpointId,
    () =>
      arm.privateEndpoint({
        subscriptionId: SPOKE_SUB,
        resourceGroup: 'rg-payments',
        name: 'pe-kv-payments-prod',
        subnetId: spokeSubnet,
        targetId: vaultId.toUpperCase(),
        ipAddress: path.endpointIp,
      }).endpoint,
  ),
  (p) => {
    p.privateEndpointConnections = [
      {
        id: `${vaultId}/privateEndpointConnections/upper`,
        properties: { privateEndpoint: { id: endpointId.toUpperCase() } },
      },
    ];
  },
);

const hsm = arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-hsm', name: 'hsm-payments' });

ruleTester(privateEndpointPresent, [
  {
    name: 'one approved endpoint',
    resources: path.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod has 1 private endpoint connection (pe-kv-payments-prod)',
      },
    ],
  },
  {
    name: 'two endpoints',
    resources: twoEndpoints,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod has 2 private endpoint connections (pe-kv-payments-prod, pe-kv-payments-prod-2)',
      },
    ],
  },
  {
    name: 'a manual Pending endpoint the vault does not list yet counts',
    resources: manualOnly,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod has 1 private endpoint connection (pe-manual)',
      },
    ],
  },
  {
    name: 'an endpoint outside the audited scope counts',
    resources: outOfScope,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod has 1 private endpoint connection (pe-kv-payments-prod)',
      },
    ],
  },
  {
    name: 'upper-cased ids make one connection',
    resources: upperCased,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod has 1 private endpoint connection (pe-kv-payments-prod)',
      },
    ],
  },
  {
    name: 'public access disabled and no endpoint',
    resources: noEndpoint('Disabled'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'kv-payments-prod has public network access disabled and no private endpoint connection: nothing can reach it',
      },
    ],
  },
  {
    name: 'public access disabled (lower case) and no endpoint',
    resources: noEndpoint('disabled'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'kv-payments-prod has public network access disabled and no private endpoint connection: nothing can reach it',
      },
    ],
  },
  {
    name: 'requireAlways with public access enabled and no endpoint',
    resources: noEndpoint('Enabled'),
    options: { requireAlways: true },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: 'kv-payments-prod has no private endpoint connection; requireAlways expects at least one',
      },
    ],
  },
  {
    name: 'public access enabled and no endpoint',
    resources: noEndpoint('Enabled'),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          'kv-payments-prod allows public network access (publicNetworkAccess Enabled) and has no private endpoint connection; set requireAlways to require one',
      },
    ],
  },
  {
    name: 'publicNetworkAccess absent means Enabled',
    resources: noEndpoint(undefined),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          'kv-payments-prod allows public network access (publicNetworkAccess Enabled) and has no private endpoint connection; set requireAlways to require one',
      },
    ],
  },
  {
    name: 'managed HSM with public access disabled and no endpoint',
    resources: [hsm],
    expected: [
      {
        outcome: 'fail',
        resourceId: hsm.id,
        message:
          'hsm-payments has public network access disabled and no private endpoint connection: nothing can reach it',
      },
    ],
  },
  {
    name: 'upper-cased vault id',
    resources: noEndpoint('Disabled').map((r) => (r.id === vaultId ? { ...r, id: r.id.toUpperCase() } : r)),
    vaultId: vaultId.toUpperCase(),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId.toUpperCase(),
        message:
          'kv-payments-prod has public network access disabled and no private endpoint connection: nothing can reach it',
      },
    ],
  },
]);
