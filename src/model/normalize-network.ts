import {
  ArmResource,
  JsonValue,
  asArray,
  asBoolean,
  asNumber,
  asObject,
  asString,
  asStrings,
  parentId,
  props,
  refId,
} from './arm';
import type {
  AzureFirewall,
  DnsForwardingRuleset,
  DnsResolver,
  DnsResolverInboundEndpoint,
  DnsResolverOutboundEndpoint,
  FirewallPolicy,
  ForwardingRule,
  HubRoute,
  HubRouteTable,
  HubVirtualNetworkConnection,
  NetworkSecurityGroup,
  Route,
  RouteTable,
  RulesetVirtualNetworkLink,
  SecurityRule,
  VirtualHub,
  VirtualWan,
} from './network-types';

/**
 * Normalizers for the routing and name-resolution types: pure functions from an ARM GET body to the model.
 * Field names are the REST API's (see the generated models in @azure/arm-network and Microsoft's examples).
 */

function ids(value: JsonValue | undefined): string[] {
  return asArray(value)
    .map(refId)
    .filter((id): id is string => id !== undefined);
}

export function route(value: JsonValue): Route {
  const p = props(value);
  return {
    name: asString(asObject(value)?.name) ?? '',
    addressPrefix: asString(p.addressPrefix) ?? '',
    nextHopType: asString(p.nextHopType) ?? '',
    nextHopIpAddress: asString(p.nextHopIpAddress),
  };
}

export function routeTable(resource: ArmResource): RouteTable {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    routes: asArray(p.routes).map(route),
    disableBgpRoutePropagation: asBoolean(p.disableBgpRoutePropagation) ?? false,
    resource,
  };
}

/** `x` and `[x, y]` forms of an NSG rule field, as one list. */
function either(single: JsonValue | undefined, many: JsonValue | undefined): string[] {
  const one = asString(single);
  return one !== undefined && one !== '' ? [one, ...asStrings(many)] : asStrings(many);
}

function securityRule(value: JsonValue, isDefault: boolean): SecurityRule {
  const p = props(value);
  return {
    name: asString(asObject(value)?.name) ?? '',
    priority: asNumber(p.priority) ?? 0,
    direction: asString(p.direction) ?? '',
    access: asString(p.access) ?? '',
    protocol: asString(p.protocol) ?? '*',
    sourceAddressPrefixes: either(p.sourceAddressPrefix, p.sourceAddressPrefixes),
    destinationAddressPrefixes: either(p.destinationAddressPrefix, p.destinationAddressPrefixes),
    destinationPortRanges: either(p.destinationPortRange, p.destinationPortRanges),
    isDefault,
  };
}

export function networkSecurityGroup(resource: ArmResource): NetworkSecurityGroup {
  const p = resource.properties ?? {};
  const rules = [
    ...asArray(p.securityRules).map((r) => securityRule(r, false)),
    ...asArray(p.defaultSecurityRules).map((r) => securityRule(r, true)),
  ].sort((a, b) => a.priority - b.priority);
  return { id: resource.id, name: resource.name, rules, resource };
}

export function azureFirewall(resource: ArmResource): AzureFirewall {
  const p = resource.properties ?? {};
  const configs = asArray(p.ipConfigurations).map(props);
  const hubAddress = asString(asObject(p.hubIPAddresses)?.privateIPAddress);
  const extra = asObject(p.additionalProperties) ?? {};
  const classicServers = asString(extra['Network.DNS.Servers']);
  return {
    id: resource.id,
    name: resource.name,
    privateIPAddresses: [
      ...configs.map((c) => asString(c.privateIPAddress)).filter((a): a is string => a !== undefined),
      ...(hubAddress ? [hubAddress] : []),
    ],
    subnetIds: configs.map((c) => refId(c.subnet)).filter((id): id is string => id !== undefined),
    virtualHubId: refId(p.virtualHub),
    firewallPolicyId: refId(p.firewallPolicy),
    classicDnsProxy: (asString(extra['Network.DNS.EnableProxy']) ?? '').toLowerCase() === 'true',
    classicDnsServers: classicServers
      ? classicServers
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [],
    resource,
  };
}

