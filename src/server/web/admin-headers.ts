/**
 * Headers for the admin console's files (/admin/): its own scripts only, talking to this origin only, never
 * framed (an admin's clicks must not be borrowed by another page), no referrer. `style-src 'unsafe-inline'`:
 * Fluent UI writes its styles at run time. The page is asked for again on every opening (it names the bundles);
 * the bundles named by their content's hash are kept for good (static-areas.ts).
 */
import { COMMON_HEADERS } from '../escrow/headers';

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

/** The service's common headers, with the console's own policy and caching. */
export const ADMIN_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON_HEADERS,
  'content-security-policy': ADMIN_CSP,
  'cache-control': 'no-cache',
};
