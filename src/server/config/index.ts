/** The service's configuration: what code outside the config module (the CLI) imports. */
export { ConfigError, loadConfig, parseConfig, type LoadConfigOptions } from './load';
export { SHIPPED_POLICY_FILE, type Config } from './schema';
