import { idKey, parentId, sameId } from '../model/arm';
import type { CallerProfile } from '../model/caller';
import { requiredZoneName } from '../model/cloud';
import type { Estate } from '../model/estate';
import type {
  NetworkInterface,
  PrivateDnsZone,
  PrivateEndpoint,
  Vault,
  VirtualNetwork,
  VirtualNetworkLink,
} from '../model/types';
import { ipInAnyRange } from './cidr';
import { carryingEndpoints } from './endpoints';
import type { Origin } from './reach';
import { resolveVault } from './resolve';

/**
 * Shared checks over the access path, used by several rules (and by the text/HTML reporters only
 * through findings). Pure functions of the estate and the caller profile.
 */

/** The zone a vault's private endpoint must be served from, or undefined when the cloud is unknown. */
export function requiredZoneFor(vault: Vault): string | undefined {
  return vault.cloud ? requiredZoneName(vault.cloud, vault.kind) : undefined;
}

export interface CallerNetworks {
  /** The VNets whose DNS resolution and routing decide the caller's path. */
  vnetIds: string[];
  /** `caller`: given by the user; `default`: the vault's private endpoint VNets (DESIGN 2.2); `none`: an internet caller. */
  source: 'caller' | 'default' | 'none';
}

/** Where the caller sits: its own VNet, or by default the VNets of the vault's private endpoints. */
export function callerNetworks(estate: Estate, vault: Vault, caller: CallerProfile): CallerNetworks {
  const given = caller.vnetId ?? (caller.subnetId ? parentId(caller.subnetId) : undefined);
  if (given) return { vnetIds: [given], source: 'caller' };
  if (caller.ips.length > 0 || caller.trustedService) return { vnetIds: [], source: 'none' };
  const ids = new Map<string, string>();
  // Only endpoints that carry traffic place the default caller: a Disconnected one places nobody.
  for (const endpoint of carryingEndpoints(estate, vault)) {
    const vnetId = endpoint.subnetId ? parentId(endpoint.subnetId) : undefined;
    if (vnetId) ids.set(idKey(vnetId), vnetId);
  }
  return { vnetIds: [...ids.values()], source: 'default' };
}

/**
 * Where the caller's packets and DNS queries start: its subnet (route table applies) or VNet; by default
 * each private endpoint's VNet (DESIGN 2.2), with no subnet named.
 */
export function callerOrigins(estate: Estate, vault: Vault, caller: CallerProfile): Origin[] {
  const networks = callerNetworks(estate, vault, caller);
  return networks.vnetIds.map((vnetId) =>
    networks.source === 'caller' && caller.subnetId ? { vnetId, subnetId: caller.subnetId } : { vnetId },
  );
}

/** A link that actually answers queries: provisioned and Completed. */
export function isActiveLink(link: VirtualNetworkLink): boolean {
  return (
    (link.state ?? 'Completed').toLowerCase() === 'completed' &&
    (link.provisioningState ?? 'Succeeded').toLowerCase() === 'succeeded'
  );
}

export type Resolution =
  /** The VNet itself is linked to the zone (Azure-provided DNS answers from the zone). */
  | { kind: 'linked'; link: VirtualNetworkLink }
  /** The VNet's custom DNS servers live in a VNet that is linked (hub forwarder / DNS private resolver). */
  | { kind: 'via-dns-server'; dnsServer: string; serverVnet: VirtualNetwork; link: VirtualNetworkLink }
  /** A link exists but is not Completed/Succeeded. */
  | { kind: 'link-inactive'; link: VirtualNetworkLink }
  /** Custom DNS servers outside every audited VNet (on-premises, another cloud): not visible to kvguard. */
  | { kind: 'unknown-dns-server'; dnsServers: string[] }
  | { kind: 'not-linked' };

/** Azure-provided DNS: a VNet may also list it explicitly among its custom DNS servers. */
export const AZURE_PROVIDED_DNS = '168.63.129.16';

/**
 * How a VNet resolves names in a zone. Azure-provided DNS resolves a private zone only for linked VNets;
 * peering does not carry links. A VNet with custom DNS servers resolves through those servers, so what
 * matters is whether the VNet holding the servers is linked (168.63.129.16 listed explicitly is the
 * VNet's own Azure-provided DNS).
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration
 */
