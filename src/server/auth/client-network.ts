/**
 * The key per-client limits count under. An IPv6 host usually holds a whole /64 (SLAAC, privacy addresses, a
 * home router's prefix), so counting per address would let one client rotate through 2^64 keys: IPv6 clients
 * are keyed by their /64, IPv4 clients by their address, and an IPv4-mapped IPv6 address as the IPv4 it maps.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address (zone removed), embedded IPv4 included. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::', 2);
  const part = (text: string): number[] =>
    text === ''
      ? []
      : text.split(':').flatMap((group) => {
          if (!isIPv4(group)) return [parseInt(group, 16)];
          const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const MAX_KEY_LENGTH = 64;

/** `192.0.2.7`, `2001:db8:1:2::/64`; anything that is not an address (a proxy's junk) is kept, capped. */
export function clientNetwork(ip: string): string {
  if (isIPv4(ip)) return ip;
  const address = ip.split('%', 1)[0]!;
  if (!isIPv6(address)) return ip.slice(0, MAX_KEY_LENGTH);
  const groups = ipv6Groups(address.toLowerCase());
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
