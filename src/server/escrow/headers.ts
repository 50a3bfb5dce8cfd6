/**
 * Response headers for the pickup portal's static files and for every escrow API answer
 * (docs/escrow-protocol.md, "Headers").
 */
import type { FastifyInstance } from 'fastify';

/**
 * What every answer of this service carries, whatever it is: the portal's files, the API's JSON, the admin
 * console's files (web/admin-headers.ts), each adding its own content policy and caching.
 */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/**
 * The portal's page and scripts. `wasm-unsafe-eval`: Argon2id runs as WebAssembly. `style-src 'unsafe-inline'`:
 * Fluent UI injects its styles at run time and mail bodies carry inline styles; scripts stay `'self'` only.
 * `img-src https:` lets remote images load after the reader asks; the sanitiser holds them back until then.
 */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PORTAL_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON_HEADERS,
  'content-security-policy': PORTAL_CSP,
};

/** JSON and ciphertext: nothing in them is ever rendered. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON_HEADERS,
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
};

export function applyApiHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(API_HEADERS);
    return payload;
  });
}
