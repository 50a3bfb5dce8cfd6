import type { X509Certificate } from 'node:crypto';
import { dnsNameMatches, sanDnsNames } from '../../../src/server/transport/tls-facts';

describe('dnsNameMatches (SAN dNSName against the MX name)', () => {
  // The wildcard rule itself is name-pattern.ts's, tested for this call site and MTA-STS's in name-pattern.test.ts.
  test('RFC 6125 §6.4.1: names compare case-insensitively', () => {
    expect(dnsNameMatches('MX.Example.ORG', 'mx.example.org')).toBe(true);
    expect(dnsNameMatches('mx2.example.org', 'mx.example.org')).toBe(false);
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
