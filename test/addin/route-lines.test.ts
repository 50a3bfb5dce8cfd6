/**
 * The pane's line on how replies reach the sender: what the sender's own mail servers offer to sending servers,
 * in words no stronger than that, with advice that fits how this message goes.
 */
import { replyPathLine } from '../../src/addin/route-lines';
import type { TransportVerdict } from '../../src/core/vocabulary';

const byMail = { securePickup: false };
const byPickup = { securePickup: true };

const line = (verdict: TransportVerdict, reasons: string[], advice = byMail) =>
  replyPathLine({ domain: 'example.gov', verdict, reasons }, advice);

test('authenticated: TLS that senders can verify, by what the servers offer', () => {
  expect(line('authenticated', ['every MX is covered by MTA-STS enforce'])).toBe(
    "Replies to you come over TLS that senders can verify: example.gov's mail servers are authenticated by DANE or MTA-STS.",
  );
});

test.each(['encrypted', 'weak'] as const)(
  '%s: encrypted but not authenticated, and what that means',
  (verdict) => {
    expect(line(verdict, ['every MX offers TLS 1.2 or later; nothing authenticates it'])).toBe(
      "Replies to you come encrypted but not authenticated: a sending server cannot tell example.gov's mail servers from an impostor on the way (every MX offers TLS 1.2 or later; nothing authenticates it).",
    );
  },
);

test.each(['partial', 'none'] as const)(
  '%s: may arrive unencrypted, advice by how the message goes',
  (verdict) => {
    const reasons = ['mx2.example.gov does not offer STARTTLS'];
    expect(line(verdict, reasons)).toBe(
      'Replies may arrive unencrypted: mx2.example.gov does not offer STARTTLS; ask the recipient not to put sensitive details in a plain reply.',
    );
    // Only a message going by secure pickup has a page to reply through.
    expect(line(verdict, reasons, byPickup)).toBe(
      'Replies may arrive unencrypted: mx2.example.gov does not offer STARTTLS; ask the recipient to reply through the secure pickup page.',
    );
    expect(line(verdict, [])).toBe(
      'Replies may arrive unencrypted: not every mail server of example.gov offers TLS; ask the recipient not to put sensitive details in a plain reply.',
    );
  },
);

test('unknown, broken and no-mail each say their own thing, and none claims TLS', () => {
  expect(line('unknown', ['still being checked; ask again shortly'])).toBe(
    'Replies to you at example.gov: how they arrive could not be checked just now (still being checked; ask again shortly).',
  );
  expect(line('broken', ['mx1.example.gov fails the MTA-STS policy'])).toBe(
    "Replies to you may be refused or delayed by careful senders: example.gov's mail servers fail the DANE or MTA-STS policy the domain publishes (mx1.example.gov fails the MTA-STS policy).",
  );
  expect(line('no-mail', ['null MX (RFC 7505)'])).toBe(
    'Replies cannot reach you at example.gov: the domain receives no mail (null MX (RFC 7505)).',
  );
});
