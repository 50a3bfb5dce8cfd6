/**
 * Reading and amending `ComposeDetails`, the one shape both the popup (live, through get/setComposeDetails) and
 * the background (the snapshot `onBeforeSend` hands over) see the message in. Pure functions: the two sides
 * read recipients, bodies and headers the same way because they call the same code.
 */
import { readRecipients } from '../core/addresses';
import { escapeMarkup, textOfHtml } from '../core/markup';
import { perField, type HostRecipient, type HostRecipients, type Importance } from '../addin/host';
import type {
  ComposeDetails,
  ComposePriority,
  ComposeRecipient,
  ComposeRecipientList,
  CustomHeader,
} from './messenger';

function entries(list: ComposeRecipientList | undefined): string[] {
  const all = list === undefined ? [] : Array.isArray(list) ? list : [list];
  // Thunderbird hands out strings; an address-book node can only come from another add-on's setComposeDetails.
  // Kept as its id, it reaches the backend as an invalid recipient and the send check refuses the message.
  return all.map((entry: ComposeRecipient) => (typeof entry === 'string' ? entry : entry.nodeId));
}

/**
 * One field's recipients. An entry that is not an address (a mailing list Thunderbird did not expand, a typo) is
 * passed on as typed, so the backend reports it invalid and the send check names it, rather than dropping it.
 */
function fieldRecipients(list: ComposeRecipientList | undefined): HostRecipient[] {
  return entries(list).flatMap((entry): HostRecipient[] => {
    if (entry.trim() === '') return [];
    const { recipients, invalid } = readRecipients({ to: [entry] });
    if (invalid.length > 0) return [{ address: entry.trim() }];
    return recipients.map((r) => ({
      address: r.address,
      ...(r.displayName ? { displayName: r.displayName } : {}),
    }));
  });
}

export function recipientsOf(details: ComposeDetails): HostRecipients {
  return perField((field) => fieldRecipients(details[field]));
}

/** The addresses in an address field that holds no recipients, such as reply-to. */
export function addressesOf(list: ComposeRecipientList | undefined): string[] {
  return fieldRecipients(list).map((r) => r.address);
}

/** Thunderbird's five priorities in the three importances mail clients agree on (RFC 4021's `Importance`). */
const IMPORTANCE: Record<ComposePriority, Importance> = {
  lowest: 'low',
  low: 'low',
  normal: 'normal',
  high: 'high',
  highest: 'high',
};

/** Thunderbird reports `normal` when the sender chose none. */
export function importanceOf(details: ComposeDetails): Importance {
  return IMPORTANCE[details.priority ?? 'normal'];
}

/**
 * The Thunderbird priority for an importance: `like`'s own priority where it reads as that importance (a message
 * made from one set to Highest stays Highest), else the priority of the same name.
 */
export function priorityOf(importance: Importance, like: ComposeDetails = {}): ComposePriority {
  return importanceOf(like) === importance ? (like.priority ?? 'normal') : importance;
}

/** A field's new value for setComposeDetails, in Thunderbird's mailbox format. */
export function recipientList(recipients: HostRecipient[]): string[] {
  return recipients.map((r) =>
    r.displayName ? `"${r.displayName.replace(/["\\]/g, '\\$&')}" <${r.address}>` : r.address,
  );
}

export function senderOf(details: ComposeDetails): string | undefined {
  const from = typeof details.from === 'string' ? details.from : undefined;
  return from ? fieldRecipients(from)[0]?.address : undefined;
}

/** Plain text as an HTML body, its lines and spacing kept. */
function preformatted(text: string): string {
  return `<pre>${escapeMarkup(text)}</pre>`;
}

export function bodyOf(details: ComposeDetails, format: 'html' | 'text'): string {
  const text = details.plainTextBody ?? '';
  if (format === 'text') return text;
  return details.isPlainText ? preformatted(text) : (details.body ?? '');
}

/**
 * The details that replace the body, in the composer's own format: Thunderbird cannot switch a composer between
 * HTML and plain text (setComposeDetails ignores `isPlainText` and silently drops the body of the other format),
 * so a plain-text body goes into an HTML composer as one preformatted block, which keeps its lines as they are
 * (an armored OpenPGP message stays decryptable), and an HTML body into a plain-text composer as its text.
 */
export function bodyChange(
  body: { format: 'html' | 'text'; content: string },
  plainComposer: boolean,
): ComposeDetails {
  if (plainComposer)
    return { plainTextBody: body.format === 'text' ? body.content : textOfHtml(body.content) };
  return { body: body.format === 'text' ? preformatted(body.content) : body.content };
}

export function headerOf(details: ComposeDetails, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const value = details.customHeaders?.find((h) => h.name.toLowerCase() === wanted)?.value;
  return value === '' ? undefined : value;
}

/**
 * The whole custom-header list with `headers` set: Thunderbird replaces the list as a whole, so the headers
 * already on the message are carried over.
 */
export function withHeaders(details: ComposeDetails, headers: Record<string, string>): CustomHeader[] {
  const changed = new Set(Object.keys(headers).map((n) => n.toLowerCase()));
  return [
    ...(details.customHeaders ?? []).filter((h) => !changed.has(h.name.toLowerCase())),
    ...Object.entries(headers).map(([name, value]) => ({ name, value })),
  ];
}

/**
 * Thunderbird only sets headers named `X-…` (not `X-Mozilla-…`) or `List-…`, and throws inside its send path on
 * any other, which leaves the compose window locked. The send check asks first and refuses instead.
 */
export function settableHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (lower.startsWith('x-') && !lower.startsWith('x-mozilla-')) || lower.startsWith('list-');
}
