/// <reference types="office-js" />
/**
 * New messages for a split's other groups. Outlook opens one with `displayNewMessageFormAsync` (Mailbox 1.9) given
 * its recipients, subject and HTML; the attachments and the classification the sender chose, which that call
 * cannot take, are handed to the add-in's new-message check running in it (hand-off.ts), and the pane waits until
 * that check says it added them; where it says it could not, or says nothing in time, the message is open all the
 * same, and the opened message's `missing` tells the sender what to add to it by hand. Only where Outlook opened
 * nothing does `open` throw.
 *
 * What can be carried depends on the client: the hand-off needs Mailbox 1.8 (attachment content in and out as
 * base64, internet headers) and a new-message check running in a web page (Outlook on the web, new Outlook on Windows, Mac), with a
 * BroadcastChannel; classic Outlook on Windows runs that check in its JavaScript-only runtime, which has none.
 * No Outlook lets an add-in read or set importance or reply-to. The pane cannot reach the message it opened, so
 * it protects and sends nothing there: the message's own pane and send check do.
 */
import type {
  CarriedAttachment,
  NewMessage,
  NewMessageCarries,
  NewMessages,
  OpenedMessage,
} from '../addin/host';
import { listed, plural } from '../core/english';
import { SendguardError } from '../core/errors';
import { utf8Length } from '../core/utf8';
import { bytesToBase64 } from '../core/base64';
import { uniqueNames, type Numbered } from '../core/unique-names';
import { classificationThing, setClassificationText, type Ack, type HandedAttachment } from './hand-off';
import { handOffDesk, type HandOffDesk, type Handing } from './hand-off-desk';
import { renameContentIds } from './inline-images';
import { officeAsync } from './office-async';

/** How long the pane waits for the new message's check to say it added the attachments. */
const HAND_OFF_DEADLINE_MS = 60_000;

/** Outlook refuses a form whose HTML body is over 32 KB; past this, the body is handed over with the attachments. */
const FORM_HTML_BYTES = 32 * 1024;

const NO_IMPORTANCE_OR_REPLY_TO =
  'Outlook does not let add-ins read or set importance or reply-to addresses, so the new message has normal importance and replies go to you; set them there again if you had changed them';

/** Why this client cannot hand attachments to a new message; `undefined` where it can. */
function handOffLimit(office: typeof Office): string | undefined {
  if (!office.context.requirements.isSetSupported('Mailbox', '1.8'))
    return 'This version of Outlook cannot read attachments or set headers for an add-in (it lacks Mailbox 1.8), so a new message gets neither the attachments nor the classification you chose';
  // Compared by value: PlatformType's values are these strings.
  const platform = String(office.context.diagnostics?.platform ?? '');
  if (platform === 'PC')
    return 'Classic Outlook on Windows runs Sendguard’s check of a new message without a web page, so it cannot hand attachments, inline images or the classification you chose to it';
  if (platform !== 'OfficeOnline' && platform !== 'Mac')
    return 'Outlook on this device cannot hand attachments, inline images or the classification you chose to a new message';
  if (typeof BroadcastChannel === 'undefined')
    return 'This browser cannot pass attachments or the classification you chose from one Outlook window to another';
  return undefined;
}

/** What this client's new messages carry, worked out once; where it cannot hand things over, why. */
interface Client {
  carries: NewMessageCarries;
  handOffLimit?: string;
}

function clientOf(office: typeof Office): Client {
  const limit = handOffLimit(office);
  const handsOff = limit === undefined;
  const carries: NewMessageCarries = {
    files: handsOff,
    items: handsOff,
    inlineImages: handsOff,
    importance: false,
    replyTo: false,
    classification: handsOff,
    // Without the hand-off the body goes through the form alone, which takes no more.
    ...(handsOff ? {} : { htmlBytes: FORM_HTML_BYTES }),
    limit: handsOff ? `${NO_IMPORTANCE_OR_REPLY_TO}.` : `${limit}; and ${NO_IMPORTANCE_OR_REPLY_TO}.`,
  };
  return { carries, ...(handsOff ? {} : { handOffLimit: limit }) };
}

/**
 * Whether `carries` takes everything the message hands over: what the pane was told is carried (split/losses.ts)
 * opens, whatever the client.
 */
function carriesAll(carries: NewMessageCarries, message: NewMessage, handing: Handing): boolean {
  const carried = (a: CarriedAttachment) =>
    a.inline ? carries.inlineImages : a.kind === 'item' ? carries.items : carries.files;
  return (
    (message.attachments ?? []).every(carried) &&
    (handing.html === undefined || carries.htmlBytes === undefined) &&
    (handing.classification === undefined || carries.classification)
  );
}

/** A name Outlook can show an inline image by in `cid:<name>` without escaping. */
const cidSafe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_') || 'image';

/** Numbered within a content id's characters: `logo-2.png`. */
const hyphenated: Numbered = (stem, number, extension) => `${stem}-${number}${extension}`;

/** How the sender knows the HTML body, where it is handed over rather than opened with the message. */
const MESSAGE_TEXT = 'the message text';

interface Prepared {
  /** The HTML the form opens with: the body, its inline images referred to by the names they are added under. */
  formHtml: string;
  handing: Handing;
  /** How the sender knows each handed attachment, by the name it is handed under. */
  labels: Map<string, string>;
}

