/**
 * Helmet's security headers on every response, worked out once. `@fastify/helmet` builds helmet's middleware again
 * for every request (its options merged, the CSP directives parsed anew), which cost the assess call more than any
 * header is worth. With no per-request directives (no nonces) the middleware sets the same headers every time, so
 * what it does is recorded at start and replayed on each response, on the raw response as helmet would: a route
 * that sets one of these headers itself (the add-in's CSP, say) still has the last word.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

type HeaderStep = { set: string; value: string | number | readonly string[] } | { remove: string };

/** What helmet's middleware does to a response, in order. */
function helmetSteps(options: Readonly<HelmetOptions>): HeaderStep[] {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      steps.push({ set: name, value });
      return recorder;
    },
    removeHeader(name: string) {
      steps.push({ remove: name });
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return steps;
}

export function addSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const steps = helmetSteps(options);
  app.addHook('onRequest', (_request, reply, done) => {
    for (const step of steps) {
      if ('set' in step) reply.raw.setHeader(step.set, step.value);
      else reply.raw.removeHeader(step.remove);
    }
    done();
  });
}
