/**
 * Nodes sharing one database tell each other what they changed: a write to a cache other nodes may hold in memory
 * sends `{ node, cache, key }` on one channel (pg_notify, in the statement or transaction of the write, so it is
 * delivered only when the write commits), and every node listens on one connection of its own.
 *
 * A notification sent while a node's listening connection is down is lost to it: once listening again, the node
 * tells its subscribers to reset (forget whatever they hold from before), since any of it may have changed.
 */
import pg from 'pg';
import type { Change, ChangedCache, ChangeFeed } from '../store';
import { FeedSubscribers } from '../feed-subscribers';
import { connectionSettings } from './pool';

const CHANGES_CHANNEL = 'sendguard_changes';

/** What a node announces it changed. */
interface Announcement extends Change {
  node: string;
}

/**
 * `statement`, which must end in `RETURNING 1`, made into one statement that also announces `change`: it returns
 * one row, `changed` = how many rows the statement wrote, and its notification goes out when it commits.
 */
export function announcing(
  statement: string,
  params: readonly unknown[],
  change: Announcement,
): { text: string; values: unknown[] } {
  return {
    text: `WITH written AS (${statement})
      SELECT (SELECT count(*) FROM written)::integer AS changed, pg_notify('${CHANGES_CHANNEL}', $${params.length + 1})`,
    values: [...params, JSON.stringify(change)],
  };
}

const CACHES: ReadonlySet<string> = new Set<ChangedCache>([
  'keyVerdicts',
  'transportReports',
  'mailboxReports',
  'keyring',
  'tokens',
  'policy',
]);

/** The change a payload announces, unless it is this node's own or not one we understand (a newer node's). */
function parseChange(payload: string | undefined, ownNode: string): Change | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(payload ?? '');
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { node, cache, key } = raw as Record<string, unknown>;
  if (node === ownNode || typeof cache !== 'string' || !CACHES.has(cache) || typeof key !== 'string')
    return undefined;
  return { cache: cache as ChangedCache, key };
}

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 10_000;
/**
 * A listening connection only receives: one whose peer vanished without a word (a fail-over, a dropped route) would
 * look alive for as long as TCP keeps it. It is pinged this often, and a ping that fails or goes unanswered this
 * long counts as the connection lost. The ping is the LISTEN again (a no-op on a channel already listened to), so
 * the connection still shows as the listening one in pg_stat_activity.
 */
const PING_EVERY_MS = 10_000;
const PING_TIMEOUT_MS = 5_000;

/** Resolves when `client` answers, rejects when it fails or stays silent for PING_TIMEOUT_MS. */
function ping(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the listening connection did not answer')), PING_TIMEOUT_MS);
  });
  return Promise.race([client.query(`LISTEN ${CHANGES_CHANNEL}`).then(() => undefined), silent]).finally(() =>
    clearTimeout(timer),
  );
}

interface ListeningFeed extends ChangeFeed {
  /** Stops listening for good: closes the connection and any reconnect waiting. */
  close(): Promise<void>;
}

/**
 * Listens as `node` on a connection of its own. Resolves once the first LISTEN is in place, so a change another
 * node commits after this returns is heard; rejects when that first connection fails. A connection lost later is
 * opened again, waiting longer after each failure (up to ten seconds), and subscribers are told to reset once it
 * listens again; from the loss until then the feed is not `live`.
 */
export async function listenForChanges(url: string, node: string): Promise<ListeningFeed> {
  const subscribers = new FeedSubscribers();
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = FIRST_RETRY_MS;
  let closed = false;
  // Set only once subscribers were told to reset, so nothing held from before the loss is trusted in between.
  let live = false;

  const reconnectLater = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        () => {
          delay = FIRST_RETRY_MS;
          if (closed || !client) return;
          subscribers.reset();
          live = true;
        },
        () => {
          delay = Math.min(delay * 2, LAST_RETRY_MS);
          reconnectLater();
        },
      );
    }, delay);
    retry.unref();
  };

  const connect = async () => {
    const next = new pg.Client(connectionSettings(url));
    let lost = false;
    let pinging: NodeJS.Timeout | undefined = undefined;
    const onLost = () => {
      if (lost) return;
      lost = true;
      clearInterval(pinging);
      next.end().catch(() => undefined);
      if (client !== next) return;
      client = undefined;
      live = false;
      reconnectLater();
    };
    next.on('notification', (message) => {
      const change = parseChange(message.payload, node);
      if (change) subscribers.tell(change);
    });
    next.on('error', onLost);
    next.on('end', onLost);
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      onLost();
      throw error;
    }
    if (lost) throw new Error('the connection listening for changes closed as it opened');
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    pinging = setInterval(() => ping(next).catch(onLost), PING_EVERY_MS);
    pinging.unref();
  };

  await connect();
  live = true;
  return {
    subscribe: subscribers.subscribe,
    get live() {
      return live;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
