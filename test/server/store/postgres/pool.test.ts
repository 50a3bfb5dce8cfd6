/** The sessions a node opens: numbers for BIGINT, and time limits so that nothing holds a connection for ever. */
import { openPool } from '../../../../src/server/store/postgres/pool';
import { startPostgres } from '../../../helpers/postgres';

test('BIGINT reads as a number; statements and idle transactions have time limits', async () => {
  const server = await startPostgres();
  const pool = openPool(server.url, 2);
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
