import { ARM_TYPES } from '../model/arm-types';
import { idKey, parentId, parseId, sameId } from '../model/arm';
import type { Estate } from '../model/estate';
import type {
  AzureFirewall,
  HubRouteTable,
  HubVirtualNetworkConnection,
  Route,
  RouteTable,
  VirtualHub,
} from '../model/network-types';
import type { Subnet, VirtualNetwork, VirtualNetworkPeering } from '../model/types';
import { ipInAnyRange, ipInRange } from './cidr';
import { evaluateInbound } from './nsg';
import { prefixLength } from './prefix';

/**
 * Where a packet from the caller's subnet goes, as Azure routes it: the subnet's route table (longest
 * prefix match; a user route beats a Virtual WAN route beats a system route of the same length), VNet
 * peerings with their flags on both sides, appliances (Azure Firewall or an NVA) as next hops from which
 * the packet continues, Virtual WAN hubs and their route tables, and the destination subnet's NSG when
 * the private endpoint's network policies enable it. What ARM cannot show (gateways, the internet, an
 * appliance's own rules) is `unknown` or an assumption, never a verdict.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
 */

export interface Hop {
  label: string;
  resourceId?: string;
}

/** A verdict that holds only if an appliance does what kvguard cannot see: says which resource to check. */
export interface Assumption {
  text: string;
  resourceId: string;
}

interface Trail {
  hops: Hop[];
  assumptions: Assumption[];
}

export type Reach =
  | (Trail & { kind: 'reached'; vnetId: string; subnetId: string | undefined })
  /** `noRoute`: nothing routes toward the address (no VNet, peering, user or hub route). */
  | (Trail & { kind: 'blocked'; reason: string; resourceId: string; noRoute?: boolean })
  /** `outOfScope`: a resource on the path was not collected (an error), else something ARM does not show. */
  | (Trail & { kind: 'unknown'; reason: string; resourceId: string; outOfScope: boolean; offEstate?: boolean });

export interface Origin {
  vnetId: string;
  /** Without a subnet no route table applies (the caller named only its VNet). */
  subnetId?: string;
}

export interface Target {
  ip: string;
  port: number;
  protocol: 'Tcp' | 'Udp';
  label: string;
  /** The subnet the address must land in (a private endpoint's); the NSG there is checked when enabled. */
  subnetId?: string;
}

type NextHop =
  | { kind: 'local' }
  | { kind: 'peering'; peering: VirtualNetworkPeering }
  | { kind: 'hub'; connection: HubVirtualNetworkConnection }
  | { kind: 'user'; table: RouteTable; route: Route };

interface Candidate {
  prefix: string;
  bits: number;
  rank: number;
  hop: NextHop;
}

const MAX_STEPS = 12;

const nameOf = (estate: Estate, id: string): string =>
  estate.virtualNetworks.get(id)?.name ?? estate.subnets.get(id)?.name ?? parseId(id).name;

/** The origin as reports name it: `Caller snet-app`, or the VNet when no subnet was given. */
export function originLabel(estate: Estate, origin: Origin): string {
  return `Caller ${nameOf(estate, origin.subnetId ?? origin.vnetId)}`;
}

const memo = new WeakMap<Estate, Map<string, Reach>>();

/** The path from `origin` to `target`, memoized per estate (DNS checks ask the same question per vault). */
export function reach(estate: Estate, origin: Origin, target: Target): Reach {
  let cache = memo.get(estate);
  if (!cache) memo.set(estate, (cache = new Map()));
  const key = [
    idKey(origin.vnetId),
    idKey(origin.subnetId ?? ''),
    target.ip,
    target.port,
    target.protocol,
    idKey(target.subnetId ?? ''),
    target.label,
  ].join('|');
  let found = cache.get(key);
  if (!found) cache.set(key, (found = new Walk(estate, origin, target).run()));
  return found;
}

/** One packet's walk through the estate. */
class Walk {
  private readonly trail: Trail;
  private vnetId: string;
  private subnetId: string | undefined;
  /** Once an appliance forwards the packet, peerings must allow forwarded traffic to let it in. */
  private forwarded = false;
  private readonly seen = new Set<string>();

