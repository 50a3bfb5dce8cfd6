/**
 * What Exchange does with a simulated Outlook item the sender sent: builds the MIME message from the item as it
 * stands (recipients, subject, the body in its type, the headers the add-in set, every attachment — inline ones as
 * Content-ID parts the HTML refers to) and submits it over SMTP, here to the test bed's Postfix with STARTTLS.
 */
import { createTransport } from 'nodemailer';
import type { SimState } from '../../src/outlook/tryit/simulated-office';
import { bedRelay } from '../escrow/bed-relay';
import type { Testbed } from '../helpers/testbed';

export async function submitAsExchange(bed: Testbed, from: string, item: SimState): Promise<void> {
  const { host, port, ca, servername } = bedRelay(bed);
  const transport = createTransport({ host, port, requireTLS: true, tls: { ca, servername } });
  const addresses = (field: 'to' | 'cc' | 'bcc') => item[field].map((r) => r.emailAddress);
  try {
    await transport.sendMail({
      from,
      to: addresses('to'),
      cc: addresses('cc'),
      bcc: addresses('bcc'),
      subject: item.subject,
      headers: item.headers,
      ...(item.bodyType === 'html' ? { html: item.html } : { text: item.text }),
      attachments: item.attachments.map((a) => ({
        filename: a.name,
        content: Buffer.from(a.base64, 'base64'),
        ...(a.isInline && a.contentId ? { cid: a.contentId, contentDisposition: 'inline' as const } : {}),
      })),
    });
  } finally {
    transport.close();
  }
}
