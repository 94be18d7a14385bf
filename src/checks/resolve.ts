import { ARM_TYPES } from '../model/arm-types';
import { idKey, parentId, parseId, sameId } from '../model/arm';
import { requiredZoneName } from '../model/cloud';
import type { Estate } from '../model/estate';
import type { AzureFirewall, ForwardingRule } from '../model/network-types';
import type { ARecordSet, PrivateDnsZone, Vault, VirtualNetwork, VirtualNetworkLink } from '../model/types';
import { isPrivateAddress } from './prefix';
import { type Assumption, type Hop, type Origin, firewallAt, reach } from './reach';

/**
 * The DNS answer a caller gets for a vault's name, as Azure resolves it: the caller VNet's DNS servers in
 * order (the first that answers decides; one the caller cannot reach does not answer, and the client moves
 * on); 168.63.129.16 is the VNet's Azure-provided DNS, which applies the forwarding rulesets linked to the
 * VNet, then the private zones linked to it, then public DNS; a Private Resolver inbound endpoint or an
 * Azure Firewall DNS proxy resolves as its own VNet does; a public resolver cannot see private zones and
 * answers with the public address.
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration
 * https://learn.microsoft.com/azure/dns/private-resolver-endpoints-rulesets
 */

export const AZURE_DNS = '168.63.129.16';

interface Chain {
  chain: Hop[];
  assumptions: Assumption[];
}

export type DnsAnswer =
  /** Azure DNS answered from a private zone linked to `vnetId` (the record is undefined: NXDOMAIN there). */
  | (Chain & {
      kind: 'zone';
      zone: PrivateDnsZone;
      link: VirtualNetworkLink;
      record: ARecordSet | undefined;
      vnetId: string;
      /** The caller's own VNet answered (no server, resolver or ruleset in between). */
      direct: boolean;
    })
  /** The answer is the vault's public address: Azure DNS of an unlinked VNet, or a public resolver. */
  | (Chain & {
      kind: 'public';
      vnetId: string;
      server: string | undefined;
      inactiveLink: VirtualNetworkLink | undefined;
    })
  /** No DNS server answers (unreachable, or not listening). */
  | (Chain & { kind: 'unanswered'; reason: string; resourceId: string })
  /** A server ARM cannot see into (on-premises, another cloud), or a resource out of scope (`outOfScope`). */
  | (Chain & { kind: 'unknown'; reason: string; resourceId: string; outOfScope: boolean });

/** The names the caller's lookup passes through: the vault's host, then the privatelink CNAME target. */
export interface Query {
  host: string;
  privateName: string;
  requiredZone: string;
  relativeName: string;
}

export function queryFor(vault: Vault): Query | undefined {
  if (!vault.cloud) return undefined;
  const requiredZone = requiredZoneName(vault.cloud, vault.kind);
  const relativeName = vault.name.toLowerCase();
  let host = `${relativeName}.${requiredZone.replace(/^privatelink\./, '')}`;
  try {
    if (vault.uri) host = new URL(vault.uri).hostname.toLowerCase();
  } catch {
    // keep the derived host
  }
  return { host, privateName: `${relativeName}.${requiredZone}`, requiredZone, relativeName };
}

const MAX_DEPTH = 6;
const memo = new WeakMap<Estate, Map<string, DnsAnswer>>();

/** The answer for a vault's name from a caller location (memoized per estate). */
export function resolveVault(estate: Estate, vault: Vault, origin: Origin): DnsAnswer | undefined {
  const query = queryFor(vault);
  if (!query) return undefined;
  let cache = memo.get(estate);
  if (!cache) memo.set(estate, (cache = new Map()));
  const key = `${idKey(origin.vnetId)}|${idKey(origin.subnetId ?? '')}|${query.privateName}|${query.host}`;
  let found = cache.get(key);
  if (!found) cache.set(key, (found = new Resolver(estate, query).fromVnet(origin)));
  return found;
}

class Resolver {
  private readonly trail: Chain = { chain: [], assumptions: [] };
  private depth = 0;

  constructor(
    private readonly estate: Estate,
    private readonly query: Query,
  ) {}

