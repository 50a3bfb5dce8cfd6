/**
 * The connections one node keeps to PostgreSQL. Every session gets the same settings: BIGINT read as a number
 * (our BIGINTs are millisecond times and byte counts, far below 2^53) and time limits, so a stuck statement or a
 * transaction left open gives its connection back instead of holding locks for ever.
 */
import pg from 'pg';

/** Longer than any one statement of ours takes (an escrow chunk is at most escrow.maxPartBytes). */
const STATEMENT_TIMEOUT_MS = 30_000;
/** A transaction of ours is a few statements in a row; one idle this long belongs to a hung caller. */
const IDLE_IN_TRANSACTION_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;

const int8AsNumber = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8
    ? Number
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

/** What every connection of ours is opened with, the pool's and the change feed's. */
export function connectionSettings(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    types: { getTypeParser: int8AsNumber },
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'sendguard',
  };
}

/** Told of a connection lost outside any statement (nothing else would report it); `what` says which. */
export type ConnectionTrouble = (error: Error, what: string) => void;

export function openPool(url: string, poolSize: number, onTrouble: ConnectionTrouble): pg.Pool {
  const pool = new pg.Pool({ ...connectionSettings(url), max: poolSize });
  // An idle connection the server closed (a restart, a fail-over) is dropped from the pool, which opens a new one
  // for the next query; that query reports a database still down. Unhandled, the event would end the process.
  pool.on('error', (error) => onTrouble(error, 'an idle connection to the database was lost'));
  return pool;
}
