import { ARM_TYPES } from '../model/arm-types';
import type { JsonValue } from '../model/arm';
import { UNKNOWN, UNSEEN } from '../model/planned';
import { compact, type BlockView } from './attributes';
import { isKnown, known, UNKNOWN_NAME, type PlanContext } from './context';
import type { TerraformInstance } from './document';
import { appendTo, isCreated, mapBlocks, mapList, ref, simple, single, type Mapper } from './mapper';

const VNET = ARM_TYPES.virtualNetwork;
const SUBNET = ARM_TYPES.subnet;
const PEERING = ARM_TYPES.peering;
const ROUTE_TABLE = ARM_TYPES.routeTable;
const NSG = ARM_TYPES.networkSecurityGroup;

/**
 * Virtual networks, subnets, peerings, route tables and NSGs (shapes: Microsoft's VirtualNetworkGet,
 * SubnetGet, VirtualNetworkPeeringGet, RouteTableGet and NetworkSecurityGroupGet examples). ARM nests a VNet's
 * subnets and peerings in the VNet; a subnet's route table and NSG are `{id}` references on the subnet.
 */
export const virtualNetwork = simple(VNET, (instance, context, id) => {
  const a = context.attributes(instance);
  const dnsServers = a.list('dns_servers');
  return {
    addressSpace: { addressPrefixes: mapList(a.list('address_space'), (v) => v) },
    dhcpOptions: dnsServers === UNKNOWN ? { dnsServers: UNKNOWN } : dnsServers.length > 0 ? { dnsServers } : undefined,
    subnets: mapBlocks(a.blocks('subnet'), (block) => inlineSubnet(block, id)),
    // Peerings are their own azurerm resources; an existing VNet may have peerings the plan does not manage.
    virtualNetworkPeerings: isCreated(instance) ? [] : UNSEEN,
  };
});

/** A `subnet` block inside azurerm_virtual_network (v4: address_prefixes; v3: address_prefix). */
function inlineSubnet(block: BlockView, vnetId: string): JsonValue {
  const name = known(block.get('name')) ?? UNKNOWN_NAME;
  const prefixes = block.list('address_prefixes');
  const onePrefix = block.get('address_prefix');
  const nsg = block.get('security_group');
  const routeTable = block.get('route_table_id');
  return {
    name,
    id: known(block.get('id')) ?? `${vnetId}/subnets/${name}`,
    properties: compact({
      addressPrefixes: prefixes === UNKNOWN || prefixes.length > 0 ? prefixes : undefined,
      addressPrefix: onePrefix,
      networkSecurityGroup: nsg === UNKNOWN ? UNKNOWN : typeof nsg === 'string' ? { id: nsg } : undefined,
      routeTable: routeTable === UNKNOWN ? UNKNOWN : typeof routeTable === 'string' ? { id: routeTable } : undefined,
      serviceEndpoints: serviceEndpoints(block.list('service_endpoints')),
      privateEndpointNetworkPolicies: endpointPolicies(block),
      provisioningState: 'Succeeded',
    }),
  };
}

function serviceEndpoints(list: JsonValue[] | typeof UNKNOWN): JsonValue | undefined {
  if (list !== UNKNOWN && list.length === 0) return undefined;
  return mapList(list, (service) => ({ service, locations: ['*'], provisioningState: 'Succeeded' }));
}

/** v4: `private_endpoint_network_policies` is ARM's enum; v3: `private_endpoint_network_policies_enabled` (bool). */
function endpointPolicies(block: { get(...path: (string | number)[]): JsonValue | undefined }): JsonValue | undefined {
  const value = block.get('private_endpoint_network_policies');
  if (value !== undefined) return value;
  const enabled = block.get('private_endpoint_network_policies_enabled');
  return enabled === UNKNOWN ? UNKNOWN : enabled === true ? 'Enabled' : enabled === false ? 'Disabled' : undefined;
}

function nameOf(instance: TerraformInstance, context: PlanContext): string {
  return known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME;
}

/** The VNet id from `virtual_network_name` and `resource_group_name`. */
function vnetIdOf(instance: TerraformInstance, context: PlanContext): string {
  const name = known(context.attributes(instance).get('virtual_network_name')) ?? UNKNOWN_NAME;
  return `${context.groupId(instance)}/providers/${VNET}/${name}`;
}

