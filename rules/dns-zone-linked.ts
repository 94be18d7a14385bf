import { callerNetworks, callerOrigins, isActiveLink, vnetsConnected } from '../src/checks/access-path';
import type { Origin } from '../src/checks/reach';
import { type DnsAnswer, renderChain, resolveVault } from '../src/checks/resolve';
import { dnsScope, noRequiredZone, unjudgedLinks } from './shared/dns-scope';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { parseId, sameId } from '../src/model/arm';
import type { CallerProfile } from '../src/model/caller';
import type { Estate } from '../src/model/estate';
import type { JsonObject } from '../src/model/arm';
import type { PrivateDnsZone, Vault, VirtualNetworkLink } from '../src/model/types';

/**
 * Azure-provided DNS answers from a private zone only in VNets linked to it; peering does not carry links.
 * The caller's resolution is followed as Azure runs it (src/checks/resolve.ts): its DNS servers in order,
 * resolvers, firewall DNS proxies and forwarding rulesets; the rule passes when the answer comes from a
 * zone of the required name, wherever it is linked.
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
    const results = callerOrigins(estate, vault, caller).map((origin) =>
      resultFor(estate, vault, zones, origin, scope.requiredZone),
    );
    // The default caller sits in each carrying endpoint's VNet; a link not judged is named, not guessed.
    if (networks.source === 'default') for (const r of unjudgedLinks(scope.traffic)) results.push(r);
    if (results.length === 0)
      return [error(vault.id, `cannot tell which VNet calls ${vault.name}: its private endpoints name no subnet`)];
    return results;
  },
};

function outsideCaller(caller: CallerProfile): string {
  return caller.ips.length > 0 ? `caller IP ${caller.ips.join(', ')}` : 'a trusted Microsoft service';
}

function resultFor(
  estate: Estate,
  vault: Vault,
  zones: readonly PrivateDnsZone[],
  origin: Origin,
  required: string,
): RuleResult {
  const vnetId = origin.vnetId;
  const vnetName = nameOfVnet(estate, vnetId);
  if (!estate.virtualNetworks.get(vnetId)) {
    // A link from the zone still shows the VNet resolves it (Azure-provided DNS), whatever its servers.
    const link = zones
      .flatMap((zone) => estate.linksToVnet(vnetId).filter((l) => sameId(l.zoneId, zone.id)))
      .find(isActiveLink);
    if (link) return pass(link.id, `${vnetName} is linked to ${required} (link ${link.name})`);
    return error(
      vnetId,
      `VNet ${vnetName} is not in the audited scope, so its DNS servers cannot be read; ${required} has no link to it`,
    );
  }
  const answer = resolveVault(estate, vault, origin);
  if (!answer) return error(vault.id, `${vault.name}: cannot tell which name to resolve`);
  const evidence = evidenceOf(answer);
  const assumed = answer.assumptions.map((a) => a.text);
  const suffix = assumed.length > 0 ? `; ${assumed.join('; ')}` : '';
  switch (answer.kind) {
    case 'zone': {
      const { link, zone } = answer;
      if (zone.name !== required)
        return fail(
          link.id,
          `${vnetName} resolves ${vault.name} in zone ${zone.name} (link ${link.name}), which answers for all of ${zone.name} and never hands the query to ${required}`,
          evidence,
        );
      if (answer.direct) return pass(link.id, `${vnetName} is linked to ${required} (link ${link.name})`, evidence);
      return pass(
        link.id,
        `${vnetName} resolves ${required} through ${middleOf(answer)}, which is linked (link ${link.name})${suffix}`,
        evidence,
      );
    }
    case 'public':
      return fail(
        answer.inactiveLink?.id ?? vnetId,
        publicMessage(estate, vault, zones, answer, vnetId, vnetName, required),
        evidence,
      );
    case 'unanswered':
      return fail(
        answer.resourceId || vnetId,
        `${vnetName} gets no DNS answer for ${vault.name}: ${answer.reason}`,
        evidence,
      );
    case 'unknown': {
      const message = answer.reason;
      return answer.outOfScope
        ? error(answer.resourceId, message, evidence)
        : skip(answer.resourceId || vnetId, message, evidence);
    }
  }
}

function evidenceOf(answer: DnsAnswer): JsonObject {
  const evidence: JsonObject = { dns: renderChain(answer) };
  if (answer.assumptions.length > 0) evidence.assumptions = answer.assumptions.map((a) => a.text);
  return evidence;
}

/** The hops between the caller's VNet and the zone: `DNS server 10.0.0.4 (vnet-hub)`, `ruleset rs-hub (...) → inbound endpoint ...`. */
function middleOf(answer: DnsAnswer): string {
  return answer.chain
    .slice(1, answer.kind === 'zone' ? -1 : undefined)
    .map((h) => h.label)
    .join(' → ');
}

