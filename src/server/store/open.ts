/** The store the configuration asks for: SQLite in the data directory, or PostgreSQL at `database.url`. */
import { systemClock, type Clock } from '../../core/clock';
import type { Config } from '../config/schema';
import { openPostgresStore } from './postgres/open';
import type { ConnectionTrouble } from './postgres/pool';
import { openSqliteStore } from './sqlite';
import type { ServiceStore } from './store';

/** `onTrouble` hears of PostgreSQL connections lost outside any statement. */
export async function openServiceStore(
  config: Pick<Config, 'dataDir' | 'database'>,
  clock: Clock = systemClock,
  onTrouble?: ConnectionTrouble,
): Promise<ServiceStore> {
  const { url, poolSize } = config.database;
  return url === undefined
    ? openSqliteStore(config.dataDir, clock)
    : openPostgresStore(url, { clock, poolSize, ...(onTrouble ? { onTrouble } : {}) });
}
