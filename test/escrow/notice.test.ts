/** The pickup notice that replaces an escrowed message's body: specific, and safe with hostile sender names. */
import { pickupNotice } from '../../src/addin/protect/escrow/notice';

const base = {
  senderName: 'Ann Lee',
  senderAddress: 'ann@clinic.test',
  pickupUrl: 'https://sendguard.example.org/pickup/#r1.AAAAAAAAAAAAAAAAAAAAAA.secret',
  expiresAt: new Date('2026-12-08T14:00:00Z'),
  proofs: new Set(['code'] as const),
};

test('says who sent it, how to open it and until when, with the link in both forms', () => {
  const { text, html } = pickupNotice(base);
  expect(text).toContain('Ann Lee <ann@clinic.test> sent you an encrypted message.');
  expect(text).toContain('until 2026-12-08 14:00 UTC');
  expect(text).toContain('one-time code');
  expect(text).toContain(base.pickupUrl);
  expect(html).toContain(`href="${base.pickupUrl}"`);
  expect(text).not.toContain('passcode');
  expect(pickupNotice({ ...base, proofs: new Set(['passcode'] as const) }).text).toContain(
    'enter the one Ann Lee gave you separately',
  );
});

test('names each way in the recipients of this message have: sign-in, the mailed code, or both', () => {
  const signInOnly = pickupNotice({ ...base, proofs: new Set(['sign-in'] as const) }).text;
  expect(signInOnly).toContain('2. Show that you are a recipient: sign in with the email account');
  expect(signInOnly).not.toContain('one-time code');
  const both = pickupNotice({ ...base, proofs: new Set(['sign-in', 'code'] as const) }).text;
  // A sign-in recipient who asks for a code instead would wait for a mail that never comes: the notice says so.
  expect(both).toContain(
    '2. Show that you are a recipient. If the page offers to sign in with your email provider, sign in with the ' +
      'email account this message was sent to: no code is emailed to addresses that sign in. Otherwise, enter ' +
      'your email address and the one-time code we email you.',
  );
});

test('a sender name with markup stays text in the HTML notice', () => {
  const { html } = pickupNotice({ ...base, senderName: '<img src=x onerror=alert(1)>"' });
  expect(html).not.toContain('<img');
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;');
});

test('without a known sender the notice still names someone, never an empty name', () => {
  const { text } = pickupNotice({ ...base, senderName: '', senderAddress: '' });
  expect(text.startsWith('A sender using Sendguard sent you an encrypted message.')).toBe(true);
});
