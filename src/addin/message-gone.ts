/**
 * A compose window the add-in worked on that is no longer there: the sender closed it, or sent it already. A host
 * throws this from any `MailHost` call (or an opened message's `send`) on such a window, so that the shared code
 * can say so rather than tell the sender the message waits open.
 */
import { SendguardError } from '../core/errors';

export const MESSAGE_GONE = 'MESSAGE_GONE';

export class MessageGoneError extends SendguardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(MESSAGE_GONE, message, options);
  }
}

export const isMessageGone = (error: unknown): boolean =>
  error instanceof SendguardError && error.code === MESSAGE_GONE;
