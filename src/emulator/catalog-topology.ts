import { NETWORK_VERSIONS } from './api-versions';
import type { TypeSpec } from './catalog';

/**
 * The routing and name-resolution types (issue 11), served like the others: tracked types listed by
 * subscription and resource group, children by parent. api-versions: arm-network 39 sends 2026-01-01 (the
 * version of Microsoft's examples in test/fixtures/arm-examples/Microsoft.Network/2026-01-01);
 * @azure/arm-dnsresolver 1.1.0 (the only published major) sends 2022-07-01, and the DnsResolver examples are
 * 2025-05-01. Route lists follow the REST paths (Microsoft's example bodies for hub connections and hub route
 * tables are bare arrays; ARM answers `{value, nextLink}` like every list).
 */
const NETWORK = NETWORK_VERSIONS;
/** specification/dnsresolver/resource-manager/Microsoft.Network/{stable,preview}/<v>; the SDK's version first. */
const DNS_RESOLVER = ['2022-07-01', '2025-10-01-preview', '2025-05-01', '2023-07-01-preview', '2020-04-01-preview'];

export const TOPOLOGY_SPECS: TypeSpec[] = [
  { type: 'Microsoft.Network/routeTables', kind: 'tracked', apiVersions: NETWORK },
  { type: 'Microsoft.Network/routeTables/routes', kind: 'embedded', embeddedIn: 'routes', apiVersions: NETWORK },
  { type: 'Microsoft.Network/networkSecurityGroups', kind: 'tracked', apiVersions: NETWORK },
  {
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    kind: 'embedded',
    embeddedIn: 'securityRules',
    apiVersions: NETWORK,
  },
  { type: 'Microsoft.Network/azureFirewalls', kind: 'tracked', apiVersions: NETWORK },
  // The firewall's public IP (a VNet firewall needs one; stacks/ deploys it): stored, never read by kvguard.
  { type: 'Microsoft.Network/publicIPAddresses', kind: 'tracked', apiVersions: NETWORK },
  { type: 'Microsoft.Network/firewallPolicies', kind: 'tracked', apiVersions: NETWORK },
  { type: 'Microsoft.Network/virtualWans', kind: 'tracked', apiVersions: NETWORK },
  { type: 'Microsoft.Network/virtualHubs', kind: 'tracked', apiVersions: NETWORK },
  // HubVirtualNetworkConnection has no `type` in arm-network's model, nor in HubVirtualNetworkConnectionGet.json.
  {
    type: 'Microsoft.Network/virtualHubs/hubVirtualNetworkConnections',
    kind: 'child',
    apiVersions: NETWORK,
    unanswered: ['type'],
  },
  { type: 'Microsoft.Network/virtualHubs/hubRouteTables', kind: 'child', apiVersions: NETWORK },
  { type: 'Microsoft.Network/dnsResolvers', kind: 'tracked', apiVersions: DNS_RESOLVER },
  { type: 'Microsoft.Network/dnsResolvers/inboundEndpoints', kind: 'child', apiVersions: DNS_RESOLVER },
  { type: 'Microsoft.Network/dnsResolvers/outboundEndpoints', kind: 'child', apiVersions: DNS_RESOLVER },
  { type: 'Microsoft.Network/dnsForwardingRulesets', kind: 'tracked', apiVersions: DNS_RESOLVER },
  { type: 'Microsoft.Network/dnsForwardingRulesets/forwardingRules', kind: 'child', apiVersions: DNS_RESOLVER },
  { type: 'Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks', kind: 'child', apiVersions: DNS_RESOLVER },
];