  constructor(
    private readonly estate: Estate,
    private readonly origin: Origin,
    private readonly target: Target,
  ) {
    this.vnetId = origin.vnetId;
    this.subnetId = origin.subnetId;
    this.trail = {
      hops: [{ label: originLabel(estate, origin), resourceId: origin.subnetId ?? origin.vnetId }],
      assumptions: [],
    };
  }

  run(): Reach {
    for (let step = 0; step < MAX_STEPS; step++) {
      const vnet = this.estate.virtualNetworks.get(this.vnetId);
      if (!vnet)
        return this.unknown(`VNet ${nameOf(this.estate, this.vnetId)} is not in the audited scope`, this.vnetId, true);
      const position = `${idKey(this.vnetId)}|${idKey(this.subnetId ?? '')}`;
      if (this.seen.has(position))
        return this.blocked(
          `the routes loop back to ${nameOf(this.estate, this.subnetId ?? this.vnetId)}`,
          this.subnetId ?? this.vnetId,
        );
      this.seen.add(position);
      const subnet = this.subnetId ? this.estate.subnets.get(this.subnetId) : undefined;
      const table = subnet?.routeTableId ? this.estate.routeTables.get(subnet.routeTableId) : undefined;
      if (subnet?.routeTableId && !table)
        return this.unknown(
          `route table ${parseId(subnet.routeTableId).name} of subnet ${subnet.name} is not in the audited scope`,
          subnet.routeTableId,
          true,
        );
      const outcome = this.step(vnet, table);
      if (outcome) return outcome;
    }
    return this.unknown(`the path to ${this.target.ip} takes more than ${MAX_STEPS} hops`, this.vnetId, false);
  }

  /** Routes the packet once from where it is; returns the verdict, or undefined to route again from the new place. */
  private step(vnet: VirtualNetwork, table: RouteTable | undefined): Reach | undefined {
    const best = bestRoute(this.estate, vnet, table, this.target.ip);
    if (!best) return this.noRoute(vnet, table);
    const hop = best.hop;
    switch (hop.kind) {
      case 'local':
        return this.deliver(vnet);
      case 'peering': {
        const crossed = this.crossPeering(vnet, hop.peering);
        return typeof crossed === 'string' ? this.deliverIn(crossed) : crossed;
      }
      case 'hub':
        return this.viaHub(hop.connection, this.target.ip);
      case 'user':
        return this.userRoute(vnet, hop.table, hop.route);
    }
  }

  private userRoute(vnet: VirtualNetwork, table: RouteTable, route: Route): Reach | undefined {
    this.trail.hops.push({ label: `UDR ${route.addressPrefix}`, resourceId: table.id });
    const where = `route ${route.name} of route table ${table.name} sends ${route.addressPrefix} to`;
    switch (route.nextHopType.toLowerCase()) {
      case 'none':
        return this.blocked(`${where} None, which drops the traffic`, table.id);
      case 'vnetlocal':
        return this.deliver(vnet);
      case 'virtualappliance':
        if (!route.nextHopIpAddress)
          return this.unknown(`${where} VirtualAppliance without a next hop address`, table.id, false);
        return this.appliance(vnet, route.nextHopIpAddress, table.id, where);
      case 'internet':
        return this.unknown(
          `${where} Internet: where a private address goes from there is outside what ARM shows`,
          table.id,
          false,
        );
      case 'virtualnetworkgateway':
        return this.unknown(
          `${where} the virtual network gateway: the routes it learned (on-premises, BGP) are outside what ARM shows`,
          table.id,
          false,
        );
      default:
        return this.unknown(`${where} ${route.nextHopType}, which kvguard does not model`, table.id, false);
    }
  }

