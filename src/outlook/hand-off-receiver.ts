/// <reference types="office-js" />
/**
 * The new message's side of the hand-off (hand-off.ts), run by its new-message check (OnNewMessageCompose): where a
 * pane noted that it opened a message with these recipients and subject (hand-off-notes.ts), ask whether it is this
 * one, and if the pane answers, write the classification the sender chose, add what it hands over, save, and say
 * what was added. A message nobody opened for a split (every other new message) finds no note and carries on at
 * once; one whose pane is gone (the sender closed the message they split) gets no answer within `askMs`, but takes
 * the pane's note, writes the classification the note holds, and tells the sender what to add by hand. Where the
 * runtime keeps no notes (local storage denied), there is no knowing, and the check asks every time.
 * Where the runtime has no BroadcastChannel (classic Outlook on Windows' JavaScript-only runtime) there is nothing
 * to ask on, and the pane knows not to hand anything over there.
 */
import { recordFailure } from '../addin/failure-log';
import type { MailHost } from '../addin/host';
import { CLASSIFICATION_HEADER } from '../addin/protect/applied';
import { systemClock, type Clock } from '../core/clock';
import { listed } from '../core/english';
import { messageOf } from '../core/errors';
import {
  HAND_OFF_CHANNEL,
  isGive,
  classificationThing,
  setClassificationText,
  type Ack,
  type Ask,
  type Give,
  type HandedAttachment,
} from './hand-off';
import { timerAfter, type After } from './after';
import { localNotes, noted, takeNote, type NoteStore } from './hand-off-notes';
import { officeAsync } from './office-async';

/** How long a noted new message waits for a pane to answer: a pane waiting for it answers at once. */
const HAND_OFF_ASK_MS = 3000;

export interface ReceiverDeps {
  /** `undefined` where the runtime has no BroadcastChannel. */
  channel: () => BroadcastChannel | undefined;
  newId: () => string;
  askMs: number;
  /** Adds one handed attachment to this message (inline ones as pictures in its body). */
  attach: (attachment: HandedAttachment) => Promise<void>;
  /** Where panes note the hand-offs they wait for; none: no notes to find. */
  notes?: NoteStore;
  clock: Clock;
  /** Stops waiting for an answer after `askMs`. */
  after: After;
}

/** The info bar notice saying what did not come over from the message the sender split. */
const LEFT_BEHIND_NOTICE = 'sendguard-split-left-behind';

/** The receiver over Office.js, for the message the event is about. */
export function officeReceiverDeps(office: typeof Office, askMs = HAND_OFF_ASK_MS): ReceiverDeps {
  const notes = localNotes();
  return {
    ...(notes ? { notes } : {}),
    clock: systemClock,
    after: timerAfter,
    channel: () =>
      typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(HAND_OFF_CHANNEL),
    newId: () => crypto.randomUUID(),
    askMs,
    attach: (attachment) =>
      officeAsync<string>(`attaching ${attachment.name}`, (cb) =>
        (office.context.mailbox.item as Office.MessageCompose).addFileAttachmentFromBase64Async(
          attachment.base64,
          attachment.name,
          { isInline: attachment.inline },
          cb,
        ),
      ).then(() => undefined),
  };
}

/** Posts the question and waits for the answer to it, or `askMs`; leaves no timer or listener behind. */
function ask(
  channel: BroadcastChannel,
  question: Ask,
  { askMs, after }: ReceiverDeps,
): Promise<Give | undefined> {
  return new Promise((resolve) => {
    const heard = (event: Event) => {
      const data: unknown = (event as MessageEvent).data;
      if (isGive(data) && data.ask === question.ask) done(data);
    };
    const stopTimer = after(askMs, () => done(undefined));
    function done(give: Give | undefined) {
      stopTimer();
      channel.removeEventListener('message', heard);
      resolve(give);
    }
    channel.addEventListener('message', heard);
    channel.postMessage(question);
  });
}

/** Runs one step of taking a hand-off: why it failed, or `undefined` when it did not. */
const failureOf = (step: () => Promise<void>): Promise<string | undefined> =>
  step().then(
    () => undefined,
    (error: unknown) => messageOf(error),
  );

