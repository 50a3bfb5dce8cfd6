/**
 * The pickup links' fragments: `#r1.<id>.<link secret>` for recipients, `#s1.<id>.<sender secret>` for the
 * sender. Fragments never travel in HTTP requests, so the secrets reach only whoever holds the mail.
 */
import { fromBase64Url, toBase64Url } from './bytes';
import { EscrowCryptoError } from './errors';
import { SECRET_BYTES } from './key-wrap';

export const PICKUP_PATH = '/pickup/';
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export type LinkRole = 'recipient' | 'sender';

export interface PickupLink {
  role: LinkRole;
  messageId: string;
  secret: Uint8Array;
}

const PREFIX: Record<LinkRole, string> = { recipient: 'r1', sender: 's1' };

export function pickupUrl(publicUrl: string, link: PickupLink): string {
  // Relative, so a public URL with a path (https://host/sendguard) keeps it.
  const base = new URL(PICKUP_PATH.slice(1), publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  return `${base.href}#${PREFIX[link.role]}.${link.messageId}.${toBase64Url(link.secret)}`;
}

/** Accepts the fragment with or without its `#`; anything else is one plain error. */
export function parseFragment(fragment: string): PickupLink {
  const match = /^#?(r1|s1)\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(fragment.trim());
  const secret = match?.[3] ? fromBase64Url(match[3]) : undefined;
  if (!match?.[2] || !secret || secret.length !== SECRET_BYTES)
    throw new EscrowCryptoError(
      'ESCROW_LINK_INVALID',
      'this link is incomplete; open it from the original email',
    );
  return { role: match[1] === 'r1' ? 'recipient' : 'sender', messageId: match[2], secret };
}