  /** A route's next hop address: reached over system routes only (Azure does not apply user routes to find it). */
  private appliance(vnet: VirtualNetwork, address: string, tableId: string, where: string): Reach | undefined {
    const best = bestRoute(this.estate, vnet, undefined, address);
    if (!best) return this.blocked(`${where} ${address}, which is in no VNet ${vnet.name} reaches`, tableId);
    let applianceVnet: string;
    switch (best.hop.kind) {
      case 'local':
        applianceVnet = vnet.id;
        break;
      case 'peering': {
        const crossed = this.crossPeering(vnet, best.hop.peering);
        if (typeof crossed !== 'string') return crossed;
        applianceVnet = crossed;
        break;
      }
      case 'hub':
        return this.hubAppliance(best.hop.connection, address, where, tableId);
      default:
        return this.unknown(`${where} ${address}, which kvguard cannot place`, tableId, false);
    }
    const target = this.estate.virtualNetworks.get(applianceVnet);
    if (!target)
      return this.unknown(
        `VNet ${nameOf(this.estate, applianceVnet)} is not in the audited scope`,
        applianceVnet,
        true,
      );
    this.atAppliance(address, target);
    this.vnetId = target.id;
    this.subnetId = subnetHolding(this.estate, target, address)?.id;
    this.forwarded = true;
    return undefined;
  }

  private atAppliance(address: string, vnet: VirtualNetwork): void {
    const firewall = firewallAt(this.estate, address, vnet.id);
    if (firewall) {
      this.trail.hops.push({ label: `firewall ${address} (${vnet.name})`, resourceId: firewall.id });
      this.assumeFirewallForwards(firewall);
    } else {
      this.trail.hops.push({ label: `appliance ${address} (${vnet.name})`, resourceId: vnet.id });
      this.trail.assumptions.push({
        text: `assumes the appliance at ${address} in ${vnet.name} forwards ${this.flowLabel()}: kvguard cannot see its rules`,
        resourceId: vnet.id,
      });
    }
  }

  private assumeFirewallForwards(firewall: AzureFirewall): void {
    const policy = firewall.firewallPolicyId ? ` (firewall policy ${parseId(firewall.firewallPolicyId).name})` : '';
    this.trail.assumptions.push({
      text: `assumes firewall ${firewall.name} allows ${this.flowLabel()}: check its network and application rules${policy}`,
      resourceId: firewall.firewallPolicyId ?? firewall.id,
    });
  }

  private flowLabel(): string {
    return `${this.target.protocol.toUpperCase()} ${this.target.port} to ${this.target.ip}`;
  }

  /**
   * Peering flags on both sides: this side must allow access to the remote VNet; the remote side's peering
   * back must allow access and, for traffic an appliance forwarded, allow forwarded traffic in.
   * https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#create-a-peering
   * Returns the remote VNet id, or the verdict when the peering stops the packet.
   */
  private crossPeering(vnet: VirtualNetwork, peering: VirtualNetworkPeering): string | Reach {
    const remoteId = peering.remoteVirtualNetworkId ?? '';
    const listed = peering.id !== undefined || vnet.peerings.includes(peering);
    const remoteName = nameOf(this.estate, remoteId);
    const peeringId = peering.id ?? vnet.id;
    const label = `peering ${peering.name ?? ''} of ${vnet.name}`.replace('  ', ' ');
    const state = peering.peeringState ?? 'Connected';
    if (state.toLowerCase() !== 'connected')
      return this.blocked(`${label} to ${remoteName} is ${state}, not Connected`, peeringId);
    if (peering.allowVirtualNetworkAccess === false)
      return this.blocked(
        `${label} has allowVirtualNetworkAccess false, so ${vnet.name} may not reach ${remoteName}`,
        peeringId,
      );
    const remote = this.estate.virtualNetworks.get(remoteId);
    if (!remote)
      return this.unknown(`VNet ${remoteName} (peered from ${vnet.name}) is not in the audited scope`, remoteId, true);
    const back = remote.peerings.find((p) => sameId(p.remoteVirtualNetworkId, vnet.id));
    if (back) {
      const backLabel = `peering ${back.name ?? ''} of ${remote.name}`;
      const backId = back.id ?? remote.id;
      const backState = back.peeringState ?? 'Connected';
      if (backState.toLowerCase() !== 'connected')
        return this.blocked(`${backLabel} to ${vnet.name} is ${backState}, not Connected`, backId);
      if (back.allowVirtualNetworkAccess === false)
        return this.blocked(
          `${backLabel} has allowVirtualNetworkAccess false, so it refuses traffic from ${vnet.name}`,
          backId,
        );
      if (this.forwarded && back.allowForwardedTraffic !== true)
        return this.blocked(
          `${backLabel} does not allow forwarded traffic (allowForwardedTraffic false), so it drops what the appliance in ${vnet.name} forwards`,
          backId,
        );
    } else if (this.forwarded) {
      return this.unknown(
        `${remote.name} lists no peering back to ${vnet.name}, so whether it takes forwarded traffic is unknown`,
        remote.id,
        false,
      );
    }
    this.trail.hops.push({
      label: listed ? `peering ${peering.name ?? remoteName}` : 'peering',
      resourceId: peeringId,
    });
    return remote.id;
  }

