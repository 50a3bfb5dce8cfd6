/** One transaction on one connection of the pool. */
import type pg from 'pg';

/**
 * Runs `work` between BEGIN and COMMIT, rolling back when it throws. A connection whose rollback failed is closed
 * rather than handed out again in an unknown state.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').then(
      () => client.release(),
      (rollbackError: Error) => client.release(rollbackError),
    );
    throw error;
  }
}
