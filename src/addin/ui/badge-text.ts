/**
 * The badge a recipient gets, in words that tell the truth: forced TLS to a domain whose TLS nothing authenticates
 * is "encrypted only", never just "TLS"; a recipient the plan cannot serve is "blocked".
 */
import type { RecipientPlan } from '../../core/plan';

export type BadgeTone = 'success' | 'informative' | 'warning' | 'danger' | 'subtle';

export interface BadgeText {
  label: string;
  tone: BadgeTone;
}

export function badgeFor(recipient: Pick<RecipientPlan, 'protection' | 'transport' | 'key'>): BadgeText {
  switch (recipient.protection) {
    case 'internal':
      return { label: 'Internal', tone: 'subtle' };
    case 'none':
      return { label: 'No protection needed', tone: 'subtle' };
    case 'tls':
      return recipient.transport === 'authenticated'
        ? { label: 'Forced TLS · authenticated', tone: 'success' }
        : { label: 'Forced TLS · encrypted only', tone: 'warning' };
    case 'pgp':
      return { label: 'OpenPGP', tone: 'success' };
    case 'escrow':
      return { label: 'Secure pickup', tone: 'informative' };
    case 'blocked':
      return { label: 'Blocked', tone: 'danger' };
  }
}

/** The words for the primary button: what pressing it will do to the message. */
export function actionLabel(action: string, groups = 0): string | undefined {
  switch (action) {
    case 'tag':
      return 'Add the forced-TLS tag';
    case 'pgp':
      return 'Encrypt with OpenPGP';
    case 'escrow':
      return 'Send by secure pickup';
    case 'split':
      return `Split into ${groups} messages`;
    default:
      return undefined;
  }
}

/** A fingerprint in groups of four, as key tools show it. */
export function formatFingerprint(fingerprint: string): string {
  return fingerprint.replace(/(.{4})(?=.)/g, '$1 ');
}
