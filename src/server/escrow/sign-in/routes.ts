/**
 * Recipient sign-in (docs/escrow-protocol.md, "Recipient sign-in"), in the portal's pop-up: the start, which
 * redirects to the recipient's provider; the one callback, which verifies the ID token and starts the recipient's
 * session; and the page's request for that session's answer. Start and callback run in the pop-up, so they answer
 * with redirects — to the provider, or to the portal's landing page naming the outcome — never with JSON.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { mailboxKey } from '../../../core/addresses';
import {
  SIGN_IN_FAILED_PARAM,
  SIGN_IN_MESSAGE_PARAM,
  SIGNED_IN_PARAM,
  type SignInFailure,
} from '../../../core/escrow/sign-in-outcome';
import { MessageId, VerifyResponse } from '../../../core/escrow/wire';
import { jsonSchema } from '../../api/schema';
import { RetryLaterError } from '../../api/errors';
import { findLiveMessage, limitClient, type EscrowContext } from '../context';
import { currentSessionAnswer, startRecipientSession } from '../recipient-session';
import { IdParams, PUBLIC, TAGS } from '../route-schemas';
import { claimsVouchFor } from './claims';
import type { OidcClient, SignInFlow } from './flow';
import { exchangeCode, verifyIdToken } from './id-token';
import {
  clearTransactionCookie,
  codeChallenge,
  readTransaction,
  setTransactionCookie,
  TRANSACTION_TTL_MS,
  type SignInTransaction,
} from './transaction';

const StartParams = z.strictObject({ id: MessageId, provider: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/) });
type StartParams = z.infer<typeof StartParams>;

/** What a provider sends back (RFC 6749 §4.1.2 and §4.1.2.1); providers add their own parameters. */
const CallbackQuery = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
});
type CallbackQuery = z.infer<typeof CallbackQuery>;

/** The callback's path under the escrow API (`/api/v1/escrow`). */
export const CALLBACK_PATH = '/sign-in/callback';

