import * as ipaddr from 'ipaddr.js';
import { isIPv4, isIPv4Cidr } from './cidr';

/**
 * CIDR arithmetic the routing model needs beyond membership: prefix length (longest prefix match),
 * containment of one block in another (NSG source matching), and which addresses are private.
 */

/** The prefix length of a CIDR block (an address alone is /32), or undefined when it is not IPv4 CIDR. */
export function prefixLength(range: string): number | undefined {
  if (!isIPv4Cidr(range)) return undefined;
  const bits = range.split('/')[1];
  return bits === undefined ? 32 : Number(bits);
}

/** True when every address of `inner` lies in `outer`. */
export function rangeWithin(inner: string, outer: string): boolean {
  const a = prefixLength(inner);
  const b = prefixLength(outer);
  if (a === undefined || b === undefined || a < b) return false;
  const [innerBase] = inner.split('/');
  const [outerBase] = outer.split('/');
  return ipaddr.IPv4.parse(innerBase ?? '').match(ipaddr.IPv4.parse(outerBase ?? ''), b);
}

/** True when the two blocks share at least one address. */
export function rangesOverlap(a: string, b: string): boolean {
  return rangeWithin(a, b) || rangeWithin(b, a);
}

/**
 * Addresses a public resolver cannot hold: RFC 1918, shared address space (RFC 6598), loopback and
 * link-local. Azure's system routes drop the first ones when no VNet route covers them.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#default
 */
export function isPrivateAddress(address: string): boolean {
  if (!isIPv4(address)) return false;
  const range = ipaddr.IPv4.parse(address).range();
  return range === 'private' || range === 'carrierGradeNat' || range === 'loopback' || range === 'linkLocal';
}
