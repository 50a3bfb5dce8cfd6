/** The service's state: what code outside the store module (the CLI's token command) imports. */
export { openServiceStore } from './open';
export type { ApiTokenRecord, TokenStore } from './store';
