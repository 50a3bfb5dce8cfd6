/**
 * The key per-client limits count under. An IPv6 host usually holds a whole /64 (SLAAC, privacy addresses, a
 * home router's prefix), so counting per address would let one client rotate through 2^64 keys: IPv6 clients
 * are keyed by their /64, IPv4 clients by their address, and an IPv4-mapped IPv6 address as the IPv4 it maps.
 */
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

const MAX_KEY_LENGTH = 64;

/** `192.0.2.7`, `2001:db8:1:2::/64`; anything that is not an address (a proxy's junk) is kept, capped. */
export function clientNetwork(ip: string): string {
  const address = ip.split('%', 1)[0]!;
  const version = isIP(address);
  if (version === 0) return ip.slice(0, MAX_KEY_LENGTH);
  // Node takes only the dotted quad without leading zeros as IPv4, which is already the form ipaddr.js writes:
  // nothing to parse for the address of nearly every request.
  if (version === 4) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const groups = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((group) => group.toString(16));
  return `${groups.join(':')}::/64`;
}
