/**
 * How a secure-pickup recipient proves who they are (docs/policy.md, "Recipient proofs"). Secure pickup is chosen
 * for recipients whose mail route may be read, and the pickup notice crosses that route: the proof must not. Best
 * first: a sign-in with the recipient's own identity provider; the sender's passcode when they have set one; a
 * mailed code where the route is one the policy trusts for it (`escrow.codeTransport`); else the passcode the
 * sender will be asked to set. A recipient with none of these gets no secure pickup.
 *
 * The policy's proofs bind external recipients. An internal recipient needs nothing (their mail never leaves the
 * organisation) and is given secure pickup only because one body serves everyone: a code mailed to them crosses
 * no outside route, so they can always get one, and internal recipients never force an escalation.
 */
import type { SignInProvider } from '../escrow/wire';
import type { ClassificationPolicy, Policy } from '../policy/schema';
import { RECIPIENT_PROOFS, type RecipientProof, type TransportVerdict } from '../vocabulary';

export interface ProofFacts {
  address: string;
  domain: string;
  internal: boolean;
  /** The provider the assess answer names for this recipient, if any. */
  signIn: SignInProvider | undefined;
  /** The recipient domain's effective transport verdict: the route a mailed code would cross. */
  verdict: TransportVerdict;
  /** The sender has set a passcode for this message. */
  passcodeSet: boolean;
}

export type ProofChoice = { proof: RecipientProof } | { refusal: string };

/** The proofs a classification accepts: those the policy names for it, or all of them. */
function acceptedProofs(classification: ClassificationPolicy, policy: Policy): readonly RecipientProof[] {
  const { proofs } = policy.escrow;
  // Own keys only: a classification may be called "constructor".
  return Object.prototype.hasOwnProperty.call(proofs, classification.name)
    ? proofs[classification.name]!
    : RECIPIENT_PROOFS;
}

/** Why no accepted proof works for this recipient, one clause per proof. */
function noProof(
  facts: ProofFacts,
  accepted: readonly RecipientProof[],
  codeTransport: readonly TransportVerdict[],
  classification: ClassificationPolicy,
): string {
  const kind = `${classification.label ?? classification.name} messages`;
  const clauses = [
    accepted.includes('sign-in')
      ? 'no identity provider is known for them to sign in with'
      : `${kind} do not accept a sign-in`,
    `${kind} do not accept a passcode`,
    accepted.includes('code')
      ? `a mailed code is allowed only where the recipient's mail servers are ${codeTransport.join(' or ')}, and those of ${facts.domain} are ${facts.verdict}`
      : `${kind} do not accept a mailed code`,
  ];
  return `secure pickup: ${facts.address} has no way to prove who they are that does not cross an unprotected route — ${clauses.join('; ')}`;
}

export function chooseProof(
  facts: ProofFacts,
  classification: ClassificationPolicy,
  policy: Policy,
): ProofChoice {
  const accepted = facts.internal ? RECIPIENT_PROOFS : acceptedProofs(classification, policy);
  const { codeTransport } = policy.escrow;
  if (facts.signIn && accepted.includes('sign-in')) return { proof: 'sign-in' };
  if (facts.passcodeSet && accepted.includes('passcode')) return { proof: 'passcode' };
  const codeRouteTrusted = facts.internal || codeTransport.includes(facts.verdict);
  if (accepted.includes('code') && codeRouteTrusted) return { proof: 'code' };
  // The sender is asked for a passcode before the message can be applied.
  if (accepted.includes('passcode')) return { proof: 'passcode' };
  return { refusal: noProof(facts, accepted, codeTransport, classification) };
}
