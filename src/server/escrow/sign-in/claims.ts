/**
 * Whether an ID token's claims vouch for a recipient's address — each provider has its own way to say that an
 * email is verified (docs/escrow-protocol.md, "Recipient sign-in"). Pure: the signature, issuer, audience and
 * nonce are checked before this (id-token.ts). `address` is in `mailboxKey` form; the claimed email is compared in
 * that form too.
 */
import { mailboxKey } from '../../../core/addresses';
import { isGoogleConsumerDomain, isMicrosoftConsumerDomain, MICROSOFT_CONSUMER_TENANT } from './built-in';
import { domainOf } from './domain-of';

/** How a provider's claims are read: Microsoft's, Google's, or OpenID Connect's own `email_verified`. */
export type ClaimRules = 'microsoft' | 'google' | 'generic';

export type Claims = Record<string, unknown>;

/** The claim as a mailbox key, when it is a string that reads as an address. */
function claimedAddress(value: unknown): string | undefined {
  return typeof value === 'string' ? mailboxKey(value) : undefined;
}

const emailIs = (claims: Claims, address: string) => claimedAddress(claims.email) === address;

/** OpenID Connect Core §5.1: `email_verified` true, and the email is the address. */
function genericVouches(claims: Claims, address: string): boolean {
  return claims.email_verified === true && emailIs(claims, address);
}

/** Google: a verified email, and outside Gmail the Workspace domain (`hd`) that manages the account. */
function googleVouches(claims: Claims, address: string): boolean {
  const domain = domainOf(address);
  return genericVouches(claims, address) && (isGoogleConsumerDomain(domain) || claims.hd === domain);
}

/**
 * Microsoft: a personal account (the consumer tenant) speaks only for Microsoft's own consumer domains — anyone
 * can open one with any other address. A work or school account's email counts only when the tenant owns its
 * domain (`xms_edov`, the optional claim "email domain owner verified"). `verified_primary_email` and
 * `verified_secondary_email` are not read: they come from the tenant's own user data, and nothing says the tenant
 * owns their domain.
 */
function microsoftVouches(claims: Claims, address: string): boolean {
  const consumerDomain = isMicrosoftConsumerDomain(domainOf(address));
  if (claims.tid === MICROSOFT_CONSUMER_TENANT) return consumerDomain && emailIs(claims, address);
  return !consumerDomain && claims.xms_edov === true && emailIs(claims, address);
}

export function claimsVouchFor(rules: ClaimRules, claims: Claims, address: string): boolean {
  switch (rules) {
    case 'microsoft':
      return microsoftVouches(claims, address);
    case 'google':
      return googleVouches(claims, address);
    case 'generic':
      return genericVouches(claims, address);
  }
}

/** Google's ID tokens may name their issuer without the scheme (Google's OpenID Connect documentation). */
const GOOGLE_ISSUER = 'https://accounts.google.com';

/** Whether the token names the issuer it must (`expectedIssuer`), or Google's other spelling of it. */
export function issuerAccepted(rules: ClaimRules, metadataIssuer: string, claims: Claims): boolean {
  if (claims.iss === expectedIssuer(rules, metadataIssuer, claims)) return true;
  return rules === 'google' && metadataIssuer === GOOGLE_ISSUER && claims.iss === 'accounts.google.com';
}

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The issuer a token must name. Microsoft's multi-tenant metadata names `https://login.microsoftonline.com/
 * {tenantid}/v2.0`: the token's own `tid` fills it in (and must be a tenant ID, so it cannot reshape the URL).
 * Only Microsoft's: any other issuer is taken as it is written, so a provider cannot make its tokens' issuer
 * depend on a claim of theirs. Undefined when the token cannot have a valid issuer.
 */
export function expectedIssuer(
  rules: ClaimRules,
  metadataIssuer: string,
  claims: Claims,
): string | undefined {
  if (rules !== 'microsoft' || !metadataIssuer.includes('{tenantid}')) return metadataIssuer;
  const tid = claims.tid;
  return typeof tid === 'string' && TENANT_ID.test(tid)
    ? metadataIssuer.replace('{tenantid}', tid)
    : undefined;
}
