/** The service's state in a PostgreSQL database that any number of nodes share. */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../../core/clock';
import { postgresBlobStore } from '../../escrow/postgres-blobs';
import { postgresEscrowStore } from '../../escrow/postgres-store';
import type { ServiceStore } from '../store';
import { KEY_VERDICTS_TABLE, STS_POLICIES_TABLE, TRANSPORT_REPORTS_TABLE } from '../verdict-tables';
import { listenForChanges } from './change-feed';
import { migratePostgres } from './migrate';
import { openPool, type ConnectionTrouble } from './pool';
import { postgresKeyring, postgresPins, postgresSettings, postgresTokens } from './records';
import { postgresExclusive, postgresRateCounters } from './shared-work';
import { PostgresVerdictCache } from './verdict-cache';

export interface PostgresStoreOptions {
  /** Stamps the schema steps this node applies. */
  clock?: Clock;
  /** Connections this node keeps open at most (`database.poolSize`), besides the one listening for changes. */
  poolSize?: number;
  /** Told of connections lost outside any statement (the service logs them); unheard when absent. */
  onTrouble?: ConnectionTrouble;
}

/**
 * Connects to `url`, brings its schema up to date (once, whichever of the nodes starting together gets there
 * first) and starts listening for other nodes' changes. Fails when the database cannot be reached or is from
 * newer code (STORE_TOO_NEW).
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<ServiceStore> {
  const onTrouble = options.onTrouble ?? (() => undefined);
  const pool = openPool(url, options.poolSize ?? 10, onTrouble);
  // Tells this node's announcements apart from the others' on the shared channel.
  const node = randomUUID();
  try {
    await migratePostgres(pool, options.clock ?? systemClock);
    const feed = await listenForChanges(url, node);
    let closing: Promise<void> | undefined;
    return {
      kind: 'postgres',
      keyVerdicts: new PostgresVerdictCache(pool, KEY_VERDICTS_TABLE, { cache: 'keyVerdicts', node }),
      transportReports: new PostgresVerdictCache(pool, TRANSPORT_REPORTS_TABLE, {
        cache: 'transportReports',
        node,
      }),
      stsPolicies: new PostgresVerdictCache(pool, STS_POLICIES_TABLE),
      pins: postgresPins(pool),
      keyring: postgresKeyring(pool, node),
      tokens: postgresTokens(pool, node),
      settings: postgresSettings(pool),
      rateCounters: postgresRateCounters(pool),
      exclusive: postgresExclusive(url, onTrouble),
      changes: feed,
      escrow: postgresEscrowStore(pool),
      escrowBlobs: postgresBlobStore(pool),
      // Once, however often it is called: the pool refuses a second end.
      close: () => (closing ??= feed.close().then(() => pool.end())),
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
