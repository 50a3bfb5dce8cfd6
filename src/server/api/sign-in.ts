/**
 * `GET /api/v1/sign-in` (public): how the add-in signs in to this deployment — the app registration, authority
 * and scope it asks MSAL or Office for a token with. Public because the add-in needs it before it has a token;
 * it holds nothing the manifest does not already publish. The answer carries an ETag of exactly what is served:
 * the pane keeps it between openings and signs in with the kept copy while asking whether it is still current
 * (If-None-Match, 304), so that its other requests need not wait for this one.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { SignInSettings } from '../../core/sign-in';
import type { Config } from '../config/schema';
import { answerKept, entityTag, NOT_MODIFIED_SCHEMA } from './conditional-answer';
import type { ApiContext } from './context';
import { jsonSchema } from './schema';

const V2_SUFFIX = '/v2.0';

/** MSAL's authority is the issuer without its `/v2.0`: MSAL adds the version to the endpoints it discovers. */
function authorityOf(issuer: string): string {
  const trimmed = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
  return trimmed.endsWith(V2_SUFFIX) ? trimmed.slice(0, -V2_SUFFIX.length) : trimmed;
}

/** The settings this configuration gives the add-in; `entra: null` when Entra sign-in is not configured. */
export function signInSettings(auth: Config['auth']): SignInSettings {
  const { entra } = auth;
  if (!entra || auth.devNoAuth) return { entra: null };
  return {
    entra: {
      clientId: entra.clientId,
      authority: authorityOf(entra.issuer),
      scopes: [`${entra.resource}/${entra.scope}`],
    },
  };
}

const SignInResponse = z.object({
  entra: z.object({ clientId: z.string(), authority: z.string(), scopes: z.array(z.string()) }).nullable(),
});

const signIn: FastifyPluginAsync<Pick<ApiContext, 'config'>> = async (app, { config }) => {
  const settings = signInSettings(config.auth);
  const etag = entityTag(settings);
  app.get(
    '/sign-in',
    {
      config: { public: true },
      schema: {
        tags: ['sign-in'],
        security: [],
        response: { 200: jsonSchema(SignInResponse, 'output'), 304: NOT_MODIFIED_SCHEMA },
      },
    },
    // Public: every caller of this deployment gets the same answer, before it has a token.
    async (request, reply) => answerKept(request, reply, etag, settings, 'public'),
  );
};

export default signIn;
