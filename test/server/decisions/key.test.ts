/** The pseudonym key file: made once, kept private, and refused rather than replaced when it is not usable. */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISION_KEY_FILE, openDecisionKey, sameKeyAsOtherNodes } from '../../../src/server/decisions/key';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';

test('the first start makes 32 random bytes readable by the service user only; later starts read the same', async () => {
  const dataDir = join(scratchDir('decision-key'), 'data');
  const key = await openDecisionKey(dataDir);
  const file = join(dataDir, DECISION_KEY_FILE);
  expect(key).toHaveLength(32);
  expect(readFileSync(file)).toEqual(key);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(await openDecisionKey(dataDir)).toEqual(key);
  expect(await openDecisionKey(scratchDir('decision-key'))).not.toEqual(key);
});

test.each([0, 31, 33, 64])('a key file of %i bytes is refused, not replaced', async (size) => {
  const dataDir = scratchDir('decision-key');
  const file = join(dataDir, DECISION_KEY_FILE);
  writeFileSync(file, Buffer.alloc(size, 7), { mode: 0o600 });
  await expect(openDecisionKey(dataDir)).rejects.toMatchObject({
    code: 'DECISION_KEY_INVALID',
    message: `the decision pseudonym key ${file} holds ${size} bytes, not 32: restore it from a backup or from another node, or remove it to have a new one made (records kept so far then no longer match new ones)`,
  });
  expect(readFileSync(file)).toEqual(Buffer.alloc(size, 7));
});

test('a key that cannot be read is refused, saying why', async () => {
  const dataDir = scratchDir('decision-key');
  const file = join(dataDir, DECISION_KEY_FILE);
  // A folder where the file should be: unreadable as a file whoever the tests run as (root reads any mode).
  mkdirSync(file);
  chmodSync(file, 0o700);
  await expect(openDecisionKey(dataDir)).rejects.toMatchObject({
    code: 'DECISION_KEY_UNREADABLE',
    message: `the decision pseudonym key ${file} cannot be read (EISDIR): make it readable by the service's user only (chmod 600 ${file})`,
  });
});

test('nodes on one database are told whether their key is the first one stored', async () => {
  const store = openSqliteStore(scratchDir('decision-key'));
  stopAtFileEnd(() => store.close());
  const first = await openDecisionKey(scratchDir('decision-key'));
  const other = await openDecisionKey(scratchDir('decision-key'));
  expect(await sameKeyAsOtherNodes(first, store.settings)).toBe(true);
  expect(await sameKeyAsOtherNodes(first, store.settings)).toBe(true);
  expect(await sameKeyAsOtherNodes(other, store.settings)).toBe(false);
  // The check value reveals nothing of the key: it is not the key in any spelling.
  const check = (await store.settings.get('decisions.keyCheck'))!;
  expect(check).not.toContain(first.toString('base64'));
  expect(check).not.toContain(first.toString('hex'));
});