/**
 * Writes the sender's classification, where there is one, where the message's pane and send check read it
 * (Outlook's `internetHeaders.setAsync`); why it could not, or `undefined`.
 */
const writeClassification = async (host: MailHost, classification: string | undefined) =>
  classification === undefined
    ? undefined
    : failureOf(() => host.setHeaders({ [CLASSIFICATION_HEADER]: classification }));

/**
 * Adds what was handed over, the classification first (without it the message is planned lower than the sender
 * asked), then the body and attachments one at a time until done or no longer wanted; says what is missing and why.
 */
async function add(host: MailHost, deps: ReceiverDeps, give: Give, stillWanted: () => boolean): Promise<Ack> {
  const { html } = give;
  const unclassified = await writeClassification(host, give.classification);
  const bodyFailed =
    html !== undefined ? await failureOf(() => host.setBody({ format: 'html', content: html })) : undefined;
  const missing: string[] = [];
  let why = unclassified ?? bodyFailed;
  for (const attachment of give.attachments) {
    const failed = stillWanted()
      ? await failureOf(() => deps.attach(attachment))
      : 'Outlook’s time for its check ran out';
    if (failed === undefined) continue;
    missing.push(attachment.name);
    why ??= failed;
  }
  // What was added is in the message either way; saving makes the draft hold it should the window close.
  await host.save().catch((error: unknown) => recordFailure('saving the split’s new message', error));
  return {
    type: 'ack',
    handOff: give.handOff,
    missing,
    bodyMissing: bodyFailed !== undefined,
    classificationMissing: unclassified !== undefined,
    ...(why ? { why } : {}),
  };
}

/**
 * Where no pane answered but one noted this message: the classification the note holds written on it, and what to
 * add by hand in the message's info bar. True when the classification was written.
 */
async function takeLeftBehind(host: MailHost, deps: ReceiverDeps, asked: Ask): Promise<boolean> {
  const note = deps.notes ? takeNote(deps.notes, deps.clock, asked) : undefined;
  if (!note) return false;
  const { classification, things } = note;
  const unclassified = await writeClassification(host, classification);
  if (unclassified !== undefined) recordFailure('writing a split’s classification', unclassified);
  const unset = unclassified !== undefined ? classification : undefined;
  const todo = [
    ...(things.length > 0 ? [`add ${things.length === 1 ? 'it' : 'them'} to this message by hand`] : []),
    ...(unset !== undefined ? [setClassificationText(unset, 'this')] : []),
  ];
  if (todo.length > 0) {
    const lost = [...things, ...(unset !== undefined ? [classificationThing(unset)] : [])];
    await host.notify({
      id: LEFT_BEHIND_NOTICE,
      kind: 'error',
      text: `${listed(lost)} did not come over from the message you split, which no longer answers: ${listed(todo)} before you send it.`,
    });
  }
  return classification !== undefined && unclassified === undefined;
}

/**
 * Takes a split's hand-off when a pane opened this message, or what its note holds when that pane is gone; true
 * when the message changed (something was handed, or the note's classification written).
 */
export async function takeHandOff(
  host: MailHost,
  deps: ReceiverDeps,
  stillWanted: () => boolean,
): Promise<boolean> {
  const channel = deps.channel();
  if (!channel) return false;
  try {
    const [recipients, subject] = await Promise.all([host.getRecipients(), host.getSubject()]);
    const addresses = (field: keyof typeof recipients) => recipients[field].map((r) => r.address);
    const question: Ask = {
      type: 'ask',
      ask: deps.newId(),
      to: addresses('to'),
      cc: addresses('cc'),
      bcc: addresses('bcc'),
      subject,
    };
    // No pane is waiting for a message it did not note: nothing to ask, nor to wait for.
    if (deps.notes && !noted(deps.notes, deps.clock, question)) return false;
    const give = await ask(channel, question, deps);
    if (!give) return await takeLeftBehind(host, deps, question);
    channel.postMessage(await add(host, deps, give, stillWanted));
    return true;
  } finally {
    channel.close();
  }
}
