/**
 * The console as the service serves it (the real build under dist/web/admin/): its page asked for again on every
 * opening, its content-hashed bundles kept for good and sent Brotli-compressed to a browser that accepts it, its
 * own scripts only, never framed; and the start page links to it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import staticAreas, { WEB_ROOT } from '../../src/server/web/static-areas';
import { CONSOLE_DIST, buildConsole } from './built-console';

let app: FastifyInstance;

beforeAll(async () => {
  buildConsole();
  app = Fastify();
  await app.register(staticAreas, { root: WEB_ROOT, publicUrl: 'https://sendguard.example.org' });
}, 300_000);

afterAll(() => app.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

test('the page: no-cache, its own scripts only, no framing, no referrer', async () => {
  const page = await get('/admin/');
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  expect(page.headers['cache-control']).toBe('no-cache');
  const csp = String(page.headers['content-security-policy']).split('; ');
  expect(csp).toEqual(
    expect.arrayContaining([
      "default-src 'none'",
      "script-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ]),
  );
  expect(page.headers['x-frame-options']).toBe('DENY');
  expect(page.headers['referrer-policy']).toBe('no-referrer');
  // The page names its bundle by content hash, relative to where it is mounted.
  expect(page.body).toMatch(/<script defer src=\.\/admin\.[0-9a-f]{8}\.js><\/script>/);
});

test('hashed bundles and their chunks: immutable, Brotli when accepted, Vary: Accept-Encoding', async () => {
  const scripts = [
    ...readdirSync(CONSOLE_DIST).filter((name) => name.endsWith('.js')),
    ...readdirSync(join(CONSOLE_DIST, 'chunks'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => `chunks/${name}`),
  ];
  expect(scripts.some((name) => /^chunks\/overview\.[0-9a-f]{8}\.js$/.test(name))).toBe(true);
  for (const name of scripts) {
    const plain = await get(`/admin/${name}`);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const brotli = await get(`/admin/${name}`, { 'accept-encoding': 'br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.vary).toContain('accept-encoding');
    expect(brotliDecompressSync(brotli.rawPayload).toString('utf8')).toBe(plain.body);
  }
});

test('the start page links to the console', async () => {
  const start = await get('/');
  expect(start.body).toContain(
    '<a href="/admin/">https://sendguard.example.org/admin/</a> — the admin console',
  );
});
