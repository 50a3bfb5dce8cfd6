import fc from 'fast-check';
import { parseAddressList, parseOneAddress } from 'email-addresses';
import {
  addressKey,
  mailboxKey,
  AddressError,
  normalizeDomain,
  parseAddress,
  parseRecipients,
  readRecipients,
} from '../../src/core/addresses';
import { canonicalMailboxKey } from '../../src/core/mailbox-key';

describe('addresses: what hosts hand over', () => {
  test('a display name with a comma in quotes stays one mailbox', () => {
    const [r] = parseRecipients({ to: ['"Doe, John" <John.Doe@Example.COM>'] });
    expect(r).toEqual({
      address: 'John.Doe@example.com',
      localPart: 'John.Doe',
      domain: 'example.com',
      displayName: 'Doe, John',
      fields: ['to'],
    });
  });

  test('a list in one entry gives each mailbox', () => {
    const recipients = parseRecipients({ to: ['a@one.example, b@two.example'] });
    expect(recipients.map((r) => r.address)).toEqual(['a@one.example', 'b@two.example']);
  });

  test('RFC 5322 §3.4: a group contributes its members; an empty group contributes none', () => {
    const recipients = parseRecipients({
      to: ['Team: a@x.example, "Q" <b@y.example>;', 'undisclosed-recipients:;'],
    });
    expect(recipients.map((r) => r.address)).toEqual(['a@x.example', 'b@y.example']);
  });

  test('the local part is kept as given, quoted where RFC 5322 needs it', () => {
    const [r] = parseRecipients({ to: ['"odd \\"quoted\\" name"@ex.example'] });
    expect(r?.localPart).toBe('odd "quoted" name');
    expect(r?.address).toBe('"odd \\"quoted\\" name"@ex.example');
  });

  test('RFC 6532: a UTF-8 local part and an IDN domain become a U-label local part at an A-label domain', () => {
    const [r] = parseRecipients({ to: ['Jörg <jörg@Bücher.example>'] });
    expect(r?.address).toBe('jörg@xn--bcher-kva.example');
    expect(r?.domain).toBe('xn--bcher-kva.example');
  });

  test('a trailing root dot on the domain is dropped', () => {
    expect(parseRecipients({ to: ['x@example.org.', '<y@example.org.>'] }).map((r) => r.address)).toEqual([
      'x@example.org',
      'y@example.org',
    ]);
  });

  test('duplicates across To, Cc and Bcc (any case) become one recipient listing every field', () => {
    const recipients = parseRecipients({
      to: ['Ann@Example.org'],
      cc: ['ann@example.org'],
      bcc: ['ANN@EXAMPLE.ORG', 'bo@example.org'],
    });
    expect(recipients).toHaveLength(2);
    expect(recipients[0]).toMatchObject({ address: 'Ann@example.org', fields: ['to', 'cc', 'bcc'] });
  });

  test('empty entries are ignored', () => {
    expect(parseRecipients({ to: ['', '  '], cc: [] })).toEqual([]);
  });

  test.each([
    ['no @', 'no-at-sign.example', 'has no @'],
    ['two @', 'a@@b.example', 'more than one @'],
    ['empty domain', 'a@', 'nothing after the @'],
    ['empty local part', '@b.example', 'nothing before the @'],
    ['address literal', 'x@[192.0.2.1]', 'address literal'],
    ['single-label domain', 'x@localhost', 'no top-level domain'],
    ['RFC 5891 §4.2.3.1 hyphens', 'x@-bad-.example', 'not a valid domain name'],
    [
      'RFC 5321 §4.5.3.1.1 local part > 64',
      `${'a'.repeat(65)}@example.org`,
      'local part (before the @) over 64 bytes',
    ],
    [
      'RFC 1035 name > 253',
      `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.example`,
      'not a valid domain name',
    ],
    ['hostile length', 'x'.repeat(5000), 'longer than 4096'],
  ])('invalid entry (%s) is named with why', (_label, entry, why) => {
    const { recipients, invalid } = readRecipients({ cc: [entry] });
    expect(recipients).toEqual([]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.field).toBe('cc');
    expect(invalid[0]?.reason).toContain(why);
  });

  test('parseRecipients throws a typed error naming every bad entry and keeps nothing silently', () => {
    let error: unknown;
    try {
      parseRecipients({ to: ['ok@example.org', 'bad'], bcc: ['worse@'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AddressError);
    const typed = error as AddressError;
    expect(typed.code).toBe('ADDRESS_INVALID');
    expect(typed.invalid.map((i) => i.entry)).toEqual(['bad', 'worse@']);
    expect(typed.message).toContain('to: "bad"');
  });

  test('readRecipients keeps the good entries next to the bad ones', () => {
    const { recipients, invalid } = readRecipients({ to: ['ok@example.org', 'bad'] });
    expect(recipients.map((r) => r.address)).toEqual(['ok@example.org']);
    expect(invalid.map((i) => i.entry)).toEqual(['bad']);
  });

  test('parseAddress takes exactly one', () => {
    expect(parseAddress('a@b.example').address).toBe('a@b.example');
    expect(() => parseAddress('a@b.example, c@d.example')).toThrow(AddressError);
  });

  test('normalizeDomain: UTS #46 non-transitional (ß is kept, not mapped to ss)', () => {
    expect(normalizeDomain('Straße.example')).toBe('xn--strae-oqa.example');
    expect(normalizeDomain('EXAMPLE.ORG.')).toBe('example.org');
  });
});

describe('normalizeDomain: the fast path for names already normal agrees with full IDNA processing', () => {
  test.each([
    ['example.org', 'example.org'],
    ['a-b.example', 'a-b.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['ab--cd.example', null],
    ['-a.example', null],
    ['a-.example', null],
    ['xn--zz.example', null],
    [`${'a'.repeat(64)}.example`, null],
  ])('%s', (input, expected) => {
    if (expected === null) expect(() => normalizeDomain(input)).toThrow();
    else expect(normalizeDomain(input)).toBe(expected);
  });
});

describe('the fast path for bare addresses agrees with the RFC 5322 grammar', () => {
  test('for generated addresses, the same local part and domain as email-addresses gives', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const full = parseOneAddress({ input: email, rfc6532: true });
        const { recipients, invalid } = readRecipients({ to: [email] });
        if (full === null || full.type !== 'mailbox') {
          expect(recipients).toEqual([]);
          return;
        }
        let domain: string;
        try {
          domain = normalizeDomain(full.domain);
        } catch {
          expect(invalid).toHaveLength(1);
          return;
        }
        if (invalid.length > 0) return; // over a length limit: refused by both paths alike
        expect(recipients[0]).toMatchObject({ localPart: full.local, domain });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("RFC 5321 length caps per mailbox, and the caps on the grammar's cost", () => {
  const reasonFor = (entry: string) => {
    const { recipients, invalid } = readRecipients({ to: [entry] });
    expect(recipients).toEqual([]);
    expect(invalid).toHaveLength(1);
    return invalid[0]!.reason;
  };
  const label63 = 'd'.repeat(63);
  // 64 + 1 + 190 = 255 octets: every label and the domain itself are legal, the address is one octet too long.
  const domain190 = `${label63}.${label63}.${'e'.repeat(54)}.example`;

  test('RFC 5321 §4.5.3.1.3: an address of 255 octets in angle brackets is refused, naming the limit', () => {
    expect(domain190).toHaveLength(190);
    expect(reasonFor(`Ann <${'a'.repeat(64)}@${domain190}>`)).toBe(
      'has an address over 254 bytes, the most RFC 5321 allows',
    );
  });

  test('RFC 5321 §4.5.3.1.3: one octet less is accepted', () => {
    const address = `${'a'.repeat(63)}@${domain190}`;
    expect(parseAddress(`Ann <${address}>`).address).toBe(address);
  });

  test('RFC 5321 §4.5.3.1.1: the local part is counted in UTF-8 bytes, not characters', () => {
    // 33 two-byte characters: 33 characters, 66 bytes.
    expect(reasonFor(`"Jö" <${'ö'.repeat(33)}@example.org>`)).toBe(
      'has a local part (before the @) over 64 bytes, the most RFC 5321 allows',
    );
    expect(parseAddress(`${'ö'.repeat(32)}@example.org`).localPart).toBe('ö'.repeat(32));
  });

  test('a quoted local part with an @ inside is measured up to the last @ outside the quotes', () => {
    expect(parseAddress(`"${'a@'.repeat(20)}"@example.org`).localPart).toBe('a@'.repeat(20));
  });

  test('a name of more than 256 characters beside the address is refused', () => {
    expect(reasonFor(`"${'n'.repeat(300)}" <ann@example.org>`)).toBe(
      'has a name or comments over 256 characters besides its address',
    );
    expect(parseAddress(`"${'n'.repeat(200)}" <ann@example.org>`).displayName).toBe('n'.repeat(200));
  });

  test('comments nested four deep are refused; three deep still parse', () => {
    expect(reasonFor('ann@example.org ((((x))))')).toBe('has comments nested more than 3 deep');
    expect(parseAddress('ann@example.org (((x)))').address).toBe('ann@example.org');
  });

  test('more than eight comments on one mailbox are refused; an empty group without an @ stays short', () => {
    expect(reasonFor(`"": ${'( )'.repeat(9)};`)).toBe(
      'has a mailbox with more than 8 comments in parentheses',
    );
    expect(readRecipients({ to: ['undisclosed-recipients:;'] })).toEqual({ recipients: [], invalid: [] });
    expect(reasonFor(`${'a.'.repeat(40)}a:;`)).toBe('has no @: it is not an email address');
  });

  test('a list in one entry is measured per mailbox', () => {
    const long = `${'b'.repeat(64)}@${label63}.example`;
    const list = Array.from(
      { length: 20 },
      (_, i) => `"Person ${i}" <${long.replace('bb', `${i}`.padStart(2, '0'))}>`,
    );
    expect(readRecipients({ to: [list.join(', ')] }).recipients).toHaveLength(20);
  });

  test("deeply nested comments, which overflow the grammar's stack, are refused without reaching it", () => {
    const hostile = `${'('.repeat(2048)}${')'.repeat(2048)}`;
    expect(() => parseAddressList({ input: hostile, rfc6532: true })).toThrow(RangeError);
    expect(reasonFor(hostile)).toBe('has comments nested more than 3 deep');
  });

  test('an over-long mailbox in a list is named alone; the others in the entry are kept', () => {
    const long = `${'a'.repeat(65)}@x.example`;
    const { recipients, invalid } = readRecipients({ to: [`ann@x.example, ${long}, bob@x.example`] });
    expect(recipients.map((r) => r.address)).toEqual(['ann@x.example', 'bob@x.example']);
    expect(invalid).toEqual([
      {
        field: 'to',
        entry: long,
        reason: 'has a local part (before the @) over 64 bytes, the most RFC 5321 allows',
      },
    ]);
  });

  test('comments are counted per mailbox: nine commented mailboxes in one entry are all kept', () => {
    const entry = Array.from({ length: 9 }, (_, i) => `User${i} (ACME) <u${i}@acme.example>`).join(', ');
    const { recipients, invalid } = readRecipients({ to: [entry] });
    expect(invalid).toEqual([]);
    expect(recipients.map((r) => r.address)).toEqual(
      Array.from({ length: 9 }, (_, i) => `u${i}@acme.example`),
    );
  });

  test('for generated names and addresses, the screen refuses exactly what is over its limits', () => {
    const atom = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,8}$/);
    const comment = fc
      .tuple(
        fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 1, max: 3 }) },
          { weight: 1, arbitrary: fc.constant(4) },
        ),
        fc.stringMatching(/^[A-Za-z0-9 ]{0,6}$/),
      )
      .map(([depth, text]) => ({ depth, text: '('.repeat(depth) + text + ')'.repeat(depth) }));
    const word = fc.oneof(
      { weight: 2, arbitrary: atom.map((text) => ({ depth: 0, text })) },
      { weight: 1, arbitrary: comment },
    );
    // Unquoted names with comments, short or padded to near MAX_NAME_LENGTH (256), and quoted names near it.
    const unquoted = fc
      .tuple(
        fc.array(word, { minLength: 1, maxLength: 24, size: 'max' }),
        fc.option(fc.integer({ min: 240, max: 270 })),
      )
      .map(([words, target]) => {
        let text = words.map((w) => w.text).join(' ');
        if (target !== null) text += ` ${'x'.repeat(Math.max(1, target - text.length - 1))}`;
        return {
          text,
          depth: Math.max(...words.map((w) => w.depth)),
          comments: words.filter((w) => w.depth > 0).length,
        };
      });
    const quoted = fc
      .oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 250, maxLength: 260 }))
      .map((name) => ({ text: `"${name.replace(/["\\\r\n]/g, '')}"`, depth: 0, comments: 0 }));
    // Some local parts lengthened to near RFC 5321's 64 octets.
    const email = fc.oneof(
      fc.emailAddress(),
      fc.emailAddress().map((e) => `${'l'.repeat(56)}${e}`),
    );
    fc.assert(
      fc.property(fc.oneof(unquoted, quoted), email, (name, address) => {
        const entry = `${name.text} <${address}>`;
        const full = parseOneAddress({ input: entry, rfc6532: true });
        fc.pre(full !== null && full.type === 'mailbox');
        const { recipients, invalid } = readRecipients({ to: [entry] });
        const reasons = invalid.map((i) => i.reason).join();
        const outside = name.text.length + 1; // what is outside <…>: the name and the space after it
        const screened = name.depth > 3 || name.comments > 8 || outside > 256;
        expect(/nested|comments in parentheses|besides its address/.test(reasons)).toBe(screened);
        if (reasons.includes('nested')) expect(name.depth).toBeGreaterThan(3);
        if (reasons.includes('comments in parentheses')) expect(name.comments).toBeGreaterThan(8);
        if (reasons.includes('besides its address')) expect(outside).toBeGreaterThan(256);
        if (screened) return;
        const mailbox = full as { local: string; address: string };
        const overLength = Buffer.byteLength(mailbox.local) > 64 || Buffer.byteLength(mailbox.address) > 254;
        if (reasons.includes('RFC 5321')) expect(overLength).toBe(true);
        else if (invalid.length === 0) expect(recipients).toHaveLength(1);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('addressKey: one typed address to the form stores are keyed by', () => {
  it('parses one address, display name and all, and returns its mailboxKey', () => {
    expect(addressKey('Ann <Ann@Bücher.Example>')).toBe('ann@xn--bcher-kva.example');
    expect(addressKey(' bob@EXAMPLE.org ')).toBe(mailboxKey('bob@example.org'));
  });

  it('throws AddressError for no address, a list, or a domain that is not one', () => {
    for (const entry of [
      '',
      'no-at.example',
      'a@b.example, c@d.example',
      'ann@localhost',
      'ann@exa mple.org',
    ]) {
      expect(() => addressKey(entry)).toThrow(AddressError);
    }
  });
});

describe('mailboxKey: the one comparison form of an address', () => {
  it('lower-cases the local part, turns the domain into a lower-case A-label and drops surrounding space', () => {
    expect(mailboxKey('  Bob.Smith@Bücher.Example ')).toBe('bob.smith@xn--bcher-kva.example');
    expect(mailboxKey('ann@EXAMPLE.org.')).toBe('ann@example.org');
  });

  it('is undefined for text that is not local@domain with a valid domain', () => {
    for (const text of ['', 'no-at.example', '@example.org', 'ann@', 'ann@localhost', 'ann@exa mple.org']) {
      expect(mailboxKey(text)).toBeUndefined();
    }
  });

  it("is canonicalMailboxKey's rule once the domain is an A-label: the send handler's IDNA-free key agrees", () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.boolean(), (address, upper) => {
        const typed = upper ? address.toUpperCase() : address;
        const [recipient] = readRecipients({ to: [typed] }).recipients;
        if (recipient === undefined) return;
        expect(canonicalMailboxKey(recipient.address)).toBe(mailboxKey(typed));
      }),
    );
    expect(canonicalMailboxKey('bob@xn--bcher-kva.example.')).toBe(mailboxKey('Bob@Bücher.example'));
    expect(canonicalMailboxKey('bob@bücher.example')).toBeUndefined();
  });

  it('agrees with how recipients are merged: one key per mailbox whatever the case', () => {
    const parsed = readRecipients({ to: ['Ann@Example.org'], cc: ['ann@example.ORG'] });
    expect(parsed.recipients).toHaveLength(1);
    expect(mailboxKey(parsed.recipients[0]!.address)).toBe(mailboxKey('ANN@example.org'));
  });
});
