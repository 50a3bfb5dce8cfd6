/**
 * Where the resolver comes from: the system's /etc/resolv.conf, or `--dns HOST[:PORT]`.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { rangeOf } from '../net/address-policy';
import { checkServer, createDnsClient, type DnsClient, type DnsClientOptions } from './client';
import { DnsServerInvalidError } from './errors';
import type { DnsServer } from './exchange';

const DNS_PORT = 53;
// glibc reads at most three nameserver lines (MAXNS) and, with none, asks the local host.
const MAX_NAMESERVERS = 3;
const DEFAULT_NAMESERVER = '127.0.0.1';

/** `192.0.2.1`, `192.0.2.1:5353`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:5353`. */
export function parseServerSpec(spec: string): DnsServer {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(spec);
  // The patterns first: a spec they match cannot be an IPv6 literal (brackets, or at most one colon), and the first
  // isIPv6 call compiles Node's large IPv6 pattern, a few milliseconds of every command's start.
  const [, host, port] = bracketed ?? plain ?? (net.isIPv6(spec) ? [spec, spec, undefined] : []);
  if (host === undefined) throw new DnsServerInvalidError(`"${spec}" is not HOST[:PORT]`);
  const server = { host, port: port === undefined ? DNS_PORT : Number(port) };
  checkServer(server);
  return server;
}

/**
 * The nameservers of a resolv.conf text, and whether their AD bit can be trusted: only when every one is on the
 * loopback interface, i.e. a local validating resolver whose answers no one on the network can alter (the setup
 * Postfix's DANE support assumes).
 */
export function serversFromResolvConf(text: string): Pick<DnsClientOptions, 'servers' | 'trustAd'> {
  const hosts = text
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((host): host is string => host !== undefined && net.isIP(host) !== 0)
    .slice(0, MAX_NAMESERVERS);
  const chosen = hosts.length > 0 ? hosts : [DEFAULT_NAMESERVER];
  return {
    servers: chosen.map((host) => ({ host, port: DNS_PORT })),
    trustAd: chosen.every((host) => rangeOf(host) === 'loopback'),
  };
}

/** A client for the system's resolvers; reads the file synchronously, once, at start-up. */
export function dnsClientFromSystem(
  options: Omit<DnsClientOptions, 'servers' | 'trustAd'> & { resolvConfPath?: string } = {},
): DnsClient {
  const { resolvConfPath = '/etc/resolv.conf', ...limits } = options;
  return createDnsClient({ ...limits, ...serversFromResolvConf(readResolvConf(resolvConfPath)) });
}

/** A missing file reads as empty, which means the local host, as glibc has it. */
function readResolvConf(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * The client for resolvers an admin or user named (`--dns`, `dns.servers`), whose DNSSEC validation they vouch
 * for, or the system's when they named none.
 */
export function dnsClientFor(specs: readonly string[]): DnsClient {
  return specs.length > 0
    ? createDnsClient({ servers: specs.map(parseServerSpec), trustAd: true })
    : dnsClientFromSystem();
}
