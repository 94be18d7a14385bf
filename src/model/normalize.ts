import { ARM_TYPES } from './arm-types';
import {
  ArmResource,
  JsonObject,
  JsonValue,
  asArray,
  asBoolean,
  asNumber,
  asObject,
  asString,
  asStrings,
  parentId,
  parseId,
  props,
  refId,
} from './arm';
import { inferCloud } from './cloud';
import type {
  ARecordSet,
  AccessPolicy,
  ConnectionState,
  DiagnosticSetting,
  EndpointConnection,
  NetworkAcls,
  NetworkInterface,
  PrivateDnsZone,
  PrivateDnsZoneGroup,
  PrivateEndpoint,
  Subnet,
  Vault,
  VaultPrivateEndpointConnection,
  VirtualNetwork,
  VirtualNetworkLink,
  VirtualNetworkPeering,
} from './types';

/** One normalizer per ARM type: pure functions from an ARM GET body to the model's entity. */

function connectionState(value: JsonValue | undefined): ConnectionState | undefined {
  const state = asObject(value);
  if (!state) return undefined;
  return {
    status: asString(state.status) ?? '',
    description: asString(state.description) ?? '',
    actionsRequired: asString(state.actionsRequired) ?? '',
  };
}

function networkAcls(value: JsonValue | undefined): NetworkAcls | undefined {
  const acls = asObject(value);
  if (!acls) return undefined;
  return {
    bypass: asString(acls.bypass) ?? 'AzureServices',
    defaultAction: asString(acls.defaultAction) ?? 'Allow',
    // ARM writes `{ "value": "203.0.113.0/24" }`; Terraform-style inputs and some exports give the plain string.
    ipRules: asArray(acls.ipRules)
      .map((rule) => asString(rule) ?? asString(asObject(rule)?.value))
      .filter((v): v is string => v !== undefined && v !== ''),
    virtualNetworkRules: asArray(acls.virtualNetworkRules)
      .map((rule) => asObject(rule))
      .filter((rule): rule is JsonObject => rule !== undefined && typeof rule.id === 'string' && rule.id !== '')
      .map((rule) => ({
        id: asString(rule.id) ?? '',
        ignoreMissingVnetServiceEndpoint: asBoolean(rule.ignoreMissingVnetServiceEndpoint) ?? false,
      })),
  };
}

export function vaultPrivateEndpointConnection(value: JsonValue | undefined): VaultPrivateEndpointConnection {
  const p = props(value);
  return {
    id: asString(asObject(value)?.id) ?? '',
    privateEndpointId: refId(p.privateEndpoint),
    state: connectionState(p.privateLinkServiceConnectionState),
    provisioningState: asString(p.provisioningState),
  };
}

function accessPolicy(value: JsonValue): AccessPolicy {
  const entry = asObject(value) ?? {};
  const permissions = asObject(entry.permissions) ?? {};
  return {
    tenantId: asString(entry.tenantId),
    objectId: asString(entry.objectId),
    applicationId: asString(entry.applicationId),
    permissions: {
      keys: asStrings(permissions.keys),
      secrets: asStrings(permissions.secrets),
      certificates: asStrings(permissions.certificates),
      storage: asStrings(permissions.storage),
    },
  };
}

export function vault(resource: ArmResource): Vault {
  const p = resource.properties ?? {};
  const isHsm = resource.type.toLowerCase() === 'microsoft.keyvault/managedhsms';
  const uri = asString(isHsm ? p.hsmUri : p.vaultUri);
  const inferred = inferCloud(uri);
  const parsed = parseId(resource.id);
  return {
    id: resource.id,
    name: resource.name,
    kind: isHsm ? 'managedHsm' : 'vault',
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    location: resource.location,
    tenantId: asString(p.tenantId),
    uri,
    cloud: inferred?.cloud,
    publicNetworkAccess: asString(p.publicNetworkAccess),
    networkAcls: networkAcls(p.networkAcls),
    enableRbacAuthorization: isHsm ? true : asBoolean(p.enableRbacAuthorization),
    // Soft delete cannot be turned off any more; an absent flag on a vault means the service default (on).
    // https://learn.microsoft.com/azure/key-vault/general/soft-delete-change
    enableSoftDelete: asBoolean(p.enableSoftDelete),
    enablePurgeProtection: asBoolean(p.enablePurgeProtection),
    accessPolicies: asArray(p.accessPolicies).map(accessPolicy),
    privateEndpointConnections: asArray(p.privateEndpointConnections).map(vaultPrivateEndpointConnection),
    provisioningState: asString(p.provisioningState),
    resource,
  };
}

