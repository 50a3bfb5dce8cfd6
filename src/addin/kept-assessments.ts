/**
 * The pane's backend with its assessments kept per recipient: each address the host lists is asked about once,
 * when it first appears (the pane asks as soon as the recipients change), and the answer is reused for every later
 * recipient set it is part of. A set asked while an earlier request for some of its addresses is still on its way
 * waits for that request rather than asking again; only the addresses nobody asked about yet go in a new batch.
 * What a partial answer said ("still being checked") is shown but not kept: the next ask asks again. Kept answers
 * are dropped after `maxAgeMs` (and forgotten then, so a pane left open all day keeps only recent ones), for an
 * address whose changed key the sender accepted, and all of them when the service reports another policy version
 * (the policy decides which domains are internal). A policy request made while another is on its way shares it.
 * The reply path a sender asks about is kept the same way, per sender, beside the recipients.
 */
import { mailboxKey } from '../core/addresses';
import { SingleFlight } from '../core/single-flight';
import type { PolicyAnswer } from '../core/evaluate/policy-answer';
import { KEPT_ASSESSMENT_MS } from './assessment-age';
import type { AssessAnswer, AssessedRecipient, AssessOptions, Backend } from './backend';

export { KEPT_ASSESSMENT_MS };

/** Long enough for the opening's first load to take the policy asked ahead of it, short enough to ask at each edit. */
export const KEPT_POLICY_MS = 5_000;

/** What the service answered about one entry the host lists: an assessed recipient, or why it is not an address. */
type Entry =
  | { recipient: AssessedRecipient; policyVersion: string; final: boolean; at: number }
  | { invalid: string; policyVersion: string; final: boolean; at: number };

/** How replies reach one sender, as the service answered, kept under the sender's address. */
interface ReplyEntry {
  replyPath: AssessAnswer['replyPath'];
  final: boolean;
  at: number;
}

export interface KeptAssessmentsOptions {
  maxAgeMs?: number;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
}

