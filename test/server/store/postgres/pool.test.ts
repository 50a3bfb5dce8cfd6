/** The sessions a node opens: numbers for BIGINT, and time limits so that nothing holds a connection for ever. */
import pg from 'pg';
import { openPool } from '../../../../src/server/store/postgres/pool';
import { startPostgres } from '../../../helpers/postgres';

test('BIGINT reads as a number; statements and idle transactions have time limits', async () => {
  const server = await startPostgres();
  const pool = openPool(server.url, 2, () => undefined);
  try {
    const { rows } = await pool.query(
      `SELECT 4102444800000::bigint AS ms, count(*) AS counted, current_setting('statement_timeout') AS statement,
         current_setting('idle_in_transaction_session_timeout') AS idle FROM (VALUES (1), (2)) v`,
    );
    expect(rows).toEqual([{ ms: 4_102_444_800_000, counted: 2, statement: '30s', idle: '1min' }]);
  } finally {
    await pool.end();
  }
});

test('an idle connection the server closed is told, with what it was', async () => {
  const server = await startPostgres();
  const told: string[] = [];
  const pool = openPool(server.url, 2, (_error, what) => told.push(what));
  try {
    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]).finally(() => admin.end());
    for (let waited = 0; told.length === 0 && waited < 5000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(told).toEqual(['an idle connection to the database was lost']);
  } finally {
    await pool.end();
  }
});
