import type { ArmResource } from '../model/arm';

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
}

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
