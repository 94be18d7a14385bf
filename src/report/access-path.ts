import type { Finding, PathLink } from '../engine/types';
import { parseId } from '../model/arm';

/**
 * The hops of a vault's access path as the text and HTML reports draw them, caller to vault, and which hop
 * each finding is about: the rule's link (identity checks sit with the caller).
 */
export type Hop = Exclude<PathLink, 'identity'>;

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

/** How reports name a rule's link: the hop's label, and the caller's identity for token and permission rules. */
export function linkLabel(link: PathLink): string {
  return link === 'identity' ? 'Caller identity' : (HOPS.find((h) => h.hop === link)?.label ?? link);
}

export function hopOf(finding: Finding): Hop {
  if (finding.link === 'identity') return 'caller';
  // The private endpoint's NIC is its own hop; KV103 reports on it by the NIC's id.
  return (parseId(finding.resourceId).type ?? '').toLowerCase() === 'microsoft.network/networkinterfaces'
    ? 'nic'
    : finding.link;
}

/** A hop is broken (red) when a finding on it fails, even a suppressed one: suppressing accepts a broken link, it does not mend it. */
export type HopStatus = 'fail' | 'error' | 'pass' | 'none';

export function hopStatus(findings: readonly Finding[]): HopStatus {
  if (findings.some((f) => f.outcome === 'fail')) return 'fail';
  if (findings.some((f) => f.outcome === 'error')) return 'error';
  if (findings.some((f) => f.outcome === 'pass')) return 'pass';
  return 'none';
}

/**
 * The caller's route and DNS chain as the rules followed them (KV301's `evidence.path`, KV203's
 * `evidence.dns`), e.g. `Caller snet-app → UDR 0.0.0.0/0 → firewall 10.0.1.4 (vnet-hub) → peering → endpoint
 * 10.1.1.4`: one line each, without repeats, in the findings' order.
 */
export function routeLines(findings: readonly Finding[]): { label: 'route' | 'dns'; text: string }[] {
  const lines: { label: 'route' | 'dns'; text: string }[] = [];
  const add = (label: 'route' | 'dns', value: unknown): void => {
    if (typeof value === 'string' && value !== '' && !lines.some((l) => l.label === label && l.text === value))
      lines.push({ label, text: value });
  };
  for (const finding of findings) add('route', finding.evidence?.path);
  for (const finding of findings) add('dns', finding.evidence?.dns);
  return lines;
}
