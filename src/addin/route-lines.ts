/**
 * What the pane says about the two ends of a message's route beyond the mail servers: how a recipient domain's
 * users reach their mailboxes (a line of the recipient's evidence), and how replies come back to the sender (one
 * line for the whole pane). Evidence, not a guarantee: the words say what was found, and why.
 */
import type { MailboxAccessVerdict } from '../core/vocabulary';
import type { AssessAnswer, AssessedRecipient } from './backend';

type MailboxAccess = NonNullable<NonNullable<AssessedRecipient['transport']>['mailboxAccess']>;
type ReplyPath = NonNullable<AssessAnswer['replyPath']>;

const MAILBOX_ACCESS_WORDS: Record<MailboxAccessVerdict, string> = {
  'tls-only': 'TLS required for reading mail',
  'tls-offered': 'TLS offered, but plaintext login also accepted',
  plaintext: 'some endpoints users are told to use have no TLS',
  unknown: 'not known',
};

/** "Mailboxes at example.org: TLS required for reading mail — imap.example.org:993 requires TLS." */
export function mailboxAccessLine(domain: string, access: MailboxAccess): string {
  const why = access.reasons[0];
  return `Mailboxes at ${domain}: ${MAILBOX_ACCESS_WORDS[access.verdict]}${why ? ` — ${why}` : ''}.`;
}

/** The sentence for how replies reach the sender, from their own domain's inbound transport verdict. */
export function replyPathLine({ domain, verdict, reasons }: ReplyPath): string {
  const why = reasons[0];
  switch (verdict) {
    case 'authenticated':
      return `Replies come back over authenticated TLS (${domain}'s mail servers are verified by DANE/MTA-STS).`;
    case 'encrypted':
    case 'weak':
      return `Replies come back encrypted, but ${domain}'s mail servers are not authenticated${why ? `: ${why}` : ''}.`;
    case 'partial':
    case 'none':
    case 'broken':
    case 'no-mail':
    case 'unknown':
      return `Replies may arrive unencrypted — ask the recipient to use the secure reply${why ? ` (${domain}: ${why})` : ''}.`;
  }
}
