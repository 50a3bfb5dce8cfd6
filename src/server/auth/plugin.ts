/**
 * Authentication for the routes of the scope it is registered in: every request carries a bearer token (an
 * Entra access token or an API token) unless its route is marked `public`; routes marked `admin` need that role.
 * Dev mode skips all of it, says so in the log at start and on every response.
 */
import type { FastifyContextConfig, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema';
import type { TokenStore } from '../store/store';
import { looksLikeApiToken, verifyApiToken } from './api-tokens';
import { AuthError, type Caller } from './caller';
import type { EntraVerifier } from './entra';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin before any handler of its scope runs; null on public routes. */
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a token. */
    public?: boolean;
    /** Needs the admin role. */
    admin?: boolean;
  }
}

/** The route config of an admin's route: `{ config: ADMIN_ONLY, ... }`. */
export const ADMIN_ONLY: FastifyContextConfig = { admin: true };

interface AuthOptions {
  auth: Config['auth'];
  tokens: TokenStore;
  /** Required when `auth.entra` is set. */
  entra?: EntraVerifier;
}

const DEV_NO_AUTH_HEADER = 'x-sendguard-dev-no-auth';
/**
 * Development mode has no person behind a request: a name that says so, where a recipient of a secure message
 * sent this way would read who it is from, and no mailbox to send notices to.
 */
const DEV_CALLER: Caller = {
  kind: 'dev',
  subject: 'dev',
  name: 'Sendguard development mode (no sign-in)',
  roles: ['sender', 'admin'],
};

/** The caller of a request on an authenticated route; a handler reaching this without one is a wiring bug. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new AuthError('AUTH_REQUIRED', 'route reached without authentication');
  return request.caller;
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new AuthError('AUTH_REQUIRED', 'no Authorization header');
  const match = /^Bearer +([\x21-\x7e]{1,8192})$/i.exec(header);
  if (!match?.[1]) throw new AuthError('AUTH_INVALID', 'Authorization is not a bearer token');
  return match[1];
}

type Verdict = { caller: Caller } | { reason: string };

/** What the request's token comes to: at once for an API token held in memory, else once it is looked up. */
function verdictOn(request: FastifyRequest, options: AuthOptions): Verdict | Promise<Verdict> {
  const token = bearerToken(request);
  if (looksLikeApiToken(token) && options.auth.apiTokens) return verifyApiToken(options.tokens, token);
  if (options.entra) return options.entra(token);
  return { reason: 'not an API token and Entra sign-in is not configured' };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * The caller a verifier's verdict names. Fails closed: a reason is a refused token (401); anything that is not a
 * caller with a subject and roles is a verifier bug, refused as an internal error (500) rather than let through.
 */
function callerIn(verdict: unknown): Caller {
  const answer = verdict as Partial<{ caller: Partial<Caller>; reason: unknown }> | null;
  if (typeof answer?.reason === 'string') throw new AuthError('AUTH_INVALID', answer.reason);
  const caller = answer?.caller;
  if (typeof caller?.subject !== 'string' || !Array.isArray(caller.roles))
    throw new Error('the token verifier answered without a caller');
  return caller as Caller;
}

const authPlugin: FastifyPluginAsync<AuthOptions> = async (app: FastifyInstance, options) => {
  if (options.auth.entra && !options.entra)
    throw new Error('auth.entra is set but no Entra verifier was given');
  app.decorateRequest('caller', null);
  if (options.auth.devNoAuth) {
    app.log.warn(
      'AUTHENTICATION IS OFF (auth.devNoAuth / SENDGUARD_DEV_NO_AUTH): every caller is an admin. Never run this on a shared machine.',
    );
  }
  // A callback hook rather than an async one: a known sender's request (nearly every one) passes without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const { config } = request.routeOptions;
    if (config.public) return done();
    if (options.auth.devNoAuth) {
      reply.header(DEV_NO_AUTH_HEADER, '1');
      request.caller = DEV_CALLER;
      return done();
    }
    const refuse = (error: unknown) => {
      // The reason helps an admin find a misconfigured audience or a revoked token; it never reaches the caller.
      if (error instanceof AuthError)
        request.log.info({ authFailure: error.reason }, 'authentication refused');
      done(error as Error);
    };
    // Never throws, so done() is called exactly once whatever the verifier answered.
    const admit = (verdict: unknown) => {
      let caller: Caller;
      try {
        caller = callerIn(verdict);
      } catch (error) {
        return refuse(error);
      }
      request.caller = caller;
      if (config.admin && !caller.roles.includes('admin'))
        return done(new AuthError('FORBIDDEN', `${caller.subject} is not an admin`));
      done();
    };
    let verdict: Verdict | PromiseLike<Verdict>;
    try {
      verdict = verdictOn(request, options);
    } catch (error) {
      return refuse(error);
    }
    // Any thenable is an answer still to come, not a caller; Promise.resolve adopts it.
    if (isThenable(verdict)) Promise.resolve(verdict).then(admit, refuse);
    else admit(verdict);
  });
};

// Fastify's documented way to let a plugin's hooks and decorators reach the scope that registers it
// (what the `fastify-plugin` package sets, without adding it as a dependency).
Object.assign(authPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'sendguard-auth',
});

export default authPlugin;
