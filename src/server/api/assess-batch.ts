/**
 * The add-ins' one question — "for these recipients, what transport, what mailbox access and what keys?", and with
 * the sender's address how replies come back — answered within a deadline. Every domain and address is checked
 * once however often it appears, all at once; what is not known when the deadline passes is `unknown` "still being
 * checked", and the checks run on so the next call finds them.
 *
 * Every message asks this, mostly of verdicts already cached, so the per-request work is kept to what the answer
 * needs: each entry parsed once, each domain and address looked at once, one timer for the whole batch.
 */
import { setMaxListeners } from 'node:events';
import { AddressError, parseAddress } from '../../core/addresses';
import type { Clock } from '../../core/clock';
import { canonicalMailboxKey } from '../../core/mailbox-key';
import { asksMailboxAccess, isInternal } from '../../core/policy/match';
import type { Policy } from '../../core/policy/schema';
import type { SignInProvider } from '../../core/escrow/wire';
import { STILL_CHECKING } from '../../core/still-checking';
import type {
  AssessAnswer,
  AssessedRecipient,
  DomainAssessment,
  KeyAssessment,
  MailboxAccessAssessment,
} from '../../core/wire';
import type { SignInDirectory } from '../escrow/sign-in-directory';
import { BoundedCache } from '../store/bounded-cache';
import { madeOnce } from '../store/made-once';
import {
  boundedDomainAssessment,
  boundedKeyAssessment,
  boundedMailboxAccess,
  keptAssessments,
  withoutArmor,
  type LookupDeps,
} from './lookups';

type AssessResult = Omit<AssessAnswer, 'policyVersion'>;
type Transport = NonNullable<AssessedRecipient['transport']>;
type MailboxAccess = NonNullable<Transport['mailboxAccess']>;

interface BatchDeps extends LookupDeps {
  policy: Policy;
  /** The sender's own address, as the request gave it: the answer then says how replies reach them. */
  sender?: string | undefined;
  /**
   * The request asks for recipients' mailbox access within the deadline (the pane, which shows it). Without it, and
   * with no classification in the policy that needs it, the answer waits on no mailbox check (see `assessBatch`).
   */
  mailboxAccessAsked?: boolean | undefined;
  assessDeadlineMs: number;
  /** Its monotonic time shares the deadline between the domain and the key checks. */
  clock: Clock;
  /** Names the provider an external recipient can sign in with to pick up a message; none when absent. */
  signIn?: SignInDirectory;
}

/** A readable entry: its normal address and domain, and the address's comparison form (`mailboxKey`). */
interface Entry {
  input: string;
  address: string;
  domain: string;
  key: string;
}

type Parsed = Entry | { input: string; reason: string };

/**
 * Entries parsed lately, by their text: the same senders write to the same recipients all day, and parsing an
 * address costs more than the rest of its share of a warm answer. Bounded like every cache of client input.
 */
const parsedEntries = new BoundedCache<string, Parsed>({
  maxEntries: 10_000,
  maxSize: 1_000_000,
  sizeOf: (parsed) => parsed.input.length,
});

function parseInput(input: string): Parsed {
  let parsed = parsedEntries.get(input);
  if (parsed === undefined) {
    parsed = parseEntry(input);
    parsedEntries.set(input, parsed);
  }
  return parsed;
}

function parseEntry(input: string): Parsed {
  try {
    const { address, domain } = parseAddress(input);
    // The parser's address has its domain in normal form already: the comparison form needs no second parse.
    return { input, address, domain, key: canonicalMailboxKey(address) as string };
  } catch (error) {
    if (!(error instanceof AddressError)) throw error;
    return { input, reason: error.invalid[0]?.reason ?? 'is not a valid email address' };
  }
}

/**
 * Checks asked for at once, each kept under its key once it settles: at once with what the service holds in
 * memory (a warm answer waits on no promise), else when the check it starts settles. `within(ms)` waits until
 * every check started has settled or `ms` has passed, whichever comes first, with one timer however many there are.
 */
class Checks<T> {
  readonly settled = new Map<string, T>();
  private readonly running = new Map<string, Promise<void>>();

