/**
 * A reply's tag (docs/escrow-protocol.md, "Replies"): an HMAC under a key derived from the message's content key
 * `K`, over the replier's address and the reply's ephemeral public key. Only a holder of `K` (a proven recipient,
 * or the sender through their link) can make one, so a reply the server makes up does not verify, and the
 * sender's page shows it as such instead of opening it.
 */
import { concatBytes, equalBytes, utf8 } from './bytes';
import { hkdf, subtle, view } from './subtle';

const REPLY_AUTH_INFO = 'sendguard-escrow/v1/reply-auth';
const REPLY_TAG_PREFIX = 'sendguard-escrow/v1/reply-tag:';

export interface ReplyTagInput {
  contentKey: Uint8Array;
  messageId: string;
  /** The replier's address as the server names it (`OpenResponse.address`, `SenderView.replies[].from`). */
  from: string;
  /** The reply's 65-byte uncompressed P-256 point. */
  ephemeralPublicKey: Uint8Array;
}

export async function replyTag(input: ReplyTagInput): Promise<Uint8Array> {
  const raw = await hkdf(input.contentKey, utf8(input.messageId), REPLY_AUTH_INFO);
  const key = await subtle().importKey('raw', view(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  // The 0x00 ends the address: no address contains it, so address and key cannot be re-split.
  const data = concatBytes(
    utf8(REPLY_TAG_PREFIX),
    utf8(input.from),
    new Uint8Array([0]),
    input.ephemeralPublicKey,
  );
  return new Uint8Array(await subtle().sign('HMAC', key, data));
}

export async function replyTagValid(input: ReplyTagInput, tag: Uint8Array): Promise<boolean> {
  return equalBytes(await replyTag(input), tag);
}
