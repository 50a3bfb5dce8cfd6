/**
 * GET /api/v1/sign-in as the pane keeps it (RFC 9110 §8.8.3, §13.1.2): the answer carries an ETag of exactly what
 * is served, a request naming it gets a 304 without a body, and another deployment's settings carry another tag.
 * Public (no token), and to be asked again at each use (no-cache).
 */
import { entityTag, namesTag } from '../../../src/server/api/conditional-answer';
import { deployedTestApp } from './fakes';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '6d1c0b8e-0000-4000-8000-000000000001';
const ENTRA = { tenantId: TENANT, clientId: CLIENT, jwksUri: 'http://127.0.0.1:9/keys' };

test('RFC 9110 §13.1.2: 200 with the tag of what is served, then 304 to a request naming it', async () => {
  const { app } = await deployedTestApp();
  try {
    const first = await app.inject({ method: 'GET', url: '/api/v1/sign-in' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ entra: null });
    const etag = first.headers.etag as string;
    expect(etag).toBe(entityTag(first.json()));
    expect(first.headers['cache-control']).toBe('public, no-cache');

    const again = await app.inject({
      method: 'GET',
      url: '/api/v1/sign-in',
      headers: { 'if-none-match': `"other", ${etag}` },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);

    const stale = await app.inject({
      method: 'GET',
      url: '/api/v1/sign-in',
      headers: { 'if-none-match': '"old"' },
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toEqual({ entra: null });
  } finally {
    await app.close();
  }
});

test('a deployment signing in with Entra serves other settings under another tag: a kept copy is not confirmed', async () => {
  const apiTokens = await deployedTestApp();
  const entra = await deployedTestApp({ config: { auth: { entra: ENTRA } } });
  try {
    const kept = await apiTokens.app.inject({ method: 'GET', url: '/api/v1/sign-in' });
    const asked = await entra.app.inject({
      method: 'GET',
      url: '/api/v1/sign-in',
      headers: { 'if-none-match': kept.headers.etag as string },
    });
    expect(asked.statusCode).toBe(200);
    expect(asked.json()).toMatchObject({ entra: { clientId: CLIENT } });
    expect(asked.headers.etag).toBe(entityTag(asked.json()));
    expect(asked.headers.etag).not.toBe(kept.headers.etag);
  } finally {
    await apiTokens.app.close();
    await entra.app.close();
  }
});

test('RFC 9110 §13.1.2: If-None-Match names the tag in a list, weakly compared, or as *', () => {
  expect(namesTag('"abc"', '"abc"')).toBe(true);
  expect(namesTag('"x", W/"abc"', '"abc"')).toBe(true);
  expect(namesTag('*', '"abc"')).toBe(true);
  expect(namesTag('"abcd"', '"abc"')).toBe(false);
  expect(namesTag(undefined, '"abc"')).toBe(false);
});
