import { randomUUID } from 'node:crypto';
import { isIPv4, isAssignable, nextFreeAddress } from './addresses';
import { badRequest, invalidBody } from './errors';
import { asObject, asString, type ArmResource, type JsonObject, type JsonValue } from './json';
import { findSubnet, usedAddresses } from './private-endpoints';
import type { ResourceStore } from './store';
import type { ArmTarget } from './target';
import {
  oneOf,
  optionalArray,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalTags,
  requireLocation,
  requireObject,
  requireRef,
  requireString,
} from './validate';

/**
 * PUTs for the routing and name-resolution types (issue 11) that a stack deploys: route tables with their
 * routes, public IP addresses, Azure Firewalls, firewall policies, DNS Private Resolvers with inbound and
 * outbound endpoints, DNS forwarding rulesets with rules and VNet links. Bodies are read as the SDK models
 * write them (@azure/arm-network 39 `RouteTable`, `Route`, `AzureFirewall`, `AzureFirewallIPConfiguration`,
 * `FirewallPolicy`, `PublicIPAddress`; @azure/arm-dnsresolver 1.1.0 `DnsResolver`, `InboundEndpoint`,
 * `IpConfiguration`, `OutboundEndpoint`, `DnsForwardingRuleset`, `ForwardingRule`, `VirtualNetworkLink`) and
 * answered in the shapes of Microsoft's GET examples (test/fixtures/arm-examples: RouteTableGet,
 * AzureFirewallGet, FirewallPolicyGet, DnsResolver_Get, InboundEndpoint_Get, OutboundEndpoint_Get,
 * DnsForwardingRuleset_Get, ForwardingRule_Get, VirtualNetworkLink_Get). What Azure decides on its own is
 * decided here: the firewall's private address (read-only in `AzureFirewallIPConfiguration`) and a Dynamic
 * inbound endpoint's address are the subnet's first free one, as Azure allocates them
 * (https://learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses#allocation-method).
 */
export type Put = (store: ResourceStore, target: ArmTarget, body: JsonObject, apiVersion: string) => ArmResource;

/** A stored resource as a GET answers it: id, name, type, the body's location and tags, properties. */
function resource(target: ArmTarget, store: ResourceStore, body: JsonObject, properties: JsonObject): ArmResource {
  const existing = store.get(target.path);
  const stored: ArmResource = {
    id: existing?.id ?? target.path,
    name: existing?.name ?? target.name ?? '',
    type: target.spec?.type ?? '',
    properties,
  };
  if (body.location !== undefined) stored.location = requireLocation(body);
  if (body.location !== undefined || body.tags !== undefined) stored.tags = optionalTags(body.tags) ?? {};
  const sku = asObject(body.sku);
  if (sku) stored.sku = sku;
  if (Array.isArray(body.zones)) stored.zones = body.zones;
  return stored;
}

const guid = (store: ResourceStore, target: ArmTarget): string =>
  asString(store.get(target.path)?.properties?.resourceGuid) ?? randomUUID();

function requireSubnet(store: ResourceStore, value: JsonValue | undefined, field: string) {
  const subnetId = requireRef(value, field);
  const subnet = findSubnet(store, subnetId);
  if (!subnet) throw badRequest('InvalidResourceReference', `${field}.id: subnet '${subnetId}' was not found.`);
  return { subnetId, subnet };
}

function allocate(store: ResourceStore, subnetId: string, except: string, field: string): string {
  const subnet = findSubnet(store, subnetId);
  const address = subnet ? nextFreeAddress(subnet.range, usedAddresses(store, subnetId, except)) : undefined;
  if (!address) throw badRequest('SubnetIsFull', `${field}: subnet ${subnetId} has no free address left.`);
  return address;
}

/** `{name, properties}` children written inside their parent (routes of a route table), with id and type. */
function embedded(parentId: string, collection: string, type: string, list: JsonValue[], field: string): JsonObject[] {
  return list.map((value, i) => {
    const item = requireObject(value, `${field}[${i}]`);
    const name = requireString(item.name, `${field}[${i}].name`);
    const properties = requireObject(item.properties, `${field}[${i}].properties`);
    return {
      name,
      id: `${parentId}/${collection}/${name}`,
      type,
      properties: { ...properties, provisioningState: 'Succeeded' },
    };
  });
}

const NEXT_HOP_TYPES = ['VirtualNetworkGateway', 'VnetLocal', 'Internet', 'VirtualAppliance', 'None'] as const;

