/**
 * Which list brought a planned recipient into the message, for the lines that name them: a member the sender never
 * typed is named with the list they addressed ("bob@partner.example (via team@example.org)").
 */
import { canonicalMailboxKey } from '../../core/mailbox-key';
import { RECIPIENT_FIELDS } from '../../core/recipient-fields';
import type { HostRecipients } from '../host';

const keyOf = (address: string) => canonicalMailboxKey(address) ?? address.trim().toLowerCase();

/** `address` followed by the list it came through, when it came through one. */
export function namedWithList(recipients: HostRecipients): (address: string) => string {
  const via = new Map<string, string>();
  for (const r of RECIPIENT_FIELDS.flatMap((f) => recipients[f])) if (r.via) via.set(keyOf(r.address), r.via);
  return (address) => {
    const list = via.get(keyOf(address));
    return list ? `${address} (via ${list})` : address;
  };
}
