/** Admin: pin a key for an address outright, as if a sender had accepted it (`PUT /admin/pins/:address`). */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { addressKey } from '../../core/addresses';
import { ADMIN_ONLY, callerOf } from '../auth/plugin';
import { pinKey } from '../keys/pins';
import type { ApiContext } from './context';
import { AddressParams, FingerprintBody } from './key-schemas';
import { forgetKeyVerdicts } from './key-verdicts';
import { jsonSchema } from './schema';

const Pin = z.object({
  address: z.string(),
  fingerprint: z.string(),
  firstSeen: z.string(),
  acceptedBy: z.string(),
});

const pins: FastifyPluginAsync<ApiContext> = async (app, { store, clock }) => {
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
      const address = addressKey(request.params.address);
      const { fingerprint } = request.body;
      const pin = await pinKey(
        store.pins,
        { address, fingerprint, acceptedBy: callerOf(request).subject },
        clock,
      );
      await forgetKeyVerdicts(store, [address]);
      request.log.info({ fingerprint }, 'key pinned');
      return pin;
    },
  );
};

export default pins;
