/// <reference types="office-js" />
/** The compose item's To, Cc and Bcc over Office.js, as `MailHost` recipients. */
import {
  perField,
  type HostRecipient,
  type HostRecipients,
  type MailHost,
  type RecipientField,
  type RecipientKind,
} from '../addin/host';
import { RECIPIENT_FIELDS } from '../core/recipient-fields';
import { officeAsync } from './office-async';

type ComposeItem = Office.MessageCompose;

function fieldOf(item: ComposeItem, field: RecipientField): Office.Recipients {
  return field === 'to' ? item.to : field === 'cc' ? item.cc : item.bcc;
}

/**
 * Outlook's `recipientType` (Office.MailboxEnums.RecipientType, spelt out: the enum may be missing in the
 * JavaScript-only runtime) as the kind the shared code reads; a distribution list is expanded before the plan.
 */
const KINDS = new Map<unknown, RecipientKind>([
  ['distributionList', 'list'],
  ['user', 'user'],
  ['externalUser', 'external'],
  ['other', 'other'],
]);

/** Without repeating an address as its own display name, as some Outlooks give it. */
function toHostRecipient(details: Office.EmailAddressDetails): HostRecipient {
  const kind = KINDS.get(details.recipientType);
  return {
    address: details.emailAddress,
    ...(details.displayName && details.displayName !== details.emailAddress
      ? { displayName: details.displayName }
      : {}),
    ...(kind ? { kind } : {}),
  };
}

export function officeRecipients(item: ComposeItem): Pick<MailHost, 'getRecipients' | 'setRecipients'> {
  const getField = (field: RecipientField) =>
    officeAsync<Office.EmailAddressDetails[]>(`reading ${field}`, (cb) =>
      fieldOf(item, field).getAsync(cb),
    ).then((list) => list.map(toHostRecipient));
  return {
    async getRecipients(): Promise<HostRecipients> {
      const lists = await Promise.all(RECIPIENT_FIELDS.map(getField));
      return perField((field) => lists[RECIPIENT_FIELDS.indexOf(field)]!);
    },
    setRecipients: (field, recipients) =>
      officeAsync<void>(`changing ${field}`, (cb) =>
        fieldOf(item, field).setAsync(
          recipients.map((r) => ({ emailAddress: r.address, displayName: r.displayName ?? r.address })),
          cb,
        ),
      ),
  };
}
