/**
 * Headers for the admin console's files (/admin/): its own scripts only, talking to this origin only, never
 * framed (an admin's clicks must not be borrowed by another page), no referrer. `style-src 'unsafe-inline'`:
 * Fluent UI writes its styles at run time. The page is asked for again on every opening (it names the bundles);
 * the bundles named by their content's hash are kept for good (static-areas.ts).
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const ADMIN_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': ADMIN_CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cache-control': 'no-cache',
};
