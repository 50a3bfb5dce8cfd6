/**
 * `GET /api/v1/policy`: the policy clients plan with (`ServedPolicy`: the policy in force, its compliance key
 * possibly filled in from the organisation keyring) and the version of the policy in force, the one `/assess`
 * reports, so a client can tell when its copy is stale. The answer carries an ETag of exactly what is served; a
 * client keeping a copy sends it back (`If-None-Match`) and gets a 304 while the copy is current, so the pane
 * downloads the policy again only after it changed.
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Policy } from '../../core/policy/schema';
import { answerKept, canonicalJson, entityTag, NOT_MODIFIED_SCHEMA } from './conditional-answer';
import type { ApiContext } from './context';
import type { ServedPolicy } from './served-policy';
import { jsonSchema } from './schema';

/** SHA-256 (hex) of the policy's canonical JSON. */
export function policyVersion(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}

/** The ETag of the policy as served now, worked out again only when the served policy changed. */
function servedTags(served: Pick<ServedPolicy, 'current' | 'version'>): () => string {
  let tagged: { policy: Policy; etag: string } | undefined;
  return () => {
    const policy = served.current;
    // A new version is always a new served object: the tag follows the version too.
    if (tagged?.policy !== policy) tagged = { policy, etag: entityTag({ version: served.version, policy }) };
    return tagged.etag;
  };
}

const PolicyResponse = z.object({ version: z.string(), policy: z.record(z.string(), z.unknown()) });

/** Warns when the policy in force names a compliance key that neither it nor the keyring holds (at start, on a save). */
export function warnOfMissingComplianceKey(
  log: FastifyBaseLogger,
  servedPolicy: Pick<ServedPolicy, 'missingComplianceKey'>,
): void {
  const missing = servedPolicy.missingComplianceKey;
  if (missing === undefined) return;
  log.warn(
    { fingerprint: missing },
    'the compliance key is neither in the policy nor in the organisation keyring uploaded through the API ' +
      '(keys.keyringDir files are not served): every OpenPGP message will be refused until an admin uploads ' +
      'it (POST /api/v1/admin/keyring) or sets complianceKey.armoredKey',
  );
}

const policyRoutes: FastifyPluginAsync<Pick<ApiContext, 'servedPolicy'>> = async (app, { servedPolicy }) => {
  warnOfMissingComplianceKey(app.log, servedPolicy);
  const etag = servedTags(servedPolicy);
  app.get(
    '/policy',
    {
      schema: {
        tags: ['policy'],
        response: {
          200: jsonSchema(PolicyResponse, 'output'),
          304: NOT_MODIFIED_SCHEMA,
        },
      },
    },
    // Private: the policy follows the sign-in. A replacement under way (another process's save, just heard of)
    // lands first, so that the answer after a save is the saved version.
    async (request, reply) => {
      await servedPolicy.settled();
      const tag = etag();
      return answerKept(
        request,
        reply,
        tag,
        { version: servedPolicy.version, policy: servedPolicy.current },
        'private',
      );
    },
  );
};

export default policyRoutes;
