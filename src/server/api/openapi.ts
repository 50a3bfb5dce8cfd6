/**
 * `GET /api/v1/openapi.json`, generated from the route schemas. Public: it describes the API, holds no data, and
 * tools (and admins setting up a client) read it before they have a token.
 */
import type { FastifyPluginAsync } from 'fastify';

const openapi: FastifyPluginAsync = async (app) => {
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
};

export default openapi;
