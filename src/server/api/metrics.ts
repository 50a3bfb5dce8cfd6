/** `GET /metrics`: Prometheus text. Counts and latencies only — no addresses, domains or tokens in any label. */
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../observability/metrics';

const metrics: FastifyPluginAsync<{ metrics: Metrics }> = async (app, options) => {
  app.get(
    '/metrics',
    { config: { public: true, rateLimit: false }, schema: { hide: true } },
    async (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(options.metrics.render()),
  );
};

export default metrics;
