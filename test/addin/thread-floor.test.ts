/**
 * The floor a thread sets (addin/thread/floor.ts), the sender's recorded lowering (thread/lowering.ts), and the
 * policy's `threads` section as the service's schema and the add-ins' reader read it.
 */
import { AnswerError } from '../../src/core/evaluate/fields';
import { readPolicyAnswer } from '../../src/core/evaluate/policy-answer';
import { PolicySchema, type Policy } from '../../src/core/policy/schema';
import { encryptedClassification, threadFloor } from '../../src/addin/thread/floor';
import { floorLowered, loweringHeaders, THREAD_LOWERED_HEADER } from '../../src/addin/thread/lowering';
import { marksInHeaders, marksInText, type ThreadMark } from '../../src/addin/thread/marks';
import { defaultPolicy } from '../helpers/policy';

const withThreads = (threads: Partial<Policy['threads']>) =>
  defaultPolicy({ threads: { ...defaultPolicy().threads, ...threads } });
const reply = (...marks: ThreadMark[]) => ({ how: 'reply' as const, marks });

describe('the floor a thread sets', () => {
  test('an encrypted thread starts at the weakest classification that asks for end-to-end, or the one the policy names', () => {
    expect(encryptedClassification(defaultPolicy())).toBe('restricted');
    expect(encryptedClassification(withThreads({ encryptedClassification: 'confidential' }))).toBe(
      'confidential',
    );
    const noEndToEnd = defaultPolicy();
    noEndToEnd.classifications = noEndToEnd.classifications.filter((c) => c.requirement !== 'end-to-end');
    expect(encryptedClassification(noEndToEnd)).toBe('confidential');
  });

  test('the highest mark decides and is the one named', () => {
    const floor = threadFloor(
      reply({ kind: 'classified', classification: 'confidential' }, { kind: 'pickup' }),
      defaultPolicy(),
    );
    expect(floor).toEqual({
      classification: 'restricted',
      because:
        'This thread was restricted: the message you are replying to came by secure pickup, so this message is Restricted (special categories, financial, health) at least',
    });
  });

  test('a forward says so; S/MIME and an encryption the host did not name are said as they are', () => {
    expect(threadFloor({ how: 'forward', marks: [{ kind: 'smime' }] }, defaultPolicy())?.because).toContain(
      'the message you are forwarding was S/MIME-encrypted',
    );
    expect(threadFloor(reply({ kind: 'encrypted' }), defaultPolicy())?.because).toContain('was encrypted,');
  });

  test('none for a new message, no marks, a name this policy lacks, the weakest classification, or threads not kept', () => {
    const policy = defaultPolicy();
    expect(threadFloor(undefined, policy)).toBeUndefined();
    expect(threadFloor(reply(), policy)).toBeUndefined();
    expect(threadFloor(reply({ kind: 'classified', classification: 'secret' }), policy)).toBeUndefined();
    expect(threadFloor(reply({ kind: 'classified', classification: 'normal' }), policy)).toBeUndefined();
    expect(threadFloor(reply({ kind: 'openpgp' }), withThreads({ keepProtection: false }))).toBeUndefined();
  });
});

describe('lowering a thread’s floor', () => {
  const floor = { classification: 'restricted', because: 'x' };

  test('only where the policy allows it, and only a record for this floor or a higher one', () => {
    expect(floorLowered(floor, 'restricted', defaultPolicy())).toBe(false);
    const lenient = withThreads({ allowLowering: true });
    expect(floorLowered(floor, 'restricted', lenient)).toBe(true);
    expect(floorLowered(floor, 'confidential', lenient)).toBe(false);
    expect(floorLowered(floor, 'secret', lenient)).toBe(false);
    expect(floorLowered(floor, undefined, lenient)).toBe(false);
  });

  test('the pane records a choice below the floor, takes it back at or above it, and writes nothing without a thread', () => {
    const lenient = withThreads({ allowLowering: true });
    expect(loweringHeaders('normal', floor, lenient)).toEqual({ [THREAD_LOWERED_HEADER]: 'restricted' });
    expect(loweringHeaders('restricted', floor, lenient)).toEqual({ [THREAD_LOWERED_HEADER]: '' });
    expect(loweringHeaders('normal', floor, defaultPolicy())).toEqual({ [THREAD_LOWERED_HEADER]: '' });
    expect(loweringHeaders('normal', undefined, lenient)).toEqual({});
  });
});

describe('marks', () => {
  test('RFC 3156 §4 and RFC 8551 §3.3: encrypted MIME types; the applied record names its protection', () => {
    const headers: Record<string, string> = {
      'content-type': 'multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"',
      'x-sendguard-applied': 'v=1; protection=escrow; classification=confidential; salt=ab; recipients=cd',
    };
    expect(marksInHeaders((name) => headers[name.toLowerCase()])).toEqual([
      { kind: 'openpgp' },
      { kind: 'classified', classification: 'confidential' },
      { kind: 'pickup' },
    ]);
    expect(
      marksInHeaders(() => 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m'),
    ).toContainEqual({
      kind: 'smime',
    });
    // Signed is not encrypted.
    expect(
      marksInHeaders((n) =>
        n === 'Content-Type' ? 'multipart/signed; protocol="application/pgp-signature"' : undefined,
      ),
    ).toEqual([]);
  });

  test('a pickup link rewritten by a link-checking gateway still shows; a pickup path without a link fragment does not', () => {
    expect(
      marksInText(
        'https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fsg.example%2Fpickup%2F%23r1.AAAA',
      ),
    ).toEqual([{ kind: 'pickup' }]);
    expect(marksInText('see https://sg.example/pickup/ for how it works')).toEqual([]);
  });
});

describe('the policy’s threads section', () => {
  const served = (threads: unknown) => ({ version: 'v1', policy: { ...defaultPolicy(), threads } });

  test('absent (a service older than it): kept, not lowered, as the schema defaults it', () => {
    const { threads: _threads, ...older } = defaultPolicy();
    expect(readPolicyAnswer({ version: 'v1', policy: older }).policy.threads).toEqual({
      keepProtection: true,
      allowLowering: false,
    });
    expect(PolicySchema.parse(older).threads).toEqual({ keepProtection: true, allowLowering: false });
  });

  test('read as the schema reads it', () => {
    const threads = { keepProtection: true, allowLowering: true, encryptedClassification: 'confidential' };
    expect(readPolicyAnswer(served(threads)).policy.threads).toEqual(threads);
    expect(PolicySchema.parse(served(threads).policy).threads).toEqual(threads);
  });

  test.each([
    ['threads.allowLowering', { keepProtection: true, allowLowering: 'yes' }],
    ['threads.keepProtection', { keepProtection: 1, allowLowering: false }],
    [
      'threads.encryptedClassification: "secret" is not one of the classifications',
      { keepProtection: true, allowLowering: false, encryptedClassification: 'secret' },
    ],
  ])('a wrong %s is refused by both', (words, threads) => {
    expect(() => PolicySchema.parse(served(threads).policy)).toThrow();
    expect(() => readPolicyAnswer(served(threads))).toThrow(AnswerError);
    expect(() => readPolicyAnswer(served(threads))).toThrow(words);
  });
});
