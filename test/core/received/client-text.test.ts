import fc from 'fast-check';
import { parseReceived } from '../../../src/core/received';

/**
 * Whatever a client writes into the parts of a field it chooses (the envelope sender, the recipient, its HELO,
 * its ident), a plain hop stays plain: no TLS notation is read from there.
 */

/** One notation per TLS pattern the parser knows, as a server would write it. */
const notation = fc.constantFrom(
  '(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))',
  'using TLSv1.3 with cipher FAKE',
  '(version=TLSv1.3 cipher=FAKE bits=256 verify=NOT)',
  '(version=TLS1_2, cipher=FAKE)',
  '(TLS1.3) tls FAKE',
  '(TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256)',
  '(TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO)',
  'X=TLSv1.2:ECDHE-RSA-AES256-SHA:256',
  '(TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384)',
  '(ECDHE-RSA-AES256-GCM-SHA384 encrypted)',
  'FAKE encrypted SMTP',
  'ESMTP/TLS/AES256-GCM-SHA384',
  'Microsoft SMTP Server (TLS)',
  'tls FAKE',
  '(TLS1.3)',
  '(TLS)',
);

/** Characters that end an address, quote or comment early in a scanner that ignores quoting. */
const noise = fc.string({
  unit: fc.constantFrom('>', '<', ')', '(', '"', '\\', ' ', 'a', '@', ';'),
  maxLength: 4,
});

/** Text a client chose, inside a quoted local part: quotes and backslashes escaped, as a server writes it. */
const quotedLocal = fc
  .tuple(noise, notation, noise)
  .map((parts) => `"${parts.join('').replace(/["\\]/g, (c) => `\\${c}`)}"`);

/** Text a client chose where a server writes it bare: a HELO or ident has balanced parentheses and no quotes. */
const bare = fc
  .tuple(fc.constantFrom('', 'x', 'a@'), notation, fc.constantFrom('', 'x', '@127.0.0.1'))
  .map((parts) => parts.join(''));

const DATE = 'Mon, 1 Jan 2024 10:00:00 +0000';

const plainHops = fc.oneof(
  // Envelope sender: Exim's with-clause comment, sendmail's after the date, in angle brackets or not.
  quotedLocal.map(
    (local) =>
      `from x (x [203.0.113.5]) by mx with esmtp (Exim 4.96) (envelope-from <${local}@evil.example>) id 1r; ${DATE}`,
  ),
  quotedLocal.map(
    (local) =>
      `from x (x [203.0.113.5]) by mx with ESMTP id Q; ${DATE} (envelope-from <${local}@evil.example>)`,
  ),
  quotedLocal.map(
    (local) =>
      `from x (x [203.0.113.5]) by mx with ESMTP id Q; ${DATE} (envelope-from ${local}@evil.example)`,
  ),
  // The for address: Postfix's angle brackets, Exim's bare form.
  quotedLocal.map(
    (local) => `from x (x [203.0.113.5]) by mx with ESMTP id Q for <${local}@e.example>; ${DATE}`,
  ),
  quotedLocal.map(
    (local) =>
      `from [203.0.113.5] (helo=x) by mx with esmtp (Exim 4.96) id 1r for ${local}@e.example; ${DATE}`,
  ),
  // HELO: Postfix's from domain, qmail's (HELO x), Exim's helo=.
  bare.map((helo) => `from ${helo} (x [203.0.113.5]) by mx (Postfix) with ESMTP id Q; ${DATE}`),
  bare.map((helo) => `from x (HELO ${helo}) (203.0.113.5) by mx with SMTP; ${DATE}`),
  bare.map(
    (helo) => `from [203.0.113.5] (port=1234 helo=${helo}) by mx with esmtp (Exim 4.96) id 1r; ${DATE}`,
  ),
  // Ident: Exim's ident=, qmail's ident@address, sendmail's ident@rdns.
  bare.map(
    (ident) =>
      `from [203.0.113.5] (port=1234 helo=x ident=${ident}) by mx with esmtp (Exim 4.96) id 1r; ${DATE}`,
  ),
  bare.map((ident) => `from x (HELO x) (${ident}@203.0.113.5) by mx with SMTP; ${DATE}`),
  bare.map(
    (ident) => `from x (${ident}@x.example [203.0.113.5]) by mx (8.18.1/8.18.1) with ESMTP id Q; ${DATE}`,
  ),
);

describe('parseReceived: a client cannot write its own TLS record or loopback address', () => {
  test('a TLS notation in the envelope sender, the for address, the HELO or the ident leaves a hop plain', () => {
    fc.assert(
      fc.property(plainHops, (field) => {
        const hop = parseReceived(field);
        // A HELO with spaces may shift the clauses (`from using … with cipher FAKE`): unknown, never TLS.
        expect({ tls: hop.tls, version: hop.version, cipher: hop.cipher }).toEqual({
          tls: expect.stringMatching(/^(?:plain|unknown)$/),
          version: null,
          cipher: null,
        });
      }),
      { numRuns: 2000 },
    );
  });
});