  private deliverIn(vnetId: string): Reach {
    const vnet = this.estate.virtualNetworks.get(vnetId);
    return vnet
      ? this.deliver(vnet)
      : this.unknown(`VNet ${nameOf(this.estate, vnetId)} is not in the audited scope`, vnetId, true);
  }

  /** The packet is inside `vnet` at the target address: it must be the target's VNet, and its NSG must let it in. */
  private deliver(vnet: VirtualNetwork): Reach {
    const wanted = this.target.subnetId ? parentId(this.target.subnetId) : undefined;
    if (wanted && !sameId(wanted, vnet.id))
      return this.blocked(
        `${this.target.ip} is delivered inside ${vnet.name}, not to ${nameOf(this.estate, wanted)} (their address spaces overlap)`,
        vnet.id,
      );
    const subnet = this.target.subnetId
      ? this.estate.subnets.get(this.target.subnetId)
      : subnetHolding(this.estate, vnet, this.target.ip);
    const nsg = subnet && this.target.subnetId ? this.checkNsg(subnet) : undefined;
    if (nsg) return nsg;
    this.trail.hops.push({ label: this.target.label, resourceId: subnet?.id ?? vnet.id });
    return { kind: 'reached', vnetId: vnet.id, subnetId: subnet?.id, ...this.trail };
  }

  /**
   * NSGs filter traffic to a private endpoint only when the subnet's privateEndpointNetworkPolicies enable them.
   * https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
   */
  private checkNsg(subnet: Subnet): Reach | undefined {
    const policies = (subnet.privateEndpointNetworkPolicies ?? 'Disabled').toLowerCase();
    if (policies !== 'enabled' && policies !== 'networksecuritygroupenabled') return undefined;
    if (!subnet.networkSecurityGroupId) return undefined;
    const nsg = this.estate.networkSecurityGroups.get(subnet.networkSecurityGroupId);
    if (!nsg)
      return this.unknown(
        `network security group ${parseId(subnet.networkSecurityGroupId).name} of subnet ${subnet.name} is not in the audited scope`,
        subnet.networkSecurityGroupId,
        true,
      );
    const decision = evaluateInbound(nsg, {
      sourcePrefixes: this.sourcePrefixes(),
      destination: this.target.ip,
      port: this.target.port,
      protocol: this.target.protocol,
    });
    const rule = `rule ${decision.rule.name} (priority ${decision.rule.priority})`;
    if (decision.kind === 'deny')
      return this.blocked(
        `network security group ${nsg.name} on subnet ${subnet.name} denies ${this.flowLabel()} from ${this.sourceLabel()}: ${rule}`,
        nsg.id,
      );
    if (decision.kind === 'unknown')
      return this.unknown(
        `network security group ${nsg.name} on subnet ${subnet.name}: ${rule}: ${decision.reason}`,
        nsg.id,
        false,
      );
    this.trail.hops.push({ label: `NSG ${nsg.name} ${rule} allows`, resourceId: nsg.id });
    return undefined;
  }

  private sourcePrefixes(): string[] {
    const subnet = this.origin.subnetId ? this.estate.subnets.get(this.origin.subnetId) : undefined;
    return subnet?.addressPrefixes ?? this.estate.virtualNetworks.get(this.origin.vnetId)?.addressPrefixes ?? [];
  }

