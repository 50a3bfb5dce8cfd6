/**
 * The badge a recipient gets, in words that tell the truth: forced TLS to a domain whose TLS nothing authenticates
 * is "encrypted only", never just "TLS"; a recipient the plan cannot serve is "blocked".
 */
import type { RecipientPlan } from '../../core/plan';
import { protectionTitle, type Protection } from '../../core/vocabulary';

export type BadgeTone = 'success' | 'informative' | 'warning' | 'danger' | 'subtle';

export interface BadgeText {
  label: string;
  tone: BadgeTone;
}

const TONE: Record<Protection, BadgeTone> = {
  internal: 'subtle',
  none: 'subtle',
  tls: 'success',
  pgp: 'success',
  escrow: 'informative',
  blocked: 'danger',
};

export function badgeFor(recipient: Pick<RecipientPlan, 'protection' | 'transport'>): BadgeText {
  const label = protectionTitle(recipient.protection);
  if (recipient.protection !== 'tls') return { label, tone: TONE[recipient.protection] };
  return recipient.transport === 'authenticated'
    ? { label: `${label} · authenticated`, tone: TONE.tls }
    : { label: `${label} · encrypted only`, tone: 'warning' };
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
