/**
 * The deployed manifest: manifest.xml with the placeholder base URL replaced by the backend's public URL and
 * the send mode the organisation chose. Pure, so the server (`/manifest.xml`), the CLI (`sendguard manifest`) and
 * the add-in agree. The same placeholder is written over in the send handler's launchevent.js, which classic
 * Outlook runs without a page and so cannot learn the backend's address any other way.
 */
import { SendguardError } from './errors';
import { escapeMarkup } from './markup';

/** The base URL manifest.xml and the add-in bundles are written with, replaced when served. */
export const BASE_URL_PLACEHOLDER = 'https://localhost:3000';

export type SendMode = 'SoftBlock' | 'Block';

export interface ManifestOptions {
  /** `https://sendguard.example.org` or with a path prefix; a trailing slash is ignored. */
  baseUrl: string;
  /** `SoftBlock` (the default) lets a sender send after a failed check only by fixing it; `Block` is strict mode. */
  sendMode?: SendMode;
}

/** A base URL Outlook cannot load the add-in from, or a send mode Outlook does not know. */
export class ManifestError extends SendguardError {}

function checkedBase(baseUrl: string): string {
  const refuse = (why: string): never => {
    throw new ManifestError('MANIFEST_BASE_URL_INVALID', `the manifest's base URL ${why}`);
  };
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return refuse(`"${baseUrl}" is not a URL`);
  }
  // Outlook loads add-in pages only over HTTPS.
  if (url.protocol !== 'https:') refuse(`must use https, not ${url.protocol}`);
  if (url.search || url.hash) refuse('must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}

/** Replaces the placeholder base URL in any text (the manifest, launchevent.js). */
export function withBaseUrl(text: string, baseUrl: string): string {
  return text.split(BASE_URL_PLACEHOLDER).join(checkedBase(baseUrl));
}

export function renderManifest(template: string, options: ManifestOptions): string {
  const mode = options.sendMode ?? 'SoftBlock';
  if (mode !== 'SoftBlock' && mode !== 'Block')
    throw new ManifestError('MANIFEST_SEND_MODE_INVALID', `unknown send mode "${String(mode)}"`);
  return template
    .split(BASE_URL_PLACEHOLDER)
    .join(escapeMarkup(checkedBase(options.baseUrl)))
    .replace(/SendMode="SoftBlock"/g, `SendMode="${mode}"`);
}
