/**
 * What Outlook loads that must name this deployment: the manifest rendered for the public URL and send mode, the
 * send handler with the same URL written in (classic Outlook runs it without a page, so it cannot ask its own
 * origin), and the well-known file that lets that handler call the API (its JavaScript-only runtime checks it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { SendguardError } from '../../core/errors';
import { renderManifest, withBaseUrl, type SendMode } from '../../core/deployment';
import { WEB_ROOT } from './static-areas';

export const MANIFEST_TEMPLATE = join(__dirname, '..', '..', '..', 'manifest.xml');
const SEND_HANDLER = 'launchevent.js';

interface OutlookDeploymentOptions {
  publicUrl: string;
  sendMode: SendMode;
  root?: string;
}

function rendered<T>(render: () => T): T {
  try {
    return render();
  } catch (error) {
    // The public URL is the admin's setting: say which one and why Outlook cannot use it.
    throw new SendguardError(
      'DEPLOYMENT_URL_INVALID',
      `publicUrl cannot be used by Outlook: ${(error as Error).message}`,
    );
  }
}

const outlookDeployment: FastifyPluginAsync<OutlookDeploymentOptions> = async (app, options) => {
  const handlerFile = join(options.root ?? WEB_ROOT, 'outlook', SEND_HANDLER);
  app.get('/manifest.xml', { schema: { hide: true } }, async (_request, reply) => {
    const manifest = rendered(() =>
      renderManifest(readFileSync(MANIFEST_TEMPLATE, 'utf8'), {
        baseUrl: options.publicUrl,
        sendMode: options.sendMode,
      }),
    );
    return reply
      .type('text/xml; charset=utf-8')
      .header('content-disposition', 'attachment; filename="sendguard-manifest.xml"')
      .send(manifest);
  });
  // Registered before the static files: this exact path wins over the /addin/ wildcard.
  if (existsSync(handlerFile)) {
    app.get(`/addin/${SEND_HANDLER}`, { schema: { hide: true } }, async (_request, reply) => {
      const code = readFileSync(handlerFile, 'utf8');
      // Outlook loads add-ins over HTTPS only; over plain HTTP (a developer's try-it page, which tells the
      // handler its backend itself) the file is served as built.
      const deployed = options.publicUrl.startsWith('https:')
        ? rendered(() => withBaseUrl(code, options.publicUrl))
        : code;
      return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(deployed);
    });
  }
  app.get('/.well-known/microsoft-officeaddins-allowed.json', { schema: { hide: true } }, async () => ({
    allowed: [`${options.publicUrl}/addin/${SEND_HANDLER}`],
  }));
};

export default outlookDeployment;
