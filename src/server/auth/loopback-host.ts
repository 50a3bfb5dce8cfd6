/**
 * Development mode answers every caller as an admin, so it must answer only pages that addressed it as
 * localhost: a DNS-rebinding page reaches 127.0.0.1 too, but its requests carry its own name in `Host`.
 */
import type { FastifyRequest } from 'fastify';
import { SendguardError } from '../../core/errors';
import { isLoopbackHost } from '../../core/loopback-host';

/** An `onRequest` hook for development mode: HOST_NOT_LOOPBACK (421) for any request not addressed to a loopback name. */
export function refuseForeignHost(publicUrl: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (isLoopbackHost(request.headers.host)) return;
    request.log.warn('development mode: refused a request addressed to another host name');
    throw new SendguardError(
      'HOST_NOT_LOOPBACK',
      `This Sendguard runs in development mode without authentication and only answers requests addressed to localhost, 127.0.0.1 or [::1]; this one was addressed to another host name, as a page using DNS rebinding would be. Open ${publicUrl} instead.`,
    );
  };
}