/** The one redirect URI every provider knows this service by. */
export function callbackUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, '')}/api/v1/escrow${CALLBACK_PATH}`;
}

/** Ends the pop-up's visit on the portal's landing page, which tells the page that opened it. */
function land(ctx: EscrowContext, reply: FastifyReply, params: Record<string, string>) {
  const url = new URL('pickup/', `${ctx.config.publicUrl.replace(/\/$/, '')}/`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return reply.redirect(url.href, 303);
}

/** The failure, and the message it is about when known (not for a callback without its transaction). */
const fail = (ctx: EscrowContext, reply: FastifyReply, failure: SignInFailure, messageId?: string) =>
  land(ctx, reply, {
    [SIGN_IN_FAILED_PARAM]: failure,
    ...(messageId ? { [SIGN_IN_MESSAGE_PARAM]: messageId } : {}),
  });

/**
 * Failures of a step that redirects: the rate limit in its own words; the rest (the provider's, or a store's)
 * logged with their codes, and told the recipient as a failure to try again later.
 */
function failureOf(ctx: EscrowContext, error: unknown): SignInFailure {
  if (error instanceof RetryLaterError) return 'too-many';
  ctx.log.warn({ err: error }, 'a recipient sign-in failed');
  return 'provider-error';
}

const random = (ctx: EscrowContext) => ctx.random(32).toString('base64url');

/** The provider's authorization request (OpenID Connect Core §3.1.2.1, PKCE S256). */
function authorizationUrl(client: OidcClient, redirectUri: string, transaction: SignInTransaction): string {
  const url = new URL(client.metadata.authorizationEndpoint);
  const query = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    // Only what the rules read: the email claims (Microsoft's and Google's extra claims come without asking).
    scope: 'openid email',
    state: transaction.state,
    nonce: transaction.nonce,
    code_challenge: codeChallenge(transaction.codeVerifier),
    code_challenge_method: 'S256',
    // Microsoft and Google keep people signed in, often with another account than the address's: let them
    // choose. Other providers may not know this prompt and would refuse the request.
    ...(client.rules === 'generic' ? {} : { prompt: 'select_account' }),
  };
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}

/** An active recipient of the message whose stored provider is `provider`: the provider's client is found for it. */
async function recipientOf(
  ctx: EscrowContext,
  messageId: string,
  provider: string,
): Promise<string | undefined> {
  const recipients = await ctx.store.recipients(messageId);
  return recipients.find((r) => r.state === 'active' && r.signIn?.provider === provider)?.address;
}

function startRoute(app: FastifyInstance, ctx: EscrowContext, flow: SignInFlow): void {
  app.get<{ Params: StartParams }>(
    '/pickup/:id/sign-in/:provider',
    { ...PUBLIC, schema: { tags: TAGS, params: jsonSchema(StartParams) } },
    async (request, reply) => {
      const { id, provider } = request.params;
      const signal = AbortSignal.timeout(flow.stepDeadlineMs);
      try {
        await limitClient(ctx, request);
        if (!(await findLiveMessage(ctx, id))) return fail(ctx, reply, 'gone', id);
        const via = await recipientOf(ctx, id, provider);
        const client = via && (await flow.clientFor(via, provider, signal));
        if (!via || !client) return fail(ctx, reply, 'not-offered', id);
        const transaction: SignInTransaction = {
          messageId: id,
          provider,
          via,
          state: random(ctx),
          nonce: random(ctx),
          codeVerifier: random(ctx),
          expiresAt: ctx.clock.now() + TRANSACTION_TTL_MS,
        };
        setTransactionCookie(reply, ctx.serverKey, transaction);
        return reply.redirect(authorizationUrl(client, callbackUrl(ctx.config.publicUrl), transaction), 303);
      } catch (error) {
        return fail(ctx, reply, failureOf(ctx, error), id);
      }
    },
  );
}

/**
 * The address the provider vouches for, after every check of the answer; undefined when the account's email is
 * not one the provider's rules vouch for.
 */
async function provenAddress(
  ctx: EscrowContext,
  client: OidcClient,
  transaction: SignInTransaction,
  code: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const idToken = await exchangeCode(
    {
      tokenEndpoint: client.metadata.tokenEndpoint,
      clientId: client.clientId,
      ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
      code,
      redirectUri: callbackUrl(ctx.config.publicUrl),
      codeVerifier: transaction.codeVerifier,
    },
    client.remote,
    signal,
  );
  const claims = await verifyIdToken(idToken, {
    issuer: client.metadata.issuer,
    rules: client.rules,
    clientId: client.clientId,
    nonce: transaction.nonce,
    keys: client.keys.forUri(client.metadata.jwksUri, signal),
    now: ctx.clock.now(),
  });
  const address = typeof claims.email === 'string' ? mailboxKey(claims.email) : undefined;
  return address && claimsVouchFor(client.rules, claims, address) ? address : undefined;
}

/** The recipient `address` is, if active and stored with this provider. */
async function signsInWith(
  ctx: EscrowContext,
  transaction: SignInTransaction,
  address: string,
): Promise<boolean> {
  const recipient = await ctx.store.getRecipient(transaction.messageId, address);
  return recipient?.state === 'active' && recipient.signIn?.provider === transaction.provider;
}

function callbackRoute(app: FastifyInstance, ctx: EscrowContext, flow: SignInFlow): void {
  app.get<{ Querystring: CallbackQuery }>(
    CALLBACK_PATH,
    { ...PUBLIC, schema: { tags: TAGS, querystring: jsonSchema(CallbackQuery) } },
    async (request, reply) => {
      const transaction = readTransaction(request, ctx.serverKey, ctx.clock.now());
      clearTransactionCookie(reply);
      if (!transaction) return fail(ctx, reply, 'expired');
      const { messageId, provider } = transaction;
      const { code, state, error } = request.query;
      if (state !== transaction.state) return fail(ctx, reply, 'expired', messageId);
      if (error !== undefined || code === undefined) return fail(ctx, reply, 'cancelled', messageId);
      const signal = AbortSignal.timeout(flow.stepDeadlineMs);
      try {
        await limitClient(ctx, request);
        if (!(await findLiveMessage(ctx, messageId))) return fail(ctx, reply, 'gone', messageId);
        // Looked up again: the provider may have changed for the domain since the sign-in started.
        const client = await flow.clientFor(transaction.via, provider, signal);
        if (!client) return fail(ctx, reply, 'not-offered', messageId);
        const address = await provenAddress(ctx, client, transaction, code, signal);
        if (!address || !(await signsInWith(ctx, transaction, address)))
          return fail(ctx, reply, 'not-a-recipient', messageId);
        // The provider must be the one named for the address it proved, not only for the one the start went by.
        if (!(await flow.clientFor(address, provider, signal)))
          return fail(ctx, reply, 'not-offered', messageId);
        await startRecipientSession(ctx, request, reply, { messageId, address });
        return land(ctx, reply, { [SIGNED_IN_PARAM]: messageId });
      } catch (caught) {
        return fail(ctx, reply, failureOf(ctx, caught), messageId);
      }
    },
  );
}

/** The page that opened the pop-up continues with the session it started, as after a right code. */
function sessionRoute(app: FastifyInstance, ctx: EscrowContext): void {
  app.post<{ Params: IdParams }>(
    '/pickup/:id/session',
    {
      ...PUBLIC,
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        response: { 200: jsonSchema(VerifyResponse, 'output') },
      },
    },
    async (request: FastifyRequest<{ Params: IdParams }>) =>
      currentSessionAnswer(ctx, request, request.params.id),
  );
}

export async function signInRoutes(
  app: FastifyInstance,
  ctx: EscrowContext,
  flow: SignInFlow,
): Promise<void> {
  startRoute(app, ctx, flow);
  callbackRoute(app, ctx, flow);
  sessionRoute(app, ctx);
}
