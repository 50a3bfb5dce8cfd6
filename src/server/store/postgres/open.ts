/** The service's state in a PostgreSQL database that any number of nodes share. */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../../core/clock';
import { postgresBlobStore } from '../../escrow/postgres-blobs';
import { postgresEscrowStore } from '../../escrow/postgres-store';
import { SqlVerdictCache, sqlPins, sqlTokens } from '../sql-records';
import { postgresRunner } from '../sql-runner';
import { postgresDecisionWriter, sqlDecisions } from '../decision-store';
import { sqlChangedKeys } from '../changed-keys';
import { sqlVerdictChanges } from '../verdict-changes';
import { sqlPolicyVersions } from '../policy-versions';
import type { ServiceStore } from '../store';
import {
  KEY_VERDICTS_TABLE,
  MAILBOX_REPORTS_TABLE,
  STS_POLICIES_TABLE,
  TRANSPORT_REPORTS_TABLE,
} from '../verdict-tables';
import { listenForChanges } from './change-feed';
import { migratePostgres } from './migrate';
import { openPool, type ConnectionTrouble } from './pool';
import { postgresKeyring, postgresSettings } from './records';
import { postgresExclusive, postgresRateCounters } from './shared-work';

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
    const runner = postgresRunner(pool, node);
    let closing: Promise<void> | undefined;
    return {
      kind: 'postgres',
      keyVerdicts: new SqlVerdictCache(runner, KEY_VERDICTS_TABLE, 'keyVerdicts'),
      transportReports: new SqlVerdictCache(runner, TRANSPORT_REPORTS_TABLE, 'transportReports'),
      mailboxReports: new SqlVerdictCache(runner, MAILBOX_REPORTS_TABLE, 'mailboxReports'),
      stsPolicies: new SqlVerdictCache(runner, STS_POLICIES_TABLE),
      pins: sqlPins(runner),
      keyring: postgresKeyring(pool, node),
      tokens: sqlTokens(runner),
      decisions: sqlDecisions(runner, postgresDecisionWriter(pool)),
      verdictChanges: sqlVerdictChanges(runner),
      changedKeys: sqlChangedKeys(runner),
      settings: postgresSettings(pool),
      policyVersions: sqlPolicyVersions(runner),
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
