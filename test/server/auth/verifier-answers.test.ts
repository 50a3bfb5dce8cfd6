/**
 * The auth plugin with a token verifier that answers oddly: whatever it answers, each request gets a response
 * (no hang until the socket times out) and nobody is let in without a caller.
 */
import Fastify from 'fastify';
import { installErrorHandling } from '../../../src/server/api/errors';
import authPlugin, { ADMIN_ONLY } from '../../../src/server/auth/plugin';
import type { EntraVerifier } from '../../../src/server/auth/entra';
import { openMemoryStore } from '../../../src/server/store/memory';

const ANA = { kind: 'entra', subject: 'ana', name: 'Ana', roles: ['sender'] };

/** An app whose Entra verifier answers every token with `answer()`, with one sender route and one admin route. */
async function appAnswering(answer: () => unknown) {
  const app = Fastify({ logger: false });
  installErrorHandling(app);
  await app.register(authPlugin, {
    auth: { entra: { tenantId: 't', clientId: 'c', audience: 'a', jwksUri: 'file:///none' } } as never,
    tokens: openMemoryStore().tokens,
    entra: (() => answer()) as unknown as EntraVerifier,
  });
  app.get('/sender', async (request) => ({ subject: request.caller?.subject }));
  app.get('/admin', { config: ADMIN_ONLY }, async (request) => ({ subject: request.caller?.subject }));
  return app;
}

const call = (app: Awaited<ReturnType<typeof appAnswering>>, url: string) =>
  app.inject({ method: 'GET', url, headers: { authorization: 'Bearer some.entra.token' } });

/** A thenable that is not a Promise, settling with `value`. */
const thenable = (value: unknown) => ({
  then: (resolve: (value: unknown) => void) => setImmediate(() => resolve(value)),
});

test.each([
  ['a caller without roles, at once', () => ({ caller: { kind: 'entra', subject: 'ana' } })],
  ['a caller without roles, later', async () => ({ caller: { kind: 'entra', subject: 'ana' } })],
  ['no caller and no reason', async () => ({})],
  ['nothing at all', async () => undefined],
])(
  'a verifier answering %s is an internal error on every route, not a hang or a pass',
  async (_name, answer) => {
    const app = await appAnswering(answer);
    for (const url of ['/sender', '/admin']) {
      const response = await call(app, url);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    }
    await app.close();
  },
);

test('a verifier answering a thenable is waited for: its caller is let in, its reason refused', async () => {
  const admitted = await appAnswering(() => thenable({ caller: ANA }));
  const response = await call(admitted, '/sender');
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ subject: 'ana' });
  expect((await call(admitted, '/admin')).statusCode).toBe(403);
  await admitted.close();

  const refused = await appAnswering(() => thenable({ reason: 'expired' }));
  const refusal = await call(refused, '/sender');
  expect(refusal.statusCode).toBe(401);
  expect(refusal.json()).toEqual({ error: { code: 'AUTH_INVALID', message: expect.any(String) } });
  await refused.close();
});
