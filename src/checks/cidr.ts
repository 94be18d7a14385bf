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
  const value = addressValue(address);
  const block = rangeValue(range);
  if (value === undefined || block === undefined) return false;
  const shift = 32 - block.bits;
  return shift === 32 || value >>> shift === block.base >>> shift;
}

/**
 * Parsed addresses and blocks, validated by ipaddr.js once each: every vault's path asks whether the same few
 * endpoint and DNS server addresses lie in the same VNet prefixes (10,000 vaults: issue 15's engine budget).
 * Bounded, so a long-lived process (the policy pack) does not grow with every estate it sees.
 */
const parsedAddresses = new Map<string, number | null>();
const parsedRanges = new Map<string, { base: number; bits: number } | null>();
const PARSE_MEMO_LIMIT = 100_000;

function addressValue(address: string): number | undefined {
  let value = parsedAddresses.get(address);
  if (value === undefined) {
    value = isIPv4(address) ? toUint32(address) : null;
    if (parsedAddresses.size >= PARSE_MEMO_LIMIT) parsedAddresses.clear();
    parsedAddresses.set(address, value);
  }
  return value ?? undefined;
}

function rangeValue(range: string): { base: number; bits: number } | undefined {
  let block = parsedRanges.get(range);
  if (block === undefined) {
    const [base, bits] = range.split('/');
    block = isIPv4Cidr(range) ? { base: toUint32(base ?? ''), bits: bits === undefined ? 32 : Number(bits) } : null;
    if (parsedRanges.size >= PARSE_MEMO_LIMIT) parsedRanges.clear();
    parsedRanges.set(range, block);
  }
  return block ?? undefined;
}

function toUint32(address: string): number {
  return ipaddr.IPv4.parse(address)
    .toByteArray()
    .reduce((value, byte) => value * 256 + byte, 0);
}

export function ipInAnyRange(address: string, ranges: readonly string[]): string | undefined {
  return ranges.find((range) => ipInRange(address, range));
}
