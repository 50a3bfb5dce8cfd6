/**
 * The pane's data, without React: read the compose item, ask the backend, and plan. `loadMessage` does the I/O
 * and the body scan once per change of recipients or body; `planWith` re-plans from what was loaded whenever the
 * sender picks another classification, without asking the backend or reading the body again.
 */
import { AddressError, parseAddress } from '../core/addresses';
import { scan, type ScanResult } from '../core/detectors';
import type { Policy } from '../core/policy/schema';
import { planFor, type PlannedMessage } from './assessment';
import { serviceDown, type AssessAnswer, type AssessOptions, type Backend } from './backend';
import { answerFromKept, keptNote, type OutageFallback } from './outage/from-kept';
import type { MailHost } from './host';
import { allAddresses, readMessage, type ComposeState } from './read-message';

export interface LoadedMessage extends ComposeState {
  policy: Policy;
  policyVersion: string;
  answer: AssessAnswer;
  /** The detectors' result for `text`. */
  scanned: ScanResult;
  /** Answered from verdicts kept while the service could not be reached (outage/): how old they are, in words. */
  keptNote?: string;
}

export interface PaneDeps {
  host: MailHost;
  backend: Backend;
}

/**
 * What the pane asks beside the recipients: their mailbox access, which its rows show, and the sender's own address
 * for the reply path, in normal form (an internationalised domain as its A-label, as the service answers). No
 * address where the host cannot say or gives none that parses, which costs the pane that one line and nothing else.
 */
function paneAsks(host: MailHost): Promise<AssessOptions> {
  const asks = { mailboxAccess: true };
  return host.getSenderAddress().then(
    (sender) => {
      const normal = sender ? normalAddress(sender) : undefined;
      return normal ? { sender: normal, ...asks } : asks;
    },
    () => asks,
  );
}

function normalAddress(address: string): string | undefined {
  try {
    return parseAddress(address).address;
  } catch (error) {
    if (error instanceof AddressError) return undefined;
    throw error;
  }
}

/**
 * Reads the compose item and asks the backend about its recipients, with `asks` beside them: by default what the
 * pane asks (`paneAsks`), which makes the service wait on mailbox checks; a caller that shows neither mailbox
 * access nor the reply path (sending a split's messages) passes `{}` and asks only what the send check asks.
 */
export async function loadMessage(
  { host, backend }: PaneDeps,
  asks: AssessOptions | Promise<AssessOptions> = paneAsks(host),
): Promise<LoadedMessage> {
  const [state, asked] = await Promise.all([readMessage(host), asks]);
  const policyAsked = backend.policy();
  const answerAsked = backend.assess(allAddresses(state.recipients), asked);
  try {
    const [{ policy, version }, answer] = await Promise.all([policyAsked, answerAsked]);
    return { ...state, policy, policyVersion: version, answer, scanned: scan(state.text) };
  } catch (error) {
    if (!backend.outage || !serviceDown(error)) throw error;
    return fromKept(state, backend.outage, error);
  }
}

/**
 * While the service cannot be reached: the message as the verdicts kept for it answer it, said to be so, the same
 * answer the send check would decide from; else the service's failure, as before.
 */
async function fromKept(
  state: ComposeState,
  fallback: OutageFallback,
  failure: unknown,
): Promise<LoadedMessage> {
  const kept = await answerFromKept(state.recipients, fallback);
  if (kept.kind === 'uncovered') throw failure;
  const { policy, answer, issuedAt } = kept;
  return {
    ...state,
    policy,
    policyVersion: answer.policyVersion,
    answer,
    scanned: scan(state.text),
    keptNote: keptNote(issuedAt, (fallback.now ?? Date.now)()),
  };
}

/**
 * Starts what `loadMessage` will ask the backend, as soon as the pane has its host and before it renders: a backend
 * that shares requests on their way (kept-assessments.ts) then answers the pane's first load from these. Failures
 * are the load's to report, when it meets them.
 */
export function prefetch({ host, backend }: PaneDeps): void {
  const ignore = () => undefined;
  backend.policy().catch(ignore);
  Promise.all([host.getRecipients(), paneAsks(host)])
    .then(([recipients, asked]) => backend.assess(allAddresses(recipients), asked))
    .catch(ignore);
}

/**
 * The plan for the loaded message under the sender's choice (or, without one, what was chosen before): the same
 * evaluation the send check makes, so that what the pane shows is what the send check will decide. Whether the
 * sender has set a passcode changes only the proofs secure-pickup recipients give.
 */
export function planWith(
  loaded: LoadedMessage,
  chosen: string | undefined,
  passcodeSet = false,
): PlannedMessage {
  return planFor({
    state: loaded,
    answer: loaded.answer,
    policy: loaded.policy,
    scanned: loaded.scanned,
    passcodeSet,
    ...(chosen !== undefined ? { chosen } : {}),
  });
}
