/**
 * The settings every network command shares (README, "The sendguard command"): resolver, trust store, and permission
 * to reach private addresses — each as an option or its environment variable, the option winning.
 */
import { hostname } from 'node:os';
import { parseConfig } from '../server/config';
import { dnsClientFor, type DnsClient } from '../server/dns';
import { readInput, UsageError, type CliIo } from './io';

export const NETWORK_OPTIONS = {
  dns: { type: 'string' },
  'ca-file': { type: 'string' },
  'allow-private': { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export const NETWORK_HELP = `  --dns HOST[:PORT]  the resolver to ask (SENDGUARD_DNS); its DNSSEC validation (AD bit) is trusted.
                     Default: /etc/resolv.conf, whose AD bit is trusted only for a loopback resolver
  --ca-file FILE     extra trusted CA certificates, PEM (SENDGUARD_CA_FILE)
  --allow-private    also connect to private and loopback addresses (SENDGUARD_ALLOW_PRIVATE=1)`;

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

export async function networkSettings(values: NetworkValues, io: CliIo): Promise<NetworkSettings> {
  // Only these variables, and only where no option overrides them: a setting the command does not use cannot
  // make it fail.
  const env = NETWORK_VARIABLES.flatMap(([name, option]) =>
    option !== undefined && values[option] !== undefined ? [] : [[name, io.env[name]]],
  );
  const fromEnv = parseConfig({}, Object.fromEntries(env));
  const caFile = values['ca-file'] ?? fromEnv.caFile;
  return {
    dns: dnsClientFor(values.dns ? values.dns.split(',') : fromEnv.dns.servers),
    ...(caFile ? { ca: Buffer.from(await readInput(io, caFile)) } : {}),
    allowPrivateAddresses: values['allow-private'] ?? fromEnv.allowPrivateAddresses,
    heloName: fromEnv.transport.heloName ?? hostname(),
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