  /** `kept` is asked by key (undefined: not held), `check` about a subject (a domain, an address). */
  constructor(
    private readonly kept: (key: string) => T | undefined,
    private readonly check: (subject: string) => Promise<T>,
  ) {}

  /** Settles `key` with what is kept under it, else starts the check of `subject`; once per key. */
  start(key: string, subject: string): void {
    if (this.settled.has(key) || this.running.has(key)) return;
    const value = this.kept(key);
    if (value !== undefined) this.settled.set(key, value);
    else
      this.running.set(
        key,
        this.check(subject).then((found) => void this.settled.set(key, found)),
      );
  }

  /** Started and not settled yet. */
  pending(key: string): boolean {
    return this.running.has(key) && !this.settled.has(key);
  }

  get done(): boolean {
    for (const key of this.running.keys()) if (!this.settled.has(key)) return false;
    return true;
  }

  async within(ms: number): Promise<void> {
    if (this.done) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    try {
      await Promise.race([Promise.all(this.running.values()), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Each assessment's summary, made once: the transport service hands out the one it keeps for a report. */
const summaryOf = madeOnce((found: DomainAssessment): DomainAssessment => {
  const { verdict, reasons, checkedAt } = found;
  return { domain: found.domain, verdict, reasons, ...(checkedAt !== undefined && { checkedAt }) };
});

/** A mailbox access as the send path gives it: the verdict and why, made once per assessment the service keeps. */
const mailboxSummaryOf = madeOnce((found: MailboxAccessAssessment): MailboxAccess => {
  const { verdict, reasons, checkedAt } = found;
  return { verdict, reasons, ...(checkedAt !== undefined && { checkedAt }) };
});

/** One object for every answer that waits on a domain's mailbox access. */
const MAILBOX_STILL_CHECKING: MailboxAccess = { verdict: 'unknown', reasons: [STILL_CHECKING] };

/** A transport summary with its mailbox access, one object per pair, so the answer's writer finds it unchanged. */
const withMailboxAccess = madeOnce((transport: DomainAssessment) =>
  madeOnce((mailboxAccess: MailboxAccess): Transport => ({ ...transport, mailboxAccess })),
);

const orNull = <T>(value: T | undefined): T | null => value ?? null;

/** One turn of the event loop: what is asked alongside the others and answers from memory has settled by then. */
const oneTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function assessBatch(inputs: readonly string[], deps: BatchDeps): Promise<AssessResult> {
  // One deadline timer for the whole batch (the route's is shared by the batches of a moment, `SharedDeadline`)
  // rather than one per lookup: a 20-recipient message makes 40. Each lookup may listen on it, so the usual limit
  // of ten listeners does not fit.
  let { signal } = deps;
  if (!signal) {
    signal = AbortSignal.timeout(deps.lookupDeadlineMs);
    setMaxListeners(3 * inputs.length + 10, signal);
    deps = { ...deps, signal };
  }
  const parsed = inputs.map(parseInput);
  const valid = parsed.filter((p): p is Entry => 'key' in p);

  const internal = new Map<string, boolean>();
  const kept = keptAssessments(deps);
  const domains = new Checks<DomainAssessment>(kept.domain, (domain) =>
    boundedDomainAssessment(domain, deps),
  );
  const { mailbox } = deps;
  const mailboxes =
    mailbox &&
    new Checks<MailboxAccessAssessment>(kept.mailbox, (domain) =>
      boundedMailboxAccess(domain, mailbox, deps),
    );
  const keys = new Checks<KeyAssessment>(kept.key, (address) => boundedKeyAssessment(address, deps));
  // Per address: a provider a domain names by WebFinger speaks for one account only. The directory keeps what
  // holds for a whole domain (configured, built in) per domain, so this costs no extra lookups there.
  // null: the directory names no provider; a directory that fails knows none: the recipient can still pick up
  // with a mailed code.
  const { signIn } = deps;
  const signIns = new Checks<SignInProvider | null>(
    (key) => signIn?.known?.(key),
    (key) => (signIn ? signIn.providerFor(key, { signal }).then(orNull, () => null) : Promise.resolve(null)),
  );
  for (const { address, domain, key } of valid) {
    let isInternalDomain = internal.get(domain);
    if (isInternalDomain === undefined) {
      isInternalDomain = isInternal(domain, deps.policy);
      internal.set(domain, isInternalDomain);
    }
    if (!isInternalDomain) {
      domains.start(domain, domain);
      mailboxes?.start(domain, domain);
    }
    keys.start(key, address);
    if (!isInternalDomain && signIn) signIns.start(key, key);
  }
  // How replies reach the sender: their own domain's inbound transport, checked though it is internal.
  const sender = deps.sender === undefined ? undefined : parseInput(deps.sender);
  const senderDomain = sender && 'domain' in sender ? sender.domain : undefined;
  if (senderDomain !== undefined) domains.start(senderDomain, senderDomain);
  kept.count();
  // Mailbox access decides a plan only under a classification that asks for it; otherwise it is evidence for the
  // pane's row, and the send check (every message's send) must not wait on a probe of IMAP, POP and submission
  // servers for it. Not waited on, its checks still run, so the pane finds them done.
  const mailboxesAwaited =
    mailboxes && (deps.mailboxAccessAsked === true || asksMailboxAccess(deps.policy)) ? mailboxes : undefined;
  // One deadline for the domain, mailbox and key checks, the caller's, not one per check.
  if (!domains.done || mailboxesAwaited?.done === false || !keys.done) {
    const started = deps.clock.monotonic();
    await Promise.all([
      domains.within(deps.assessDeadlineMs),
      mailboxesAwaited?.within(deps.assessDeadlineMs),
    ]);
    await keys.within(Math.max(0, deps.assessDeadlineMs - (deps.clock.monotonic() - started)));
  }
  // Asked alongside the others; by now its share of the deadline has passed too, but for answers from memory.
  if (!signIns.done) await oneTurn();

  let partial = false;
  // The evidence is for the full report (`GET /domains/:domain`); the send path needs the verdict and why.
  const summaries = new Map<string, DomainAssessment>();
  const summaryFor = (domain: string): DomainAssessment => {
    let summary = summaries.get(domain);
    if (summary === undefined) {
      const found = domains.settled.get(domain);
      if (found) summary = summaryOf(found);
      else {
        partial = true;
        summary = { domain, verdict: 'unknown', reasons: [STILL_CHECKING] };
      }
      summaries.set(domain, summary);
    }
    return summary;
  };
  /** What is known of the domain's mailbox access; undefined where it was not waited on and is not known yet. */
  const mailboxAccessOf = (domain: string): MailboxAccess | undefined => {
    const found = mailboxes?.settled.get(domain);
    if (found) return mailboxSummaryOf(found);
    if (mailboxesAwaited === undefined) return undefined;
    partial = true;
    return MAILBOX_STILL_CHECKING;
  };
  const transportOf = (domain: string): Transport => {
    const mailboxAccess = mailboxAccessOf(domain);
    return mailboxAccess ? withMailboxAccess(summaryFor(domain))(mailboxAccess) : summaryFor(domain);
  };
  const keyOf = (address: string, key: string): KeyAssessment => {
    const found = keys.settled.get(key);
    if (!found) {
      partial = true;
      return { address, verdict: 'unknown', reasons: [STILL_CHECKING] };
    }
    // The client encrypts to a valid key; any other key must not be used, so it is not handed out.
    return found.verdict === 'valid' ? found : withoutArmor(found);
  };
  const recipients = valid.map(({ input, address, domain, key }): AssessedRecipient => {
    const isInternalDomain = internal.get(domain) as boolean;
    const transport = isInternalDomain ? undefined : transportOf(domain);
    if (signIns.pending(key)) partial = true;
    const signIn = signIns.settled.get(key) ?? undefined;
    return {
      input,
      address,
      domain,
      internal: isInternalDomain,
      ...(transport && { transport }),
      key: keyOf(address, key),
      ...(signIn && { signIn }),
    };
  });
  const invalid = parsed.flatMap((p) => ('reason' in p ? [{ input: p.input, reason: p.reason }] : []));
  const replyPath = senderDomain === undefined ? undefined : summaryFor(senderDomain);
  return { partial, recipients, invalid, ...(replyPath && { replyPath }) };
}
