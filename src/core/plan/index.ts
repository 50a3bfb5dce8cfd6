/**
 * The plan (docs/policy.md, "How a message's plan follows from the policy"): recipients with their assessments, a
 * classification and the policy → each recipient's protection with a reason, and the message's action. Pure and
 * deterministic: the add-ins, the server and the CLI run this same function.
 */
import type { Recipient } from '../addresses';
import { canonicalMailboxKey } from '../mailbox-key';
import { classificationOf, overrideFor } from '../policy/match';
import type { ClassificationPolicy, Policy } from '../policy/schema';
import { APPLICABLE_PROTECTIONS, PROTECTION_NAMES, protectionTitle, type Protection } from '../vocabulary';
import { capitalised, plural } from '../english';
import { formatFingerprint } from '../fingerprint';
import type { Assessments } from '../wire';
import { chooseAction } from './choose';
import { mailboxAccessHeld, needs, pickupTitle, transportState, type ProofWords } from './explain';
import { candidatesOf, effectiveTransport, recipientOptions, type RecipientFacts } from './recipient-options';
import type { Candidate, Plan, RecipientPlan } from './types';

export type { Candidate, Plan, PlanGroup, RecipientPlan } from './types';
export { proofName } from './explain';

export interface PlanInput {
  recipients: readonly Recipient[];
  assessments: Assessments;
  classification: string;
  policy: Policy;
  /**
   * The sender has set a passcode for this message (the pane's field). It only changes which proof a secure-pickup
   * recipient gives; without it, recipients who can only give a passcode still get secure pickup, and the pane asks
   * the sender for one before applying.
   */
  passcodeSet?: boolean;
}

/** The recipients who can open a secure-pickup message only with the sender's passcode (proof `passcode`). */
export function passcodeRecipients(plan: Pick<Plan, 'recipients'>): string[] {
  return plan.recipients.filter((r) => r.proof === 'passcode').map((r) => r.address);
}

/** Whether applying this plan needs the sender's passcode: some recipient's proof is `passcode`. */
export function needsPasscode(plan: Pick<Plan, 'recipients'>): boolean {
  return passcodeRecipients(plan).length > 0;
}

function protectionOf(served: Candidate | undefined, internal: boolean): Protection {
  if (served === undefined) return 'blocked';
  if (internal && (served === 'none' || served === 'tls')) return 'internal';
  return served;
}

function shortFingerprint(fingerprint: string | undefined): string {
  return fingerprint ? ` ${formatFingerprint(fingerprint.slice(-16))}` : '';
}

/** The words for a secure-pickup recipient's proof, when the plan gives them one. */
function proofWords(
  plan: Omit<RecipientPlan, 'reason'>,
  facts: RecipientFacts,
  policy: Policy,
): ProofWords | undefined {
  if (!plan.proof) return undefined;
  return {
    proof: plan.proof,
    signIn: plan.signIn,
    domain: plan.domain,
    internal: plan.internal,
    verdict: effectiveTransport(facts, policy),
    assessed: plan.transport,
  };
}

/** The protection as a reason starts: secure pickup names the recipient's proof. */
function titleOf(served: Candidate, words: ProofWords | undefined): string {
  return served === 'escrow' ? pickupTitle(words) : protectionTitle(served);
}

/**
 * When the message's protection is not this recipient's own best, the reason is the other recipients: one body
 * serves all of them.
 */
function sharedBodyReason(
  own: Candidate,
  served: Candidate,
  words: ProofWords | undefined,
  all: readonly RecipientPlan[],
): string {
  const cannot = all.filter((r) => !r.allowed.includes(own)).map((r) => r.address);
  const named =
    cannot.length > 3 ? `${cannot.slice(0, 3).join(', ')} and ${cannot.length - 3} more` : cannot.join(', ');
  const name = PROTECTION_NAMES[own];
  const why = `${name} would serve this recipient, but one message serves every recipient and ${name} cannot serve ${named}.`;
  // After a proof's own words a colon would read as part of them.
  return served === 'escrow'
    ? `${titleOf(served, words)}. ${capitalised(why)}`
    : `${titleOf(served, words)}: ${why}`;
}

function ownReason(
  plan: Omit<RecipientPlan, 'reason'>,
  facts: RecipientFacts,
  classification: ClassificationPolicy,
  policy: Policy,
): string {
  // One cause (a domain that accepts no mail) can refuse every candidate: say it once.
  const refusals = (candidates: readonly Candidate[]) =>
    [...new Set(candidates.flatMap((c) => (c !== 'none' && plan.refused[c] ? [plan.refused[c]] : [])))].join(
      '; ',
    );
  switch (plan.protection) {
    case 'internal':
      return `${plan.domain} is internal: the message stays inside the organisation.`;
    case 'none':
      return `No protection needed: ${classification.label ?? classification.name} messages need ${needs('none')}.`;
    case 'tls': {
      const vouched = overrideFor(plan.domain, policy);
      const why = vouched?.trustTransport
        ? (vouched.note ?? `the organisation vouches for TLS to ${plan.domain}`)
        : transportState(plan.domain, effectiveTransport(facts, policy), facts.domain?.reasons ?? []);
      const lastMile = classification.mailboxAccess ? `; ${mailboxAccessHeld(plan.domain)}` : '';
      return `${protectionTitle('tls')}: ${why}${lastMile}.`;
    }
    case 'pgp':
      return `${protectionTitle('pgp')}: encrypted to the key${shortFingerprint(plan.key.fingerprint)} of ${plan.address}.`;
    case 'escrow': {
      const order = candidatesOf(classification);
      const why = refusals(order.slice(0, order.indexOf('escrow')));
      const title = pickupTitle(proofWords(plan, facts, policy));
      return `${title}.${why ? ` Chosen because ${why}.` : ''}`;
    }
    case 'blocked':
      return `Cannot be served: ${refusals(APPLICABLE_PROTECTIONS) || plan.refused.none}.`;
  }
}

