/**
 * A thread keeps its protection in Thunderbird: a reply to or forward of a message that came encrypted, by secure
 * pickup or classified starts at least at that classification, read from the original through messages.getFull
 * (left encrypted) — the on-send check and the pane's host alike. Against the fake `messenger` and backend.
 */
import { readMessage } from '../../src/addin/read-message';
import { THREAD_LOWERED_HEADER } from '../../src/addin/thread/lowering';
import { beforeSend } from '../../src/thunderbird/before-send';
import { createComposeHost } from '../../src/thunderbird/compose-host';
import type { ComposeDetails } from '../../src/thunderbird/messenger';
import { saveSettings } from '../../src/thunderbird/settings';
import { bareMessageId } from '../../src/thunderbird/thread-origin';
import type { Policy } from '../../src/core/policy/schema';
import { defaultPolicy } from '../helpers/policy';
import { fakeBackendFetch } from './fake-backend';
import { fakeMessenger, type FakeMessenger } from './fake-messenger';

const TLS_OK = { 'tls-valid.sendguard.test': 'encrypted' };
const ANN = 'ann@tls-valid.sendguard.test';

/** A PGP/MIME message (RFC 3156 §4) as it arrives. */
const PGP_MIME = [
  'From: Ann <ann@tls-valid.sendguard.test>',
  'To: sam@example.gov',
  'Subject: Case file',
  'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b1"',
  '',
  '--b1',
  'Content-Type: application/pgp-encrypted',
  '',
  'Version: 1',
  '--b1',
  'Content-Type: application/octet-stream',
  '',
  '-----BEGIN PGP MESSAGE-----',
  'wcBMA0x',
  '-----END PGP MESSAGE-----',
  '--b1--',
  '',
].join('\r\n');

const withHeader = (header: string) =>
  [
    'From: Kim <kim@example.gov>',
    'To: sam@example.gov',
    'Subject: Budget',
    header,
    'Content-Type: text/plain',
    '',
    'Numbers attached.',
    '',
  ].join('\r\n');

const PICKUP_NOTICE = [
  'From: Lee <lee@partner.example>',
  'To: sam@example.gov',
  'Subject: Contract',
  'Content-Type: text/plain',
  '',
  'Lee sent you an encrypted message. It is not in this email: open it in your browser.',
  'https://sendguard.partner.example/pickup/#r1.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
  '',
].join('\r\n');

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

async function setUp(policy: Policy = defaultPolicy()) {
  const tb = fakeMessenger();
  const fetch = fakeBackendFetch({ transport: TLS_OK, policy });
  await saveSettings(tb.storage, { backendUrl: 'https://sendguard.example', token: 'sg_test' });
  tb.events.onBeforeSend.addListener((tab, details) => beforeSend({ api: tb.api, fetch }, tab, details));
  return tb;
}

/** A composer opened as `type` on the message `raw` (stored as received), with a reply's plain quote. */
function composeOn(tb: FakeMessenger, raw: string, details: ComposeDetails): number {
  const { messageId } = tb.displayMessage(raw, 'original');
  return tb.openCompose({ subject: 'Re: original', to: ANN, relatedMessageId: messageId!, ...details }).id!;
}

const policyWith = (threads: Partial<Policy['threads']>) =>
  defaultPolicy({ threads: { ...defaultPolicy().threads, ...threads } });

