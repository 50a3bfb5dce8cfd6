/** A stored escrow message for the store tests: every field filled as a finalized message's would be. */
import type { MessageRecord } from '../../src/server/escrow/store';

export const bytes = (n: number) => new Uint8Array(n).fill(7);

/** A finalized message due at t = 10. */
export function message(id: string): MessageRecord {
  return {
    id,
    owner: 'o',
    senderName: '',
    senderAddress: 'a@x.test',
    createdAt: 0,
    expiresAt: 10,
    state: 'ready',
    sealedServerSecret: bytes(60),
    wrappedKey: bytes(60),
    passcodeWrappedKey: null,
    senderWrappedKey: bytes(60),
    blobCount: 1,
    blobSizes: [40],
    passcodeSalt: null,
    passcodeCheck: null,
    replyPublicKey: bytes(65),
    wrappedReplyKey: bytes(100),
    senderAccessHash: bytes(32),
  };
}
