import type { X509Certificate } from 'node:crypto';
import { dnsNameMatches, sanDnsNames } from '../../../src/server/transport/tls-facts';

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

describe("sanDnsNames (Node's subjectAltName text, written from the peer's certificate)", () => {
  const names = (subjectAltName: string) => sanDnsNames({ subjectAltName } as X509Certificate);

  test('dNSName entries only; a quoted value cannot pose as a second entry', () => {
    expect(names('DNS:mx.example.org, IP Address:192.0.2.1, DNS:*.example.org')).toEqual([
      'mx.example.org',
      '*.example.org',
    ]);
    expect(names('DNS:"x, DNS:evil.example", DNS:mx.example.org')).toEqual(['mx.example.org']);
  });

  test.each([
    ['64 KiB of one unclosed quote', `DNS:"${'a, b:'.repeat(13_000)}`],
    ['64 KiB of escaped quotes', `DNS:"${'\\", DNS:'.repeat(8_000)}`],
    ['64 KiB of entries without a colon', ', a'.repeat(21_000)],
    ['64 KiB of one long name', `DNS:${'a'.repeat(65_000)}`],
  ])('%s is read in linear time', (_, text) => {
    const started = performance.now();
    expect(Array.isArray(names(text))).toBe(true);
    // Generous: each takes about a millisecond.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
