/**
 * Escrow's refusals and their HTTP statuses, applied by the plugin's own error handler (everything else falls
 * through to `server/api/errors`). Recipient-facing messages are deliberately the same whatever went wrong.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { SendguardError } from '../../core/errors';
import { errorResponse } from '../api/errors';

const STATUS: Record<string, number> = {
  ESCROW_CODE_REJECTED: 400,
  ESCROW_PASSCODE_REJECTED: 400,
  ESCROW_INVALID: 400,
  ESCROW_SESSION_INVALID: 401,
  ESCROW_CSRF: 403,
  ESCROW_GONE: 410,
  ESCROW_STATE: 409,
  ESCROW_OFFSET_MISMATCH: 409,
  ESCROW_TOO_LARGE: 413,
  ESCROW_REPLY_LIMIT: 429,
};

export const MESSAGES = {
  codeRejected: 'That code is not right, or it has expired. Ask for a new code.',
  passcodeRejected:
    'That passcode is not right. Ask the sender for it; after a few wrong tries the message locks.',
  gone: 'This message is no longer available: the sender revoked it or it expired. Ask the sender to send it again.',
  session: 'Your session has ended. Reload the page from the link in the email and enter a new code.',
} as const;

export class EscrowError extends SendguardError {}

export function installEscrowErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error instanceof SendguardError ? STATUS[error.code] : undefined;
    const response = status
      ? { status, code: (error as SendguardError).code, message: error.message }
      : errorResponse(error);
    if (response.status >= 500) request.log.error({ err: error }, 'escrow request failed');
    else request.log.info({ code: response.code }, 'escrow request refused');
    return reply.status(response.status).send({ error: { code: response.code, message: response.message } });
  });
}
