/**
 * The admin's side of key changes. A sender confirms a changed key for a message (`POST /keys/:address/accept`);
 * the admin sees every changed key lookups found and no one has decided yet, and decides for everyone: accept
 * (the key service's own acceptance, which pins the key only if a fresh lookup still finds it) or refuse (the old
 * pin stays, so the key stays `changed` for every sender; the entry leaves the list with who refused it). Also
 * the pins themselves.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { addressKey, parseAddress } from '../../core/addresses';
import { KEY_SOURCES } from '../../core/vocabulary';
import type { ApiContext } from '../api/context';
import { NotFoundError } from '../api/errors';
import { AddressParams, FingerprintBody } from '../api/key-schemas';
import { changedAgain } from '../api/keys';
import { Pin } from '../api/pins';
import { jsonSchema } from '../api/schema';
import { ADMIN_ONLY } from '../auth/plugin';
import { actingAdmin } from './acting-admin';

/** The most changed keys one answer lists, newest first. */
const MAX_LISTED = 1000;

const Pins = z.object({ pins: z.array(Pin) });
const ChangedKeyList = z.object({
  keys: z.array(
    z.object({
      address: z.string(),
      pinnedFingerprint: z.string(),
      fingerprint: z.string(),
      source: z.enum(KEY_SOURCES).optional(),
      seenAt: z.string(),
      reasons: z.array(z.string()),
    }),
  ),
});
type ChangedKeyList = z.infer<typeof ChangedKeyList>;
type KeyDecisionRequest = { Params: z.infer<typeof AddressParams>; Body: z.infer<typeof FingerprintBody> };

const TAGS = ['admin'];
const decisionSchema = {
  tags: TAGS,
  params: jsonSchema(AddressParams),
  body: jsonSchema(FingerprintBody),
};

const adminKeys: FastifyPluginAsync<ApiContext> = async (app, context) => {
  const { store, keys, clock } = context;

  app.get(
    '/admin/pins',
    { config: ADMIN_ONLY, schema: { tags: TAGS, response: { 200: jsonSchema(Pins, 'output') } } },
    async () => ({ pins: await store.pins.list() }),
  );

  app.get(
    '/admin/keys/changed',
    {
      config: ADMIN_ONLY,
      schema: { tags: TAGS, response: { 200: jsonSchema(ChangedKeyList, 'output') } },
    },
    async (): Promise<ChangedKeyList> => ({
      keys: (await store.changedKeys.pending(MAX_LISTED)).map(({ seenAt, ...key }) => ({
        ...key,
        seenAt: new Date(seenAt).toISOString(),
      })),
    }),
  );

  app.post<KeyDecisionRequest>(
    '/admin/keys/:address/accept',
    {
      config: ADMIN_ONLY,
      schema: { ...decisionSchema, response: { 200: jsonSchema(z.object({ pin: Pin }), 'output') } },
    },
    async (request) => {
      const address = parseAddress(request.params.address).address;
      const { fingerprint } = request.body;
      const signal = AbortSignal.timeout(context.config.limits.lookupDeadlineMs);
      const outcome = await keys.accept(address, fingerprint, actingAdmin(request), { signal });
      if (!outcome.accepted) throw changedAgain(address, fingerprint, outcome.found);
      const pin = await store.pins.get(addressKey(address));
      // The key service pins what it accepts in this store; no pin here is a wiring fault, not the caller's.
      if (pin === undefined) throw new Error(`the key accepted for ${address} was not pinned in the store`);
      request.log.info({ fingerprint }, 'changed key accepted by an admin');
      return { pin };
    },
  );

  app.post<KeyDecisionRequest>(
    '/admin/keys/:address/refuse',
    { config: ADMIN_ONLY, schema: decisionSchema },
    async (request, reply) => {
      const address = addressKey(request.params.address);
      const { fingerprint } = request.body;
      const decision = { decision: 'refused' as const, by: actingAdmin(request), at: clock.now() };
      if (!(await store.changedKeys.decide(address, fingerprint, decision)))
        throw new NotFoundError(`a changed key ${fingerprint} of ${address} waiting for a decision`);
      request.log.info({ fingerprint }, 'changed key refused by an admin');
      return reply.status(204).send();
    },
  );
};

export default adminKeys;
