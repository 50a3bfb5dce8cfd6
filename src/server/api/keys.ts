/**
 * Keys: `GET /api/v1/keys/:address` for anyone signed in; pinning and the organisation keyring for admins.
 * A change to a pin or the keyring drops the cached key verdicts it affects, so the next lookup sees it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseAddress } from '../../core/addresses';
import { KeyAssessment } from '../../core/wire';
import { callerOf } from '../auth/plugin';
import type { ApiContext } from './context';
import { NotFoundError } from './errors';
import { addressKey, checkKey, withoutArmor } from './lookups';
import { jsonSchema } from './schema';

const Fingerprint = z
  .string()
  .regex(/^[0-9A-F]{40}([0-9A-F]{24})?$/, 'an upper-case hexadecimal v4 or v6 fingerprint');
const AddressParams = z.strictObject({ address: z.string().min(3).max(320) });
const FingerprintParams = z.strictObject({ fingerprint: Fingerprint });
const ArmorQuery = z.strictObject({ armor: z.enum(['0', '1']).optional() });
const PinBody = z.strictObject({ fingerprint: Fingerprint });
const Pin = z.object({
  address: z.string(),
  fingerprint: z.string(),
  firstSeen: z.string(),
  acceptedBy: z.string(),
});
const KeyringUpload = z.strictObject({ armoredKey: z.string().min(1).max(1_000_000) });
const KeyringEntry = z.object({
  fingerprint: z.string(),
  addresses: z.array(z.string()),
  addedAt: z.string(),
  addedBy: z.string(),
});

const ADMIN = { admin: true };

const keys: FastifyPluginAsync<ApiContext> = async (app, context) => {
  const { store, now } = context;
  /** Normalised (A-label domain) and lower-cased, as stores key addresses. */
  const storedAddress = (input: string) => addressKey(parseAddress(input).address);
  const forgetVerdicts = (addresses: string[]) =>
    Promise.all(addresses.map((address) => store.keyVerdicts.delete(addressKey(address))));

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
      const key = await checkKey(parseAddress(request.params.address).address, {
        ...context,
        lookupDeadlineMs: context.config.limits.lookupDeadlineMs,
        log: request.log,
      });
      return request.query.armor === '1' ? key : withoutArmor(key);
    },
  );

  app.put<{ Params: z.infer<typeof AddressParams>; Body: z.infer<typeof PinBody> }>(
    '/admin/pins/:address',
    {
      config: ADMIN,
      schema: {
        tags: ['admin'],
        params: jsonSchema(AddressParams),
        body: jsonSchema(PinBody),
        response: { 200: jsonSchema(Pin, 'output') },
      },
    },
    async (request) => {
      const address = storedAddress(request.params.address);
      const { fingerprint } = request.body;
      const previous = await store.pins.get(address);
      const pin = {
        address,
        fingerprint,
        // Re-accepting the same key keeps its history; a new key starts a new one.
        firstSeen: previous?.fingerprint === fingerprint ? previous.firstSeen : now().toISOString(),
        acceptedBy: callerOf(request).subject,
      };
      await store.pins.put(pin);
      await forgetVerdicts([address]);
      request.log.info({ fingerprint }, 'key pinned');
      return pin;
    },
  );

  app.get(
    '/admin/keyring',
    {
      config: ADMIN,
      schema: { tags: ['admin'], response: { 200: jsonSchema(z.array(KeyringEntry), 'output') } },
    },
    async () => (await store.keyring.list()).map(({ armoredKey: _armored, ...entry }) => entry),
  );

  app.post<{ Body: z.infer<typeof KeyringUpload> }>(
    '/admin/keyring',
    {
      config: ADMIN,
      schema: {
        tags: ['admin'],
        body: jsonSchema(KeyringUpload),
        response: { 201: jsonSchema(KeyringEntry, 'output') },
      },
    },
    async (request, reply) => {
      const { armoredKey } = request.body;
      const inspected = await context.keyInspector.inspect(armoredKey);
      const entry = {
        fingerprint: inspected.fingerprint,
        armoredKey,
        addresses: [...new Set(inspected.addresses.map(addressKey))].sort(),
        addedAt: now().toISOString(),
        addedBy: callerOf(request).subject,
      };
      const replaced = await store.keyring.get(entry.fingerprint);
      await store.keyring.put(entry);
      await forgetVerdicts([...entry.addresses, ...(replaced?.addresses ?? [])]);
      request.log.info({ fingerprint: entry.fingerprint }, 'key added to the keyring');
      const { armoredKey: _armored, ...listed } = entry;
      return reply.status(201).send(listed);
    },
  );

  app.delete<{ Params: z.infer<typeof FingerprintParams> }>(
    '/admin/keyring/:fingerprint',
    { config: ADMIN, schema: { tags: ['admin'], params: jsonSchema(FingerprintParams) } },
    async (request, reply) => {
      const { fingerprint } = request.params;
      const entry = await store.keyring.get(fingerprint);
      if (!entry || !(await store.keyring.delete(fingerprint))) throw new NotFoundError(`key ${fingerprint}`);
      await forgetVerdicts(entry.addresses);
      request.log.info({ fingerprint }, 'key removed from the keyring');
      return reply.status(204).send();
    },
  );
};

export default keys;
