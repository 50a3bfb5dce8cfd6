import { dnsNameMatches } from '../../../src/server/transport/tls-facts';

describe('dnsNameMatches (SAN dNSName against the MX name)', () => {
  test.each([
    ['mx.example.org', 'mx.example.org', true],
    ['MX.Example.ORG', 'mx.example.org', true],
    ['mx2.example.org', 'mx.example.org', false],
    ['*.example.org', 'mx.example.org', true],
    ['*.EXAMPLE.org', 'mx.example.org', true],
  ])('RFC 6125 §6.4.1/§6.4.3: %s vs %s → %s', (presented, hostname, expected) => {
    expect(dnsNameMatches(presented, hostname)).toBe(expected);
  });

  test.each([
    ['*.example.org', 'a.mx.example.org'],
    ['*.example.org', 'example.org'],
    ['m*.example.org', 'mx.example.org'],
    ['*mx.example.org', 'mx.example.org'],
    ['mx.*.org', 'mx.example.org'],
    ['*.*.org', 'mx.example.org'],
    ['*.org', 'example.org'],
  ])('RFC 6125 §6.4.3: the wildcard %s does not match %s', (presented, hostname) => {
    expect(dnsNameMatches(presented, hostname)).toBe(false);
  });

  test('RFC 5890: names compare as A-labels; a U-label in a certificate never matches', () => {
    expect(dnsNameMatches('XN--BCHER-KVA.example', 'xn--bcher-kva.example')).toBe(true);
    expect(dnsNameMatches('bücher.example', 'xn--bcher-kva.example')).toBe(false);
  });
});
