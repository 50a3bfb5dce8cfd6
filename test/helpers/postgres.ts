/**
 * A private PostgreSQL for one test file (test/helpers/postgres-cluster.js, which the benches share): its own
 * cluster in a scratch folder, on TCP only, on a loopback address of its own and a free port, fsync off, as the
 * `postgres` user under root. It is stopped (immediate shutdown: nothing in it needs keeping) and its folder
 * removed when the test file ends, also when a test failed half-way.
 *
 *   const pg = await startPostgres();
 *   const store = await openPostgresStore(pg.url, {}); // pg.newDatabase() for another empty database
 */
import { startPostgresCluster, type PostgresServer } from './postgres-cluster';
import { scratchDir, stopAtFileEnd } from './scratch';

export type { PostgresServer };

export function startPostgres(): Promise<PostgresServer> {
  return startPostgresCluster({ dir: scratchDir('postgres'), track: stopAtFileEnd });
}
