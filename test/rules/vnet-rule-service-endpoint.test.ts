import { vnetRuleServiceEndpoint } from '../../rules/vnet-rule-service-endpoint';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, healthyPath, modify } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const buildVnetId = arm.vnetId(SPOKE_SUB, 'rg-build', 'vnet-build');
const agents = arm.subnetId(buildVnetId, 'snet-agents');
const runners = arm.subnetId(buildVnetId, 'snet-runners');

/** The vault with virtual network rules (ids lower-cased, as the service stores them) and a build VNet. */
const estateWith = (
  rules: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }[],
  agentsEndpoints: string[],
  runnersEndpoints = ['Microsoft.KeyVault'],
): ArmResource[] => [
  ...modify(path.resources, vaultId, (v) => {
    if (v.properties) {
      v.properties.publicNetworkAccess = 'Enabled';
      v.properties.networkAcls = {
        bypass: 'AzureServices',
        defaultAction: 'Deny',
        ipRules: [],
        virtualNetworkRules: rules.map((r) => ({
          id: r.id.toLowerCase(),
          ignoreMissingVnetServiceEndpoint: r.ignoreMissingVnetServiceEndpoint ?? false,
        })),
      };
    }
    return v;
  }),
  arm.virtualNetwork({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-build',
    name: 'vnet-build',
    addressPrefixes: ['10.50.0.0/16'],
    subnets: [
      { name: 'snet-agents', addressPrefix: '10.50.1.0/24', serviceEndpoints: agentsEndpoints },
      { name: 'snet-runners', addressPrefix: '10.50.2.0/24', serviceEndpoints: runnersEndpoints },
    ],
  }),
];
const updating = modify(estateWith([{ id: agents }], ['Microsoft.KeyVault']), buildVnetId, (v) => {
  const subnet = (
    v.properties?.subnets as { properties: { serviceEndpoints: { provisioningState: string }[] } }[] | undefined
  )?.[0];
  const endpoint = subnet?.properties.serviceEndpoints[0];
  if (endpoint) endpoint.provisioningState = 'Updating';
  return v;
});
const admitsNothing = 'so the rule admits none of its traffic';

ruleTester(vnetRuleServiceEndpoint, [
  {
    name: 'both subnets have the endpoint, in id order',
    resources: estateWith([{ id: runners }, { id: agents }], ['Microsoft.Storage', 'Microsoft.KeyVault']),
    expected: [
      {
        outcome: 'pass',
        resourceId: agents,
        message:
          "subnet snet-agents in kv-payments-prod's virtualNetworkRules has the Microsoft.KeyVault service endpoint",
      },
      {
        outcome: 'pass',
        resourceId: runners,
        message:
          "subnet snet-runners in kv-payments-prod's virtualNetworkRules has the Microsoft.KeyVault service endpoint",
      },
    ],
  },
  {
    name: 'one subnet without the endpoint',
    resources: estateWith([{ id: agents }, { id: runners }], ['Microsoft.Storage']),
    expected: [
      {
        outcome: 'fail',
        resourceId: agents,
        message: `subnet snet-agents in kv-payments-prod's virtualNetworkRules has no Microsoft.KeyVault service endpoint (service endpoints: Microsoft.Storage), ${admitsNothing}`,
      },
      {
        outcome: 'pass',
        resourceId: runners,
        message:
          "subnet snet-runners in kv-payments-prod's virtualNetworkRules has the Microsoft.KeyVault service endpoint",
      },
    ],
  },
  {
    name: 'ignoreMissingVnetServiceEndpoint does not make it work',
    resources: estateWith([{ id: agents, ignoreMissingVnetServiceEndpoint: true }], []),
    expected: [
      {
        outcome: 'fail',
        resourceId: agents,
        message: `subnet snet-agents in kv-payments-prod's virtualNetworkRules has no Microsoft.KeyVault service endpoint (service endpoints: none), ${admitsNothing}; ignoreMissingVnetServiceEndpoint is true, which only lets ARM accept the rule`,
      },
    ],
  },
  {
    name: 'endpoint still provisioning',
    resources: updating,
    expected: [
      {
        outcome: 'fail',
        resourceId: agents,
        message: `subnet snet-agents in kv-payments-prod's virtualNetworkRules has the Microsoft.KeyVault service endpoint in provisioningState Updating, not Succeeded, ${admitsNothing}`,
      },
    ],
  },
  {
    name: 'subnet outside the audited scope',
    resources: estateWith([{ id: arm.subnetId(arm.vnetId(SPOKE_SUB, 'rg-other', 'vnet-other'), 'snet-x') }], []),
    expected: [
      {
        outcome: 'error',
        resourceId: arm.subnetId(arm.vnetId(SPOKE_SUB, 'rg-other', 'vnet-other'), 'snet-x').toLowerCase(),
        message: `subnet ${arm.subnetId(arm.vnetId(SPOKE_SUB, 'rg-other', 'vnet-other'), 'snet-x').toLowerCase()} in kv-payments-prod's virtualNetworkRules is not in the audited scope; its service endpoints cannot be checked`,
      },
    ],
  },
  {
    name: 'no virtual network rules',
    resources: path.resources,
    expected: [{ outcome: 'skipped', resourceId: vaultId, message: 'kv-payments-prod has no virtualNetworkRules' }],
  },
]);
