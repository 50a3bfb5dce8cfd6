/**
 * `GET /metrics`: Prometheus text. Counts and latencies only — no addresses, domains or tokens in any label —
 * yet they still tell who is busy and what fails, so by default only an admin's token reads them.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ONLY } from '../auth/plugin';
import type { Metrics } from '../observability/metrics';

interface MetricsOptions {
  metrics: Metrics;
  /** `metrics.requireAdmin`; the scope must run the auth plugin. Public scrapes skip the rate limit. */
  requireAdmin: boolean;
}

const metrics: FastifyPluginAsync<MetricsOptions> = async (app, options) => {
  app.get(
    '/metrics',
    {
      config: options.requireAdmin ? ADMIN_ONLY : { public: true, rateLimit: false },
      schema: { hide: true },
    },
    async (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(options.metrics.render()),
  );
};

export default metrics;
