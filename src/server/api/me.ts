/**
 * `GET /api/v1/me`: who the service thinks the caller is — what an admin checks after setting up sign-in
 * (`sendguard whoami`), and what secure pickup will name as the sender.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CALLER_KINDS, ROLES, type Identity } from '../../core/identity';
import { callerOf } from '../auth/plugin';
import { jsonSchema } from './schema';

/** The answer's schema for the API description; core/identity.ts holds the shape and its reader. */
const MeResponse: z.ZodType<Identity> = z.object({
  kind: z.enum(CALLER_KINDS),
  subject: z.string(),
  name: z.string().optional(),
  address: z.string().optional(),
  tenant: z.string().optional(),
  roles: z.array(z.enum(ROLES)),
});

const me: FastifyPluginAsync = async (app) => {
  app.get(
    '/me',
    { schema: { tags: ['sign-in'], response: { 200: jsonSchema(MeResponse, 'output') } } },
    // The caller is the identity; the response schema sends exactly its fields.
    async (request): Promise<Identity> => callerOf(request),
  );
};

export default me;
