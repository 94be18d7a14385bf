import * as ipaddr from 'ipaddr.js';

/** Dotted-quad IPv4 (ipaddr.js: the emulator's own, not the product's CIDR helpers). */
export function isIPv4(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value);
}

/** An IPv4 address or CIDR block, as Key Vault ipRules take them. */
export function isIPv4Cidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || address === undefined || !isIPv4(address)) return false;
  return bits === undefined || (/^\d{1,2}$/.test(bits) && Number(bits) <= 32);
}

/** The first of `ranges` (addresses or CIDR blocks) that holds `address`. */
export function ipInAnyRange(address: string, ranges: readonly string[]): string | undefined {
  if (!isIPv4(address)) return undefined;
  return ranges.find((range) => {
    if (!isIPv4Cidr(range)) return false;
    const [base = '', bits] = range.split('/');
    return ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parse(base), bits === undefined ? 32 : Number(bits));
  });
}

/**
 * IPv4 arithmetic for subnet allocation. Azure reserves the first four addresses of every subnet
 * (network, default gateway, two for Azure DNS) and the last one (broadcast)
 * (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets),
 * so a /24's first usable address is .4 and its last .254.
 */
export function toNumber(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Range {
  first: number;
  last: number;
}

/** The addresses of a CIDR block (`10.1.0.0/16`), or undefined when it is not one. */
export function cidrRange(cidr: string): Range | undefined {
  if (!isIPv4Cidr(cidr) || !cidr.includes('/')) return undefined;
  const [base = '', bitsText = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bitsText));
  const first = Math.floor(toNumber(base) / size) * size;
  return { first, last: first + size - 1 };
}

export function isNetworkAddress(cidr: string): boolean {
  const range = cidrRange(cidr);
  return range !== undefined && toAddress(range.first) === cidr.split('/')[0];
}

export function rangeWithin(inner: Range, outer: Range): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** True when Azure would hand out `address` in the subnet (inside it, not one of the five reserved). */
export function isAssignable(address: string, subnet: Range): boolean {
  if (!isIPv4(address)) return false;
  const n = toNumber(address);
  return n >= subnet.first + 4 && n <= subnet.last - 1;
}

/** The lowest assignable address of the subnet not in `used`, or undefined when the subnet is full. */
export function nextFreeAddress(subnet: Range, used: ReadonlySet<string>): string | undefined {
  for (let n = subnet.first + 4; n <= subnet.last - 1; n++) {
    const candidate = toAddress(n);
    if (!used.has(candidate)) return candidate;
  }
  return undefined;
}