export function withKeptAssessments(backend: Backend, options: KeptAssessmentsOptions = {}): Backend {
  const maxAgeMs = options.maxAgeMs ?? KEPT_ASSESSMENT_MS;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const replies = new Map<string, ReplyEntry>();
  /** The request each address not yet answered is waiting on. */
  const asking = new Map<string, Promise<AssessAnswer>>();
  /** The request each sender's reply path not yet answered is waiting on. */
  const askingReply = new Map<string, Promise<AssessAnswer>>();
  let policyVersion: string | undefined;
  /** How many requests were started, and which of them the kept policy version came from. */
  let started = 0;
  let versionFrom = 0;

  const expired = (entry: { at: number }, at: number) => at - entry.at >= maxAgeMs;

  /** Keeps the answer to the `request`-th request started, unless it speaks for a policy version already replaced. */
  function keep(answer: AssessAnswer, request: number, sender: string | undefined): void {
    if (answer.policyVersion !== policyVersion) {
      // Versions are hashes, with no order: the latest request started says which one is current. An earlier one
      // answered late by a node still on the old policy (a rolling deploy) must not set it back and drop the rest.
      if (request < versionFrom) return;
      entries.clear();
      policyVersion = answer.policyVersion;
    }
    versionFrom = Math.max(versionFrom, request);
    const at = now();
    for (const [input, entry] of entries) if (expired(entry, at)) entries.delete(input);
    for (const [address, entry] of replies) if (expired(entry, at)) replies.delete(address);
    // A service older than the reply path answers without one: kept as none, not asked again at every change.
    if (sender !== undefined)
      replies.set(sender, { replyPath: answer.replyPath, final: !answer.partial, at });
    const common = { policyVersion: answer.policyVersion, final: !answer.partial, at };
    for (const recipient of answer.recipients) entries.set(recipient.input, { recipient, ...common });
    for (const { input, reason } of answer.invalid) entries.set(input, { invalid: reason, ...common });
  }

  /** What is kept under `key`, when it is final and not expired. */
  function fresh<T extends { final: boolean; at: number }>(kept: Map<string, T>, key: string): T | undefined {
    const entry = kept.get(key);
    return entry && entry.final && !expired(entry, now()) ? entry : undefined;
  }

  /**
   * One batch for `addresses` (and the reply path of `sender`, when given), which every later ask about one of
   * them waits for until it is answered.
   */
  function ask(
    addresses: string[],
    sender: string | undefined,
    mailboxAccess: boolean,
  ): Promise<AssessAnswer> {
    const number = ++started;
    const options: AssessOptions = {
      ...(sender !== undefined && { sender }),
      ...(mailboxAccess && { mailboxAccess }),
    };
    const request = backend
      .assess(addresses, options)
      .then((answer) => (keep(answer, number, sender), answer));
    for (const address of addresses) asking.set(address, request);
    if (sender !== undefined) askingReply.set(sender, request);
    const done = () => {
      for (const address of addresses) if (asking.get(address) === request) asking.delete(address);
      if (sender !== undefined && askingReply.get(sender) === request) askingReply.delete(sender);
    };
    request.then(done, done);
    return request;
  }

  /**
   * The answer for `addresses` (and `sender`'s reply path) from what is kept, or undefined while one of them has
   * none of this version.
   */
  function composed(addresses: readonly string[], sender: string | undefined): AssessAnswer | undefined {
    const answer: AssessAnswer = {
      policyVersion: policyVersion ?? '',
      partial: false,
      recipients: [],
      invalid: [],
    };
    if (sender !== undefined) {
      const reply = replies.get(sender);
      if (!reply) return undefined;
      if (!reply.final) answer.partial = true;
      if (reply.replyPath) answer.replyPath = reply.replyPath;
    }
    for (const address of addresses) {
      const entry = entries.get(address);
      if (!entry || entry.policyVersion !== policyVersion) return undefined;
      if (!entry.final) answer.partial = true;
      if ('recipient' in entry) answer.recipients.push(entry.recipient);
      else answer.invalid.push({ input: address, reason: entry.invalid });
    }
    return answer;
  }

  async function assess(
    recipients: readonly string[],
    { sender, mailboxAccess = false }: AssessOptions = {},
  ): Promise<AssessAnswer> {
    const addresses = [...new Set(recipients)];
    // Twice at most: an answer under a newer policy version drops what the first round reused.
    for (let round = 0; round < 2; round++) {
      const unasked = addresses.filter((a) => !fresh(entries, a) && !asking.has(a));
      const waits = new Set(addresses.flatMap((a) => asking.get(a) ?? []));
      const replyWait = sender === undefined ? undefined : askingReply.get(sender);
      if (replyWait) waits.add(replyWait);
      const askReply = sender !== undefined && !replyWait && !fresh(replies, sender);
      if (unasked.length > 0 || askReply)
        waits.add(ask(unasked, askReply ? sender : undefined, mailboxAccess));
      await Promise.all(waits);
      const answer = composed(addresses, sender);
      if (answer) return answer;
    }
    return ask(addresses, sender, mailboxAccess);
  }

  /**
   * After the sender accepted a changed key, whatever the service said: the key kept for it is not current, under
   * whichever spelling the host listed it (`Bob@` and `bob@` are one mailbox, as the pane's recipient list has it).
   */
  function forget(address: string): void {
    const key = mailboxKey(address) ?? address;
    for (const [input, entry] of entries)
      if ('recipient' in entry && (mailboxKey(entry.recipient.address) ?? entry.recipient.address) === key)
        entries.delete(input);
  }

  /** The policy request on its way, which a second caller meanwhile shares. */
  const policyFlight = new SingleFlight<PolicyAnswer>();
  let keptPolicy: { answer: PolicyAnswer; at: number } | undefined;

  async function policy(): Promise<PolicyAnswer> {
    const kept = keptPolicy;
    const current =
      kept &&
      now() - kept.at < KEPT_POLICY_MS &&
      (policyVersion ?? kept.answer.version) === kept.answer.version;
    if (current) return kept.answer;
    const answer = await policyFlight.run('policy', () => backend.policy());
    keptPolicy = { answer, at: now() };
    return answer;
  }

  return {
    ...backend,
    assess,
    policy,
    acceptKey(address, fingerprint) {
      const accepted = backend.acceptKey(address, fingerprint);
      const done = () => forget(address);
      accepted.then(done, done);
      return accepted;
    },
  };
}
