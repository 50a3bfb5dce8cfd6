/**
 * Text a key's publisher chooses (armored answers of up to 256 KiB, user IDs) read without backtracking: each of
 * these took seconds to minutes with the patterns they replaced. The 1 s budget is generous; each takes about a
 * millisecond.
 */
import { KeyReadError, readKeyBlock } from '../../../src/server/keys/key-read';
import { userIdEmail } from '../../../src/server/keys/mailbox';
import type { User } from '../../../src/server/keys/openpgp';

async function withinBudget<T>(work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const result = await work();
  expect(performance.now() - started).toBeLessThan(1000);
  return result;
}

const user = (userID: string) => ({ userID: { email: '', userID } }) as unknown as User;

describe('armored answers', () => {
  test('256 KiB of key block headers that never close is refused after one pass', async () => {
    const header = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n';
    const text = header.repeat(Math.floor((256 * 1024) / header.length));
    const refusal = await withinBudget(() => readKeyBlock(text).catch((error: unknown) => error));
    expect(refusal).toBeInstanceOf(KeyReadError);
    expect(refusal).toMatchObject({ message: 'the answer holds more than 16 key blocks' });
  });

  test('a few unclosed headers in 256 KiB are still read as no complete block', async () => {
    const text = `${'-----BEGIN PGP PUBLIC KEY BLOCK-----\n'.repeat(16)}${'x'.repeat(256 * 1024)}`;
    await expect(withinBudget(() => readKeyBlock(text))).rejects.toThrow('no complete key block');
  });
});

describe('userIdEmail', () => {
  test.each([
    ['Alice <alice@example.org>', 'alice@example.org'],
    ['alice@example.org', 'alice@example.org'],
    ['  bob@example.org  ', 'bob@example.org'],
    ['Bob <x> <bob@example.org>', 'bob@example.org'],
    ['@a@b', '@a@b'],
    ['Alice <alice@example.org', undefined],
    ['alice@example.org>', undefined],
    ['Alice <@example.org>', undefined],
    ['Alice <alice@>', undefined],
    ['Alice <al ice@example.org>', undefined],
    ['alice at example.org', undefined],
    ['<>', undefined],
  ])('%j names %j', (text, email) => {
    expect(userIdEmail(user(text))).toBe(email);
  });

  test.each([
    ['a bracket followed by 200,000 @ and a space', `<${'@'.repeat(200_000)} x`],
    ['200,000 @ then a bracket', `${'@'.repeat(200_000)}<x`],
    ['a bracketed run of @ that never closes', `x <a${'@'.repeat(200_000)}`],
  ])('%s is read in linear time', async (_, text) => {
    expect(await withinBudget(() => userIdEmail(user(text)))).toBeUndefined();
  });
});