  fromVnet(origin: Origin): DnsAnswer {
    const vnet = this.estate.virtualNetworks.get(origin.vnetId);
    if (!vnet)
      return this.unknown(
        `VNet ${parseId(origin.vnetId).name} is not in the audited scope, so its DNS servers cannot be read`,
        origin.vnetId,
        true,
      );
    this.trail.chain.push({ label: vnet.name, resourceId: vnet.id });
    const servers = vnet.dnsServers.length > 0 ? vnet.dnsServers : [AZURE_DNS];
    return this.servers(origin, vnet, servers, `${vnet.name} uses`);
  }

  /** Servers in order: the first that answers decides. `who` names the asker in messages: `vnet-app uses`, `ruleset rs-hub forwards to`. */
  private servers(origin: Origin, asker: VirtualNetwork, servers: readonly string[], who: string): DnsAnswer {
    const silent: string[] = [];
    for (const raw of servers) {
      const server = raw.trim();
      if (server === AZURE_DNS) return this.azureDns(asker, this.depth === 0 && this.trail.chain.length === 1);
      if (!isPrivateAddress(server)) {
        this.trail.chain.push({ label: `public resolver ${server}` });
        return { kind: 'public', vnetId: asker.id, server, inactiveLink: undefined, ...this.trail };
      }
      const answer = this.privateServer(origin, asker, server, silent, who);
      if (answer) return answer;
    }
    return {
      kind: 'unanswered',
      reason: `no DNS server of ${asker.name} answers: ${silent.join('; ')}`,
      resourceId: asker.id,
      ...this.trail,
    };
  }

  /** A private server address: reached from the asker, then what sits there decides how it answers. */
  private privateServer(
    origin: Origin,
    asker: VirtualNetwork,
    server: string,
    silent: string[],
    who: string,
  ): DnsAnswer | undefined {
    const path = reach(this.estate, origin, { ip: server, port: 53, protocol: 'Udp', label: `DNS server ${server}` });
    if (path.kind === 'blocked') {
      silent.push(`${server} cannot be reached (${path.reason})`);
      return undefined;
    }
    if (path.kind === 'unknown') {
      const onPremises = path.offEstate === true;
      const reason = onPremises
        ? `${who} DNS server ${server} outside every audited VNet: kvguard cannot see whether it forwards ${this.query.requiredZone} to Azure DNS (${AZURE_DNS})`
        : `cannot tell whether DNS server ${server} answers: ${path.reason}`;
      this.trail.chain.push({ label: `DNS server ${server} (unknown)` });
      return this.unknown(reason, path.resourceId, path.outOfScope);
    }
    for (const a of path.assumptions) this.trail.assumptions.push(a);
    const vnet = this.estate.virtualNetworks.get(path.vnetId);
    if (!vnet) return this.unknown(`VNet ${parseId(path.vnetId).name} is not in the audited scope`, path.vnetId, true);
    const inbound = this.estate.inboundEndpoints
      .all()
      .find((e) => e.privateIpAddresses.includes(server) && e.subnetIds.some((s) => sameId(parentId(s), vnet.id)));
    if (inbound) {
      this.trail.chain.push({ label: `inbound endpoint ${server} (${vnet.name})`, resourceId: inbound.id });
      return this.azureDns(vnet, false);
    }
    const firewall = firewallAt(this.estate, server, vnet.id);
    if (firewall) return this.firewallProxy(firewall, vnet, server, silent);
    this.trail.chain.push({ label: `DNS server ${server} (${vnet.name})`, resourceId: vnet.id });
    this.trail.assumptions.push({
      text: `assumes the DNS server at ${server} in ${vnet.name} forwards to Azure DNS (${AZURE_DNS}): kvguard cannot see its configuration`,
      resourceId: vnet.id,
    });
    return this.azureDns(vnet, false);
  }