function endpointConnection(value: JsonValue, manual: boolean): EndpointConnection {
  const object = asObject(value) ?? {};
  const p = props(value);
  return {
    id: asString(object.id),
    name: asString(object.name),
    manual,
    privateLinkServiceId: asString(p.privateLinkServiceId),
    groupIds: asStrings(p.groupIds),
    state: connectionState(p.privateLinkServiceConnectionState),
    provisioningState: asString(p.provisioningState),
  };
}

export function privateEndpoint(resource: ArmResource): PrivateEndpoint {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    subscriptionId: parseId(resource.id).subscriptionId,
    location: resource.location,
    subnetId: refId(p.subnet),
    networkInterfaceIds: asArray(p.networkInterfaces)
      .map(refId)
      .filter((id): id is string => id !== undefined),
    connections: [
      ...asArray(p.privateLinkServiceConnections).map((c) => endpointConnection(c, false)),
      ...asArray(p.manualPrivateLinkServiceConnections).map((c) => endpointConnection(c, true)),
    ],
    customDnsConfigs: asArray(p.customDnsConfigs).map((c) => ({
      fqdn: asString(asObject(c)?.fqdn),
      ipAddresses: asStrings(asObject(c)?.ipAddresses),
    })),
    provisioningState: asString(p.provisioningState),
    resource,
  };
}

export function privateDnsZoneGroup(resource: ArmResource): PrivateDnsZoneGroup {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    privateEndpointId: parentId(resource.id),
    configs: asArray(p.privateDnsZoneConfigs).map((config) => {
      const cp = props(config);
      return {
        name: asString(asObject(config)?.name),
        privateDnsZoneId: asString(cp.privateDnsZoneId),
        recordSets: asArray(cp.recordSets).map((r) => ({
          recordType: asString(asObject(r)?.recordType),
          recordSetName: asString(asObject(r)?.recordSetName),
          ipAddresses: asStrings(asObject(r)?.ipAddresses),
        })),
      };
    }),
    provisioningState: asString(p.provisioningState),
    resource,
  };
}

export function networkInterface(resource: ArmResource): NetworkInterface {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    privateEndpointId: refId(p.privateEndpoint),
    ipConfigurations: asArray(p.ipConfigurations).map((config) => {
      const cp = props(config);
      const link = asObject(cp.privateLinkConnectionProperties);
      return {
        name: asString(asObject(config)?.name),
        privateIPAddress: asString(cp.privateIPAddress)?.split('/')[0],
        subnetId: refId(cp.subnet),
        groupId: asString(link?.groupId),
        fqdns: asStrings(link?.fqdns),
      };
    }),
    resource,
  };
}

export function privateDnsZone(resource: ArmResource): PrivateDnsZone {
  return {
    id: resource.id,
    name: resource.name.toLowerCase(),
    subscriptionId: parseId(resource.id).subscriptionId,
    provisioningState: asString(resource.properties?.provisioningState),
    resource,
  };
}

export function virtualNetworkLink(resource: ArmResource): VirtualNetworkLink {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    zoneId: parentId(resource.id),
    virtualNetworkId: refId(p.virtualNetwork),
    registrationEnabled: asBoolean(p.registrationEnabled) ?? false,
    state: asString(p.virtualNetworkLinkState),
    provisioningState: asString(p.provisioningState),
    resolutionPolicy: asString(p.resolutionPolicy),
    resource,
  };
}

export function aRecordSet(resource: ArmResource): ARecordSet {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    zoneId: parentId(resource.id),
    addresses: asArray(p.aRecords)
      .map((r) => asString(asObject(r)?.ipv4Address))
      .filter((v): v is string => v !== undefined),
    ttl: asNumber(p.ttl),
    fqdn: asString(p.fqdn),
    resource,
  };
}

