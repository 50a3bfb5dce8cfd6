/** `GET /api/v1/policy`: the validated policy and its version, so a client can tell when its copy is stale. */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Policy } from '../../core/policy/schema';
import type { KeyringStore } from '../store/store';
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

/**
 * The policy as clients get it: a compliance key given by fingerprint only is filled in from the organisation
 * keyring (the admin's uploads), so that the add-in can encrypt to it. Looked up per request, so a key uploaded
 * after start is served at once; the version stays the configured policy's, the one `/assess` reports.
 */
async function withComplianceKey(policy: Policy, keyring: KeyringStore): Promise<Policy> {
  const compliance = policy.complianceKey;
  if (compliance === undefined || compliance.armoredKey !== undefined) return policy;
  const entry = await keyring.get(compliance.fingerprint);
  return entry ? { ...policy, complianceKey: { ...compliance, armoredKey: entry.armoredKey } } : policy;
}

const policyRoutes: FastifyPluginAsync<Pick<ApiContext, 'policy' | 'store'>> = async (
  app,
  { policy, store },
) => {
  const version = policyVersion(policy);
  const served = await withComplianceKey(policy, store.keyring);
  if (served.complianceKey && served.complianceKey.armoredKey === undefined) {
    app.log.warn(
      { fingerprint: served.complianceKey.fingerprint },
      'the compliance key is neither in the policy nor in the organisation keyring: every OpenPGP message will ' +
        'be refused until an admin uploads it (POST /api/v1/admin/keyring) or sets complianceKey.armoredKey',
    );
  }
  app.get(
    '/policy',
    { schema: { tags: ['policy'], response: { 200: jsonSchema(PolicyResponse, 'output') } } },
    async () => ({ version, policy: await withComplianceKey(policy, store.keyring) }),
  );
};

export default policyRoutes;
