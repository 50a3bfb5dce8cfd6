/**
 * API tokens found by hash kept in memory too: every API request looks its token up, and with PostgreSQL that
 * lookup was a database round trip per request. Only tokens found are kept: an unknown hash (a guess, a random
 * token) always goes to the store, so guesses cannot fill memory. A token revoked or inserted anywhere is dropped
 * here: through this front on this node, through the change feed (cache `tokens`, key = the token's id) from
 * another node, and everything is dropped when the feed may have missed changes (a reconnect).
 */
import { BoundedCache } from './bounded-cache';
import type { ApiTokenRecord, ChangeFeed, TokenStore } from './store';

export interface TokenFront extends TokenStore {
  stopListening(): void;
}

export function withTokenFront(inner: TokenStore, changes: ChangeFeed, maxEntries = 10_000): TokenFront {
  const byHash = new BoundedCache<string, ApiTokenRecord>({ maxEntries });
  const forget = (id: string) => byHash.prune((record) => record.id === id);
  // Counts what was dropped: a read that a revocation overtook may hold the token still unrevoked, and is not kept.
  let dropsSeen = 0;
  const stopListening = changes.subscribe(
    (change) => {
      if (change.cache !== 'tokens') return;
      dropsSeen++;
      forget(change.key);
    },
    () => {
      dropsSeen++;
      byHash.prune(() => true);
    },
  );
  return {
    async findByHash(hash) {
      const held = byHash.get(hash);
      if (held) return held;
      const seenBefore = dropsSeen;
      const stored = await inner.findByHash(hash);
      if (stored && dropsSeen === seenBefore) byHash.set(hash, stored);
      return stored;
    },
    async insert(token) {
      byHash.delete(token.hash);
      await inner.insert(token);
    },
    list: () => inner.list(),
    async revoke(id, at) {
      const revoked = await inner.revoke(id, at);
      dropsSeen++;
      forget(id);
      return revoked;
    },
    stopListening,
  };
}
