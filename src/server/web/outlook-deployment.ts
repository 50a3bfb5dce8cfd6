/**
 * What Outlook loads that must name this deployment: the manifests rendered for the public URL, send mode and
 * sign-in (the add-in only manifest.xml, the unified manifest.json and the app package that carries it), the
 * send handler with the same URL written in (classic Outlook runs it without a page, so it cannot ask its own
 * origin), and the well-known file that lets that handler call the API (its JavaScript-only runtime checks it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { SendguardError } from '../../core/errors';
import { ManifestError, withBaseUrl, type ManifestSignIn, type SendMode } from '../../core/deployment';
import {
  MANIFEST_DOWNLOADS,
  MANIFEST_FORMATS,
  deploymentManifest,
  type ManifestFormat,
  type RenderedManifest,
} from './manifests';
import { WEB_ROOT } from './static-areas';
import { withVerdictTrust } from './verdict-trust';
import type { VerdictTrust } from '../../core/signed/statement';
import type { PublisherPages } from './unified-manifest';

const SEND_HANDLER = 'launchevent.js';

interface OutlookDeploymentOptions {
  publicUrl: string;
  sendMode: SendMode;
  /** The add-in's app registration (from `auth.entra`); without it the manifests name no sign-in. */
  signIn?: ManifestSignIn;
  /** The organisation's privacy, terms and web pages for the unified manifest (`publisher`). */
  publisher?: PublisherPages | undefined;
  /** What the send handler checks kept verdicts with, written into it as it is served; without it, none. */
  verdicts?: VerdictTrust;
  root?: string;
}

function rendered<T>(render: () => T): T {
  try {
    return render();
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    // The public URL is the admin's setting: say which one and why Outlook cannot use it.
    throw new SendguardError(
      'DEPLOYMENT_URL_INVALID',
      `publicUrl cannot be used by Outlook: ${(error as Error).message}`,
    );
  }
}

const outlookDeployment: FastifyPluginAsync<OutlookDeploymentOptions> = async (app, options) => {
  const handlerFile = join(options.root ?? WEB_ROOT, 'outlook', SEND_HANDLER);
  // What each form renders from is fixed when the service starts: rendered on the first download and kept (a
  // publicUrl Outlook cannot use is refused on every download instead).
  const kept = new Map<ManifestFormat, RenderedManifest>();
  const manifestOf = (format: ManifestFormat): RenderedManifest => {
    const manifest =
      kept.get(format) ??
      rendered(() =>
        deploymentManifest(format, {
          baseUrl: options.publicUrl,
          sendMode: options.sendMode,
          ...(options.signIn ? { signIn: options.signIn } : {}),
          publisher: options.publisher,
        }),
      );
    kept.set(format, manifest);
    return manifest;
  };
  for (const format of MANIFEST_FORMATS) {
    app.get(MANIFEST_DOWNLOADS[format].path, { schema: { hide: true } }, async (_request, reply) => {
      const manifest = manifestOf(format);
      return reply
        .type(manifest.contentType)
        .header('content-disposition', `attachment; filename="${manifest.fileName}"`)
        .header('cache-control', 'no-cache')
        .send(typeof manifest.body === 'string' ? manifest.body : Buffer.from(manifest.body));
    });
  }
  // Registered before the static files: this exact path wins over the /addin/ wildcard.
  if (existsSync(handlerFile)) {
    // The file as last served, and what was written into it: rewritten only when a build has changed the file.
    let served: { built: string; deployed: string } | undefined;
    const deployedOf = (built: string): string => {
      if (served?.built === built) return served.deployed;
      // Outlook loads add-ins over HTTPS only; over plain HTTP (a developer's try-it page, which tells the
      // handler its backend itself) the file is served as built.
      const withUrl = options.publicUrl.startsWith('https:')
        ? rendered(() => withBaseUrl(built, options.publicUrl))
        : built;
      // Whatever the scheme: the try-it page's handler decides from kept verdicts as a deployed one does.
      const deployed = options.verdicts ? withVerdictTrust(withUrl, options.verdicts) : withUrl;
      served = { built, deployed };
      return deployed;
    };
    app.get(`/addin/${SEND_HANDLER}`, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(deployedOf(readFileSync(handlerFile, 'utf8'))),
    );
  }
  app.get('/.well-known/microsoft-officeaddins-allowed.json', { schema: { hide: true } }, async () => ({
    allowed: [`${options.publicUrl}/addin/${SEND_HANDLER}`],
  }));
};

export default outlookDeployment;