  private sourceLabel(): string {
    return `${nameOf(this.estate, this.origin.subnetId ?? this.origin.vnetId)} (${this.sourcePrefixes().join(', ')})`;
  }

  /**
   * No route covers the address. Azure drops private addresses without a VNet route; when the address is in
   * no audited VNet it may still be reached over a gateway (on-premises), which ARM does not show.
   */
  private noRoute(vnet: VirtualNetwork, table: RouteTable | undefined): Reach {
    const unseen = vnet.peerings.filter(
      (p) => !this.estate.virtualNetworks.get(p.remoteVirtualNetworkId) && p.remoteAddressPrefixes.length === 0,
    );
    if (unseen.length > 0) {
      const first = unseen[0]?.remoteVirtualNetworkId ?? vnet.id;
      return this.unknown(
        `VNet ${nameOf(this.estate, first)} (peered from ${vnet.name}) is not in the audited scope`,
        first,
        true,
      );
    }
    const unreadHubs = this.estate.unreadType(ARM_TYPES.hubConnection);
    if (unreadHubs && this.estate.virtualHubs.size > 0)
      return this.unknown(
        `whether ${vnet.name} reaches ${this.target.ip} through a Virtual WAN hub is unknown: hub virtual network connections were not collected (${unreadHubs})`,
        vnet.id,
        false,
      );
    const connection = this.estate.hubConnectionsOfVnet(vnet.id)[0];
    const hubTable = connection ? associatedTable(this.estate, connection) : undefined;
    if (connection && hubTable)
      return this.blocked(
        `hub route table ${hubTable.name} (associated with connection ${connection.name} of ${vnet.name}) learns no route to ${this.target.ip}: no connection holding it propagates to that table`,
        hubTable.id,
      );
    const holder = this.target.subnetId
      ? this.estate.virtualNetworks.get(parentId(this.target.subnetId))
      : this.estate.virtualNetworks.all().find((v) => ipInAnyRange(this.target.ip, v.addressPrefixes) !== undefined);
    const from = this.subnetId ? (this.estate.subnets.get(this.subnetId)?.name ?? vnet.name) : vnet.name;
    if (!holder)
      return this.offEstate(
        `${this.target.ip} is in no audited VNet and ${from} has no route to it: it may be reached over a gateway, which ARM does not show`,
        table?.id ?? vnet.id,
        false,
      );
    const how = this.forwarded ? `the appliance in ${vnet.name} has no route` : `${vnet.name} has no route`;
    return this.blockedNoRoute(
      `${how} to ${holder.name}: not the same VNet, no Connected peering${table ? ', no user route' : ''}, no Virtual WAN hub`,
      vnet.id,
    );
  }

  // Virtual WAN ---------------------------------------------------------------------------------------

  /**
   * In a Virtual WAN hub, a connection's associated route table decides: it learns the prefixes of the
   * connections that propagate to it (by table id or label) and holds static routes (to a hub firewall).
   * https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
   */
  private viaHub(connection: HubVirtualNetworkConnection, address: string): Reach {
    const hub = this.estate.virtualHubs.get(connection.hubId);
    if (!hub)
      return this.unknown(
        `virtual hub ${parseId(connection.hubId).name} is not in the audited scope`,
        connection.hubId,
        true,
      );
    this.trail.hops.push({ label: `hub ${hub.name}`, resourceId: hub.id });
    const table = associatedTable(this.estate, connection);
    if (!table)
      return this.unknown(
        `hub route table ${parseId(connection.associatedRouteTableId ?? '').name} is not in the audited scope`,
        connection.associatedRouteTableId ?? hub.id,
        true,
      );
    const best = hubBest(this.estate, hub, table, address);
    if (!best)
      return this.blocked(
        `hub route table ${table.name} (associated with connection ${connection.name}) has no route to ${address}: no connection that holds it propagates to that table`,
        table.id,
      );
    if (best.kind === 'connection') return this.intoConnection(best.connection);
    return this.hubStatic(hub, table, best.route.name, best.route.nextHop ?? '');
  }

