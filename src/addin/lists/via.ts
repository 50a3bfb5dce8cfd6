/**
 * Which list brought a planned recipient into the message, for the pane's rows and the lines that name them: a
 * member the sender never typed is named with the list they addressed ("bob@partner.example (via team@example.org)").
 */
import { hostAddressKey } from '../../core/mailbox-key';
import { RECIPIENT_FIELDS } from '../../core/recipient-fields';
import type { HostRecipients } from '../host';

/** The list each address came through, where it came through one. */
export function listOf(recipients: HostRecipients): (address: string) => string | undefined {
  const via = new Map<string, string>();
  for (const r of RECIPIENT_FIELDS.flatMap((f) => recipients[f]))
    if (r.via) via.set(hostAddressKey(r.address), r.via);
  return (address) => via.get(hostAddressKey(address));
}

/** `address` followed by the list it came through, when it came through one. */
export function namedWithList(recipients: HostRecipients): (address: string) => string {
  const list = listOf(recipients);
  return (address) => {
    const via = list(address);
    return via ? `${address} (via ${via})` : address;
  };
}