export const subnet = simple(
  SUBNET,
  (instance, context) => {
    const a = context.attributes(instance);
    return {
      addressPrefixes: a.list('address_prefixes'),
      addressPrefix: a.get('address_prefix'),
      serviceEndpoints: serviceEndpoints(a.list('service_endpoints')),
      privateEndpointNetworkPolicies: endpointPolicies(a),
    };
  },
  { id: (instance, context) => `${vnetIdOf(instance, context)}/subnets/${nameOf(instance, context)}` },
);

/**
 * azurerm_virtual_network_peering: one side of a peering. Its state is `Connected` once both sides exist and
 * `Initiated` while only one does (VirtualNetworkPeeringGet's `peeringState`); assemble.ts decides it with both
 * sides in view.
 */
export const peering = simple(
  PEERING,
  (instance, context) => {
    const a = context.attributes(instance);
    return {
      remoteVirtualNetwork: ref(context.reference(instance, 'remote_virtual_network_id')),
      allowVirtualNetworkAccess: a.get('allow_virtual_network_access') ?? true,
      allowForwardedTraffic: a.get('allow_forwarded_traffic') ?? false,
      allowGatewayTransit: a.get('allow_gateway_transit') ?? false,
      useRemoteGateways: a.get('use_remote_gateways') ?? false,
      peeringState: UNSEEN,
    };
  },
  { id: (instance, context) => `${vnetIdOf(instance, context)}/virtualNetworkPeerings/${nameOf(instance, context)}` },
);

function route(block: { get(...path: (string | number)[]): JsonValue | undefined }, tableId: string): JsonValue {
  const name = known(block.get('name')) ?? UNKNOWN_NAME;
  return {
    name,
    id: `${tableId}/routes/${name}`,
    properties: compact({
      addressPrefix: block.get('address_prefix'),
      nextHopType: block.get('next_hop_type'),
      nextHopIpAddress: block.get('next_hop_in_ip_address'),
      provisioningState: 'Succeeded',
    }),
  };
}

export const routeTable = simple(ROUTE_TABLE, (instance, context, id) => {
  const a = context.attributes(instance);
  const propagation = a.get('bgp_route_propagation_enabled');
  return {
    routes: mapBlocks(a.blocks('route'), (block) => route(block, id)),
    // v4: bgp_route_propagation_enabled; v3: disable_bgp_route_propagation.
    disableBgpRoutePropagation:
      typeof propagation === 'boolean' ? !propagation : a.get('disable_bgp_route_propagation'),
  };
});

/** azurerm_route: one more route in its table. */
export const routeResource: Mapper = {
  id: () => undefined,
  map(instance, context) {
    const table = `${context.groupId(instance)}/providers/${ROUTE_TABLE}/${known(context.attributes(instance).get('route_table_name')) ?? UNKNOWN_NAME}`;
    const entry = route(context.attributes(instance), table);
    return single([], [{ targetId: table, address: instance.address, apply: (t) => appendTo(t, 'routes', entry) }]);
  },
};

/** An association sets a `{id}` reference on the subnet. */
function association(key: 'routeTable' | 'networkSecurityGroup', attribute: string): Mapper {
  return {
    id: () => undefined,
    map(instance, context) {
      const subnetId = context.reference(instance, 'subnet_id');
      const target = context.reference(instance, attribute);
      if (!isKnown(subnetId) || target === undefined) return single([]);
      return single(
        [],
        [
          {
            targetId: subnetId,
            address: instance.address,
            apply: (s) => void ((s.properties ??= {})[key] = target === UNKNOWN ? UNKNOWN : { id: target }),
          },
        ],
      );
    },
  };
}

/**
 * azurerm_virtual_network_dns_servers sets a VNet's custom DNS servers from outside the VNet resource
 * (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/virtual_network_dns_servers:
 * `virtual_network_id`, `dns_servers`; ARM: the VNet's `dhcpOptions.dnsServers`). It decides where the VNet's
 * queries go, so reading the VNet without it would judge KV203/KV205 as Azure-provided DNS.
 */
