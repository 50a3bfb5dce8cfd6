/**
 * Admin: the organisation keyring — keys the organisation vouches for, listed, added and removed. A change drops
 * the cached key verdicts of every address the added, replaced or removed key names, and refreshes the served
 * policy when the key is its compliance key.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { addressKey } from '../../core/addresses';
import { Fingerprint } from '../../core/wire';
import { ADMIN_ONLY, callerOf } from '../auth/plugin';
import type { ApiContext } from './context';
import { NotFoundError } from './errors';
import { jsonSchema } from './schema';

const FingerprintParams = z.strictObject({ fingerprint: Fingerprint });
const KeyringUpload = z.strictObject({ armoredKey: z.string().min(1).max(1_000_000) });
const KeyringEntry = z.object({
  fingerprint: z.string(),
  addresses: z.array(z.string()),
  addedAt: z.string(),
  addedBy: z.string(),
});

const keyring: FastifyPluginAsync<ApiContext> = async (
  app,
  { store, keys, keyInspector, servedPolicy, clock },
) => {
  app.get(
    '/admin/keyring',
    {
      config: ADMIN_ONLY,
      schema: { tags: ['admin'], response: { 200: jsonSchema(z.array(KeyringEntry), 'output') } },
    },
    async () => (await store.keyring.list()).map(({ armoredKey: _armored, ...entry }) => entry),
  );

  app.post<{ Body: z.infer<typeof KeyringUpload> }>(
    '/admin/keyring',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        body: jsonSchema(KeyringUpload),
        response: { 201: jsonSchema(KeyringEntry, 'output') },
      },
    },
    async (request, reply) => {
      const { armoredKey } = request.body;
      const inspected = await keyInspector.inspect(armoredKey);
      const entry = {
        fingerprint: inspected.fingerprint,
        armoredKey,
        addresses: [...new Set(inspected.addresses.map(addressKey))].sort(),
        addedAt: new Date(clock.now()).toISOString(),
        addedBy: callerOf(request).subject,
      };
      const replaced = await store.keyring.get(entry.fingerprint);
      await store.keyring.put(entry);
      await keys.forget([...entry.addresses, ...(replaced?.addresses ?? [])]);
      await servedPolicy.keyringChanged(entry.fingerprint);
      request.log.info({ fingerprint: entry.fingerprint }, 'key added to the keyring');
      const { armoredKey: _armored, ...listed } = entry;
      return reply.status(201).send(listed);
    },
  );

  app.delete<{ Params: z.infer<typeof FingerprintParams> }>(
    '/admin/keyring/:fingerprint',
    { config: ADMIN_ONLY, schema: { tags: ['admin'], params: jsonSchema(FingerprintParams) } },
    async (request, reply) => {
      const { fingerprint } = request.params;
      const entry = await store.keyring.get(fingerprint);
      if (!entry || !(await store.keyring.delete(fingerprint))) throw new NotFoundError(`key ${fingerprint}`);
      await keys.forget(entry.addresses);
      await servedPolicy.keyringChanged(fingerprint);
      request.log.info({ fingerprint }, 'key removed from the keyring');
      return reply.status(204).send();
    },
  );
};

export default keyring;