  private hubStatic(hub: VirtualHub, table: HubRouteTable, routeName: string, nextHop: string): Reach {
    const firewall = this.estate.azureFirewalls.get(nextHop);
    if (!firewall) {
      if (nextHop.toLowerCase().includes('/providers/microsoft.network/azurefirewalls/'))
        return this.unknown(
          `firewall ${parseId(nextHop).name} (route ${routeName} of ${table.name}) is not in the audited scope`,
          nextHop,
          true,
        );
      return this.unknown(
        `route ${routeName} of hub route table ${table.name} sends the traffic to ${parseId(nextHop).name}, which kvguard does not model`,
        table.id,
        false,
      );
    }
    this.trail.hops.push({
      label: `firewall ${firewall.privateIPAddresses[0] ?? firewall.name} (${hub.name})`,
      resourceId: firewall.id,
    });
    this.assumeFirewallForwards(firewall);
    return this.fromHubFirewall(hub);
  }

  /** A secured hub's firewall reaches every VNet connected to its hub (and the WAN's other hubs). */
  private fromHubFirewall(hub: VirtualHub): Reach {
    const connection = wanConnections(this.estate, hub)
      .map((c) => ({ c, bits: longestMatch(this.estate, c, this.target.ip) }))
      .filter((x): x is { c: HubVirtualNetworkConnection; bits: number } => x.bits !== undefined)
      .sort((a, b) => b.bits - a.bits)[0]?.c;
    if (!connection) return this.blocked(`no VNet connected to hub ${hub.name} holds ${this.target.ip}`, hub.id);
    return this.intoConnection(connection);
  }

  private hubAppliance(
    connection: HubVirtualNetworkConnection,
    address: string,
    where: string,
    tableId: string,
  ): Reach {
    const hub = this.estate.virtualHubs.get(connection.hubId);
    if (!hub)
      return this.unknown(
        `virtual hub ${parseId(connection.hubId).name} is not in the audited scope`,
        connection.hubId,
        true,
      );
    const firewall = hub.azureFirewallId ? this.estate.azureFirewalls.get(hub.azureFirewallId) : undefined;
    if (!firewall || !firewall.privateIPAddresses.includes(address))
      return this.unknown(
        `${where} ${address}, behind hub ${hub.name}: kvguard models only the hub's own firewall there`,
        tableId,
        false,
      );
    this.trail.hops.push({ label: `hub ${hub.name}`, resourceId: hub.id });
    this.trail.hops.push({ label: `firewall ${address} (${hub.name})`, resourceId: firewall.id });
    this.assumeFirewallForwards(firewall);
    return this.fromHubFirewall(hub);
  }

  private intoConnection(connection: HubVirtualNetworkConnection): Reach {
    const state = connection.provisioningState ?? 'Succeeded';
    if (state.toLowerCase() !== 'succeeded')
      return this.blocked(`hub connection ${connection.name} is ${state}, not Succeeded`, connection.id);
    this.trail.hops.push({ label: `connection ${connection.name}`, resourceId: connection.id });
    return this.deliverIn(connection.remoteVirtualNetworkId ?? '');
  }

  private blockedNoRoute(reason: string, resourceId: string): Reach {
    return { kind: 'blocked', reason, resourceId, noRoute: true, ...this.trail };
  }

  private blocked(reason: string, resourceId: string): Reach {
    return { kind: 'blocked', reason, resourceId, ...this.trail };
  }

  /** The address is in no audited VNet: on-premises or elsewhere behind a gateway. */
  private offEstate(reason: string, resourceId: string, _outOfScope: boolean): Reach {
    return { kind: 'unknown', reason, resourceId, outOfScope: false, offEstate: true, ...this.trail };
  }

  private unknown(reason: string, resourceId: string, outOfScope: boolean): Reach {
    return { kind: 'unknown', reason, resourceId, outOfScope, ...this.trail };
  }
}

// Route selection ---------------------------------------------------------------------------------------

