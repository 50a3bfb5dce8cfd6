/** The pure protect helpers: SHA-256 known answers, the forced-TLS tag, the applied-protection record. */
import {
  appliedRecord,
  appliedToExactly,
  formatApplied,
  parseApplied,
} from '../../src/addin/protect/applied';
import { sha256Hex } from '../../src/addin/protect/sha256';
import { addSubjectTag, hasSubjectTag, removeSubjectTag, tagChanges } from '../../src/addin/protect/tag';
import { createHash } from 'node:crypto';

describe('sha256Hex (FIPS 180-4 vectors)', () => {
  test.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('"%s"', (input, digest) => expect(sha256Hex(input)).toBe(digest));

  test('matches node:crypto on UTF-8 text of many lengths', () => {
    for (let n = 0; n < 200; n += 7) {
      const text = 'ä€😀x'.repeat(n);
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });
});

describe('the forced-TLS subject tag', () => {
  const tag = { text: '#secure#', position: 'prefix' as const };

  test('is added once, however often applied', () => {
    const once = addSubjectTag('Refund', tag);
    expect(once).toBe('#secure# Refund');
    expect(addSubjectTag(once, tag)).toBe(once);
    expect(addSubjectTag('Refund #SECURE#', tag)).toBe('Refund #SECURE#');
  });

  test('is not found inside another word, and can be removed', () => {
    expect(hasSubjectTag('x#secure#y', tag)).toBe(false);
    expect(removeSubjectTag('#secure# Refund #secure#', tag)).toBe('Refund');
  });

  test('goes at the end when the policy says suffix; an empty subject becomes the tag', () => {
    expect(addSubjectTag('Refund', { ...tag, position: 'suffix' })).toBe('Refund #secure#');
    expect(addSubjectTag('  ', tag)).toBe('#secure#');
  });

  test('tagChanges gives the header too, and no subject change when already tagged', () => {
    const policy = { tag: { subject: tag, header: { name: 'X-Force-TLS', value: 'yes' } } };
    expect(tagChanges('#secure# A', policy)).toEqual({ headers: { 'X-Force-TLS': 'yes' } });
    expect(tagChanges('A', { tag: { header: policy.tag.header } })).toEqual({
      headers: { 'X-Force-TLS': 'yes' },
    });
  });
});

describe('the applied-protection record', () => {
  const record = appliedRecord('pgp', 'restricted', ['Ann@Example.org', 'bob@example.org'], () => '00ff');

  test('round-trips through the header, without naming any recipient', () => {
    const header = formatApplied(record);
    expect(header).not.toMatch(/example/i);
    expect(parseApplied(header)).toEqual(record);
  });

  test('matches exactly the same recipients, in any order and case', () => {
    expect(appliedToExactly(record, ['bob@example.org', 'ann@example.org'])).toBe(true);
    expect(appliedToExactly(record, ['bob@example.org'])).toBe(false);
    expect(appliedToExactly(record, ['bob@example.org', 'ann@example.org', 'eve@example.org'])).toBe(false);
  });

  test('keys the recipients as the plan does: a trailing root dot is the same mailbox', () => {
    expect(appliedToExactly(record, ['bob@example.org.', 'ANN@example.ORG.'])).toBe(true);
  });

  test('anything else in the header is no record', () => {
    expect(parseApplied(undefined)).toBeUndefined();
    expect(parseApplied('v=2; protection=pgp')).toBeUndefined();
    expect(parseApplied(formatApplied(record).replace('pgp', 'plain'))).toBeUndefined();
  });
});
