/**
 * The add-ins' one question — "for these recipients, what transport and what keys?" — answered within a
 * deadline. Every domain and address is checked once however often it appears, all at once; what is not known
 * when the deadline passes is `unknown` "still being checked", and the checks run on so the next call finds them.
 */
import { setMaxListeners } from 'node:events';
import { AddressError, mailboxKey, parseAddress, type Recipient } from '../../core/addresses';
import type { Clock } from '../../core/clock';
import { isInternal } from '../../core/policy/match';
import type { Policy } from '../../core/policy/schema';
import type { SignInProvider } from '../../core/escrow/wire';
import type { AssessAnswer, AssessedRecipient, DomainAssessment, KeyAssessment } from '../../core/wire';
import type { SignInDirectory } from '../escrow/sign-in-directory';
import { boundedDomainAssessment, boundedKeyAssessment, withoutArmor, type LookupDeps } from './lookups';

const STILL_CHECKING = 'still being checked; ask again shortly';

type AssessResult = Omit<AssessAnswer, 'policyVersion'>;

interface BatchDeps extends LookupDeps {
  policy: Policy;
  assessDeadlineMs: number;
  /** Its monotonic time shares the deadline between the domain and the key checks. */
  clock: Clock;
  /** Names the provider an external recipient can sign in with to pick up a message; none when absent. */
  signIn?: SignInDirectory;
}

type Parsed = { input: string; recipient: Recipient } | { input: string; reason: string };

function parseInput(input: string): Parsed {
  try {
    return { input, recipient: parseAddress(input) };
  } catch (error) {
    if (!(error instanceof AddressError)) throw error;
    return { input, reason: error.invalid[0]?.reason ?? 'is not a valid email address' };
  }
}

/** Resolves each promise's value, or `undefined` for those still pending when `ms` runs out. */
async function settledWithin<T>(
  promises: Map<string, Promise<T>>,
  ms: number,
): Promise<Map<string, T | undefined>> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    const entries = [...promises].map(
      async ([key, promise]) => [key, await Promise.race([promise, expired])] as const,
    );
    return new Map(await Promise.all(entries));
  } finally {
    clearTimeout(timer);
  }
}

export async function assessBatch(inputs: readonly string[], deps: BatchDeps): Promise<AssessResult> {
  // One deadline timer for the whole batch rather than one per lookup: a 20-recipient message makes 40. Each
  // lookup may listen on it, so the usual limit of ten listeners does not fit.
  const signal = AbortSignal.timeout(deps.lookupDeadlineMs);
  setMaxListeners(2 * inputs.length + 10, signal);
  deps = { ...deps, signal };
  const parsed = inputs.map(parseInput);
  const valid = parsed.flatMap((p) => ('recipient' in p ? [{ input: p.input, recipient: p.recipient }] : []));
  const internal = new Map(
    valid.map(({ recipient }) => [recipient.domain, isInternal(recipient.domain, deps.policy)]),
  );

  const domainChecks = new Map<string, Promise<DomainAssessment>>();
  const keyChecks = new Map<string, Promise<KeyAssessment>>();
  // Per address: a provider a domain names by WebFinger speaks for one account only. The directory keeps what
  // holds for a whole domain (configured, built in) per domain, so this costs no extra lookups there.
  const signInChecks = new Map<string, Promise<{ provider?: SignInProvider }>>();
  for (const { recipient } of valid) {
    const external = !internal.get(recipient.domain);
    if (external && !domainChecks.has(recipient.domain))
      domainChecks.set(recipient.domain, boundedDomainAssessment(recipient.domain, deps));
    const key = mailboxKey(recipient.address) as string;
    if (!keyChecks.has(key)) keyChecks.set(key, boundedKeyAssessment(recipient.address, deps));
    if (external && deps.signIn && !signInChecks.has(key))
      signInChecks.set(
        key,
        deps.signIn.providerFor(key, { signal }).then((provider) => (provider ? { provider } : {})),
      );
  }
  // One clock for the whole batch: the deadline is the caller's, not per check.
  const started = deps.clock.monotonic();
  const domains = await settledWithin(domainChecks, deps.assessDeadlineMs);
  const elapsed = deps.clock.monotonic() - started;
  const keys = await settledWithin(keyChecks, Math.max(0, deps.assessDeadlineMs - elapsed));
  // Asked alongside the others; by now its share of the deadline has passed too.
  const signIns = await settledWithin(signInChecks, 0);

  let partial = false;
  const transportOf = (domain: string): DomainAssessment => {
    const found = domains.get(domain);
    if (!found) {
      partial = true;
      return { domain, verdict: 'unknown', reasons: [STILL_CHECKING] };
    }
    // The evidence is for the full report (`GET /domains/:domain`); the send path needs the verdict and why.
    const { evidence: _evidence, ...summary } = found;
    return summary;
  };
  const keyOf = (address: string): KeyAssessment => {
    const found = keys.get(mailboxKey(address) as string);
    if (!found) {
      partial = true;
      return { address, verdict: 'unknown', reasons: [STILL_CHECKING] };
    }
    // The client encrypts to a valid key; any other key must not be used, so it is not handed out.
    return found.verdict === 'valid' ? found : withoutArmor(found);
  };
  const recipients = valid.map(({ input, recipient: { address, domain } }): AssessedRecipient => {
    const isInternalDomain = internal.get(domain) ?? false;
    const transport = isInternalDomain ? undefined : transportOf(domain);
    const signInKey = mailboxKey(address) as string;
    const signInCheck = signIns.get(signInKey);
    if (signInChecks.has(signInKey) && !signInCheck) partial = true;
    const signIn = signInCheck?.provider;
    return {
      input,
      address,
      domain,
      internal: isInternalDomain,
      ...(transport && { transport }),
      key: keyOf(address),
      ...(signIn && { signIn }),
    };
  });
  const invalid = parsed.flatMap((p) => ('reason' in p ? [{ input: p.input, reason: p.reason }] : []));
  return { partial, recipients, invalid };
}
