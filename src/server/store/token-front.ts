/**
 * API tokens found by hash kept in memory too: every API request looks its token up, and with PostgreSQL that
 * lookup was a database round trip per request. Only tokens found are kept: an unknown hash (a guess, a random
 * token) always goes to the store, so guesses cannot fill memory. A token revoked or inserted anywhere is dropped
 * here: through this front on this node, through the change feed (cache `tokens`, key = the token's id) from
 * another node, and everything is dropped when the feed may have missed changes (a reconnect); while the feed is
 * not live, every lookup goes to the store. A feed that has to ask whether others wrote (SQLite, which the command
 * line writes from another process) is asked before every lookup, so a revocation there is refused at once too.
 */
import { BoundedCache } from './bounded-cache';
import { ReadGuard } from './read-guard';
import type { ApiTokenRecord, ChangeFeed, TokenStore } from './store';

export interface TokenFront extends TokenStore {
  stopListening(): void;
}

export function withTokenFront(inner: TokenStore, changes: ChangeFeed, maxEntries = 10_000): TokenFront {
  const byHash = new BoundedCache<string, ApiTokenRecord>({ maxEntries });
  const forget = (id: string) => byHash.prune((record) => record.id === id);
  const reads = new ReadGuard(changes);
  const stopListening = reads.follow('tokens', { drop: forget, dropAll: () => byHash.prune(() => true) });
  const held = (hash: string) => {
    changes.catchUp?.();
    return reads.trusted ? byHash.get(hash) : undefined;
  };
  return {
    held,
    async findByHash(hash) {
      // Changes name the token by id: a lookup that a revocation of this token overtook is not kept.
      return (
        held(hash) ??
        reads.readThrough(
          () => inner.findByHash(hash),
          (stored) => stored.id,
          (stored) => byHash.set(hash, stored),
        )
      );
    },
    async insert(token) {
      byHash.delete(token.hash);
      await inner.insert(token);
    },
    list: () => inner.list(),
    async revoke(id, at) {
      reads.changed(id);
      const revoked = await inner.revoke(id, at);
      reads.changed(id);
      forget(id);
      return revoked;
    },
    stopListening,
  };
}
