/** `GET /api/v1/domains/:domain`: the full transport report, evidence included. */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { normalizeDomain } from '../../core/addresses';
import { DomainAssessment } from '../../core/wire';
import type { ApiContext } from './context';
import { boundedDomainAssessment } from './lookups';
import { jsonSchema } from './schema';

export const DomainParams = z.strictObject({ domain: z.string().min(1).max(253) });

/** The report on `domain` as given in a request, bounded by the lookup deadline (the admin's Domains page too). */
export function domainReport(domain: string, context: ApiContext, log: FastifyBaseLogger) {
  const { lookupDeadlineMs } = context.config.limits;
  return boundedDomainAssessment(normalizeDomain(domain), { ...context, lookupDeadlineMs, log });
}

const domains: FastifyPluginAsync<ApiContext> = async (app, context) => {
  app.get<{ Params: z.infer<typeof DomainParams> }>(
    '/domains/:domain',
    {
      schema: {
        tags: ['transport'],
        params: jsonSchema(DomainParams),
        response: { 200: jsonSchema(DomainAssessment, 'output') },
      },
    },
    async (request) => domainReport(request.params.domain, context, request.log),
  );
};

export default domains;
