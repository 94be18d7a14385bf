import type { Finding } from '../engine/types';
import { parseId } from '../model/arm';

/**
 * The hops of a vault's access path as the HTML report draws them, caller to vault, and which hop each
 * finding is about: the rule's link, refined for DNS by the resource the finding names (zone, VNet link
 * or A record set).
 */
export type Hop = 'caller' | 'firewall' | 'dns-zone' | 'dns-link' | 'dns-record' | 'private-endpoint' | 'nic' | 'vault';

export const HOPS: readonly { hop: Hop; label: string }[] = [
  { hop: 'caller', label: 'Caller' },
  { hop: 'firewall', label: 'Firewall' },
  { hop: 'dns-zone', label: 'DNS zone' },
  { hop: 'dns-link', label: 'VNet link' },
  { hop: 'dns-record', label: 'A record' },
  { hop: 'private-endpoint', label: 'Private endpoint' },
  { hop: 'nic', label: 'NIC' },
  { hop: 'vault', label: 'Vault' },
];

/** Rules whose findings name the vault itself although they are about a DNS record or link. */
const DNS_HOP_BY_RULE: Readonly<Record<string, Hop>> = { KV203: 'dns-link', KV204: 'dns-record', KV205: 'dns-record' };

export function hopOf(finding: Finding): Hop {
  switch (finding.link) {
    case 'caller':
    case 'identity':
      return 'caller';
    case 'dns': {
      const type = (parseId(finding.resourceId).type ?? '').toLowerCase();
      if (type === 'microsoft.network/privatednszones/a') return 'dns-record';
      if (type === 'microsoft.network/privatednszones/virtualnetworklinks') return 'dns-link';
      return DNS_HOP_BY_RULE[finding.ruleId] ?? 'dns-zone';
    }
    default:
      // The private endpoint's NIC is its own hop; KV103 reports on it by the NIC's id.
      return (parseId(finding.resourceId).type ?? '').toLowerCase() === 'microsoft.network/networkinterfaces' ? 'nic' : finding.link;
  }
}

/** A hop is broken (red) when a finding on it fails, even a suppressed one: suppressing accepts a broken link, it does not mend it. */
export type HopStatus = 'fail' | 'error' | 'pass' | 'none';

export function hopStatus(findings: readonly Finding[]): HopStatus {
  if (findings.some((f) => f.outcome === 'fail')) return 'fail';
  if (findings.some((f) => f.outcome === 'error')) return 'error';
  if (findings.some((f) => f.outcome === 'pass')) return 'pass';
  return 'none';
}
