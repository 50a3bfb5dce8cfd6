/**
 * How the network settings are written — the resolvers to ask, the name the prober gives in EHLO — and how the
 * environment writes lists and switches. The service's configuration (server/config) checks its settings with
 * these; the command line reads the same variables by them without loading the configuration's schema.
 */

/** `HOST[:PORT]`, `[v6]:PORT` or a bare IPv6 address, as `--dns` and `dns.servers` take it. */
export const RESOLVER =
  /^(\[[0-9a-fA-F:.]+\](:\d{1,5})?|[0-9a-fA-F:]+:[0-9a-fA-F:.]*|[A-Za-z0-9.-]+(:\d{1,5})?)$/;
export const RESOLVER_FORM = 'HOST[:PORT], e.g. 192.0.2.53 or [2001:db8::53]:5353';
export const MAX_RESOLVERS = 10;

export const HELO_NAME = /^[A-Za-z0-9.-]+$/;
export const MAX_HELO_NAME_LENGTH = 255;

/** A list in an environment variable: items between commas, spaces around them and empty ones dropped. */
export function envList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A switch in an environment variable: on for `1` or `true`, off for anything else. */
export function envFlag(value: string): boolean {
  return value === '1' || value === 'true';
}
