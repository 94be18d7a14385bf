import * as ipaddr from 'ipaddr.js';

/**
 * IPv4 helpers over ipaddr.js. Key Vault ipRules hold an address or a CIDR block
 * (https://learn.microsoft.com/azure/key-vault/general/network-security#key-vault-firewall-enabled-ipv4-addresses-and-ranges-ip-rules);
 * the service normalises `a.b.c.d` to `a.b.c.d/32`.
 */
export function isIPv4(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value);
}

export function isIPv4Cidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || address === undefined || !isIPv4(address)) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,2}$/.test(bits)) return false;
  return Number(bits) <= 32;
}

/** True when `address` lies in `range` (an address or CIDR block). Invalid input never matches. */
export function ipInRange(address: string, range: string): boolean {
  if (!isIPv4(address) || !isIPv4Cidr(range)) return false;
  const [base, bits] = range.split('/');
  return ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parse(base ?? ''), bits === undefined ? 32 : Number(bits));
}

export function ipInAnyRange(address: string, ranges: readonly string[]): string | undefined {
  return ranges.find((range) => ipInRange(address, range));
}
