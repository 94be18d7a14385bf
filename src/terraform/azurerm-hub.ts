import type { JsonValue } from '../model/arm';
import { UNKNOWN } from '../model/planned';
import { compact } from './attributes';
import { isKnown, known, UNKNOWN_NAME } from './context';
import { mapBlocks, mapList, ref, resource, single, type Mapper } from './mapper';

/**
 * Hub appliances and Virtual WAN (shapes: Microsoft's AzureFirewallGet, FirewallPolicyGet, VirtualWANGet,
 * VirtualHubGet, HubVirtualNetworkConnectionGet and HubRouteTableGet examples, api-version 2026-01-01).
 */
const FIREWALL = 'Microsoft.Network/azureFirewalls';
const POLICY = 'Microsoft.Network/firewallPolicies';
const WAN = 'Microsoft.Network/virtualWans';
const HUB = 'Microsoft.Network/virtualHubs';

/** azurerm_firewall: its private address is the next hop spokes route to (computed: known after apply). */
export const azureFirewall: Mapper = {
  id: (instance, context) => context.resourceId(instance, FIREWALL),
  map(instance, context, id) {
    const a = context.attributes(instance);
    const hub = a.blocks('virtual_hub');
    return single([
      resource(
        instance,
        id,
        FIREWALL,
        compact({
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
            hub === UNKNOWN
              ? UNKNOWN
              : hub[0]
                ? ref(context.reference(instance, ...hub[0].path, 'virtual_hub_id'))
                : undefined,
          hubIPAddresses:
            hub === UNKNOWN || !hub[0] ? undefined : { privateIPAddress: hub[0].get('private_ip_address') ?? UNKNOWN },
          additionalProperties: compact({
            'Network.DNS.EnableProxy':
              (a.get('dns_proxy_enabled') as JsonValue | undefined) === true ? 'true' : undefined,
          }),
          provisioningState: 'Succeeded',
        }),
        compact({ location: a.get('location') }),
      ),
    ]);
  },
};

/** azurerm_firewall_policy: `dns { proxy_enabled, servers }` → dnsSettings (DNS proxy makes the firewall a DNS server). */
export const firewallPolicy: Mapper = {
  id: (instance, context) => context.resourceId(instance, POLICY),
  map(instance, context, id) {
    const a = context.attributes(instance);
    const dns = a.blocks('dns');
    return single([
      resource(
        instance,
        id,
        POLICY,
        compact({
          dnsSettings:
            dns === UNKNOWN
              ? UNKNOWN
              : dns[0]
                ? compact({
                    enableProxy: dns[0].get('proxy_enabled') ?? false,
                    servers: mapList(dns[0].list('servers'), (v) => v),
                  })
                : undefined,
          provisioningState: 'Succeeded',
        }),
        compact({ location: a.get('location') }),
      ),
    ]);
  },
};

export const virtualWan: Mapper = {
  id: (instance, context) => context.resourceId(instance, WAN),
  map(instance, context, id) {
    const a = context.attributes(instance);
    return single([
      resource(
        instance,
        id,
        WAN,
        compact({
          type: a.get('type') ?? 'Standard',
          allowBranchToBranchTraffic: a.get('allow_branch_to_branch_traffic'),
          provisioningState: 'Succeeded',
        }),
        compact({ location: a.get('location') }),
      ),
    ]);
  },
};

export const virtualHub: Mapper = {
  id: (instance, context) => context.resourceId(instance, HUB),
  map(instance, context, id) {
    const a = context.attributes(instance);
    return single([
      resource(
        instance,
        id,
        HUB,
        compact({
          virtualWan: ref(context.reference(instance, 'virtual_wan_id')),
          addressPrefix: a.get('address_prefix'),
          sku: a.get('sku'),
          routingState: 'Provisioned',
          provisioningState: 'Succeeded',
        }),
        compact({ location: a.get('location') }),
      ),
    ]);
  },
};

/** The hub's child resources: `virtual_hub_id` + segment + name. */
function hubChild(segment: string): Mapper['id'] {
  return (instance, context) => {
    const hub = context.reference(instance, 'virtual_hub_id');
    const name = known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME;
    return isKnown(hub) ? `${hub}/${segment}/${name}` : undefined;
  };
}

/** azurerm_virtual_hub_connection → hubVirtualNetworkConnections (routing: associated and propagated route tables). */
export const hubConnection: Mapper = {
  id: hubChild('hubVirtualNetworkConnections'),
  map(instance, context, id) {
    const a = context.attributes(instance);
    const routing = a.blocks('routing');
    const first = routing === UNKNOWN ? undefined : routing[0];
    const propagated = first ? first.blocks('propagated_route_table') : [];
    const propagatedFirst = propagated === UNKNOWN ? undefined : propagated[0];
    return single([
      resource(
        instance,
        id,
        `${HUB}/hubVirtualNetworkConnections`,
        compact({
          remoteVirtualNetwork: ref(context.reference(instance, 'remote_virtual_network_id')),
          enableInternetSecurity: a.get('internet_security_enabled') ?? true,
          routingConfiguration:
            routing === UNKNOWN
              ? UNKNOWN
              : first
                ? compact({
                    associatedRouteTable: ref(context.reference(instance, ...first.path, 'associated_route_table_id')),
                    propagatedRouteTables: propagatedFirst
                      ? compact({
                          labels: mapList(propagatedFirst.list('labels'), (v) => v),
                          ids: mapList(propagatedFirst.list('route_table_ids'), (v) => ({ id: v })),
                        })
                      : undefined,
                  })
                : undefined,
          provisioningState: 'Succeeded',
        }),
      ),
    ]);
  },
};

/** azurerm_virtual_hub_route_table → hubRouteTables. */
export const hubRouteTable: Mapper = {
  id: hubChild('hubRouteTables'),
  map(instance, context, id) {
    const a = context.attributes(instance);
    return single([
      resource(
        instance,
        id,
        `${HUB}/hubRouteTables`,
        compact({
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
          provisioningState: 'Succeeded',
        }),
      ),
    ]);
  },
};
