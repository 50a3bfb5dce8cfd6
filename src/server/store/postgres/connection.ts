/** One connection of the pool held for several statements: a transaction. */
import type pg from 'pg';

interface HeldConnection {
  client: pg.PoolClient;
  /** Gives the connection back; with an error, closes it instead (its session state is unknown). */
  release(error?: Error): void;
}

/**
 * Takes a connection from the pool. While held, a connection lost between statements (a database restart) emits
 * its error on the client, where unheard it would end the process: it is heard here, and the next statement fails.
 */
async function holdConnection(pool: pg.Pool): Promise<HeldConnection> {
  const client = await pool.connect();
  const ignoreLoss = () => undefined;
  client.on('error', ignoreLoss);
  return {
    client,
    release(error) {
      client.off('error', ignoreLoss);
      client.release(error);
    },
  };
}

/** Runs `work` between BEGIN and COMMIT, rolling back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const { client, release } = await holdConnection(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    release();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').then(
      () => release(),
      (rollbackError: Error) => release(rollbackError),
    );
    throw error;
  }
}
