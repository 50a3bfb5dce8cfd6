/// <reference types="office-js" />
/**
 * The automatic checks (manifest `LaunchEvent`s): on send, stop a message that would leave less protected than
 * policy requires; on compose and on every recipient change, keep the info bar's one-line summary current; on a
 * new message a split opened, add the attachments and the sender's classification the pane that opened it hands over.
 *
 * Built as one self-contained ES2016 file for classic Outlook's JavaScript-only runtime: handlers are associated
 * at top level (nothing inside `Office.onReady` runs there), the backend URL is absolute, and every handler ends
 * in exactly one `event.completed`, after which no timer of ours is left running. The checks on compose and on
 * recipient changes keep the policy and the assessment they asked for (prefetch/), in the runtime's memory and on
 * the item, so that a send to those recipients is decided from them within a second. The same source is also built
 * for the event runtime's page (web, new Outlook, Mac), where MSAL's nested app authentication is loaded; the
 * JavaScript-only build signs in with Office SSO (see webpack.part.js).
 */
import type { Backend } from '../addin/backend';
import { reportAnswer, type HostAnswer, type SendBudget } from '../addin/decision-report';
import { recordFailure } from '../addin/failure-log';
import type { MailHost } from '../addin/host';
import { keptInBoth, keptInMemory, keptInSlot, type AnswerKeeper } from '../addin/prefetch/answer-keepers';
import { answeringFrom, recordingAnswers } from '../addin/prefetch/prefetch-backends';
import { currentFor, type PrefetchedAnswers } from '../addin/prefetch/prefetched-answers';
import { allAddresses } from '../addin/read-message';
import {
  checkMessage,
  clip,
  type CheckedSend,
  readAndEvaluate,
  type SendDecision,
  type SendEvaluation,
} from '../addin/send-check';
import { recipientSummary } from '../addin/summary';
import type { Clock } from '../core/clock';
import { messageOf, SendguardError } from '../core/errors';
import { nestedAppAuth } from './auth/naa';
import { outlookSignIn, type OutlookSignIn } from './auth/outlook-sign-in';
import { addinConfig, OPEN_PANE_COMMAND, verdictTrust } from './config';
import { withOutlookKeptVerdicts } from './kept-verdicts';
import { officeReceiverDeps, takeHandOff, type ReceiverDeps } from './hand-off-receiver';
import { createOfficeHost } from './office-host';
import { officeAnswerSlot, type RuntimeStorage } from './office-answer-slots';

const INFO_BAR_ID = 'sendguard-summary';

type TagChanges = NonNullable<Extract<SendDecision, { kind: 'allow' }>['changes']>;

export interface CompletedOptions {
  allowEvent?: boolean;
  errorMessage?: string;
  errorMessageMarkdown?: string;
  cancelLabel?: string;
  commandId?: string;
  sendModeOverride?: string;
}

export interface LaunchEvent {
  completed(options?: CompletedOptions): void;
}

/** One per runtime, made on first use: the sign-in settings and tokens it holds (in memory) serve every event. */
let signIn: OutlookSignIn | undefined;

function outlook(): OutlookSignIn {
  signIn ??= outlookSignIn(Office, addinConfig(), nestedAppAuth);
  return signIn;
}

/** The runtime's backend client, keeping the signed verdicts it is given for a later outage (kept-verdicts.ts). */
let keeping: Backend | undefined;

function backend(): Backend {
  keeping ??= withOutlookKeptVerdicts(outlook().backend, addinConfig().backendUrl, verdictTrust());
  return keeping;
}

/**
 * What the sender can do when the add-in had no token or the service refused it: the handler never prompts, the
 * pane (the alert's button) offers the sign-in.
 */
const SIGN_IN =
  'Open Sendguard to sign in, then send again. If this keeps happening, ask your administrator to check Sendguard’s sign-in.';

/** Where the policy lets the sender decide (`onSend.backendUnreachable: prompt`, `onSend.allowOverride`). */
const SEND_ANYWAY = 'You may send it anyway.';

/** Value of Office.MailboxEnums.SendModeOverride.PromptUser, spelt out: the enum may be missing here. */
const PROMPT_USER = { sendModeOverride: 'promptUser' };