/**
 * The route Azure picks for an address: longest prefix; on equal length a user route beats a Virtual WAN
 * (BGP) route beats a system route. Undefined when nothing but the default route covers the address.
 */
function bestRoute(
  estate: Estate,
  vnet: VirtualNetwork,
  table: RouteTable | undefined,
  address: string,
): Candidate | undefined {
  let best: Candidate | undefined;
  const consider = (prefix: string, rank: number, hop: NextHop): void => {
    const bits = prefixLength(prefix);
    if (bits === undefined || !ipInRange(address, prefix)) return;
    if (!best || bits > best.bits || (bits === best.bits && rank > best.rank)) best = { prefix, bits, rank, hop };
  };
  for (const prefix of vnet.addressPrefixes) consider(prefix, 0, { kind: 'local' });
  for (const peering of peeringsOf(estate, vnet)) {
    const remote = estate.virtualNetworks.get(peering.remoteVirtualNetworkId);
    for (const prefix of remote?.addressPrefixes ?? peering.remoteAddressPrefixes)
      consider(prefix, 0, { kind: 'peering', peering });
  }
  for (const connection of estate.hubConnectionsOfVnet(vnet.id)) {
    for (const prefix of learnedPrefixes(estate, connection)) consider(prefix, 1, { kind: 'hub', connection });
  }
  for (const route of table?.routes ?? []) if (table) consider(route.addressPrefix, 2, { kind: 'user', table, route });
  return best;
}

/**
 * The VNet's peerings, plus the side it does not list when the remote VNet lists a Connected peering to it:
 * ARM shows Connected only once both sides exist, so the missing side was not collected (a partial copy).
 * Its flags are then ARM's defaults.
 */
function peeringsOf(estate: Estate, vnet: VirtualNetwork): VirtualNetworkPeering[] {
  const inferred = estate
    .peeringsToVnet(vnet.id)
    .filter(
      ({ from, peering }) =>
        (peering.peeringState ?? 'Connected').toLowerCase() === 'connected' &&
        !vnet.peerings.some((p) => sameId(p.remoteVirtualNetworkId, from.id)),
    )
    .map(({ from }) => ({
      id: undefined,
      name: `(from ${from.name})`,
      remoteVirtualNetworkId: from.id,
      peeringState: 'Connected',
      allowVirtualNetworkAccess: undefined,
      allowForwardedTraffic: undefined,
      allowGatewayTransit: undefined,
      useRemoteGateways: undefined,
      remoteAddressPrefixes: [],
    }));
  return inferred.length > 0 ? [...vnet.peerings, ...inferred] : vnet.peerings;
}

/** What a connection's VNet learns from its hub: the associated table's propagated and static prefixes, and the hub's own. */
function learnedPrefixes(estate: Estate, connection: HubVirtualNetworkConnection): string[] {
  const hub = estate.virtualHubs.get(connection.hubId);
  const table = associatedTable(estate, connection);
  const prefixes: string[] = hub?.addressPrefix ? [hub.addressPrefix] : [];
  if (!hub || !table) return prefixes;
  for (const other of wanConnections(estate, hub)) {
    if (sameId(other.id, connection.id) || !propagatesTo(other, table)) continue;
    for (const p of estate.virtualNetworks.get(other.remoteVirtualNetworkId)?.addressPrefixes ?? []) prefixes.push(p);
  }
  for (const route of table.routes) for (const d of route.destinations) prefixes.push(d);
  return prefixes;
}

const DEFAULT_TABLE = 'defaultRouteTable';

/** The connection's associated table; a missing defaultRouteTable is read as the empty default table. */
function associatedTable(estate: Estate, connection: HubVirtualNetworkConnection): HubRouteTable | undefined {
  const id = connection.associatedRouteTableId ?? `${connection.hubId}/hubRouteTables/${DEFAULT_TABLE}`;
  const table = estate.hubRouteTables.get(id);
  if (table) return table;
  if (parseId(id).name.toLowerCase() !== DEFAULT_TABLE.toLowerCase()) return undefined;
  return {
    id,
    name: DEFAULT_TABLE,
    hubId: connection.hubId,
    labels: ['default'],
    routes: [],
    resource: { id, name: DEFAULT_TABLE, type: ARM_TYPES.hubRouteTable },
  };
}

