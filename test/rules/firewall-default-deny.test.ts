import { firewallDefaultDeny } from '../../rules/firewall-default-deny';
import { healthyPath, modify } from '../../src/fixtures/scenario';
import type { JsonObject } from '../../src/model/arm';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const withNetwork = (publicNetworkAccess: string | undefined, networkAcls: JsonObject | undefined) =>
  modify(path.resources, vaultId, (v) => {
    const properties = v.properties ?? {};
    if (publicNetworkAccess === undefined) delete properties.publicNetworkAccess;
    else properties.publicNetworkAccess = publicNetworkAccess;
    if (networkAcls === undefined) delete properties.networkAcls;
    else properties.networkAcls = networkAcls;
    return v;
  });
const EXPECTED = 'expected publicNetworkAccess Disabled or defaultAction Deny';

ruleTester(firewallDefaultDeny, [
  {
    name: 'public access Disabled',
    resources: path.resources,
    expected: [{ outcome: 'pass', resourceId: vaultId, message: 'kv-payments-prod has publicNetworkAccess Disabled' }],
  },
  {
    name: 'public access Disabled with defaultAction Allow',
    resources: withNetwork('disabled', { defaultAction: 'Allow', bypass: 'AzureServices' }),
    expected: [{ outcome: 'pass', resourceId: vaultId, message: 'kv-payments-prod has publicNetworkAccess Disabled' }],
  },
  {
    name: 'public access Enabled with defaultAction Deny',
    resources: withNetwork('Enabled', {
      defaultAction: 'Deny',
      bypass: 'None',
      ipRules: [{ value: '203.0.113.0/24' }],
    }),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'kv-payments-prod denies public traffic by default (networkAcls.defaultAction is Deny)',
      },
    ],
  },
  {
    name: 'public access Enabled with defaultAction Allow',
    resources: withNetwork('Enabled', { defaultAction: 'Allow', bypass: 'AzureServices' }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; ${EXPECTED}`,
      },
    ],
  },
  {
    name: 'nothing set: the service defaults admit everyone',
    resources: withNetwork(undefined, undefined),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod accepts traffic from any public address: publicNetworkAccess is not set (Enabled) and no networkAcls (defaultAction Allow); ${EXPECTED}`,
      },
    ],
  },
]);
