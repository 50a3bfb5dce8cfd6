/**
 * The browser side the backend serves: the built bundles under dist/web/<area>/ (webpack.config.js), each at its
 * own path with the headers its pages need, a start page saying what is where, and the service's privacy and
 * terms pages. An area not built yet is simply absent from the start page.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { PORTAL_HEADERS } from '../escrow/headers';
import { MANIFEST_DOWNLOADS } from './manifests';
import { htmlPage } from './page';
import { POLICY_PAGES, PRIVACY_PATH, TERMS_PATH } from './policy-pages';

export const WEB_ROOT = join(__dirname, '..', '..', '..', 'dist', 'web');

/**
 * Outlook frames the pane from Microsoft's origins and loads Office.js from its CDN; Fluent UI writes its styles
 * at run time; Outlook fetches the icons from its own origin. Everything else stays this origin's own.
 */
const addinHeaders = (connectSrc: string): Readonly<Record<string, string>> => ({
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self' https://appsforoffice.microsoft.com",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connectSrc}`,
    "frame-ancestors 'self' https://*.office.com https://*.office365.com https://*.outlook.com https://*.live.com https://*.microsoft.com",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; '),
  'cross-origin-resource-policy': 'cross-origin',
  'cache-control': 'no-cache',
});

/** The pane's sign-in window (signin.html) redeems its sign-in at Microsoft's Entra token endpoint. */
const ADDIN_HEADERS = addinHeaders("'self' https://login.microsoftonline.com");

/**
 * The try-it page's simulated Outlook signs in through a test identity provider's token endpoint on this machine
 * (`?naa=`, src/outlook/tryit/naa-bridge.ts): loopback origins only, as that provider answers only them.
 */
const TRY_HEADERS = addinHeaders(
  "'self' https://login.microsoftonline.com http://localhost:* http://127.0.0.1:* http://[::1]:*",
);

interface WebArea {
  /** Folder under dist/web. */
  folder: string;
  /** URL prefix, ending in a slash. */
  prefix: string;
  /** What a newcomer finds there, for the start page. */
  about: string;
  /** Set on every file served, over the service's defaults. */
  headers: Readonly<Record<string, string>>;
}

const WEB_AREAS: WebArea[] = [
  {
    folder: 'outlook',
    prefix: '/addin/',
    about: 'the Outlook add-in: task pane and on-send check',
    headers: ADDIN_HEADERS,
  },
  {
    folder: 'outlook/tryit',
    prefix: '/try/',
    about: 'try the compose pane in a browser, without Outlook',
    headers: TRY_HEADERS,
  },
  {
    folder: 'portal',
    prefix: '/pickup/',
    about: 'the secure-pickup portal recipients open',
    headers: PORTAL_HEADERS,
  },
];

interface WebOptions {
  root?: string;
  publicUrl: string;
}

function startPage(publicUrl: string, areas: WebArea[]): string {
  const items = [
    ...areas.map((a) => `<li><a href="${a.prefix}">${publicUrl}${a.prefix}</a> — ${a.about}</li>`),
    ...Object.values(MANIFEST_DOWNLOADS).map(
      ({ path, about }) => `<li><a href="${path}">${publicUrl}${path}</a> — ${about}</li>`,
    ),
    `<li><a href="/api/v1/openapi.json">${publicUrl}/api/v1/openapi.json</a> — the API description</li>`,
    `<li><a href="/healthz">${publicUrl}/healthz</a> — health</li>`,
    `<li><a href="${PRIVACY_PATH}">${publicUrl}${PRIVACY_PATH}</a> — what this service keeps</li>`,
    `<li><a href="${TERMS_PATH}">${publicUrl}${TERMS_PATH}</a> — terms of use</li>`,
  ];
  return htmlPage(
    'Sendguard',
    `<h1>Sendguard</h1><p>This server decides how each recipient of a message is protected. It serves:</p>
<ul>${items.join('\n')}</ul>`,
  );
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
      // Headers of its own per area; without this @fastify/static would set its own Cache-Control over them.
      cacheControl: false,
      setHeaders: (response) => {
        for (const [name, value] of Object.entries(area.headers)) response.setHeader(name, value);
      },
    });
  }
  const pages = { '/': startPage(options.publicUrl, built), ...POLICY_PAGES };
  for (const [path, page] of Object.entries(pages)) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(page),
    );
  }
};

export default staticAreas;