/** By default a connection propagates to its hub's defaultRouteTable and the `default` label. */
function propagatesTo(connection: HubVirtualNetworkConnection, table: HubRouteTable): boolean {
  const ids = connection.propagatedRouteTableIds ?? [`${connection.hubId}/hubRouteTables/${DEFAULT_TABLE}`];
  const labels = (connection.propagatedLabels ?? ['default']).map((l) => l.toLowerCase());
  const tableLabels = table.labels.map((l) => l.toLowerCase());
  if (table.name.toLowerCase() === DEFAULT_TABLE.toLowerCase()) tableLabels.push('default');
  return ids.some((id) => sameId(id, table.id)) || labels.some((l) => tableLabels.includes(l));
}

/** Connections of every hub in the hub's Virtual WAN (only the hub's own when it names no WAN). */
function wanConnections(estate: Estate, hub: VirtualHub): HubVirtualNetworkConnection[] {
  const hubs = hub.virtualWanId
    ? estate.virtualHubs.all().filter((h) => sameId(h.virtualWanId, hub.virtualWanId))
    : [hub];
  return hubs.flatMap((h) => estate.hubConnectionsOfHub(h.id));
}

type HubBest =
  | { kind: 'connection'; connection: HubVirtualNetworkConnection; bits: number; rank: number }
  | { kind: 'static'; route: HubRouteTable['routes'][number]; bits: number; rank: number };

/** The hub table's choice for an address: longest prefix, a static route winning a tie. */
function hubBest(estate: Estate, hub: VirtualHub, table: HubRouteTable, address: string): HubBest | undefined {
  let best: HubBest | undefined;
  const better = (bits: number, rank: number): boolean =>
    !best || bits > best.bits || (bits === best.bits && rank > best.rank);
  for (const connection of wanConnections(estate, hub)) {
    if (!propagatesTo(connection, table)) continue;
    const bits = longestMatch(estate, connection, address);
    if (bits !== undefined && better(bits, 0)) best = { kind: 'connection', connection, bits, rank: 0 };
  }
  for (const route of table.routes) {
    for (const destination of route.destinations) {
      const bits = prefixLength(destination);
      if (bits !== undefined && ipInRange(address, destination) && better(bits, 1))
        best = { kind: 'static', route, bits, rank: 1 };
    }
  }
  return best;
}

function longestMatch(estate: Estate, connection: HubVirtualNetworkConnection, address: string): number | undefined {
  const prefixes = estate.virtualNetworks.get(connection.remoteVirtualNetworkId)?.addressPrefixes ?? [];
  const bits = prefixes.filter((p) => ipInRange(address, p)).map((p) => prefixLength(p) ?? 0);
  return bits.length > 0 ? bits.reduce((most, b) => Math.max(most, b), -Infinity) : undefined;
}

// Lookups -----------------------------------------------------------------------------------------------

/** The subnet of a VNet whose prefix holds an address. */
export function subnetHolding(estate: Estate, vnet: VirtualNetwork, address: string): Subnet | undefined {
  return vnet.subnetIds
    .map((id) => estate.subnets.get(id))
    .find((s): s is Subnet => s !== undefined && ipInAnyRange(address, s.addressPrefixes) !== undefined);
}

/** The Azure Firewall holding a private address in a VNet (by its IP configurations' subnets). */
export function firewallAt(estate: Estate, address: string, vnetId: string): AzureFirewall | undefined {
  return estate.azureFirewalls
    .all()
    .find((f) => f.privateIPAddresses.includes(address) && f.subnetIds.some((s) => sameId(parentId(s), vnetId)));
}

/** `Caller snet-app → UDR 10.1.1.0/24 → firewall 10.0.1.4 (vnet-hub) → peering → endpoint 10.1.1.4`. */
export function renderHops(hops: readonly Hop[]): string {
  return hops.map((h) => h.label).join(' → ');
}
