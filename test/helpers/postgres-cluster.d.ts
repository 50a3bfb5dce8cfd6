export interface PostgresServer {
  /** A database created empty for this server's first user; `newDatabase()` makes more. */
  url: string;
  /** Creates an empty database and returns its postgres:// URL. */
  newDatabase(): Promise<string>;
  host: string;
  port: number;
  /** Stops the server (immediate shutdown: nothing in it needs keeping). */
  stop(): Promise<void>;
  /**
   * Runs one of the server's client programs (`pg_dump`, `pg_restore`, `createdb`…) with `args`, connected to
   * it as its superuser, as the cluster's user and in the cluster's folder (where relative file names land).
   */
  tool(name: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
}

export function startPostgresCluster(options: {
  dir: string;
  track?: (stop: () => Promise<void>) => () => Promise<void>;
}): Promise<PostgresServer>;

/** A port free on `host` now; whoever asked binds it a moment later. */
export function freePort(host: string): Promise<number>;
