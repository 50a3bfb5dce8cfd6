import { isLoopback, normaliseIp } from '../../../src/core/received/address';

describe('addresses as servers write them', () => {
  test.each([
    ['192.0.2.1', '192.0.2.1'],
    ['IPv6:2001:DB8::1', '2001:db8::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['fe80::a1b2:c3d4:e5f6:7788%4', 'fe80::a1b2:c3d4:e5f6:7788'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('%s is the address %s', (text, ip) => {
    expect(normaliseIp(text)).toBe(ip);
  });

  test.each(['256.0.0.1', '1.2.3', '01.2.3.4x', '1:2:3:4:5:6:7:8:9', '1::2::3', 'mail.example', '', ':::'])(
    '%s is not an address',
    (text) => {
      expect(normaliseIp(text)).toBeNull();
    },
  );

  test.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['126.0.0.1', false],
    ['::', false],
    ['::ffff:192.0.2.1', false],
    ['fe80::1', false],
  ])('RFC 1122 §3.2.1.3, RFC 4291 §2.5.3: %s loopback is %s', (ip, loopback) => {
    expect(isLoopback(ip)).toBe(loopback);
  });
});
