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

/** What the reply path line may advise, besides what was found. */
export interface ReplyAdvice {
  /** The message goes to its recipients by secure pickup, whose page lets them reply securely. */
  securePickup: boolean;
}

/**
 * The one line on how replies reach the sender, from their own domain's inbound transport verdict. It says what the
 * sender's mail servers offer to sending servers, no more: whether a reply is protected depends on the recipient's
 * server too, and only a sending server that checks DANE or MTA-STS holds to them.
 */
export function replyPathLine({ domain, verdict, reasons }: ReplyPath, advice: ReplyAdvice): string {
  const why = reasons[0];
  const because = why ? ` (${why})` : '';
  switch (verdict) {
    case 'authenticated':
      return `Replies to you come over TLS that senders can verify: ${domain}'s mail servers are authenticated by DANE or MTA-STS.`;
    case 'encrypted':
    case 'weak':
      return `Replies to you come encrypted but not authenticated: a sending server cannot tell ${domain}'s mail servers from an impostor on the way${because}.`;
    case 'partial':
    case 'none':
      return `Replies may arrive unencrypted: ${why ?? `not every mail server of ${domain} offers TLS`}; ${
        advice.securePickup
          ? 'ask the recipient to reply through the secure pickup page'
          : 'ask the recipient not to put sensitive details in a plain reply'
      }.`;
    case 'broken':
      return `Replies to you may be refused or delayed by careful senders: ${domain}'s mail servers fail the DANE or MTA-STS policy the domain publishes${because}.`;
    case 'no-mail':
      return `Replies cannot reach you at ${domain}: the domain receives no mail${because}.`;
    case 'unknown':
      return `Replies to you at ${domain}: how they arrive could not be checked just now${because}.`;
  }
}
