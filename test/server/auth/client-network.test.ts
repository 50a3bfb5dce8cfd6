/** The key per-client limits count under: IPv4 address, IPv6 /64. */
import { clientNetwork } from '../../../src/server/auth/client-network';

test.each([
  ['192.0.2.7', '192.0.2.7'],
  ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
  ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
  ['2001:0DB8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
  ['::1', '0:0:0:0::/64'],
  ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ['2001:db8::', '2001:db8:0:0::/64'],
  ['::', '0:0:0:0::/64'],
  ['1:2:3:4:5:6:7:8', '1:2:3:4::/64'],
  ['::ffff:192.0.2.9', '192.0.2.9'],
  ['::FFFF:c000:0209', '192.0.2.9'],
  ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
])('%s counts as %s', (ip, network) => {
  expect(clientNetwork(ip)).toBe(network);
});

test('a value that is not an address (a proxy header gone wrong) is kept, capped', () => {
  expect(clientNetwork('unknown')).toBe('unknown');
  expect(clientNetwork('x'.repeat(1000))).toHaveLength(64);
});

test('every IPv4 address Node accepts is already in the form ipaddr.js writes, so it is kept as it is', () => {
  const ipaddr = jest.requireActual<typeof import('ipaddr.js')>('ipaddr.js');
  const octets = [0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255];
  for (const a of octets)
    for (const b of octets) {
      const address = `${a}.${b}.${b}.${a}`;
      expect(clientNetwork(address)).toBe(ipaddr.process(address).toString());
    }
  // Leading zeros, octal or hexadecimal forms are not addresses to Node: kept as the junk they are, as before.
  expect(clientNetwork('010.0.0.1')).toBe('010.0.0.1');
  expect(clientNetwork('0x7f.0.0.1')).toBe('0x7f.0.0.1');
});