function prepare(message: NewMessage): Prepared {
  // Each inline image under a name no other one has.
  const inlineName = uniqueNames([], hyphenated);
  const renamed = new Map<string, string>();
  const labels = new Map<string, string>();
  const attachments: HandedAttachment[] = (message.attachments ?? []).map((a) => {
    const name = a.inline ? inlineName(cidSafe(a.name)) : a.name;
    if (a.inline && a.contentId) renamed.set(a.contentId, name);
    labels.set(name, a.inline ? `${a.name} (a picture in the text)` : a.name);
    return { name, base64: bytesToBase64(a.data), inline: a.inline };
  });
  const html = renameContentIds(message.html, renamed);
  const fits = utf8Length(html) <= FORM_HTML_BYTES;
  const { classification } = message;
  const handing: Handing = {
    attachments,
    ...(fits ? {} : { html }),
    ...(classification !== undefined ? { classification } : {}),
  };
  return { formHtml: fits ? html : '', handing, labels };
}

function display(office: typeof Office, message: NewMessage, html: string): Promise<void> {
  return officeAsync<void>('opening a new message', (cb) =>
    office.context.mailbox.displayNewMessageFormAsync(
      {
        toRecipients: message.to,
        ccRecipients: message.cc,
        bccRecipients: message.bcc,
        subject: message.subject,
        htmlBody: html,
      },
      cb,
    ),
  );
}

/** "a@x.example, b@y.example and c@z.example": whom the new message is to, in every field. */
const recipientsOf = (message: NewMessage) => listed([...message.to, ...message.cc, ...message.bcc]);

/** Outlook's reason as the middle of a sentence: its own closing full stop dropped, so that ours is the only one. */
function inParentheses(why: string): string {
  const trimmed = why.trimEnd();
  return ` (${trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed})`;
}

/** What the sender must do by hand when the new message did not get everything: which things, to which message. */
function notCarried(
  message: NewMessage,
  prepared: Prepared,
  ack: Ack | undefined,
  deadlineMs: number,
): string {
  const { handing } = prepared;
  const names = ack ? ack.missing : handing.attachments.map((a) => a.name);
  const files = [...new Set(names)].map((name) => prepared.labels.get(name) ?? name);
  const bodyMissing = ack ? ack.bodyMissing : handing.html !== undefined;
  const unset = ack && !ack.classificationMissing ? undefined : handing.classification;
  const things = listed([
    ...(bodyMissing ? [MESSAGE_TEXT] : []),
    ...files,
    ...(unset !== undefined ? [classificationThing(unset)] : []),
  ]);
  const why = ack
    ? `Sendguard could not add ${things} to it${ack.why ? inParentheses(ack.why) : ''}`
    : `Sendguard in that message did not take ${things} within ${plural(Math.round(deadlineMs / 1000), 'second')}`;
  const todo = [
    ...(files.length > 0 ? [`add ${listed(files)} to it by hand`] : []),
    ...(bodyMissing ? ['copy this message’s text into it'] : []),
    ...(unset !== undefined ? [setClassificationText(unset, 'that')] : []),
  ];
  return `Outlook opened the new message to ${recipientsOf(message)}, but ${why}. Before sending that message, ${listed(todo)}.`;
}

async function open(
  office: typeof Office,
  client: Client,
  desk: HandOffDesk,
  deadlineMs: number,
  message: NewMessage,
): Promise<OpenedMessage> {
  const prepared = prepare(message);
  const { handing } = prepared;
  if (
    handing.attachments.length === 0 &&
    handing.html === undefined &&
    handing.classification === undefined
  ) {
    await display(office, message, prepared.formHtml);
    return {};
  }
  // Asked for more than the pane was told is carried, it opens nothing rather than a message without it.
  if (client.handOffLimit !== undefined && !carriesAll(client.carries, message, handing)) {
    throw new SendguardError(
      'OUTLOOK_CANNOT_HAND_OFF',
      `${client.handOffLimit}: the message to ${recipientsOf(message)} was not opened.`,
    );
  }
  const things = [
    ...(handing.html !== undefined ? [MESSAGE_TEXT] : []),
    ...new Set(prepared.labels.values()),
  ];
  const { answer, cancel } = desk.expect(message, handing, things, deadlineMs);
  try {
    await display(office, message, prepared.formHtml);
  } catch (error) {
    cancel();
    throw error;
  }
  // From here the message is open with its recipients in it: what it lacks is said, not thrown, so that its group
  // counts as moved and a second split does not open another message to the same people.
  const ack = await answer;
  if (!ack || ack.missing.length > 0 || ack.bodyMissing || ack.classificationMissing)
    return { missing: notCarried(message, prepared, ack, deadlineMs) };
  return {};
}

export interface NewMessageOptions {
  desk?: HandOffDesk;
  deadlineMs?: number;
}

/** Opening a second compose form from a compose item needs Mailbox 1.9; without it, no split is offered. */
export function officeNewMessages(
  office: typeof Office,
  options: NewMessageOptions = {},
): { newMessages?: NewMessages } {
  if (!office.context.requirements?.isSetSupported('Mailbox', '1.9')) return {};
  let desk = options.desk;
  const deadlineMs = options.deadlineMs ?? HAND_OFF_DEADLINE_MS;
  const client = clientOf(office);
  return {
    newMessages: {
      carries: client.carries,
      open: (message) => open(office, client, (desk ??= handOffDesk()), deadlineMs, message),
    },
  };
}