  /**
   * Azure Firewall answers DNS only with DNS proxy on; it forwards to the policy's servers, or to Azure DNS.
   * https://learn.microsoft.com/azure/firewall/dns-settings
   */
  private firewallProxy(
    firewall: AzureFirewall,
    vnet: VirtualNetwork,
    server: string,
    silent: string[],
  ): DnsAnswer | undefined {
    const policy = firewall.firewallPolicyId ? this.estate.firewallPolicies.get(firewall.firewallPolicyId) : undefined;
    if (firewall.firewallPolicyId && !policy)
      return this.unknown(
        `firewall policy ${parseId(firewall.firewallPolicyId).name} of firewall ${firewall.name} is not in the audited scope`,
        firewall.firewallPolicyId,
        true,
      );
    const proxy = policy ? policy.dnsProxy : firewall.classicDnsProxy;
    if (!proxy) {
      silent.push(`${server} is firewall ${firewall.name}, whose DNS proxy is off`);
      return undefined;
    }
    this.trail.chain.push({
      label: `firewall DNS proxy ${server} (${vnet.name})`,
      resourceId: policy?.id ?? firewall.id,
    });
    const servers = policy ? policy.dnsServers : firewall.classicDnsServers;
    return this.deeper(() =>
      this.servers(
        { vnetId: vnet.id, subnetId: firewall.subnetIds[0] },
        vnet,
        servers.length > 0 ? servers : [AZURE_DNS],
        `the DNS proxy of firewall ${firewall.name} forwards to`,
      ),
    );
  }

  /** Azure-provided DNS as a VNet sees it: linked forwarding rulesets first, then linked private zones, then public DNS. */
  private azureDns(vnet: VirtualNetwork, direct: boolean): DnsAnswer {
    const forwarded = this.forwardingRule(vnet);
    if (forwarded) return forwarded;
    const zone = this.linkedZone(vnet);
    if (zone?.active) {
      const { link, zone: found } = zone;
      this.trail.chain.push({ label: `zone ${found.name} (${vnet.name})`, resourceId: link.id });
      const relative = this.query.privateName.slice(0, -(found.name.length + 1));
      const record = this.estate.aRecord(found.id, relative);
      return { kind: 'zone', zone: found, link, record, vnetId: vnet.id, direct, ...this.trail };
    }
    this.trail.chain.push({ label: 'public DNS' });
    return { kind: 'public', vnetId: vnet.id, server: undefined, inactiveLink: zone?.link, ...this.trail };
  }

  /**
   * The forwarding rule for the query in the rulesets linked to the VNet: the longest matching domain, over
   * the vault's host and the privatelink name its CNAME leads to. The query leaves from the ruleset's
   * outbound endpoint, so the targets are reached from the resolver's VNet, not the caller's.
   */
  private forwardingRule(vnet: VirtualNetwork): DnsAnswer | undefined {
    const unread = this.unreadRulesets(vnet);
    if (unread) return unread;
    let best: { rule: ForwardingRule; length: number } | undefined;
    for (const link of this.estate.rulesetLinksToVnet(vnet.id)) {
      for (const rule of this.estate.forwardingRulesOf(link.rulesetId)) {
        if ((rule.state ?? 'Enabled').toLowerCase() !== 'enabled') continue;
        const domain = rule.domainName.replace(/\.$/, '');
        const matches = [this.query.host, this.query.privateName].some(
          (n) => n === domain || n.endsWith(`.${domain}`) || domain === '',
        );
        if (matches && (!best || domain.length > best.length)) best = { rule, length: domain.length };
      }
    }
    if (!best) return undefined;
    const { rule } = best;
    const ruleset = this.estate.forwardingRulesets.get(rule.rulesetId);
    const rulesetName = ruleset?.name ?? parseId(rule.rulesetId).name;
    this.trail.chain.push({ label: `ruleset ${rulesetName} (${rule.domainName})`, resourceId: rule.id });
    const origin = ruleset ? this.outboundOrigin(ruleset.outboundEndpointIds) : undefined;
    if (!origin)
      return this.unknown(
        `the DNS resolver of forwarding ruleset ${rulesetName} is not in the audited scope, so where it forwards from is unknown`,
        rule.rulesetId,
        true,
      );
    const from = this.estate.virtualNetworks.get(origin.vnetId);
    if (!from)
      return this.unknown(
        `VNet ${parseId(origin.vnetId).name} of the DNS resolver is not in the audited scope`,
        origin.vnetId,
        true,
      );
    // ARM requires a target (ForwardingRule.targetDnsServers); a plan can leave all of them unknown (a Dynamic
    // inbound endpoint's address): then the rule, not the resolver's VNet, is what answers nothing.
    if (rule.targets.length === 0)
      return {
        kind: 'unanswered',
        reason: `rule ${rule.name} of ruleset ${rulesetName} forwards to no DNS server`,
        resourceId: rule.id,
        ...this.trail,
      };
    return this.deeper(() =>
      this.servers(
        origin,
        from,
        rule.targets.map((t) => t.ipAddress),
        `rule ${rule.name} of ruleset ${rulesetName} forwards to`,
      ),
    );
  }