export function resolutionOf(estate: Estate, zone: PrivateDnsZone, vnetId: string): Resolution {
  // From the VNet's side: a hub zone has a link per spoke, a VNet has a few links (issue 7: no scan per vault).
  const linksFrom = (id: string): VirtualNetworkLink[] =>
    estate.linksToVnet(id).filter((l) => sameId(l.zoneId, zone.id));
  const ownLinks = linksFrom(vnetId);
  const customDns = estate.virtualNetworks.get(vnetId)?.dnsServers ?? [];
  if (customDns.length === 0) {
    const active = ownLinks.find(isActiveLink);
    if (active) return { kind: 'linked', link: active };
    const inactive = ownLinks[0];
    return inactive ? { kind: 'link-inactive', link: inactive } : { kind: 'not-linked' };
  }
  const unknown: string[] = [];
  let inactiveFound: VirtualNetworkLink | undefined;
  for (const server of customDns) {
    if (server.trim() === AZURE_PROVIDED_DNS) {
      const active = ownLinks.find(isActiveLink);
      if (active) return { kind: 'linked', link: active };
      inactiveFound = inactiveFound ?? ownLinks[0];
      continue;
    }
    const serverVnet = vnetContaining(estate, server);
    if (!serverVnet) {
      unknown.push(server);
      continue;
    }
    const serverLinks = linksFrom(serverVnet.id);
    const active = serverLinks.find(isActiveLink);
    if (active) return { kind: 'via-dns-server', dnsServer: server, serverVnet, link: active };
    inactiveFound = inactiveFound ?? serverLinks[0];
  }
  if (inactiveFound) return { kind: 'link-inactive', link: inactiveFound };
  return unknown.length > 0 ? { kind: 'unknown-dns-server', dnsServers: unknown } : { kind: 'not-linked' };
}

/** The audited VNet whose address space holds an address (a DNS server's, usually). */
export function vnetContaining(estate: Estate, address: string): VirtualNetwork | undefined {
  return estate.virtualNetworks.all().find((v) => ipInAnyRange(address, v.addressPrefixes) !== undefined);
}

/**
 * The zones that serve a vault's name to the caller: zones with the required name that resolve for a caller
 * VNet; failing that, the zones its endpoints' DNS zone groups point at; failing that, every zone with
 * the required name in the estate.
 */
export function zonesServing(estate: Estate, vault: Vault, caller: CallerProfile): PrivateDnsZone[] {
  const required = requiredZoneFor(vault);
  if (!required) return [];
  const candidates = estate.zonesNamed(required);
  // The zones the caller's resolution lands in (issue 11): its DNS servers, resolvers and rulesets decide.
  const reached = new Set<string>();
  for (const origin of callerOrigins(estate, vault, caller)) {
    const answer = resolveVault(estate, vault, origin);
    if (answer?.kind === 'zone' && answer.zone.name === required) reached.add(idKey(answer.zone.id));
  }
  const resolving = candidates.filter((zone) => reached.has(idKey(zone.id)));
  if (resolving.length > 0) return resolving;
  const grouped = zoneGroupZoneIds(estate, vault);
  const referenced = candidates.filter((zone) => grouped.has(idKey(zone.id)));
  return referenced.length > 0 ? referenced : candidates;
}

/** Ids (idKey) of every zone the vault's endpoints' DNS zone groups point at. */
export function zoneGroupZoneIds(estate: Estate, vault: Vault): Set<string> {
  const ids = new Set<string>();
  for (const endpoint of carryingEndpoints(estate, vault)) {
    for (const group of estate.zoneGroupsOf(endpoint.id)) {
      for (const config of group.configs) if (config.privateDnsZoneId) ids.add(idKey(config.privateDnsZoneId));
    }
  }
  return ids;
}

/** The private IPs a vault's endpoint NICs hold for the vault (sorted, unique). */
export function endpointAddresses(
  estate: Estate,
  endpoints: readonly PrivateEndpoint[],
): { addresses: string[]; nics: NetworkInterface[]; missingNics: string[] } {
  const addresses = new Set<string>();
  const nics: NetworkInterface[] = [];
  const missingNics: string[] = [];
  for (const endpoint of endpoints) {
    const found = estate.nicsOf(endpoint);
    for (const nic of found.nics) nics.push(nic);
    for (const id of found.missing) missingNics.push(id);
    for (const nic of found.nics) {
      for (const config of nic.ipConfigurations) {
        if (config.privateIPAddress) addresses.add(config.privateIPAddress);
      }
    }
  }
  return { addresses: [...addresses].sort(compareAddresses), nics, missingNics };
}

export function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export { isApproved } from './endpoints';

/** Whether two VNets can route to each other: the same VNet, or a Connected peering between them. */
export function vnetsConnected(estate: Estate, from: string, to: string): boolean {
  if (sameId(from, to)) return true;
  const peeredFrom = estate.virtualNetworks
    .get(from)
    ?.peerings.some(
      (p) => sameId(p.remoteVirtualNetworkId, to) && (p.peeringState ?? 'Connected').toLowerCase() === 'connected',
    );
  const peeredTo = estate.virtualNetworks
    .get(to)
    ?.peerings.some(
      (p) => sameId(p.remoteVirtualNetworkId, from) && (p.peeringState ?? 'Connected').toLowerCase() === 'connected',
    );
  return Boolean(peeredFrom || peeredTo);
}
