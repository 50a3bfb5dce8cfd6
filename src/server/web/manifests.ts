/**
 * The three forms of the deployed manifest, rendered from the files in the checkout: manifest.xml (the add-in only
 * manifest), manifest.json (the unified manifest) and the app package zip with its icons. The server's routes and
 * `sendguard manifest` both call {@link deploymentManifest}, so what an admin downloads and what the CLI writes
 * are the same bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appPackage, manifestJsonText } from './app-package';
import { renderManifest, type ManifestSignIn } from '../../core/deployment';
import { unifiedManifest, type DeploymentOptions } from './unified-manifest';
import { defaultResource, type ResolvedEntra } from '../config/entra';

const ROOT = join(__dirname, '..', '..', '..');
export const MANIFEST_TEMPLATE = join(ROOT, 'manifest.xml');
/** The app package's icons, drawn by assets/draw-icons.js. */
const PACKAGE_ICON_FILES = {
  color: join(ROOT, 'assets', 'color-192.png'),
  outline: join(ROOT, 'assets', 'outline-32.png'),
} as const;

export const MANIFEST_FORMATS = ['xml', 'json', 'zip'] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

/** Where the service serves each form, and what an admin does with it (the start page says so). */
export const MANIFEST_DOWNLOADS: Readonly<Record<ManifestFormat, { path: string; about: string }>> = {
  xml: {
    path: '/manifest.xml',
    about:
      'the Outlook add-in only manifest for this deployment (upload it in the Microsoft 365 admin centre, or sideload it)',
  },
  json: { path: '/manifest.json', about: 'the unified manifest for Microsoft 365, for this deployment' },
  zip: {
    path: '/app-package.zip',
    about: 'the app package (that manifest.json and its icons) to upload in the Microsoft 365 admin centre',
  },
};

export interface RenderedManifest {
  body: string | Uint8Array;
  contentType: string;
  /** The name a browser saves the download as. */
  fileName: string;
}

let version: string | undefined;

/** The product's version as the unified manifest wants it (`major.minor.patch`), from package.json, read once. */
function productVersion(): string {
  version ??= (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** What the manifests name for Office single sign-on, from the resolved `auth.entra`. */
export function manifestSignIn(entra: ResolvedEntra): ManifestSignIn {
  return { clientId: entra.clientId, resource: entra.resource, scope: entra.scope };
}

/**
 * The sign-in an admin names by hand (`sendguard manifest --client-id`), without the service's configuration: the
 * resource defaults as `auth.entra`'s does, from the deployment's base URL.
 */
export function namedSignIn(
  baseUrl: string,
  clientId: string,
  resource: string | undefined,
  scope: string,
): ManifestSignIn {
  return { clientId, resource: resource ?? defaultResource(baseUrl, clientId), scope };
}

export function deploymentManifest(format: ManifestFormat, options: DeploymentOptions): RenderedManifest {
  switch (format) {
    case 'xml':
      return {
        body: renderManifest(readFileSync(MANIFEST_TEMPLATE, 'utf8'), options),
        contentType: 'text/xml; charset=utf-8',
        fileName: 'sendguard-manifest.xml',
      };
    case 'json':
      return {
        body: manifestJsonText(unifiedManifest({ ...options, version: productVersion() })),
        contentType: 'application/json; charset=utf-8',
        fileName: 'manifest.json',
      };
    case 'zip':
      return {
        body: appPackage(unifiedManifest({ ...options, version: productVersion() }), {
          color: readFileSync(PACKAGE_ICON_FILES.color),
          outline: readFileSync(PACKAGE_ICON_FILES.outline),
        }),
        contentType: 'application/zip',
        fileName: 'sendguard-app-package.zip',
      };
  }
}