/** What Outlook is told for each decision. Markdown and the pane button are ignored where unsupported. */
export function completion(decision: SendDecision): CompletedOptions {
  switch (decision.kind) {
    case 'allow':
      return { allowEvent: true };
    case 'block':
      return {
        allowEvent: false,
        errorMessage: decision.prompt ? clip(decision.text, SEND_ANYWAY) : decision.text,
        errorMessageMarkdown: decision.prompt
          ? clip(decision.markdown, SEND_ANYWAY, '\n\n')
          : decision.markdown,
        cancelLabel: 'Open Sendguard',
        commandId: OPEN_PANE_COMMAND,
        ...(decision.prompt ? PROMPT_USER : {}),
      };
    case 'unanswered': {
      const advice = [decision.signIn ? SIGN_IN : '', decision.prompt ? SEND_ANYWAY : ''].filter(Boolean);
      return {
        allowEvent: false,
        errorMessage: clip(decision.text, advice.join(' ')),
        cancelLabel: 'Open Sendguard',
        commandId: OPEN_PANE_COMMAND,
        ...(decision.prompt ? PROMPT_USER : {}),
      };
    }
  }
}

/**
 * Past this, a check still waiting on Outlook or the service is given up and the message stopped: a handler that
 * never completes leaves the sender with a spinning Send. Longer than the backend client's own deadline (3.5 s
 * for each request, its token included), so the service's answer, or a time-out with its own reason, comes first.
 */
const HANDLER_DEADLINE_MS = 8000;

/** What a handler works with: injected, so that a test can give it a fake host, backend and a short deadline. */
export interface HandlerDeps {
  host: () => MailHost;
  backend: () => Backend;
  deadlineMs: number;
  /** What the send check's report measures its budget by, and prefetched answers their age; `WALL_CLOCK` by default. */
  clock?: Clock;
  /** Where the compose checks keep their answers for the send check; without it, every send asks the service. */
  answers?: () => AnswerKeeper;
}

/**
 * Classic Outlook's JavaScript-only runtime has no `performance` (core's `systemClock`), so the send budget, a few
 * seconds, is measured by the wall clock: a clock set back or forward during a send costs one report at most.
 */
const WALL_CLOCK: Clock = { now: () => Date.now(), monotonic: () => Date.now() };

/**
 * A new message's check may also take a split's attachments from the pane that opened it (hand-off-receiver.ts):
 * longer than the other checks, shorter than the pane's wait (60 s), and far inside Outlook's limit for an event
 * (about 300 s).
 */
const NEW_MESSAGE_DEADLINE_MS = 50_000;

/** What the new-message check works with besides a handler's own: how it takes a split's hand-off. */
export interface NewMessageDeps extends HandlerDeps {
  receiver: () => ReceiverDeps;
}

/** One per runtime: what the compose checks asked, for a send in the same runtime. */
const runtimeAnswers = keptInMemory();

/** `OfficeRuntime.storage`, where this runtime has it (classic Outlook's event runtime). */
const runtimeStorage = () =>
  (globalThis as { OfficeRuntime?: { storage?: RuntimeStorage } }).OfficeRuntime?.storage;

/**
 * The runtime's memory first, else what Outlook keeps (the item's session data, or the runtime's storage), which
 * outlives a runtime ended after its event.
 */
function officeAnswers(): AnswerKeeper {
  const item = Office.context.mailbox.item as Office.MessageCompose | undefined;
  const slot = officeAnswerSlot(item, runtimeStorage());
  return slot ? keptInBoth(runtimeAnswers, keptInSlot(slot)) : runtimeAnswers;
}

const officeDeps = (): HandlerDeps => ({
  host: () => createOfficeHost(Office, { lists: outlook().lists }),
  backend,
  deadlineMs: HANDLER_DEADLINE_MS,
  answers: officeAnswers,
});

const officeNewMessageDeps = (): NewMessageDeps => ({
  ...officeDeps(),
  deadlineMs: NEW_MESSAGE_DEADLINE_MS,
  receiver: () => officeReceiverDeps(Office),
});

class HandlerTimeout extends SendguardError {
  constructor(deadlineMs: number) {
    super('SEND_CHECK_TIMEOUT', `the check did not finish within ${deadlineMs} ms`);
  }
}

/** False once the handler has answered: work still running then was abandoned and must change nothing. */
type StillWanted = () => boolean;

/** A handler's own work, given its host and backend; what it returns is what Outlook is told. */
type HandlerWork = (
  host: MailHost,
  backend: Backend,
  stillWanted: StillWanted,
) => Promise<CompletedOptions | undefined>;

/**
 * Runs `work` and completes the event exactly once with what it returns — or with `onFailure` when it throws or
 * outlives the deadline — and leaves no timer of ours behind. A late result after the deadline is dropped, and
 * the work is told it was abandoned, so it writes nothing to a message Outlook has already been answered about.
 */