  /**
   * Rulesets exist but the source cannot hold their links or rules (a Resource Graph snapshot): whether one
   * applies to the VNet is unknown, so Azure DNS's answer is too. No ruleset in the estate: none applies.
   */
  private unreadRulesets(vnet: VirtualNetwork): DnsAnswer | undefined {
    if (this.estate.forwardingRulesets.size === 0) return undefined;
    const links = this.estate.unreadType(ARM_TYPES.rulesetLink);
    if (links)
      return this.unknown(
        `whether a DNS forwarding ruleset is linked to ${vnet.name} is unknown: ruleset virtual network links were not collected (${links})`,
        vnet.id,
        false,
      );
    const rules = this.estate.unreadType(ARM_TYPES.forwardingRule);
    const linked = this.estate.rulesetLinksToVnet(vnet.id)[0];
    if (rules && linked)
      return this.unknown(
        `which domains ruleset ${parseId(linked.rulesetId).name} forwards for ${vnet.name} is unknown: forwarding rules were not collected (${rules})`,
        linked.rulesetId,
        false,
      );
    return undefined;
  }

  /** Where a ruleset's queries leave from: its outbound endpoint's subnet, else its resolver's VNet. */
  private outboundOrigin(endpointIds: readonly string[]): Origin | undefined {
    for (const id of endpointIds) {
      const endpoint = this.estate.outboundEndpoints.get(id);
      if (endpoint?.subnetId) return { vnetId: parentId(endpoint.subnetId), subnetId: endpoint.subnetId };
      const resolver = this.estate.dnsResolvers.get(parentId(id));
      if (resolver?.virtualNetworkId) return { vnetId: resolver.virtualNetworkId };
    }
    return undefined;
  }

  /** The linked zone whose name is the longest suffix of the privatelink name; an active link wins over an inactive one. */
  private linkedZone(
    vnet: VirtualNetwork,
  ): { zone: PrivateDnsZone; link: VirtualNetworkLink; active: boolean } | undefined {
    let best: { zone: PrivateDnsZone; link: VirtualNetworkLink; active: boolean } | undefined;
    for (const link of this.estate.linksToVnet(vnet.id)) {
      const zone = this.estate.zones.get(link.zoneId);
      if (!zone) continue;
      const name = zone.name.replace(/\.$/, '');
      if (!this.query.privateName.endsWith(`.${name}`)) continue;
      const active = isActive(link);
      const longer = !best || name.length > best.zone.name.length;
      const sameButActive = best && name.length === best.zone.name.length && active && !best.active;
      if (longer || sameButActive) best = { zone, link, active };
    }
    return best;
  }

  private deeper(next: () => DnsAnswer): DnsAnswer {
    if (this.depth >= MAX_DEPTH)
      return {
        kind: 'unanswered',
        reason: 'the DNS forwarding loops (a ruleset forwards to a resolver whose VNet is linked to it)',
        resourceId: this.trail.chain.at(-1)?.resourceId ?? '',
        ...this.trail,
      };
    this.depth += 1;
    return next();
  }

  private unknown(reason: string, resourceId: string, outOfScope: boolean): DnsAnswer {
    return { kind: 'unknown', reason, resourceId, outOfScope, ...this.trail };
  }
}

/** A link that answers queries: provisioned and Completed. */
export function isActive(link: VirtualNetworkLink): boolean {
  return (
    (link.state ?? 'Completed').toLowerCase() === 'completed' &&
    (link.provisioningState ?? 'Succeeded').toLowerCase() === 'succeeded'
  );
}

/** `vnet-orders → ruleset rs-hub → inbound endpoint 10.0.0.4 → zone privatelink.vaultcore.azure.net (hub) → 10.1.1.4`. */
export function renderChain(answer: DnsAnswer): string {
  const labels = answer.chain.map((h) => h.label);
  if (answer.kind === 'zone')
    labels.push(answer.record ? answer.record.addresses.join(', ') || 'no address' : 'NXDOMAIN');
  else if (answer.kind === 'public') labels.push('public address');
  return labels.join(' → ');
}