function count(recipients: readonly RecipientPlan[], protection: Protection): number {
  return recipients.filter((r) => r.protection === protection).length;
}

function summaryOf(
  plan: Omit<Plan, 'summary'>,
  classification: ClassificationPolicy,
  policy: Policy,
): string {
  const name = classification.label ?? classification.name;
  switch (plan.action) {
    case 'send':
      return `Send as usual: ${name} messages need no protection for these recipients.`;
    case 'tag': {
      const how = policy.tag.subject
        ? `the subject gets "${policy.tag.subject.text}"`
        : `the ${policy.tag.header?.name} header is added`;
      return `Send with forced TLS (${how}) to ${plural(plan.recipients.length, 'recipient')}.`;
    }
    case 'pgp':
      return `Encrypt with OpenPGP for ${plural(plan.recipients.length, 'recipient')}.`;
    case 'escrow':
      return `Send through secure pickup: ${plural(plan.recipients.length, 'recipient')} get a link and prove who they are.`;
    case 'split':
      return `No one protection serves everyone: split into ${plural(plan.groups?.length ?? 0, 'message')} (${(
        plan.groups ?? []
      )
        .map((g) => `${plural(g.addresses.length, 'recipient')} by ${PROTECTION_NAMES[g.protection]}`)
        .join(', ')}).`;
    case 'block':
      return `Cannot send: nothing can serve ${(plan.blocked ?? []).join(', ')}. Remove ${plan.blocked?.length === 1 ? 'that recipient' : 'those recipients'} to send to the others (${plural(
        plan.recipients.length - count(plan.recipients, 'blocked'),
        'other',
      )}).`;
  }
}

export function planMessage(input: PlanInput): Plan {
  const { policy } = input;
  const classification = classificationOf(input.classification, policy);
  const domains = new Map(input.assessments.domains.map((d) => [d.domain, d]));
  const keys = new Map(input.assessments.keys.map((k) => [canonicalMailboxKey(k.address), k]));
  const signIns = new Map(
    (input.assessments.signIn ?? []).map(({ address, ...provider }) => [
      canonicalMailboxKey(address),
      provider,
    ]),
  );
  const facts: RecipientFacts[] = input.recipients.map((recipient) => ({
    recipient,
    domain: domains.get(recipient.domain),
    key: keys.get(canonicalMailboxKey(recipient.address)),
    signIn: signIns.get(canonicalMailboxKey(recipient.address)),
  }));
  const passcodeSet = input.passcodeSet ?? false;
  const options = facts.map((f) => recipientOptions(f, classification, policy, passcodeSet));
  const choice = chooseAction(
    options.map((o) => o.allowed),
    candidatesOf(classification),
    facts.map((f) => f.recipient.address),
  );
  const drafts = facts.map((f, i) => {
    const { recipient, key, signIn } = f;
    const option = options[i]!;
    const protection = protectionOf(choice.served[i], option.internal);
    const { pickup } = option;
    const partial = {
      address: recipient.address,
      domain: recipient.domain,
      ...(recipient.displayName ? { displayName: recipient.displayName } : {}),
      fields: recipient.fields,
      internal: option.internal,
      requirement: option.requirement,
      transport: option.transport,
      key: {
        verdict: key?.verdict ?? 'unknown',
        ...(key?.source ? { source: key.source } : {}),
        ...(key?.fingerprint ? { fingerprint: key.fingerprint } : {}),
      },
      allowed: option.allowed,
      refused: option.refused,
      protection,
      ...(protection === 'escrow' && 'proof' in pickup ? { proof: pickup.proof } : {}),
      ...(signIn ? { signIn } : {}),
    };
    return { ...partial, reason: ownReason(partial, f, classification, policy) };
  });
  const recipients = drafts.map((draft, i): RecipientPlan => {
    const served = choice.served[i];
    const own = draft.allowed[0];
    const ownIsServed = own === served || draft.protection === 'internal';
    const words = proofWords(draft, facts[i]!, policy);
    return served && own && !ownIsServed
      ? { ...draft, reason: sharedBodyReason(own, served, words, drafts) }
      : draft;
  });
  const blocked = recipients.filter((r) => r.protection === 'blocked').map((r) => r.address);
  const plan: Omit<Plan, 'summary'> = {
    classification: classification.name,
    action: choice.action,
    recipients,
    ...(choice.groups ? { groups: choice.groups } : {}),
    ...(blocked.length > 0 ? { blocked } : {}),
  };
  return { ...plan, summary: summaryOf(plan, classification, policy) };
}
