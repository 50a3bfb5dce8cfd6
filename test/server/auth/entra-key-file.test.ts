/**
 * A local key set (`jwksUri: file:…`) re-read for unknown key IDs: at most once per 30 seconds of the injected
 * clock, and judged by its content, not its modification time.
 */
import { stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { entraKeySet, KeySetUnavailableError } from '../../../src/server/auth/entra-keys';
import { ManualClock } from '../../helpers/clock';
import { scratchDir } from '../../helpers/scratch';
import { signingKey } from './crafted-tokens';

const published = signingKey('published-key');
const rotated = signingKey('rotated-key');

let file: string;
let clock: ManualClock;
let keys: ReturnType<typeof entraKeySet>;

/** jose's cooldown for remote key sets, which the file's follows. */
const COOLDOWN_MS = 30_000;

const keySet = (...members: (typeof published)[]) => JSON.stringify({ keys: members.map((key) => key.jwk) });

/** The key the set gives for a token signed with `key`'s ID, or what it threw. */
const lookUp = async (key: typeof published): Promise<'found' | Error> => {
  try {
    await keys({ alg: 'RS256', kid: key.kid }, { payload: '', signature: '' });
    return 'found';
  } catch (error) {
    return error as Error;
  }
};

/** The rotated key, in the file by now, is not found until the cooldown since the file was last read has passed. */
async function expectRotatedFoundOnlyAfterCooldown() {
  clock.advance(COOLDOWN_MS - 1);
  expect(await lookUp(rotated)).toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  clock.advance(1);
  expect(await lookUp(rotated)).toBe('found');
}

beforeEach(async () => {
  file = join(scratchDir('key-file'), 'jwks.json');
  await writeFile(file, keySet(published));
  clock = new ManualClock();
  keys = entraKeySet(pathToFileURL(file).href, clock);
});

test('a key rotated into the file is found once the cooldown since the last read has passed, not before', async () => {
  await writeFile(file, keySet(published, rotated));
  await expectRotatedFoundOnlyAfterCooldown();
});

test('a read that found the file unchanged starts a new cooldown: forged key IDs cost one read per 30 seconds', async () => {
  clock.advance(COOLDOWN_MS);
  expect(await lookUp(rotated)).toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  await writeFile(file, keySet(published, rotated));
  await expectRotatedFoundOnlyAfterCooldown();
});

test('new content under the old modification time (a copy that kept its times) is read', async () => {
  const { atime, mtime } = await stat(file);
  await writeFile(file, keySet(published, rotated));
  await utimes(file, atime, mtime);
  clock.advance(COOLDOWN_MS);
  expect(await lookUp(rotated)).toBe('found');
});

test('a file broken after start: keys unavailable for an unknown key ID, the keys read before still serve', async () => {
  await writeFile(file, '{"keys": "none"}');
  clock.advance(COOLDOWN_MS);
  expect(await lookUp(rotated)).toBeInstanceOf(KeySetUnavailableError);
  expect(await lookUp(published)).toBe('found');
});
