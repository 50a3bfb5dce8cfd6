/**
 * What each candidate protection means for one recipient: allowed, or refused with the reason. The rules here
 * are the promises the property tests check (docs/policy.md, "How a message's plan follows from the policy").
 */
import type { Recipient } from '../addresses';
import { isInternal, overrideFor, requirementFor } from '../policy/match';
import type { ClassificationPolicy, Policy } from '../policy/schema';
import {
  APPLICABLE_PROTECTIONS,
  PROTECTION_NAMES,
  TRANSPORT_VERDICTS_NEVER_TLS,
  type Requirement,
  type TransportVerdict,
} from '../vocabulary';
import type { SignInProvider } from '../escrow/wire';
import type { DomainAssessment, KeyAssessment } from '../wire';
import { keyState, mailboxAccessRefusal, needs, transportState } from './explain';
import { chooseProof, type ProofChoice } from './proof';
import type { Candidate } from './types';

const ALL_CANDIDATES: readonly Candidate[] = ['none', ...APPLICABLE_PROTECTIONS];

export interface RecipientFacts {
  recipient: Recipient;
  domain: DomainAssessment | undefined;
  key: KeyAssessment | undefined;
  /** The identity provider the recipient can sign in with for secure pickup, when one is known. */
  signIn: SignInProvider | undefined;
}

export interface RecipientOptions {
  internal: boolean;
  requirement: Requirement;
  transport: TransportVerdict;
  allowed: Candidate[];
  refused: Partial<Record<Candidate, string>>;
  /** The proof this recipient would give for secure pickup, when one is possible. */
  pickup: ProofChoice;
}

/** The verdict that decides forced TLS: the assessed one, unless an admin vouches for the route. */
export function effectiveTransport(facts: RecipientFacts, policy: Policy): TransportVerdict {
  const assessed = facts.domain?.verdict ?? 'unknown';
  const trusted = overrideFor(facts.recipient.domain, policy)?.trustTransport;
  // No gateway rule can deliver to a domain that accepts no mail, whatever the admin vouches for.
  return trusted && assessed !== 'no-mail' ? trusted : assessed;
}

function tlsRefusal(
  facts: RecipientFacts,
  requirement: Requirement,
  verdict: TransportVerdict,
  classification: ClassificationPolicy,
  policy: Policy,
): string | undefined {
  const { domain } = facts.recipient;
  const state = () => transportState(domain, verdict, facts.domain?.reasons ?? []);
  if (requirement === 'end-to-end')
    return `forced TLS protects each hop only; this message needs ${needs(requirement)}`;
  if (TRANSPORT_VERDICTS_NEVER_TLS.includes(verdict)) return state();
  if (requirement === 'transport-authenticated' && verdict !== 'authenticated') {
    return `${state()}; this message needs ${needs(requirement)}`;
  }
  if (!(policy.transport.acceptable as readonly string[]).includes(verdict)) {
    return `${state()}; the policy does not accept that for forced TLS`;
  }
  // The route to the domain holds; the classification may also ask how its people read their mail (the last mile).
  if (classification.mailboxAccess === undefined) return undefined;
  return mailboxAccessRefusal(domain, facts.domain?.mailboxAccess);
}

interface Context {
  facts: RecipientFacts;
  classification: ClassificationPolicy;
  internal: boolean;
  requirement: Requirement;
  verdict: TransportVerdict;
  policy: Policy;
  pickup: ProofChoice;
}

function refusalOf(candidate: Candidate, context: Context): string | undefined {
  const { facts, classification, internal, requirement, verdict, policy, pickup } = context;
  switch (candidate) {
    case 'none':
      return requirement === 'none' ? undefined : `this message needs ${needs(requirement)}`;
    case 'tls':
      // Internal mail never needs the tag, and carrying it does internal recipients no harm.
      return internal ? undefined : tlsRefusal(facts, requirement, verdict, classification, policy);
    case 'pgp':
      return facts.key?.verdict === 'valid' ? undefined : keyState(facts.recipient.address, facts.key);
    case 'escrow':
      if (!policy.escrow.enabled) return 'secure pickup is switched off by the policy';
      return 'refusal' in pickup ? pickup.refusal : undefined;
  }
}

/** Plain mail first (cheapest when allowed), then the classification's order of preference. */
export function candidatesOf(classification: ClassificationPolicy): Candidate[] {
  return ['none', ...classification.prefer];
}

/**
 * @param passcodeSet the sender has set a passcode for this message: it changes which proof a recipient gives,
 *   never whether secure pickup can serve them (a passcode can always be set where one is accepted), so the send
 *   check, which cannot know the pane's passcode, reaches the same verdict.
 */
export function recipientOptions(
  facts: RecipientFacts,
  classification: ClassificationPolicy,
  policy: Policy,
  passcodeSet = false,
): RecipientOptions {
  const internal = isInternal(facts.recipient.domain, policy);
  // Mail to internal domains stays inside the organisation: it never needs more than plain delivery.
  const requirement = internal ? 'none' : requirementFor(classification, facts.recipient.domain, policy);
  const verdict = effectiveTransport(facts, policy);
  const { address, domain } = facts.recipient;
  const pickup = chooseProof(
    { address, domain, internal, signIn: facts.signIn, verdict, passcodeSet },
    classification,
    policy,
  );
  const context: Context = { facts, classification, internal, requirement, verdict, policy, pickup };
  const offered = candidatesOf(classification);
  const noMail = facts.domain?.verdict === 'no-mail' && !internal;
  const refused: Partial<Record<Candidate, string>> = {};
  for (const candidate of ALL_CANDIDATES) {
    // The substantive reason first: "not offered" hides why a protection would not have worked anyway.
    const refusal = noMail
      ? transportState(facts.recipient.domain, 'no-mail', facts.domain?.reasons ?? [])
      : (refusalOf(candidate, context) ??
        (offered.includes(candidate)
          ? undefined
          : `${PROTECTION_NAMES[candidate]} is not offered for ${classification.label ?? classification.name} messages`));
    if (refusal !== undefined) refused[candidate] = refusal;
  }
  const allowed = offered.filter((candidate) => refused[candidate] === undefined);
  return { internal, requirement, transport: facts.domain?.verdict ?? 'unknown', allowed, refused, pickup };
}
