/**
 * `GET /api/v1/policy`: the policy clients plan with (`ServedPolicy`: the configured policy, its compliance key
 * possibly filled in from the organisation keyring) and the version of the configured policy, the one `/assess`
 * reports, so a client can tell when its copy is stale.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Policy } from '../../core/policy/schema';
import type { ApiContext } from './context';
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
  app.get(
    '/policy',
    { schema: { tags: ['policy'], response: { 200: jsonSchema(PolicyResponse, 'output') } } },
    async () => ({ version, policy: servedPolicy.current }),
  );
};

export default policyRoutes;
