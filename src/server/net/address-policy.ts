/**
 * Which IP addresses the prober and fetchers may connect to. Everything but globally routable unicast is refused
 * unless the caller explicitly allows private networks (test beds, intranets). Callers vet the address they
 * resolved and then connect to that address, never to the name again (no DNS rebinding).
 */
import ipaddr from 'ipaddr.js';
import { SendguardError } from '../../core/errors';

export class AddressNotAllowedError extends SendguardError {
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super('ADDRESS_NOT_ALLOWED', `${address} is a ${range} address; connecting to it needs --allow-private`);
  }
}

class AddressInvalidError extends SendguardError {
  constructor(readonly address: string) {
    super('ADDRESS_INVALID_IP', `"${address}" is not an IP address`);
  }
}

/** The ipaddr.js range name of an address, IPv4-mapped IPv6 judged as the IPv4 address it carries. */
export function rangeOf(address: string): string {
  if (!ipaddr.isValid(address)) throw new AddressInvalidError(address);
  const parsed = ipaddr.process(address);
  return parsed.range();
}

/** Throws AddressNotAllowedError unless the address is public unicast or private addresses are allowed. */
export function vetAddress(address: string, options: { allowPrivateAddresses: boolean }): void {
  const range = rangeOf(address);
  if (range === 'unicast') return;
  // Multicast, broadcast and unspecified addresses are never a mail or web server, whatever the caller allows.
  if (options.allowPrivateAddresses && !['multicast', 'broadcast', 'unspecified'].includes(range)) return;
  throw new AddressNotAllowedError(address, range);
}
