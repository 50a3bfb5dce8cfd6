/** The service's configuration: what code outside the config module (the CLI) imports. */
export { loadConfig, parseConfig } from './load';
export { SHIPPED_POLICY_FILE } from './schema';
