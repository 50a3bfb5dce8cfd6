/** The plan's words: every sentence a sender reads about a recipient's protection is made here. */
import type { SignInProvider } from '../escrow/wire';
import { STILL_CHECKING } from '../still-checking';
import type { KeyAssessment, MailboxAccessAssessment } from '../wire';
import {
  KEY_SOURCE_NAMES,
  protectionTitle,
  type RecipientProof,
  type Requirement,
  type TransportVerdict,
} from '../vocabulary';

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

/** What a classification that asks for `mailboxAccess: tls-only` needs, as a refusal of forced TLS ends. */
const TLS_TO_THE_MAILBOX = 'this message needs TLS all the way to their mailbox';

/**
 * Why forced TLS is not enough where the last mile may be read in the clear; undefined where every endpoint
 * requires TLS. Absent: the service did not check it (one without the check, or an answer from before it).
 */
export function mailboxAccessRefusal(
  domain: string,
  access: Pick<MailboxAccessAssessment, 'verdict' | 'reasons'> | undefined,
): string | undefined {
  if (!access) return `how people at ${domain} reach their mail was not checked; ${TLS_TO_THE_MAILBOX}`;
  const detail = firstDetail(access.reasons);
  switch (access.verdict) {
    case 'tls-only':
      return undefined;
    case 'tls-offered':
    case 'plaintext':
      // "Reach", not "read": a submission endpoint without TLS exposes the password people send mail with.
      return `people at ${domain} may reach their mail without TLS${detail}; ${TLS_TO_THE_MAILBOX}`;
    case 'unknown':
      return access.reasons[0] === STILL_CHECKING
        ? `how people at ${domain} reach their mail is still being checked (try again in a moment); ${TLS_TO_THE_MAILBOX}`
        : `how people at ${domain} reach their mail could not be checked${detail}; ${TLS_TO_THE_MAILBOX}`;
  }
}

/** Added to forced TLS's reason where the classification asked for it and the last mile requires TLS. */
export function mailboxAccessHeld(domain: string): string {
  return `every mail server people at ${domain} are told to use requires TLS before login`;
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

/** What a secure-pickup recipient's proof asks of them, and of the sender. */
export interface ProofWords {
  proof: RecipientProof;
  signIn?: SignInProvider | undefined;
  domain: string;
  internal: boolean;
  /** The route a mailed code crosses: the effective verdict, and the assessed one when an admin vouches. */
  verdict: TransportVerdict;
  assessed: TransportVerdict;
}

function codeRoute({ domain, internal, verdict, assessed }: ProofWords): string {
  if (internal) return 'their mail stays inside the organisation';
  if (verdict !== assessed) return `the organisation vouches for ${verdict} TLS to ${domain}`;
  if (verdict === 'authenticated') return "their mail server's TLS is verified";
  return `the policy accepts a code where the mail servers of ${domain} are ${verdict}`;
}

/** Whose account a `sign-in` recipient signs in with: the provider the service named, else their own. */
const accountOf = (signIn: SignInProvider | undefined) => signIn?.label ?? 'their own account';

/** "recipient signs in with Google", after the protection's name. */
function proofPhrase(words: ProofWords): string {
  switch (words.proof) {
    case 'sign-in':
      return `recipient signs in with ${accountOf(words.signIn)}`;
    case 'passcode':
      return 'recipient needs the passcode you give them by phone or another channel';
    case 'code':
      return `recipient gets a code by mail (${codeRoute(words)})`;
  }
}

/** "Secure pickup — recipient signs in with Google": the protection with its proof, as a reason starts. */
export function pickupTitle(words: ProofWords | undefined): string {
  return `${protectionTitle('escrow')}${words ? ` — ${proofPhrase(words)}` : ''}`;
}

/** The proof in a few words, beside the protection's badge: "sign-in with Google", "passcode", "code by mail". */
export function proofName(proof: RecipientProof, signIn?: SignInProvider): string {
  switch (proof) {
    case 'sign-in':
      return `sign-in with ${accountOf(signIn)}`;
    case 'passcode':
      return 'your passcode';
    case 'code':
      return 'code by mail';
  }
}
