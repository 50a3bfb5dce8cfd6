/** Admin: issue, list and revoke API tokens. A token's text appears once, in the answer that issues it. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { issueApiToken, revokeToken } from '../auth/api-tokens';
import { ADMIN_ONLY } from '../auth/plugin';
import { parseTokenOwner } from '../auth/token-owner';
import type { ApiTokenRecord } from '../store/store';
import type { ApiContext } from './context';
import { NotFoundError } from './errors';
import { jsonSchema } from './schema';

const IssueBody = z.strictObject({
  name: z.string().min(1).max(100),
  role: z.enum(['sender', 'admin']).default('sender'),
  /** The person the token acts for, `Ana Example <ana@example.org>`: the sender secure pickup names. */
  owner: z.string().min(3).max(400).optional(),
});
const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['sender', 'admin']),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  owner: z.object({ name: z.string().optional(), address: z.string() }).optional(),
});
const IssuedToken = TokenInfo.extend({ token: z.string() });
const IdParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{16}$/) });

/** Everything but the hash: even a hash of a 256-bit secret has no business leaving the store. */
function info({ hash: _hash, ...rest }: ApiTokenRecord) {
  return rest;
}

const tokens: FastifyPluginAsync<ApiContext> = async (app, { store, clock }) => {
  app.post<{ Body: z.output<typeof IssueBody> }>(
    '/admin/tokens',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        body: jsonSchema(IssueBody),
        response: { 201: jsonSchema(IssuedToken, 'output') },
      },
    },
    async (request, reply) => {
      const { owner, ...rest } = request.body;
      const issue = { ...rest, ...(owner !== undefined ? { owner: parseTokenOwner(owner) } : {}) };
      const { token, record } = await issueApiToken(store.tokens, issue, { clock });
      request.log.info({ tokenId: record.id, role: record.role }, 'API token issued');
      return reply.status(201).send({ ...info(record), token });
    },
  );

  app.get(
    '/admin/tokens',
    {
      config: ADMIN_ONLY,
      schema: { tags: ['admin'], response: { 200: jsonSchema(z.array(TokenInfo), 'output') } },
    },
    async () => (await store.tokens.list()).map(info),
  );

  app.delete<{ Params: z.infer<typeof IdParams> }>(
    '/admin/tokens/:id',
    { config: ADMIN_ONLY, schema: { tags: ['admin'], params: jsonSchema(IdParams) } },
    async (request, reply) => {
      if (!(await revokeToken(store.tokens, request.params.id, clock))) {
        throw new NotFoundError(`an active token ${request.params.id}`);
      }
      request.log.info({ tokenId: request.params.id }, 'API token revoked');
      return reply.status(204).send();
    },
  );
};

export default tokens;
