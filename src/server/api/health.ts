/** `GET /healthz`: the process is up and answering, for load balancers and `npm start`'s smoke check. */
import type { FastifyPluginAsync } from 'fastify';

const health: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    {
      config: { public: true, rateLimit: false },
      schema: {
        hide: true,
        response: { 200: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] } },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
};

export default health;
