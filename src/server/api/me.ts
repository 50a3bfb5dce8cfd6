/**
 * `GET /api/v1/me`: who the service thinks the caller is — what an admin checks after setting up sign-in
 * (`sendguard whoami`), and what secure pickup will name as the sender.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { callerOf } from '../auth/plugin';
import { jsonSchema } from './schema';

export const MeResponse = z.object({
  kind: z.enum(['entra', 'token', 'dev']),
  /** Entra: the user's object ID; API token: `token:<id>`; development mode: `dev`. */
  subject: z.string(),
  name: z.string().optional(),
  /** The caller's mailbox (`mailboxKey` form), when known. */
  address: z.string().optional(),
  tenant: z.string().optional(),
  roles: z.array(z.enum(['sender', 'admin'])),
});
export type MeResponse = z.infer<typeof MeResponse>;

const me: FastifyPluginAsync = async (app) => {
  app.get(
    '/me',
    { schema: { tags: ['sign-in'], response: { 200: jsonSchema(MeResponse, 'output') } } },
    async (request): Promise<MeResponse> => {
      const { kind, subject, name, address, tenant, roles } = callerOf(request);
      return {
        kind,
        subject,
        ...(name !== undefined ? { name } : {}),
        ...(address !== undefined ? { address } : {}),
        ...(tenant !== undefined ? { tenant } : {}),
        roles,
      };
    },
  );
};

export default me;
