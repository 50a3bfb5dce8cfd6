/**
 * A warm opening of the pane reads its bundles from the browser's cache without asking: the pages name bundles
 * whose names carry their content's hash, served as immutable, while the pages themselves (and every file with a
 * fixed name, such as the send handler the manifest names) are asked for again each time, so a new build reaches
 * senders at once. Against the built bundles, served as the service serves them.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import staticAreas, { WEB_ROOT } from '../../src/server/web/static-areas';
import { buildOutlook } from './built-addin';

let app: FastifyInstance;

beforeAll(async () => {
  buildOutlook();
  app = Fastify();
  await app.register(staticAreas, { root: WEB_ROOT, publicUrl: 'https://sendguard.example.org' });
}, 240_000);

afterAll(() => app.close());

async function get(url: string) {
  const response = await app.inject({ method: 'GET', url });
  expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
  return response;
}

/** The same-origin scripts a page names, as URLs under `base`. */
function scriptsOf(html: string, base: string): string[] {
  return [...html.matchAll(/<script src="?([^" >]+)/g)]
    .map((match) => match[1]!)
    .filter((src) => !src.startsWith('http'))
    .map((src) => new URL(src, `https://sendguard.example.org${base}`).pathname);
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

test.each([
  ['the pane', '/addin/taskpane.html', '/addin/', ['/addin/taskpane.']],
  [
    'the try-it page',
    '/try/',
    '/try/',
    ['/addin/tryit/tryit.', '/addin/launchevent-web.', '/addin/taskpane.'],
  ],
  ['the try-it read page', '/try/read.html', '/try/', ['/addin/tryit/read.', '/addin/readpane.']],
])('%s is asked for each time; the bundles it names are hashed and kept', async (_, page, base, bundles) => {
  const html = await get(page);
  expect(html.headers['cache-control']).toBe('no-cache');
  const scripts = scriptsOf(html.body, base);
  for (const prefix of bundles) {
    const bundle = scripts.find((src) => src.startsWith(prefix));
    expect(bundle).toMatch(/\.[0-9a-f]{8}\.js$/);
    expect((await get(bundle!)).headers['cache-control']).toBe(IMMUTABLE);
  }
});

test('files with fixed names, the send handler the manifest names among them, are asked for each time', async () => {
  for (const url of ['/addin/launchevent.js', '/try/dialog-office.js', '/addin/launchevent.html']) {
    expect((await get(url)).headers['cache-control']).toBe('no-cache');
  }
});

test.each([
  ['br', brotliDecompressSync],
  ['gzip', gunzipSync],
])(
  'a bundle is sent as its %s copy to a browser that accepts it, the same script',
  async (encoding, decode) => {
    const page = await get('/addin/taskpane.html');
    const bundle = scriptsOf(page.body, '/addin/').find((src) => src.startsWith('/addin/taskpane.'))!;
    const plain = await get(bundle);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const response = await app.inject({
      method: 'GET',
      url: bundle,
      headers: { 'accept-encoding': encoding },
    });
    expect(response.headers).toMatchObject({
      'content-encoding': encoding,
      'content-type': expect.stringContaining('javascript'),
      vary: 'accept-encoding',
      'cache-control': IMMUTABLE,
    });
    expect(response.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(decode(response.rawPayload).equals(plain.rawPayload)).toBe(true);
  },
);

test('with CORS origins configured, a bundle still varies by Accept-Encoding as well as by Origin', async () => {
  // As app.ts registers it: @fastify/cors adds `Origin` to Vary on every reply, written after the file's own headers.
  const withCors = Fastify();
  await withCors.register(cors, { origin: ['https://outlook.office.com'] });
  await withCors.register(staticAreas, { root: WEB_ROOT, publicUrl: 'https://sendguard.example.org' });
  try {
    const page = await get('/addin/taskpane.html');
    const bundle = scriptsOf(page.body, '/addin/').find((src) => src.startsWith('/addin/taskpane.'))!;
    for (const encoding of ['br', 'identity']) {
      const response = await withCors.inject({
        method: 'GET',
        url: bundle,
        headers: { 'accept-encoding': encoding, origin: 'https://outlook.office.com' },
      });
      expect(response.statusCode).toBe(200);
      const vary = String(response.headers.vary)
        .split(',')
        .map((field) => field.trim().toLowerCase());
      expect({ encoding, vary: vary.sort() }).toEqual({ encoding, vary: ['accept-encoding', 'origin'] });
    }
  } finally {
    await withCors.close();
  }
});
