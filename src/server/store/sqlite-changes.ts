/**
 * What the service's SQLite connection learns of writes made through other connections: the command line
 * (`sendguard token revoke`, say) writes the same file from another process and tells no one. SQLite counts
 * them: `PRAGMA data_version` differs from its last reading on this connection once another connection has
 * committed (this connection's own commits leave it alone), and reading it costs a fraction of any query.
 *
 * Nothing reads it on its own: only the API-token front (token-front.ts) calls `catchUp`, before each token lookup.
 * So another process's write reaches this process when the next API-token request comes, and then as a reset to every
 * subscriber at once: the token front, the key-verdict, transport-report and mailbox-report fronts (serve.ts) and the
 * served policy all drop what they hold. Until such a request comes, those caches keep answering from memory. That is
 * enough today because the command line writes only API tokens to this file (`sendguard token`); `sendguard keys`
 * keeps its pins in memory (MemoryPinStore) and writes no verdicts here. A command that writes another cache must
 * make that cache's front call `catchUp` before trusting what it holds.
 */
import type Database from 'better-sqlite3';
import type { ChangeFeed } from './store';

/** A feed with no changes of its own, whose `catchUp` tells every subscriber of a reset when another connection wrote. */
export function otherConnectionsFeed(db: Database.Database): ChangeFeed {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const read = () => dataVersion.get() as number;
  let seen = read();
  const resets = new Set<() => void>();
  return {
    live: true,
    subscribe(_listener, onReset) {
      if (!onReset) return () => undefined;
      // Wrapped: the same function subscribed twice is two subscriptions, each stopped on its own.
      const reset = () => onReset();
      resets.add(reset);
      return () => void resets.delete(reset);
    },
    catchUp() {
      const now = read();
      if (now === seen) return;
      seen = now;
      for (const reset of resets) reset();
    },
  };
}
