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
import { SignedStatement } from '../../core/wire';
import { answerKept, canonicalJson, entityTag, NOT_MODIFIED_SCHEMA } from './conditional-answer';
import type { ApiContext } from './context';
import type { ServedPolicy } from './served-policy';
import type { VerdictSigner } from '../verdicts/signer';
import { jsonSchema } from './schema';

/** SHA-256 (hex) of the policy's canonical JSON. */
export function policyVersion(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}

/** The answer as served now, with its ETag: worked out again only when the served policy changed. */
function servedAnswers(
  served: Pick<ServedPolicy, 'current' | 'version'>,
  signer: VerdictSigner | undefined,
): () => { answer: object; etag: string } {
  let kept: { policy: Policy; answer: object; etag: string } | undefined;
  return () => {
    const policy = served.current;
    // A new version is always a new served object: the answer and its tag follow the version too. The signature is
    // part of what the tag covers, so that a copy kept from before the service signed is sent again, signed.
    if (kept?.policy !== policy) {
      const plain = { version: served.version, policy };
      const answer = signer ? { ...plain, signed: signer.policy(plain), verdictKey: signer.trust } : plain;
      kept = { policy, answer, etag: entityTag(answer) };
    }
    return kept;
  };
}

const PolicyResponse = z.object({
  version: z.string(),
  policy: z.record(z.string(), z.unknown()),
  /** The same, signed by the verdict key (core/signed/statement.ts), where the service signs. */
  signed: SignedStatement.optional(),
  /**
   * The public key (base64) and deployment name the service signs with, for an add-in that is not given them in its
   * configuration (Thunderbird's options page pins them when it tests the connection).
   */
  verdictKey: z.object({ publicKey: z.string(), deployment: z.string() }).optional(),
});

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

const policyRoutes: FastifyPluginAsync<Pick<ApiContext, 'servedPolicy' | 'verdictSigner'>> = async (
  app,
  { servedPolicy, verdictSigner },
) => {
  warnOfMissingComplianceKey(app.log, servedPolicy);
  const served = servedAnswers(servedPolicy, verdictSigner);
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
      const { answer, etag } = served();
      return answerKept(request, reply, etag, answer, 'private');
    },
  );
};

export default policyRoutes;
