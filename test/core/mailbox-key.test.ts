/** The domain half of the comparison key, one rule for the key itself and for the answer's domain checks. */
import { canonicalDomain, canonicalMailboxKey, hostAddressKey } from '../../src/core/mailbox-key';

describe('canonicalDomain', () => {
  it('lower-cases and drops one trailing root dot (RFC 1034 §3.1)', () => {
    expect(canonicalDomain('Example.ORG.')).toBe('example.org');
    expect(canonicalDomain('example.org')).toBe('example.org');
  });

  it('leaves a U-label or an empty name to the IDNA step', () => {
    expect(canonicalDomain('bücher.example')).toBeUndefined();
    expect(canonicalDomain('.')).toBeUndefined();
    expect(canonicalDomain('')).toBeUndefined();
  });

  it('is the domain half of canonicalMailboxKey', () => {
    expect(canonicalMailboxKey('Bob@Example.ORG.')).toBe(`bob@${canonicalDomain('Example.ORG.')}`);
    expect(canonicalMailboxKey('bob@.')).toBeUndefined();
  });
});

describe('hostAddressKey', () => {
  it("is canonicalMailboxKey's rule for an address as a mail client hands it over, white space around dropped", () => {
    expect(hostAddressKey(' Team@Example.ORG ')).toBe(canonicalMailboxKey('Team@Example.ORG'));
  });

  it('lower-cases what that rule has no key for, so it still matches itself in another case', () => {
    expect(hostAddressKey('Ann@Bücher.Example')).toBe('ann@bücher.example');
    expect(hostAddressKey(' Not An Address ')).toBe('not an address');
  });
});
