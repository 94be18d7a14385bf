import type { ArmResource } from '../model/arm';
import { NETWORK_TYPES } from '../model/estate';

/**
 * The ARM reads the collector makes, each returning resources in ARM GET shape. Implemented over the
 * Azure SDK clients (sdk-reader.ts); the collector's traversal only sees this interface.
 */
export interface ArmReader {
  listVaults(subscriptionId: string): Promise<ArmResource[]>;
  listManagedHsms(subscriptionId: string): Promise<ArmResource[]>;
  listPrivateEndpoints(subscriptionId: string): Promise<ArmResource[]>;
  listNetworkInterfaces(subscriptionId: string): Promise<ArmResource[]>;
  listVirtualNetworks(subscriptionId: string): Promise<ArmResource[]>;
  listPrivateDnsZones(subscriptionId: string): Promise<ArmResource[]>;
  listZoneGroups(privateEndpointId: string): Promise<ArmResource[]>;
  listVirtualNetworkLinks(zoneId: string): Promise<ArmResource[]>;
  listARecordSets(zoneId: string): Promise<ArmResource[]>;
  listDiagnosticSettings(resourceId: string): Promise<ArmResource[]>;
  /**
   * Role assignments at, above (management groups, root) and below a subscription, of one principal:
   * `assignedTo` (a user or service principal, with the groups it belongs to, as ARM expands them) or
   * `principalId` (exactly that principal, e.g. a group). See role-reads.ts for ARM's semantics.
   */
  listRoleAssignments(subscriptionId: string, filter: RoleAssignmentFilter): Promise<ArmResource[]>;
  /** GET of a role definition by the id a role assignment names. */
  getRoleDefinition(id: string): Promise<ArmResource>;
  /** GET by id of a private endpoint, NIC, VNet or private DNS zone (resources outside the listed subscriptions). */
  getById(id: string): Promise<ArmResource>;
  /**
   * The routing and name-resolution types (issue 11): a subscription-wide list for the tracked ones
   * (`scopeId` a subscription id), a list under the parent for the children (`scopeId` the hub, resolver or
   * ruleset id).
   */
  listTopology(list: TopologyList, scopeId: string): Promise<ArmResource[]>;
}

/** Subscription-wide topology lists. */
export const TOPOLOGY_SUBSCRIPTION_LISTS = [
  'routeTables',
  'networkSecurityGroups',
  'azureFirewalls',
  'firewallPolicies',
  'virtualWans',
  'virtualHubs',
  'dnsResolvers',
  'dnsForwardingRulesets',
] as const;

/** Topology lists under a parent: hub connections and route tables, resolver endpoints, ruleset rules and links. */
export const TOPOLOGY_CHILD_LISTS = {
  hubVirtualNetworkConnections: 'virtualHubs',
  hubRouteTables: 'virtualHubs',
  inboundEndpoints: 'dnsResolvers',
  outboundEndpoints: 'dnsResolvers',
  forwardingRules: 'dnsForwardingRulesets',
  rulesetLinks: 'dnsForwardingRulesets',
} as const;

export type TopologyList = (typeof TOPOLOGY_SUBSCRIPTION_LISTS)[number] | keyof typeof TOPOLOGY_CHILD_LISTS;

export type RoleAssignmentFilter = { assignedTo: string } | { principalId: string };

/** Subscriptions the listing phase reads, and each list it makes there. */
export const SUBSCRIPTION_LISTS = [
  'listVaults',
  'listManagedHsms',
  'listPrivateEndpoints',
  'listNetworkInterfaces',
  'listVirtualNetworks',
  'listPrivateDnsZones',
] as const;
export type SubscriptionList = (typeof SUBSCRIPTION_LISTS)[number];

/** The ARM type (lower-cased) each topology list returns. */
export const TOPOLOGY_TYPES: Record<TopologyList, string> = {
  routeTables: NETWORK_TYPES.routeTable,
  networkSecurityGroups: NETWORK_TYPES.networkSecurityGroup,
  azureFirewalls: NETWORK_TYPES.azureFirewall,
  firewallPolicies: NETWORK_TYPES.firewallPolicy,
  virtualWans: NETWORK_TYPES.virtualWan,
  virtualHubs: NETWORK_TYPES.virtualHub,
  dnsResolvers: NETWORK_TYPES.dnsResolver,
  dnsForwardingRulesets: NETWORK_TYPES.forwardingRuleset,
  hubVirtualNetworkConnections: NETWORK_TYPES.hubConnection,
  hubRouteTables: NETWORK_TYPES.hubRouteTable,
  inboundEndpoints: NETWORK_TYPES.inboundEndpoint,
  outboundEndpoints: NETWORK_TYPES.outboundEndpoint,
  forwardingRules: NETWORK_TYPES.forwardingRule,
  rulesetLinks: NETWORK_TYPES.rulesetLink,
};