export function firewallPolicy(resource: ArmResource): FirewallPolicy {
  const dns = asObject(resource.properties?.dnsSettings) ?? {};
  return {
    id: resource.id,
    name: resource.name,
    dnsProxy: asBoolean(dns.enableProxy) ?? false,
    dnsServers: asStrings(dns.servers),
    resource,
  };
}

export function virtualWan(resource: ArmResource): VirtualWan {
  return { id: resource.id, name: resource.name, resource };
}

export function virtualHub(resource: ArmResource): VirtualHub {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    virtualWanId: refId(p.virtualWan),
    addressPrefix: asString(p.addressPrefix),
    azureFirewallId: refId(p.azureFirewall),
    resource,
  };
}

/**
 * A hub's VNet connection. The example's id says `virtualHubVnetConnections` where the REST path says
 * `hubVirtualNetworkConnections`: the parent (the hub) is the same either way.
 */
export function hubVirtualNetworkConnection(resource: ArmResource): HubVirtualNetworkConnection {
  const p = resource.properties ?? {};
  const routing = asObject(p.routingConfiguration);
  const propagated = asObject(routing?.propagatedRouteTables);
  return {
    id: resource.id,
    name: resource.name,
    hubId: parentId(resource.id),
    remoteVirtualNetworkId: refId(p.remoteVirtualNetwork),
    associatedRouteTableId: refId(routing?.associatedRouteTable),
    propagatedRouteTableIds: propagated ? ids(propagated.ids) : undefined,
    propagatedLabels: propagated ? asStrings(propagated.labels) : undefined,
    provisioningState: asString(p.provisioningState),
    resource,
  };
}

function hubRoute(value: JsonValue): HubRoute {
  const r = asObject(value) ?? {};
  return {
    name: asString(r.name) ?? '',
    destinations: asStrings(r.destinations),
    nextHopType: asString(r.nextHopType) ?? '',
    nextHop: asString(r.nextHop),
  };
}

export function hubRouteTable(resource: ArmResource): HubRouteTable {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    hubId: parentId(resource.id),
    labels: asStrings(p.labels),
    routes: asArray(p.routes).map(hubRoute),
    resource,
  };
}

export function dnsResolver(resource: ArmResource): DnsResolver {
  return {
    id: resource.id,
    name: resource.name,
    virtualNetworkId: refId(resource.properties?.virtualNetwork),
    resource,
  };
}

export function inboundEndpoint(resource: ArmResource): DnsResolverInboundEndpoint {
  const configs = asArray(resource.properties?.ipConfigurations).map((c) => asObject(c) ?? {});
  return {
    id: resource.id,
    name: resource.name,
    privateIpAddresses: configs
      .map((c) => asString(c.privateIpAddress) ?? asString(c.privateIPAddress))
      .filter((a): a is string => a !== undefined),
    subnetIds: configs.map((c) => refId(c.subnet)).filter((id): id is string => id !== undefined),
    resource,
  };
}

export function outboundEndpoint(resource: ArmResource): DnsResolverOutboundEndpoint {
  return { id: resource.id, name: resource.name, subnetId: refId(resource.properties?.subnet), resource };
}

export function forwardingRuleset(resource: ArmResource): DnsForwardingRuleset {
  return {
    id: resource.id,
    name: resource.name,
    outboundEndpointIds: ids(resource.properties?.dnsResolverOutboundEndpoints),
    resource,
  };
}

export function forwardingRule(resource: ArmResource): ForwardingRule {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name,
    rulesetId: parentId(resource.id),
    domainName: (asString(p.domainName) ?? '').toLowerCase(),
    targets: asArray(p.targetDnsServers)
      .map((t) => asObject(t) ?? {})
      .map((t) => ({ ipAddress: asString(t.ipAddress) ?? '', port: asNumber(t.port) ?? 53 }))
      .filter((t) => t.ipAddress !== ''),
    state: asString(p.forwardingRuleState),
    resource,
  };
}

/** A ruleset's VNet link. The examples spell the id segment `dnsForwardingRuleset`: the parent is the ruleset either way. */
export function rulesetVirtualNetworkLink(resource: ArmResource): RulesetVirtualNetworkLink {
  return {
    id: resource.id,
    name: resource.name,
    rulesetId: parentId(resource.id),
    virtualNetworkId: refId(resource.properties?.virtualNetwork),
    resource,
  };
}
