import pg from 'pg';
import { startPostgres } from '../../../helpers/postgres';

test('startPostgres gives a fresh database per URL, over TCP only, and stop ends it', async () => {
  const server = await startPostgres();
  const other = await server.newDatabase();
  expect(other).not.toBe(server.url);
  for (const url of [server.url, other]) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ socket: string; fsync: string; tables: string }>(
      `SELECT current_setting('unix_socket_directories') AS socket, current_setting('fsync') AS fsync,
         (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables`,
    );
    expect(rows[0]).toEqual({ socket: '', fsync: 'off', tables: '0' });
    await client.end();
  }
  await server.stop();
  const late = new pg.Client({ connectionString: server.url });
  await expect(late.connect()).rejects.toThrow(/ECONNREFUSED/);
});
