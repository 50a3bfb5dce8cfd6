/**
 * Escrow's refusals. Their HTTP statuses are set where every code's is, in `server/api/errors`. Recipient-facing
 * messages are deliberately the same whatever went wrong.
 */
import { SendguardError } from '../../core/errors';
import { RefusalWithFields, RetryLaterError, waitInWords, type ErrorCode } from '../api/errors';

/** The codes escrow refuses with: its own, and "not found" for what a caller may not see. */
type EscrowErrorCode = Extract<ErrorCode, `ESCROW_${string}`> | 'NOT_FOUND';

export const MESSAGES = {
  codeRejected:
    'That code is not right, or it has expired. Ask for a new code. After many wrong codes each try has to wait a while first: if this one is right, wait a few minutes and enter it again.',
  passcodeRejected:
    'That passcode is not right. Ask the sender for it; after a few wrong tries each further try has to wait.',
  gone: 'This message is no longer available: the sender revoked it or it expired. Ask the sender to send it again.',
  session: 'Your session has ended. Reload the page from the link in the email and enter a new code.',
} as const;

export class EscrowError extends SendguardError {
  constructor(code: EscrowErrorCode, message: string) {
    super(code, message);
  }
}

/** The client network made too many pickup requests. */
export function rateLimited(retryAfterMs: number): RetryLaterError {
  return new RetryLaterError(
    'ESCROW_RATE_LIMITED',
    `Too many requests from your network. Wait ${waitInWords(retryAfterMs)}, then try again.`,
    retryAfterMs,
  );
}

/** A proven recipient gave too many wrong passcodes in a row. */
export function passcodeWait(retryAfterMs: number): RetryLaterError {
  return new RetryLaterError(
    'ESCROW_TRY_LATER',
    `There were too many wrong passcodes. Wait ${waitInWords(retryAfterMs)}, then enter the passcode again.`,
    retryAfterMs,
  );
}

/**
 * An upload part that does not start where its blob stands. The answer says where it stands (`uploadedBytes`):
 * a client whose earlier try of this part landed, its answer lost, goes on from there.
 */
export function offsetMismatch(uploadedBytes: number): RefusalWithFields {
  return new RefusalWithFields(
    'ESCROW_OFFSET_MISMATCH',
    `this part does not start where the upload stands (byte ${uploadedBytes})`,
    { uploadedBytes },
  );
}
