/**
 * For the split tests: a compose item in memory behind the real `MailHost` interface (its new messages are
 * compose items of the same kind), a backend that answers for whichever recipients a message has, and the policy
 * and recipients that need two protections (docs/policy.md step 4; the plan tests' split policy).
 */
import { randomBytes } from 'node:crypto';
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import type {
  HostAttachment,
  HostRecipients,
  Importance,
  MailHost,
  NewMessage,
  NewMessageCarries,
  OpenedMessage,
} from '../../src/addin/host';
import { MessageGoneError } from '../../src/addin/message-gone';
import { CLASSIFICATION_HEADER } from '../../src/addin/protect/applied';
import type { Policy, PolicyInput } from '../../src/core/policy/schema';
import { openpgp } from '../../src/server/keys/openpgp';
import { assessedRecipient } from '../helpers/assess-answer';
import { EVERYTHING } from '../helpers/carries';
import { splitPolicy as sharedSplitPolicy } from '../helpers/plan-fixtures';

export interface StoredAttachment extends HostAttachment {
  data: Uint8Array;
}

/** A compose item: what the host holds, as plain data the tests read. */
export interface Item {
  recipients: HostRecipients;
  subject: string;
  html: string;
  text: string;
  attachments: StoredAttachment[];
  headers: Record<string, string>;
  importance: Importance;
  replyTo: string[];
}

export { EVERYTHING } from '../helpers/carries';

export interface FakeOptions {
  /** What new messages carry; no new messages at all when null. */
  carries?: NewMessageCarries | null;
  /** Whether the add-in can send the item and the messages it opens. */
  canSend?: boolean;
  /** Fails opening the new message for this address. */
  failOpenFor?: string;
  /** Opens the new message for this address without everything, as Outlook's unacknowledged hand-off does. */
  missingFor?: string;
  /** Fails sending the message to this address. */
  failSendFor?: string;
  /** Sending the message to this address finds its window gone (the sender closed or sent it). */
  goneFor?: string;
  /** The sensitivity label the host reports. */
  label?: string;
}

/** What the fake's half-opened message says it lacks. */
export const MISSING = 'Add contract.pdf to the message for bob@notls.example by hand: it did not come over.';

/** What happened, in order, across the item and every message opened from it. */
export type Log = string[];

export interface FakeHost {
  host: MailHost;
  item: Item;
  /** The new messages opened, as the host was asked to open them, and their items. */
  opened: { asked: NewMessage; item: Item }[];
  log: Log;
}

const buffer = (data: Uint8Array): ArrayBuffer => data.slice().buffer;

/** The item's first recipient: how the log names a message. */
const nameOf = (item: Item) => item.recipients.to[0]?.address ?? item.recipients.cc[0]?.address ?? '?';

export function fakeHost(item: Item, options: FakeOptions = {}, log: Log = []): FakeHost {
  const opened: FakeHost['opened'] = [];
  let nextId = item.attachments.length;
  const open = async (asked: NewMessage): Promise<OpenedMessage> => {
    if (options.failOpenFor && [...asked.to, ...asked.cc, ...asked.bcc].includes(options.failOpenFor))
      throw new Error('The compose window did not open.');
    const child: Item = {
      recipients: {
        to: asked.to.map((address) => ({ address })),
        cc: asked.cc.map((address) => ({ address })),
        bcc: asked.bcc.map((address) => ({ address })),
      },
      subject: asked.subject,
      html: asked.html,
      text: item.text,
      attachments: (asked.attachments ?? []).map((a, i) => ({
        id: `new-${i}`,
        name: a.name,
        contentType: a.contentType,
        size: a.data.byteLength,
        inline: a.inline,
        ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
        kind: a.kind,
        data: new Uint8Array(a.data.slice(0)),
      })),
      // As a host writes it at open: the new message's pane and send check plan with the sender's choice.
      headers: asked.classification !== undefined ? { [CLASSIFICATION_HEADER]: asked.classification } : {},
      importance: asked.importance ?? 'normal',
      replyTo: asked.replyTo ?? [],
    };
    opened.push({ asked, item: child });
    log.push(`opened ${nameOf(child)}`);
    // The label is the original's: a new message has none unless the host carries it.
    const { label: _label, ...inherited } = options;
    const made = fakeHost(child, { ...inherited, carries: null }, log);
    const missing = options.missingFor && asked.to.includes(options.missingFor) ? { missing: MISSING } : {};
    return options.canSend ? { host: made.host, send: made.host.send!, ...missing } : missing;
  };
  const host: MailHost = {
    getRecipients: async () => structuredClone(item.recipients),
    setRecipients: async (field, recipients) => void (item.recipients[field] = [...recipients]),
    getSubject: async () => item.subject,
    setSubject: async (subject) => void (item.subject = subject),
    getBody: async (format) => (format === 'html' ? item.html : item.text),
    setBody: async ({ format, content }) => {
      item.text = content;
      item.html = format === 'html' ? content : '';
    },
    listAttachments: async () => item.attachments.map(({ data: _data, ...meta }) => meta),
    getAttachmentContent: async (id) => buffer(item.attachments.find((a) => a.id === id)!.data),
    addAttachment: async ({ name, contentType, data }) =>
      void item.attachments.push({
        id: `added-${nextId++}`,
        name,
        contentType,
        size: data.byteLength,
        inline: false,
        kind: 'file',
        data: new Uint8Array(data),
      }),
    removeAttachment: async (id) => void (item.attachments = item.attachments.filter((a) => a.id !== id)),
    getHeader: async (name) => item.headers[name],
    setHeaders: async (headers) => void Object.assign(item.headers, headers),
    save: async () => undefined,
    getImportance: async () => item.importance,
    getReplyTo: async () => [...item.replyTo],
    ...(options.carries === null ? {} : { newMessages: { carries: options.carries ?? EVERYTHING, open } }),
    ...(options.canSend
      ? {
          send: async () => {
            if (options.failSendFor === nameOf(item)) throw new Error('the server refused the message');
            if (options.goneFor === nameOf(item))
              throw new MessageGoneError('Thunderbird has no such message window any more.');
            log.push(`sent ${nameOf(item)}: ${item.subject}`);
          },
        }
      : {}),
    ...(options.label !== undefined ? { getSensitivityLabel: async () => options.label } : {}),
    getSenderAddress: async () => undefined,
    notify: async () => undefined,
    theme: () => 'light',
    onRecipientsChanged: () => () => undefined,
  };
  return { host, item, opened, log };
}