async function completeOnce(
  event: LaunchEvent,
  deps: HandlerDeps,
  work: HandlerWork,
  onFailure: (error: unknown) => CompletedOptions | undefined,
): Promise<void> {
  const { deadlineMs } = deps;
  let answered = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeout(deadlineMs)), deadlineMs);
  });
  let options: CompletedOptions | undefined;
  const stillWanted = () => !answered;
  const running = (async () => work(deps.host(), deps.backend(), stillWanted))();
  try {
    options = await Promise.race([running, deadline]);
  } catch (error) {
    recordFailure('the automatic check', error);
    // Work given up at the deadline may still fail later: recorded, never shown (Outlook has its answer).
    if (error instanceof HandlerTimeout)
      running.catch((late: unknown) => recordFailure('the abandoned check', late));
    options = onFailure(error);
  } finally {
    answered = true;
    clearTimeout(timer);
  }
  event.completed(options);
}

/** The refusal for a check that could not finish: the message must not leave unchecked, and the sender learns why. */
function unexpected(error: unknown): CompletedOptions {
  const why =
    error instanceof HandlerTimeout
      ? 'Sendguard took too long to check this message, so it was not sent. Try sending again.'
      : `Sendguard could not check this message (${messageOf(error)}), so it was not sent. Try sending again.`;
  return {
    allowEvent: false,
    errorMessage: clip(why),
    cancelLabel: 'Open Sendguard',
    commandId: OPEN_PANE_COMMAND,
  };
}

/**
 * Puts the forced-TLS tag on the message. The decision to let it go holds only once the tag is on: a message meant
 * for forced TLS that leaves untagged goes out however the gateway's default route sends it.
 */
async function applyTag(
  host: MailHost,
  changes: TagChanges,
  stillWanted: StillWanted,
): Promise<SendDecision | undefined> {
  try {
    if (changes.subject !== undefined && stillWanted()) await host.setSubject(changes.subject);
    if (Object.keys(changes.headers).length > 0 && stillWanted()) await host.setHeaders(changes.headers);
    return undefined;
  } catch (error) {
    recordFailure('adding the forced-TLS tag', error);
    const text = clip(
      `Sendguard could not add the forced-TLS tag to this message (${messageOf(error)}), so it was not sent: without the tag it would not go over forced TLS. Try sending again, or open Sendguard and add the tag there.`,
    );
    return { kind: 'block', text, markdown: text };
  }
}

/**
 * A send decided from prefetched answers is done within a second: the report of it gets what is left of this, and
 * is dropped (a record lost, never a send held) where a token for it cannot be had in time.
 */
const PREFETCHED_SEND_MS = 900;

/** The answers kept for exactly the message's recipients, when they are current; undefined: ask the service. */
async function prefetchedFor(
  host: MailHost,
  keeper: AnswerKeeper,
  now: number,
): Promise<PrefetchedAnswers | undefined> {
  try {
    const addresses = allAddresses(await host.getRecipients());
    const kept = await keeper.find(addresses);
    return kept && currentFor(kept, addresses, now) ? kept : undefined;
  } catch (error) {
    // The check reads the message again and says what failed, if it still does.
    recordFailure('looking for prefetched answers', error);
    return undefined;
  }
}

/**
 * The check from prefetched answers where they are current, else from the service's. Only a send they allow is
 * decided from them alone: a refusal is made again with the service's current answers, so that what the sender
 * fixed since (a changed key accepted in the pane, which no recipient change reports) never stops a message on an
 * old answer.
 */
async function checkedSend(
  host: MailHost,
  backend: Backend,
  keeper: AnswerKeeper | undefined,
  now: number,
): Promise<{ checked: CheckedSend; fromKept: boolean }> {
  const prefetched = keeper && (await prefetchedFor(host, keeper, now));
  if (prefetched) {
    const checked = await checkMessage(host, answeringFrom(prefetched, backend));
    if (checked.decision.kind === 'allow') return { checked, fromKept: true };
  }
  return { checked: await checkMessage(host, backend), fromKept: false };
}

/** What Outlook does with `decision`: a refusal that prompts lets the sender send anyway, and never says if they did. */
function answerOf(decision: SendDecision): HostAnswer {
  if (decision.kind === 'allow') return 'sent';
  return decision.prompt ? 'offered' : 'stopped';
}

/**
 * The on-send check: the decision, the tag when that is the plan, the report of what Outlook is about to do, and
 * what Outlook is told.
 */
