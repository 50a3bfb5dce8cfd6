/**
 * Configuration from an optional file (YAML or JSON) plus environment overrides, validated once. Errors name the
 * setting as an admin would find it — the file path (`auth.entra.audience`) or the variable (`PORT`).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SendguardError } from '../../core/errors';
import { envFlag, envList } from '../../core/network-settings';
import { SERVER_KEY_FILE } from '../escrow/server-key';
import { formatPath } from '../../core/policy/parse';
import { resolveEntra } from './entra';
import { ConfigSchema, type Config, type ConfigInput } from './schema';
import { trustProxyFromEnv } from './trust-proxy';

interface ConfigIssue {
  /** `limits.maxRecipients`, or `PORT (listen.port)` when the value came from the environment. */
  setting: string;
  message: string;
}

export class ConfigError extends SendguardError {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      'CONFIG_INVALID',
      `the configuration is not valid:\n${issues.map((i) => `  ${i.setting}: ${i.message}`).join('\n')}`,
    );
  }
}

type Env = Record<string, string | undefined>;
type Path = readonly string[];

/** A non-number is passed on as a string so that validation names the variable, rather than NaN slipping in. */
const integer = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);

/** Each variable, the setting it overrides, and how its text becomes a value. */
const ENV_OVERRIDES: { name: string; path: Path; parse: (value: string) => unknown }[] = [
  { name: 'PORT', path: ['listen', 'port'], parse: integer },
  { name: 'HOST', path: ['listen', 'host'], parse: String },
  { name: 'SENDGUARD_PUBLIC_URL', path: ['publicUrl'], parse: String },
  { name: 'SENDGUARD_DATA_DIR', path: ['dataDir'], parse: String },
  { name: 'SENDGUARD_DATABASE_URL', path: ['database', 'url'], parse: String },
  { name: 'SENDGUARD_ESCROW_SERVER_KEY_FILE', path: ['escrow', 'serverKeyFile'], parse: String },
  { name: 'SENDGUARD_POLICY', path: ['policyFile'], parse: String },
  { name: 'SENDGUARD_DNS', path: ['dns', 'servers'], parse: envList },
  { name: 'SENDGUARD_CA_FILE', path: ['caFile'], parse: String },
  { name: 'SENDGUARD_ALLOW_PRIVATE', path: ['allowPrivateAddresses'], parse: envFlag },
  { name: 'SENDGUARD_TRUST_PROXY', path: ['trustProxy'], parse: trustProxyFromEnv },
  { name: 'SENDGUARD_DEV_NO_AUTH', path: ['auth', 'devNoAuth'], parse: envFlag },
  { name: 'SENDGUARD_METRICS_REQUIRE_ADMIN', path: ['metrics', 'requireAdmin'], parse: envFlag },
  { name: 'SENDGUARD_TLS', path: ['tls', 'enabled'], parse: (value) => value !== 'off' && value !== '0' },
  { name: 'SENDGUARD_TLS_CERT', path: ['tls', 'certFile'], parse: String },
  { name: 'SENDGUARD_TLS_KEY', path: ['tls', 'keyFile'], parse: String },
  { name: 'SENDGUARD_CORS_ORIGINS', path: ['cors', 'origins'], parse: envList },
  { name: 'SENDGUARD_MAX_RECIPIENTS', path: ['limits', 'maxRecipients'], parse: integer },
  { name: 'SENDGUARD_ASSESS_DEADLINE_MS', path: ['limits', 'assessDeadlineMs'], parse: integer },
  { name: 'SENDGUARD_HELO', path: ['transport', 'heloName'], parse: String },
  {
    name: 'SENDGUARD_VKS_URL',
    path: ['keys', 'vksUrl'],
    parse: (value) => (value === 'none' ? null : value),
  },
  { name: 'SENDGUARD_KEYRING_DIR', path: ['keys', 'keyringDir'], parse: String },
  { name: 'SENDGUARD_SMTP_HOST', path: ['escrow', 'smtp', 'host'], parse: String },
  { name: 'SENDGUARD_SMTP_PORT', path: ['escrow', 'smtp', 'port'], parse: integer },
  { name: 'SENDGUARD_SMTP_FROM', path: ['escrow', 'smtp', 'from'], parse: String },
  { name: 'LOG_LEVEL', path: ['logLevel'], parse: String },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `document` with `value` at `path`, creating objects on the way; the input is left untouched. */
function withValue(document: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  if (key === undefined) return document;
  const child = document[key];
  return {
    ...document,
    [key]: rest.length === 0 ? value : withValue(isRecord(child) ? child : {}, rest, value),
  };
}

/**
 * Validates a document (file contents, a test's few settings) merged with the environment. Relative paths are
 * resolved against `cwd`, so the object means the same wherever it is used later.
 */
export function parseConfig(document: unknown = {}, env: Env = {}, cwd = process.cwd()): Config {
  if (!isRecord(document))
    throw new ConfigError([{ setting: '(file)', message: 'must be a mapping of settings' }]);
  let merged = document;
  const sources = new Map<string, string>();
  for (const { name, path, parse } of ENV_OVERRIDES) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    merged = withValue(merged, path, parse(text));
    sources.set(path.join('.'), name);
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const setting = formatPath(issue.path);
        // A variable may set a whole list or object; an issue inside it still names the variable.
        const key = issue.path.join('.');
        const variable = [...sources].find(([path]) => key === path || key.startsWith(`${path}.`))?.[1];
        return { setting: variable ? `${variable} (${setting})` : setting, message: issue.message };
      }),
    );
  }
  const config = result.data;
  const at = (file: string | undefined) => (file === undefined ? undefined : resolve(cwd, file));
  const scheme = config.tls.enabled ? 'https' : 'http';
  const publicUrl = (config.publicUrl ?? `${scheme}://localhost:${config.listen.port}`).replace(/\/+$/, '');
  const { entra, ...auth } = config.auth;
  return {
    ...config,
    publicUrl,
    auth: entra ? { ...auth, entra: resolveEntra(entra, publicUrl) } : auth,
    dataDir: resolve(cwd, config.dataDir),
    policyFile: resolve(cwd, config.policyFile),
    caFile: at(config.caFile),
    keys: { ...config.keys, keyringDir: at(config.keys.keyringDir) },
    tls: { ...config.tls, certFile: at(config.tls.certFile), keyFile: at(config.tls.keyFile) },
    escrow: {
      ...config.escrow,
      serverKeyFile: resolve(cwd, config.escrow.serverKeyFile ?? join(config.dataDir, SERVER_KEY_FILE)),
    },
  };
}

/** A configuration file is a page of settings; anything near this size is a mistake. */
const MAX_CONFIG_BYTES = 256 * 1024;

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ setting: file, message: `cannot be read: ${(error as Error).message}` }]);
  }
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError([{ setting: file, message: `is over ${MAX_CONFIG_BYTES} bytes` }]);
  }
  try {
    return file.endsWith('.json')
      ? JSON.parse(text)
      : parseYaml(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (error) {
    throw new ConfigError([{ setting: file, message: `is not valid: ${(error as Error).message}` }]);
  }
}

interface LoadConfigOptions {
  /** `--config FILE`; else SENDGUARD_CONFIG; else defaults and the environment only. */
  file?: string;
  env?: Env;
  cwd?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? env.SENDGUARD_CONFIG;
  const document = file === undefined || file === '' ? {} : (readConfigFile(resolve(cwd, file)) ?? {});
  return parseConfig(document, env, cwd);
}

export type { Config, ConfigInput };
