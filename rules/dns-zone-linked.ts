import {
  AZURE_PROVIDED_DNS,
  callerNetworks,
  isActiveLink,
  resolutionOf,
  vnetContaining,
  vnetsConnected,
  type Resolution,
} from '../src/checks/access-path';
import { dnsScope, noRequiredZone, unjudgedLinks } from './shared/dns-scope';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { parseId, sameId } from '../src/model/arm';
import type { CallerProfile } from '../src/model/caller';
import type { Estate } from '../src/model/estate';
import type { PrivateDnsZone, Vault, VirtualNetworkLink } from '../src/model/types';

/**
 * Azure-provided DNS answers from a private zone only in VNets linked to it; peering does not carry links.
 * A VNet with custom DNS servers resolves through them, so the VNet holding the servers must be linked.
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration
 */
export const dnsZoneLinked: Rule = {
  meta: {
    id: 'KV203',
    name: 'dns-zone-linked',
    title: 'Every caller VNet resolves the private DNS zone (linked, or through DNS servers in a linked VNet)',
    severity: 'error',
    link: 'dns-link',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Link the zone to the caller VNet: az network private-dns link vnet create -g <rg> -z <zone> -n <link> -v <vnet id> -e false, or point its DNS at a resolver in a linked VNet',
  },
  defaults: {},
  check({ estate, vault, caller }) {
    const scope = dnsScope(estate, vault);
    if (!scope.applies) return [scope.result];
    const networks = callerNetworks(estate, vault, caller);
    if (networks.source === 'none') {
      return [
        skip(
          vault.id,
          `the caller is not in a VNet (${outsideCaller(caller)}), so private DNS zone links do not apply`,
        ),
      ];
    }
    const zones = estate.zonesNamed(scope.requiredZone);
    if (zones.length === 0) return [noRequiredZone(vault, scope.requiredZone)];
    const results = networks.vnetIds.map((vnetId) => resultFor(estate, vault, zones, vnetId, scope.requiredZone));
    // The default caller sits in each carrying endpoint's VNet; a link not judged is named, not guessed.
    if (networks.source === 'default') results.push(...unjudgedLinks(scope.traffic));
    if (results.length === 0)
      return [error(vault.id, `cannot tell which VNet calls ${vault.name}: its private endpoints name no subnet`)];
    return results;
  },
};

function outsideCaller(caller: CallerProfile): string {
  return caller.ips.length > 0 ? `caller IP ${caller.ips.join(', ')}` : 'a trusted Microsoft service';
}

const RANK: Record<Resolution['kind'], number> = {
  linked: 0,
  'via-dns-server': 1,
  'link-inactive': 2,
  'unknown-dns-server': 3,
  'not-linked': 4,
};

function resultFor(
  estate: Estate,
  vault: Vault,
  zones: readonly PrivateDnsZone[],
  vnetId: string,
  required: string,
): RuleResult {
  // A VNet can be linked to only one zone of a name; with several same-named zones, the one that resolves decides.
  const best = zones
    .map((zone) => resolutionOf(estate, zone, vnetId))
    .sort((a, b) => RANK[a.kind] - RANK[b.kind])[0] ?? { kind: 'not-linked' };
  const vnetName = nameOfVnet(estate, vnetId);
  if (best.kind === 'linked')
    return pass(best.link.id, `${vnetName} is linked to ${required} (link ${best.link.name})`);
  if (!estate.virtualNetworks.get(vnetId)) {
    return error(
      vnetId,
      `VNet ${vnetName} is not in the audited scope, so its DNS servers cannot be read; ${required} has no link to it`,
    );
  }
  switch (best.kind) {
    case 'via-dns-server':
      return pass(
        best.link.id,
        `${vnetName} resolves ${required} through DNS server ${best.dnsServer} in ${best.serverVnet.name}, which is linked (link ${best.link.name})`,
      );
    case 'link-inactive':
      return fail(best.link.id, inactiveMessage(estate, best.link, vnetId, vnetName, required));
    case 'unknown-dns-server':
      return skip(
        vnetId,
        `${vnetName} uses DNS server${best.dnsServers.length === 1 ? '' : 's'} ${best.dnsServers.join(', ')} outside every audited VNet: kvguard cannot see whether ${best.dnsServers.length === 1 ? 'it forwards' : 'they forward'} ${required} to Azure DNS (${AZURE_PROVIDED_DNS})`,
      );
    default:
      return fail(vnetId, notLinkedMessage(estate, vault, zones, vnetId, vnetName, required));
  }
}

function inactiveMessage(
  estate: Estate,
  link: VirtualNetworkLink,
  vnetId: string,
  vnetName: string,
  required: string,
): string {
  const state = `virtualNetworkLinkState ${link.state ?? 'unknown'}, provisioningState ${link.provisioningState ?? 'unknown'}`;
  if (sameId(link.virtualNetworkId, vnetId))
    return `link ${link.name} from ${vnetName} to ${required} is not active (${state})`;
  const serverVnet = link.virtualNetworkId ? nameOfVnet(estate, link.virtualNetworkId) : 'another VNet';
  return `${vnetName} resolves through DNS servers in ${serverVnet}, whose link ${link.name} to ${required} is not active (${state})`;
}

function notLinkedMessage(
  estate: Estate,
  vault: Vault,
  zones: readonly PrivateDnsZone[],
  vnetId: string,
  vnetName: string,
  required: string,
): string {
  const servers = estate.virtualNetworks.get(vnetId)?.dnsServers ?? [];
  if (servers.length > 0) {
    const vnetOf = (server: string): string =>
      server.trim() === AZURE_PROVIDED_DNS
        ? vnetName
        : (vnetContaining(estate, server)?.name ?? 'an unaudited network');
    if (servers.length === 1) {
      const server = servers[0] ?? '';
      return `${vnetName} resolves through DNS server ${server} in ${vnetOf(server)}, which is not linked to ${required}`;
    }
    return `${vnetName} resolves through DNS servers ${servers.map((s) => `${s} (${vnetOf(s)})`).join(', ')}, but ${required} is linked to none of those VNets`;
  }
  const linkedPeer = zones
    .flatMap((zone) => estate.linksOf(zone.id).filter(isActiveLink))
    .map((link) => link.virtualNetworkId)
    .find(
      (linked): linked is string =>
        linked !== undefined && !sameId(linked, vnetId) && vnetsConnected(estate, vnetId, linked),
    );
  if (linkedPeer) {
    return `${vnetName} uses Azure-provided DNS and is not linked to ${required}; it is peered to ${nameOfVnet(estate, linkedPeer)}, which is linked, but peering does not carry private DNS zone links`;
  }
  return `${vnetName} uses Azure-provided DNS and is not linked to ${required}, so ${vault.name} resolves to its public address there`;
}

function nameOfVnet(estate: Estate, vnetId: string): string {
  return estate.virtualNetworks.get(vnetId)?.name ?? parseId(vnetId).name;
}
