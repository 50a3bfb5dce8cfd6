/** `GET /api/v1/domains/:domain`: the full transport report, evidence included. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { normalizeDomain } from '../../core/addresses';
import { DomainAssessment } from '../../core/wire';
import type { ApiContext } from './context';
import { boundedDomainAssessment } from './lookups';
import { jsonSchema } from './schema';

const Params = z.strictObject({ domain: z.string().min(1).max(253) });

const domains: FastifyPluginAsync<ApiContext> = async (app, context) => {
  app.get<{ Params: z.infer<typeof Params> }>(
    '/domains/:domain',
    {
      schema: {
        tags: ['transport'],
        params: jsonSchema(Params),
        response: { 200: jsonSchema(DomainAssessment, 'output') },
      },
    },
    async (request) =>
      boundedDomainAssessment(normalizeDomain(request.params.domain), {
        ...context,
        lookupDeadlineMs: context.config.limits.lookupDeadlineMs,
        log: request.log,
      }),
  );
};

export default domains;
