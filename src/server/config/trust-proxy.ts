/**
 * `trustProxy`: whose `X-Forwarded-For` the service believes. Believing everyone's (Fastify's `true`) would make
 * the client address whatever a client writes, which defeats the per-address limits and writes forged addresses
 * into the escrow audit. A hop count does the same for any client that connects directly and writes the header
 * itself, so the setting is `false` (the default: the socket's peer is the client) or the proxies' own addresses
 * and CIDRs, whose headers alone are believed.
 */
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import { z } from 'zod';

/** proxy-addr's names for whole ranges, which Fastify passes on. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** `192.0.2.1`, `10.0.0.0/8`, `2001:db8::/32`, or a range name; the address part in its standard form only. */
function isProxyAddress(value: string): boolean {
  if (RANGE_NAMES.includes(value)) return true;
  const address = value.split('/', 1)[0]!;
  return isIP(address) !== 0 && (value === address || ipaddr.isValidCIDR(value));
}

const LIST_PROXIES = "list the proxies' addresses and CIDRs";

export const TrustProxySchema = z.union(
  [
    z.literal(false),
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
        ? `true would believe any client's X-Forwarded-For; ${LIST_PROXIES}`
        : typeof issue.input === 'number'
          ? `a hop count would believe the X-Forwarded-For of any client that connects directly; ${LIST_PROXIES}`
          : `false, or ${LIST_PROXIES}`,
  },
);

/** `SENDGUARD_TRUST_PROXY`: `false`/`0`, or comma-separated addresses and CIDRs. */
export function trustProxyFromEnv(value: string): unknown {
  const text = value.trim().toLowerCase();
  if (text === 'false' || text === '0' || text === 'off' || text === 'no') return false;
  if (text === 'true') return true;
  // Refused by the schema with the reason, rather than read as an address list that is not one.
  if (text.length <= 2 && [...text].every((c) => c >= '0' && c <= '9')) return Number(text);
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
