/**
 * The escrow server key's file and its check value in the service's settings (the real SQLite and PostgreSQL
 * stores): one key for every node of a database, and a plain refusal when a node's key is not that one.
 */
import { chmodSync, chownSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openServerKey, SERVER_KEY_CHECK_SETTING, serverKeyCheck } from '../../src/server/escrow/server-key';
import { openPostgresStore } from '../../src/server/store/postgres/open';
import { openSqliteStore } from '../../src/server/store/sqlite';
import type { ServiceStore } from '../../src/server/store/store';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';
import { message } from './message-fixture';

let postgres: PostgresServer | undefined;

/** A fresh store of each kind, closed when the file ends. */
const STORES: Array<[string, () => Promise<ServiceStore>]> = [
  ['SQLite', async () => openSqliteStore(scratchDir('key-settings'))],
  [
    'PostgreSQL',
    async () => {
      postgres ??= await startPostgres();
      return openPostgresStore(await postgres.newDatabase());
    },
  ],
];

const sealed = (key: Awaited<ReturnType<typeof openServerKey>>) =>
  key.seal(Buffer.from('server secret'), 'escrow-server-secret:m1');

describe.each(STORES)('on %s', (_kind, open) => {
  async function opened() {
    const store = await open();
    stopAtFileEnd(() => store.close());
    return store;
  }

  test('the first start creates the key file (0600) and keeps its check value, which is not the key', async () => {
    const file = join(scratchDir('key'), 'keys', 'escrow-server.key');
    const kept = await opened();
    const key = await openServerKey(file, kept);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const check = await kept.settings.get(SERVER_KEY_CHECK_SETTING);
    expect(check).toBe(serverKeyCheck(key));
    expect(check).not.toContain((await readFile(file, 'utf8')).trim());
    // A later start reads the same key: what it sealed opens.
    const again = await openServerKey(file, kept);
    expect(Buffer.from(again.open(sealed(key), 'escrow-server-secret:m1')).toString()).toBe('server secret');
  });

  test('nodes creating the key file at the same moment end up with one key', async () => {
    const file = join(scratchDir('key'), 'escrow-server.key');
    const kept = await opened();
    const keys = await Promise.all([1, 2, 3, 4].map(() => openServerKey(file, kept)));
    const checks = new Set(keys.map(serverKeyCheck));
    expect(checks.size).toBe(1);
  });

  test('a node whose key file holds another key refuses to start, naming the file and what to do', async () => {
    const kept = await opened();
    await openServerKey(join(scratchDir('key'), 'escrow-server.key'), kept);
    const other = join(scratchDir('key'), 'escrow-server.key');
    writeFileSync(other, randomBytes(32).toString('base64'));
    await expect(openServerKey(other, kept)).rejects.toMatchObject({
      code: 'ESCROW_SERVER_KEY_MISMATCH',
      message: expect.stringMatching(
        new RegExp(`${other}.*copy the key file from a node that already runs, or set escrow.serverKeyFile`),
      ),
    });
  });

  test('a node without the key file, on a database that knows a key, refuses rather than make a new key', async () => {
    const kept = await opened();
    await openServerKey(join(scratchDir('key'), 'escrow-server.key'), kept);
    const missing = join(scratchDir('key'), 'escrow-server.key');
    await expect(openServerKey(missing, kept)).rejects.toMatchObject({
      code: 'ESCROW_SERVER_KEY_MISSING',
      message: expect.stringContaining(`${missing} does not exist`),
    });
    expect(() => statSync(missing)).toThrow();
  });

  test('a node without the key file, on a database with messages from before check values were kept, refuses too', async () => {
    const kept = await opened();
    await kept.escrow.insertMessage(message('m1'), []);
    const missing = join(scratchDir('key'), 'escrow-server.key');
    await expect(openServerKey(missing, kept)).rejects.toMatchObject({
      code: 'ESCROW_SERVER_KEY_MISSING',
      message: expect.stringContaining(`${missing} does not exist`),
    });
    expect(() => statSync(missing)).toThrow();
    expect(await kept.settings.get(SERVER_KEY_CHECK_SETTING)).toBeUndefined();
  });
});

describe("the key file's mode", () => {
  /** A key file with `mode`, owned by `uid` (this process's user when absent), and a store to open it with. */
  async function keyFile(mode: number, uid?: number) {
    const file = join(scratchDir('key'), 'escrow-server.key');
    writeFileSync(file, randomBytes(32).toString('base64'));
    chmodSync(file, mode);
    if (uid !== undefined) chownSync(file, uid, uid);
    const store = openSqliteStore(scratchDir('key-settings'));
    stopAtFileEnd(() => store.close());
    return { file, store };
  }
  const modeOf = (file: string) => statSync(file).mode & 0o777;
  /** Someone other than this process: `nobody`. Giving a file away takes root, which the suite runs as. */
  const NOBODY = 65_534;

  test('a key file of ours that others can read is tightened to its owner', async () => {
    const { file, store } = await keyFile(0o644);
    await openServerKey(file, store);
    expect(modeOf(file)).toBe(0o600);
  });

  test('a read-only key file (0400) is used as it is', async () => {
    const { file, store } = await keyFile(0o400);
    await openServerKey(file, store);
    expect(modeOf(file)).toBe(0o400);
  });

  test('a key file that is not ours to change is used when private, refused when others can read it', async () => {
    const private_ = await keyFile(0o600, NOBODY);
    await openServerKey(private_.file, private_.store);
    expect(modeOf(private_.file)).toBe(0o600);
    const exposed = await keyFile(0o640, NOBODY);
    await expect(openServerKey(exposed.file, exposed.store)).rejects.toMatchObject({
      code: 'ESCROW_SERVER_KEY_EXPOSED',
      message: `the escrow server key file ${exposed.file} can be read by other users (mode 0640) and the service cannot change that: make it readable by the service's user only (chmod 600 ${exposed.file}, or 400)`,
    });
    expect(modeOf(exposed.file)).toBe(0o640);
  });
});
