/**
 * The content security policy of the add-in's pages and the try-it page: the pane's sign-in window may reach the
 * configured Entra authority's origin (Microsoft's, a national cloud's, a test provider's) and nothing else
 * outside this origin; the try-it page reaches loopback origins (a test identity provider) only where
 * `tryIt.simulatedSignIn` is on, and says so in /try/settings.js.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import staticAreas from '../../../src/server/web/static-areas';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sendguard-web-'));
  mkdirSync(join(root, 'outlook', 'tryit'), { recursive: true });
  writeFileSync(join(root, 'outlook', 'signin.html'), '<!doctype html><title>sign in</title>');
  writeFileSync(join(root, 'outlook', 'tryit', 'index.html'), '<!doctype html><title>try</title>');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function served(options: { entraIssuer?: string; simulatedSignIn?: boolean }) {
  const app = Fastify();
  await app.register(staticAreas, { root, publicUrl: 'https://sendguard.example.org', ...options });
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    return response;
  };
  const connectSrc = async (url: string) =>
    String((await get(url)).headers['content-security-policy'])
      .split('; ')
      .find((directive) => directive.startsWith('connect-src '));
  return { app, get, connectSrc };
}

describe("the sign-in window's connect-src is the configured authority's origin", () => {
  test.each([
    [
      'Microsoft’s',
      'https://login.microsoftonline.com/0b7e-tenant/v2.0',
      'https://login.microsoftonline.com',
    ],
    [
      'a national cloud’s',
      'https://login.microsoftonline.us/0b7e-tenant/v2.0',
      'https://login.microsoftonline.us',
    ],
    ['a test provider’s', 'https://127.0.0.1:8443/0b7e-tenant/v2.0', 'https://127.0.0.1:8443'],
  ])('%s', async (_, entraIssuer, origin) => {
    const { app, connectSrc } = await served({ entraIssuer });
    expect(await connectSrc('/addin/signin.html')).toBe(
      `connect-src 'self' ${origin} https://graph.microsoft.com`,
    );
    await app.close();
  });

  test('without Entra sign-in: this origin only', async () => {
    const { app, connectSrc } = await served({});
    expect(await connectSrc('/addin/signin.html')).toBe("connect-src 'self'");
    await app.close();
  });
});

test('the sign-in window keeps its opener (Office reaches Outlook through it); the try-it page may open it', async () => {
  const { app, get } = await served({});
  expect((await get('/addin/signin.html')).headers['cross-origin-opener-policy']).toBe('unsafe-none');
  expect((await get('/try/')).headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
  await app.close();
});

describe('the try-it page’s simulated sign-in', () => {
  const issuer = 'https://login.microsoftonline.com/0b7e-tenant/v2.0';

  test('off by default: no loopback origin, and the page is told it is off', async () => {
    const { app, get, connectSrc } = await served({ entraIssuer: issuer });
    const csp = await connectSrc('/try/');
    expect(csp).toBe("connect-src 'self' https://login.microsoftonline.com https://graph.microsoft.com");
    const settings = await get('/try/settings.js');
    expect(settings.headers['content-type']).toContain('javascript');
    expect(settings.body).toBe('window.sendguardTrySettings = {"simulatedSignIn":false};\n');
    await app.close();
  });

  test('on: loopback origins for the test provider, and the page is told so', async () => {
    const { app, get, connectSrc } = await served({ entraIssuer: issuer, simulatedSignIn: true });
    expect(await connectSrc('/try/')).toBe(
      "connect-src 'self' https://login.microsoftonline.com https://graph.microsoft.com http://localhost:* http://127.0.0.1:* http://[::1]:*",
    );
    expect((await get('/try/settings.js')).body).toContain('"simulatedSignIn":true');
    // The add-in's own pages never reach loopback origins, whatever the try-it page may.
    expect(await connectSrc('/addin/signin.html')).toBe(
      "connect-src 'self' https://login.microsoftonline.com https://graph.microsoft.com",
    );
    await app.close();
  });
});
