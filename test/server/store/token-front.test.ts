/**
 * The API tokens held in memory in front of the store: found tokens only, dropped when revoked here, when another
 * node announces a revocation or insert, and all of them when the change feed may have missed something.
 */
import { withTokenFront } from '../../../src/server/store/token-front';
import type { ApiTokenRecord, ChangeFeed, TokenStore } from '../../../src/server/store/store';
import { manualFeed } from '../../helpers/change-feed';

function token(id: string, revokedAt?: string): ApiTokenRecord {
  return {
    id,
    name: `token ${id}`,
    role: 'sender',
    hash: `hash-${id}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...(revokedAt ? { revokedAt } : {}),
  };
}

/** A token store that counts its lookups; `pause` holds the next lookup until `resume`. */
function store(records: ApiTokenRecord[]) {
  const rows = new Map(records.map((record) => [record.hash, record]));
  const lookups: string[] = [];
  let held: { release: () => void } | undefined;
  const inner: TokenStore = {
    async insert(record) {
      rows.set(record.hash, record);
    },
    async findByHash(hash) {
      lookups.push(hash);
      const answer = rows.get(hash);
      if (held) await new Promise<void>((release) => (held = { release }));
      return answer;
    },
    async list() {
      return [...rows.values()];
    },
    async revoke(id, at) {
      const record = [...rows.values()].find((row) => row.id === id && !row.revokedAt);
      if (record) rows.set(record.hash, { ...record, revokedAt: at });
      return record !== undefined;
    },
  };
  return {
    inner,
    lookups,
    rows,
    pause: () => (held = { release: () => undefined }),
    resume: () => {
      const release = held!.release;
      held = undefined;
      release();
    },
  };
}

test('a token found is answered from memory; an unknown hash is asked of the store every time', async () => {
  const { inner, lookups } = store([token('a')]);
  const front = withTokenFront(inner, manualFeed().changes);
  expect(await front.findByHash('hash-a')).toEqual(token('a'));
  expect(await front.findByHash('hash-a')).toEqual(token('a'));
  expect(await front.findByHash('guess')).toBeUndefined();
  expect(await front.findByHash('guess')).toBeUndefined();
  expect(lookups).toEqual(['hash-a', 'guess', 'guess']);
});

test('a token revoked through the front is refused at once', async () => {
  const { inner } = store([token('a')]);
  const front = withTokenFront(inner, manualFeed().changes);
  await front.findByHash('hash-a');
  expect(await front.revoke('a', '2026-02-02T00:00:00.000Z')).toBe(true);
  expect((await front.findByHash('hash-a'))?.revokedAt).toBe('2026-02-02T00:00:00.000Z');
});

test("another node's revocation drops the token, and a reset drops every token", async () => {
  const { inner, rows, lookups } = store([token('a'), token('b')]);
  const { changes, tell, reset } = manualFeed();
  const front = withTokenFront(inner, changes);
  await front.findByHash('hash-a');
  await front.findByHash('hash-b');
  // Written behind the front's back, as another node would.
  rows.set('hash-a', token('a', 'later'));
  rows.set('hash-b', token('b', 'later'));
  expect((await front.findByHash('hash-a'))?.revokedAt).toBeUndefined();
  tell({ cache: 'keyring', key: 'a' });
  tell({ cache: 'tokens', key: 'a' });
  expect((await front.findByHash('hash-a'))?.revokedAt).toBe('later');
  expect((await front.findByHash('hash-b'))?.revokedAt).toBeUndefined();
  reset();
  expect((await front.findByHash('hash-b'))?.revokedAt).toBe('later');
  expect(lookups).toEqual(['hash-a', 'hash-b', 'hash-a', 'hash-b']);
});

test('a lookup that a revocation overtook answers, but is not kept', async () => {
  const { inner, lookups, pause, resume } = store([token('a')]);
  const { changes, tell } = manualFeed();
  const front = withTokenFront(inner, changes);
  pause();
  const lookup = front.findByHash('hash-a');
  tell({ cache: 'tokens', key: 'a' });
  resume();
  expect(await lookup).toEqual(token('a'));
  await front.findByHash('hash-a');
  expect(lookups).toEqual(['hash-a', 'hash-a']);
});

test('a revocation of another token does not keep a lookup out of memory', async () => {
  const { inner, lookups, pause, resume } = store([token('a'), token('b')]);
  const { changes, tell } = manualFeed();
  const front = withTokenFront(inner, changes);
  pause();
  const lookup = front.findByHash('hash-a');
  tell({ cache: 'tokens', key: 'b' });
  resume();
  await lookup;
  await front.findByHash('hash-a');
  expect(lookups).toEqual(['hash-a']);
});

test('while the feed is not live a token is looked up in the store every time, and not kept', async () => {
  const { inner, rows, lookups } = store([token('a')]);
  const { changes, lose, reset } = manualFeed();
  const front = withTokenFront(inner, changes);
  await front.findByHash('hash-a');
  lose();
  // Revoked by another node while this one could not hear it: refused at once all the same.
  rows.set('hash-a', token('a', 'later'));
  expect((await front.findByHash('hash-a'))?.revokedAt).toBe('later');
  await front.findByHash('hash-a');
  expect(lookups).toEqual(['hash-a', 'hash-a', 'hash-a']);
  reset();
  await front.findByHash('hash-a');
  await front.findByHash('hash-a');
  expect(lookups).toEqual(['hash-a', 'hash-a', 'hash-a', 'hash-a']);
});

test('memory holds a bounded number of tokens', async () => {
  const records = Array.from({ length: 5 }, (_, n) => token(String(n)));
  const { inner, lookups } = store(records);
  const front = withTokenFront(inner, manualFeed().changes, 3);
  for (const record of records) await front.findByHash(record.hash);
  lookups.length = 0;
  for (const id of ['2', '3', '4', '0']) await front.findByHash(`hash-${id}`);
  // The three used last are held; the first two left.
  expect(lookups).toEqual(['hash-0']);
});

test('held: a token found is answered without waiting; a feed that asks for changes is asked first, every time', async () => {
  const { inner, rows } = store([token('a')]);
  const { changes, reset } = manualFeed();
  let asked = 0;
  // As SQLite's feed: it learns of another process's write only when asked, and tells it as a reset.
  let writtenElsewhere = false;
  const polled: ChangeFeed = {
    subscribe: changes.subscribe,
    live: true,
    catchUp() {
      asked++;
      if (writtenElsewhere) reset();
      writtenElsewhere = false;
    },
  };
  const front = withTokenFront(inner, polled);
  expect(front.held?.('hash-a')).toBeUndefined();
  await front.findByHash('hash-a');
  expect(front.held?.('hash-a')).toEqual(token('a'));
  rows.set('hash-a', token('a', 'later'));
  writtenElsewhere = true;
  expect(front.held?.('hash-a')).toBeUndefined();
  expect((await front.findByHash('hash-a'))?.revokedAt).toBe('later');
  expect(asked).toBe(5);
});
