import { matchMx } from '../../../src/server/transport/mta-sts-parse';
import { matchesNamePattern } from '../../../src/server/transport/name-pattern';
import { dnsNameMatches } from '../../../src/server/transport/tls-facts';

/** Both call sites take the one rule: a pattern matches the same host names in a policy and in a certificate. */
const callSites = [
  ['an MTA-STS mx pattern', (pattern: string, host: string) => matchMx([pattern], host)],
  ['a certificate dNSName', (pattern: string, host: string) => dnsNameMatches(pattern, host)],
] as const;

describe.each(callSites)('%s', (_, matches) => {
  test.each([
    ['*.example.com', 'mx.example.com'],
    ['*.EXAMPLE.com', 'mx.example.com'],
    ['*.co.uk', 'example.co.uk'],
    ['mx.example.com', 'mx.example.com'],
  ])('RFC 8461 §4.1 / RFC 6125 §6.4.3: %s matches %s', (pattern, host) => {
    expect(matches(pattern, host)).toBe(true);
  });

  test.each([
    ['*.example.com', 'example.com', 'the wildcard stands for one label, not none'],
    ['*.example.com', 'a.b.example.com', 'nor for two'],
    ['*.com', 'example.com', 'fewer than two labels after the wildcard'],
    ['*.com', 'mx.com', 'fewer than two labels after the wildcard'],
    ['*', 'com', 'a bare wildcard'],
    ['m*.example.com', 'mx.example.com', 'a partial-label wildcard'],
    ['*mx.example.com', 'mx.example.com', 'a partial-label wildcard'],
    ['mx.*.com', 'mx.example.com', 'a wildcard that is not left-most'],
    ['*.*.com', 'mx.example.com', 'two wildcards'],
    ['*..com', 'mx..com', 'an empty label'],
    ['mx.example.com', 'mx.example.org', 'another name'],
  ])('RFC 6125 §6.4.3: %s does not match %s (%s)', (pattern, host) => {
    expect(matches(pattern, host)).toBe(false);
  });
});

describe('matchesNamePattern', () => {
  test('a host name holding a wildcard is not matched by one', () => {
    expect(matchesNamePattern('*.example.com', '*.example.com')).toBe(false);
  });
});
