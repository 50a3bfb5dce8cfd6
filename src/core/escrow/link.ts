/**
 * The pickup links' fragments: `#r1.<id>.<link secret>` for recipients, `#s1.<id>.<sender secret>` for the
 * sender. Fragments never travel in HTTP requests, so the secrets reach only whoever holds the mail.
 */
import { BASE64URL_32_BYTES, fromBase64Url, toBase64Url } from './bytes';
import { EscrowCryptoError } from './errors';

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
  const [prefix = '', messageId = '', secret = '', ...rest] = fragment.trim().replace(/^#/, '').split('.');
  const role = (Object.keys(PREFIX) as LinkRole[]).find((r) => PREFIX[r] === prefix);
  // 43 base64url characters decode to 32 bytes, the size of every secret (SECRET_BYTES).
  if (!role || rest.length > 0 || !MESSAGE_ID_PATTERN.test(messageId) || !BASE64URL_32_BYTES.test(secret))
    throw new EscrowCryptoError(
      'ESCROW_LINK_INVALID',
      'this link is incomplete; open it from the original email',
    );
  return { role, messageId, secret: fromBase64Url(secret) };
}
