/**
 * Helmet's security headers on every response, from a middleware built once. `@fastify/helmet` builds the
 * middleware again for every request (its options merged, the CSP directives parsed anew), which cost the assess
 * call more than any header is worth; the headers set are the same.
 */
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export function addSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const setHeaders = helmet(options);
  app.addHook('onRequest', (request, reply, done) =>
    setHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
}
