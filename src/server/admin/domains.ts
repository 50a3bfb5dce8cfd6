/**
 * `GET /api/v1/admin/domains/:domain`: the domain's full report as `GET /domains/:domain` gives it, when its
 * transport verdict last changed (recorded by the transport service after each check), and the running policy's
 * override for it, if any.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { DomainOverride } from '../../core/policy/schema';
import { overrideFor } from '../../core/policy/match';
import { TRANSPORT_VERDICTS } from '../../core/vocabulary';
import { DomainAssessment } from '../../core/wire';
import type { ApiContext } from '../api/context';
import { DomainParams, domainReport } from '../api/domains';
import { jsonSchema } from '../api/schema';
import { ADMIN_ONLY } from '../auth/plugin';

const Verdict = z.enum(TRANSPORT_VERDICTS);
const AdminDomain = z.object({
  report: DomainAssessment,
  /** `from` is null when the check recorded is the first one of the domain. */
  lastChange: z.object({ from: Verdict.nullable(), to: Verdict, at: z.string() }).optional(),
  override: DomainOverride.optional(),
});
type AdminDomain = z.output<typeof AdminDomain>;

const adminDomains: FastifyPluginAsync<ApiContext> = async (app, context) => {
  app.get<{ Params: z.infer<typeof DomainParams> }>(
    '/admin/domains/:domain',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        params: jsonSchema(DomainParams),
        response: { 200: jsonSchema(AdminDomain, 'output') },
      },
    },
    async (request): Promise<AdminDomain> => {
      // The check first: when it is new, the change it makes is the one to tell.
      const report = await domainReport(request.params.domain, context, request.log);
      const change = await context.store.verdictChanges.last(report.domain);
      const override = overrideFor(report.domain, context.servedPolicy.current);
      return {
        report,
        ...(change
          ? { lastChange: { from: change.from, to: change.to, at: new Date(change.at).toISOString() } }
          : {}),
        ...(override ? { override } : {}),
      };
    },
  );
};

export default adminDomains;