const checkOnSend =
  (budget: SendBudget, keeper: AnswerKeeper | undefined): HandlerWork =>
  async (host, backend, stillWanted) => {
    const { checked, fromKept } = await checkedSend(host, backend, keeper, budget.clock.now());
    const { decision, reportable } = checked;
    const untagged =
      decision.kind === 'allow' && decision.changes
        ? await applyTag(host, decision.changes, stillWanted)
        : undefined;
    const given = untagged ?? decision;
    const reportBudget = fromKept ? { ...budget, totalMs: PREFETCHED_SEND_MS } : budget;
    if (stillWanted()) await reportAnswer(backend, 'outlook', reportable, answerOf(given), reportBudget);
    return completion(given);
  };

/** The info bar's line: the recipients' summary, or why there is none yet and what to do. */
function summaryText(evaluation: SendEvaluation): string {
  if (evaluation.kind === 'planned') {
    const summary = recipientSummary(evaluation.planned.plan);
    return evaluation.keptNote ? `${summary} ${evaluation.keptNote}` : summary;
  }
  const { decision } = evaluation;
  return decision.kind === 'unanswered' && decision.signIn
    ? 'Sendguard cannot check the recipients until you sign in: open Sendguard to sign in.'
    : 'Sendguard could not check the recipients yet; open Sendguard to see why.';
}

/**
 * On compose and on every recipient change: the info bar's one-line summary, and the answers it was planned from
 * kept for the send check (with `keeper`), both before the event completes, after which the runtime may end.
 */
const showSummary =
  (keeper: AnswerKeeper | undefined, clock: Clock): HandlerWork =>
  async (host, backend, stillWanted) => {
    const recording = recordingAnswers(backend, () => clock.now());
    const text = summaryText(await readAndEvaluate(host, recording.backend));
    const answers = recording.answers();
    if (!stillWanted()) return undefined;
    await Promise.all([
      host.notify({ id: INFO_BAR_ID, kind: 'info', text }),
      answers && keeper ? keeper.keep(answers) : undefined,
    ]);
    return undefined;
  };

/**
 * On a new message: take a split's hand-off where a pane opened this message, and meanwhile show the summary; once
 * the handed classification, body and attachments are in, the summary again (planned with the sender's
 * classification; the body may raise it). A failed hand-off is recorded; the pane that opened the message tells
 * the sender what to add or set by hand.
 */
const newMessage =
  (receiver: () => ReceiverDeps, summary: HandlerWork): HandlerWork =>
  async (host, backend, stillWanted) => {
    const [handed, shown] = await Promise.allSettled([
      takeHandOff(host, receiver(), stillWanted),
      summary(host, backend, stillWanted),
    ]);
    if (handed.status === 'rejected') recordFailure('taking a split’s attachments', handed.reason);
    if (handed.status === 'fulfilled' && handed.value && stillWanted())
      return summary(host, backend, stillWanted);
    if (shown.status === 'rejected') throw shown.reason;
    return undefined;
  };

export const sendHandler = (deps: HandlerDeps) => (event: LaunchEvent) => {
  const clock = deps.clock ?? WALL_CLOCK;
  const work = checkOnSend({ startedAt: clock.monotonic(), clock }, deps.answers?.());
  return completeOnce(event, deps, work, unexpected);
};

/** The compose checks' summary, keeping its answers where `deps` says. */
const summaryOf = (deps: HandlerDeps) => showSummary(deps.answers?.(), deps.clock ?? WALL_CLOCK);

// The info bar is advice; the send check decides. On failure nothing to do but finish (the failure is recorded).
export const composeChangeHandler = (deps: HandlerDeps) => (event: LaunchEvent) =>
  completeOnce(event, deps, summaryOf(deps), () => undefined);

export const newMessageHandler = (deps: NewMessageDeps) => (event: LaunchEvent) =>
  completeOnce(event, deps, newMessage(deps.receiver, summaryOf(deps)), () => undefined);

export const onMessageSendHandler = (event: LaunchEvent) => sendHandler(officeDeps())(event);
export const onComposeChangeHandler = (event: LaunchEvent) => composeChangeHandler(officeDeps())(event);
export const onNewMessageComposeHandler = (event: LaunchEvent) =>
  newMessageHandler(officeNewMessageDeps())(event);

// Top level, not in Office.onReady: the JavaScript-only runtime never calls onReady.
if (typeof Office !== 'undefined' && Office.actions) {
  Office.actions.associate('onMessageSendHandler', onMessageSendHandler);
  Office.actions.associate('onNewMessageComposeHandler', onNewMessageComposeHandler);
  Office.actions.associate('onMessageRecipientsChangedHandler', onComposeChangeHandler);
}
