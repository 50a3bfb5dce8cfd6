/** The plan's words: every sentence a sender reads about a recipient's protection is made here. */
import type { KeyAssessment } from '../wire';
import { KEY_SOURCE_NAMES, type Requirement, type TransportVerdict } from '../vocabulary';

const REQUIREMENT_NEEDS: Record<Requirement, string> = {
  none: 'no protection',
  transport: 'encryption in transit',
  'transport-authenticated': 'authenticated encryption in transit',
  'end-to-end': 'end-to-end encryption',
};

export function needs(requirement: Requirement): string {
  return REQUIREMENT_NEEDS[requirement];
}

const TRANSPORT_STATE: Record<TransportVerdict, string> = {
  authenticated: 'accepts mail only over authenticated TLS (DANE or MTA-STS)',
  encrypted: 'offers TLS, but nothing authenticates it, so an attacker on the path could intercept it',
  weak: 'has a mail server that offers only TLS older than 1.2',
  partial: 'has mail servers that do not offer TLS at all',
  none: 'has no mail server that offers TLS: forced TLS would not deliver',
  broken: 'publishes a TLS policy that its own mail servers fail: mail to it is refused or delayed',
  'no-mail': 'accepts no mail',
  unknown: 'could not be checked in time',
};

/** The first reason the transport check gave, when it adds something to the verdict's own words. */
function firstDetail(reasons: readonly string[]): string {
  return reasons.length > 0 ? ` (${reasons[0]})` : '';
}

export function transportState(
  domain: string,
  verdict: TransportVerdict,
  reasons: readonly string[],
): string {
  return `${domain} ${TRANSPORT_STATE[verdict]}${firstDetail(reasons)}`;
}

export function keyState(address: string, key: KeyAssessment | undefined): string {
  if (!key) return `no OpenPGP key lookup was made for ${address}`;
  const detail = firstDetail(key.reasons);
  switch (key.verdict) {
    case 'valid':
      return `${address} has a valid OpenPGP key${key.source ? ` (${KEY_SOURCE_NAMES[key.source]})` : ''}`;
    case 'none':
      return `no OpenPGP key was found for ${address}`;
    case 'invalid':
      return `the OpenPGP key found for ${address} cannot be used${detail}`;
    case 'changed':
      return `the OpenPGP key of ${address} has changed since it was last used: confirm the new key first${detail}`;
    case 'unknown':
      return `the OpenPGP key lookup for ${address} failed${detail}`;
  }
}
