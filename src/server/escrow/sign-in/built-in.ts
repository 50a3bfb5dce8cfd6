/**
 * Which domains the built-in providers answer for: a Microsoft or Google mailbox is one whose domain is theirs
 * (their consumer mail) or whose mail they receive (MX under Exchange Online or Google Workspace). An MX is a
 * hint, not a proof: the ID token's own claims still have to vouch for the address (claims.ts).
 */
import { isAtOrUnder } from '../../dns/names';

export type BuiltInProvider = 'microsoft' | 'google';

/** Microsoft's personal accounts (`tid` 9188040d-…): outlook.com, hotmail.*, live.*, msn.com. */
export const MICROSOFT_CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * Microsoft's consumer mail domains, by name. A list rather than a pattern: a personal account can be opened with
 * any address, so a domain wrongly taken for Microsoft's own would let a mailed confirmation — across the route
 * this proof avoids — stand for the recipient.
 */
const MICROSOFT_CONSUMER_DOMAINS = new Set([
  'outlook.com',
  'msn.com',
  'passport.com',
  ...[
    'com',
    'co.uk',
    'fr',
    'de',
    'it',
    'es',
    'nl',
    'be',
    'ca',
    'com.au',
    'co.jp',
    'com.br',
    'com.mx',
  ].flatMap((suffix) => [`hotmail.${suffix}`, `live.${suffix}`]),
  ...['fr', 'de', 'it', 'es', 'be', 'jp', 'co.uk', 'com.au', 'com.br'].map((suffix) => `outlook.${suffix}`),
]);

export function isMicrosoftConsumerDomain(domain: string): boolean {
  return MICROSOFT_CONSUMER_DOMAINS.has(domain);
}

export function isGoogleConsumerDomain(domain: string): boolean {
  return domain === 'gmail.com' || domain === 'googlemail.com';
}

/** Exchange Online's inbound hosts: `<tenant>.mail.protection.outlook.com`. */
function isMicrosoftMx(host: string): boolean {
  return isAtOrUnder(host, 'mail.protection.outlook.com');
}

/** Google Workspace's inbound hosts: aspmx.l.google.com and its alternates, smtp.google.com. */
function isGoogleMx(host: string): boolean {
  return (
    isAtOrUnder(host, 'aspmx.l.google.com') ||
    host === 'smtp.google.com' ||
    isAtOrUnder(host, 'googlemail.com')
  );
}

/**
 * The built-in provider whose mail service a domain uses, judged by its name, then by its MX host names
 * (lower case, no trailing dot); undefined when neither.
 */
export function builtInProviderOf(domain: string, mxHosts: readonly string[]): BuiltInProvider | undefined {
  if (isMicrosoftConsumerDomain(domain)) return 'microsoft';
  if (isGoogleConsumerDomain(domain)) return 'google';
  if (mxHosts.length > 0 && mxHosts.every(isMicrosoftMx)) return 'microsoft';
  if (mxHosts.length > 0 && mxHosts.every(isGoogleMx)) return 'google';
  return undefined;
}
