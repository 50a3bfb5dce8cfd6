/**
 * The pseudonym key file: made once, kept private, refused rather than replaced when it is not usable, and one
 * key for every node of a database: a node with another key, or none while the database knows one, refuses to
 * start (the shared opener of keys-at-rest/key-file.ts, as the escrow server key's).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  DECISION_KEY_CHECK_SETTING,
  DECISION_KEY_FILE,
  openDecisionKey,
} from '../../../src/server/decisions/key';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import type { Settings } from '../../../src/server/store/store';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';

/** The settings of a fresh database of its own. */
function settings(): Settings {
  const store = openSqliteStore(scratchDir('decision-key-db'));
  stopAtFileEnd(() => store.close());
  return store.settings;
}

test('the first start makes 32 random bytes readable by the service user only; later starts read the same', async () => {
  const db = settings();
  const dataDir = join(scratchDir('decision-key'), 'data');
  const key = await openDecisionKey(dataDir, db);
  const file = join(dataDir, DECISION_KEY_FILE);
  expect(key).toHaveLength(32);
  expect(readFileSync(file)).toEqual(key);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(await openDecisionKey(dataDir, db)).toEqual(key);
  expect(await openDecisionKey(scratchDir('decision-key'), settings())).not.toEqual(key);
  // The check value reveals nothing of the key: it is not the key in any spelling.
  const check = (await db.get(DECISION_KEY_CHECK_SETTING))!;
  expect(check).not.toContain(key.toString('base64'));
  expect(check).not.toContain(key.toString('hex'));
});

test.each([0, 31, 33, 64])('a key file of %i bytes is refused, not replaced', async (size) => {
  const dataDir = scratchDir('decision-key');
  const file = join(dataDir, DECISION_KEY_FILE);
  writeFileSync(file, Buffer.alloc(size, 7), { mode: 0o600 });
  await expect(openDecisionKey(dataDir, settings())).rejects.toMatchObject({
    code: 'DECISION_KEY_INVALID',
    message: `the decision pseudonym key ${file} holds ${size} bytes, not 32: restore it from a backup or from another node on this database`,
  });
  expect(readFileSync(file)).toEqual(Buffer.alloc(size, 7));
});

test('a key that cannot be read is refused, saying why', async () => {
  const dataDir = scratchDir('decision-key');
  const file = join(dataDir, DECISION_KEY_FILE);
  // A folder where the file should be: unreadable as a file whoever the tests run as (root reads any mode).
  mkdirSync(file);
  chmodSync(file, 0o700);
  await expect(openDecisionKey(dataDir, settings())).rejects.toMatchObject({
    code: 'DECISION_KEY_UNREADABLE',
    message: `the decision pseudonym key file ${file} cannot be read (EISDIR): make it readable by the service's user only (chmod 600 ${file})`,
  });
});

test('a key file others can read is tightened to its owner, as the docs promise (0600)', async () => {
  const dataDir = scratchDir('decision-key');
  const file = join(dataDir, DECISION_KEY_FILE);
  writeFileSync(file, randomBytes(32));
  chmodSync(file, 0o644);
  await openDecisionKey(dataDir, settings());
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

const REMEDY = `copy ${DECISION_KEY_FILE} from the data directory of a node that already runs on this database (or from its backup) into this node's data directory`;

test('a node whose key differs from the one its database knows refuses to start, saying what to copy from where', async () => {
  const db = settings();
  const first = await openDecisionKey(scratchDir('decision-key'), db);
  const other = scratchDir('decision-key');
  const file = join(other, DECISION_KEY_FILE);
  writeFileSync(file, randomBytes(32), { mode: 0o600 });
  await expect(openDecisionKey(other, db)).rejects.toMatchObject({
    code: 'DECISION_KEY_MISMATCH',
    message: `the decision pseudonym key in ${file} is not the key of this database, which already holds decision records and key verdicts named under another pseudonym key: ${REMEDY}`,
  });
  // With the first node's file copied, it starts.
  writeFileSync(file, first);
  expect(await openDecisionKey(other, db)).toEqual(first);
});

test('a new node with an empty data directory, on a database that knows a key, refuses rather than make one', async () => {
  const db = settings();
  await openDecisionKey(scratchDir('decision-key'), db);
  const empty = join(scratchDir('decision-key'), 'data');
  const file = join(empty, DECISION_KEY_FILE);
  await expect(openDecisionKey(empty, db)).rejects.toMatchObject({
    code: 'DECISION_KEY_MISSING',
    message: `the decision pseudonym key file ${file} does not exist, but the database already holds decision records and key verdicts named under another pseudonym key, and a new key would not match them: ${REMEDY}`,
  });
  expect(existsSync(file)).toBe(false);
});