export const virtualNetworkDnsServers: Mapper = {
  id: () => undefined,
  map(instance, context) {
    const vnetId = context.reference(instance, 'virtual_network_id');
    if (!isKnown(vnetId)) return single([]);
    const servers = context.attributes(instance).list('dns_servers');
    return single(
      [],
      [
        {
          targetId: vnetId,
          address: instance.address,
          apply: (vnet) => {
            const properties = (vnet.properties ??= {});
            if (servers !== UNKNOWN && servers.length === 0) delete properties.dhcpOptions;
            // Unknown as a whole: servers this resource exists to set, not Azure's default, so a list of unknown
            // addresses (a verdict that changes with them is not decided by the plan).
            else properties.dhcpOptions = { dnsServers: servers === UNKNOWN ? [UNKNOWN] : servers };
          },
        },
      ],
    );
  },
};

export const subnetRouteTableAssociation = association('routeTable', 'route_table_id');
export const subnetNsgAssociation = association('networkSecurityGroup', 'network_security_group_id');

function securityRule(block: { get(...path: (string | number)[]): JsonValue | undefined }, nsgId: string): JsonValue {
  const name = known(block.get('name')) ?? UNKNOWN_NAME;
  const list = (key: string): JsonValue | undefined => {
    const value = block.get(key);
    return Array.isArray(value) && value.length === 0 ? undefined : value;
  };
  return {
    name,
    id: `${nsgId}/securityRules/${name}`,
    properties: compact({
      protocol: block.get('protocol'),
      sourcePortRange: block.get('source_port_range'),
      sourcePortRanges: list('source_port_ranges'),
      destinationPortRange: block.get('destination_port_range'),
      destinationPortRanges: list('destination_port_ranges'),
      sourceAddressPrefix: block.get('source_address_prefix'),
      sourceAddressPrefixes: list('source_address_prefixes'),
      destinationAddressPrefix: block.get('destination_address_prefix'),
      destinationAddressPrefixes: list('destination_address_prefixes'),
      access: block.get('access'),
      priority: block.get('priority'),
      direction: block.get('direction'),
      provisioningState: 'Succeeded',
    }),
  };
}

/** The six rules Azure adds to every NSG (Microsoft's NetworkSecurityGroupGet example). */
function defaultRules(nsgId: string): JsonValue[] {
  const rule = (
    name: string,
    direction: string,
    access: string,
    priority: number,
    source: string,
    destination: string,
  ) => ({
    name,
    id: `${nsgId}/defaultSecurityRules/${name}`,
    properties: {
      description: name,
      protocol: '*',
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: source,
      destinationAddressPrefix: destination,
      access,
      priority,
      direction,
      provisioningState: 'Succeeded',
    },
  });
  return [
    rule('AllowVnetInBound', 'Inbound', 'Allow', 65000, 'VirtualNetwork', 'VirtualNetwork'),
    rule('AllowAzureLoadBalancerInBound', 'Inbound', 'Allow', 65001, 'AzureLoadBalancer', '*'),
    rule('DenyAllInBound', 'Inbound', 'Deny', 65500, '*', '*'),
    rule('AllowVnetOutBound', 'Outbound', 'Allow', 65000, 'VirtualNetwork', 'VirtualNetwork'),
    rule('AllowInternetOutBound', 'Outbound', 'Allow', 65001, '*', 'Internet'),
    rule('DenyAllOutBound', 'Outbound', 'Deny', 65500, '*', '*'),
  ];
}

export const networkSecurityGroup = simple(NSG, (instance, context, id) => ({
  securityRules: mapBlocks(context.attributes(instance).blocks('security_rule'), (block) => securityRule(block, id)),
  defaultSecurityRules: defaultRules(id),
}));

/** azurerm_network_security_rule: one more rule in its NSG. */
export const networkSecurityRule: Mapper = {
  id: () => undefined,
  map(instance, context) {
    const nsg = `${context.groupId(instance)}/providers/${NSG}/${known(context.attributes(instance).get('network_security_group_name')) ?? UNKNOWN_NAME}`;
    const entry = securityRule(context.attributes(instance), nsg);
    return single(
      [],
      [{ targetId: nsg, address: instance.address, apply: (t) => appendTo(t, 'securityRules', entry) }],
    );
  },
};
