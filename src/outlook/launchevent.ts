/// <reference types="office-js" />
/**
 * The automatic checks (manifest `LaunchEvent`s): on send, stop a message that would leave less protected than
 * policy requires; on compose and on every recipient change, keep the info bar's one-line summary current; on a
 * new message a split opened, add the attachments and the sender's classification the pane that opened it hands over.
 *
 * Built as one self-contained ES2016 file for classic Outlook's JavaScript-only runtime: handlers are associated
 * at top level (nothing inside `Office.onReady` runs there), the backend URL is absolute, and every handler ends
 * in exactly one `event.completed`, after which no timer of ours is left running. The same source is also built
 * for the event runtime's page (web, new Outlook, Mac), where MSAL's nested app authentication is loaded; the
 * JavaScript-only build signs in with Office SSO (see webpack.part.js).
 */
import type { Backend } from '../addin/backend';
import { reportAnswer, type HostAnswer, type SendBudget } from '../addin/decision-report';
import { recordFailure } from '../addin/failure-log';
import type { MailHost } from '../addin/host';
import {
  checkMessage,
  clip,
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

/** The runtime's backend client, keeping the signed verdicts it is given for a later outage (kept-verdicts.ts). */
let keeping: Backend | undefined;

function backend(): Backend {
  if (!keeping) {
    const config = addinConfig();
    signIn ??= outlookSignIn(Office, config, nestedAppAuth);
    keeping = withOutlookKeptVerdicts(signIn.backend, config.backendUrl, verdictTrust());
  }
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
  /** What the send check's report measures its budget by; `WALL_CLOCK` by default. */
  clock?: Clock;
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

const officeDeps = (): HandlerDeps => ({
  host: () => createOfficeHost(Office),
  backend,
  deadlineMs: HANDLER_DEADLINE_MS,
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
  (budget: SendBudget): HandlerWork =>
  async (host, backend, stillWanted) => {
    const { decision, reportable } = await checkMessage(host, backend);
    const untagged =
      decision.kind === 'allow' && decision.changes
        ? await applyTag(host, decision.changes, stillWanted)
        : undefined;
    const given = untagged ?? decision;
    if (stillWanted()) await reportAnswer(backend, 'outlook', reportable, answerOf(given), budget);
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

/** On compose and on every recipient change: the info bar's one-line summary. */
const showSummary: HandlerWork = async (host, backend, stillWanted) => {
  const text = summaryText(await readAndEvaluate(host, backend));
  if (stillWanted()) await host.notify({ id: INFO_BAR_ID, kind: 'info', text });
  return undefined;
};

/**
 * On a new message: take a split's hand-off where a pane opened this message, and meanwhile show the summary; once
 * the handed classification, body and attachments are in, the summary again (planned with the sender's
 * classification; the body may raise it). A failed hand-off is recorded; the pane that opened the message tells
 * the sender what to add or set by hand.
 */
const newMessage =
  (receiver: () => ReceiverDeps): HandlerWork =>
  async (host, backend, stillWanted) => {
    const [handed, shown] = await Promise.allSettled([
      takeHandOff(host, receiver(), stillWanted),
      showSummary(host, backend, stillWanted),
    ]);
    if (handed.status === 'rejected') recordFailure('taking a split’s attachments', handed.reason);
    if (handed.status === 'fulfilled' && handed.value && stillWanted())
      return showSummary(host, backend, stillWanted);
    if (shown.status === 'rejected') throw shown.reason;
    return undefined;
  };

export const sendHandler = (deps: HandlerDeps) => (event: LaunchEvent) => {
  const clock = deps.clock ?? WALL_CLOCK;
  return completeOnce(event, deps, checkOnSend({ startedAt: clock.monotonic(), clock }), unexpected);
};

// The info bar is advice; the send check decides. On failure nothing to do but finish (the failure is recorded).
export const composeChangeHandler = (deps: HandlerDeps) => (event: LaunchEvent) =>
  completeOnce(event, deps, showSummary, () => undefined);

export const newMessageHandler = (deps: NewMessageDeps) => (event: LaunchEvent) =>
  completeOnce(event, deps, newMessage(deps.receiver), () => undefined);

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
