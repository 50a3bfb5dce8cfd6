/**
 * Keys for anyone signed in: `GET /api/v1/keys/:address` looks a recipient's key up, and `POST
 * /api/v1/keys/:address/accept` is the sender confirming a `changed` key with the evidence shown (the decision
 * in docs/architecture.md's vocabulary: the sender accepts). The admin's pins and keyring are in pins.ts and
 * keyring.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseAddress } from '../../core/addresses';
import { SendguardError } from '../../core/errors';
import { KeyAssessment } from '../../core/wire';
import { callerOf } from '../auth/plugin';
import type { ApiContext } from './context';
import { AddressParams, FingerprintBody } from './key-schemas';
import { boundedKeyAssessment, withoutArmor } from './lookups';
import { jsonSchema } from './schema';

const ArmorQuery = z.strictObject({ armor: z.enum(['0', '1']).optional() });
const AcceptedKey = z.object({ key: KeyAssessment });

/** What the sender is told when the key found now is not the one they were shown. */
export function changedAgain(address: string, fingerprint: string, found: KeyAssessment): SendguardError {
  const now =
    found.fingerprint === undefined
      ? `no usable key (${found.verdict})`
      : `key ${found.fingerprint} (${found.verdict})`;
  return new SendguardError(
    'KEY_CHANGED_AGAIN',
    `the key of ${address} was not accepted: a new lookup finds ${now}, not ${fingerprint}. ` +
      'Check the recipient again and look at what is found now before accepting.',
  );
}

const keys: FastifyPluginAsync<ApiContext> = async (app, context) => {
  const { lookupDeadlineMs } = context.config.limits;

  app.get<{ Params: z.infer<typeof AddressParams>; Querystring: z.infer<typeof ArmorQuery> }>(
    '/keys/:address',
    {
      schema: {
        tags: ['keys'],
        params: jsonSchema(AddressParams),
        querystring: jsonSchema(ArmorQuery),
        response: { 200: jsonSchema(KeyAssessment, 'output') },
      },
    },
    async (request) => {
      const address = parseAddress(request.params.address).address;
      const key = await boundedKeyAssessment(address, { ...context, lookupDeadlineMs, log: request.log });
      return request.query.armor === '1' ? key : withoutArmor(key);
    },
  );

  app.post<{ Params: z.infer<typeof AddressParams>; Body: z.infer<typeof FingerprintBody> }>(
    '/keys/:address/accept',
    {
      schema: {
        tags: ['keys'],
        params: jsonSchema(AddressParams),
        body: jsonSchema(FingerprintBody),
        response: { 200: jsonSchema(AcceptedKey, 'output') },
      },
    },
    async (request) => {
      const address = parseAddress(request.params.address).address;
      const { fingerprint } = request.body;
      const signal = AbortSignal.timeout(lookupDeadlineMs);
      const outcome = await context.keys.accept(address, fingerprint, callerOf(request).subject, { signal });
      if (!outcome.accepted) throw changedAgain(address, fingerprint, outcome.found);
      request.log.info({ fingerprint }, 'changed key accepted');
      return { key: outcome.key };
    },
  );
};

export default keys;
