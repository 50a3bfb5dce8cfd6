/**
 * The one place error codes become HTTP statuses. Bodies are `{ error: { code, message } }`; server faults say
 * nothing beyond "internal error", and authentication failures nothing beyond "not valid".
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { SendguardError } from '../../core/errors';

export const ErrorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

const STATUS_BY_CODE: Record<string, number> = {
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  FORBIDDEN: 403,
  AUTH_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  ADDRESS_INVALID: 400,
  DOMAIN_INVALID: 400,
  KEY_UNREADABLE: 400,
  KEY_INVALID: 400,
  RATE_LIMITED: 429,
  DEPLOYMENT_URL_INVALID: 409,
};

/** Fastify's own client errors, renamed into this API's vocabulary. */
const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BODY_INVALID' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'BODY_INVALID' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BODY_INVALID' },
};

export class RateLimitedError extends SendguardError {
  constructor(retryAfter: string) {
    super('RATE_LIMITED', `too many requests; retry in ${retryAfter}`);
  }
}

export class NotFoundError extends SendguardError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} was not found`);
  }
}

export interface ErrorResponse {
  status: number;
  code: string;
  message: string;
}

export function errorResponse(error: FastifyError | Error): ErrorResponse {
  if (error instanceof SendguardError) {
    const status = STATUS_BY_CODE[error.code];
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
    if (response.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.status(response.status).send({ error: { code: response.code, message: response.message } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } }),
  );
}
