/** The domain half of the comparison key, one rule for the key itself and for the answer's domain checks. */
import { canonicalDomain, canonicalMailboxKey } from '../../src/core/mailbox-key';

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
