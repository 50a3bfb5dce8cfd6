/**
 * What can go wrong when asking a DNS server. The codes are distinct because they lead to different verdicts:
 * a name that does not exist is an answer (`nxdomain`), never one of these errors.
 */
import { SendguardError } from '../../core/errors';

export class DnsError extends SendguardError {}

/** SERVFAIL, or any other failure RCODE; a validating resolver also answers SERVFAIL for DNSSEC-bogus data. */
export class DnsServfailError extends DnsError {
  constructor(message: string) {
    super('DNS_SERVFAIL', message);
  }
}

export class DnsRefusedError extends DnsError {
  constructor(message: string) {
    super('DNS_REFUSED', message);
  }
}

export class DnsTimeoutError extends DnsError {
  constructor(message: string) {
    super('DNS_TIMEOUT', message);
  }
}

/** The socket itself failed (connection refused, network unreachable): no answer, but not a time-out either. */
export class DnsNetworkError extends DnsError {
  constructor(message: string, cause: unknown) {
    super('DNS_NETWORK', message, { cause });
  }
}

/** A response that claims to answer our query but cannot be parsed, or breaks the protocol. */
export class DnsMalformedError extends DnsError {
  constructor(message: string, cause?: unknown) {
    super('DNS_MALFORMED', message, { cause });
  }
}

export class DnsNameInvalidError extends DnsError {
  constructor(
    readonly dnsName: string,
    reason: string,
  ) {
    super('DNS_NAME_INVALID', `"${dnsName}" is not a valid DNS name: ${reason}`);
  }
}

/** A resolver address that is not `IP[:PORT]` / `[IPv6][:PORT]`, or an empty resolver list. */
export class DnsServerInvalidError extends DnsError {
  constructor(message: string) {
    super('DNS_SERVER_INVALID', message);
  }
}
