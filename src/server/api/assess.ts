/** `POST /api/v1/assess`: a message's recipients → each one's transport and key verdicts, within the deadline. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { AssessAnswer } from '../../core/wire';
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

const assess: FastifyPluginAsync<ApiContext> = async (app, context) => {
  const version = policyVersion(context.policy);
  const { limits } = context.config;
  app.post<{ Body: { recipients: string[] } }>(
    '/assess',
    {
      schema: {
        tags: ['assess'],
        body: jsonSchema(assessRequest(limits.maxRecipients)),
        response: { 200: jsonSchema(AssessAnswer, 'output') },
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
