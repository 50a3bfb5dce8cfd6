/**
 * A finalize sent again after its answer was lost (a node died after storing it, or the connection dropped), or
 * while the first is still running (the proxy gave up on it before the client did): the message or reply then holds
 * exactly what it carries. That is answered as done, not as a conflict, so the client's retry ends the upload;
 * anything else sent to a finalized upload is still refused.
 */
import { equalBytes, fromBase64Url } from '../../core/escrow/bytes';
import type { FinalizeRequest } from '../../core/escrow/wire';
import type { MessageRecord } from './store';

/** The sizes stored at finalize (null: not finalized) are the ones sent. */
export function sameSizes(stored: number[] | null, sent: number[]): boolean {
  return stored !== null && stored.length === sent.length && stored.every((size, n) => size === sent[n]);
}

/** A wrapped key as stored (null: none) is the one sent (absent: none). */
function sameKey(stored: Uint8Array | null, sent: string | undefined): boolean {
  if (stored === null || sent === undefined) return stored === null && sent === undefined;
  return equalBytes(stored, fromBase64Url(sent));
}

/** `message` was finalized with exactly `body`'s keys and sizes. */
export function finalizedAlike(message: MessageRecord, body: FinalizeRequest): boolean {
  return (
    message.state === 'ready' &&
    sameSizes(message.blobSizes, body.blobSizes) &&
    sameKey(message.wrappedKey, body.wrappedKey) &&
    sameKey(message.passcodeWrappedKey, body.passcodeWrappedKey) &&
    sameKey(message.senderWrappedKey, body.senderWrappedKey)
  );
}
