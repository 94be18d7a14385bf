import { ARM_TYPES } from '../model/arm-types';
import type { JsonValue } from '../model/arm';
import { UNKNOWN } from '../model/planned';
import { compact } from './attributes';
import { isKnown, known, UNKNOWN_NAME } from './context';
import { mapBlocks, mapList, ref, simple, type Mapper } from './mapper';

/**
 * Hub appliances and Virtual WAN (shapes: Microsoft's AzureFirewallGet, FirewallPolicyGet, VirtualWANGet,
 * VirtualHubGet, HubVirtualNetworkConnectionGet and HubRouteTableGet examples, api-version 2026-01-01).
 */
const HUB = ARM_TYPES.virtualHub;

/** azurerm_firewall: its private address is the next hop spokes route to (computed: known after apply). */
export const azureFirewall = simple(ARM_TYPES.azureFirewall, (instance, context, id) => {
  const a = context.attributes(instance);
  const hub = a.blocks('virtual_hub');
  const [inHub] = hub === UNKNOWN ? [] : hub;
  return {
    sku: compact({ name: a.get('sku_name'), tier: a.get('sku_tier') }),
    firewallPolicy: ref(context.reference(instance, 'firewall_policy_id')),
    ipConfigurations: mapBlocks(a.blocks('ip_configuration'), (block) => {
      const name = known(block.get('name')) ?? UNKNOWN_NAME;
      return {
        name,
        id: `${id}/ipConfigurations/${name}`,
        properties: compact({
          privateIPAddress: block.get('private_ip_address'),
          subnet: ref(context.reference(instance, ...block.path, 'subnet_id')),
          provisioningState: 'Succeeded',
        }),
      };
    }),
    virtualHub:
      hub === UNKNOWN ? UNKNOWN : inHub ? ref(context.reference(instance, ...inHub.path, 'virtual_hub_id')) : undefined,
    hubIPAddresses: inHub ? { privateIPAddress: inHub.get('private_ip_address') ?? UNKNOWN } : undefined,
    // A classic-rules firewall turns DNS proxy on through this property (no policy).
    additionalProperties: compact({
      'Network.DNS.EnableProxy': (a.get('dns_proxy_enabled') as JsonValue | undefined) === true ? 'true' : undefined,
    }),
  };
});

/** azurerm_firewall_policy: `dns { proxy_enabled, servers }` → dnsSettings (DNS proxy makes the firewall a DNS server). */
export const firewallPolicy = simple(ARM_TYPES.firewallPolicy, (instance, context) => {
  const dns = context.attributes(instance).blocks('dns');
  const [first] = dns === UNKNOWN ? [] : dns;
  return {
    dnsSettings:
      dns === UNKNOWN
        ? UNKNOWN
        : first
          ? compact({
              enableProxy: first.get('proxy_enabled') ?? false,
              servers: mapList(first.list('servers'), (v) => v),
            })
          : undefined,
  };
});

export const virtualWan = simple(ARM_TYPES.virtualWan, (instance, context) => {
  const a = context.attributes(instance);
  return { type: a.get('type') ?? 'Standard', allowBranchToBranchTraffic: a.get('allow_branch_to_branch_traffic') };
});

export const virtualHub = simple(HUB, (instance, context) => {
  const a = context.attributes(instance);
  return {
    virtualWan: ref(context.reference(instance, 'virtual_wan_id')),
    addressPrefix: a.get('address_prefix'),
    sku: a.get('sku'),
    routingState: 'Provisioned',
  };
});

/** The hub's child resources: `virtual_hub_id` + segment + name. */
function hubChild(segment: string): Mapper['id'] {
  return (instance, context) => {
    const hub = context.reference(instance, 'virtual_hub_id');
    const name = known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME;
    return isKnown(hub) ? `${hub}/${segment}/${name}` : undefined;
  };
}

/** azurerm_virtual_hub_connection → hubVirtualNetworkConnections (routing: associated and propagated route tables). */
export const hubConnection = simple(
  ARM_TYPES.hubConnection,
  (instance, context) => {
    const a = context.attributes(instance);
    const routing = a.blocks('routing');
    const [first] = routing === UNKNOWN ? [] : routing;
    const propagated = first ? first.blocks('propagated_route_table') : [];
    const [table] = propagated === UNKNOWN ? [] : propagated;
    return {
      remoteVirtualNetwork: ref(context.reference(instance, 'remote_virtual_network_id')),
      enableInternetSecurity: a.get('internet_security_enabled') ?? true,
      routingConfiguration:
        routing === UNKNOWN
          ? UNKNOWN
          : first
            ? compact({
                associatedRouteTable: ref(context.reference(instance, ...first.path, 'associated_route_table_id')),
                propagatedRouteTables: table
                  ? compact({
                      labels: mapList(table.list('labels'), (v) => v),
                      ids: mapList(table.list('route_table_ids'), (v) => ({ id: v })),
                    })
                  : undefined,
              })
            : undefined,
    };
  },
  { id: hubChild('hubVirtualNetworkConnections') },
);

/** azurerm_virtual_hub_route_table → hubRouteTables. */
export const hubRouteTable = simple(
  ARM_TYPES.hubRouteTable,
  (instance, context) => {
    const a = context.attributes(instance);
    return {
      labels: mapList(a.list('labels'), (v) => v),
      routes: mapBlocks(a.blocks('route'), (block) =>
        compact({
          name: block.get('name'),
          destinationType: block.get('destinations_type'),
          destinations: mapList(block.list('destinations'), (v) => v),
          nextHopType: block.get('next_hop_type') ?? 'ResourceId',
          nextHop: block.get('next_hop'),
        }),
      ),
    };
  },
  { id: hubChild('hubRouteTables') },
);
