/**
 * The service, deployed with `auth.entra`, against a real OpenID Connect provider configured like Entra
 * (oidc-provider, test/helpers/entra-provider.ts): its users' delegated tokens are let in and name the user; its
 * application-only tokens, tokens for another scope or API, tokens issued to other applications and expired
 * tokens are refused. Both ways to the keys: fetched over HTTP, and read from a local key set (`file:`).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../helpers/clock';
import { startEntraProvider, type EntraProvider } from '../../helpers/entra-provider';
import { deployedTestApp, logCollector } from '../api/fakes';

const TENANT = '5b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT = '0f1e2d3c-4b5a-4697-8877-665544332211';
const STRANGER = 'abcdefab-cdef-4abc-8def-abcdefabcdef';
const RESOURCE = `api://sendguard.example.org/${CLIENT}`;
const ANA = { oid: randomUUID(), preferredUsername: 'Ana.Example@Example.ORG', name: 'Ana Example' };

let entra: EntraProvider;
beforeAll(async () => {
  entra = await startEntraProvider({
    tenantId: TENANT,
    clientId: CLIENT,
    resource: RESOURCE,
    otherClients: [STRANGER],
  });
});
afterAll(() => entra?.close());

/** The service trusting the provider; its log tells why a token was refused (the caller is never told). */
async function service(entraSettings: Record<string, unknown> = {}, clock?: ManualClock) {
  const log = logCollector();
  const { app } = await deployedTestApp({
    config: {
      publicUrl: 'https://sendguard.example.org',
      auth: { entra: { ...entra.serviceSettings, ...entraSettings } },
    },
    deps: { logStream: log, ...(clock ? { clock } : {}) },
  });
  return Object.assign(app, { log });
}
type Service = Awaited<ReturnType<typeof service>>;

const me = (app: FastifyInstance, token: string) =>
  app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

/** 401 with the generic answer, and the logged reason matching `reason`. */
async function expectRefused(app: Service, token: string, reason: RegExp) {
  const response = await me(app, token);
  expect(response.statusCode).toBe(401);
  expect(response.json().error.code).toBe('AUTH_INVALID');
  const failures = app.log.lines.map((line) => JSON.parse(line).authFailure).filter(Boolean);
  expect(failures.at(-1)).toMatch(reason);
}

test('a user’s delegated token for the scope is let in, and names the user: oid, name, mailbox, tenant', async () => {
  const app = await service();
  const response = await me(app, await entra.delegatedToken(ANA));
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({
    kind: 'entra',
    subject: ANA.oid,
    name: 'Ana Example',
    address: 'ana.example@example.org',
    tenant: TENANT,
    roles: ['sender'],
  });
});

test('the same, with the keys read from a local key set (jwksUri file:)', async () => {
  const app = await service({ jwksUri: entra.jwksFileUri });
  expect((await me(app, await entra.delegatedToken(ANA))).statusCode).toBe(200);
  await expectRefused(app, await entra.appOnlyToken(), /application-only/);
});

test('the admin app role in the user’s token makes them an admin', async () => {
  const app = await service();
  const token = await entra.delegatedToken(ANA, { roles: ['Sendguard.Admin'] });
  expect((await me(app, token)).json().roles).toEqual(['sender', 'admin']);
});

test('an application-only token (client credentials) is refused, even from an accepted application', async () => {
  const app = await service({ clientApplications: [CLIENT, entra.appClientId] });
  await expectRefused(app, await entra.appOnlyToken(), /application-only token \(idtyp: app\)/);
});

test('a token for another scope of this API is refused', async () => {
  const app = await service();
  const token = await entra.delegatedToken(ANA, { scope: 'Files.Read' });
  await expectRefused(app, token, /lacks the scope access_as_user/);
});

test('a token for another API (its audience and scope) is refused', async () => {
  const app = await service();
  const token = await entra.delegatedToken(ANA, {
    resource: 'https://graph.microsoft.com',
    scope: 'Mail.Read',
  });
  await expectRefused(app, token, /ERR_JWT_CLAIM_VALIDATION_FAILED.*aud/);
});

test('a token issued to another client application (azp) is refused; accepted once that client is listed', async () => {
  const token = await entra.delegatedToken(ANA, { client: STRANGER });
  await expectRefused(await service(), token, new RegExp(`client application ${STRANGER}`));
  expect((await me(await service({ clientApplications: [CLIENT, STRANGER] }), token)).statusCode).toBe(200);
});

test('a short-lived token is let in while valid and refused once expired, past the clock tolerance', async () => {
  const clock = new ManualClock(Date.now());
  const app = await service({ clockToleranceSeconds: 5 }, clock);
  const token = await entra.delegatedToken(ANA, { lifetimeSeconds: 10 });
  expect((await me(app, token)).statusCode).toBe(200);
  clock.advance(16_000);
  await expectRefused(app, token, /ERR_JWT_EXPIRED/);
});

test('the sign-in settings point the add-in at this provider', async () => {
  const app = await service();
  expect((await app.inject({ method: 'GET', url: '/api/v1/sign-in' })).json()).toEqual({
    entra: { clientId: CLIENT, authority: entra.authority, scopes: [`${RESOURCE}/access_as_user`] },
  });
});
