import { firewallAllowsCaller } from '../../rules/firewall-allows-caller';
import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, healthyPath, modify, remove } from '../../src/fixtures/scenario';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { buildEstate } from '../../src/model/estate';
import { FIXED_NOW, ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const endpoint = path.ids.endpoint;
const PE_MESSAGE = 'through private endpoint pe-kv-payments-prod (Approved)';
const NO_FIREWALL = 'the firewall does not apply to private endpoint traffic';
const DISABLED = 'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint';

/** The healthy path with the vault rebuilt from another spec (same name, same endpoint connection). */
const vaultWith = (spec: Partial<arm.VaultSpec>) =>
  modify(path.resources, vaultId, () =>
    arm.vault({
      subscriptionId: SPOKE_SUB,
      resourceGroup: 'rg-payments',
      name: 'kv-payments-prod',
      connections: [{ privateEndpointId: endpoint }],
      networkAcls: { defaultAction: 'Deny' },
      ...spec,
    }),
  );
const publicVault = (networkAcls: arm.VaultSpec['networkAcls']) =>
  vaultWith({ publicNetworkAccess: 'Enabled', networkAcls });

/** A build-agent VNet that is not peered with the spoke: its traffic reaches the vault over the public path. */
const buildVnetId = arm.vnetId(SPOKE_SUB, 'rg-build', 'vnet-build');
const agentsSubnet = arm.subnetId(buildVnetId, 'snet-agents');
const buildVnet = (serviceEndpoints: string[]) =>
  arm.virtualNetwork({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-build',
    name: 'vnet-build',
    addressPrefixes: ['10.50.0.0/16'],
    subnets: [{ name: 'snet-agents', addressPrefix: '10.50.1.0/24', serviceEndpoints }],
  });
const NO_ROUTE =
  'VNet vnet-build has no route to private endpoint pe-kv-payments-prod in vnet-spoke-kv-payments-prod: not the same VNet and no Connected peering';

const hubSubnet = arm.subnetId(path.ids.hubVnet, 'snet-dns-resolver');
const withoutEndpoint = [path.ids.endpoint, path.ids.nic, path.ids.zoneGroup].reduce(
  remove,
  vaultWith({ connections: [] }),
);
const peeringDisconnected = modify(path.resources, path.ids.spokeVnet, (v) => {
  const peering = (v.properties?.virtualNetworkPeerings as { properties: { peeringState: string } }[] | undefined)?.[0];
  if (peering) peering.properties.peeringState = 'Disconnected';
  return v;
});

ruleTester(firewallAllowsCaller, [
  {
    name: 'default caller through the approved endpoint',
    resources: path.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `allowed: the caller reaches kv-payments-prod ${PE_MESSAGE}; ${NO_FIREWALL}`,
      },
    ],
  },
  {
    name: 'caller in the endpoint VNet',
    resources: path.resources,
    caller: { subnetId: path.ids.workloadSubnet },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `allowed: the caller in vnet-spoke-kv-payments-prod reaches kv-payments-prod ${PE_MESSAGE}; ${NO_FIREWALL}`,
      },
    ],
  },
  {
    name: 'caller in a peered VNet',
    resources: path.resources,
    caller: { subnetId: hubSubnet },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `allowed: the caller in vnet-hub reaches kv-payments-prod ${PE_MESSAGE} over peering with vnet-spoke-kv-payments-prod; ${NO_FIREWALL}`,
      },
    ],
  },
  {
    name: 'caller in a VNet whose peering is Disconnected',
    resources: peeringDisconnected,
    caller: { subnetId: hubSubnet },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `${DISABLED} (VNet vnet-hub has no route to private endpoint pe-kv-payments-prod in vnet-spoke-kv-payments-prod: not the same VNet and no Connected peering)`,
      },
    ],
  },
  {
    name: 'Pending connection does not carry traffic: one cause, KV102 fails it, KV301 skips',
    resources: vaultWith({
      connections: [{ privateEndpointId: endpoint, status: 'Pending', description: 'Please approve' }],
    }),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          "publicNetworkAccess is Disabled and the caller's only path is a private endpoint that carries no traffic (private endpoint pe-kv-payments-prod is Pending, not Approved): KV102 reports it",
      },
    ],
  },
  {
    name: 'public caller with public access Disabled',
    resources: path.resources,
    caller: { ips: ['203.0.113.7'] },
    expected: [{ outcome: 'fail', resourceId: vaultId, message: DISABLED }],
  },
  {
    name: 'trusted service with public access Disabled and bypass AzureServices',
    resources: path.resources,
    caller: { trustedService: true },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message:
          'allowed: the caller is a trusted Microsoft service and bypass is AzureServices; the trusted-services exception stays available with publicNetworkAccess Disabled',
      },
    ],
  },
  {
    name: 'trusted service with public access Disabled and bypass None',
    resources: vaultWith({ networkAcls: { defaultAction: 'Deny', bypass: 'None' } }),
    caller: { trustedService: true },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `${DISABLED} (the caller is a trusted Microsoft service but bypass is None)`,
      },
    ],
  },
  {
    name: 'defaultAction Allow',
    resources: publicVault({ defaultAction: 'Allow' }),
    caller: { ips: ['203.0.113.7'] },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message:
          'allowed: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow: the firewall admits every public caller',
      },
    ],
  },
  {
    name: 'no networkAcls and no publicNetworkAccess',
    resources: modify(vaultWith({ networkAcls: undefined }), vaultId, (v) => {
      delete v.properties?.publicNetworkAccess;
      return v;
    }),
    caller: { ips: ['203.0.113.7'] },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message:
          'allowed: publicNetworkAccess is not set (Enabled) and kv-payments-prod has no networkAcls (defaultAction Allow): the firewall admits every public caller',
      },
    ],
  },
  {
    name: 'caller IP in a /24 ipRule',
    resources: publicVault({ ipRules: ['198.51.100.20', '203.0.113.0/24'] }),
    caller: { ips: ['203.0.113.7'] },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'allowed: caller address 203.0.113.7 matches ipRule 203.0.113.0/24',
      },
    ],
  },
  {
    name: 'caller IP equal to a bare-address ipRule (/32)',
    resources: publicVault({ ipRules: ['198.51.100.20', '203.0.113.0/24'] }),
    caller: { ips: ['198.51.100.20'] },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'allowed: caller address 198.51.100.20 matches ipRule 198.51.100.20',
      },
    ],
  },
  {
    name: 'caller IP next to a bare-address ipRule',
    resources: publicVault({ ipRules: ['198.51.100.20'] }),
    caller: { ips: ['198.51.100.21'] },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'denied: Client address 198.51.100.21 is not authorized and caller is not a trusted service (ipRules: 198.51.100.20)',
      },
    ],
  },
  {
    name: 'caller IP in no ipRule',
    resources: publicVault({ ipRules: ['198.51.100.20', '203.0.113.0/24'] }),
    caller: { ips: ['192.0.2.10'] },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'denied: Client address 192.0.2.10 is not authorized and caller is not a trusted service (ipRules: 198.51.100.20, 203.0.113.0/24)',
      },
    ],
  },
  {
    name: 'caller IP with no ipRules at all',
    resources: publicVault({}),
    caller: { ips: ['192.0.2.10'] },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: 'denied: Client address 192.0.2.10 is not authorized and caller is not a trusted service (no ipRules)',
      },
    ],
  },
  {
    name: 'one of two NAT addresses in no ipRule',
    resources: publicVault({ ipRules: ['203.0.113.0/24'] }),
    caller: { ips: ['203.0.113.7', '192.0.2.10'] },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'denied: Client address 192.0.2.10 is not authorized and caller is not a trusted service (203.0.113.7 matches ipRule 203.0.113.0/24; ipRules: 203.0.113.0/24)',
      },
    ],
  },
  {
    name: 'trusted service with bypass AzureServices',
    resources: publicVault({ bypass: 'AzureServices' }),
    caller: { trustedService: true },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'allowed: the caller is a trusted Microsoft service and bypass is AzureServices (defaultAction Deny)',
      },
    ],
  },
  {
    name: 'trusted service with bypass None',
    resources: publicVault({ bypass: 'None' }),
    caller: { trustedService: true },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'denied: the caller is a trusted Microsoft service but bypass is None, so defaultAction Deny refuses it',
      },
    ],
  },
  {
    name: 'subnet rule (lower-cased by the service) with the service endpoint',
    resources: [
      ...publicVault({ virtualNetworkRules: [agentsSubnet.toLowerCase()] }),
      buildVnet(['Microsoft.KeyVault']),
    ],
    caller: { subnetId: agentsSubnet },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message:
          'allowed: subnet snet-agents is in virtualNetworkRules and has the Microsoft.KeyVault service endpoint',
      },
    ],
  },
  {
    name: 'subnet rule without the service endpoint',
    resources: [...publicVault({ virtualNetworkRules: [agentsSubnet] }), buildVnet([])],
    caller: { subnetId: agentsSubnet },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `denied: Client in subnet snet-agents is not authorized and caller is not a trusted service (subnet snet-agents is in virtualNetworkRules but has no provisioned Microsoft.KeyVault service endpoint, so the rule admits nothing; no caller IP given; ${NO_ROUTE})`,
      },
    ],
  },
  {
    name: 'subnet rule without the service endpoint, caller IP in an ipRule',
    resources: [...publicVault({ virtualNetworkRules: [agentsSubnet], ipRules: ['203.0.113.0/24'] }), buildVnet([])],
    caller: { subnetId: agentsSubnet, ips: ['203.0.113.7'] },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'allowed: caller address 203.0.113.7 matches ipRule 203.0.113.0/24',
      },
    ],
  },
  {
    name: 'service endpoint on a subnet outside virtualNetworkRules hides the public IP',
    resources: [...publicVault({ ipRules: ['203.0.113.0/24'] }), buildVnet(['Microsoft.KeyVault'])],
    caller: { subnetId: agentsSubnet, ips: ['203.0.113.7'] },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'denied: Client in subnet snet-agents is not authorized and caller is not a trusted service (subnet snet-agents is not in virtualNetworkRules; its Microsoft.KeyVault service endpoint makes its traffic arrive from the VNet, so ipRules do not apply)',
      },
    ],
  },
  {
    name: 'subnet rule outside the audited scope',
    resources: publicVault({ virtualNetworkRules: [agentsSubnet] }),
    caller: { subnetId: agentsSubnet },
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message: `cannot evaluate: subnet ${agentsSubnet} is in virtualNetworkRules but not in the audited scope, so its Microsoft.KeyVault service endpoint cannot be checked`,
      },
    ],
  },
  {
    name: 'default caller, no endpoint, defaultAction Deny',
    resources: [path.ids.endpoint, path.ids.nic, path.ids.zoneGroup].reduce(
      remove,
      vaultWith({ publicNetworkAccess: 'Enabled', connections: [] }),
    ),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          'cannot evaluate: defaultAction is Deny and the caller has no private endpoint path, IP or subnet to match; give --caller-ip or --caller-subnet',
      },
    ],
  },
  {
    name: 'default caller, no endpoint, public access Disabled',
    resources: withoutEndpoint,
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message:
          "cannot evaluate: kv-payments-prod has no private endpoint for the default caller (a client in the endpoint's VNet) to use; give --caller-ip or --caller-subnet",
      },
    ],
  },
]);

describe('KV301 evidence', () => {
  test('names the deciding clause and the inputs it read', () => {
    const estate = buildEstate(publicVault({ ipRules: ['203.0.113.0/24'] }));
    const vault = estate.vaults.get(vaultId);
    if (!vault) throw new Error('fixture has no vault');
    const caller = { ...DEFAULT_CALLER, ips: ['203.0.113.7'] };
    const [result] = firewallAllowsCaller.check({ estate, vault, caller, options: {}, now: FIXED_NOW });
    expect(result?.evidence).toEqual({
      clause: 'ip-rule',
      caller: { source: 'none', ips: ['203.0.113.7'], trustedService: false },
      publicNetworkAccess: 'Enabled',
      defaultAction: 'Deny',
      bypass: 'AzureServices',
      ipRules: ['203.0.113.0/24'],
      virtualNetworkRules: [],
      privateEndpoints: [endpoint],
    });
  });
});
