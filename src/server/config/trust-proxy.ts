/**
 * `trustProxy`: whose `X-Forwarded-For` the service believes. Believing everyone's (Fastify's `true`) would make
 * the client address whatever a client writes, which defeats the per-address limits and writes forged addresses
 * into the escrow audit; so the setting is `false` (the default: the socket's peer is the client), a hop count
 * (that many proxies in front, each appending the address it saw), or the proxies' own addresses and CIDRs.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** proxy-addr's names for whole ranges, which Fastify passes on. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** `192.0.2.1`, `10.0.0.0/8`, `2001:db8::/32`, or a range name; no regular expression over the text. */
export function isProxyAddress(value: string): boolean {
  if (RANGE_NAMES.includes(value)) return true;
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = family === 4 ? 32 : 128;
  return prefix.length > 0 && prefix.length <= 3 && [...prefix].every((c) => c >= '0' && c <= '9')
    ? Number(prefix) <= bits
    : false;
}

export const TrustProxySchema = z.union(
  [
    z.literal(false),
    z.number().int().min(1).max(10),
    z
      .array(
        z.string().refine(isProxyAddress, {
          message: 'an IP address, a CIDR (10.0.0.0/8) or loopback, linklocal, uniquelocal',
        }),
      )
      .min(1)
      .max(100),
  ],
  {
    error: (issue) =>
      issue.input === true
        ? "true would believe any client's X-Forwarded-For; give the number of proxies in front (1) or their addresses"
        : "false, the number of proxies in front (1–10), or a list of the proxies' addresses and CIDRs",
  },
);

export type TrustProxy = z.output<typeof TrustProxySchema>;

/** `SENDGUARD_TRUST_PROXY`: `false`/`0`, a hop count, or comma-separated addresses and CIDRs. */
export function trustProxyFromEnv(value: string): unknown {
  const text = value.trim().toLowerCase();
  if (text === 'false' || text === '0' || text === 'off' || text === 'no') return false;
  if (text === 'true') return true;
  if (text.length <= 2 && [...text].every((c) => c >= '0' && c <= '9')) return Number(text);
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Fastify's form of the setting. Its own numeric form now trusts nothing (a hop count cannot tell a proxy from a
 * client that connects directly and writes the header itself), so the count becomes a function here: the admin
 * who sets it asserts that clients reach the service only through that many proxies.
 */
export function fastifyTrustProxy(
  setting: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}
