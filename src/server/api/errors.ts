/**
 * The one place error codes become HTTP statuses. Bodies are `{ error: { code, message } }`; server faults say
 * nothing beyond "internal error", and authentication failures nothing beyond "not valid".
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { SendguardError } from '../../core/errors';

const STATUS_BY_CODE = {
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  FORBIDDEN: 403,
  // Development mode answers only requests addressed to a loopback name (`server/auth/loopback-host`).
  HOST_NOT_LOOPBACK: 421,
  AUTH_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  ADDRESS_INVALID: 400,
  DOMAIN_INVALID: 400,
  KEY_UNREADABLE: 400,
  KEY_INVALID: 400,
  RATE_LIMITED: 429,
  DEPLOYMENT_URL_INVALID: 409,
  KEY_CHANGED_AGAIN: 409,
  // The admin's policy (`server/admin-policy`).
  POLICY_INVALID: 400,
  POLICY_CHANGED: 409,
  PREVIEW_TOO_LARGE: 422,
  // Secure pickup (`server/escrow`).
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
  ESCROW_RATE_LIMITED: 429,
  ESCROW_TRY_LATER: 429,
} as const satisfies Record<string, number>;

/** Every code a request can be refused with; each has its status above. */
export type ErrorCode = keyof typeof STATUS_BY_CODE;

function statusOf(code: string): number | undefined {
  return Object.hasOwn(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code as ErrorCode] : undefined;
}

/** Fastify's own client errors, renamed into this API's vocabulary. */
const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BODY_INVALID' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'BODY_INVALID' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BODY_INVALID' },
};

/** A wait in words a person reads: "1 second", "45 seconds", "15 minutes". */
export function waitInWords(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds === 1) return '1 second';
  return seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * A refusal that says when to come back: the answer is 429 with `Retry-After`, set by the one error handler.
 * Throwing it counts nothing; whoever throws it has already decided the request does not go ahead.
 */
export class RetryLaterError extends SendguardError {
  constructor(
    code: Extract<ErrorCode, 'RATE_LIMITED' | 'ESCROW_RATE_LIMITED' | 'ESCROW_TRY_LATER'>,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(code, message);
  }
}

/** The service-wide request limits (per client network, per caller) were reached. */
export function tooManyRequests(retryAfterMs: number): RetryLaterError {
  return new RetryLaterError(
    'RATE_LIMITED',
    `too many requests; retry in ${waitInWords(retryAfterMs)}`,
    retryAfterMs,
  );
}

/** A refusal whose body says more than its code and message: `fields` go beside them (where an upload stands). */
export class RefusalWithFields extends SendguardError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly fields: Record<string, number>,
  ) {
    super(code, message);
  }
}

export class NotFoundError extends SendguardError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} was not found`);
  }
}

interface ErrorResponse {
  status: number;
  code: string;
  message: string;
}

export function errorResponse(error: FastifyError | Error): ErrorResponse {
  if (error instanceof SendguardError) {
    const status = statusOf(error.code);
    if (status) return { status, code: error.code, message: error.message };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation)
    return { status: 400, code: 'VALIDATION_FAILED', message: fastifyError.message };
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return { ...known, message: fastifyError.message };
  // JSON.parse failures reach here as SyntaxErrors Fastify marked 400.
  if (fastifyError.statusCode === 400)
    return { status: 400, code: 'BODY_INVALID', message: 'the body is not valid JSON' };
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const response = errorResponse(error);
    if (response.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: response.code }, 'request refused');
    // A pickup session (ESCROW_SESSION_INVALID) is a cookie, not a bearer token: no challenge for it.
    if (response.code === 'AUTH_REQUIRED' || response.code === 'AUTH_INVALID')
      reply.header('www-authenticate', 'Bearer');
    if (error instanceof RetryLaterError)
      reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    const fields = error instanceof RefusalWithFields ? error.fields : {};
    return reply
      .status(response.status)
      .send({ error: { ...fields, code: response.code, message: response.message } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } }),
  );
}
