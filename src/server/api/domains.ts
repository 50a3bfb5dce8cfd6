/**
 * `GET /api/v1/domains/:domain`: the full transport report, evidence included, with how the domain's users reach
 * their mail (`mailboxAccess`, its own evidence included) where the service checks that.
 */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { normalizeDomain } from '../../core/addresses';
import { DomainAssessment } from '../../core/wire';
import type { ApiContext } from './context';
import { boundedDomainAssessment, boundedMailboxAccess } from './lookups';
import { jsonSchema } from './schema';

export const DomainParams = z.strictObject({ domain: z.string().min(1).max(253) });

/**
 * The report on `domain` as given in a request, bounded by the lookup deadline (the admin's Domains page too): the
 * transport and the mailbox access checked side by side.
 */
export async function domainReport(
  domain: string,
  context: ApiContext,
  log: FastifyBaseLogger,
): Promise<DomainAssessment> {
  const { lookupDeadlineMs } = context.config.limits;
  const name = normalizeDomain(domain);
  const deps = { ...context, lookupDeadlineMs, log };
  const { mailbox } = context;
  const [transport, mailboxAccess] = await Promise.all([
    boundedDomainAssessment(name, deps),
    mailbox && boundedMailboxAccess(name, mailbox, deps),
  ]);
  return mailboxAccess ? { ...transport, mailboxAccess } : transport;
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
