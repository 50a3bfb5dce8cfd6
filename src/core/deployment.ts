/**
 * The deployed add-in only manifest: manifest.xml with the placeholder base URL replaced by the backend's public
 * URL, the send mode the organisation chose and, when the service signs in with Entra, the add-in's app
 * registration for Office single sign-on. Pure, so the server (`/manifest.xml`), the CLI (`sendguard manifest`) and
 * the add-in agree. The same placeholder is written over in the send handler's launchevent.js, which classic
 * Outlook runs without a page and so cannot learn the backend's address any other way.
 */
import { SendguardError } from './errors';
import { isLoopbackHost } from './loopback-host';
import { escapeMarkup } from './markup';

/** The base URL manifest.xml and the add-in bundles are written with, replaced when served. */
export const BASE_URL_PLACEHOLDER = 'https://localhost:3000';

/**
 * The send modes Outlook knows for OnMessageSend, as manifest.xml spells them: SoftBlock (the default) lets a
 * sender send a message the check stopped only by fixing it; Block is strict mode, for admin-deployed add-ins.
 */
export const SEND_MODES = ['SoftBlock', 'Block'] as const;
export type SendMode = (typeof SEND_MODES)[number];

/** The delegated permission the service's API exposes for the add-in, unless `auth.entra.scope` names another. */
export const DEFAULT_API_SCOPE = 'access_as_user';

/**
 * The add-in's app registration as the manifests name it for Office single sign-on: Office asks Entra for a token
 * for `resource` on the add-in's behalf. Absent when the service does not sign in with Entra. The XML names the
 * scope too; the unified manifest's webApplicationInfo has no place for it.
 */
export interface ManifestSignIn {
  /** The add-in's Application (client) ID. */
  clientId: string;
  /** The API's application ID URI, `api://<publicUrl host>/<clientId>` by default. */
  resource: string;
  /** The delegated permission the service requires in a token's `scp`: `access_as_user` by default. */
  scope: string;
}

export interface ManifestOptions {
  /** `https://sendguard.example.org` or with a path prefix; a trailing slash is ignored. */
  baseUrl: string;
  /** One of {@link SEND_MODES}; SoftBlock by default. */
  sendMode?: SendMode;
  signIn?: ManifestSignIn;
}

/**
 * Where manifest.xml takes WebApplicationInfo: as the last child of each VersionOverrides, the 1.0 and the nested
 * 1.1 (Microsoft's element reference: valid in Mail 1.0 and Mail 1.1, and last), so that a client which falls
 * back to the 1.0 overrides (Mailbox 1.3 to 1.11) has single sign-on too. Each comment's line becomes the element,
 * or goes.
 */
const SIGN_IN_PLACEHOLDER = '<!-- WebApplicationInfo -->';
const SIGN_IN_LINES = new RegExp(`\\n([ \\t]*)${SIGN_IN_PLACEHOLDER}`, 'g');

/** A base URL Outlook cannot load the add-in from, or a send mode Outlook does not know. */
export class ManifestError extends SendguardError {}

/**
 * The deployment's base URL without a trailing slash. One Outlook cannot load the add-in from is refused, except
 * plain HTTP on this machine, rendered for reading only.
 */
export function checkedBase(baseUrl: string): string {
  const refuse = (why: string): never => {
    throw new ManifestError('MANIFEST_BASE_URL_INVALID', `the manifest's base URL ${why}`);
  };
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return refuse(`"${baseUrl}" is not a URL`);
  }
  // Outlook loads add-in pages only over HTTPS. Plain HTTP is rendered for a service on this very machine (a
  // developer's, or a test's, with TLS off) so that its manifests can be read; Outlook will not install them.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.host)))
    refuse(`must use https, not ${url.protocol}`);
  if (url.search || url.hash) refuse('must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}

/** Replaces the placeholder base URL in any text (the manifest, launchevent.js). */
export function withBaseUrl(text: string, baseUrl: string): string {
  return text.split(BASE_URL_PLACEHOLDER).join(checkedBase(baseUrl));
}

const isSendMode = (mode: string): mode is SendMode => (SEND_MODES as readonly string[]).includes(mode);

/** The send mode asked for, or SoftBlock; one Outlook does not know is refused. */
export function checkedSendMode(mode: string | undefined): SendMode {
  if (mode === undefined) return SEND_MODES[0];
  if (!isSendMode(mode))
    throw new ManifestError(
      'MANIFEST_SEND_MODE_INVALID',
      `unknown send mode "${mode}": Outlook knows ${SEND_MODES.join(' and ')}`,
    );
  return mode;
}

/** The URL a manifest names for a file of the add-in, under the deployment's base URL. */
export function addinUrl(baseUrl: string, file: string): string {
  return `${checkedBase(baseUrl)}/addin/${file}`;
}

/**
 * The scopes WebApplicationInfo names: the API's own permission (the one the service requires, so that consent
 * covers what the add-in asks for), then the user's identity. No Microsoft Graph permission: the add-in needs none.
 */
const signInScopes = (signIn: ManifestSignIn) => [signIn.scope, 'openid', 'profile'];

/** The element, one child a line, each line starting with `indent` (the placeholder's own). */
function webApplicationInfo(signIn: ManifestSignIn, indent: string): string {
  return [
    '<WebApplicationInfo>',
    `  <Id>${escapeMarkup(signIn.clientId)}</Id>`,
    `  <Resource>${escapeMarkup(signIn.resource)}</Resource>`,
    '  <Scopes>',
    ...signInScopes(signIn).map((scope) => `    <Scope>${escapeMarkup(scope)}</Scope>`),
    '  </Scopes>',
    '</WebApplicationInfo>',
  ]
    .map((line) => `\n${indent}${line}`)
    .join('');
}

export function renderManifest(template: string, options: ManifestOptions): string {
  const mode = checkedSendMode(options.sendMode);
  const base = checkedBase(options.baseUrl);
  const rendered = template
    .split(BASE_URL_PLACEHOLDER)
    .join(escapeMarkup(base))
    .replace(/SendMode="SoftBlock"/g, `SendMode="${mode}"`)
    .replace(SIGN_IN_LINES, (_line, indent: string) =>
      options.signIn ? webApplicationInfo(options.signIn, indent) : '',
    );
  // checkedBase lets plain HTTP through only for this machine: such a manifest is for reading.
  return base.startsWith('http:') ? rendered.replace('?>', `?>\n${PREVIEW_NOTE}`) : rendered;
}

const PREVIEW_NOTE =
  '<!-- Rendered for a service on plain HTTP on this machine: for reading only. Outlook installs add-ins over HTTPS only; set publicUrl to the https:// address senders reach. -->';
