/** How nodes sharing one database count rate-limit hits together and take turns at periodic work. */
import pg from 'pg';
import type { Exclusive, RateCounters } from '../store';
import { connectionSettings, type ConnectionTrouble } from './pool';

/**
 * One statement per call (one hit, or the hits a node counted in memory): the row is created, counted on, or restarted when its window has ended, under the row's
 * lock, so hits from every node at once are each counted exactly once.
 */
export function postgresRateCounters(pool: pg.Pool): RateCounters {
  return {
    async hit(key, windowMs, now, hits = 1) {
      const { rows } = await pool.query<{ count: number; reset_at: number }>({
        name: 'rate-counters-hit',
        text: `INSERT INTO rate_counters AS c (key, count, reset_at) VALUES ($1, $4, $2::bigint + $3::bigint)
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN c.reset_at <= $2::bigint THEN $4 ELSE c.count + $4 END,
            reset_at = CASE WHEN c.reset_at <= $2::bigint THEN $2::bigint + $3::bigint ELSE c.reset_at END
          RETURNING count, reset_at`,
        values: [key, now, windowMs, hits],
      });
      const row = rows[0]!;
      return { count: row.count, resetAt: row.reset_at };
    },
    async deleteExpired(now) {
      return (await pool.query('DELETE FROM rate_counters WHERE reset_at < $1', [now])).rowCount ?? 0;
    },
  };
}

/** The first half of the two-int advisory lock keys of periodic work; the second is the hash of the work's name. */
const EXCLUSIVE_WORK = 7_417_002;

/**
 * A session-level advisory lock held on a connection of its own, opened for the run and closed after it (which
 * releases the lock): another node's try for the same name fails at once, and if this node dies its connection
 * closes and the lock goes with it. Not a pooled connection: the task itself uses the pool, and runs holding
 * pooled connections could take every one of them and wait for ever on their own tasks' statements.
 * If the lock's connection is lost while the task runs, the task goes on, but another node may now start the same
 * work: that is told to `onTrouble`.
 */
export function postgresExclusive(url: string, onTrouble: ConnectionTrouble): Exclusive {
  return {
    async run(name, task) {
      const session = new pg.Client(connectionSettings(url));
      let running = false;
      // Told once: a lost connection may report itself more than once (the server's notice, then the socket).
      session.on('error', (error) => {
        if (!running) return;
        running = false;
        onTrouble(error, `the lock of the periodic work "${name}" was lost; another node may run it at once`);
      });
      await session.connect();
      try {
        const { rows } = await session.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
          [EXCLUSIVE_WORK, name],
        );
        if (!rows[0]!.locked) return undefined;
        running = true;
        return await task();
      } finally {
        running = false;
        await session.end().catch(() => undefined);
      }
    },
  };
}
