/**
 * The settings every network command shares (README, "The sendguard command"): resolver, trust store, and permission
 * to reach private addresses — each as an option or its environment variable, the option winning.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import {
  envFlag,
  envList,
  HELO_NAME,
  MAX_HELO_NAME_LENGTH,
  MAX_RESOLVERS,
  RESOLVER,
} from '../core/network-settings';
import { dnsClientFor, type DnsClient } from '../server/dns';
import { readInput, UsageError, type CliIo } from './io';

export const NETWORK_OPTIONS = {
  dns: { type: 'string' },
  'ca-file': { type: 'string' },
  'allow-private': { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export interface NetworkSettings {
  dns: DnsClient;
  ca?: Buffer;
  allowPrivateAddresses: boolean;
  heloName: string;
}

export interface NetworkValues {
  dns?: string;
  'ca-file'?: string;
  'allow-private'?: boolean;
}

/**
 * The variables these settings share with the service, which reads them (lists, flags, checks) the same way, and
 * the option that overrides each.
 */
const NETWORK_VARIABLES: ReadonlyArray<[string, keyof NetworkValues | undefined]> = [
  ['SENDGUARD_DNS', 'dns'],
  ['SENDGUARD_CA_FILE', 'ca-file'],
  ['SENDGUARD_ALLOW_PRIVATE', 'allow-private'],
  ['SENDGUARD_HELO', undefined],
];

/** The service's settings these variables make. */
interface FromEnvironment {
  servers: readonly string[];
  caFile?: string;
  allowPrivateAddresses: boolean;
  heloName?: string;
}

/**
 * The variables by the service's own rules (core/network-settings.ts), without its configuration schema (zod and
 * the rest of the configuration, a tenth of a second to load): undefined when a value breaks a rule, so that the
 * service's configuration check, loaded then, names the fault in its words. Unset and empty variables are ignored,
 * as the service ignores them.
 */
function readBySettingRules(env: Record<string, string | undefined>): FromEnvironment | undefined {
  const set = (name: string) => (env[name] === '' ? undefined : env[name]);
  const servers = envList(set('SENDGUARD_DNS') ?? '');
  const caFile = set('SENDGUARD_CA_FILE');
  const allowPrivate = set('SENDGUARD_ALLOW_PRIVATE');
  const heloName = set('SENDGUARD_HELO');
  if (servers.length > MAX_RESOLVERS || !servers.every((server) => RESOLVER.test(server))) return undefined;
  if (heloName !== undefined && (heloName.length > MAX_HELO_NAME_LENGTH || !HELO_NAME.test(heloName)))
    return undefined;
  return {
    servers,
    ...(caFile === undefined ? {} : { caFile: resolve(caFile) }),
    allowPrivateAddresses: allowPrivate !== undefined && envFlag(allowPrivate),
    ...(heloName === undefined ? {} : { heloName }),
  };
}

/** The variables as the service reads them: by its rules, else by its configuration check, which says why not. */
function fromEnvironment(env: Record<string, string | undefined>): FromEnvironment {
  const read = readBySettingRules(env);
  if (read) return read;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a value it refuses
  const { parseConfig } = require('../server/config') as typeof import('../server/config');
  const config = parseConfig({}, env);
  return {
    servers: config.dns.servers,
    caFile: config.caFile,
    allowPrivateAddresses: config.allowPrivateAddresses,
    heloName: config.transport.heloName,
  };
}

export async function networkSettings(values: NetworkValues, io: CliIo): Promise<NetworkSettings> {
  // Only these variables, and only where no option overrides them: a setting the command does not use cannot
  // make it fail.
  const env = NETWORK_VARIABLES.flatMap(([name, option]) =>
    option !== undefined && values[option] !== undefined ? [] : [[name, io.env[name]]],
  );
  const fromEnv = fromEnvironment(Object.fromEntries(env));
  const caFile = values['ca-file'] ?? fromEnv.caFile;
  return {
    dns: dnsClientFor(values.dns ? values.dns.split(',') : fromEnv.servers),
    ...(caFile ? { ca: Buffer.from(await readInput(io, caFile)) } : {}),
    allowPrivateAddresses: values['allow-private'] ?? fromEnv.allowPrivateAddresses,
    heloName: fromEnv.heloName ?? hostname(),
  };
}

/** A positive number of milliseconds from `--timeout`. */
export function timeoutOf(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000)
    throw new UsageError(`--timeout must be whole milliseconds from 100 to 600000, not "${value}"`);
  return ms;
}
