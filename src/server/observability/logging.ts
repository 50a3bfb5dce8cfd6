/**
 * Logger options for the Fastify app. Requests are logged by route pattern (`/api/v1/keys/:address`), never by
 * path, so an address in a URL does not reach the log; headers are not logged at all, and `authorization` is
 * redacted wherever it might appear. Client errors are logged by code only: their messages quote client input.
 */
import type { FastifyError, FastifyRequest, FastifyServerOptions } from 'fastify';
import { errorResponse } from '../api/errors';

export interface LogDestination {
  write(line: string): void;
}

function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    route: request.routeOptions?.url ?? '(no route)',
    remoteAddress: request.ip,
  };
}

function serializeError(error: FastifyError) {
  const clientError = errorResponse(error).status < 500;
  return {
    type: error.name,
    code: error.code,
    message: clientError ? '(a client error: its message is not logged)' : error.message,
    stack: clientError ? '' : (error.stack ?? ''),
  };
}

export function loggerOptions(level: string, stream?: LogDestination): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.authorization', 'token'],
      censor: '[redacted]',
    },
    serializers: { req: serializeRequest, err: serializeError },
  };
}
