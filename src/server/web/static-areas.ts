/**
 * The browser side the backend serves: the built bundles under dist/web/<area>/ (webpack.config.js), each at its
 * own path, and a start page saying what is where. An area not built yet is simply absent from the start page.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const WEB_ROOT = join(__dirname, '..', '..', '..', 'dist', 'web');

export interface WebArea {
  /** Folder under dist/web. */
  folder: string;
  /** URL prefix, ending in a slash. */
  prefix: string;
  /** What a newcomer finds there, for the start page. */
  about: string;
}

export const WEB_AREAS: WebArea[] = [
  { folder: 'outlook', prefix: '/addin/', about: 'the Outlook add-in: task pane and on-send check' },
  { folder: 'outlook/tryit', prefix: '/try/', about: 'try the compose pane in a browser, without Outlook' },
  { folder: 'portal', prefix: '/pickup/', about: 'the secure-pickup portal recipients open' },
];

export interface WebOptions {
  root?: string;
  publicUrl: string;
}

function startPage(publicUrl: string, areas: WebArea[]): string {
  const items = [
    ...areas.map((a) => `<li><a href="${a.prefix}">${publicUrl}${a.prefix}</a> — ${a.about}</li>`),
    `<li><a href="/manifest.xml">${publicUrl}/manifest.xml</a> — the Outlook manifest for this deployment (upload it in the Microsoft 365 admin centre, or sideload it)</li>`,
    `<li><a href="/api/v1/openapi.json">${publicUrl}/api/v1/openapi.json</a> — the API description</li>`,
    `<li><a href="/healthz">${publicUrl}/healthz</a> — health</li>`,
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sendguard</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5;padding:0 1rem}</style></head>
<body><h1>Sendguard</h1><p>This server decides how each recipient of a message is protected. It serves:</p>
<ul>${items.join('\n')}</ul></body></html>`;
}

const staticAreas: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const root = options.root ?? WEB_ROOT;
  const built = WEB_AREAS.filter((area) => existsSync(join(root, area.folder)));
  for (const area of built) {
    await app.register(fastifyStatic, {
      root: join(root, area.folder),
      prefix: area.prefix,
      decorateReply: false,
      index: ['index.html'],
      // The bundles change with every build; the add-in hosts cache aggressively otherwise.
      cacheControl: false,
      setHeaders: (response) => response.setHeader('cache-control', 'no-cache'),
    });
  }
  const page = startPage(options.publicUrl, built);
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(page),
  );
};

export default staticAreas;
