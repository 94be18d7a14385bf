import type { ArmResource } from './arm';

/**
 * The routing and name-resolution resources of an enterprise topology (hub and spoke, Virtual WAN, DNS
 * Private Resolver), normalized. Shapes follow the generated models of @azure/arm-network and Microsoft's
 * REST examples (test/fixtures/arm-examples). All ids keep ARM's casing.
 */

/** A user-defined route (`routeTables/routes`). */
export interface Route {
  name: string;
  /** A CIDR block, or a service tag (which the model does not expand). */
  addressPrefix: string;
  /** `VirtualNetworkGateway`, `VnetLocal`, `Internet`, `VirtualAppliance`, `VirtualApplianceEcmp`, `None`. */
  nextHopType: string;
  nextHopIpAddress: string | undefined;
}

export interface RouteTable {
  id: string;
  name: string;
  routes: Route[];
  disableBgpRoutePropagation: boolean;
  resource: ArmResource;
}

export interface SecurityRule {
  name: string;
  priority: number;
  /** `Inbound` or `Outbound`. */
  direction: string;
  /** `Allow` or `Deny`. */
  access: string;
  /** `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`, `*`. */
  protocol: string;
  sourceAddressPrefixes: string[];
  destinationAddressPrefixes: string[];
  destinationPortRanges: string[];
  /** One of the six rules every NSG carries (priority 65000+). */
  isDefault: boolean;
}

export interface NetworkSecurityGroup {
  id: string;
  name: string;
  /** Custom and default rules together, in priority order. */
  rules: SecurityRule[];
  resource: ArmResource;
}

export interface AzureFirewall {
  id: string;
  name: string;
  /** Private addresses of its IP configurations (a VNet firewall) or `hubIPAddresses` (a secured hub). */
  privateIPAddresses: string[];
  subnetIds: string[];
  virtualHubId: string | undefined;
  firewallPolicyId: string | undefined;
  /** Classic rules' DNS proxy switch: `additionalProperties["Network.DNS.EnableProxy"]`. */
  classicDnsProxy: boolean;
  classicDnsServers: string[];
  resource: ArmResource;
}

export interface FirewallPolicy {
  id: string;
  name: string;
  /** `dnsSettings.enableProxy`: the firewall listens on port 53 and forwards to `dnsServers`. */
  dnsProxy: boolean;
  /** Empty means Azure-provided DNS of the firewall's VNet. */
  dnsServers: string[];
  resource: ArmResource;
}

export interface VirtualWan {
  id: string;
  name: string;
  resource: ArmResource;
}

export interface VirtualHub {
  id: string;
  name: string;
  virtualWanId: string | undefined;
  addressPrefix: string | undefined;
  azureFirewallId: string | undefined;
  resource: ArmResource;
}

export interface HubVirtualNetworkConnection {
  id: string;
  name: string;
  hubId: string;
  remoteVirtualNetworkId: string | undefined;
  /** Undefined: the hub's defaultRouteTable. */
  associatedRouteTableId: string | undefined;
  /** Undefined when routingConfiguration says nothing: the defaultRouteTable and the `default` label. */
  propagatedRouteTableIds: string[] | undefined;
  propagatedLabels: string[] | undefined;
  provisioningState: string | undefined;
  resource: ArmResource;
}

export interface HubRoute {
  name: string;
  destinations: string[];
  /** `ResourceId` (an Azure Firewall or a hub VNet connection) or `IPAddress`. */
  nextHopType: string;
  nextHop: string | undefined;
}

export interface HubRouteTable {
  id: string;
  name: string;
  hubId: string;
  labels: string[];
  routes: HubRoute[];
  resource: ArmResource;
}

export interface DnsResolver {
  id: string;
  name: string;
  virtualNetworkId: string | undefined;
  resource: ArmResource;
}

export interface DnsResolverInboundEndpoint {
  id: string;
  name: string;
  /** Spelled `privateIpAddress` by the DnsResolver RP (not `privateIPAddress`). */
  privateIpAddresses: string[];
  subnetIds: string[];
  resource: ArmResource;
}

export interface DnsResolverOutboundEndpoint {
  id: string;
  name: string;
  subnetId: string | undefined;
  resource: ArmResource;
}

export interface DnsForwardingRuleset {
  id: string;
  name: string;
  outboundEndpointIds: string[];
  resource: ArmResource;
}

export interface ForwardingRule {
  id: string;
  name: string;
  rulesetId: string;
  /** Lower-cased, with ARM's trailing dot (`contoso.com.`). */
  domainName: string;
  targets: { ipAddress: string; port: number }[];
  /** `Enabled` (default) or `Disabled`. */
  state: string | undefined;
  resource: ArmResource;
}

export interface RulesetVirtualNetworkLink {
  id: string;
  name: string;
  rulesetId: string;
  virtualNetworkId: string | undefined;
  resource: ArmResource;
}
