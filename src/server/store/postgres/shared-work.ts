/** How nodes sharing one database count rate-limit hits together and take turns at periodic work. */
import type pg from 'pg';
import type { Exclusive, RateCounters } from '../store';
import { holdConnection } from './connection';

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
 * A session-level advisory lock held on one pooled connection for as long as the task runs: another node's
 * try for the same name fails at once, and if this node dies its connection closes and the lock goes with it.
 */
export function postgresExclusive(pool: pg.Pool): Exclusive {
  return {
    async run(name, task) {
      const { client, release } = await holdConnection(pool);
      let locked: boolean;
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
          [EXCLUSIVE_WORK, name],
        );
        locked = rows[0]!.locked;
      } catch (error) {
        release(error as Error);
        throw error;
      }
      if (!locked) {
        release();
        return undefined;
      }
      try {
        return await task();
      } finally {
        // A connection whose unlock failed is closed, which releases the lock, rather than pooled still holding it.
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [EXCLUSIVE_WORK, name]).then(
          () => release(),
          (error: Error) => release(error),
        );
      }
    },
  };
}