/** Route: `addressPrefix`, `nextHopType`, and `nextHopIpAddress` exactly when the next hop is an appliance. */
function checkRoute(route: JsonObject, field: string): void {
  const p = requireObject(route.properties, `${field}.properties`);
  requireString(p.addressPrefix, `${field}.properties.addressPrefix`);
  const type = oneOf(p.nextHopType, `${field}.properties.nextHopType`, NEXT_HOP_TYPES);
  const hop = optionalString(p.nextHopIpAddress, `${field}.properties.nextHopIpAddress`);
  if (type === 'VirtualAppliance' && (!hop || !isIPv4(hop)))
    throw invalidBody(`${field}.properties.nextHopIpAddress`, 'is required for a VirtualAppliance next hop');
}

const putRouteTable: Put = (store, target, body) => {
  requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const id = store.get(target.path)?.id ?? target.path;
  const routes = embedded(
    id,
    'routes',
    'Microsoft.Network/routeTables/routes',
    optionalArray(properties.routes, 'properties.routes'),
    'properties.routes',
  );
  routes.forEach((r, i) => checkRoute(r, `properties.routes[${i}]`));
  return resource(target, store, body, {
    disableBgpRoutePropagation:
      optionalBoolean(properties.disableBgpRoutePropagation, 'properties.disableBgpRoutePropagation') ?? false,
    ...properties,
    routes,
    resourceGuid: guid(store, target),
    provisioningState: 'Succeeded',
  });
};

/** Public IP: stored as written. The emulator assigns no public address (nothing kvguard reads depends on one). */
const putPublicIpAddress: Put = (store, target, body) => {
  requireLocation(body);
  const properties = optionalObject(body.properties, 'properties') ?? {};
  return resource(target, store, body, {
    publicIPAddressVersion: 'IPv4',
    publicIPAllocationMethod: 'Static',
    ...properties,
    resourceGuid: guid(store, target),
    provisioningState: 'Succeeded',
  });
};

const putFirewallPolicy: Put = (store, target, body) => {
  requireLocation(body);
  const properties = optionalObject(body.properties, 'properties') ?? {};
  optionalObject(properties.dnsSettings, 'properties.dnsSettings');
  return resource(target, store, body, { ...properties, provisioningState: 'Succeeded' });
};

/** Azure Firewall in a VNet: each IP configuration in a subnet gets the subnet's first free address. */
const putAzureFirewall: Put = (store, target, body) => {
  requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const id = store.get(target.path)?.id ?? target.path;
  const ipConfigurations = optionalArray(properties.ipConfigurations, 'properties.ipConfigurations').map((v, i) => {
    const field = `properties.ipConfigurations[${i}]`;
    const config = requireObject(v, field);
    const name = requireString(config.name, `${field}.name`);
    const p = requireObject(config.properties, `${field}.properties`);
    const { subnetId } = requireSubnet(store, p.subnet, `${field}.properties.subnet`);
    // privateIPAddress is read-only (AzureFirewallIPConfiguration): a value sent is ignored, as ARM does.
    const { privateIPAddress: _ignored, ...writable } = p;
    return {
      name,
      // AzureFirewallGet.json: `.../azureFirewalls/{name}/ipConfigurations/{config}`, no `type` on the item.
      id: `${id}/ipConfigurations/${name}`,
      properties: {
        ...writable,
        privateIPAddress: allocate(store, subnetId, id, `${field}.properties.subnet`),
        provisioningState: 'Succeeded',
      },
    };
  });
  if (properties.firewallPolicy !== undefined) requireRef(properties.firewallPolicy, 'properties.firewallPolicy');
  return resource(target, store, body, {
    sku: { name: 'AZFW_VNet', tier: 'Standard' },
    threatIntelMode: 'Alert',
    ...properties,
    ipConfigurations,
    provisioningState: 'Succeeded',
  });
};

const putDnsResolver: Put = (store, target, body) => {
  requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  requireRef(properties.virtualNetwork, 'properties.virtualNetwork');
  return resource(target, store, body, {
    ...properties,
    dnsResolverState: 'Connected',
    resourceGuid: guid(store, target),
    provisioningState: 'Succeeded',
  });
};

