/** The service's state: what code outside the store module (the CLI's token command) imports. */
export { openSqliteStore } from './sqlite';
export type { ApiTokenRecord, TokenStore } from './store';
