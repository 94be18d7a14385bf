import { ipInAnyRange, ipInRange, isIPv4Cidr } from '../../src/checks/cidr';

/**
 * Key Vault ipRules and VNet prefixes hold an address or a CIDR block; the service treats `a.b.c.d` as
 * `a.b.c.d/32` (https://learn.microsoft.com/azure/key-vault/general/network-security#key-vault-firewall-enabled-ipv4-addresses-and-ranges-ip-rules).
 * Addresses above 128.0.0.0 exercise the unsigned arithmetic; /0 the shift JavaScript would wrap.
 */
describe('ipInRange', () => {
  test.each([
    ['10.1.1.4', '10.1.0.0/16', true],
    ['10.2.1.4', '10.1.0.0/16', false],
    ['10.1.1.4', '10.1.1.4', true],
    ['10.1.1.5', '10.1.1.4', false],
    ['10.1.1.4', '10.1.1.4/32', true],
    ['203.0.113.10', '203.0.113.0/24', true],
    ['203.0.114.10', '203.0.113.0/24', false],
    ['255.255.255.255', '128.0.0.0/1', true],
    ['127.255.255.255', '128.0.0.0/1', false],
    ['8.8.8.8', '0.0.0.0/0', true],
    ['10.1.1.4', '10.1.1.0/33', false],
    ['10.1.1.4', 'not-a-range', false],
    ['10.1.1', '10.1.0.0/16', false],
    ['010.1.1.4', '10.1.0.0/16', false],
  ])('%s in %s: %s', (address, range, expected) => {
    expect(ipInRange(address, range)).toBe(expected);
    // The second answer comes from the parse memo and must be the same.
    expect(ipInRange(address, range)).toBe(expected);
  });

  test('ipInAnyRange names the first block that holds the address', () => {
    expect(ipInAnyRange('10.1.1.4', ['192.168.0.0/16', '10.1.0.0/16', '10.0.0.0/8'])).toBe('10.1.0.0/16');
    expect(ipInAnyRange('172.16.0.1', ['192.168.0.0/16', '10.0.0.0/8'])).toBeUndefined();
  });

  test('isIPv4Cidr refuses extra parts and prefix lengths over 32', () => {
    expect([isIPv4Cidr('10.0.0.0/8'), isIPv4Cidr('10.0.0.0/8/1'), isIPv4Cidr('10.0.0.0/40')]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
