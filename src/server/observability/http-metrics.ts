/** Counts and times every response by route pattern (unmatched paths share one label, so a scan adds no series). */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

export function observeRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(no route)';
    const labels = { method: request.method, route };
    metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}