function publicMessage(
  estate: Estate,
  vault: Vault,
  zones: readonly PrivateDnsZone[],
  answer: Extract<DnsAnswer, { kind: 'public' }>,
  vnetId: string,
  vnetName: string,
  required: string,
): string {
  if (answer.server) {
    const servers = estate.virtualNetworks.get(vnetId)?.dnsServers ?? [];
    const before = servers.indexOf(answer.server) > 0 ? ` (the DNS servers listed before it do not answer)` : '';
    return `${vnetName} resolves through public resolver ${answer.server}${before}, which cannot see private DNS zones and answers with ${vault.name}'s public address`;
  }
  if (answer.inactiveLink) return inactiveMessage(estate, answer.inactiveLink, vnetId, vnetName, required);
  if (!sameId(answer.vnetId, vnetId)) {
    const via = middleOf(answer).replace(/ → public DNS$/, '');
    return `${vnetName} resolves through ${via}, and ${nameOfVnet(estate, answer.vnetId)} is not linked to ${required}, so ${vault.name} resolves to its public address`;
  }
  return notLinkedMessage(estate, vault, zones, vnetId, vnetName, required);
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
  const linkedPeer = zones
    .flatMap((zone) => estate.linksOf(zone.id).filter(isActiveLink))
    .map((link) => link.virtualNetworkId)
    .find(
      (linked): linked is string =>
        linked !== undefined && !sameId(linked, vnetId) && vnetsConnected(estate, vnetId, linked),
    );
  const disabled = disabledRuleNote(estate, vnetId, required);
  if (linkedPeer) {
    return `${vnetName} uses Azure-provided DNS and is not linked to ${required}; it is peered to ${nameOfVnet(estate, linkedPeer)}, which is linked, but peering does not carry private DNS zone links${disabled}`;
  }
  return `${vnetName} uses Azure-provided DNS and is not linked to ${required}, so ${vault.name} resolves to its public address there${disabled}`;
}

/**
 * A forwarding rule for the zone in a ruleset linked to the VNet that would have resolved it, but is Disabled
 * (a Disabled rule forwards nothing: https://learn.microsoft.com/azure/dns/private-resolver-endpoints-rulesets#rules):
 * named, since enabling it is the other fix.
 */
function disabledRuleNote(estate: Estate, vnetId: string, required: string): string {
  for (const link of estate.rulesetLinksToVnet(vnetId))
    for (const rule of estate.forwardingRulesOf(link.rulesetId)) {
      const domain = rule.domainName.replace(/\.$/, '');
      const covers = domain === required || required.endsWith(`.${domain}`);
      if (covers && (rule.state ?? 'Enabled').toLowerCase() !== 'enabled') {
        const ruleset = estate.forwardingRulesets.get(rule.rulesetId)?.name ?? parseId(rule.rulesetId).name;
        return `; rule ${rule.name} (${rule.domainName}) of forwarding ruleset ${ruleset}, linked to it, is ${rule.state}`;
      }
    }
  return '';
}

function nameOfVnet(estate: Estate, vnetId: string): string {
  return estate.virtualNetworks.get(vnetId)?.name ?? parseId(vnetId).name;
}
