import { CASES } from './topology-cases';
import { evaluateCase, type ExpectedResult } from '../support/rule-tester';

/**
 * Issue 11's topologies, healthy and broken: the exact results KV203/KV204/KV205/KV301 return for each (rule,
 * resource, message), table-driven. A fail appears only where the collected resources show the hop broken;
 * hops ARM does not show are skipped with the hop named; appliances are assumed to forward, and say so.
 */
const EXPECTED: Record<string, ExpectedResult[]> = {
  'hub firewall: routed path': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'allowed: the caller in vnet-app reaches kv-payments-prod through private endpoint pe-kv-payments-prod (Approved) via UDR 0.0.0.0/0 \u2192 peering app-to-hub \u2192 firewall 10.0.1.4 (vnet-hub) \u2192 peering hub-to-payments; the firewall does not apply to private endpoint traffic; assumes firewall fw-hub allows TCP 443 to 10.1.1.4: check its network and application rules (firewall policy fwp-hub)',
    },
  ],
  'hub firewall: DNS through the firewall proxy': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/virtualNetworkLinks/link-vnet-hub',
      message:
        'vnet-app resolves privatelink.vaultcore.azure.net through firewall DNS proxy 10.0.1.4 (vnet-hub), which is linked (link link-vnet-hub)',
    },
  ],
  'hub firewall: the record the caller resolves': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message: "A record kv-payments-prod points at 10.1.1.4; the private endpoint's NIC has 10.1.1.4",
    },
  ],
  "hub firewall: the endpoint spoke's peering refuses forwarded traffic": [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (peering payments-to-hub of vnet-payments does not allow forwarded traffic (allowForwardedTraffic false), so it drops what the appliance in vnet-hub forwards)',
    },
  ],
  'hub firewall: no UDR, spokes not peered': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (VNet vnet-app has no route to private endpoint pe-kv-payments-prod in vnet-payments: not the same VNet and no Connected peering)',
    },
  ],
  'hub firewall: UDR next hop None': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (route drop of route table rt-app sends 10.1.0.0/16 to None, which drops the traffic)',
    },
  ],
  'hub firewall: UDR to the virtual network gateway': [
    {
      outcome: 'skipped',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-app/providers/Microsoft.Network/routeTables/rt-app',
      message:
        'cannot evaluate: the private endpoint path Caller snet-app \u2192 UDR 0.0.0.0/0 stops at a hop kvguard cannot judge: route to-onprem of route table rt-app sends 0.0.0.0/0 to the virtual network gateway: the routes it learned (on-premises, BGP) are outside what ARM shows',
    },
  ],
  'hub firewall: appliance address in no reachable VNet': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (route default of route table rt-app sends 0.0.0.0/0 to 10.9.0.4, which is in no VNet vnet-app reaches)',
    },
  ],
  'NSG enforced on the endpoint subnet denies the caller': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (network security group nsg-pe on subnet snet-private-endpoints denies TCP 443 to 10.1.1.4 from snet-app (10.5.1.0/24): rule deny-app-443 (priority 100))',
    },
  ],
  'NSG denying the caller, network policies off': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'allowed: the caller in vnet-app reaches kv-payments-prod through private endpoint pe-kv-payments-prod (Approved) via UDR 0.0.0.0/0 \u2192 peering app-to-hub \u2192 firewall 10.0.1.4 (vnet-hub) \u2192 peering hub-to-payments; the firewall does not apply to private endpoint traffic; assumes firewall fw-hub allows TCP 443 to 10.1.1.4: check its network and application rules (firewall policy fwp-hub)',
    },
  ],
  'NSG enforced, caller allowed by the default rules': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'allowed: the caller in vnet-app reaches kv-payments-prod through private endpoint pe-kv-payments-prod (Approved) via UDR 0.0.0.0/0 \u2192 peering app-to-hub \u2192 firewall 10.0.1.4 (vnet-hub) \u2192 peering hub-to-payments; the firewall does not apply to private endpoint traffic; assumes firewall fw-hub allows TCP 443 to 10.1.1.4: check its network and application rules (firewall policy fwp-hub)',
    },
  ],
  'firewall DNS proxy off: the only DNS server does not answer': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app',
      message:
        'vnet-app gets no DNS answer for kv-payments-prod: no DNS server of vnet-app answers: 10.0.1.4 is firewall fw-hub, whose DNS proxy is off',
    },
  ],
  'ruleset: the orders spoke resolves through the hub resolver': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/virtualNetworkLinks/link-vnet-hub',
      message:
        'vnet-orders resolves privatelink.vaultcore.azure.net through ruleset rs-hub (privatelink.vaultcore.azure.net.) \u2192 inbound endpoint 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub)',
    },
  ],
  'ruleset: the record the orders spoke resolves': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message: "A record kv-payments-prod points at 10.1.1.4; the private endpoint's NIC has 10.1.1.4",
    },
  ],
  'ruleset: link to the orders VNet removed': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-orders/providers/Microsoft.Network/virtualNetworks/vnet-orders',
      message:
        'vnet-orders uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
    },
  ],
  'ruleset: rule disabled': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-orders/providers/Microsoft.Network/virtualNetworks/vnet-orders',
      message:
        'vnet-orders uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links; rule privatelink-vaultcore (privatelink.vaultcore.azure.net.) of forwarding ruleset rs-hub, linked to it, is Disabled',
    },
  ],
  'ruleset: rule with no target server': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/dnsForwardingRulesets/rs-hub/forwardingRules/privatelink-vaultcore',
      message:
        'vnet-orders gets no DNS answer for kv-payments-prod: rule privatelink-vaultcore of ruleset rs-hub forwards to no DNS server',
    },
  ],
  'ruleset: rule forwards to an on-premises server': [
    {
      outcome: 'skipped',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub',
      message:
        'rule privatelink-vaultcore of ruleset rs-hub forwards to DNS server 192.168.50.4 outside every audited VNet: kvguard cannot see whether it forwards privatelink.vaultcore.azure.net to Azure DNS (168.63.129.16)',
    },
  ],
  'Virtual WAN: spokes reach each other through the hub': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'allowed: the caller in vnet-wan-app reaches kv-payments-prod through private endpoint pe-kv-payments-prod (Approved) via hub vhub-weu \u2192 connection conn-payments; the firewall does not apply to private endpoint traffic',
    },
  ],
  'Virtual WAN: route tables isolate the spokes': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (hub route table rt-app (associated with connection conn-app of vnet-wan-app) learns no route to 10.11.1.4: no connection holding it propagates to that table)',
    },
  ],
  'Virtual WAN: secured hub sends private traffic to its firewall': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'allowed: the caller in vnet-wan-app reaches kv-payments-prod through private endpoint pe-kv-payments-prod (Approved) via hub vhub-weu \u2192 firewall 10.100.0.132 (vhub-weu) \u2192 connection conn-payments; the firewall does not apply to private endpoint traffic; assumes firewall fw-vhub allows TCP 443 to 10.11.1.4: check its network and application rules',
    },
  ],
  'per-region zones: each region resolves its own endpoint': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns-neu/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message:
        "A record kv-payments-prod points at 10.21.1.4; the private endpoint's NIC the caller reaches has 10.21.1.4",
    },
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns-weu/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message:
        "A record kv-payments-prod points at 10.20.1.4; the private endpoint's NIC the caller reaches has 10.20.1.4",
    },
  ],
  "per-region zones: a region's record points at the other region": [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns-neu/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message:
        "A record kv-payments-prod points at 10.21.1.4; the private endpoint's NIC the caller reaches has 10.21.1.4",
    },
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns-weu/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message:
        "A record kv-payments-prod points at 10.21.1.4, which callers in vnet-weu cannot use (10.21.1.4: pe-kv-payments-prod-neu cannot be reached: vnet-weu has no route to vnet-neu: not the same VNet, no Connected peering, no Virtual WAN hub); they reach the private endpoint's NIC at 10.20.1.4",
    },
  ],
  'per-region zones: KV204 per zone': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns-neu/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message: 'private DNS zone privatelink.vaultcore.azure.net holds A record kv-payments-prod',
    },
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dns-weu/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-payments-prod',
      message: 'private DNS zone privatelink.vaultcore.azure.net holds A record kv-payments-prod',
    },
  ],
  'overlapping ranges: the DNS server is the peered hub, not the lab reusing its range': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/virtualNetworkLinks/link-vnet-hub',
      message:
        'vnet-spoke-kv-payments-prod resolves privatelink.vaultcore.azure.net through DNS server 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub); assumes the DNS server at 10.0.0.4 in vnet-hub forwards to Azure DNS (168.63.129.16): kvguard cannot see its configuration',
    },
  ],
  'overlapping ranges: the spoke is peered to the lab, whose 10.0.0.4 is not linked': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.Network/virtualNetworks/vnet-spoke-kv-payments-prod',
      message:
        'vnet-spoke-kv-payments-prod resolves through DNS server 10.0.0.4 (vnet-lab), and vnet-lab is not linked to privatelink.vaultcore.azure.net, so kv-payments-prod resolves to its public address',
    },
  ],
  'peering Connected but allowVirtualNetworkAccess false': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (peering hub-to-payments of vnet-hub has allowVirtualNetworkAccess false, so vnet-hub may not reach vnet-payments)',
    },
  ],
  'the DNS server sits in a VNet the spoke no longer reaches': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.Network/virtualNetworks/vnet-spoke-kv-payments-prod',
      message:
        'vnet-spoke-kv-payments-prod gets no DNS answer for kv-payments-prod: no DNS server of vnet-spoke-kv-payments-prod answers: 10.0.0.4 cannot be reached (peering to-hub of vnet-spoke-kv-payments-prod to vnet-hub is Disconnected, not Connected)',
    },
  ],
  'public resolver first': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.Network/virtualNetworks/vnet-spoke-kv-payments-prod',
      message:
        "vnet-spoke-kv-payments-prod resolves through public resolver 8.8.8.8, which cannot see private DNS zones and answers with kv-payments-prod's public address",
    },
  ],
  'public resolver alone': [
    {
      outcome: 'fail',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.Network/virtualNetworks/vnet-spoke-kv-payments-prod',
      message:
        "vnet-spoke-kv-payments-prod resolves through public resolver 1.1.1.1, which cannot see private DNS zones and answers with kv-payments-prod's public address",
    },
  ],
  'a server outside every audited VNet first: its answer is unknown': [
    {
      outcome: 'skipped',
      resourceId:
        '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.Network/virtualNetworks/vnet-spoke-kv-payments-prod',
      message:
        'vnet-spoke-kv-payments-prod uses DNS server 10.50.0.4 outside every audited VNet: kvguard cannot see whether it forwards privatelink.vaultcore.azure.net to Azure DNS (168.63.129.16)',
    },
  ],
  'a server in an unpeered VNet does not answer; Azure DNS, listed second, does': [
    {
      outcome: 'pass',
      resourceId:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/virtualNetworkLinks/link-vnet-spoke-kv-payments-prod',
      message:
        'vnet-spoke-kv-payments-prod is linked to privatelink.vaultcore.azure.net (link link-vnet-spoke-kv-payments-prod)',
    },
  ],
};

describe('enterprise topologies', () => {
  test('every case has its expectation', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(CASES.filter((c) => EXPECTED[c.name]?.some((e) => e.outcome === 'fail')).length).toBeGreaterThan(5);
  });
  for (const c of CASES) {
    test(`${c.rule.meta.id} ${c.name}`, () => {
      expect(evaluateCase(c.rule, { name: c.name, resources: c.resources, caller: c.caller, expected: [] })).toEqual(
        EXPECTED[c.name],
      );
    });
  }
});
