/**
 * How a recipient's sign-in pop-up ends (docs/escrow-protocol.md, "Recipient sign-in"): the service redirects it
 * to the portal's page with one of these query parameters, and that page tells the page that opened it on a
 * BroadcastChannel. Shared by the service, which names the outcome, and the portal, which explains it.
 */

/** `?signed-in=<message id>`: a session for that message has started (its cookie is set). */
export const SIGNED_IN_PARAM = 'signed-in';
/** `?sign-in-failed=<SignInFailure>&message=<message id>`; the message is left out when not known. */
export const SIGN_IN_FAILED_PARAM = 'sign-in-failed';
export const SIGN_IN_MESSAGE_PARAM = 'message';
/** The BroadcastChannel the pop-up's page posts its `SignInOutcome` on. */
export const SIGN_IN_CHANNEL = 'sendguard-pickup-sign-in';

export const SIGN_IN_FAILURES = [
  /** No sign-in under way in this browser: it took too long, or was started in another window. */
  'expired',
  /** The recipient cancelled at the provider, or the provider refused to sign them in. */
  'cancelled',
  /** The provider could not be reached, or its answer could not be verified. */
  'provider-error',
  /** The account's email is not one the provider vouches for, or not an address of this message. */
  'not-a-recipient',
  /** The message was revoked, has expired or does not exist. */
  'gone',
  /** Too many tries from this network. */
  'too-many',
  /** This provider is not offered for this message. */
  'not-offered',
] as const;

export type SignInFailure = (typeof SIGN_IN_FAILURES)[number];

/**
 * What the landing page posts. A failure names the message it is about, except where the service could not know
 * it: a callback without its sign-in transaction, which is always `expired`.
 */
export type SignInOutcome = { signedIn: string } | { failed: SignInFailure; messageId?: string };

const isFailure = (value: unknown): value is SignInFailure =>
  (SIGN_IN_FAILURES as readonly unknown[]).includes(value);

/** The outcome a landing page's query names, or undefined when it names none (a pickup link). */
export function readSignInOutcome(search: string): SignInOutcome | undefined {
  const query = new URLSearchParams(search);
  const signedIn = query.get(SIGNED_IN_PARAM);
  if (signedIn) return { signedIn };
  const failed = query.get(SIGN_IN_FAILED_PARAM);
  if (failed === null) return undefined;
  const messageId = query.get(SIGN_IN_MESSAGE_PARAM);
  return { failed: isFailure(failed) ? failed : 'provider-error', ...(messageId ? { messageId } : {}) };
}

/**
 * A posted outcome, when it is one and about the message `messageId` (any portal page can post on the channel,
 * another message's among them); undefined for anything else, which the page ignores.
 */
export function outcomeFor(data: unknown, messageId: string): SignInOutcome | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { signedIn, failed, messageId: about } = data as Record<string, unknown>;
  if (signedIn !== undefined) return signedIn === messageId ? { signedIn } : undefined;
  if (!isFailure(failed)) return undefined;
  if (about === messageId) return { failed, messageId };
  return about === undefined && failed === 'expired' ? { failed } : undefined;
}