describe('a reply in a protected thread (Thunderbird)', () => {
  test('a reply to an OpenPGP-encrypted message is stopped as restricted, saying why, though its quote is plain', async () => {
    const tb = await setUp();
    // Thunderbird quotes the original decrypted: nothing in the reply itself looks protected.
    const tabId = composeOn(tb, PGP_MIME, {
      type: 'reply',
      body: '<p>Thanks.</p><blockquote>the case</blockquote>',
    });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(
      /^This thread was restricted: the message you are replying to was OpenPGP-encrypted, so this message is Restricted \(special categories, financial, health\) at least\./,
    );
  });

  test('the same text as a new message, or with the policy not keeping threads, goes as normal', async () => {
    const tb = await setUp();
    expect(await tb.send(composeOn(tb, PGP_MIME, { type: 'new', body: '<p>Thanks.</p>' }))).toMatchObject({
      kind: 'sent',
    });
    const off = await setUp(policyWith({ keepProtection: false }));
    expect(await off.send(composeOn(off, PGP_MIME, { type: 'reply', body: '<p>Thanks.</p>' }))).toMatchObject(
      {
        kind: 'sent',
      },
    );
  });

  test("a reply to a message classified confidential by the organisation's header goes over forced TLS", async () => {
    const tb = await setUp();
    const tabId = composeOn(tb, withHeader('X-Sendguard-Classification: confidential'), {
      type: 'reply',
      body: '<p>Agreed.</p>',
    });
    expect(await tb.send(tabId)).toMatchObject({
      kind: 'sent',
      details: { subject: '#secure# Re: original' },
    });
  });

  test('a classification this policy does not have (another organisation’s) sets nothing', async () => {
    const tb = await setUp();
    const tabId = composeOn(tb, withHeader('X-Sendguard-Classification: top-secret'), {
      type: 'reply',
      body: '<p>Agreed.</p>',
    });
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent', details: { subject: 'Re: original' } });
  });

  test('a forward of a secure-pickup notice is stopped, naming the pickup', async () => {
    const tb = await setUp();
    const tabId = composeOn(tb, PICKUP_NOTICE, { type: 'forward', body: '<p>FYI</p>' });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toContain(
      'This thread was restricted: the message you are forwarding came by secure pickup',
    );
  });

  test('lowering is honoured only where the policy allows it, and only for the floor it names', async () => {
    const lowered = (floor: string): ComposeDetails => ({
      type: 'reply',
      body: '<p>Thanks.</p>',
      customHeaders: [
        { name: 'X-Sendguard-Classification', value: 'normal' },
        { name: THREAD_LOWERED_HEADER, value: floor },
      ],
    });
    const strict = await setUp();
    expect(await strict.send(composeOn(strict, PGP_MIME, lowered('restricted')))).toEqual({
      kind: 'cancelled',
    });
    const lenient = await setUp(policyWith({ allowLowering: true }));
    expect(await lenient.send(composeOn(lenient, PGP_MIME, lowered('restricted')))).toMatchObject({
      kind: 'sent',
    });
    // Lowered from confidential does not cover a restricted thread.
    expect(await lenient.send(composeOn(lenient, PGP_MIME, lowered('confidential')))).toEqual({
      kind: 'cancelled',
    });
  });

  test('an original Thunderbird cannot give any more leaves the quote to go by, and the failure is recorded', async () => {
    const tb = await setUp();
    const quoted = '<p>Thanks.</p><pre>-----BEGIN PGP MESSAGE-----\nwcBMA0x\n-----END PGP MESSAGE-----</pre>';
    const tabId = tb.openCompose({ to: ANN, type: 'reply', relatedMessageId: 999, body: quoted }).id!;
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(/^This thread was restricted/);
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringContaining('reading the message this one replies to or forwards failed'),
    );
  });

  test('a saved reply draft reopened finds its original again by the In-Reply-To it was saved with', async () => {
    const tb = await setUp();
    tb.displayMessage(
      PGP_MIME.replace(
        'Subject: Case file',
        'Subject: Case file\r\nMessage-ID: <case-1@tls-valid.sendguard.test>',
      ),
    );
    const draft = (inReplyTo: string) =>
      [
        'From: Sam <sam@example.gov>',
        'Subject: Re: Case file',
        `In-Reply-To: ${inReplyTo}`,
        'Content-Type: text/plain',
        '',
        'Thanks.',
        '',
      ].join('\r\n');
    const reopened = composeOn(tb, draft('<case-1@tls-valid.sendguard.test>'), {
      type: 'draft',
      body: '<p>Thanks.</p>',
    });
    expect(await tb.send(reopened)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(
      /^This thread was restricted: the message you are replying to/,
    );
    // A draft of a new message, or one whose original is no longer there, is planned as new.
    const gone = composeOn(tb, draft('<elsewhere@example.org>'), { type: 'draft', body: '<p>Thanks.</p>' });
    expect(await tb.send(gone)).toMatchObject({ kind: 'sent' });
  });

  test('RFC 5322 §3.6.4: the first message id of a field, without its brackets; none from a malformed or huge one', () => {
    expect(bareMessageId('<a@b> <c@d>')).toBe('a@b');
    expect(bareMessageId(' <a@b>')).toBe('a@b');
    expect(bareMessageId('a@b')).toBeUndefined();
    expect(bareMessageId('<a@b')).toBeUndefined();
    expect(bareMessageId('<>')).toBeUndefined();
    expect(bareMessageId(`<${'a'.repeat(999)}>`)).toBeUndefined();
  });

  test('the pane reads the same thread through its compose host', async () => {
    const tb = fakeMessenger();
    const tabId = composeOn(tb, PGP_MIME, { type: 'reply', body: '<p>Thanks.</p>' });
    const state = await readMessage(createComposeHost(tb.api, tabId, () => false));
    expect(state.thread).toEqual({ how: 'reply', marks: [{ kind: 'openpgp' }] });
  });
});
