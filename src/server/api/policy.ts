/**
 * `GET /api/v1/policy`: the policy clients plan with (`ServedPolicy`: the configured policy, its compliance key
 * possibly filled in from the organisation keyring) and the version of the configured policy, the one `/assess`
 * reports, so a client can tell when its copy is stale. The answer carries an ETag of exactly what is served; a
 * client keeping a copy sends it back (`If-None-Match`) and gets a 304 while the copy is current, so the pane
 * downloads the policy again only after it changed.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Policy } from '../../core/policy/schema';
import type { ApiContext } from './context';
import type { ServedPolicy } from './served-policy';
import { jsonSchema } from './schema';

/** JSON with object keys sorted at every level, so equal policies serialise (and hash) equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the policy's canonical JSON. */
export function policyVersion(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}

/** The ETag of one served answer: its canonical JSON's SHA-256, quoted as RFC 9110 §8.8.3 writes a strong tag. */
function entityTag(answer: { version: string; policy: Policy }): string {
  return `"${createHash('sha256').update(canonicalJson(answer)).digest('base64url')}"`;
}

/**
 * Whether an If-None-Match field names `etag` (RFC 9110 §13.1.2: a list of tags, or `*`; compared weakly, so a
 * `W/` prefix a proxy added still matches). Split on commas and trimmed: no pattern runs over the caller's field.
 */
export function namesTag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((item) => {
    const tag = item.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}

/** The ETag of the policy as served now, worked out again only when the served policy changed. */
function servedTags(version: string, served: Pick<ServedPolicy, 'current'>): () => string {
  let tagged: { policy: Policy; etag: string } | undefined;
  return () => {
    const policy = served.current;
    if (tagged?.policy !== policy) tagged = { policy, etag: entityTag({ version, policy }) };
    return tagged.etag;
  };
}

const PolicyResponse = z.object({ version: z.string(), policy: z.record(z.string(), z.unknown()) });

const policyRoutes: FastifyPluginAsync<Pick<ApiContext, 'policy' | 'servedPolicy'>> = async (
  app,
  { policy, servedPolicy },
) => {
  const version = policyVersion(policy);
  const missing = servedPolicy.missingComplianceKey;
  if (missing !== undefined) {
    app.log.warn(
      { fingerprint: missing },
      'the compliance key is neither in the policy nor in the organisation keyring uploaded through the API ' +
        '(keys.keyringDir files are not served): every OpenPGP message will be refused until an admin uploads ' +
        'it (POST /api/v1/admin/keyring) or sets complianceKey.armoredKey',
    );
  }
  const etag = servedTags(version, servedPolicy);
  app.get(
    '/policy',
    {
      schema: {
        tags: ['policy'],
        response: {
          200: jsonSchema(PolicyResponse, 'output'),
          304: { description: 'the copy named by If-None-Match is current', type: 'null' },
        },
      },
    },
    async (request, reply) => {
      const tag = etag();
      // Each use asks again (no-cache): a copy is confirmed, never trusted unasked. Private: it follows the sign-in.
      reply.header('etag', tag).header('cache-control', 'private, no-cache');
      if (namesTag(request.headers['if-none-match'], tag)) return reply.code(304).send();
      return { version, policy: servedPolicy.current };
    },
  );
};

export default policyRoutes;
