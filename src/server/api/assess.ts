/** `POST /api/v1/assess`: a message's recipients → each one's transport and key verdicts, within the deadline. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { DomainAssessment, KeyAssessment } from '../../core/wire';
import { assessBatch } from './assess-batch';
import type { ApiContext } from './context';
import { policyVersion } from './policy';
import { jsonSchema } from './schema';

/** Longer entries are refused by the address parser anyway; the schema keeps them out of memory first. */
const MAX_ENTRY_LENGTH = 4096;

export const assessRequest = (maxRecipients: number) =>
  z.strictObject({
    recipients: z.array(z.string().max(MAX_ENTRY_LENGTH)).max(maxRecipients),
  });

export const AssessResponse = z.object({
  policyVersion: z.string(),
  partial: z.boolean(),
  recipients: z.array(
    z.object({
      input: z.string(),
      address: z.string(),
      domain: z.string(),
      internal: z.boolean(),
      transport: DomainAssessment.omit({ evidence: true }).optional(),
      key: KeyAssessment,
    }),
  ),
  invalid: z.array(z.object({ input: z.string(), reason: z.string() })),
});

const assess: FastifyPluginAsync<ApiContext> = async (app, context) => {
  const version = policyVersion(context.policy);
  const { limits } = context.config;
  app.post<{ Body: { recipients: string[] } }>(
    '/assess',
    {
      schema: {
        tags: ['assess'],
        body: jsonSchema(assessRequest(limits.maxRecipients)),
        response: { 200: jsonSchema(AssessResponse, 'output') },
      },
    },
    async (request) => {
      const result = await assessBatch(request.body.recipients, {
        ...context,
        assessDeadlineMs: limits.assessDeadlineMs,
        lookupDeadlineMs: limits.lookupDeadlineMs,
        log: request.log,
      });
      return { policyVersion: version, ...result };
    },
  );
};

export default assess;