export function subnet(resource: ArmResource): Subnet {
  const p = resource.properties ?? {};
  const single = asString(p.addressPrefix);
  return {
    id: resource.id,
    name: resource.name,
    virtualNetworkId: parentId(resource.id),
    addressPrefixes: single ? [single, ...asStrings(p.addressPrefixes)] : asStrings(p.addressPrefixes),
    serviceEndpoints: asArray(p.serviceEndpoints).map((se) => ({
      service: asString(asObject(se)?.service) ?? '',
      locations: asStrings(asObject(se)?.locations),
      provisioningState: asString(asObject(se)?.provisioningState),
    })),
    routeTableId: refId(p.routeTable),
    networkSecurityGroupId: refId(p.networkSecurityGroup),
    privateEndpointNetworkPolicies: asString(p.privateEndpointNetworkPolicies),
    resource,
  };
}

/** A peering, inline in its VNet or as its own `virtualNetworks/virtualNetworkPeerings` resource. */
export function virtualNetworkPeering(peering: JsonValue): VirtualNetworkPeering {
  const pp = props(peering);
  return {
    id: asString(asObject(peering)?.id),
    name: asString(asObject(peering)?.name),
    remoteVirtualNetworkId: refId(pp.remoteVirtualNetwork),
    peeringState: asString(pp.peeringState),
    allowVirtualNetworkAccess: asBoolean(pp.allowVirtualNetworkAccess),
    allowForwardedTraffic: asBoolean(pp.allowForwardedTraffic),
    allowGatewayTransit: asBoolean(pp.allowGatewayTransit),
    useRemoteGateways: asBoolean(pp.useRemoteGateways),
    remoteAddressPrefixes: asStrings(
      asObject(pp.remoteVirtualNetworkAddressSpace)?.addressPrefixes ??
        asObject(pp.remoteAddressSpace)?.addressPrefixes,
    ),
  };
}

/** A VNet and the subnets it carries inline (a VNet GET returns them, each with id and properties). */
export function virtualNetwork(resource: ArmResource): { vnet: VirtualNetwork; subnets: Subnet[] } {
  const p = resource.properties ?? {};
  const subnets = asArray(p.subnets)
    .map((s) => asObject(s))
    .filter((s): s is JsonObject => s !== undefined && typeof s.id === 'string')
    .map((s) =>
      subnet({
        id: asString(s.id) ?? '',
        name: asString(s.name) ?? parseId(asString(s.id) ?? '').name,
        type: ARM_TYPES.subnet,
        properties: asObject(s.properties) ?? {},
      }),
    );
  return {
    vnet: {
      id: resource.id,
      name: resource.name,
      subscriptionId: parseId(resource.id).subscriptionId,
      location: resource.location,
      addressPrefixes: asStrings(asObject(p.addressSpace)?.addressPrefixes),
      dnsServers: asStrings(asObject(p.dhcpOptions)?.dnsServers),
      subnetIds: subnets.map((s) => s.id),
      peerings: asArray(p.virtualNetworkPeerings).map(virtualNetworkPeering),
      resource,
    },
    subnets,
  };
}

const DIAGNOSTIC_SETTINGS_SEGMENT = '/providers/microsoft.insights/diagnosticsettings/';

export function diagnosticSetting(resource: ArmResource): DiagnosticSetting {
  const p = resource.properties ?? {};
  const cut = resource.id.toLowerCase().lastIndexOf(DIAGNOSTIC_SETTINGS_SEGMENT);
  const destinations: DiagnosticSetting['destinations'] = {};
  for (const key of [
    'workspaceId',
    'storageAccountId',
    'eventHubAuthorizationRuleId',
    'marketplacePartnerId',
  ] as const) {
    const value = asString(p[key]);
    if (value) destinations[key] = value;
  }
  return {
    id: resource.id,
    name: resource.name,
    targetResourceId: cut >= 0 ? resource.id.slice(0, cut) : '',
    logs: asArray(p.logs).map((log) => ({
      category: asString(asObject(log)?.category) ?? undefined,
      categoryGroup: asString(asObject(log)?.categoryGroup) ?? undefined,
      enabled: asBoolean(asObject(log)?.enabled) ?? false,
    })),
    destinations,
    resource,
  };
}
