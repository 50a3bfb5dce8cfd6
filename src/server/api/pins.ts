/** Admin: pin a key for an address outright, as if a sender had accepted it (`PUT /admin/pins/:address`). */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ADMIN_ONLY, callerOf } from '../auth/plugin';
import type { ApiContext } from './context';
import { AddressParams, FingerprintBody } from './key-schemas';
import { jsonSchema } from './schema';

export const Pin = z.object({
  address: z.string(),
  fingerprint: z.string(),
  firstSeen: z.string(),
  acceptedBy: z.string(),
});

const pins: FastifyPluginAsync<ApiContext> = async (app, { keys }) => {
  app.put<{ Params: z.infer<typeof AddressParams>; Body: z.infer<typeof FingerprintBody> }>(
    '/admin/pins/:address',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        params: jsonSchema(AddressParams),
        body: jsonSchema(FingerprintBody),
        response: { 200: jsonSchema(Pin, 'output') },
      },
    },
    async (request) => {
      const { fingerprint } = request.body;
      const pin = await keys.pin(request.params.address, fingerprint, callerOf(request).subject);
      request.log.info({ fingerprint }, 'key pinned');
      return pin;
    },
  );
};

export default pins;