/** Inbound endpoint: a Dynamic IP configuration gets the subnet's first free address, a Static one keeps its own. */
const putInboundEndpoint: Put = (store, target, body) => {
  requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const id = store.get(target.path)?.id ?? target.path;
  const configs = optionalArray(properties.ipConfigurations, 'properties.ipConfigurations');
  if (configs.length === 0) throw invalidBody('properties.ipConfigurations', 'needs at least one IP configuration');
  const ipConfigurations = configs.map((v, i) => {
    const field = `properties.ipConfigurations[${i}]`;
    const config = requireObject(v, field);
    const { subnetId, subnet } = requireSubnet(store, config.subnet, `${field}.subnet`);
    const method = oneOf(
      config.privateIpAllocationMethod,
      `${field}.privateIpAllocationMethod`,
      ['Dynamic', 'Static'] as const,
      'Dynamic',
    );
    const given = optionalString(config.privateIpAddress, `${field}.privateIpAddress`);
    if (method === 'Static' && (!given || !isAssignable(given, subnet.range)))
      throw invalidBody(`${field}.privateIpAddress`, `must be an assignable address of subnet ${subnetId}`);
    const address = method === 'Static' && given ? given : allocate(store, subnetId, id, `${field}.subnet`);
    return { ...config, privateIpAddress: address, privateIpAllocationMethod: method };
  });
  return resource(target, store, body, {
    ...properties,
    ipConfigurations,
    resourceGuid: guid(store, target),
    provisioningState: 'Succeeded',
  });
};

const putOutboundEndpoint: Put = (store, target, body) => {
  requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  requireSubnet(store, properties.subnet, 'properties.subnet');
  return resource(target, store, body, {
    ...properties,
    resourceGuid: guid(store, target),
    provisioningState: 'Succeeded',
  });
};

const putRuleset: Put = (store, target, body) => {
  requireLocation(body);
  const properties = requireObject(body.properties, 'properties');
  const outbound = optionalArray(properties.dnsResolverOutboundEndpoints, 'properties.dnsResolverOutboundEndpoints');
  if (outbound.length === 0)
    throw invalidBody('properties.dnsResolverOutboundEndpoints', 'needs at least one outbound endpoint');
  outbound.forEach((o, i) => requireRef(o, `properties.dnsResolverOutboundEndpoints[${i}]`));
  return resource(target, store, body, {
    ...properties,
    resourceGuid: guid(store, target),
    provisioningState: 'Succeeded',
  });
};

/** Forwarding rule: the domain name ends with a dot (ForwardingRule_Get: 'contoso.com.'); port 53 by default. */
const putForwardingRule: Put = (store, target, body) => {
  const properties = requireObject(body.properties, 'properties');
  const domainName = requireString(properties.domainName, 'properties.domainName');
  if (!domainName.endsWith('.'))
    throw invalidBody('properties.domainName', 'must be a fully qualified name ending with a dot');
  const targets = optionalArray(properties.targetDnsServers, 'properties.targetDnsServers').map((v, i) => {
    const server = requireObject(v, `properties.targetDnsServers[${i}]`);
    const ipAddress = requireString(server.ipAddress, `properties.targetDnsServers[${i}].ipAddress`);
    if (!isIPv4(ipAddress)) throw invalidBody(`properties.targetDnsServers[${i}].ipAddress`, 'must be an IPv4 address');
    return { port: 53, ...server };
  });
  if (targets.length === 0) throw invalidBody('properties.targetDnsServers', 'needs at least one target DNS server');
  return resource(target, store, body, {
    forwardingRuleState: oneOf(
      properties.forwardingRuleState,
      'properties.forwardingRuleState',
      ['Enabled', 'Disabled'] as const,
      'Enabled',
    ),
    ...properties,
    targetDnsServers: targets,
    provisioningState: 'Succeeded',
  });
};

const putRulesetLink: Put = (store, target, body) => {
  const properties = requireObject(body.properties, 'properties');
  requireRef(properties.virtualNetwork, 'properties.virtualNetwork');
  return resource(target, store, body, { ...properties, provisioningState: 'Succeeded' });
};

export const TOPOLOGY_PUTS: Record<string, Put> = {
  'microsoft.network/routetables': putRouteTable,
  'microsoft.network/publicipaddresses': putPublicIpAddress,
  'microsoft.network/firewallpolicies': putFirewallPolicy,
  'microsoft.network/azurefirewalls': putAzureFirewall,
  'microsoft.network/dnsresolvers': putDnsResolver,
  'microsoft.network/dnsresolvers/inboundendpoints': putInboundEndpoint,
  'microsoft.network/dnsresolvers/outboundendpoints': putOutboundEndpoint,
  'microsoft.network/dnsforwardingrulesets': putRuleset,
  'microsoft.network/dnsforwardingrulesets/forwardingrules': putForwardingRule,
  'microsoft.network/dnsforwardingrulesets/virtualnetworklinks': putRulesetLink,
};
