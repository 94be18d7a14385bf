import type { NetworkSecurityGroup, SecurityRule } from '../model/network-types';
import { ipInRange } from './cidr';
import { rangeWithin, rangesOverlap } from './prefix';

/**
 * Inbound NSG evaluation for one flow: rules in priority order, the first match decides. Default rules
 * apply when the NSG body does not list them (every NSG carries them).
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 */
export interface Flow {
  /** The source's address blocks (the caller's subnet or VNet). */
  sourcePrefixes: string[];
  destination: string;
  port: number;
  protocol: 'Tcp' | 'Udp';
}

export type NsgDecision =
  { kind: 'allow' | 'deny'; rule: SecurityRule } | { kind: 'unknown'; rule: SecurityRule; reason: string };

const DEFAULT_INBOUND: SecurityRule[] = [
  rule('AllowVnetInBound', 65000, 'Allow', ['VirtualNetwork'], ['VirtualNetwork']),
  rule('AllowAzureLoadBalancerInBound', 65001, 'Allow', ['AzureLoadBalancer'], ['*']),
  rule('DenyAllInBound', 65500, 'Deny', ['*'], ['*']),
];

function rule(name: string, priority: number, access: string, source: string[], destination: string[]): SecurityRule {
  return {
    name,
    priority,
    direction: 'Inbound',
    access,
    protocol: '*',
    sourceAddressPrefixes: source,
    destinationAddressPrefixes: destination,
    destinationPortRanges: ['*'],
    isDefault: true,
  };
}

type Match = boolean | string;

function portMatches(ranges: readonly string[], port: number): boolean {
  return ranges.some((range) => {
    if (range === '*') return true;
    const [low, high] = range.split('-').map(Number);
    return low !== undefined && port >= low && port <= (high ?? low);
  });
}

/** Source match: `*` and `VirtualNetwork` hold VNet traffic (peered and hub-connected VNets included). */
function sourceMatches(prefixes: readonly string[], flow: Flow): Match {
  let partial: string | undefined;
  for (const prefix of prefixes) {
    const tag = prefix.toLowerCase();
    if (tag === '*' || tag === 'any' || tag === 'virtualnetwork') return true;
    if (tag === 'internet' || tag === 'azureloadbalancer') continue;
    if (!/^[\d./]+$/.test(prefix)) return `source ${prefix} is a service tag or group kvguard does not expand`;
    if (flow.sourcePrefixes.length > 0 && flow.sourcePrefixes.every((s) => rangeWithin(s, prefix))) return true;
    if (flow.sourcePrefixes.some((s) => rangesOverlap(s, prefix)))
      partial ??= `source ${prefix} covers only part of the caller's ${flow.sourcePrefixes.join(', ')}`;
  }
  return partial ?? false;
}

function destinationMatches(prefixes: readonly string[], flow: Flow): Match {
  if (prefixes.length === 0) return 'the rule names application security groups, which kvguard does not expand';
  for (const prefix of prefixes) {
    const tag = prefix.toLowerCase();
    if (tag === '*' || tag === 'any' || tag === 'virtualnetwork') return true;
    if (/^[\d./]+$/.test(prefix)) {
      if (ipInRange(flow.destination, prefix)) return true;
    } else return `destination ${prefix} is a service tag kvguard does not expand`;
  }
  return false;
}

export function evaluateInbound(nsg: NetworkSecurityGroup, flow: Flow): NsgDecision {
  const inbound = nsg.rules.filter((r) => r.direction.toLowerCase() === 'inbound');
  const rules = inbound.some((r) => r.isDefault) ? inbound : [...inbound, ...DEFAULT_INBOUND];
  for (const candidate of [...rules].sort((a, b) => a.priority - b.priority)) {
    const protocol = candidate.protocol.toLowerCase();
    if (protocol !== '*' && protocol !== flow.protocol.toLowerCase()) continue;
    if (!portMatches(candidate.destinationPortRanges, flow.port)) continue;
    const destination = destinationMatches(candidate.destinationAddressPrefixes, flow);
    if (destination === false) continue;
    const source = sourceMatches(candidate.sourceAddressPrefixes, flow);
    if (source === false) continue;
    if (typeof destination === 'string') return { kind: 'unknown', rule: candidate, reason: destination };
    if (typeof source === 'string') return { kind: 'unknown', rule: candidate, reason: source };
    return { kind: candidate.access.toLowerCase() === 'deny' ? 'deny' : 'allow', rule: candidate };
  }
  // Unreachable with the default rules (DenyAllInBound matches everything); kept for a body that lists others.
  return { kind: 'deny', rule: DEFAULT_INBOUND[2] as SecurityRule };
}
