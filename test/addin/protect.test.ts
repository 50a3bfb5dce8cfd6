/**
 * The protect helpers: SHA-256 known answers, the forced-TLS tag, the applied-protection record, the sender's
 * passcode, and applying secure pickup without the passcode a recipient needs.
 */
import {
  appliedRecord,
  appliedToExactly,
  formatApplied,
  parseApplied,
} from '../../src/addin/protect/applied';
import { sha256Hex } from '../../src/addin/protect/sha256';
import { addSubjectTag, hasSubjectTag, removeSubjectTag, tagChanges } from '../../src/addin/protect/tag';
import { createHash } from 'node:crypto';
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import type { MailHost, SenderLink } from '../../src/addin/host';
import { passcodeBits, passcodeProblem, suggestPasscode } from '../../src/addin/passcode';
import { applyPlan } from '../../src/addin/protect/apply';
import type { EscrowRequest } from '../../src/addin/protect/escrow-port';
import { loadMessage, planWith } from '../../src/addin/state';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';

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

describe('the sender’s passcode', () => {
  test('at most 128 characters, no spaces at either end', () => {
    expect(passcodeProblem('x'.repeat(129))).toBe('Use at most 128 characters.');
    expect(passcodeProblem(' kx9#Lm2qPz!w')).toMatch(/no spaces at the start or the end/);
  });

  test('the passwords an offline guesser tries first are refused, pointing to a suggestion', () => {
    for (const weak of [
      '12345678',
      'password',
      'Summer2025',
      'P@ssw0rd!',
      'qwertyuiop',
      'aaaaaaaaaaaa',
      '1234567890123456',
      'abcdefghijklmnopqrstuvwxyz',
    ])
      expect([weak, passcodeProblem(weak)]).toEqual([
        weak,
        expect.stringMatching(/^Too easy to guess .*“Suggest one” \(80 bits/),
      ]);
    expect(passcodeBits('Summer2025')).toBeLessThan(25);
  });

  test('about 50 bits will do: random mixed characters, a long passphrase', () => {
    for (const strong of ['kx9#Lm2qPz!w', 'Vw8rX2kqLp', 'correct horse battery staple'])
      expect([strong, passcodeProblem(strong)]).toEqual([strong, undefined]);
    // Characters, not UTF-16 units: four emoji are four characters, not enough.
    expect(passcodeProblem('😀😀😀😀')).toMatch(/^Too easy to guess/);
  });

  test('the estimate is linear: length times the bits of the alphabet its classes span', () => {
    expect(passcodeBits('kx9q')).toBeCloseTo(4 * Math.log2(36));
    expect(passcodeBits('kX9#')).toBeCloseTo(4 * Math.log2(95));
  });

  test('a suggestion is four groups of four characters that cannot be misread, all 80 bits of it random', () => {
    const hex = ['0123456789abcdef0123456789abcdef', 'ffffffffffffffffffffffffffffffff'];
    let n = 0;
    const suggestion = suggestPasscode(() => hex[n++ % 2]!);
    expect(suggestion).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect(passcodeProblem(suggestion)).toBeUndefined();
    // 0x01234 as 5-bit groups: 00000 00100 10001 10100 … → "04hm"…
    expect(suggestion.slice(0, 4)).toBe('04hm');
    // A short source is asked again until there are bits enough.
    let calls = 0;
    suggestPasscode(() => (calls++, 'ab'));
    expect(calls).toBe(10);
  });
});

describe('applying secure pickup', () => {
  const ENC = 'c@enc.example';
  const answer: AssessAnswer = {
    policyVersion: 'v',
    partial: false,
    recipients: [assessedRecipient(ENC, 'encrypted')],
    invalid: [],
  };
  const host: MailHost = {
    getRecipients: async () => ({ to: [{ address: ENC }], cc: [], bcc: [] }),
    setRecipients: async () => undefined,
    getSubject: async () => 'Refund',
    setSubject: async () => undefined,
    getBody: async () => 'Her SSN is 234-56-7890.',
    setBody: async () => undefined,
    listAttachments: async () => [],
    getAttachmentContent: async () => new ArrayBuffer(0),
    addAttachment: async () => undefined,
    removeAttachment: async () => undefined,
    getHeader: async () => undefined,
    setHeaders: async () => undefined,
    save: async () => undefined,
    getSenderAddress: async () => undefined,
    notify: async () => undefined,
    theme: () => 'light',
    onRecipientsChanged: () => () => undefined,
  };
  const backend: Backend = {
    policy: async () => ({ version: 'v', policy: defaultPolicy() }),
    assess: async () => answer,
    acceptKey: () => Promise.reject(new Error('no key to accept here')),
  };

  test('a recipient whose proof is the passcode: refused without a sound one, before anything is uploaded', async () => {
    const loaded = await loadMessage({ host, backend });
    const planned = planWith(loaded, undefined);
    expect(planned.plan.recipients[0]?.proof).toBe('passcode');
    const asked: EscrowRequest[] = [];
    const deps = {
      host,
      backend,
      backendUrl: 'https://sg.example',
      randomHex: () => '00',
      escrow: async (request: EscrowRequest) => {
        asked.push(request);
        throw new Error('not reached');
      },
    };
    for (const sender of [{}, { passcode: 'short' }]) {
      await expect(applyPlan(planned, loaded, deps, undefined, sender)).rejects.toMatchObject({
        code: 'APPLY_NO_PASSCODE',
        message: expect.stringContaining(`${ENC} can open this message only with a passcode you give them`),
      });
    }
    expect(asked).toEqual([]);
  });

  /** The escrow client's answer once the service stored the message. */
  const stored = async () => ({
    id: 'm'.repeat(22),
    pickupUrl: 'https://sg.example/pickup/#r1.x',
    senderUrl: 'https://sg.example/pickup/#s1.x',
    expiresAt: '2027-01-06T00:00:00.000Z',
    notice: { html: '<p>notice</p>', text: 'notice' },
  });

  test('the sender link is kept as soon as the service stored the message, before the draft changes', async () => {
    const loaded = await loadMessage({ host, backend });
    const planned = planWith(loaded, undefined);
    const kept: SenderLink[] = [];
    const events: string[] = [];
    const failingDraft: MailHost = {
      ...host,
      senderLinks: {
        keep: async (link) => void (kept.push(link), events.push('kept')),
        list: async () => kept,
        forget: async () => undefined,
      },
      setBody: async () => {
        events.push('draft');
        throw new Error('the draft is locked');
      },
    };
    const deps = {
      host: failingDraft,
      backend,
      backendUrl: 'https://sg.example',
      randomHex: () => '00',
      escrow: stored,
    };
    await expect(applyPlan(planned, loaded, deps, undefined, { passcode: 'kx9#Lm2qPz!w' })).rejects.toThrow(
      'the draft is locked',
    );
    expect(events).toEqual(['kept', 'draft']);
    expect(kept).toEqual([
      {
        id: 'm'.repeat(22),
        url: 'https://sg.example/pickup/#s1.x',
        expiresAt: '2027-01-06T00:00:00.000Z',
        ownCopy: false,
      },
    ]);
  });

  test('the subject and bodies are read once, with the rest of the message, and uploaded as read', async () => {
    const loaded = await loadMessage({ host, backend });
    const planned = planWith(loaded, undefined);
    const reads: string[] = [];
    const counting: MailHost = {
      ...host,
      getSubject: async () => (reads.push('subject'), 'Refund'),
      getBody: async (format) => (reads.push(format), `Her SSN is 234-56-7890 (${format}).`),
    };
    const uploaded: EscrowRequest[] = [];
    const deps = {
      host: counting,
      backend,
      backendUrl: 'https://sg.example',
      randomHex: () => '00',
      escrow: async (request: EscrowRequest) => (uploaded.push(request), stored()),
    };
    await applyPlan(planned, loaded, deps, undefined, { passcode: 'kx9#Lm2qPz!w' });
    expect(reads.sort()).toEqual(['html', 'subject', 'text']);
    expect(uploaded[0]!.message).toMatchObject({
      subject: 'Refund',
      html: 'Her SSN is 234-56-7890 (html).',
      text: 'Her SSN is 234-56-7890 (text).',
    });
  });

  test('applyPlan says which proofs it sent and the passcode only when a recipient needed it', async () => {
    const loaded = await loadMessage({ host, backend });
    const planned = planWith(loaded, undefined);
    const deps = {
      host,
      backend,
      backendUrl: 'https://sg.example',
      randomHex: () => '00',
      escrow: stored,
    };
    await expect(applyPlan(planned, loaded, deps, undefined, { passcode: 'kx9#Lm2qPz!w' })).resolves.toEqual({
      action: 'escrow',
      escrow: { proofs: [{ address: ENC, proof: 'passcode' }], passcode: 'kx9#Lm2qPz!w' },
    });
  });
});
