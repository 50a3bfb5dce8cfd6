/**
 * `POST /api/v1/assess`: a message's recipients → each one's transport, mailbox access and key verdicts, and with
 * the sender's own address how replies reach them, within the deadline.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { MAX_ENTRY_LENGTH } from '../../core/addresses';
import { AssessAnswer } from '../../core/wire';
import { assessBatch } from './assess-batch';
import { assessAnswerWriter } from './assess-json';
import type { ApiContext } from './context';
import { jsonSchema } from './schema';
import { SharedDeadline } from './shared-deadline';

/**
 * Characters a request may carry per recipient it may list, on average. Entries that are not a bare address go
 * through the RFC 5322 grammar at up to ~35 µs a character on hostile shapes, so the total bounds a request's
 * parsing (about 1 s of CPU at the default 500 recipients); bare addresses, what the add-ins send, average
 * well under 40 characters.
 */
const CHARACTERS_PER_RECIPIENT = 64;
/** The JSON around the entries: the field name, quotes and commas of short lists. */
const BODY_OVERHEAD_BYTES = 1024;

/**
 * The request's size cap in bytes; a JSON body has at least one byte per character, so it caps the characters
 * too. Never above the service-wide `limits.bodyLimitBytes`.
 */
function assessBodyLimit(limits: { maxRecipients: number; bodyLimitBytes: number }): number {
  return Math.min(
    limits.bodyLimitBytes,
    BODY_OVERHEAD_BYTES + CHARACTERS_PER_RECIPIENT * limits.maxRecipients,
  );
}

const assessRequest = (maxRecipients: number) =>
  z.strictObject({
    recipients: z
      .array(z.string().max(MAX_ENTRY_LENGTH))
      .max(maxRecipients)
      .describe(
        `at most ${maxRecipients} entries; the body at most ${BODY_OVERHEAD_BYTES} + ${CHARACTERS_PER_RECIPIENT} ` +
          'bytes per allowed entry, and never above limits.bodyLimitBytes (larger bodies are refused with 413)',
      ),
    sender: z
      .string()
      .max(MAX_ENTRY_LENGTH)
      .optional()
      .describe(
        "the sender's own address: the answer's replyPath then gives the inbound transport of its domain (how " +
          'replies reach the sender); left out where it is not an address',
      ),
    mailboxAccess: z
      .boolean()
      .optional()
      .describe(
        "true: wait for each external recipient's mailbox access within the deadline (the answer is partial where it " +
          'is not known by then), as the pane asks to show it. Otherwise the answer waits for it only when a ' +
          'classification of the policy has mailboxAccess, and else carries what is already known, without waiting',
      ),
  });

/** What Fastify's own serializer labels JSON with. */
const JSON_TYPE = 'application/json; charset=utf-8';

const assess: FastifyPluginAsync<ApiContext> = async (app, context) => {
  const { limits } = context.config;
  const writeAnswer = assessAnswerWriter();
  const deadline = new SharedDeadline(limits.lookupDeadlineMs);
  app.post<{ Body: { recipients: string[]; sender?: string; mailboxAccess?: boolean } }>(
    '/assess',
    {
      bodyLimit: assessBodyLimit(limits),
      schema: {
        tags: ['assess'],
        body: jsonSchema(assessRequest(limits.maxRecipients)),
        response: { 200: jsonSchema(AssessAnswer, 'output') },
      },
    },
    async (request, reply) => {
      // The policy in force when the request came, and its version with it, whatever replaces it meanwhile.
      const { current: policy, version } = context.servedPolicy;
      const result = await assessBatch(request.body.recipients, {
        ...context,
        policy,
        sender: request.body.sender,
        mailboxAccessAsked: request.body.mailboxAccess,
        assessDeadlineMs: limits.assessDeadlineMs,
        lookupDeadlineMs: limits.lookupDeadlineMs,
        signal: deadline.signal(),
        log: request.log,
      });
      // The JSON is sent as it is; the response schema above still describes it, for the OpenAPI document.
      const signed = context.verdictSigner?.recipients(result.recipients, version);
      return reply
        .type(JSON_TYPE)
        .send(writeAnswer({ policyVersion: version, ...result, ...(signed ? { signed } : {}) }));
    },
  );
};

export default assess;
