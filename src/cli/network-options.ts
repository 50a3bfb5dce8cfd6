/**
 * The settings every network command shares (DESIGN.md Interfaces): resolver, trust store, and permission to
 * reach private addresses — each as an option or its environment variable, the option winning.
 */
import { hostname } from 'node:os';
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

export async function networkSettings(values: NetworkValues, io: CliIo): Promise<NetworkSettings> {
  const dnsSpec = values.dns ?? io.env.SENDGUARD_DNS;
  const caFile = values['ca-file'] ?? io.env.SENDGUARD_CA_FILE;
  return {
    dns: dnsClientFor(dnsSpec ? dnsSpec.split(',') : []),
    ...(caFile ? { ca: Buffer.from(await readInput(io, caFile)) } : {}),
    allowPrivateAddresses: values['allow-private'] ?? io.env.SENDGUARD_ALLOW_PRIVATE === '1',
    heloName: io.env.SENDGUARD_HELO ?? hostname(),
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
