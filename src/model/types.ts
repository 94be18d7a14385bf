import type { ArmResource } from './arm';
import type { CloudName, VaultKind } from './cloud';

// Kept here too, so model users import every estate type from one place; defined in cloud.ts (no cycle).
export type { VaultKind } from './cloud';

/** The normalized, indexed view of everything on a vault's access path. All ids keep ARM's casing. */

export interface ConnectionState {
  status: string;
  description: string;
  actionsRequired: string;
}

export interface VirtualNetworkRule {
  id: string;
  ignoreMissingVnetServiceEndpoint: boolean;
}

export interface NetworkAcls {
  /** `AzureServices` or `None`. */
  bypass: string;
  /** `Allow` or `Deny`. */
  defaultAction: string;
  ipRules: string[];
  virtualNetworkRules: VirtualNetworkRule[];
}

export interface VaultPrivateEndpointConnection {
  id: string;
  privateEndpointId: string | undefined;
  state: ConnectionState | undefined;
  provisioningState: string | undefined;
}

export interface AccessPolicy {
  tenantId: string | undefined;
  objectId: string | undefined;
  applicationId: string | undefined;
  permissions: { keys: string[]; secrets: string[]; certificates: string[]; storage: string[] };
}

export interface Vault {
  id: string;
  name: string;
  kind: VaultKind;
  subscriptionId: string | undefined;
  resourceGroup: string | undefined;
  location: string | undefined;
  tenantId: string | undefined;
  /** `vaultUri` or `hsmUri`. */
  uri: string | undefined;
  /** Inferred from `uri`; undefined when the host matches no known cloud. */
  cloud: CloudName | undefined;
  publicNetworkAccess: string | undefined;
  networkAcls: NetworkAcls | undefined;
  /** Always true for a managed HSM (local RBAC is its only model). */
  enableRbacAuthorization: boolean | undefined;
  enableSoftDelete: boolean | undefined;
  enablePurgeProtection: boolean | undefined;
  accessPolicies: AccessPolicy[];
  privateEndpointConnections: VaultPrivateEndpointConnection[];
  provisioningState: string | undefined;
  resource: ArmResource;
}

export interface EndpointConnection {
  id: string | undefined;
  name: string | undefined;
  /** From `manualPrivateLinkServiceConnections` (needs approval by the vault's owner). */
  manual: boolean;
  privateLinkServiceId: string | undefined;
  groupIds: string[];
  state: ConnectionState | undefined;
  provisioningState: string | undefined;
}

export interface PrivateEndpoint {
  id: string;
  name: string;
  subscriptionId: string | undefined;
  location: string | undefined;
  subnetId: string | undefined;
  networkInterfaceIds: string[];
  connections: EndpointConnection[];
  customDnsConfigs: { fqdn: string | undefined; ipAddresses: string[] }[];
  provisioningState: string | undefined;
  resource: ArmResource;
}

export interface ZoneGroupConfig {
  name: string | undefined;
  privateDnsZoneId: string | undefined;
  recordSets: { recordType: string | undefined; recordSetName: string | undefined; ipAddresses: string[] }[];
}

export interface PrivateDnsZoneGroup {
  id: string;
  name: string;
  privateEndpointId: string;
  configs: ZoneGroupConfig[];
  provisioningState: string | undefined;
  resource: ArmResource;
}

export interface NicIpConfiguration {
  name: string | undefined;
  privateIPAddress: string | undefined;
  subnetId: string | undefined;
  /** For a private endpoint's NIC: the group (`vault`, `managedhsm`) and FQDNs this address serves. */
  groupId: string | undefined;
  fqdns: string[];
}

export interface NetworkInterface {
  id: string;
  name: string;
  privateEndpointId: string | undefined;
  ipConfigurations: NicIpConfiguration[];
  resource: ArmResource;
}

export interface PrivateDnsZone {
  id: string;
  /** Zone names are DNS names: compare them lower-cased. */
  name: string;
  subscriptionId: string | undefined;
  provisioningState: string | undefined;
  resource: ArmResource;
}

export interface VirtualNetworkLink {
  id: string;
  name: string;
  zoneId: string;
  virtualNetworkId: string | undefined;
  registrationEnabled: boolean;
  /** `Completed` or `InProgress`. */
  state: string | undefined;
  provisioningState: string | undefined;
  resolutionPolicy: string | undefined;
  resource: ArmResource;
}

export interface ARecordSet {
  id: string;
  /** The relative record name, as ARM returns it (lower-cased by the service). */
  name: string;
  zoneId: string;
  addresses: string[];
  ttl: number | undefined;
  fqdn: string | undefined;
  resource: ArmResource;
}

export interface VirtualNetworkPeering {
  id: string | undefined;
  name: string | undefined;
  remoteVirtualNetworkId: string | undefined;
  peeringState: string | undefined;
  /** "Allow this VNet to access the remote VNet"; ARM defaults it to true. */
  allowVirtualNetworkAccess: boolean | undefined;
  /** "Allow this VNet to receive traffic forwarded from the remote VNet" (by an appliance there); default false. */
  allowForwardedTraffic: boolean | undefined;
  allowGatewayTransit: boolean | undefined;
  useRemoteGateways: boolean | undefined;
  /** The remote VNet's address space as the peering last synced it. */
  remoteAddressPrefixes: string[];
}

export interface VirtualNetwork {
  id: string;
  name: string;
  subscriptionId: string | undefined;
  location: string | undefined;
  addressPrefixes: string[];
  /** Custom DNS servers; empty means Azure-provided DNS (168.63.129.16). */
  dnsServers: string[];
  subnetIds: string[];
  peerings: VirtualNetworkPeering[];
  resource: ArmResource;
}

export interface ServiceEndpoint {
  service: string;
  locations: string[];
  provisioningState: string | undefined;
}

export interface Subnet {
  id: string;
  name: string;
  virtualNetworkId: string;
  addressPrefixes: string[];
  serviceEndpoints: ServiceEndpoint[];
  /** The subnet's route table (`properties.routeTable.id`). */
  routeTableId: string | undefined;
  networkSecurityGroupId: string | undefined;
  /** `Disabled` (the default), `Enabled`, `NetworkSecurityGroupEnabled` or `RouteTableEnabled`. */
  privateEndpointNetworkPolicies: string | undefined;
  resource: ArmResource;
}

export interface DiagnosticSetting {
  id: string;
  name: string;
  targetResourceId: string;
  logs: { category: string | undefined; categoryGroup: string | undefined; enabled: boolean }[];
  destinations: {
    workspaceId?: string;
    storageAccountId?: string;
    eventHubAuthorizationRuleId?: string;
    marketplacePartnerId?: string;
  };
  resource: ArmResource;
}