/**
 * Forced TLS serves A and everyone at tls.example (TLS nothing authenticates, no key); only OpenPGP serves B and C
 * (no TLS, a key).
 */
export const A = 'ann@tls.example';
export const B = 'bob@notls.example';
export const C = 'cy@notls.example';
/** Secure pickup by sign-in only serves D (no TLS, no key, a sign-in provider). */
export const D = 'di@pickup.example';

/** The split policy of the plan tests, with messages confidential (forced TLS or OpenPGP for everyone) by default. */
export const splitPolicy = (changes: Partial<PolicyInput> = {}): Policy =>
  sharedSplitPolicy({ defaultClassification: 'confidential', ...changes });

/** The same with secure pickup for recipients who sign in: A, B and D need three protections. */
export function threeWayPolicy(): Policy {
  return splitPolicy({
    escrow: { enabled: true, proofs: { confidential: ['sign-in'], normal: ['sign-in'] } },
    classifications: [
      { name: 'normal', requirement: 'none', prefer: ['tls', 'pgp', 'escrow'] },
      { name: 'confidential', requirement: 'transport', prefer: ['tls', 'pgp', 'escrow'] },
      { name: 'restricted', requirement: 'end-to-end', prefer: ['pgp', 'escrow'] },
    ],
  });
}

/** Real OpenPGP keys (X25519) for B and C: the public ones the backend serves, the private ones to decrypt with. */
export async function recipientKeys() {
  const publicKeys: Record<string, string> = {};
  const privateKeys: Record<string, string> = {};
  for (const email of [B, C]) {
    const made = await openpgp.generateKey({ userIDs: [{ email }], type: 'curve25519', format: 'armored' });
    publicKeys[email] = made.publicKey;
    privateKeys[email] = made.privateKey;
  }
  return { publicKeys, privateKeys };
}

function assessed(address: string, keys: Record<string, string>): AssessAnswer['recipients'][number] {
  if (address.endsWith('@tls.example')) return assessedRecipient(address, 'encrypted');
  if (address === D)
    return { ...assessedRecipient(D, 'none'), signIn: { provider: 'google', label: 'Google' } };
  const base = assessedRecipient(address, 'none');
  if (address !== B && address !== C) return base;
  const armoredKey = keys[address];
  return {
    ...base,
    key: {
      address,
      verdict: 'valid',
      source: 'org',
      fingerprint: 'A'.repeat(40),
      reasons: [],
      ...(armoredKey ? { armoredKey } : {}),
    },
  };
}

/** Answers for exactly the recipients asked about, as the service does. */
export function splitBackend(policy: Policy, keys: Record<string, string> = {}): Backend {
  return {
    policy: async () => ({ version: 'v', policy }),
    assess: async (addresses) => ({
      policyVersion: 'v',
      partial: false,
      recipients: addresses.map((address) => assessed(address, keys)),
      invalid: [],
    }),
    acceptKey: () => Promise.reject(new Error('no key to accept here')),
  };
}

/** The message: two files (one an attached message), an inline image the HTML shows, high importance, a reply-to. */
export function wholeMessage(
  recipients: Partial<HostRecipients>,
  sizes = { pdf: 300_000, image: 20_000 },
): Item {
  return {
    recipients: { to: [], cc: [], bcc: [], ...recipients },
    subject: 'Contract for March',
    html: '<p>Dear all,</p><p>the contract is attached.</p><p><img src="cid:logo@example.gov" alt="logo"></p>',
    text: 'Dear all,\n\nthe contract is attached.',
    attachments: [
      attachment('contract.pdf', 'application/pdf', sizes.pdf, { id: 'att-0' }),
      attachment('minutes.eml', 'message/rfc822', 4_000, { id: 'att-1', kind: 'item' }),
      attachment('logo.png', 'image/png', sizes.image, {
        id: 'att-2',
        inline: true,
        contentId: 'logo@example.gov',
      }),
    ],
    headers: {},
    importance: 'high',
    replyTo: ['desk@example.gov'],
  };
}

function attachment(
  name: string,
  contentType: string,
  size: number,
  meta: Partial<HostAttachment> & { id: string },
): StoredAttachment {
  return {
    name,
    contentType,
    size,
    inline: false,
    kind: 'file',
    ...meta,
    data: new Uint8Array(randomBytes(size)),
  };
}
