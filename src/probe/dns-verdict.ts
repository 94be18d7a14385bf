import { ipInAnyRange } from '../checks/cidr';
import type { ProbeFinding, ProbeTarget, Resolution } from './types';

/**
 * What a DNS answer says about the vault's access path. From inside a VNet that should see the private
 * zone, the public name must CNAME to the privatelink name and that must resolve, from the private zone,
 * to the private endpoint's NIC address. Azure-provided DNS answers a private zone only to linked VNets, and a
 * linked zone without the vault's record answers NXDOMAIN (no fallback to public DNS).
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

export function isPrivateAddress(address: string): boolean {
  return ipInAnyRange(address, RFC1918) !== undefined;
}

function chainText(resolution: { chain: string[] }, addresses?: string[]): string {
  const steps = resolution.chain.map((name, i) => (i === 0 ? name : `CNAME ${name}`));
  if (addresses) steps.push(`A ${addresses.join(', ')}`);
  return steps.join(' → ');
}

function finding(
  code: string,
  outcome: ProbeFinding['outcome'],
  message: string,
  rules: string[] = [],
  detail?: string[],
): ProbeFinding {
  return { step: 'dns', code, outcome, message, rules, ...(detail ? { detail } : {}) };
}

export function dnsFindings(
  target: ProbeTarget,
  resolution: Resolution,
  expectPrivate: boolean,
  timeoutMs: number,
): ProbeFinding[] {
  if (!resolution.ok) return [failureFinding(target, resolution, timeoutMs)];
  const { addresses } = resolution;
  const answer = chainText(resolution, addresses);
  const endpointIps = target.estate?.endpointAddresses ?? [];
  const throughPrivateLink = resolution.chain.includes(target.privateLinkFqdn);
  const privateOnes = addresses.filter(isPrivateAddress);
  if (endpointIps.length > 0 && addresses.length > 0 && addresses.every((a) => endpointIps.includes(a))) {
    if (throughPrivateLink)
      return [finding('dns-private-endpoint', 'pass', `${answer}: the private endpoint's address`)];
    return [
      finding(
        'dns-no-privatelink-cname',
        'warn',
        `${answer}: the private endpoint's address, but not through ${target.privateLinkFqdn}: a zone named after the public name (or a hosts file entry) overrides it instead of ${target.zoneName}, and breaks when the endpoint's address changes, see KV201`,
        ['KV201'],
      ),
    ];
  }
  if (privateOnes.length > 0) return [privateFinding(target, answer, privateOnes, endpointIps)];
  return [publicFinding(target, answer, expectPrivate)];
}

function privateFinding(
  target: ProbeTarget,
  answer: string,
  privateOnes: string[],
  endpointIps: string[],
): ProbeFinding {
  if (!target.estate)
    return finding(
      'dns-private-address',
      'pass',
      `${answer}: a private address (give --snapshot or --subscription to compare it with the private endpoint's)`,
    );
  if (endpointIps.length === 0) {
    return finding(
      'dns-private-address-without-endpoint',
      'fail',
      `${answer}: a private address, but the vault has no private endpoint in the estate: the A record in ${target.zoneName} is left over from a deleted endpoint, see KV101 and KV205`,
      ['KV101', 'KV205'],
    );
  }
  const stale = privateOnes.filter((a) => !endpointIps.includes(a));
  const audited = target.estate.zones.filter((z) => z.recordAddresses !== undefined);
  const where = audited.some((z) => z.recordAddresses?.some((a) => stale.includes(a)))
    ? `the A record ${target.vaultName} in ${target.zoneName} holds it`
    : audited.length > 0
      ? `the audited zone's A record holds ${audited.flatMap((z) => z.recordAddresses ?? []).join(', ')}, so this resolver answers from another copy of ${target.zoneName} (another zone linked to its VNet, or a DNS server's own zone)`
      : `no audited zone holds an A record ${target.vaultName}`;
  return finding(
    'dns-stale-address',
    'fail',
    `${answer}: ${stale.join(', ')} is not the private endpoint's address (${endpointIps.join(', ')}); ${where}, see KV205`,
    ['KV205'],
  );
}

function publicFinding(target: ProbeTarget, answer: string, expectPrivate: boolean): ProbeFinding {
  const view = target.estate;
  const endpointIps = view?.endpointAddresses ?? [];
  if (!expectPrivate) {
    if (view?.approvedEndpoint) {
      return finding(
        'dns-public-address',
        'warn',
        `${answer}: a public address, although the vault has a private endpoint (${endpointIps.join(', ') || 'address unknown'}); from inside a VNet this means ${target.zoneName} is not linked to it, see KV203 (--expect-private makes this a failure)`,
        ['KV203'],
      );
    }
    return finding(
      'dns-public-address',
      'pass',
      `${answer}: a public address; ${view ? 'the vault has no approved private endpoint, so its public endpoint is the path' : 'the vault is reached over its public endpoint'}`,
    );
  }
  const expected =
    endpointIps.length > 0
      ? `the private endpoint's address (${endpointIps.join(', ')})`
      : 'a private endpoint address';
  if (view && view.zones.length === 0) {
    return finding(
      'dns-public-address',
      'fail',
      `${answer}: a public address where ${expected} was expected: no zone ${target.zoneName} exists in the estate, so nothing answers the privatelink name privately, see KV202`,
      ['KV202', 'KV203'],
    );
  }
  const linked = view ? [...new Set(view.zones.flatMap((z) => z.linkedVnets))] : [];
  const links = linked.length > 0 ? ` (it is linked to ${linked.join(', ')})` : '';
  return finding(
    'dns-public-address',
    'fail',
    `${answer}: a public address where ${expected} was expected: the zone ${target.zoneName} is not linked to this machine's VNet${links}, nor do its DNS servers forward to a linked VNet, see KV203`,
    ['KV203'],
  );
}

function failureFinding(
  target: ProbeTarget,
  resolution: Extract<Resolution, { ok: false }>,
  timeoutMs: number,
): ProbeFinding {
  const upTo = resolution.chain.length > 1 ? ` (after ${chainText(resolution)})` : '';
  const name = resolution.failedName;
  switch (resolution.failure) {
    case 'nxdomain':
      if (name === target.privateLinkFqdn) {
        return finding(
          'dns-nxdomain',
          'fail',
          `${name}: NXDOMAIN from ${resolution.server}${upTo}: the zone ${target.zoneName} answers here but holds no A record ${target.vaultName}, see KV204`,
          ['KV204'],
        );
      }
      if (name === target.fqdn) {
        return finding(
          'dns-nxdomain',
          'fail',
          `${name}: NXDOMAIN from ${resolution.server}: no such name: the vault name is misspelt or the vault was deleted, or this DNS server does not forward ${target.fqdn.split('.').slice(1).join('.')}`,
        );
      }
      return finding('dns-nxdomain', 'fail', `${name}: NXDOMAIN from ${resolution.server}${upTo}`);
    case 'nodata':
      return finding(
        'dns-no-address',
        'fail',
        `${name}: no A record from ${resolution.server}${upTo}`,
        name === target.privateLinkFqdn ? ['KV204'] : [],
      );
    case 'timeout':
      return finding(
        'dns-timeout',
        'fail',
        `${name}: no answer from ${resolution.server} within ${timeoutMs} ms${upTo}: the DNS server is unreachable (an NSG or firewall drops port 53) or its forwarders do not answer`,
      );
    case 'refused':
      return finding(
        'dns-refused',
        'fail',
        `${name}: ${resolution.server} refused the query (${resolution.detail})${upTo}`,
      );
    case 'servfail':
      return finding(
        'dns-servfail',
        'fail',
        `${name}: SERVFAIL from ${resolution.server}${upTo}: the server could not resolve it (a forwarder down, or a forwarding loop)`,
      );
    default:
      return finding(
        'dns-error',
        'fail',
        `${name}: DNS query to ${resolution.server} failed (${resolution.detail})${upTo}`,
      );
  }
}
