/// <reference types="office-js" />
/**
 * The new message's side of the hand-off (hand-off.ts), run by its new-message check (OnNewMessageCompose): ask
 * whether a pane opened this message, and if one answers, add what it hands over, save, and say what was added.
 * A message nobody opened for a split (every other new message) gets no answer and carries on after `askMs`.
 * Where the runtime has no BroadcastChannel (classic Outlook on Windows' JavaScript-only runtime) there is nothing
 * to ask on, and the pane knows not to hand anything over there.
 */
import { recordFailure } from '../addin/failure-log';
import type { MailHost } from '../addin/host';
import { messageOf } from '../core/errors';
import { HAND_OFF_CHANNEL, isGive, type Ack, type Ask, type Give, type HandedAttachment } from './hand-off';
import { officeAsync } from './office-async';

/** How long a new message waits for a pane to answer: a pane waiting for it answers at once. */
export const HAND_OFF_ASK_MS = 3000;

export interface ReceiverDeps {
  /** `undefined` where the runtime has no BroadcastChannel. */
  channel: () => BroadcastChannel | undefined;
  newId: () => string;
  askMs: number;
  /** Adds one handed attachment to this message (inline ones as pictures in its body). */
  attach: (attachment: HandedAttachment) => Promise<void>;
}

/** The receiver over Office.js, for the message the event is about. */
export function officeReceiverDeps(office: typeof Office, askMs = HAND_OFF_ASK_MS): ReceiverDeps {
  return {
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
function ask(channel: BroadcastChannel, question: Ask, askMs: number): Promise<Give | undefined> {
  return new Promise((resolve) => {
    const heard = (event: Event) => {
      const data: unknown = (event as MessageEvent).data;
      if (isGive(data) && data.ask === question.ask) done(data);
    };
    const timer = setTimeout(() => done(undefined), askMs);
    function done(give: Give | undefined) {
      clearTimeout(timer);
      channel.removeEventListener('message', heard);
      resolve(give);
    }
    channel.addEventListener('message', heard);
    channel.postMessage(question);
  });
}

/** Adds what was handed over, one at a time, until done or no longer wanted; says what is missing and why. */
async function add(host: MailHost, deps: ReceiverDeps, give: Give, stillWanted: () => boolean): Promise<Ack> {
  const missing: string[] = [];
  let why: string | undefined;
  let bodyMissing = false;
  if (give.html !== undefined) {
    try {
      await host.setBody({ format: 'html', content: give.html });
    } catch (error) {
      bodyMissing = true;
      why ??= messageOf(error);
    }
  }
  for (const attachment of give.attachments) {
    if (!stillWanted()) {
      missing.push(attachment.name);
      why ??= 'Outlook’s time for its check ran out';
      continue;
    }
    try {
      await deps.attach(attachment);
    } catch (error) {
      missing.push(attachment.name);
      why ??= messageOf(error);
    }
  }
  // What was added is in the message either way; saving makes the draft hold it should the window close.
  await host.save().catch((error: unknown) => recordFailure('saving the split’s new message', error));
  return { type: 'ack', handOff: give.handOff, missing, bodyMissing, ...(why ? { why } : {}) };
}

/** Takes a split's hand-off when a pane opened this message; true when it did (and something was handed). */
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
    const give = await ask(
      channel,
      {
        type: 'ask',
        ask: deps.newId(),
        to: addresses('to'),
        cc: addresses('cc'),
        bcc: addresses('bcc'),
        subject,
      },
      deps.askMs,
    );
    if (!give) return false;
    channel.postMessage(await add(host, deps, give, stillWanted));
    return true;
  } finally {
    channel.close();
  }
}
