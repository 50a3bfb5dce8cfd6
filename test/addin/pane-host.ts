/**
 * A compose item for pane tests: To as given, the subject "Refund", `text` as its body, headers kept in memory, and
 * nothing else (no attachments, no sender address, no notices shown).
 */
import type { MailHost } from '../../src/addin/host';

export function paneHost(to: string[], text: string): MailHost {
  const headers: Record<string, string> = {};
  return {
    getRecipients: async () => ({ to: to.map((address) => ({ address })), cc: [], bcc: [] }),
    setRecipients: async () => undefined,
    getSubject: async () => 'Refund',
    setSubject: async () => undefined,
    getBody: async () => text,
    setBody: async () => undefined,
    listAttachments: async () => [],
    getAttachmentContent: async () => new ArrayBuffer(0),
    addAttachment: async () => undefined,
    removeAttachment: async () => undefined,
    getHeader: async (name) => headers[name],
    setHeaders: async (more) => void Object.assign(headers, more),
    save: async () => undefined,
    getSenderAddress: async () => undefined,
    notify: async () => undefined,
    theme: () => 'light',
    onRecipientsChanged: () => () => undefined,
  };
}
