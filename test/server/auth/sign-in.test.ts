/**
 * `GET /api/v1/sign-in`: what the add-in signs in with, public (it has no token yet), derived from `auth.entra`,
 * and read back by the core reader the add-in uses.
 */
import { AnswerError } from '../../../src/core/evaluate/fields';
import { readSignInSettings } from '../../../src/core/sign-in';
import { deployedTestApp, testApp } from '../api/fakes';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = '99999999-8888-7777-6666-555555555555';

/**
 * Asked as the add-in asks it, with no token, of the service as deployed (authentication on); `dev` asks a service
 * in development mode instead, whose answer is part of what is tested.
 */
async function signIn(auth: Record<string, unknown>, mode: 'deployed' | 'dev' = 'deployed') {
  const config = { publicUrl: 'https://sendguard.example.org', auth };
  const { app } = await (mode === 'dev' ? testApp({ config }) : deployedTestApp({ config }));
  return app.inject({ method: 'GET', url: '/api/v1/sign-in' });
}

test('with Entra: the client ID, the authority (the issuer without /v2.0) and the scope on the resource, without a token', async () => {
  const response = await signIn({ entra: { tenantId: TENANT, clientId: CLIENT } });
  expect(response.statusCode).toBe(200);
  const expected = {
    entra: {
      clientId: CLIENT,
      authority: `https://login.microsoftonline.com/${TENANT}`,
      scopes: [`api://sendguard.example.org/${CLIENT}/access_as_user`],
    },
  };
  expect(response.json()).toEqual(expected);
  expect(readSignInSettings(response.json())).toEqual(expected);
});

test('a configured issuer, audience and scope are what the add-in is told', async () => {
  const response = await signIn({
    entra: {
      tenantId: TENANT,
      clientId: CLIENT,
      issuer: `http://127.0.0.9:4000/${TENANT}/v2.0`,
      audience: ['api://custom/resource', CLIENT],
      scope: 'Mail.Protect',
    },
  });
  expect(response.json()).toEqual({
    entra: {
      clientId: CLIENT,
      authority: `http://127.0.0.9:4000/${TENANT}`,
      scopes: ['api://custom/resource/Mail.Protect'],
    },
  });
});

test.each([
  ['API tokens only', { apiTokens: true }, 'deployed'],
  [
    'development mode, even with Entra configured',
    { devNoAuth: true, entra: { tenantId: TENANT, clientId: CLIENT } },
    'dev',
  ],
] as const)('%s: entra is null', async (_name, auth, mode) => {
  const response = await signIn(auth, mode);
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ entra: null });
  expect(readSignInSettings(response.json())).toEqual({ entra: null });
});

describe('readSignInSettings refuses what is not the shape, naming it', () => {
  const good = { clientId: CLIENT, authority: 'https://login.example/t', scopes: ['api://x/s'] };
  test.each([
    [null, /the answer is missing|the answer "null"/],
    [{}, /entra is missing/],
    [{ entra: { ...good, clientId: 7 } }, /entra.clientId "7" is not text/],
    [{ entra: { ...good, authority: '' } }, /entra.authority "" is too short/],
    [{ entra: { ...good, scopes: [] } }, /entra.scopes is empty/],
    [{ entra: { ...good, scopes: 'api://x/s' } }, /entra.scopes "api:\/\/x\/s" is not a list/],
    [{ entra: { ...good, scopes: Array(17).fill('s') } }, /more than 16 entries/],
  ])('%j', (body, message) => {
    expect(() => readSignInSettings(body)).toThrow(AnswerError);
    expect(() => readSignInSettings(body)).toThrow(message);
  });
});
