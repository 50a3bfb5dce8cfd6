export interface PostgresServer {
  /** A database created empty for this server's first user; `newDatabase()` makes more. */
  url: string;
  /** Creates an empty database and returns its postgres:// URL. */
  newDatabase(): Promise<string>;
  host: string;
  port: number;
  /** Stops the server (immediate shutdown: nothing in it needs keeping). */
  stop(): Promise<void>;
}

export function startPostgresCluster(options: {
  dir: string;
  track?: (stop: () => Promise<void>) => () => Promise<void>;
}): Promise<PostgresServer>;

/** A port free on `host` now; whoever asked binds it a moment later. */
export function freePort(host: string): Promise<number>;
