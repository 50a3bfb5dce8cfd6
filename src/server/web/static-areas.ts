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
import { ADMIN_HEADERS } from './admin-headers';
import { MANIFEST_DOWNLOADS } from './manifests';
import { htmlPage } from './page';
import { POLICY_PAGES, PRIVACY_PATH, TERMS_PATH } from './policy-pages';
import { addVary } from './vary';
import { MICROSOFT_GRAPH } from '../../core/microsoft-graph';

export const WEB_ROOT = join(__dirname, '..', '..', '..', 'dist', 'web');

/**
 * How the pages stand to the windows they open or are opened by (helmet's default, `same-origin`, would cut
 * both): Office's dialog window (signin.html) reaches Outlook through its opener, which it must keep on its way
 * to the authority and back; the try-it page opens that window itself, as Outlook would.
 */
const OPENER_POLICY = { addin: 'unsafe-none', tryIt: 'same-origin-allow-popups' } as const;

/**
 * Outlook frames the pane from Microsoft's origins and loads Office.js from its CDN; Fluent UI writes its styles
 * at run time; Outlook fetches the icons from its own origin. Everything else stays this origin's own.
 * `wasm-unsafe-eval`: the sender's passcode for secure pickup goes through Argon2id, which runs as WebAssembly.
 */
const addinHeaders = (
  connectSrc: string[],
  openerPolicy: (typeof OPENER_POLICY)[keyof typeof OPENER_POLICY],
): Readonly<Record<string, string>> => ({
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' https://appsforoffice.microsoft.com",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "frame-ancestors 'self' https://*.office.com https://*.office365.com https://*.outlook.com https://*.live.com https://*.microsoft.com",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; '),
  'cross-origin-resource-policy': 'cross-origin',
  'cross-origin-opener-policy': openerPolicy,
  // Asked again on every use (ETag, 304): the pages name the bundles, so a new build reaches senders at once.
  'cache-control': 'no-cache',
});

/**
 * A bundle whose name carries a hash of its content (webpack's `[contenthash:8]`, src/outlook/webpack.part.js),
 * or its compressed copy: a new build names a new file, so this one never changes and a browser may keep it
 * without asking again.
 */
const CONTENT_HASHED = /\.[0-9a-f]{8}\.js(?:\.br|\.gz)?$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The try-it page's simulated Outlook signs in through a test identity provider's token endpoint on this machine
 * (`?naa=`, `?sso=`; src/outlook/tryit/test-broker.ts): loopback origins only, as that provider answers only them,
 * and only where `tryIt.simulatedSignIn` lets a test do so.
 */
const LOOPBACK_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

/** Where the try-it page learns whether its simulated sign-in is on, before its own script runs. */
const TRY_SETTINGS_PATH = '/try/settings.js';

interface WebArea {
  /** Folder under dist/web. */
  folder: string;
  /** URL prefix, ending in a slash. */
  prefix: string;
  /** What a newcomer finds there, for the start page. */
  about: string;
  /** Set on every file served, over the service's defaults. */
  headers: Readonly<Record<string, string>>;
  /**
   * The add-in's bundles: those named by their content's hash are kept by browsers for good (its pages name
   * them), and each is sent as the Brotli or gzip copy the build wrote beside it, when the browser accepts one.
   */
  bundles?: boolean;
}

interface WebOptions {
  root?: string;
  publicUrl: string;
  /**
   * The Entra issuer the add-in signs in with, absent without Entra: the pane's sign-in window (signin.html) runs
   * MSAL against the authority on its origin (Microsoft's, a national cloud's, or a test provider's).
   */
  entraIssuer?: string;
  /** `tryIt.simulatedSignIn`: the try-it page may sign in through a test provider on this machine. */
  simulatedSignIn?: boolean;
}

function webAreas(options: WebOptions): WebArea[] {
  // With Entra sign-in the add-in also reads distribution lists from Microsoft Graph with the sender's token.
  const authority = options.entraIssuer ? [new URL(options.entraIssuer).origin, MICROSOFT_GRAPH] : [];
  const simulated = options.simulatedSignIn ? LOOPBACK_ORIGINS : [];
  return [
    {
      folder: 'outlook',
      prefix: '/addin/',
      about: 'the Outlook add-in: task pane and on-send check',
      headers: addinHeaders(authority, OPENER_POLICY.addin),
      bundles: true,
    },
    {
      folder: 'outlook/tryit',
      prefix: '/try/',
      about: 'try the compose pane in a browser, without Outlook',
      headers: addinHeaders([...authority, ...simulated], OPENER_POLICY.tryIt),
    },
    {
      folder: 'portal',
      prefix: '/pickup/',
      about: 'the secure-pickup portal recipients open',
      headers: PORTAL_HEADERS,
    },
    {
      folder: 'admin',
      prefix: '/admin/',
      about: 'the admin console (sign in with an admin API token)',
      headers: ADMIN_HEADERS,
      bundles: true,
    },
  ];
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
  const built = webAreas(options).filter((area) => existsSync(join(root, area.folder)));
  for (const area of built) {
    // A scope of its own per area, so that the bundles' hook below touches no other reply.
    await app.register(async (scope) => {
      // Which copy was sent depends on Accept-Encoding: caches must keep them apart. Added to the reply's Vary as
      // it is sent, because that header (to which CORS adds `Origin`) is written over one set on the raw response.
      if (area.bundles) scope.addHook('onSend', async (_request, reply) => addVary(reply, 'accept-encoding'));
      await scope.register(fastifyStatic, {
        root: join(root, area.folder),
        prefix: area.prefix,
        decorateReply: false,
        index: ['index.html'],
        // Headers of its own per area; without this @fastify/static would set its own Cache-Control over them.
        cacheControl: false,
        preCompressed: area.bundles === true,
        setHeaders: (response, path) => {
          for (const [name, value] of Object.entries(area.headers)) response.setHeader(name, value);
          if (area.bundles && CONTENT_HASHED.test(path)) response.setHeader('cache-control', IMMUTABLE);
        },
      });
    });
  }
  const tryArea = built.find((area) => area.prefix === '/try/');
  if (tryArea) {
    const settings = JSON.stringify({ simulatedSignIn: options.simulatedSignIn === true });
    app.get(TRY_SETTINGS_PATH, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .headers(tryArea.headers)
        .type('text/javascript; charset=utf-8')
        .send(`window.sendguardTrySettings = ${settings};\n`),
    );
  }
  const pages = { '/': startPage(options.publicUrl, built), ...POLICY_PAGES };
  for (const [path, page] of Object.entries(pages)) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(page),
    );
  }
};

export default staticAreas;
